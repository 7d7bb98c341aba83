"""``foreign/mo_patrons.ftm.json``: Macau junket operators and their VIP patrons.

Macau offices romanise Cantonese with Portuguese-influenced spellings
(許 "Hoi", 張 "Cheong", 梁 "Leong"), which differ from Hong Kong's for the
same surname; Chinese names appear in traditional characters.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from nohaven.scenario.datasets.common import Context, Renderer, interleave
from nohaven.scenario.naming import NameProfile, layouts
from nohaven.scenario.parties import english_company_name
from nohaven.scenario.people import PersonView
from nohaven.scenario.world import PatronSpec
from nohaven.scenario.writer import Entity, entity

RELPATH = "foreign/mo_patrons.ftm.json"
PROFILE = NameProfile(
    layouts=layouts(
        ("family_first", "spaced", "upper", 0.4),
        ("family_first", "system", "title", 0.4),
        ("comma", "system", "upper_family", 0.2),
    ),
    western_rate=0.2,
    typo_rate=0.03,
    macau=True,
)
PATRONS_PER_JUNKET = 200


class _Writer:
    def __init__(self, ctx: Context, rng: np.random.Generator, junkets: list[str]) -> None:
        self.ctx = ctx
        self.rng = rng
        self.junkets = junkets
        self.render = Renderer(rng, PROFILE, ctx.planted_systems)
        self.membership_mint = ctx.mints("mo-pat-m")

    def patron(
        self, record_id: str, view: PersonView, name: str, membership_id: str, since: dt.date
    ) -> list[Entity]:
        r = self.render
        junket = self.junkets[int(self.rng.integers(0, len(self.junkets)))]
        return [
            entity(
                record_id,
                "Person",
                name=name,
                alias=r.han(view, 0.7, traditional=True),
                nationality=r.nationality(view.origin),
                birthDate=r.birth_date(view.birth, 0.5),
            ),
            entity(
                membership_id,
                "Membership",
                member=record_id,
                organization=junket,
                role="VIP patron",
                startDate=since.isoformat(),
            ),
        ]

    def background(self, i: int) -> list[Entity]:
        sample = self.ctx.samples["mo_patrons"]
        pop = self.ctx.samples.population
        row = int(sample.rows[i])
        view = pop.view(row)
        record_id = str(sample.ids[i])
        self.ctx.truth.identity(record_id, pop.true_id(row))
        since = dt.date(int(self.rng.integers(2000, 2016)), int(self.rng.integers(1, 13)), 1)
        name = self.render.background(view).name
        return self.patron(record_id, view, name, self.membership_mint.next(), since)

    def planted(self, spec: PatronSpec) -> list[Entity]:
        self.ctx.truth.identity(spec.record_id, spec.person.true_id)
        name = self.render.planted(spec.person).name
        return self.patron(spec.record_id, spec.person.view(), name, spec.membership_id, spec.since)


def write_mo_patrons(ctx: Context) -> None:
    """Write junket operators, then their patron lists."""
    rng = ctx.rng(5)
    n = len(ctx.samples["mo_patrons"])
    count = max(3, n // PATRONS_PER_JUNKET)
    junkets = [ctx.mints("mo-pat-c").next() for _ in range(count)]
    writer = _Writer(ctx, rng, junkets)
    with ctx.output.ftm(RELPATH) as out:
        for junket in junkets:
            name = english_company_name(rng, "mo").replace("Limited", "VIP Club Limited", 1)
            out.write(entity(junket, "Company", name=name, country="mo", jurisdiction="mo"))
            ctx.truth.identity(junket, f"bgc-{junket}")
        for i, spec in interleave(rng, n, ctx.world.patrons):
            if spec is not None:
                out.write_all(writer.planted(spec))
            else:
                assert i is not None
                out.write_all(writer.background(i))
