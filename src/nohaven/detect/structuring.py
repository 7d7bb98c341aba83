"""Structuring: cash kept just under a reporting threshold, again and again, by one
person or family (31 USC 5324; China's RMB 50,000 large-cash report).

A cash deposit or withdrawal counts when it is below its currency's threshold and
within ``band`` of it. The counted transactions of one family (accounts whose holders
are spouses, parents, children or siblings; else one account) are cut into episodes
wherever ``gap_days`` pass without one; an episode of at least ``min_count`` is an
alert. Occasional large cash, which honest customers have, stays below the count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nohaven.detect.alerts import Alert
from nohaven.detect.data import DetectData, numbered_runs


@dataclass(frozen=True)
class StructuringConfig:
    thresholds: dict[str, float] = field(default_factory=lambda: {"USD": 10_000.0, "CNY": 50_000.0})
    band: float = 0.45  # counted from 55% of the threshold (a split deposit's halves)
    min_count: int = 5
    gap_days: int = 120


def detect_structuring(data: DetectData, config: StructuringConfig) -> list[Alert]:
    """One alert per episode of sub-threshold cash in one family."""
    if not config.thresholds:
        return []
    values = ", ".join(
        f"('{code}', {float(limit)})" for code, limit in sorted(config.thresholds.items())
    )
    sql = data.sql(
        f"""
        WITH limits(currency, threshold) AS (VALUES {values}),
        cash AS (
            SELECT l.id, l.ts, l.amount, l.currency, lim.threshold,
                   CASE WHEN l.channel = 'cash_deposit' THEN l.to_account
                        ELSE l.from_account END AS account
            FROM d_ledger l JOIN limits lim USING (currency)
            WHERE l.channel IN ('cash_deposit', 'cash_withdrawal')
              AND l.amount < lim.threshold
              AND l.amount >= lim.threshold * (1 - {float(config.band)})
        ), grouped AS (
            SELECT cash.*, coalesce(g.grp, cash.account) AS grp
            FROM cash LEFT JOIN d_groups g USING (account)
        ), episodes AS (
            SELECT * FROM {numbered_runs("grouped", "grp", config.gap_days, "episode")}
        )
        SELECT grp, episode, count(*) AS n, list(id ORDER BY ts, id) AS txs,
               list(DISTINCT account ORDER BY account) AS accounts,
               min(ts) AS first, max(ts) AS last,
               avg(amount / threshold) AS closeness,
               string_agg(DISTINCT currency, ', ') AS currencies
        FROM episodes GROUP BY grp, episode
        HAVING count(*) >= {int(config.min_count)}
        ORDER BY n DESC
        """
    )
    # A family's episodes (at home and abroad, years apart) are one scheme: one alert.
    by_family: dict[str, list] = {}
    for row in data.store.fetchall(sql):
        by_family.setdefault(row[0], []).append(row)
    rows = []
    for grp, episodes in by_family.items():
        txs = [tx for e in episodes for tx in e[3]]
        accounts = sorted({a for e in episodes for a in e[4]})
        n = len(txs)
        closeness = sum(e[7] * e[2] for e in episodes) / n
        currencies = ", ".join(sorted({c for e in episodes for c in e[8].split(", ")}))
        first = min(e[5] for e in episodes)
        last = max(e[6] for e in episodes)
        rows.append((grp, n, txs, accounts, first, last, closeness, currencies))
    alerts = []
    for grp, n, txs, accounts, first, last, closeness, currencies in rows:
        # More deposits and amounts closer to the line are more telling.
        score = min(1.0, 0.5 + 0.03 * n) * min(1.0, float(closeness) / 0.9)
        alerts.append(
            Alert(
                typology="structuring",
                score=round(score, 3),
                accounts=list(accounts),
                transactions=list(txs),
                explanation=(
                    f"{n} cash transactions in {currencies} each just under the reporting "
                    f"threshold (on average {float(closeness):.0%} of it) between "
                    f"{first:%Y-%m-%d} and {last:%Y-%m-%d}, over {len(accounts)} account(s) "
                    f"of one family ({grp})"
                ),
                details={"family": grp, "count": n},
            )
        )
    return alerts
