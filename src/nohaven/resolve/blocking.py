"""Candidate pairs: which records are worth comparing at all.

Three rules, each an equi-join in SQL so the work stays near-linear in the records:

1. **name key**: the records share a cross-script name key (`nohaven.names.keys`);
   a key held by more than `max_block` records (Wang Wei, Chan Tai Man) only pairs
   records that also share a birth year, so common names cannot flood the comparison;
   so does any key of a name that is not a Chinese one ("Vladimir Putin", "Nancy Xu"):
   the data holds no register of such names, so their rarity here says nothing;
2. **family name + birth date**: the same family name (as Han characters) and the same
   birth date, for given names spelled too differently to share a key;
3. **identifier**: a shared passport, national id or registration number.

Companies are blocked on their normalised name and identifiers instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nohaven.names.keys import bulk_analysis, keys_of
from nohaven.parallel import PARALLEL_FROM, map_chunks
from nohaven.resolve.records import MIN_IDENTIFIER_LENGTH

MAX_BLOCK = 50
PAIR_PART_ROWS = 15_000_000  # record_keys rows per part of the pair grouping (build_pairs)
COMMON_KEY = 15  # a key held by more records than this is a common name (levels, context)


@dataclass(frozen=True)
class BlockingStats:
    """How many pairs each rule produced (a pair found by several rules counts once, under
    its first rule)."""

    by_rule: dict[str, int]
    oversized_keys: int

    @property
    def total(self) -> int:
        return sum(self.by_rule.values())


def _name_rows(names: Sequence[str]) -> tuple[pa.Table, pa.Table]:
    """For a chunk of names: ``(i, key)`` for every key of the chunk's i-th name, and
    ``(norm, han)`` for each name, from one analysis per name. Arrow, not Python lists:
    tens of millions of keys cost a few bytes each instead of a Python object each."""
    from nohaven.resolve.features import han_form, normalised_form

    keys: list[str] = []
    counts: list[int] = []
    foreign: list[bool] = []
    norms: list[str] = []
    hans: list[str] = []
    for name in names:
        analysis = bulk_analysis(name)
        found = keys_of(analysis)
        keys.extend(found)
        counts.append(len(found))
        foreign.append(analysis.foreign_name)
        norms.append(normalised_form(analysis))
        hans.append(han_form(analysis))
    # Per key in Arrow, not per key in Python: a name has dozens of keys.
    key_array = pa.array(keys, pa.string())
    dated = pc.or_(
        pc.starts_with(key_array, "w"), pa.array(np.repeat(np.array(foreign, bool), counts))
    )
    return (
        pa.table(
            {
                "i": pa.array(np.repeat(np.arange(len(counts), dtype=np.int32), counts)),
                "key": key_array,
                "dated": dated,
            }
        ),
        pa.table({"norm": pa.array(norms, pa.string()), "han": pa.array(hans, pa.string())}),
    )


def name_tables(names: Sequence[str], workers: int | None = None) -> tuple[pa.Table, pa.Table]:
    """For distinct person names: ``(name_id, key, dated)`` for every blocking key (``dated``:
    it pairs records only born in a year both give, being a word key or a key of a
    foreign name, `NameAnalysis.foreign_name`), and
    ``(name_id, name, norm, han)``, each name's id, normalised and Han form.

    Both come from the name engine in Python (about 100 µs a name), so large inputs are
    split across processes, one per core.
    """
    key_parts: list[pa.Table] = []
    form_parts: list[pa.Table] = []
    start = 0
    for part, (keys, forms) in map_chunks(_name_rows, names, workers, PARALLEL_FROM):
        key_parts.append(
            pa.table(
                {
                    "name_id": pc.add(keys["i"], pa.scalar(start, pa.int32())),
                    "key": keys["key"],
                    "dated": keys["dated"],
                }
            )
        )
        ids = pa.array(range(start, start + len(part)), pa.int32())
        form_parts.append(
            pa.table({"name_id": ids, "name": pa.array(part, pa.string())})
            .append_column("norm", forms["norm"])
            .append_column("han", forms["han"])
        )
        start += len(part)
    if not key_parts:
        return _KEY_SCHEMA.empty_table(), _FORM_SCHEMA.empty_table()
    return pa.concat_tables(key_parts), pa.concat_tables(form_parts)


_KEY_SCHEMA = pa.schema([("name_id", pa.int32()), ("key", pa.string()), ("dated", pa.bool_())])
_FORM_SCHEMA = pa.schema(
    [("name_id", pa.int32()), ("name", pa.string()), ("norm", pa.string()), ("han", pa.string())]
)


# What a key says about a pair that shares it (features.py and model.py read these).
KIND_EXACT = 1  # family name + given syllables as some system writes them ("|x:"), or
# every word of a name that is not a Chinese one ("w=")
KIND_SOUND = 2  # the same in the Mandarin or loose dialect space ("|m:", "|d:"), or the
# sound of every word of another name ("w~")
KIND_SPELLING = 3  # the given name's letters under the family name or its initial, or
# two words of a longer name that is not a Chinese one ("w:")
KIND_NORM = 4  # the whole name, normalised: literally the same name (features.normalised_form)


def key_records(con: duckdb.DuckDBPyConnection, records: str, keys: str, forms: str) -> None:
    """Create table ``record_keys(rid, k, kind, dated, n, head, tail, birth_date,
    birth_year, birth_year_max)``: every
    name key of every record and its normalised names (kind `KIND_NORM`), hashed, with
    its kind, whether it pairs records only born in a year both give (``dated``: a word
    key, or any key of a foreign name) and how many records hold it (``n``).

    ``records`` needs ``rid`` (an integer id), ``names``, ``birth_date`` and the span
    of birth years (``birth_year`` to ``birth_year_max``); ``keys`` and
    ``forms`` are `name_tables`. Keys travel as 64-bit hashes and sizes come from a
    grouping, not a window: joins and groupings over tens of millions of rows run
    several times faster on integers, and spill to disk when memory is short.
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _record_names AS
        SELECT rid, name_id, count(*) OVER (PARTITION BY rid) = 1 AS alone
        FROM (
            SELECT DISTINCT r.rid, f.name_id
            FROM (SELECT rid, unnest(names) AS name FROM {records}) r
            JOIN {forms} f USING (name)
        )
    """)
    keyed = f"""
        SELECT r.rid, k.k, k.kind, k.dated, k.head, k.tail
        FROM _record_names r
        JOIN (
            SELECT name_id, hash(key) AS k, dated,
                   CAST(CASE WHEN contains(key, '|x:') OR starts_with(key, 'w=')
                                  THEN {KIND_EXACT}
                             WHEN starts_with(key, 'w~') THEN {KIND_SOUND}
                             WHEN contains(key, '|') THEN {KIND_SOUND}
                             ELSE {KIND_SPELLING} END AS UTINYINT) AS kind,
                   CASE WHEN contains(key, '|') THEN hash(split_part(key, '|', 1)) END AS head,
                   CASE WHEN contains(key, '|') THEN hash(split_part(key, '|', 2)) END AS tail
            FROM {keys}
        ) k USING (name_id)
    """
    # A name's keys are distinct, so only the records with several names (about one in
    # ten) need the costly DISTINCT over tens of millions of rows.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _keyed AS
        {keyed} WHERE r.alone
        UNION ALL
        SELECT DISTINCT * FROM ({keyed} WHERE NOT r.alone)
    """)
    # The normalised name is a key too, so blocking's join finds what scoring needs of it
    # (how many records bear it) instead of a list intersection per pair.
    con.execute(f"""
        INSERT INTO _keyed
        SELECT DISTINCT r.rid, hash('=' || f.norm), CAST({KIND_NORM} AS UTINYINT), false,
               NULL, NULL
        FROM _record_names r JOIN {forms} f USING (name_id)
        WHERE f.norm <> ''
    """)
    # Birth dates join last: the groupings above then carry two integers a row, not five.
    con.execute(f"""
        CREATE OR REPLACE TABLE record_keys AS
        SELECT rid, k, x.kind, x.dated, CAST(s.n AS INTEGER) AS n, x.head, x.tail,
               r.birth_date, CAST(r.birth_year AS SMALLINT) AS birth_year,
               CAST(r.birth_year_max AS SMALLINT) AS birth_year_max
        FROM _keyed x JOIN (SELECT k, count(*) AS n FROM _keyed GROUP BY k) s USING (k)
        JOIN (SELECT rid, birth_date, birth_year, birth_year_max FROM {records}) r USING (rid)
    """)
    con.execute("DROP TABLE _keyed")
    con.execute("DROP TABLE _record_names")


