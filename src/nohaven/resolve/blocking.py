"""Candidate pairs: which records are worth comparing at all.

Three rules, each an equi-join in SQL so the work stays near-linear in the records:

1. **name key**: the records share a cross-script name key (`nohaven.names.keys`);
   a key held by more than `max_block` records (Wang Wei, Chan Tai Man) only pairs
   records that also share a birth year, so common names cannot flood the comparison;
2. **family name + birth date**: the same family name (as Han characters) and the same
   birth date, for given names spelled too differently to share a key;
3. **identifier**: a shared passport, national id or registration number.

Companies are blocked on their normalised name and identifiers instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import duckdb
import pyarrow as pa

from nohaven.names.keys import bulk_analysis, keys_of
from nohaven.parallel import PARALLEL_FROM, map_chunks

MAX_BLOCK = 50

# Legal-form words that say nothing about which company it is.
_COMPANY_NOISE = re.compile(
    r"\b(limited|ltd|llc|inc|incorporated|corp|corporation|co|company|plc|pte|sdn|bhd|"
    r"gmbh|sa|ag|bv|lp|llp|the)\b"
)
_HAN_COMPANY_NOISE = re.compile(r"(有限责任公司|有限公司|股份|公司|集团|有限)")


@dataclass(frozen=True)
class BlockingStats:
    """How many pairs each rule produced (a pair found by several rules counts once, under
    its first rule)."""

    by_rule: dict[str, int]
    oversized_keys: int

    @property
    def total(self) -> int:
        return sum(self.by_rule.values())


@lru_cache(maxsize=200_000)
def company_key(name: str) -> str:
    """A company name without case, punctuation or legal form ("Bright Crystal Ltd." →
    "bright crystal")."""
    text = _HAN_COMPANY_NOISE.sub("", name.lower())
    text = re.sub(r"[^\w]+", " ", text)
    text = _COMPANY_NOISE.sub(" ", text)
    return " ".join(text.split())


def _name_rows(names: Sequence[str]) -> tuple[list[str], list[str], list[str], list[str]]:
    """For a chunk of names: (name, key) rows, and each name's normalised and Han form,
    from one analysis per name."""
    from nohaven.resolve.features import han_form, normalised_form

    key_names: list[str] = []
    keys: list[str] = []
    norms: list[str] = []
    hans: list[str] = []
    for name in names:
        analysis = bulk_analysis(name)
        for key in keys_of(analysis):
            key_names.append(name)
            keys.append(key)
        norms.append(normalised_form(analysis))
        hans.append(han_form(analysis))
    return key_names, keys, norms, hans


def name_tables(names: Sequence[str], workers: int | None = None) -> tuple[pa.Table, pa.Table]:
    """For distinct person names: ``(name, key)`` for every blocking key, and
    ``(name, norm, han)``, each name's normalised and Han form.

    Both come from the name engine in Python (about 100 µs a name), so large inputs are
    split across processes, one per core.
    """
    done = map_chunks(_name_rows, names, workers, PARALLEL_FROM)
    parts = [part for part, _ in done]
    chunks = [result for _, result in done]
    keys = pa.table(
        {
            "name": [n for chunk in chunks for n in chunk[0]],
            "key": [k for chunk in chunks for k in chunk[1]],
        },
        schema=_KEY_SCHEMA,
    )
    forms = pa.table(
        {
            "name": [n for part in parts for n in part],
            "norm": [x for chunk in chunks for x in chunk[2]],
            "han": [x for chunk in chunks for x in chunk[3]],
        },
        schema=_FORM_SCHEMA,
    )
    return keys, forms


def name_key_table(names: Sequence[str], workers: int | None = None) -> pa.Table:
    """(name, key) for every blocking key of every distinct person name."""
    return name_tables(names, workers)[0]


def company_key_table(names: Iterable[str]) -> pa.Table:
    """(name, key) for every distinct company name with a usable normalised form."""
    pairs = [(n, company_key(n)) for n in names]
    pairs = [(n, k) for n, k in pairs if k]
    return pa.table(
        {"name": [p[0] for p in pairs], "key": [p[1] for p in pairs]}, schema=_KEY_SCHEMA
    )


_KEY_SCHEMA = pa.schema([("name", pa.string()), ("key", pa.string())])
_FORM_SCHEMA = pa.schema([("name", pa.string()), ("norm", pa.string()), ("han", pa.string())])


def _same_part_and_birth_date(part: int, name: str) -> str:
    """Pairs sharing one part of a full name key (1: the family name, 2: the given name)
    and a birth date, tagged with rule number `part`."""
    side = (
        f"(SELECT DISTINCT unique_id, split_part(key, '|', {part}) AS {name}, birth_date "
        "FROM _record_keys WHERE birth_date IS NOT NULL AND contains(key, '|'))"
    )
    return (
        f"SELECT a.unique_id, b.unique_id, {part} FROM {side} a JOIN {side} b "
        f"ON a.{name} = b.{name} AND a.birth_date = b.birth_date AND a.unique_id < b.unique_id"
    )


def build_pairs(
    con: duckdb.DuckDBPyConnection, records: str, keys: str, *, max_block: int = MAX_BLOCK
) -> BlockingStats:
    """Create table ``pairs(unique_id_l, unique_id_r, match_key)`` from the records table
    (``unique_id, names, birth_date, identifiers``) and the (name, key) table."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _record_keys AS
        SELECT DISTINCT r.unique_id, k.key, year(r.birth_date) AS birth_year, r.birth_date
        FROM (SELECT unique_id, unnest(names) AS name, birth_date FROM {records}) r
        JOIN {keys} k USING (name)
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _key_sizes AS
        SELECT key, count(*) AS n FROM _record_keys GROUP BY key
    """)
    oversized = con.execute(f"SELECT count(*) FROM _key_sizes WHERE n > {max_block}").fetchall()
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _rule_pairs AS
        SELECT a.unique_id AS unique_id_l, b.unique_id AS unique_id_r, 0 AS rule
        FROM _record_keys a JOIN _record_keys b
          ON a.key = b.key AND a.unique_id < b.unique_id
        WHERE a.key IN (SELECT key FROM _key_sizes WHERE n <= {max_block})
        UNION ALL
        SELECT a.unique_id, b.unique_id, 0
        FROM _record_keys a JOIN _record_keys b
          ON a.key = b.key AND a.birth_year = b.birth_year AND a.unique_id < b.unique_id
        WHERE a.key IN (SELECT key FROM _key_sizes WHERE n > {max_block})
        UNION ALL
        {_same_part_and_birth_date(1, "head")}
        UNION ALL
        {_same_part_and_birth_date(2, "tail")}
        UNION ALL
        SELECT a.unique_id, b.unique_id, 3
        FROM (SELECT unique_id, unnest(identifiers) AS ident FROM {records}) a
        JOIN (SELECT unique_id, unnest(identifiers) AS ident FROM {records}) b
          ON a.ident = b.ident AND a.unique_id < b.unique_id
        WHERE length(a.ident) >= 5
    """)
    con.execute("""
        CREATE OR REPLACE TABLE pairs AS
        SELECT unique_id_l, unique_id_r, min(rule) AS match_key
        FROM _rule_pairs GROUP BY ALL
    """)
    counts = dict(
        con.execute("SELECT match_key, count(*) FROM pairs GROUP BY 1 ORDER BY 1").fetchall()
    )
    for table in ("_record_keys", "_key_sizes", "_rule_pairs"):
        con.execute(f"DROP TABLE {table}")
    rules = {
        0: "name key",
        1: "family name + birth date",
        2: "given name + birth date",
        3: "identifier",
    }
    return BlockingStats(
        by_rule={rules[k]: int(v) for k, v in sorted(counts.items())},
        oversized_keys=int(oversized[0][0]),
    )
