"""``foreign/ca_visas.csv`` and ``foreign/us_visas.csv``: immigration records with mappings.

Each row is one permit or status grant: the applicant as named in the
passport (capitals, surname first, given name joined), birth date, passport
number and the status granted. These are where a hidden emigration shows:
the declaration says the spouse lives at home, the record says permanent
resident since 2005.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from nohaven.scenario.datasets.common import Context, Renderer, interleave
from nohaven.scenario.documents import passport as document_passport
from nohaven.scenario.naming import NameProfile, layouts
from nohaven.scenario.people import PersonView
from nohaven.scenario.world import VisaSpec

COLUMNS = (
    "person_id",
    "full_name",
    "birth_date",
    "gender",
    "nationality",
    "passport_number",
    "permit_id",
    "permit_number",
    "status",
    "issued",
    "expires",
)
PROFILE = NameProfile(
    layouts=layouts(
        ("comma", "joined", "upper", 0.6),
        ("family_last", "joined", "upper", 0.2),
        ("comma", "spaced", "upper", 0.2),
    ),
    western_rate=0.1,
    typo_rate=0.01,
)


@dataclass(frozen=True)
class Authority:
    """One country's immigration authority and the statuses it grants."""

    country: str
    dataset: str
    name: str
    statuses: tuple[tuple[str, float, int | None], ...]  # text, share, validity in years


AUTHORITIES = (
    Authority(
        "ca",
        "ca_visas",
        "Immigration, Refugees and Citizenship Canada",
        (
            ("study permit", 0.3, 4),
            ("permanent resident", 0.3, 5),
            ("citizen", 0.15, None),
            ("temporary resident visa", 0.25, 10),
        ),
    ),
    Authority(
        "us",
        "us_visas",
        "U.S. Citizenship and Immigration Services",
        (
            ("F-1 student visa", 0.3, 5),
            ("lawful permanent resident", 0.25, 10),
            ("naturalized citizen", 0.1, None),
            ("B1/B2 visitor visa", 0.35, 10),
        ),
    ),
)


def mapping(authority: Authority) -> dict[str, Any]:
    """The FtM-style mapping of an immigration CSV."""
    return {
        "entities": {
            "applicant": {
                "schema": "Person",
                "id_column": "person_id",
                "properties": {
                    "name": {"column": "full_name"},
                    "birthDate": {"column": "birth_date"},
                    "gender": {"column": "gender"},
                    "nationality": {"column": "nationality"},
                    "passportNumber": {"column": "passport_number"},
                },
            },
            "permit": {
                "schema": "Identification",
                "id_column": "permit_id",
                "properties": {
                    "holder": {"entity": "applicant"},
                    "number": {"column": "permit_number"},
                    "type": {"column": "status"},
                    "authority": {"literal": authority.name},
                    "country": {"literal": authority.country},
                    "startDate": {"column": "issued"},
                    "endDate": {"column": "expires"},
                },
            },
        }
    }


class _Rows:
    def __init__(self, ctx: Context, authority: Authority, rng: np.random.Generator) -> None:
        self.ctx = ctx
        self.authority = authority
        self.rng = rng
        self.render = Renderer(rng, PROFILE, ctx.planted_systems)
        self.permit_mint = ctx.mints(f"{authority.country}-visa-i")

    def row(
        self,
        person_id: str,
        view: PersonView,
        name: str,
        passport: str,
        permit_id: str,
        status: str,
        issued: dt.date,
        expires: dt.date | None,
    ) -> dict[str, str | None]:
        r = self.render
        prefix = "V" if self.authority.country == "ca" else "IOE"
        return {
            "person_id": person_id,
            "full_name": name,
            "birth_date": r.birth_date(view.birth, 1.0, error_rate=0.01),
            "gender": "female" if view.female else "male",
            "nationality": r.nationality(view.origin),
            "passport_number": passport,
            "permit_id": permit_id,
            "permit_number": f"{prefix}{int(self.rng.integers(10**8, 10**9))}",
            "status": status,
            "issued": issued.isoformat(),
            "expires": expires.isoformat() if expires else None,
        }

    def background(self, i: int) -> dict[str, str | None]:
        ctx, rng = self.ctx, self.rng
        sample = ctx.samples[self.authority.dataset]
        pop = ctx.samples.population
        row = int(sample.rows[i])
        view = pop.view(row)
        person_id = str(sample.ids[i])
        ctx.truth.identity(person_id, pop.true_id(row))
        statuses = self.authority.statuses
        shares = np.asarray([s[1] for s in statuses])
        text, _, years = statuses[int(rng.choice(len(statuses), p=shares / shares.sum()))]
        issued = dt.date(
            int(rng.integers(2000, 2017)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
        )
        expires = issued.replace(year=issued.year + years) if years else None
        name = self.render.background(view).name
        passport = document_passport(ctx.seed, pop.true_id(row), view.origin, issued.year)
        return self.row(
            person_id, view, name, passport, self.permit_mint.next(), text, issued, expires
        )

    def planted(self, spec: VisaSpec) -> dict[str, str | None]:
        person = spec.person
        self.ctx.truth.identity(spec.person_record_id, person.true_id)
        name = self.render.planted(person).name
        return self.row(
            spec.person_record_id, person.view(), name, person.passport, spec.permit_id,
            spec.status, spec.issued, spec.expires,
        )  # fmt: skip


def write_visas(ctx: Context) -> None:
    """Write both immigration datasets and their mappings."""
    for stream, authority in enumerate(AUTHORITIES, start=20):
        rng = ctx.rng(stream)
        rows = _Rows(ctx, authority, rng)
        planted = [v for v in ctx.world.visas if v.dataset == authority.dataset]
        n = len(ctx.samples[authority.dataset])
        with ctx.output.csv(f"foreign/{authority.dataset}.csv", COLUMNS) as out:
            batch: list[dict[str, str | None]] = []
            for i, spec in interleave(rng, n, planted):
                batch.append(
                    rows.planted(spec) if spec is not None else rows.background(int(i or 0))
                )
                if len(batch) >= 50_000:
                    out.write_rows(batch)
                    batch = []
            out.write_rows(batch)
        ctx.output.mapping(f"foreign/{authority.dataset}.mapping.yml", mapping(authority))
