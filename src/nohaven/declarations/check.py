"""Run the declaration rules over the store and rank officials by risk.

Like Ukraine's e-declaration verification (DOMAIN.md): every finding carries a weight,
an official's risk is the sum of their findings' scores, and the riskiest come first.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from nohaven.declarations.rules import RULES, RuleConfig, rule_sql, undeclared_assets_sql
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
    # Two rules read the family's undeclared foreign assets: found once, shared.
    shared = {"undeclared_foreign_asset", "unexplained_wealth"} <= set(rules)
    assets = store.arrow(undeclared_assets_sql(config, official)) if shared else None
    with store.registered("_undeclared_assets", assets):
        findings = [
            Finding(rule, official_id, float(score), json.loads(evidence))
            for rule in rules
            for rule, official_id, score, evidence in store.fetchall(
                rule_sql(rule, config, official, "_undeclared_assets" if shared else None)
            )
        ]
    totals = _totals(findings)
    findings.sort(key=lambda f: (-totals[f.official_id], f.official_id, RULES.index(f.rule)))
    _cite_sources(store, findings)
    return findings


# Evidence keys whose values name a record or a declaration line.
_CITED = ("ref", "record", "asset_id", "person_id", "held_by", "declaration_id", "line")


def _cited_ids(value: object, out: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _CITED and isinstance(item, str):
                out.add(item.split("#", 1)[0])
            else:
                _cited_ids(item, out)
    elif isinstance(value, list):
        for item in value:
            _cited_ids(item, out)


def _cite_sources(store: Store, findings: list[Finding]) -> None:
    """Add to each finding's evidence where every record and declaration it cites came
    from: file, SHA-256, dataset and record (line) number, as loaded."""
    wanted: set[str] = set()
    per_finding: list[set[str]] = []
    for finding in findings:
        ids: set[str] = set()
        _cited_ids(finding.evidence, ids)
        for through in _through(finding.evidence):
            ids.add(through.removeprefix("accounts:"))
        per_finding.append(ids)
        wanted |= ids
    if not wanted:
        return
    rows = store.fetchall(
        """
        WITH wanted(id) AS (SELECT unnest(?::VARCHAR[])),
        cited AS (
            SELECT DISTINCT s.entity_id AS id, s.source_id, s.record
            FROM statements s JOIN wanted w ON s.entity_id = w.id
            UNION
            SELECT DISTINCT d.declaration_id, d.source_id, d.record
            FROM declarations d JOIN wanted w ON d.declaration_id = w.id
            UNION
            SELECT DISTINCT a.account, a.source_id, NULL
            FROM accounts a JOIN wanted w ON a.account = w.id
        )
        SELECT c.id, src.path, src.sha256, src.dataset, c.record
        FROM cited c JOIN sources src USING (source_id)
        ORDER BY c.id, src.path, c.record
        """,
        [sorted(wanted)],
    )
    sources: dict[str, list[dict[str, Any]]] = {}
    for entity_id, path, sha256, dataset, record in rows:
        sources.setdefault(entity_id, []).append(
            {"file": path, "sha256": sha256, "dataset": dataset, "record": record}
        )
    for finding, ids in zip(findings, per_finding, strict=True):
        finding.evidence["sources"] = {i: sources[i] for i in sorted(ids) if i in sources}


def _through(evidence: dict[str, Any]) -> list[str]:
    """The ownership records and accounts an asset is held through."""
    return [
        step
        for asset in evidence.get("assets", [])
        for step in asset.get("through") or []
        if isinstance(step, str)
    ]


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
