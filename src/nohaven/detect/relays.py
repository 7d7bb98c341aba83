"""Relay episodes, and the typologies built from them: pass-through, scatter-gather,
gather-scatter and stack (layers).

A relay episode is a stretch of one account's transfers, with no pause longer than
``gap_days``, ending where what it paid on caught up with what it got, lasting at most
``max_days``, in which money came in (wires, cheques,
cash deposits, casino cheques) and between ``relay_share`` and all of it went out
again (wires, cheques), after it came and in the currency it came in: the account
kept little. Mules, conduits and layering accounts live in such episodes; ordinary
accounts rarely do, because salaries are spent over a month and businesses keep
their takings. Episodes are found in one pass of DuckDB window functions; the
typologies are shapes of episodes:

- ``pass_through``: an account with ``min_episodes`` episodes or more, none more than
  ``repeat_days`` after the one before (a coincidence every few years is not a habit);
- ``scatter_gather``: one source paying ``min_middles`` or more accounts whose
  episodes pass it on to one target (a middle that takes from several and pays several
  belongs to a stack);
- ``gather_scatter``: one account whose episode gathers from ``min_parties`` or more
  sources and scatters to as many targets, counting only parties it had not dealt with
  in the ``recurring_days`` before;
- ``stack``: two or more accounts whose episodes share sources and targets, each
  from two or more and to two or more: money moved layer to layer.

Banks' and casinos' own accounts are left out as relays: paying out what came in is
their business.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from nohaven.detect.alerts import Alert, components
from nohaven.detect.data import DetectData, numbered_runs


@dataclass(frozen=True)
class RelayConfig:
    gap_days: int = 7
    max_days: int = 14
    relay_share: float = 0.9
    min_episodes: int = 3
    repeat_days: int = 365
    min_middles: int = 3
    min_parties: int = 4
    recurring_days: int = 45
    inbound: tuple[str, ...] = ("wire", "cheque", "cash_deposit", "casino")
    outbound: tuple[str, ...] = ("wire", "cheque")


def relay_episodes(data: DetectData, config: RelayConfig) -> pa.Table:
    """Every relay episode: account, first and last time, money in and out, currency,
    distinct sources (a cash deposit has none) and targets, its transaction ids, and
    a number (``episode``)."""
    inbound = ", ".join(f"'{c}'" for c in config.inbound)
    outbound = ", ".join(f"'{c}'" for c in config.outbound)
    share = float(config.relay_share)
    # Two passes keep memory flat on large ledgers: the window functions see only
    # (account, time, amount, direction); the ids, parties and currency are gathered
    # afterwards for the few stretches that qualify.
    legs = f"""
        SELECT to_account AS account, ts, amount, true AS incoming, id, from_account AS party,
               channel <> 'cash_deposit' AS named, currency
        FROM d_ledger WHERE channel IN ({inbound}) AND from_account <> to_account
        UNION ALL
        SELECT from_account, ts, amount, false, id, to_account, true, currency
        FROM d_ledger WHERE channel IN ({outbound}) AND from_account <> to_account"""
    sql = data.sql(
        f"""
        WITH relaying AS (
            SELECT account, ts, amount, incoming FROM ({legs})
            WHERE account NOT IN (
                SELECT account FROM d_accounts WHERE kind IN ('bank', 'casino'))
        ), runs AS (
            SELECT *,
                   sum(amount) FILTER (WHERE incoming) OVER upto AS got,
                   sum(amount) FILTER (WHERE NOT incoming) OVER upto AS paid
            FROM {numbered_runs("relaying", "account", config.gap_days, "run", _ORDER)}
            WINDOW upto AS (PARTITION BY account, run ORDER BY {_ORDER})
        ), closed AS (
            -- An account that keeps relaying never pauses; an episode also ends where
            -- what it paid on caught up with what it got.
            SELECT *, coalesce(sum(CASE WHEN NOT incoming AND paid >= got * {share}
                                   THEN 1 ELSE 0 END) OVER (
                          PARTITION BY account, run ORDER BY {_ORDER}
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS part
            FROM runs
        ), episodes AS (
            SELECT account, min(ts) AS first, max(ts) AS last,
                   sum(amount) FILTER (WHERE incoming) AS money_in,
                   sum(amount) FILTER (WHERE NOT incoming) AS money_out
            FROM closed GROUP BY account, run, part
            HAVING money_out BETWEEN money_in * {share} AND money_in
               AND min(ts) FILTER (WHERE NOT incoming) >= min(ts) FILTER (WHERE incoming)
               AND max(ts) - min(ts) <= INTERVAL {int(config.max_days)} DAY
        )
        SELECT e.account, e.first, e.last, e.money_in, e.money_out,
               any_value(l.currency) AS currency,
               list(DISTINCT l.party ORDER BY l.party) FILTER (WHERE l.incoming AND l.named)
                   AS sources,
               list(DISTINCT l.party ORDER BY l.party) FILTER (WHERE NOT l.incoming)
                   AS targets,
               list(l.id ORDER BY l.ts, l.id) AS txs
        FROM episodes e JOIN ({legs}) l
          ON l.account = e.account AND l.ts BETWEEN e.first AND e.last
        GROUP BY e.account, e.first, e.last, e.money_in, e.money_out
        HAVING count(DISTINCT l.currency) = 1
        ORDER BY e.account, e.first
        """
    )
    table = data.store.arrow(sql)
    return table.append_column("episode", pa.array(range(table.num_rows), pa.int64()))


# Within one instant, money in counts before money out (a relay cannot pay on first).
_ORDER = "ts, incoming DESC"


def detect_pass_through(data: DetectData, episodes: pa.Table, config: RelayConfig) -> list[Alert]:
    """One alert per account and spell in which it passed money straight on again and
    again (spells of one account are merged later when they share transactions)."""
    runs = numbered_runs(
        "(SELECT *, first AS ts, episode AS id FROM relay_episodes)",
        "account",
        config.repeat_days,
        "spell",
    )
    sql = f"""
        SELECT account, count(*) AS n, min(first), max(last), sum(money_in), sum(money_out),
               any_value(currency), flatten(list(txs ORDER BY first)),
               list_distinct(flatten(list(sources))), list_distinct(flatten(list(targets)))
        FROM {runs} GROUP BY account, spell HAVING count(*) >= {int(config.min_episodes)}
    """
    alerts = []
    with data.store.registered("relay_episodes", episodes):
        rows = data.store.fetchall(sql)
    for account, n, first, last, money_in, money_out, currency, txs, sources, targets in rows:
        kept = 1 - float(money_out) / float(money_in)
        alerts.append(
            Alert(
                typology="pass_through",
                score=round(min(1.0, 0.4 + 0.05 * n + 0.2 * (1 - kept)), 3),
                accounts=[account, *sorted(set(sources) | set(targets))],
                transactions=list(txs),
                explanation=(
                    f"{account} received {money_in:,.2f} {currency} and passed "
                    f"{money_out:,.2f} on within {config.max_days} days, {n} times between "
                    f"{first:%Y-%m-%d} and {last:%Y-%m-%d}, keeping {kept:.1%}"
                ),
                details={"account": account, "episodes": n},
            )
        )
    return alerts


def detect_scatter_gather(data: DetectData, episodes: pa.Table, config: RelayConfig) -> list[Alert]:
    """One alert per source and target that several relaying accounts connect."""
    sql = data.sql(
        f"""
        WITH legs AS (
            SELECT e.account, e.first, e.last, e.txs, s.source, t.target
            FROM relay_episodes e, unnest(e.sources) AS s(source), unnest(e.targets) AS t(target)
            -- A middle taking from several and paying several is a layer of a stack.
            WHERE s.source <> t.target AND (len(e.sources) < 2 OR len(e.targets) < 2)
        )
        SELECT g.source, g.target, list(DISTINCT g.account ORDER BY g.account),
               list_distinct(flatten(list(g.txs))), min(g.first), max(g.last)
        FROM legs g LEFT JOIN d_accounts a ON a.account = g.source
        WHERE coalesce(a.kind, 'unknown') NOT IN ('bank', 'casino')
        GROUP BY g.source, g.target
        HAVING count(DISTINCT g.account) >= {int(config.min_middles)}
        """
    )
    with data.store.registered("relay_episodes", episodes):
        rows = data.store.fetchall(sql)
    alerts = []
    for source, target, middles, txs, first, last in rows:
        alerts.append(
            Alert(
                typology="scatter_gather",
                score=round(min(1.0, 0.5 + 0.05 * len(middles)), 3),
                accounts=[source, *middles, target],
                transactions=sorted(txs),
                explanation=(
                    f"{source} paid {len(middles)} accounts that each passed the money on "
                    f"to {target} within {config.max_days} days, between {first:%Y-%m-%d} "
                    f"and {last:%Y-%m-%d}"
                ),
                details={"source": source, "target": target, "middles": len(middles)},
            )
        )
    return alerts


def detect_gather_scatter(data: DetectData, episodes: pa.Table, config: RelayConfig) -> list[Alert]:
    """One alert per account that gathered from many and scattered to many at once,
    most of them new to it: a business's customers and suppliers recur."""
    k = int(config.min_parties)
    sql = data.sql(
        f"""
        WITH hubs AS (
            SELECT episode, account, first FROM relay_episodes
            WHERE len(sources) >= {k} AND len(targets) >= {k}
        ), ends AS (
            SELECT h.*, s.party, true AS incoming
            FROM hubs h JOIN relay_episodes e USING (episode), unnest(e.sources) AS s(party)
            UNION ALL
            SELECT h.*, t.party, false
            FROM hubs h JOIN relay_episodes e USING (episode), unnest(e.targets) AS t(party)
        ), known AS (
            SELECT e.episode, e.party FROM ends e JOIN d_ledger l
              ON l.from_account = e.account AND l.to_account = e.party
             AND l.ts < e.first AND l.ts >= e.first - INTERVAL {int(config.recurring_days)} DAY
            UNION
            SELECT e.episode, e.party FROM ends e JOIN d_ledger l
              ON l.to_account = e.account AND l.from_account = e.party
             AND l.ts < e.first AND l.ts >= e.first - INTERVAL {int(config.recurring_days)} DAY
        )
        SELECT e.episode FROM ends e ANTI JOIN known USING (episode, party)
        GROUP BY e.episode
        HAVING count(*) FILTER (WHERE incoming) >= {k}
           AND count(*) FILTER (WHERE NOT incoming) >= {k}
        """
    )
    with data.store.registered("relay_episodes", episodes):
        fresh = [row[0] for row in data.store.fetchall(sql)]
    hubs = episodes.filter(pc.is_in(episodes["episode"], pa.array(fresh, pa.int64())))
    alerts = []
    for row in hubs.to_pylist():
        alerts.append(
            Alert(
                typology="gather_scatter",
                score=round(min(1.0, 0.4 + 0.03 * (len(row["sources"]) + len(row["targets"]))), 3),
                accounts=[row["account"], *row["sources"], *row["targets"]],
                transactions=list(row["txs"]),
                explanation=(
                    f"{row['account']} gathered {row['money_in']:,.2f} {row['currency']} from "
                    f"{len(row['sources'])} accounts and paid {row['money_out']:,.2f} to "
                    f"{len(row['targets'])} others between {row['first']:%Y-%m-%d} and "
                    f"{row['last']:%Y-%m-%d}"
                ),
                details={"hub": row["account"]},
            )
        )
    return alerts


def detect_stacks(data: DetectData, episodes: pa.Table, config: RelayConfig) -> list[Alert]:
    """One alert per set of middle accounts that share sources and targets."""
    sql = """
        WITH middles AS (
            SELECT * FROM relay_episodes WHERE len(sources) >= 2 AND len(targets) >= 2
        ), ends AS (
            SELECT m.episode, m.account, m.first, m.last, s.source, t.target
            FROM middles m, unnest(m.sources) AS s(source), unnest(m.targets) AS t(target)
        )
        SELECT DISTINCT a.episode, b.episode
        FROM ends a JOIN ends b
          ON a.source = b.source AND a.target = b.target AND a.account < b.account
         AND a.first <= b.last AND b.first <= a.last
    """
    with data.store.registered("relay_episodes", episodes):
        links = data.store.fetchall(sql)
    if not links:
        return []
    linked = pa.array(sorted({e for link in links for e in link}), pa.int64())
    by_episode = {
        row["episode"]: row
        for row in episodes.filter(pc.is_in(episodes["episode"], linked)).to_pylist()
    }
    groups = [[by_episode[episode] for episode in group] for group in components(links)]
    alerts = []
    for rows in groups:
        layer = sorted({r["account"] for r in rows})
        sources = sorted({s for r in rows for s in r["sources"]} - set(layer))
        targets = sorted({t for r in rows for t in r["targets"]} - set(layer))
        alerts.append(
            Alert(
                typology="stack",
                score=round(min(1.0, 0.5 + 0.05 * len(layer)), 3),
                accounts=[*sources, *layer, *targets],
                transactions=sorted({t for r in rows for t in r["txs"]}),
                explanation=(
                    f"money moved from {len(sources)} accounts through a layer of "
                    f"{len(layer)} ({', '.join(layer)}) to {len(targets)} others, each "
                    f"passing on what it got within {config.max_days} days, between "
                    f"{min(r['first'] for r in rows):%Y-%m-%d} and "
                    f"{max(r['last'] for r in rows):%Y-%m-%d}"
                ),
                details={"layer": layer},
            )
        )
    return alerts
