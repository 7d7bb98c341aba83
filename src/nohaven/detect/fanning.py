"""Fan-out and fan-in: one account paying many, or paid by many, in a burst.

Only dealings with a new counterparty count: a wire or cheque between the account and
someone it had not dealt with in the ``recurring_days`` before (payrolls, rents and
regular suppliers recur; a scheme's mules are new each round). A burst is a run of
those with no gap longer than ``gap_days``; it counts when it reaches ``min_parties``
distinct counterparties and at least half of them relay the money: within
``relay_days`` they pass on (fan-out) or had just received (fan-in) an amount within
``relay_share`` of it, as mules do and employees, suppliers and customers do not.
Foreign-exchange purchases belong to quota splitting, and
banks and casinos, whose business is paying and being paid by many, are left out. All
of one account's bursts make one alert.
"""

from __future__ import annotations

from dataclasses import dataclass

from nohaven.detect.alerts import Alert
from nohaven.detect.data import DetectData, numbered_runs


@dataclass(frozen=True)
class FanConfig:
    gap_days: int = 2
    min_parties: int = 5
    recurring_days: int = 45
    relay_days: int = 10
    relay_share: float = 0.9
    channels: tuple[str, ...] = ("wire", "cheque")


def detect_fans(data: DetectData, config: FanConfig, direction: str) -> list[Alert]:
    """``direction`` 'out' finds fan-out (the account pays), 'in' fan-in (it is paid)."""
    hub, party = (
        ("from_account", "to_account")
        if direction == "out"
        else (
            "to_account",
            "from_account",
        )
    )
    typology = "fan_out" if direction == "out" else "fan_in"
    channels = ", ".join(f"'{c}'" for c in config.channels)
    days = f"INTERVAL {int(config.relay_days)} DAY"
    if direction == "out":
        relay_join = (
            f"r.from_account = b.party AND r.to_account <> b.hub "
            f"AND r.ts > b.ts AND r.ts <= b.ts + {days}"
        )
    else:
        relay_join = (
            f"r.to_account = b.party AND r.from_account <> b.hub "
            f"AND r.ts < b.ts AND r.ts >= b.ts - {days}"
        )
    sql = data.sql(
        f"""
        WITH every_move AS (
            SELECT l.id, l.ts, l.amount, l.currency, l.{hub} AS hub, l.{party} AS party,
                   lag(l.ts) OVER (PARTITION BY l.{hub}, l.{party} ORDER BY l.ts, l.id)
                       AS previous
            FROM d_ledger l
            LEFT JOIN d_accounts a ON a.account = l.{hub}
            WHERE l.channel IN ({channels}) AND l.{hub} <> l.{party}
              AND coalesce(a.kind, 'unknown') NOT IN ('bank', 'casino')
        ), moves AS (
            -- Only dealings with a new counterparty (none in the recurring window):
            -- payrolls, rents and regular suppliers recur and drop out here.
            SELECT * FROM every_move
            WHERE previous IS NULL OR ts - previous > INTERVAL {int(config.recurring_days)} DAY
        ), bursts AS (
            SELECT * FROM {numbered_runs("moves", "hub", config.gap_days, "burst")}
        ), sized AS (
            SELECT hub, burst, min(ts) AS first, max(ts) AS last,
                   count(DISTINCT party) AS parties, list(id ORDER BY ts, id) AS txs,
                   list(DISTINCT party) AS party_list, sum(amount) AS total,
                   string_agg(DISTINCT currency, ', ') AS currencies
            FROM bursts GROUP BY hub, burst
            HAVING count(DISTINCT party) >= {int(config.min_parties)}
        ), relayed AS (
            -- A counterparty relays when, within relay_days, it passes on most of what
            -- it got (fan-out: a mule forwards; fan-in: a mule was just funded).
            SELECT DISTINCT b.hub, b.burst, b.party
            FROM bursts b JOIN sized USING (hub, burst)
            JOIN d_ledger r ON {relay_join}
             AND r.amount BETWEEN b.amount * {float(config.relay_share)}
                              AND b.amount / {float(config.relay_share)}
        ), mules AS (
            SELECT hub, burst, count(*) AS relaying FROM relayed GROUP BY hub, burst
        )
        SELECT s.hub, s.first, s.last, s.parties, s.txs, s.party_list, s.total, s.currencies,
               m.relaying
        FROM sized s JOIN mules m USING (hub, burst)
        WHERE m.relaying * 2 >= s.parties
        ORDER BY s.hub, s.first
        """
    )
    by_hub: dict[str, list] = {}
    for row in data.store.fetchall(sql):
        by_hub.setdefault(row[0], []).append(row)
    alerts = []
    for hub, bursts in by_hub.items():
        parties = sorted({p for b in bursts for p in b[5]})
        txs = [tx for b in bursts for tx in b[4]]
        widest = max(b[3] for b in bursts)
        verb = "paid" if direction == "out" else "was paid by"
        score = min(1.0, 0.4 + 0.05 * widest + 0.1 * (len(bursts) - 1))
        alerts.append(
            Alert(
                typology=typology,
                score=round(score, 3),
                accounts=[hub, *parties],
                transactions=txs,
                explanation=(
                    f"{hub} {verb} {widest} new counterparties within {config.gap_days} days"
                    + (f", {len(bursts)} times" if len(bursts) > 1 else "")
                    + f" between {min(b[1] for b in bursts):%Y-%m-%d} and "
                    f"{max(b[2] for b in bursts):%Y-%m-%d} ({len(parties)} in all)"
                ),
                details={"hub": hub, "bursts": len(bursts)},
            )
        )
    return alerts