def _same_part_and_birth_date(part: str, rule: int) -> str:
    """Pairs sharing one part of a full name key (head: the family name, tail: the given
    name) and a birth date, tagged with rule number `rule`."""
    side = (
        f"(SELECT DISTINCT rid, {part}, birth_date FROM record_keys "
        f"WHERE birth_date IS NOT NULL AND {part} IS NOT NULL)"
    )
    return (
        f"SELECT a.rid AS rid_l, b.rid AS rid_r, {rule} AS rule FROM {side} a JOIN {side} b "
        f"ON a.{part} = b.{part} AND a.birth_date = b.birth_date AND a.rid < b.rid"
    )


# A record giving several birth years ("DOB 1960; alt. DOB 1962") meets a common name's
# other holders in each of the first this many of them.
MAX_YEARS = 5


def _oversized_by_year(con: duckdb.DuckDBPyConnection, records: str, max_block: int) -> None:
    """Create temp table ``_oversized(rid, k, kind, n, year)``: the rows of
    ``record_keys`` for keys held by more than `max_block` records, one for each birth
    year the record gives (``birth_years`` of `records`, else its one year)."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _oversized AS
        SELECT k.rid, k.k, k.kind, k.n,
               unnest(coalesce(CAST(r.birth_years AS SMALLINT[]), [k.birth_year])[1:{MAX_YEARS}])
                   AS year
        FROM record_keys k JOIN {records} r USING (rid)
        WHERE k.n > {max_block} AND k.birth_year IS NOT NULL
    """)


