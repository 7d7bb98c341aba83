"""``foreign/us_deeds.csv`` and ``foreign/ca_titles.csv``: property titles with mappings.

County deed indexes and provincial land titles name the owner as recorded
on the deed: no birth date, a name in capitals in whatever order the
conveyancer used, sometimes a company. A planted family's houses (bought
through a BVI shell or in a relative's name) are rows like any other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from nohaven.scenario.datasets.common import Context, Renderer, interleave
from nohaven.scenario.naming import NameProfile, layouts
from nohaven.scenario.parties import company_variant, english_company_name
from nohaven.scenario.places import street_address
from nohaven.scenario.vocab import WESTERN_FEMALE, WESTERN_MALE
from nohaven.scenario.world import DeedSpec
from nohaven.scenario.writer import cents_str

COLUMNS = (
    "deed_id",
    "document_number",
    "document_type",
    "recorded_date",
    "parcel_id",
    "parcel_number",
    "address",
    "city",
    "price",
    "owner_name",
    "owner_person_id",
    "owner_company_id",
    "deed_person_id",
    "deed_company_id",
)
WESTERN_SURNAMES = (
    "Smith", "Johnson", "Nguyen", "Brown", "Patel", "Garcia", "Miller", "Kim", "Singh",
    "Martinez", "Anderson", "Wilson", "Tremblay", "Roy", "Gagnon", "Campbell", "Park",
)  # fmt: skip


@dataclass(frozen=True)
class Register:
    """One country's title register."""

    country: str
    dataset: str
    prefix: str
    currency: str
    document_type: str
    median_price: int
    profile: NameProfile
    company_share: float  # of non-sample rows: companies; the rest are Western names


REGISTERS = (
    Register(
        country="us",
        dataset="us_deeds",
        prefix="us-deed",
        currency="USD",
        document_type="Grant Deed",
        median_price=750_000,
        profile=NameProfile(
            layouts=layouts(
                ("family_last", "system", "upper", 0.35),
                ("comma", "system", "upper", 0.35),
                ("family_last", "spaced", "title", 0.15),
                ("comma", "spaced", "upper", 0.15),
            ),
            western_rate=0.5,
            typo_rate=0.03,
        ),
        company_share=0.6,
    ),
    Register(
        country="ca",
        dataset="ca_titles",
        prefix="ca-title",
        currency="CAD",
        document_type="Fee Simple Transfer",
        median_price=1_100_000,
        profile=NameProfile(
            layouts=layouts(
                ("comma", "system", "upper", 0.5),
                ("family_last", "system", "upper", 0.3),
                ("family_last", "spaced", "upper", 0.2),
            ),
            western_rate=0.5,
            typo_rate=0.03,
        ),
        company_share=0.6,
    ),
)


def mapping(register: Register) -> dict[str, Any]:
    """The FtM-style mapping of a title register CSV."""
    country = register.country
    ownership = {
        "owner": None,
        "asset": {"entity": "property"},
        "startDate": {"column": "recorded_date"},
        "role": {"literal": "registered owner"},
    }
    return {
        "entities": {
            "owner_person": {
                "schema": "Person",
                "id_column": "owner_person_id",
                "properties": {"name": {"column": "owner_name"}},
            },
            "owner_company": {
                "schema": "Company",
                "id_column": "owner_company_id",
                "properties": {"name": {"column": "owner_name"}},
            },
            "property": {
                "schema": "RealEstate",
                "id_column": "parcel_id",
                "properties": {
                    "address": {"column": "address"},
                    "amount": {"column": "price"},
                    "currency": {"literal": register.currency},
                    "registrationNumber": {"column": "parcel_number"},
                    "country": {"literal": country},
                },
            },
            "title_person": {
                "schema": "Ownership",
                "id_column": "deed_person_id",
                "properties": {**ownership, "owner": {"entity": "owner_person"}},
            },
            "title_company": {
                "schema": "Ownership",
                "id_column": "deed_company_id",
                "properties": {**ownership, "owner": {"entity": "owner_company"}},
            },
        }
    }


