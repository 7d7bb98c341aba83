"""Alerts: a detector's hits merged into one alert per scheme, scored and ranked."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Alert:
    """One suspected scheme: its typology, a score in [0, 1], the accounts and
    transactions that raised it, and why, in words."""

    typology: str
    score: float
    accounts: list[str]
    transactions: list[str]
    explanation: str
    details: dict[str, Any] = field(default_factory=dict)
    # The resolved people and companies holding the accounts: id, name, accounts.
    people: list[dict[str, Any]] = field(default_factory=list)

    @property
    def alert_id(self) -> str:
        """Stable for the same typology and evidence, so re-runs keep the ids that
        notes and cases cite."""
        digest = hashlib.sha256(
            "\n".join([self.typology, *sorted(self.transactions)]).encode()
        ).hexdigest()
        return f"al-{digest[:16]}"

    def as_dict(self) -> dict[str, Any]:
        return {"alert_id": self.alert_id, **asdict(self)}


def components(links: Iterable[tuple[Hashable, Hashable]]) -> list[list[Hashable]]:
    """Connected groups of the items the links join (union-find over the few linked
    candidates detectors return, never over a ledger's edges), in first-seen order."""
    parent: dict[Hashable, Hashable] = {}

    def find(x: Hashable) -> Hashable:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        parent[find(a)] = find(b)
    groups: dict[Hashable, list[Hashable]] = {}
    for item in parent:
        groups.setdefault(find(item), []).append(item)
    return list(groups.values())


def merge_overlapping(alerts: list[Alert]) -> list[Alert]:
    """Alerts of one typology that are largely the same evidence become one (a scheme
    seen from several accounts or windows is one alert): two merge when they share at
    least half of the smaller one's transactions. A single shared transfer does not
    chain unrelated alerts together. The highest score and all evidence are kept."""
    holders: dict[tuple[str, str], list[int]] = {}
    for i, alert in enumerate(alerts):
        for tx in set(alert.transactions):
            holders.setdefault((alert.typology, tx), []).append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for owners in holders.values():
        for k, i in enumerate(owners):
            for j in owners[k + 1 :]:
                shared[(i, j)] += 1
    links = [(i, i) for i in range(len(alerts))]
    for (i, j), n in shared.items():
        smaller = min(len(set(alerts[i].transactions)), len(set(alerts[j].transactions)))
        if n * 2 >= smaller:
            links.append((i, j))
    groups = [[alerts[i] for i in sorted(group)] for group in components(links)]  # type: ignore[type-var]
    merged = []
    for members in groups:
        if len(members) == 1:
            merged.append(members[0])
            continue
        best = max(members, key=lambda a: a.score)
        merged.append(
            Alert(
                typology=best.typology,
                score=best.score,
                accounts=sorted({a for m in members for a in m.accounts}),
                transactions=sorted({t for m in members for t in m.transactions}),
                explanation=best.explanation + f" (merged from {len(members)} overlapping hits)",
                details=best.details,
            )
        )
    return merged


def ranked(alerts: list[Alert]) -> list[Alert]:
    """Highest score first, then the most transactions, then typology; the id breaks
    ties, so every run ranks the same alerts alike."""
    return sorted(alerts, key=lambda a: (-a.score, -len(a.transactions), a.typology, a.alert_id))
