"""Per-record matching features, computed once so that pair scoring is pure SQL.

The name engine's knowledge enters through each record's name keys (`record_keys`, from
blocking): exact keys (family + every given syllable exactly as some system writes
it; every word of a name that is not Chinese), sound keys (the same in the Mandarin or
loose dialect space; those words' metaphones) and spelling keys (the given name's letters
under the family name or its initial; two words of a name that is not Chinese), each with
the number of
records holding it, so that a comparison can tell a rare shared key (strong evidence)
from a common one (Wang Wei). Scoring reads what a pair shares from blocking; Splink
trains on the key lists of a sample of the records.
"""

from __future__ import annotations

import duckdb

from nohaven.names.analysis import NameAnalysis
from nohaven.names.readings import fold_latin
from nohaven.resolve.addresses import SHARED_PAIRS_SQL, build_record_addresses
from nohaven.resolve.blocking import (
    COMMON_KEY,
    KIND_EXACT,
    KIND_NORM,
    KIND_SOUND,
    KIND_SPELLING,
    MAX_BLOCK,
)

# For Splink, a record's keys travel as BIGINTs: how many records hold the key, times
# 2^40, plus 40 bits of its hash, so the smallest shared value is the rarest shared key
# (a hash collision among millions of keys merely adds a spurious shared key to a
# handful of pairs).
KEY_SIZE_SHIFT = 1 << 40


def han_form(analysis: NameAnalysis) -> str:
    """The Han characters of a name (simplified), or "" when it has none."""
    return "" if analysis.problem else analysis.han


def normalised_form(analysis: NameAnalysis) -> str:
    """A name as Han characters (simplified) or as its sorted Latin words: the form under
    which two records carry literally the same name."""
    if analysis.problem:
        return ""
    if analysis.han:
        return analysis.han
    return " ".join(sorted(fold_latin(w.raw) for w in analysis.words))


# A company, asset or case tied to more records than this says nothing about any of them.
MAX_SHARED_TARGET = 20


# EM trains on pairs born the same day, whose number grows with the square of the
# records; past this many, it trains on a sample of the records.
EM_PAIRS = 1_500_000


def same_day_pairs(con: duckdb.DuckDBPyConnection, records: str) -> int:
    """How many pairs of a table's records are born the same day: the pairs EM learns
    m from."""
    row = con.execute(
        f"SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM ("
        f"SELECT count(*) AS n FROM {records} WHERE birth_date IS NOT NULL GROUP BY birth_date)"
    ).fetchall()
    return int(row[0][0])


def training_sample(con: duckdb.DuckDBPyConnection, records: str) -> float:
    """The fraction of records Splink trains on: all of them unless EM's pairs (records
    born the same day) would exceed `EM_PAIRS`; a sample keeps their proportions."""
    pairs = same_day_pairs(con, records)
    return 1.0 if pairs <= EM_PAIRS else (EM_PAIRS / pairs) ** 0.5


def _sized(count: str, value: str) -> str:
    """A value as one BIGINT that sorts by how many records hold it (`count`)."""
    hashed = f"CAST(hash({value}) % {KEY_SIZE_SHIFT} AS BIGINT)"
    return f"CAST({count} AS BIGINT) * {KEY_SIZE_SHIFT} + {hashed}"


def _counterparty_keys(con: duckdb.DuckDBPyConnection, records: str, edges: str) -> None:
    """Table ``_counterparty_keys`` (rid, counterparty_keys): the exact keys of the
    people paying or paid by each record's accounts, only those some record's relative
    also bears (no other key can meet relative_keys). Built on integer record ids in a
    statement of its own: a million account holders' counterparties, keyed by name
    strings inside the features query, passed the resolve memory limit."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _counterparty_keys AS
        WITH ids AS (SELECT rid, unique_id FROM {records}),
        related AS (
            SELECT i.rid FROM {edges} e JOIN ids i ON i.unique_id = e.source
            WHERE e.kind = 'relative'
            UNION
            SELECT i.rid FROM {edges} e JOIN ids i ON i.unique_id = e.target
            WHERE e.kind = 'relative'
        ),
        relative_keys AS (
            SELECT DISTINCT k FROM record_keys
            WHERE kind = {KIND_EXACT} AND n <= {COMMON_KEY} AND rid IN (SELECT rid FROM related)
        ),
        paid AS (
            SELECT s.rid, t.rid AS other
            FROM {edges} e JOIN ids s ON s.unique_id = e.source
            JOIN ids t ON t.unique_id = e.target
            WHERE e.kind = 'counterparty'
        )
        SELECT p.rid, list_sort(list(DISTINCT k.k)) AS counterparty_keys
        FROM paid p JOIN record_keys k ON k.rid = p.other
        WHERE k.kind = {KIND_EXACT} AND k.n <= {COMMON_KEY}
          AND k.k IN (SELECT k FROM relative_keys)
        GROUP BY p.rid
    """)


