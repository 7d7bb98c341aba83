"""The passport gate: approve or hold an official's passport application.

Officials' private passports are held by their organisation, and applying needs a
declaration of the family's assets (DOMAIN.md). The gate holds an application when the
official has no annual declaration, when the latest one is stale, when the family it
lists is incomplete, or when any declaration rule has an open finding.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from nohaven.declarations.check import Finding, check_declarations
from nohaven.declarations.filings import LATEST
from nohaven.declarations.rules import RuleConfig
from nohaven.errors import NohavenError
from nohaven.store.store import Store

STALE_AFTER_DAYS = 400  # annual declarations are due each 31 January: 13 months and a margin


@dataclass
class PassportDecision:
    """approve or hold, and why, citing declarations and findings."""

    application_id: str
    official_id: str
    filed: date
    decision: str = "approve"
    reasons: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def hold(self, reason: str) -> None:
        self.decision = "hold"
        self.reasons.append(reason)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["filed"] = self.filed.isoformat()
        return out


def check_passport(
    store: Store,
    application_id: str,
    *,
    config: RuleConfig | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> PassportDecision:
    """Decide one passport application (a declaration of kind passport_application)."""
    row = store.fetchone(
        f"SELECT official_id, filing_date, kind FROM ({LATEST}) "
        "WHERE declaration_id = ? OR amends = ? ORDER BY version DESC LIMIT 1",
        [application_id, application_id],
    )
    if row is None:
        raise NohavenError(f"no declaration {application_id!r}")
    official_id, filed, kind = row
    if kind != "passport_application":
        raise NohavenError(f"{application_id} is a {kind} declaration, not a passport application")
    decision = PassportDecision(application_id, official_id, filed)
    annual = store.fetchone(
        f"SELECT declaration_id, filing_date FROM ({LATEST}) "
        "WHERE official_id = ? AND kind = 'annual' AND filing_date <= ? "
        "ORDER BY filing_date DESC, version DESC LIMIT 1",
        [official_id, filed],
    )
    if annual is None:
        decision.hold("no annual declaration filed before the application")
    else:
        age = (filed - annual[1]).days
        if age > stale_after_days:
            decision.hold(
                f"latest annual declaration {annual[0]} is from {annual[1].isoformat()}, "
                f"{age} days before the application (more than {stale_after_days})"
            )
    decision.findings = check_declarations(store, official=official_id, config=config)
    for finding in decision.findings:
        decision.hold(f"open finding: {finding.rule.replace('_', ' ')}")
    return decision
