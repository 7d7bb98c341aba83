"""``foreign/hk_companies.ftm.json``: a Hong Kong companies-registry extract.

Companies (including BVI companies registered in Hong Kong), their
directors and shareholders. Officers are named the Hong Kong way (Cantonese
romanisation, surname in capitals, often a Western name, Chinese name in
traditional characters), but mainland officers registered with a passport
keep pinyin; a planted family's conduit and shell companies sit among
thousands of similarly named companies.
"""

from __future__ import annotations

import numpy as np

from nohaven.scenario.datasets.common import Context, Renderer, interleave
from nohaven.scenario.documents import hkid
from nohaven.scenario.documents import passport as document_passport
from nohaven.scenario.naming import NameProfile, layouts
from nohaven.scenario.people import Origin, PersonView, from_day
from nohaven.scenario.places import hk_address
from nohaven.scenario.world import Officer, ShellCompany
from nohaven.scenario.writer import Entity, entity

RELPATH = "foreign/hk_companies.ftm.json"
PROFILE = NameProfile(
    layouts=layouts(
        ("comma", "system", "upper_family", 0.5),
        ("family_first", "system", "upper", 0.2),
        ("family_last", "hyphenated", "title", 0.15),
        ("family_first", "system", "title", 0.15),
    ),
    western_rate=0.6,
    typo_rate=0.02,
)


class _Writer:
    def __init__(self, ctx: Context, rng: np.random.Generator) -> None:
        self.ctx = ctx
        self.rng = rng
        self.render = Renderer(rng, PROFILE, ctx.planted_systems)
        self.person_mints = ctx.mints("hk-co-p")
        self.directorships = ctx.mints("hk-co-d")
        self.ownerships = ctx.mints("hk-co-o")

    def officer_person(
        self,
        record_id: str,
        holder: str,
        view: PersonView,
        name: str,
        passport: str | None,
    ) -> Entity:
        r = self.render
        han = r.han(view, 0.5 if view.origin in (Origin.HONG_KONG, Origin.MAINLAND) else 0.1, True)
        local = view.origin == Origin.HONG_KONG
        id_number = hkid(self.ctx.seed, holder) if local and r.chance(0.3) else None
        return entity(
            record_id,
            "Person",
            name=name,
            alias=han,
            nationality=r.nationality(view.origin),
            birthDate=r.birth_date(view.birth, 0.15),
            idNumber=id_number,
            passportNumber=passport,
        )

    def roles(
        self,
        person_id: str,
        company_id: str,
        since: str,
        director: bool,
        share: float | None,
        directorship_id: str | None = None,
        ownership_id: str | None = None,
    ) -> list[Entity]:
        items = []
        if director:
            items.append(
                entity(
                    directorship_id or self.directorships.next(),
                    "Directorship",
                    director=person_id,
                    organization=company_id,
                    role="Director",
                    startDate=since,
                )
            )
        if share is not None:
            items.append(
                entity(
                    ownership_id or self.ownerships.next(),
                    "Ownership",
                    owner=person_id,
                    asset=company_id,
                    percentage=f"{share:g}",
                    role="Shareholder",
                    startDate=since,
                )
            )
        return items

    def company(self, i: int, officers: list[int]) -> list[Entity]:
        ctx = self.ctx
        table = ctx.parties.hk_companies
        company_id = str(table.ids[i])
        since = from_day(int(table.incorporated[i])).isoformat()
        items = [
            entity(
                company_id,
                "Company",
                name=table.names[i],
                alias=table.chinese_names[i],
                jurisdiction=str(table.country[i]),
                country="hk",
                incorporationDate=since,
                registrationNumber=f"{int(self.rng.integers(1, 3_000_000)):07d}",
                address=hk_address(self.rng),
                status="Live" if self.rng.random() < 0.85 else "Dissolved",
            )
        ]
        ctx.truth.identity(company_id, table.true_id(i))
        sample = ctx.samples["hk_officers"]
        pop = ctx.samples.population
        for k in officers:
            row = int(sample.rows[k])
            view = pop.view(row)
            record_id = str(sample.ids[k])
            holder = pop.true_id(row)
            passport = (
                document_passport(ctx.seed, holder, view.origin, int(since[:4]))
                if view.origin == Origin.MAINLAND and self.render.chance(0.4)
                else None
            )
            name = self.render.background(view).name
            items.append(self.officer_person(record_id, holder, view, name, passport))
            ctx.truth.identity(record_id, holder)
            director = self.render.chance(0.8)
            share = (
                float(self.rng.integers(1, 101))
                if (not director or self.render.chance(0.4))
                else None
            )
            items.extend(self.roles(record_id, company_id, since, director, share))
        return items

    def shell(self, shell: ShellCompany) -> list[Entity]:
        ctx = self.ctx
        since = shell.incorporated.isoformat()
        items = [
            entity(
                shell.hk_id,
                "Company",
                name=shell.name,
                alias=shell.chinese_name,
                jurisdiction=shell.jurisdiction,
                country="hk",
                incorporationDate=since,
                registrationNumber=f"{int(self.rng.integers(1, 3_000_000)):07d}",
                address=shell.address,
                status="Live",
            )
        ]
        ctx.truth.identity(shell.hk_id, shell.true_id)
        if shell.parent is not None and shell.parent_ownership_id is not None:
            items.append(
                entity(
                    shell.parent_ownership_id,
                    "Ownership",
                    owner=shell.parent.hk_id,
                    asset=shell.hk_id,
                    percentage="100",
                    role="Shareholder",
                    startDate=since,
                )
            )
        for officer in shell.officers:
            items.extend(self._officer(shell, officer))
        return items

    def _officer(self, shell: ShellCompany, officer: Officer) -> list[Entity]:
        person = officer.person
        name = self.render.planted(person).name
        passport = person.passport if self.render.chance(0.6) else None
        items = [
            self.officer_person(officer.record_id, person.true_id, person.view(), name, passport)
        ]
        self.ctx.truth.identity(officer.record_id, person.true_id)
        items.extend(
            self.roles(
                officer.record_id,
                shell.hk_id,
                officer.since.isoformat(),
                officer.director,
                officer.share_pct,
                officer.directorship_id,
                officer.ownership_id,
            )
        )
        return items


def write_hk_companies(ctx: Context) -> None:
    """Write the Hong Kong registry extract."""
    rng = ctx.rng(2)
    writer = _Writer(ctx, rng)
    n_companies = len(ctx.parties.hk_companies)
    n_officers = len(ctx.samples["hk_officers"])
    company_of = rng.integers(0, n_companies, n_officers)
    order = np.argsort(company_of, kind="stable")
    bounds = np.searchsorted(company_of[order], np.arange(n_companies + 1))
    with ctx.output.ftm(RELPATH) as out:
        for i, shell in interleave(rng, n_companies, ctx.world.shells):
            if shell is not None:
                out.write_all(writer.shell(shell))
            else:
                assert i is not None
                officers = order[bounds[i] : bounds[i + 1]].tolist()
                out.write_all(writer.company(i, officers))
