"""Per-record matching features, computed once so that pair scoring is pure SQL.

The name engine's knowledge enters here, per distinct name: each name's blocking keys
(`nohaven.names.keys`) split into exact keys (family + every given syllable exactly as
some system writes it), sound keys (the same in the Mandarin or loose dialect space) and
spelling keys (the given name's letters under the family
name or its initial), each prefixed with the number of records holding it, so that a
comparison can tell a rare shared key (strong evidence) from a common one (Wang Wei).
"""

from __future__ import annotations

import duckdb

from nohaven.names.analysis import NameAnalysis
from nohaven.names.readings import fold_latin

# A key travels as one BIGINT: how many records hold it, times 2^40, plus 40 bits of its
# hash. Integer lists intersect several times faster than string lists, and the smallest
# shared value is the rarest shared key (a hash collision among millions of keys merely
# adds a spurious shared key to a handful of pairs).
KEY_SIZE_SHIFT = 1 << 40
COMMON_KEY = 15  # a key held by more records than this is a common name (levels, context)


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


def build_person_features(
    con: duckdb.DuckDBPyConnection,
    records: str,
    keys: str,
    forms: str,
    edges: str | None = None,
) -> None:
    """Create table ``person_features`` from the person records, their (name, key) and
    (name, norm, han) tables and, optionally, their relations (``edges``: kind, source,
    target).

    Columns: unique_id, dataset, names_norm (each normalised name, sized like the
    keys), han_names, exact_keys, sound_keys, spelling_keys, heads, primary_key,
    birth_date, gender, nationalities, identifiers, identifier_kinds (which identifier
    properties the record has), relative_keys (exact keys of the record's relatives) and
    associate_keys (exact keys of the records tied to the same company, asset or case):
    when one record's relative is named among the other's associates, a spouse found
    beside the official abroad, the
    pair gains.
    """
    if edges is None:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _no_edges (kind VARCHAR, source VARCHAR, target VARCHAR)"
        )
        edges = "_no_edges"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _record_keys AS
        SELECT DISTINCT r.unique_id, k.key
        FROM (SELECT unique_id, unnest(names) AS name FROM {records}) r
        JOIN {keys} k USING (name)
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE person_features AS
        WITH sized AS (
            SELECT unique_id, key,
                   CAST(count(*) OVER (PARTITION BY key) AS BIGINT) * {KEY_SIZE_SHIFT}
                   + CAST(hash(key) % {KEY_SIZE_SHIFT} AS BIGINT) AS sized_key
            FROM _record_keys
        ),
        per_record AS (
            SELECT unique_id,
                   list_sort(list(sized_key) FILTER (contains(key, '|x:'))) AS exact_keys,
                   list_sort(list(sized_key) FILTER (contains(key, '|m:')
                                                     OR contains(key, '|d:'))) AS sound_keys,
                   list_sort(list(sized_key) FILTER (NOT contains(key, '|'))) AS spelling_keys,
                   list_sort(list(DISTINCT split_part(key, '|', 1))
                             FILTER (contains(key, '|'))) AS heads,
                   min(key) FILTER (contains(key, '|m:')) AS primary_key
            FROM sized GROUP BY unique_id
        ),
        context_keys AS (
            SELECT unique_id, sized_key FROM sized
            WHERE contains(key, '|x:')
              AND sized_key < {(COMMON_KEY + 1) * KEY_SIZE_SHIFT}
        ),
        relatives AS (
            SELECT source AS unique_id, target AS other FROM {edges} WHERE kind = 'relative'
            UNION
            SELECT target, source FROM {edges} WHERE kind = 'relative'
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
        ),
        context AS (
            SELECT unique_id,
                   list_sort(list(DISTINCT sized_key) FILTER (relation = 'relative'))
                       AS relative_keys,
                   list_sort(list(DISTINCT sized_key) FILTER (relation = 'associate'))
                       AS associate_keys
            FROM (
                SELECT r.unique_id, 'relative' AS relation, c.sized_key
                FROM relatives r JOIN context_keys c ON c.unique_id = r.other
                UNION ALL
                SELECT a.unique_id, 'associate', c.sized_key
                FROM associates a JOIN context_keys c ON c.unique_id = a.other
            )
            GROUP BY unique_id
        ),
        record_norms AS (
            SELECT DISTINCT r.unique_id, f.norm, f.han
            FROM (SELECT unique_id, unnest(names) AS name FROM {records}) r
            JOIN {forms} f USING (name)
            WHERE f.norm <> ''
        ),
        normalised AS (
            SELECT unique_id,
                   list_sort(list(sized_norm)) AS names_norm,
                   list_sort(list(DISTINCT han) FILTER (han <> '')) AS han_names
            FROM (
                SELECT unique_id, han,
                       CAST(count(*) OVER (PARTITION BY norm) AS BIGINT) * {KEY_SIZE_SHIFT}
                       + CAST(hash(norm) % {KEY_SIZE_SHIFT} AS BIGINT) AS sized_norm
                FROM record_norms
            )
            GROUP BY unique_id
        )
        SELECT r.unique_id, r.dataset, n.names_norm,
               CASE WHEN len(n.han_names) > 0 THEN n.han_names END AS han_names,
               k.exact_keys, k.sound_keys, k.spelling_keys, k.heads, k.primary_key,
               r.birth_date, r.gender,
               CASE WHEN len(r.nationalities) > 0 THEN r.nationalities END AS nationalities,
               CASE WHEN len(r.identifiers) > 0 THEN r.identifiers END AS identifiers,
               CASE WHEN len(r.identifier_kinds) > 0 THEN r.identifier_kinds END
                   AS identifier_kinds,
               CASE WHEN len(c.relative_keys) > 0 THEN c.relative_keys END AS relative_keys,
               CASE WHEN len(c.associate_keys) > 0 THEN c.associate_keys END AS associate_keys
        FROM {records} r
        LEFT JOIN per_record k USING (unique_id)
        LEFT JOIN normalised n USING (unique_id)
        LEFT JOIN context c USING (unique_id)
    """)
    con.execute("DROP TABLE _record_keys")