class _Rows:
    def __init__(self, ctx: Context, register: Register, rng: np.random.Generator) -> None:
        self.ctx = ctx
        self.register = register
        self.rng = rng
        self.render = Renderer(rng, register.profile, ctx.planted_systems)
        prefix = register.prefix
        self.deed_mint = ctx.mints(f"{prefix}-o")
        self.parcel_mint = ctx.mints(f"{prefix}-r")
        self.company_mint = ctx.mints(f"{prefix}-c")
        self.western_mint = ctx.mints(f"{prefix}-w")

    def _numbers(self, recorded: dt.date) -> tuple[str, str]:
        rng = self.rng
        if self.register.country == "us":
            document = f"{recorded.year}-{int(rng.integers(0, 10**7)):07d}"
            book, page, lot = rng.integers((1000, 0, 0), (9999, 999, 999))
            parcel = f"{book}-{page:03d}-{lot:03d}"
        else:
            document = f"CA{int(rng.integers(10**6, 10**7))}"
            a, b, c = rng.integers(0, 999, 3)
            parcel = f"{a:03d}-{b:03d}-{c:03d}"
        return document, parcel

    def row(
        self,
        deed_id: str,
        parcel_id: str,
        recorded: dt.date,
        address: str,
        city: str,
        price_cents: int,
        owner_name: str,
        person_id: str | None,
        company_id: str | None,
    ) -> dict[str, str | None]:
        document, parcel = self._numbers(recorded)
        return {
            "deed_id": deed_id,
            "document_number": document,
            "document_type": self.register.document_type,
            "recorded_date": recorded.isoformat(),
            "parcel_id": parcel_id,
            "parcel_number": parcel,
            "address": address,
            "city": city,
            "price": cents_str(price_cents),
            "owner_name": owner_name,
            "owner_person_id": person_id,
            "owner_company_id": company_id,
            "deed_person_id": deed_id if person_id else None,
            "deed_company_id": deed_id if company_id else None,
        }

    def background(self, kind: int, sample_index: int) -> dict[str, str | None]:
        """A background row: 0 sampled person, 1 company, 2 Western-named person."""
        ctx, rng, register = self.ctx, self.rng, self.register
        recorded = dt.date(
            int(rng.integers(2000, 2017)), int(rng.integers(1, 13)), int(rng.integers(1, 29))
        )
        price = int(round(rng.lognormal(np.log(register.median_price), 0.5), -3)) * 100
        address, city = street_address(rng, register.country)
        person_id = company_id = None
        if kind == 0:
            sample = ctx.samples[register.dataset]
            row = int(sample.rows[sample_index])
            person_id = str(sample.ids[sample_index])
            owner = self.render.background(ctx.samples.population.view(row)).name
            ctx.truth.identity(person_id, ctx.samples.population.true_id(row))
        elif kind == 1:
            company_id = self.company_mint.next()
            hk = ctx.parties.hk_companies
            if rng.random() < 0.3 and len(hk):
                j = int(rng.integers(0, len(hk)))
                owner = company_variant(rng, hk.names[j])
                ctx.truth.identity(company_id, hk.true_id(j))
            else:
                owner = company_variant(rng, english_company_name(rng, register.country))
                ctx.truth.identity(company_id, f"bgc-{company_id}")
        else:
            person_id = self.western_mint.next()
            female = rng.random() < 0.5
            first = str(rng.choice(WESTERN_FEMALE if female else WESTERN_MALE))
            owner = f"{rng.choice(WESTERN_SURNAMES)}, {first}".upper()
            ctx.truth.identity(person_id, f"bgw-{person_id}")
        return self.row(
            self.deed_mint.next(), self.parcel_mint.next(), recorded, address, city, price,
            owner, person_id, company_id,
        )  # fmt: skip

    def planted(self, deed: DeedSpec) -> dict[str, str | None]:
        if deed.owner_person is not None:
            owner = self.render.planted(deed.owner_person).name
            self.ctx.truth.identity(deed.owner_record_id, deed.owner_person.true_id)
            person_id, company_id = deed.owner_record_id, None
        else:
            assert deed.owner_company is not None
            owner = company_variant(self.rng, deed.owner_company.name)
            self.ctx.truth.identity(deed.owner_record_id, deed.owner_company.true_id)
            person_id, company_id = None, deed.owner_record_id
        return self.row(
            deed.deed_id, deed.parcel_id, deed.recorded, deed.address, deed.city,
            deed.price_cents, owner, person_id, company_id,
        )  # fmt: skip


def write_titles(ctx: Context) -> None:
    """Write both title registers and their mappings."""
    for stream, register in enumerate(REGISTERS, start=10):
        rng = ctx.rng(stream)
        rows = _Rows(ctx, register, rng)
        sample = ctx.samples[register.dataset]
        total = max(
            len(sample), ctx.size.us_deeds if register.country == "us" else ctx.size.ca_titles
        )
        others = total - len(sample)
        n_companies = round(others * register.company_share)
        kinds = np.concatenate(
            [
                np.zeros(len(sample), np.int8),
                np.ones(n_companies, np.int8),
                np.full(others - n_companies, 2, np.int8),
            ]
        )
        kinds = kinds[rng.permutation(len(kinds))]
        sample_index = np.cumsum(kinds == 0) - 1
        planted = [d for d in ctx.world.deeds if d.dataset == register.dataset]
        relpath = f"foreign/{register.dataset}.csv"
        with ctx.output.csv(relpath, COLUMNS) as out:
            batch: list[dict[str, str | None]] = []
            for i, deed in interleave(rng, len(kinds), planted):
                if deed is not None:
                    batch.append(rows.planted(deed))
                else:
                    assert i is not None
                    batch.append(rows.background(int(kinds[i]), int(sample_index[i])))
                if len(batch) >= 50_000:
                    out.write_rows(batch)
                    batch = []
            out.write_rows(batch)
        ctx.output.mapping(f"foreign/{register.dataset}.mapping.yml", mapping(register))
