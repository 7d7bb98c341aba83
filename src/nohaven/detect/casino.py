"""Casino cash-out: chips bought by one party, paid out by the casino to another (a
cheque or a wire to a third party) soon after, again and again: the casino turns
someone's money into "winnings" of someone else.

A buy-in (money into a casino's account) and a payout (money out of the same casino
account) within ``days`` of it pair up when the payee is not the buyer. One buyer's
pairs with one payee family (accounts of related holders, else one account) count once
there are ``min_rounds`` distinct buy-ins, and all that count for one buyer make its
alert: a gambler's winnings go back to
the gambler, and a stranger's coincidental payout does not repeat. A payout that could
follow several buyers' buy-ins counts for the buyer that family's payouts follow most.
"""

from __future__ import annotations

from dataclasses import dataclass

from nohaven.detect.alerts import Alert
from nohaven.detect.data import DetectData


@dataclass(frozen=True)
class CasinoConfig:
    days: int = 5
    min_rounds: int = 4


def detect_casino_cashout(data: DetectData, config: CasinoConfig) -> list[Alert]:
    """One alert per buyer and payee family the casino connects repeatedly."""
    sql = data.sql(
        f"""
        WITH casinos AS (
            SELECT account FROM d_accounts WHERE kind = 'casino'
            UNION SELECT to_account FROM d_ledger WHERE channel = 'casino'
              AND to_account IN (SELECT account FROM d_accounts WHERE kind = 'casino')
        ), buys AS (
            SELECT l.id, l.ts, l.from_account AS buyer, l.to_account AS casino
            FROM d_ledger l JOIN casinos c ON c.account = l.to_account
            WHERE l.from_account NOT IN (SELECT account FROM casinos)
        ), payouts AS (
            SELECT l.id, l.ts, l.from_account AS casino, l.to_account AS payee,
                   coalesce(g.grp, l.to_account) AS payee_family
            FROM d_ledger l JOIN casinos c ON c.account = l.from_account
            LEFT JOIN d_groups g ON g.account = l.to_account
            WHERE l.to_account NOT IN (SELECT account FROM casinos)
        ), buy_days AS (
            -- Each buy-in once per day it can be paired on: an equality join on
            -- (casino, day) instead of a range join over every casino's history.
            SELECT b.*, CAST(b.ts AS DATE) + CAST(k AS INTEGER) AS day
            FROM buys b, range(0, {int(config.days) + 1}) AS t(k)
        ), pairs AS (
            SELECT b.buyer, p.payee_family, b.id AS buy, p.id AS payout, b.casino, p.payee,
                   b.ts
            FROM buy_days b JOIN payouts p
              ON p.casino = b.casino AND CAST(p.ts AS DATE) = b.day
            WHERE p.payee <> b.buyer AND p.ts > b.ts
              AND p.ts <= b.ts + INTERVAL {int(config.days)} DAY
        ), strength AS (
            SELECT buyer, payee_family, count(DISTINCT buy) AS n FROM pairs GROUP BY ALL
        ), assigned AS (
            -- Where several buyers were at the casino days before a payout, it goes to
            -- the buyer whose buy-ins that family's payouts follow most often: busy
            -- casinos pair strangers by coincidence, a scheme pairs the same ends.
            SELECT p.* FROM pairs p JOIN strength s USING (buyer, payee_family)
            QUALIFY s.n = max(s.n) OVER (PARTITION BY p.payout)
        ), repeated AS (
            SELECT buyer, payee_family FROM assigned GROUP BY ALL
            HAVING count(DISTINCT buy) >= {int(config.min_rounds)}
        )
        -- One alert per buyer: a scheme may pay a spouse's and a child's accounts.
        SELECT buyer, count(DISTINCT buy) AS rounds,
               list(DISTINCT payee_family ORDER BY payee_family) AS families,
               list(DISTINCT buy) AS buys, list(DISTINCT payout) AS payouts,
               list(DISTINCT payee) AS payees, list(DISTINCT casino) AS casinos,
               min(ts) AS first, max(ts) AS last
        FROM assigned SEMI JOIN repeated USING (buyer, payee_family)
        GROUP BY buyer ORDER BY rounds DESC
        """
    )
    alerts = []
    for buyer, rounds, families, buys, payouts, payees, casinos, first, last in data.store.fetchall(
        sql
    ):
        alerts.append(
            Alert(
                typology="casino_cashout",
                score=round(min(1.0, 0.5 + 0.02 * rounds), 3),
                accounts=[buyer, *sorted(payees), *sorted(casinos)],
                transactions=sorted(set(buys) | set(payouts)),
                explanation=(
                    f"{buyer} bought in at {len(casinos)} casino account(s) {rounds} times "
                    f"between {first:%Y-%m-%d} and {last:%Y-%m-%d}, and each time within "
                    f"{config.days} days the casino paid {', '.join(sorted(payees))} "
                    f"({'one family' if len(families) == 1 else 'families'}: "
                    f"{', '.join(families)}), not the buyer"
                ),
                details={"buyer": buyer, "payee_families": families, "rounds": rounds},
            )
        )
    return alerts
