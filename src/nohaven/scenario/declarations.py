"""``declarations/declarations.jsonl``: what officials report, truthfully or not.

Every official files an annual report each January (family, income,
assets, passports, trips), and applies for a passport or changes post now
and then. Planted falsehoods come from the case: a child left out, an
emigrated family declared as living at home, foreign property and
companies never mentioned. Some reports are amended (version 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from nohaven.scenario.officials import FIRST_DECLARED_YEAR, LAST_DECLARED_YEAR
from nohaven.scenario.people import PlantedPerson
from nohaven.scenario.vocab import CNY_PER_UNIT
from nohaven.scenario.world import Case
from nohaven.scenario.writer import cents_str

RELPATH = "declarations/declarations.jsonl"
TRIP_COUNTRIES = ("hk", "mo", "us", "ca", "sg", "jp", "th", "au")


@dataclass
class DeclaredAsset:
    """An asset as the official reports it."""

    member: PlantedPerson
    kind: str
    country: str
    description: str
    value_cents: int
    currency: str
    acquired: dt.date


@dataclass
class DeclarationSummary:
    """What the truth needs from an official's filings."""

    official_id: str
    latest_family: set[str]  # registry ids in the latest annual declaration
    income_cny: float  # declared income over all annual declarations (latest versions)
    assets_cny: float  # assets in the latest annual declaration


def salary_cny(base: int, year: int) -> int:
    """Yearly salary in CNY: the base salary with a 3% yearly raise from 2009."""
    return int(round(base * 1.03 ** (year - FIRST_DECLARED_YEAR), -2))


