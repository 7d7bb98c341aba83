"""Cycles (round-tripping): money that comes back to where it started, hop by hop.

A cycle is a chain of two to ``max_hops`` wires, each leaving the account the previous
one reached within ``hop_days`` and carrying at least ``relay_share`` of it (fees
taken on the way), that ends at the account it began from. A ring (one set of
accounts) is alerted when money went round it at least ``min_loops`` times; the alert
holds the transfers among them and the money of comparable size (at least
``margin_share`` of the smallest hop) that entered or left them in the
``margin_days`` around the cycles: the entry of the funds being laundered and their
exit. Banks and casinos are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from nohaven.detect.alerts import Alert
from nohaven.detect.data import DetectData


@dataclass(frozen=True)
class CycleConfig:
    hop_days: int = 7
    relay_share: float = 0.9
    max_hops: int = 6
    min_loops: int = 2
    margin_days: int = 180
    margin_share: float = 0.5


def detect_cycles(data: DetectData, config: CycleConfig) -> list[Alert]:
    """One alert per set of accounts that money went round."""
    hop = f"INTERVAL {int(config.hop_days)} DAY"
    share = float(config.relay_share)
    sql = data.sql(
        f"""
        WITH RECURSIVE edges AS (
            SELECT l.id, l.ts, l.from_account AS a, l.to_account AS b, l.amount
            FROM d_ledger l
            LEFT JOIN d_accounts fa ON fa.account = l.from_account
            LEFT JOIN d_accounts ta ON ta.account = l.to_account
            WHERE l.channel = 'wire' AND l.from_account <> l.to_account
              AND coalesce(fa.kind, 'unknown') NOT IN ('bank', 'casino')
              AND coalesce(ta.kind, 'unknown') NOT IN ('bank', 'casino')
        ), walks(origin, reached, ts, amount, ids, path) AS (
            SELECT e1.a, e1.b, e1.ts, e1.amount, [e1.id], [e1.a]
            FROM edges e1
            -- Only where a relayed hop follows: keeps the recursion to real chains.
            WHERE EXISTS (
                SELECT 1 FROM edges e2
                WHERE e2.a = e1.b AND e2.ts > e1.ts AND e2.ts <= e1.ts + {hop}
                  AND e2.amount BETWEEN e1.amount * {share} AND e1.amount)
            UNION ALL
            SELECT w.origin, e.b, e.ts, e.amount, list_append(w.ids, e.id),
                   list_append(w.path, e.a)
            FROM walks w JOIN edges e
              ON e.a = w.reached AND e.ts > w.ts AND e.ts <= w.ts + {hop}
             AND e.amount BETWEEN w.amount * {share} AND w.amount
            WHERE w.reached <> w.origin AND len(w.ids) < {int(config.max_hops)}
              AND (e.b = w.origin OR NOT list_contains(w.path, e.b))
        ), closed AS (
            SELECT ids, path FROM walks WHERE reached = origin AND len(ids) >= 2
        )
        SELECT ids, path FROM closed
        """
    )
    cycles = data.store.fetchall(sql)
    if not cycles:
        return []
    # A ring is a set of accounts money went round; it is found once from each account
    # on it, so its passes are its distinct transfers over its length. Rings are kept
    # apart even when they share an account: in a busy ledger, coincidental rings
    # through common accounts would otherwise join into one.
    rings: dict[frozenset[str], set[str]] = {}
    for ids, path in cycles:
        rings.setdefault(frozenset(path), set()).update(ids)
    kept = {
        f"r{k}": (sorted(accounts), ids)
        for k, (accounts, ids) in enumerate(sorted(rings.items(), key=lambda r: sorted(r[0])))
        if len(ids) >= config.min_loops * len(accounts)
    }
    if not kept:
        return []  # one coincidental return is commerce; laundering goes round again
    loops_of = {root: len(ids) // len(accounts) for root, (accounts, ids) in kept.items()}
    members = pa.table(
        {
            "grp": [root for root, (accounts, _) in kept.items() for _ in accounts],
            "account": [a for accounts, _ in kept.values() for a in accounts],
        }
    )
    cycle_txs = pa.table(
        {
            "grp": [root for root, (_, ids) in kept.items() for _ in ids],
            "id": [i for _, ids in kept.values() for i in sorted(ids)],
        }
    )
    margin = f"INTERVAL {int(config.margin_days)} DAY"
    # One pass over the ledger for every group: the transfers touching its accounts in
    # the margin around its cycles, and whether they stay among them.
    sql = data.sql(
        f"""
        WITH spans AS (
            SELECT c.grp, min(l.ts) - {margin} AS first, max(l.ts) + {margin} AS last,
                   min(l.amount) * {float(config.margin_share)} AS least
            FROM cycle_txs c JOIN d_ledger l USING (id) GROUP BY c.grp
        ), touching AS (
            SELECT m.grp, l.id, l.ts, l.amount, l.from_account, l.to_account
            FROM d_ledger l JOIN cycle_members m ON m.account = l.from_account
            UNION
            SELECT m.grp, l.id, l.ts, l.amount, l.from_account, l.to_account
            FROM d_ledger l JOIN cycle_members m ON m.account = l.to_account
        )
        SELECT t.grp, list(t.id ORDER BY t.ts, t.id) AS ids,
               count(*) FILTER (WHERE f.account IS NOT NULL AND g.account IS NOT NULL)
        FROM touching t JOIN spans s USING (grp)
        LEFT JOIN cycle_members f ON f.grp = t.grp AND f.account = t.from_account
        LEFT JOIN cycle_members g ON g.grp = t.grp AND g.account = t.to_account
        WHERE t.ts BETWEEN s.first AND s.last AND t.amount >= s.least
        GROUP BY t.grp
        """
    )
    with (
        data.store.registered("cycle_members", members),
        data.store.registered("cycle_txs", cycle_txs),
    ):
        found = {grp: (ids, inside) for grp, ids, inside in data.store.fetchall(sql)}
    alerts = []
    for root, (accounts, _) in kept.items():
        ids, inside = found.get(root, ([], 0))
        loops = loops_of[root]
        alerts.append(
            Alert(
                typology="cycle",
                score=round(min(1.0, 0.5 + 0.1 * loops), 3),
                accounts=sorted(accounts),
                transactions=list(ids),
                explanation=(
                    f"money went round {len(accounts)} accounts {loops} time(s), losing at "
                    f"most {1 - config.relay_share:.0%} a hop; {inside} transfers among "
                    f"them and {len(ids) - inside} in or out around the cycles"
                ),
                details={"cycles": loops},
            )
        )
    return alerts
