"""Run the declaration rules over the store and rank officials by risk.

Like Ukraine's e-declaration verification (DOMAIN.md): every finding carries a weight,
an official's risk is the sum of their findings' scores, and the riskiest come first.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from nohaven.declarations.rules import RULES, RuleConfig, rule_sql
from nohaven.errors import NohavenError
from nohaven.store.store import Store


@dataclass(frozen=True)
class Finding:
    """One rule broken by one official, with the declaration lines and records behind it."""

    rule: str
    official_id: str
    score: float
    evidence: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class OfficialRisk:
    """An official's findings and their summed score."""

    official_id: str
    name: str | None
    score: float = 0.0
    findings: list[Finding] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "official_id": self.official_id,
            "name": self.name,
            "score": self.score,
            "rules": [f.rule for f in self.findings],
        }


def check_declarations(
    store: Store,
    *,
    official: str | None = None,
    config: RuleConfig | None = None,
    rules: tuple[str, ...] = RULES,
) -> list[Finding]:
    """Every finding of the given rules, for one official or all, riskiest official
    first (then by rule)."""
    config = config or RuleConfig()
    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise NohavenError(f"unknown rule {unknown[0]!r} (available: {', '.join(RULES)})")
    if config.naked_variant not in ("2010", "2014"):
        raise NohavenError(
            f"naked-official variant must be 2010 or 2014, not {config.naked_variant}"
        )
    if official is not None and not store.fetchone(
        "SELECT 1 FROM declarations WHERE official_id = ? LIMIT 1", [official]
    ):
        raise NohavenError(f"no declarations filed by official {official!r}")
    findings = [
        Finding(rule, official_id, float(score), json.loads(evidence))
        for rule in rules
        for rule, official_id, score, evidence in store.fetchall(rule_sql(rule, config, official))
    ]
    totals = _totals(findings)
    findings.sort(key=lambda f: (-totals[f.official_id], f.official_id, RULES.index(f.rule)))
    return findings


def _totals(findings: list[Finding]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for f in findings:
        totals[f.official_id] = totals.get(f.official_id, 0.0) + f.score
    return totals


def risk_ranking(store: Store, findings: list[Finding]) -> list[OfficialRisk]:
    """Officials with findings, riskiest first, named as they signed their declarations
    or, failing that, as their own record names them."""
    names = dict(
        store.fetchall(
            "SELECT d.official_id, coalesce(arg_max(d.document ->> 'official_name', "
            "d.filing_date), min(s.value)) "
            "FROM declarations d LEFT JOIN statements s "
            "ON s.entity_id = d.official_id AND s.prop = 'name' GROUP BY d.official_id"
        )
    )
    ranked: dict[str, OfficialRisk] = {}
    for f in findings:
        risk = ranked.get(f.official_id)
        if risk is None:
            risk = ranked[f.official_id] = OfficialRisk(f.official_id, names.get(f.official_id))
        risk.score += f.score
        risk.findings.append(f)
    return sorted(ranked.values(), key=lambda r: (-r.score, r.official_id))