def _pair_context(con: duckdb.DuckDBPyConnection, records: str) -> None:
    """Tables ``_context_lists`` (rid, counterparty_keys, associate_ids: the record form
    Splink trains on) and ``pair_context`` (rid_l, rid_r, paid, fed: the same evidence
    for the blocked ``pairs``, found by joins once rather than by intersecting both
    records' lists for each of tens of millions of pairs)."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _paid AS
        SELECT DISTINCT a.rid, b.rid AS other, b.unique_id AS other_id
        FROM (SELECT payer AS one, owner AS other FROM _purchases
              UNION ALL SELECT owner, payer FROM _purchases) p
        JOIN {records} a ON a.unique_id = p.one JOIN {records} b ON b.unique_id = p.other
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _context_lists AS
        WITH paid AS (
            SELECT rid, list_sort(list(other_id)) AS associate_ids FROM _paid GROUP BY rid
        )
        SELECT rid, c.counterparty_keys, p.associate_ids
        FROM _counterparty_keys c FULL JOIN paid p USING (rid)
    """)
    # Only blocked pairs with relatives on one side and counterparties on the other are
    # compared: joining every relative's keys with every counterparty's would pair
    # millions of records no name brought together.
    con.execute(f"""
        CREATE OR REPLACE TABLE pair_context AS
        WITH rel AS (
            SELECT rid, relative_keys FROM person_features WHERE relative_keys IS NOT NULL
        ),
        cp AS (
            SELECT rid, counterparty_keys FROM _context_lists
            WHERE counterparty_keys IS NOT NULL
        ),
        fed AS (
            SELECT p.rid_l, p.rid_r FROM pairs p
            JOIN rel ON rel.rid = p.rid_l JOIN cp ON cp.rid = p.rid_r
            WHERE list_has_any(rel.relative_keys, cp.counterparty_keys)
            UNION
            SELECT p.rid_l, p.rid_r FROM pairs p
            JOIN cp ON cp.rid = p.rid_l JOIN rel ON rel.rid = p.rid_r
            WHERE list_has_any(cp.counterparty_keys, rel.relative_keys)
        ),
        paid AS (
            SELECT DISTINCT least(rid, other) AS rid_l, greatest(rid, other) AS rid_r
            FROM _paid
        ),
        addressed AS (
            SELECT s.* FROM ({SHARED_PAIRS_SQL}) s
            SEMI JOIN pairs p ON p.rid_l = s.rid_l AND p.rid_r = s.rid_r
        ),
        either AS (
            SELECT rid_l, rid_r, true AS paid, false AS fed, NULL AS address_min FROM paid
            UNION ALL
            SELECT rid_l, rid_r, false, true, NULL FROM fed
            UNION ALL
            SELECT rid_l, rid_r, false, false, address_min FROM addressed
        )
        SELECT rid_l, rid_r, bool_or(paid) AS paid, bool_or(fed) AS fed,
               CAST(min(address_min) AS INTEGER) AS address_min
        FROM either
        GROUP BY ALL
    """)
    for table in ("_counterparty_keys", "_purchases", "_paid"):
        con.execute(f"DROP TABLE {table}")