def build_pairs(
    con: duckdb.DuckDBPyConnection, records: str, *, max_block: int = MAX_BLOCK
) -> BlockingStats:
    """Create table ``pairs(rid_l, rid_r, match_key, norm_min, exact_min, sound_min,
    spelling_shared)`` from the records table (``rid, identifiers, birth_years``) and
    ``record_keys`` (`key_records`).

    The join that finds the pairs also yields, for free, what each pair's names share:
    the size of the rarest shared normalised name, exact and sound key and whether a
    spelling key is shared, the name comparison's whole input, so scoring needs no list
    intersections. A key held by more than `max_block` records only pairs records born
    in a year both give (the first `MAX_YEARS` of each); features.py lists those keys
    per record so that scoring still sees them shared. A dated key (below) pairs records
    whose spans of birth years overlap.
    """
    if max_block <= COMMON_KEY:
        raise ValueError(f"max_block must exceed COMMON_KEY ({COMMON_KEY}), not {max_block}")
    oversized = con.execute(
        f"SELECT count(DISTINCT k) FROM record_keys WHERE n > {max_block}"
    ).fetchall()
    # Pairs sharing a name key, grouped by pair in parts by the left record: a pair's
    # shared keys all fall in one part, and each part's grouping fits in memory where
    # one grouping of hundreds of millions of shared keys would spill to disk.
    rows = con.execute("SELECT count(*) FROM record_keys").fetchall()[0][0]
    parts = 1 + rows // PAIR_PART_ROWS
    _oversized_by_year(con, records, max_block)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _name_pairs (
            rid_l INTEGER, rid_r INTEGER, blocked BOOLEAN, norm_min INTEGER,
            exact_min INTEGER, sound_min INTEGER, spelling_shared BOOLEAN)
    """)
    for part in range(parts):
        con.execute(f"""
            INSERT INTO _name_pairs
            WITH shared AS (
                SELECT a.rid AS rid_l, b.rid AS rid_r, a.kind, a.n,
                       CASE WHEN a.dated OR b.dated
                            THEN a.birth_year <= b.birth_year_max
                                 AND b.birth_year <= a.birth_year_max
                            ELSE true END AS makes_pair
                FROM record_keys a JOIN record_keys b ON a.k = b.k AND a.rid < b.rid
                WHERE a.n <= {max_block} AND b.n <= {max_block} AND a.rid % {parts} = {part}
                UNION ALL
                SELECT a.rid, b.rid, a.kind, a.n, true
                FROM _oversized a JOIN _oversized b
                  ON a.k = b.k AND a.year = b.year AND a.rid < b.rid
                WHERE a.rid % {parts} = {part}
            )
            -- A shared normalised name describes a pair but never makes one on its own;
            -- nor, without a birth year both give, does a dated key (a word key, any key of
            -- a foreign name): no population register here says how many bear the name.
            SELECT rid_l, rid_r, bool_or(kind <> {KIND_NORM} AND coalesce(makes_pair, false)),
                   min(n) FILTER (kind = {KIND_NORM}), min(n) FILTER (kind = {KIND_EXACT}),
                   min(n) FILTER (kind = {KIND_SOUND}), bool_or(kind = {KIND_SPELLING})
            FROM shared GROUP BY ALL
        """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _rule_pairs AS
        SELECT rid_l, rid_r, min(rule) AS rule FROM (
            {_same_part_and_birth_date("head", 1)}
            UNION ALL
            {_same_part_and_birth_date("tail", 2)}
            UNION ALL
            SELECT a.rid, b.rid, 3
            FROM (SELECT rid, unnest(identifiers) AS ident FROM {records}) a
            JOIN (SELECT rid, unnest(identifiers) AS ident FROM {records}) b
              ON a.ident = b.ident AND a.rid < b.rid
            WHERE length(a.ident) >= {MIN_IDENTIFIER_LENGTH}
        ) GROUP BY ALL
    """)
    con.execute("""
        CREATE OR REPLACE TABLE pairs AS
        SELECT rid_l, rid_r, CASE WHEN n.blocked THEN 0 ELSE r.rule END AS match_key,
               n.norm_min, n.exact_min, n.sound_min, n.spelling_shared
        FROM _name_pairs n FULL OUTER JOIN _rule_pairs r USING (rid_l, rid_r)
        WHERE n.blocked OR r.rule IS NOT NULL
    """)
    counts = dict(
        con.execute("SELECT match_key, count(*) FROM pairs GROUP BY 1 ORDER BY 1").fetchall()
    )
    con.execute("DROP TABLE _rule_pairs")
    con.execute("DROP TABLE _name_pairs")
    con.execute("DROP TABLE _oversized")
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
