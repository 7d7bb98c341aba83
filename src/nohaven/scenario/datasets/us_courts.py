"""``foreign/us_courts.ftm.json``: US court dockets naming people and companies.

Court records name a person the way the complaint did, often with known
aliases ("Chaofan Xu, also known as Hsu Chao-fan"), so one record can
carry two romanisations. Most cases are ordinary civil disputes between
unrelated parties; a few charge planted officials.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from nohaven.scenario.datasets.common import Context, Renderer, interleave
from nohaven.scenario.naming import NameProfile, RecordSystem, layouts, romanised
from nohaven.scenario.parties import english_company_name
from nohaven.scenario.people import PersonView
from nohaven.scenario.vocab import CASE_CATEGORIES_US, COURTS_US, WESTERN_FEMALE, WESTERN_MALE
from nohaven.scenario.world import CaseSpec
from nohaven.scenario.writer import Entity, entity

RELPATH = "foreign/us_courts.ftm.json"
PROFILE = NameProfile(
    layouts=layouts(
        ("family_last", "system", "title", 0.5),
        ("family_last", "spaced", "title", 0.2),
        ("comma", "system", "upper_family", 0.3),
    ),
    western_rate=0.4,
    typo_rate=0.02,
)
BIRTH_DATE_RATE = 0.3  # dockets give a birth date for some individual parties
# An alias in another layout or system, as complaints list them.
ALIAS_LAYOUT = layouts(("family_first", "hyphenated", "title", 1.0))[0][0]
WESTERN_SURNAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Walker",
)  # fmt: skip


def _alias(view: PersonView, rng: np.random.Generator) -> str | None:
    if rng.random() < 0.5:
        return None
    system: RecordSystem = "wade_giles" if rng.random() < 0.5 else "pinyin"
    return romanised(view, system, ALIAS_LAYOUT, use_western=False)


class _Writer:
    def __init__(self, ctx: Context, rng: np.random.Generator) -> None:
        self.ctx = ctx
        self.rng = rng
        self.render = Renderer(rng, PROFILE, ctx.planted_systems)
        self.sample_pos = 0
        self.party_mint = ctx.mints("us-crt-r")
        self.case_mint = ctx.mints("us-crt-c")
        self.company_mint = ctx.mints("us-crt-e")
        self.western_mint = ctx.mints("us-crt-w")

    def _case(
        self, case_id: str, title: str, number: str, court: str, category: str, filed: dt.date
    ) -> Entity:
        return entity(
            case_id,
            "CourtCase",
            name=title,
            caseNumber=number,
            court=court,
            category=category,
            fileDate=filed.isoformat(),
            country="us",
        )

    def _party(self, party_id: str, case_id: str, person_id: str, role: str) -> Entity:
        return entity(party_id, "CourtCaseParty", case=case_id, party=person_id, role=role)

    def background_case(self) -> list[Entity]:
        ctx, rng = self.ctx, self.rng
        sample = ctx.samples["us_parties"]
        pop = ctx.samples.population
        case_id = self.case_mint.next()
        filed = dt.date(
            int(rng.integers(2000, 2017)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
        )
        items: list[Entity] = []
        names: list[str] = []
        for role in ("plaintiff", "defendant")[: 1 + int(rng.random() < 0.9)]:
            kind = rng.random()
            if kind < 0.2:
                company_id = self.company_mint.next()
                name = english_company_name(rng, "us")
                items.append(entity(company_id, "Company", name=name, country="us"))
                ctx.truth.identity(company_id, f"bgc-{company_id}")
                party = company_id
            elif kind < 0.4 or self.sample_pos >= len(sample):
                party = self.western_mint.next()
                female = rng.random() < 0.5
                first = str(rng.choice(WESTERN_FEMALE if female else WESTERN_MALE))
                name = f"{first} {rng.choice(WESTERN_SURNAMES)}"
                items.append(entity(party, "Person", name=name, country="us"))
                ctx.truth.identity(party, f"bgw-{party}")
            else:
                row = int(sample.rows[self.sample_pos])
                party = str(sample.ids[self.sample_pos])
                self.sample_pos += 1
                view = pop.view(row)
                name = self.render.background(view).name
                items.append(
                    entity(
                        party,
                        "Person",
                        name=name,
                        alias=_alias(view, rng),
                        birthDate=self.render.birth_date(view.birth, BIRTH_DATE_RATE),
                        country="us",
                    )
                )
                ctx.truth.identity(party, pop.true_id(row))
            names.append(name)
            items.append(self._party(self.party_mint.next(), case_id, party, role))
        title = " v. ".join(names) if len(names) == 2 else f"In re {names[0]}"
        category = str(rng.choice(CASE_CATEGORIES_US))
        number = f"{filed:%y}-cv-{int(rng.integers(100, 99999)):05d}"
        items.insert(
            0, self._case(case_id, title, number, str(rng.choice(COURTS_US)), category, filed)
        )
        return items

    def planted_case(self, spec: CaseSpec) -> list[Entity]:
        items: list[Entity] = []
        names = []
        for party in spec.parties:
            person = party.person
            name = self.render.planted(person).name
            names.append(name)
            items.append(
                entity(
                    party.record_id,
                    "Person",
                    name=name,
                    alias=_alias(person.view(), self.rng),
                    birthDate=self.render.birth_date(person.birth, BIRTH_DATE_RATE),
                    country="us",
                )
            )
            self.ctx.truth.identity(party.record_id, person.true_id)
            items.append(self._party(party.party_id, spec.case_id, party.record_id, party.role))
        title = spec.title.format(", ".join(names))
        items.insert(
            0, self._case(spec.case_id, title, spec.number, spec.court, spec.category, spec.filed)
        )
        return items


def write_us_courts(ctx: Context) -> None:
    """Write the US court dockets."""
    rng = ctx.rng(4)
    writer = _Writer(ctx, rng)
    with ctx.output.ftm(RELPATH) as out:
        for i, spec in interleave(rng, ctx.size.us_cases, ctx.world.court_cases):
            if spec is not None:
                out.write_all(writer.planted_case(spec))
            else:
                del i
                out.write_all(writer.background_case())
