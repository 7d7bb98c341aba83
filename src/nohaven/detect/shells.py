"""Shell conduits: companies with no ordinary business that pass official-linked money
across a border.

A company account is *quiet* when it deals with at most ``max_parties`` counterparties
in all (a trading business has hundreds of customers and suppliers), has next to no
card or cash activity (at most ``max_ordinary_share`` of its transactions), and pays
on at least ``min_pass_on`` of what it receives (a conduit, not a company that holds
or spends). A quiet company whose money crosses a border (a counterparty's account
is in another country) and that deals with someone linked (a person with family ties
in the relations, an official's family, or a casino) seeds a chain; quiet companies
doing at least ``chain_share`` of their business with a chain join it. The fronts,
conduits and round-tripping shells of a scheme come out as one alert.
"""

from __future__ import annotations

from dataclasses import dataclass

from nohaven.detect.alerts import Alert
from nohaven.detect.data import DetectData


@dataclass(frozen=True)
class ShellConfig:
    max_parties: int = 40
    min_pass_on: float = 0.5
    min_transactions: int = 4
    chain_share: float = 0.4
    max_ordinary_share: float = 0.1
    ordinary: tuple[str, ...] = ("card", "cash_withdrawal", "cash_deposit")


def detect_shell_conduits(data: DetectData, config: ShellConfig) -> list[Alert]:
    """One alert per chain of quiet companies that carries linked money abroad."""
    ordinary = ", ".join(f"'{c}'" for c in config.ordinary)
    sql = data.sql(
        f"""
        WITH companies AS (
            SELECT account, country FROM d_accounts WHERE kind = 'company'
        ), legs AS (
            SELECT l.id, l.ts, l.amount, l.channel, l.from_account AS account,
                   l.to_account AS party, false AS incoming
            FROM d_ledger l SEMI JOIN companies c ON c.account = l.from_account
            UNION ALL
            SELECT l.id, l.ts, l.amount, l.channel, l.to_account, l.from_account, true
            FROM d_ledger l SEMI JOIN companies c ON c.account = l.to_account
        ), quiet AS (
            SELECT account FROM legs GROUP BY account
            HAVING count(DISTINCT party) <= {int(config.max_parties)}
               AND count(*) >= {int(config.min_transactions)}
               AND count(*) FILTER (WHERE channel IN ({ordinary}))
                   <= {float(config.max_ordinary_share)} * count(*)
               AND coalesce(sum(amount) FILTER (WHERE NOT incoming), 0)
                   >= {float(config.min_pass_on)} * sum(amount) FILTER (WHERE incoming)
        ), related AS (
            SELECT person_a AS holder FROM d_relations
            UNION SELECT person_b FROM d_relations
        )
        SELECT g.account,
               list(g.id) FILTER (WHERE coalesce(p.country <> c.country, false)
                                  OR coalesce(p.kind = 'casino', false)
                                  OR r.holder IS NOT NULL),
               min(g.ts), max(g.ts), sum(g.amount),
               list(struct_pack(party := g.party, amount := g.amount, id := g.id)) FILTER (
                   WHERE g.party IN (SELECT account FROM quiet)),
               bool_or(coalesce(p.country <> c.country, false)),
               list(DISTINCT g.party) FILTER (
                   WHERE coalesce(p.kind = 'casino', false) OR r.holder IS NOT NULL)
        FROM legs g SEMI JOIN quiet q ON q.account = g.account
        JOIN companies c ON c.account = g.account
        LEFT JOIN d_accounts p ON p.account = g.party
        LEFT JOIN related r ON r.holder = p.holder
        GROUP BY g.account
        """
    )
    rows = {row[0]: row for row in data.store.fetchall(sql)}
    return [_alert(members, rows) for members in _chains(rows, config.chain_share)]


def _chains(rows: dict[str, tuple], share: float) -> list[list[str]]:
    """Chains grown from seeds (quiet companies dealing across a border with someone
    linked) by the quiet companies that do at least ``share`` of their business with
    the chain: fronts, conduits and round-tripping shells, not every quiet company that
    once paid another."""
    dealt: dict[str, dict[str, float]] = {}
    for account, row in rows.items():
        for leg in row[5] or ():
            parties = dealt.setdefault(account, {})
            parties[leg["party"]] = parties.get(leg["party"], 0.0) + float(leg["amount"])
    chain_of = {a: a for a, row in rows.items() if row[6] and row[7]}
    for _ in range(6):
        grown = False
        for account, parties in dealt.items():
            if account in chain_of:
                continue
            with_chain: dict[str, float] = {}
            for party, amount in parties.items():
                if party in chain_of:
                    root = chain_of[party]
                    with_chain[root] = with_chain.get(root, 0.0) + amount
            if with_chain:
                root, amount = max(with_chain.items(), key=lambda kv: kv[1])
                if amount >= share * float(rows[account][4]):
                    chain_of[account] = root
                    grown = True
        if not grown:
            break
    chains: dict[str, list[str]] = {}
    for account in sorted(chain_of):
        chains.setdefault(chain_of[account], []).append(account)
    return list(chains.values())


def _alert(members: list[str], rows: dict[str, tuple]) -> Alert:
    # The evidence: what crossed a border or touched someone linked, and what the
    # chain's companies paid one another; not their every payment.
    linked = sorted({p for a in members for p in rows[a][7] or ()})
    inside = set(members)
    txs = sorted(
        {t for a in members for t in rows[a][1] or ()}
        | {leg["id"] for a in members for leg in rows[a][5] or () if leg["party"] in inside}
    )
    return Alert(
        typology="shell_conduit",
        score=round(min(1.0, 0.5 + 0.1 * len(members) + 0.02 * len(linked)), 3),
        accounts=[*members, *linked],
        transactions=txs,
        explanation=(
            f"{len(members)} compan{'y' if len(members) == 1 else 'ies'} with no "
            f"ordinary business ({', '.join(members)}) passed on what they received, "
            f"across a border, in {len(txs)} transactions between "
            f"{min(rows[a][2] for a in members):%Y-%m-%d} and "
            f"{max(rows[a][3] for a in members):%Y-%m-%d}, dealing with "
            + ", ".join(linked[:5])
            + (f" and {len(linked) - 5} more" if len(linked) > 5 else "")
            + " (family of an official, or a casino)"
        ),
        details={"companies": members},
    )