def build_person_features(
    con: duckdb.DuckDBPyConnection,
    records: str,
    forms: str,
    edges: str | None = None,
    *,
    max_block: int = MAX_BLOCK,
    model_sample: float = 1.0,
) -> None:
    """Create tables ``person_features`` (every record: what scoring a blocked pair
    reads) and ``person_model_features`` (a seeded sample of the records, with their
    name keys as lists: what Splink trains on), from the person records (``rid``,
    ``unique_id``, …), ``record_keys`` (blocking.key_records), the (name, norm, han)
    table and, optionally, their relations (``edges``: kind, source, target).

    ``person_features`` columns: rid, unique_id, dataset, han_names, heads (family
    names), has_name_keys, common_norm / common_exact / common_sound / common_spelling
    (normalised names and keys held by more than `max_block` records, which blocking
    does not join on), birth_date and birth_year (the earliest), birth_dates and
    birth_years (all of them, when the record gives several), gender, nationalities,
    identifiers, identifier_kinds (which kinds of identifier the record has, by property
    and shape), card_kinds (those of them a person keeps for life),
    relative_keys (exact keys of the record's relatives), associate_keys (exact keys of
    the records tied to the same company, asset or case). The model table (Splink's
    record form) also has counterparty_keys (exact keys of the people paying or paid by
    the record's accounts, kept only where some record's relative bears them) and
    associate_ids (the owners of property the record's accounts
    paid for, and the payers of property it owns): when one record's relative is named
    among the other's associates or counterparties (a spouse found beside the official
    abroad, a child's account fed by the official), or the other record paid for its
    property (the deed's owner and the account that bought the house), the pair gains.
    The model table also adds norm_keys (each normalised name, sized like the keys),
    exact_keys, sound_keys and spelling_keys; ``pair_context``
    holds the blocked pairs that agree on the context lists (paid, fed).
    """
    if edges is None:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _no_edges (kind VARCHAR, source VARCHAR, target VARCHAR)"
        )
        edges = "_no_edges"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _purchases AS
        SELECT DISTINCT p.source AS payer, o.source AS owner
        FROM {edges} p JOIN {edges} o ON o.target = p.target AND o.kind = 'shared'
        WHERE p.kind = 'paid_for' AND p.source <> o.source
    """)
    _counterparty_keys(con, records, edges)
    build_record_addresses(con, records)
    con.execute(f"""
        CREATE OR REPLACE TABLE person_features AS
        WITH per_record AS (
            SELECT rid,
                   list_sort(list(DISTINCT head) FILTER (head IS NOT NULL)) AS heads,
                   bool_or(kind IN ({KIND_SOUND}, {KIND_SPELLING})) AS has_name_keys,
                   list_sort(list(k) FILTER (n > {max_block} AND kind = {KIND_NORM}))
                       AS common_norm,
                   list_sort(list(k) FILTER (n > {max_block} AND kind = {KIND_EXACT}))
                       AS common_exact,
                   list_sort(list(k) FILTER (n > {max_block} AND kind = {KIND_SOUND}))
                       AS common_sound,
                   list_sort(list(k) FILTER (n > {max_block} AND kind = {KIND_SPELLING}))
                       AS common_spelling
            FROM record_keys GROUP BY rid
        ),
        ids AS (SELECT rid, unique_id FROM {records}),
        context_keys AS (
            SELECT i.unique_id, k.k FROM record_keys k JOIN ids i USING (rid)
            WHERE k.kind = {KIND_EXACT} AND k.n <= {COMMON_KEY}
        ),
        kin AS (
            SELECT source AS unique_id, target AS other FROM {edges} WHERE kind = 'relative'
            UNION
            SELECT target, source FROM {edges} WHERE kind = 'relative'
        ),
        relatives AS (
            -- The household, not only the registry's edges: these name a head and each
            -- member, so a spouse's children (the official's too) are two edges away.
            SELECT unique_id, other FROM kin
            UNION
            SELECT a.unique_id, b.other FROM kin a JOIN kin b ON b.unique_id = a.other
            WHERE b.other <> a.unique_id
        ),
        shared AS (
            SELECT source, target FROM {edges}
            WHERE kind = 'shared' AND target IN (
                SELECT target FROM {edges} WHERE kind = 'shared'
                GROUP BY target HAVING count(*) <= {MAX_SHARED_TARGET})
        ),
        associates AS (
            SELECT DISTINCT a.source AS unique_id, b.source AS other
            FROM shared a JOIN shared b ON a.target = b.target AND a.source <> b.source
            UNION ALL
            SELECT payer, owner FROM _purchases
            UNION ALL
            SELECT owner, payer FROM _purchases
        ),
        context AS (
            SELECT unique_id,
                   list_sort(list(DISTINCT k) FILTER (relation = 'relative')) AS relative_keys,
                   list_sort(list(DISTINCT k) FILTER (relation = 'associate'))
                       AS associate_keys
            FROM (
                SELECT r.unique_id, 'relative' AS relation, c.k
                FROM relatives r JOIN context_keys c ON c.unique_id = r.other
                UNION ALL
                SELECT a.unique_id, 'associate', c.k
                FROM associates a JOIN context_keys c ON c.unique_id = a.other
            )
            GROUP BY unique_id
        ),
        addressed AS (SELECT DISTINCT rid, true AS has_address FROM record_addresses),
        han AS (
            SELECT r.rid, list_sort(list(DISTINCT f.han)) AS han_names
            FROM (SELECT rid, unnest(names) AS name FROM {records}) r
            JOIN {forms} f USING (name)
            WHERE f.han <> ''
            GROUP BY r.rid
        )
        SELECT r.rid, r.unique_id, r.dataset, h.han_names,
               CASE WHEN len(k.heads) > 0 THEN k.heads END AS heads,
               coalesce(k.has_name_keys, false) AS has_name_keys,
               CASE WHEN len(k.common_norm) > 0 THEN k.common_norm END AS common_norm,
               CASE WHEN len(k.common_exact) > 0 THEN k.common_exact END AS common_exact,
               CASE WHEN len(k.common_sound) > 0 THEN k.common_sound END AS common_sound,
               CASE WHEN len(k.common_spelling) > 0 THEN k.common_spelling END
                   AS common_spelling,
               r.birth_date, r.birth_dates, r.birth_year, r.birth_years, r.gender,
               CASE WHEN len(r.nationalities) > 0 THEN r.nationalities END AS nationalities,
               CASE WHEN len(r.identifiers) > 0 THEN r.identifiers END AS identifiers,
               CASE WHEN len(r.identifier_kinds) > 0 THEN r.identifier_kinds END
                   AS identifier_kinds,
               CASE WHEN len(r.cards) > 0
                    THEN list_distinct(list_transform(r.cards, lambda c: split_part(c, '=', 1)))
               END AS card_kinds,
               CASE WHEN len(c.relative_keys) > 0 THEN c.relative_keys END AS relative_keys,
               CASE WHEN len(c.associate_keys) > 0 THEN c.associate_keys END AS associate_keys,
               a.has_address
        FROM {records} r
        LEFT JOIN per_record k USING (rid)
        LEFT JOIN han h USING (rid)
        LEFT JOIN addressed a USING (rid)
        LEFT JOIN context c USING (unique_id)
    """)
    # Random pairs (engines.estimate_u) are mostly not blocked; they read their shared
    # normalised names here.
    con.execute(
        f"CREATE OR REPLACE TABLE record_norm_keys AS "
        f"SELECT rid, k, n FROM record_keys WHERE kind = {KIND_NORM}"
    )
    _pair_context(con, records)
    # The sample is drawn by a hash of the id, so it is the same on every run.
    sampled = (
        "true" if model_sample >= 1.0 else f"hash(unique_id) % 1000000 < {int(model_sample * 1e6)}"
    )
    con.execute(f"""
        CREATE OR REPLACE TABLE person_model_features AS
        WITH sample AS (SELECT * FROM person_features WHERE {sampled}),
        keyed AS (
            SELECT rid,
                   list_sort(list({_sized("n", "k")}) FILTER (kind = {KIND_NORM}))
                       AS norm_keys,
                   list_sort(list({_sized("n", "k")}) FILTER (kind = {KIND_EXACT}))
                       AS exact_keys,
                   list_sort(list({_sized("n", "k")}) FILTER (kind = {KIND_SOUND}))
                       AS sound_keys,
                   list_sort(list({_sized("n", "k")}) FILTER (kind = {KIND_SPELLING}))
                       AS spelling_keys
            FROM record_keys WHERE rid IN (SELECT rid FROM sample) GROUP BY rid
        ),
        addresses AS (
            SELECT rid, list_sort(list({_sized("n", "k")})) AS address_keys
            FROM record_addresses WHERE rid IN (SELECT rid FROM sample) GROUP BY rid
        )
        SELECT s.*, x.counterparty_keys, x.associate_ids,
               CASE WHEN len(k.norm_keys) > 0 THEN k.norm_keys END AS norm_keys,
               CASE WHEN len(k.exact_keys) > 0 THEN k.exact_keys END AS exact_keys,
               CASE WHEN len(k.sound_keys) > 0 THEN k.sound_keys END AS sound_keys,
               CASE WHEN len(k.spelling_keys) > 0 THEN k.spelling_keys END AS spelling_keys,
               a.address_keys
        FROM sample s LEFT JOIN keyed k USING (rid) LEFT JOIN _context_lists x USING (rid)
        LEFT JOIN addresses a USING (rid)
    """)
    con.execute("DROP TABLE _context_lists")