class _Filer:
    """Files every declaration of one official."""

    def __init__(self, case: Case, rng: np.random.Generator, ids: Iterator[str]) -> None:
        self.case = case
        self.o = case.official
        self.rng = rng
        self.ids = ids
        self.spouse_salary = int(rng.integers(60, 150)) * 1_000
        self.assets = self._domestic_assets()
        self.passport_issued = dt.date(int(rng.integers(2005, 2009)), int(rng.integers(1, 13)), 15)

    def _domestic_assets(self) -> list[DeclaredAsset]:
        """Home assets, plus the foreign holdings the official does declare."""
        rng, o = self.rng, self.o
        owner = o.spouse or o.person
        city = o.area.city_en
        assets = [
            DeclaredAsset(
                o.person,
                "real_estate",
                "cn",
                f"Apartment, {city}",
                int(rng.integers(6, 15)) * 10**7,
                "CNY",
                dt.date(int(rng.integers(1998, 2008)), 5, 1),
            ),
            DeclaredAsset(
                owner,
                "vehicle",
                "cn",
                "Passenger car",
                int(rng.integers(15, 40)) * 10**6,
                "CNY",
                dt.date(int(rng.integers(2005, 2012)), 3, 1),
            ),
            DeclaredAsset(
                o.person,
                "bank_account",
                "cn",
                "Savings deposits",
                int(rng.integers(10, 50)) * 10**6,
                "CNY",
                dt.date(2000, 1, 1),
            ),
        ]
        if rng.random() < 0.5:
            assets.append(
                DeclaredAsset(
                    owner,
                    "insurance",
                    "cn",
                    "Life insurance policy",
                    int(rng.integers(5, 30)) * 10**6,
                    "CNY",
                    dt.date(int(rng.integers(2006, 2013)), 9, 1),
                )
            )
        for holding in self.case.holdings:
            if holding.declared:
                assets.append(
                    DeclaredAsset(
                        holding.holder,
                        holding.kind,
                        holding.country,
                        holding.description,
                        holding.value_cents,
                        holding.currency,
                        holding.acquired,
                    )
                )
        return assets

    def _member(self, person: PlantedPerson) -> str:
        return "self" if person is self.o.person else person.registry_id

    def _family(self, year: int) -> list[dict[str, Any]]:
        o = self.o
        relations = []
        if o.spouse is not None:
            relations.append((o.spouse, "spouse"))
        for child in o.children:
            relations.append((child, "child"))
            partner = o.child_spouses.get(child.true_id)
            if partner is not None:
                relations.append((partner, "child_spouse"))
        family = []
        for person, relation in relations:
            if person in self.case.omitted:
                continue
            since = person.residence_since
            abroad = person.emigrated and since is not None and since.year <= year
            abroad = abroad and not self.case.hide_residence
            status = person.residence_status if abroad else "none"
            family.append(
                {
                    "person_id": person.registry_id,
                    "name": person.han,
                    "relation": relation,
                    "birth_date": person.birth.isoformat(),
                    "nationality": person.residence_country if status == "citizen" else "cn",
                    "residence_country": person.residence_country if abroad else "cn",
                    "residence_status": status,
                    "job": person.job if abroad or not person.emigrated else "homemaker",
                }
            )
        return family

    def _income(self, year: int) -> list[dict[str, Any]]:
        o = self.o
        rows = [
            {
                "year": year,
                "member": "self",
                "source": "salary",
                "amount": cents_str(salary_cny(o.salary_cny, year) * 100),
                "currency": "CNY",
            },
        ]
        spouse = o.spouse
        if spouse is not None and spouse.residence_country == "cn":
            amount = salary_cny(self.spouse_salary, year) * 100
            rows.append(
                {
                    "year": year,
                    "member": spouse.registry_id,
                    "source": "salary",
                    "amount": cents_str(amount),
                    "currency": "CNY",
                }
            )
        if self.rng.random() < 0.3:
            rows.append(
                {
                    "year": year,
                    "member": "self",
                    "source": "rental",
                    "amount": cents_str(int(self.rng.integers(12, 48)) * 100_000),
                    "currency": "CNY",
                }
            )
        return rows

    def _assets(self, year: int) -> list[dict[str, Any]]:
        return [
            {
                "member": self._member(a.member),
                "kind": a.kind,
                "country": a.country,
                "description": a.description,
                "value": cents_str(a.value_cents),
                "currency": a.currency,
                "acquired": a.acquired.isoformat(),
            }
            for a in self.assets
            if a.acquired.year <= year
        ]

    def _trips(self, year: int) -> list[dict[str, str]]:
        trips = []
        for _ in range(int(self.rng.integers(0, 3))):
            start = dt.date(year, int(self.rng.integers(1, 13)), int(self.rng.integers(1, 20)))
            end = start + dt.timedelta(days=int(self.rng.integers(3, 15)))
            country = str(self.rng.choice(TRIP_COUNTRIES))
            trips.append({"country": country, "from": start.isoformat(), "to": end.isoformat()})
        return sorted(trips, key=lambda t: t["from"])

    def declaration(
        self, kind: str, filed: dt.date, year: int, version: int = 1, amends: str | None = None
    ) -> dict[str, Any]:
        o = self.o
        passport = {"number": o.person.passport, "country": "cn", "issued": self.passport_issued}
        return {
            "declaration_id": next(self.ids),
            "official_id": o.official_id,
            "official_name": o.person.han,
            "filing_date": filed.isoformat(),
            "kind": kind,
            "version": version,
            "amends": amends,
            "family": self._family(year),
            "income": self._income(year) if kind == "annual" else [],
            "assets": self._assets(year),
            "passports": [{**passport, "issued": self.passport_issued.isoformat()}],
            "trips": self._trips(year) if kind == "annual" else [],
        }

    def file_all(self) -> tuple[list[dict[str, Any]], DeclarationSummary]:
        rng = self.rng
        filings: list[dict[str, Any]] = []
        latest: dict[int, dict[str, Any]] = {}
        for year in range(FIRST_DECLARED_YEAR, LAST_DECLARED_YEAR + 1):
            filed = dt.date(year + 1, 1, int(rng.integers(5, 32)))
            first = self.declaration("annual", filed, year)
            filings.append(first)
            latest[year] = first
            if rng.random() < 0.1:
                amended = self.declaration(
                    "annual", filed, year, version=2, amends=first["declaration_id"]
                )
                filings.append(amended)
                latest[year] = amended
        for _ in range(1 + int(rng.random() < 0.5)):
            year = int(rng.integers(2011, 2016))
            filed = dt.date(year, int(rng.integers(2, 12)), int(rng.integers(1, 28)))
            filings.append(self.declaration("passport_application", filed, year - 1))
        if rng.random() < 0.3:
            year = int(rng.integers(2010, 2016))
            filed = dt.date(year, int(rng.integers(2, 12)), int(rng.integers(1, 28)))
            filings.append(self.declaration("change_of_post", filed, year - 1))
        last = latest[LAST_DECLARED_YEAR]
        summary = DeclarationSummary(
            official_id=self.o.official_id,
            latest_family={member["person_id"] for member in last["family"]},
            income_cny=sum(
                float(row["amount"]) * CNY_PER_UNIT[row["currency"]]
                for declaration in latest.values()
                for row in declaration["income"]
            ),
            assets_cny=sum(float(a["value"]) * CNY_PER_UNIT[a["currency"]] for a in last["assets"]),
        )
        return filings, summary


def file_declarations(
    cases: list[Case], seed: int
) -> tuple[list[dict[str, Any]], list[DeclarationSummary]]:
    """All declarations, sorted by filing date, and a summary per official."""
    counter = iter(f"decl-{n:07d}" for n in range(1, 10**7))
    filings: list[dict[str, Any]] = []
    summaries = []
    for k, case in enumerate(cases):
        filer = _Filer(case, np.random.default_rng([seed, 7, k]), counter)
        mine, summary = filer.file_all()
        filings.extend(mine)
        summaries.append(summary)
    filings.sort(key=lambda d: (d["filing_date"], d["official_id"], d["version"]))
    return filings, summaries
