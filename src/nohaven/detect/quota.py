"""Quota splitting ("ants moving house"): several people each buy foreign currency near
China's yearly personal quota (USD 50,000) within days of one another and pay the same
foreign account, so that one family moves far more than one quota abroad.

Foreign-exchange purchases within ``band`` of the quota, to one beneficiary, are cut
into rounds wherever ``gap_days`` pass without one; a round of at least ``min_people``
distinct payers counts, and one beneficiary's rounds make one alert. Payers known to be
family of one another (or of the beneficiary) add to the score.
"""

from __future__ import annotations

from dataclasses import dataclass

from nohaven.detect.alerts import Alert
from nohaven.detect.data import DetectData, numbered_runs


@dataclass(frozen=True)
class QuotaConfig:
    quota: float = 50_000.0
    currency: str = "USD"
    band: float = 0.25
    gap_days: int = 10
    min_people: int = 5


def detect_quota_splitting(data: DetectData, config: QuotaConfig) -> list[Alert]:
    """One alert per foreign account fed by rounds of near-quota purchases."""
    low = float(config.quota) * (1 - float(config.band))
    sql = data.sql(
        f"""
        WITH buys AS (
            SELECT id, ts, amount, from_account AS payer, to_account AS beneficiary
            FROM d_ledger
            WHERE channel = 'fx_purchase' AND currency = '{config.currency.upper()}'
              AND amount >= {low} AND amount <= {float(config.quota)}
        ), rounds AS (
            SELECT * FROM {numbered_runs("buys", "beneficiary", config.gap_days, "round")}
        ), sized AS (
            SELECT beneficiary, round, count(DISTINCT payer) AS people,
                   list(id ORDER BY ts, id) AS txs, list(DISTINCT payer) AS payers,
                   min(ts) AS first, max(ts) AS last, sum(amount) AS total
            FROM rounds GROUP BY beneficiary, round
            HAVING count(DISTINCT payer) >= {int(config.min_people)}
        ), family AS (
            SELECT s.beneficiary, s.round, count(DISTINCT g.grp) AS families,
                   count(g.account) AS known
            FROM sized s, unnest(s.payers) AS p(payer)
            LEFT JOIN d_groups g ON g.account = p.payer
            GROUP BY s.beneficiary, s.round
        )
        SELECT s.beneficiary, s.people, s.txs, s.payers, s.first, s.last, s.total,
               f.families, f.known
        FROM sized s JOIN family f USING (beneficiary, round)
        ORDER BY s.beneficiary, s.first
        """
    )
    by_beneficiary: dict[str, list] = {}
    for row in data.store.fetchall(sql):
        by_beneficiary.setdefault(row[0], []).append(row)
    alerts = []
    for beneficiary, rounds in by_beneficiary.items():
        payers = sorted({p for r in rounds for p in r[3]})
        txs = [tx for r in rounds for tx in r[2]]
        total = sum(float(r[6]) for r in rounds)
        widest = max(r[1] for r in rounds)
        # Payers of one family (fewer families than known payers) make it likelier.
        related = any(r[8] and r[7] < r[8] for r in rounds)
        score = min(1.0, 0.4 + 0.05 * widest + 0.1 * len(rounds) + (0.2 if related else 0))
        alerts.append(
            Alert(
                typology="quota_splitting",
                score=round(score, 3),
                accounts=[beneficiary, *payers],
                transactions=txs,
                explanation=(
                    f"{len(payers)} people bought foreign currency near the "
                    f"{config.currency} {config.quota:,.0f} yearly quota and paid "
                    f"{beneficiary}, in {len(rounds)} round(s) of up to {widest} within "
                    f"{config.gap_days} days: {config.currency} {total:,.2f} in all"
                    + ("; some payers are family of one another" if related else "")
                ),
                details={"beneficiary": beneficiary, "rounds": len(rounds)},
            )
        )
    return alerts
