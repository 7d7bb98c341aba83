"""Ground truth written beside the data, never loaded: who is who, what was planted.

``identities.csv`` is streamed as records are written (it has a row for every
Person, Company and PublicBody record in any data file); schemes, findings
and assets are small and written at the end.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nohaven.scenario.declarations import DeclarationSummary
from nohaven.scenario.vocab import CNY_PER_UNIT
from nohaven.scenario.world import Case
from nohaven.scenario.writer import CsvWriter, Output

IDENTITY_COLUMNS = ("entity_id", "true_id")
SCHEME_COLUMNS = ("scheme_id", "typology", "transaction_id")
FINDING_COLUMNS = ("rule", "official_id")
ASSET_COLUMNS = ("asset_id", "official_id", "source_scheme_id")

TYPOLOGIES = (
    "embezzlement",
    "quota_splitting",
    "structuring",
    "casino_cashout",
    "fan_out",
    "fan_in",
    "cycle",
    "scatter_gather",
    "pass_through",
    "shell_conduit",
    "gather_scatter",
    "stack",
)
RULES = ("naked_official", "incomplete_family", "undeclared_foreign_asset", "unexplained_wealth")

_FLUSH = 100_000


class Truth:
    """Collects the ground truth while the scenario is written."""

    def __init__(self, output: Output) -> None:
        self._identities: CsvWriter = output.csv(
            "truth/identities.csv", IDENTITY_COLUMNS, quote=False
        )
        self._entity_ids: list[str] = []
        self._true_ids: list[str] = []
        self.schemes: list[tuple[str, str, str]] = []
        self.findings: list[tuple[str, str]] = []
        self.assets: list[tuple[str, str, str]] = []
        self._output = output

    def identity(self, entity_id: str, true_id: str) -> None:
        """Record that data record ``entity_id`` is the real person/company ``true_id``."""
        self._entity_ids.append(entity_id)
        self._true_ids.append(true_id)
        if len(self._entity_ids) >= _FLUSH:
            self._flush()

    def identities(self, entity_ids: Sequence[str] | np.ndarray, true_ids: Sequence[str]) -> None:
        """Record many identities at once."""
        self._flush()
        self._identities.write({"entity_id": entity_ids, "true_id": true_ids})

    def _flush(self) -> None:
        if self._entity_ids:
            self._identities.write({"entity_id": self._entity_ids, "true_id": self._true_ids})
            self._entity_ids, self._true_ids = [], []

    def close(self) -> None:
        """Write the small tables and close the identities file."""
        self._flush()
        self._identities.close()
        tables = (
            ("truth/schemes.csv", SCHEME_COLUMNS, self.schemes),
            ("truth/findings.csv", FINDING_COLUMNS, sorted(set(self.findings))),
            ("truth/assets.csv", ASSET_COLUMNS, self.assets),
        )
        for relpath, columns, rows in tables:
            with self._output.csv(relpath, columns, quote=False) as writer:
                writer.write({name: [row[i] for row in rows] for i, name in enumerate(columns)})


UNEXPLAINED_WEALTH_RATIO = 10.0
"""Family wealth above this multiple of cumulative declared income is unexplained
(declarations.com.ua flags monetary assets at 10x income; DOMAIN.md)."""


def wealth_ratio(case: Case, summary: DeclarationSummary) -> float:
    """True family wealth (declared assets plus undeclared holdings) over declared income."""
    hidden = sum(
        h.value_cents / 100 * CNY_PER_UNIT[h.currency] for h in case.holdings if not h.declared
    )
    return (summary.assets_cny + hidden) / max(summary.income_cny, 1.0)


def findings_of(case: Case, summary: DeclarationSummary) -> list[str]:
    """The rules an official truly breaks, computed from the planted state.

    * naked_official: the spouse and every child live abroad as citizens,
      permanent or long-term residents (with no spouse: every child). The
      2014 variant (spouse alone emigrated) is never generated, so both
      readings agree.
    * incomplete_family: a spouse, child or child's spouse is missing from
      the latest annual declaration.
    * undeclared_foreign_asset: the family holds a foreign asset the
      declarations never mention.
    * unexplained_wealth: :func:`wealth_ratio` above
      :data:`UNEXPLAINED_WEALTH_RATIO`.
    """
    o = case.official
    rules = []
    kin = ([o.spouse] if o.spouse else []) + o.children
    if kin and all(person.emigrated for person in kin):
        rules.append("naked_official")
    if {person.registry_id for person in o.relatives} - summary.latest_family:
        rules.append("incomplete_family")
    if any(not h.declared and h.country != "cn" for h in case.holdings):
        rules.append("undeclared_foreign_asset")
    if wealth_ratio(case, summary) > UNEXPLAINED_WEALTH_RATIO:
        rules.append("unexplained_wealth")
    return rules


def embezzlement_case(world: Path) -> tuple[str, list[str]]:
    """A written world's first embezzling official (its registry record) and the
    transfers they embezzled, read back from its truth files: the demo's, the UI
    benchmark's and the tests' case."""
    with (world / "truth" / "schemes.csv").open(encoding="utf-8") as handle:
        schemes = list(csv.DictReader(handle))
    embezzled = sorted({r["scheme_id"] for r in schemes if r["typology"] == "embezzlement"})
    if not embezzled:
        raise ValueError(f"{world}: the world plants no embezzlement")
    scheme = embezzled[0]
    with (world / "truth" / "assets.csv").open(encoding="utf-8") as handle:
        official = next(
            r["official_id"] for r in csv.DictReader(handle) if r["source_scheme_id"] == scheme
        )
    return official, [r["transaction_id"] for r in schemes if r["scheme_id"] == scheme]


def fixed_rates(world: Path) -> list[tuple[str, str, float]]:
    """A written world's fixed exchange rates as (date, currency, rate_to_usd)."""
    import json

    per_unit = json.loads((world / "scenario.json").read_text(encoding="utf-8"))["fx_rates_cny"]
    return [("2000-01-01", code, cny / per_unit["USD"]) for code, cny in sorted(per_unit.items())]
