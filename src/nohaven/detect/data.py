"""What detectors read, as three relations whatever the source: ``d_ledger``,
``d_accounts`` and ``d_relations``, plus ``d_groups`` (each account's family).

From files they are tables of a scratch in-memory store, checked like a load; from the
store they are common table expressions over its ledger, accounts and FtM Family and
Associate statements. Detectors are written once against these names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nohaven.errors import InputError, NohavenError
from nohaven.ingest.files import csv_records, read_header
from nohaven.ingest.tabular import ACCOUNTS, LEDGER, read_checked
from nohaven.store import Store

RELATIONS = ("spouse", "child", "parent", "sibling", "associate")
FAMILY = ("spouse", "child", "parent", "sibling")

_LEDGER_COLUMNS = (
    "id, timestamp AS ts, from_account, to_account, amount, currency, "
    "{channel} AS channel, {memo} AS memo"
)


@dataclass
class DetectData:
    """A store to run detector SQL on, and the CTEs that name its inputs."""

    store: Store
    prelude: str  # "WITH d_ledger AS (...), ..." or "" when they are tables

    def sql(self, body: str) -> str:
        """A detector's query (which may define more CTEs after a comma) with the
        inputs in front."""
        if not self.prelude:
            return body
        stripped = body.lstrip()
        if stripped.upper().startswith("WITH RECURSIVE "):
            prelude = "WITH RECURSIVE " + self.prelude.lstrip()[5:]
            return prelude + ",\n" + stripped[15:]
        if stripped.upper().startswith("WITH "):
            return self.prelude + ",\n" + stripped[5:]
        return self.prelude + "\n" + body


def from_files(
    scratch: Store, ledger: Path, accounts: Path | None, relations: Path | None
) -> DetectData:
    """Checked copies of the files in a scratch store."""
    header = read_header(ledger)
    columns = _LEDGER_COLUMNS.format(
        channel="channel" if "channel" in header else "NULL::VARCHAR",
        memo="memo" if "memo" in header else "NULL::VARCHAR",
    )
    read_checked(scratch, ledger, LEDGER, "d_ledger", columns)
    if accounts is not None:
        read_checked(scratch, accounts, ACCOUNTS, "d_accounts", "account, holder, kind, country")
    else:
        scratch.execute(
            "CREATE TABLE d_accounts (account VARCHAR, holder VARCHAR, kind VARCHAR, "
            "country VARCHAR)"
        )
    scratch.execute(
        "CREATE TABLE d_relations (person_a VARCHAR, person_b VARCHAR, relation VARCHAR)"
    )
    if relations is not None:
        rows = read_relations(relations)
        if rows:
            scratch.con.executemany("INSERT INTO d_relations VALUES (?, ?, ?)", rows)
    scratch.execute(f"CREATE TABLE d_groups AS {_GROUPS}")
    return DetectData(scratch, "")


def from_store(store: Store) -> DetectData:
    """The store's ledger, accounts and family ties, named for the detectors; holders
    and relatives are taken to their resolved entities, so a son's account abroad,
    held under a romanised name, joins his parents' family."""
    if not store.fetchone("SELECT 1 FROM ledger LIMIT 1"):
        raise NohavenError("the store holds no ledger; load one or give --ledger FILE")
    prelude = f"""WITH d_ledger AS (
            SELECT {_LEDGER_COLUMNS.format(channel="channel", memo="memo")} FROM ledger
        ), d_accounts AS (
            SELECT a.account, coalesce(c.canonical_id, a.holder) AS holder, a.kind, a.country
            FROM accounts a LEFT JOIN clusters c ON c.entity_id = a.holder
        ), d_relations AS (
            SELECT coalesce(ca.canonical_id, p.value) AS person_a,
                   coalesce(cb.canonical_id, r.value) AS person_b,
                   coalesce(lower(k.value), 'associate') AS relation
            FROM statements p
            JOIN statements r ON r.entity_id = p.entity_id AND r.prop IN ('relative', 'associate')
            LEFT JOIN statements k ON k.entity_id = p.entity_id AND k.prop = 'relationship'
            LEFT JOIN clusters ca ON ca.entity_id = p.value
            LEFT JOIN clusters cb ON cb.entity_id = r.value
            WHERE p.schema IN ('Family', 'Associate') AND p.prop = 'person'
        ), d_groups AS ({_GROUPS})"""
    return DetectData(store, prelude)


def numbered_runs(source: str, key: str, gap_days: int, column: str, order: str = "ts, id") -> str:
    """A subquery: the rows of ``source`` with ``column`` numbering the runs of each
    ``key`` in time, a new run wherever more than ``gap_days`` pass without a row
    (episodes of cash, bursts of payments, rounds of purchases)."""
    return f"""(
        SELECT *, sum(starts) OVER (PARTITION BY {key} ORDER BY {order}) AS {column}
        FROM (
            SELECT *, CASE WHEN lag(ts) OVER w IS NULL
                            OR ts - lag(ts) OVER w > INTERVAL {int(gap_days)} DAY
                      THEN 1 ELSE 0 END AS starts
            FROM {source} WINDOW w AS (PARTITION BY {key} ORDER BY {order})))"""


# Each account's family: connected components of the holders' family ties, by three
# rounds of smallest-label propagation (families are small), keyed by account.
_GROUPS = """
    WITH ties AS (
        SELECT person_a AS a, person_b AS b FROM d_relations
        WHERE relation IN ('spouse', 'child', 'parent', 'sibling')
        UNION SELECT person_b, person_a FROM d_relations
        WHERE relation IN ('spouse', 'child', 'parent', 'sibling')
    ), label0 AS (
        SELECT a AS person, least(a, min(b)) AS label FROM ties GROUP BY a
    ), label1 AS (
        SELECT t.a AS person, least(min(l.label), min(o.label)) AS label
        FROM ties t JOIN label0 l ON l.person = t.b JOIN label0 o ON o.person = t.a
        GROUP BY t.a
    ), label2 AS (
        SELECT t.a AS person, least(min(l.label), min(o.label)) AS label
        FROM ties t JOIN label1 l ON l.person = t.b JOIN label1 o ON o.person = t.a
        GROUP BY t.a
    )
    SELECT acc.account, coalesce(l.label, acc.holder, acc.account) AS grp, acc.holder
    FROM d_accounts acc LEFT JOIN label2 l ON l.person = acc.holder
"""


def read_relations(path: Path) -> list[tuple[str, str, str]]:
    """RELATIONS.csv rows (person_a, person_b, relation), checked whole."""
    rows = []
    for number, (a, b, relation) in csv_records(path, ("person_a", "person_b", "relation")):
        if not a or not b:
            raise InputError(
                path, "is empty", line=number, field="person_a" if not a else "person_b"
            )
        if relation.lower() not in RELATIONS:
            raise InputError(
                path,
                f"{relation!r} is not one of {', '.join(RELATIONS)}",
                line=number,
                field="relation",
            )
        rows.append((a, b, relation.lower()))
    return rows
