"""Company records into pairs, by rules a company register makes safe.

A register gives each company one number and one legal name, so:

- two records sharing a registration number (or any identifier) are one company, if
  their names have anything in common (else the number is a lead for review: lists
  repeat a number by mistake);
- two records that each carry a number of one kind, and share none, are two companies,
  however alike their names (a register does not list a company twice);
- a record with no number (a deed's titled owner, an account holder) whose full legal
  name, legal form included, is borne by exactly one registered company and by no other
  record is that company: the link investigators draw from a deed to the register;
- otherwise the same name without its legal form is only a lead for review ("Golden
  Enterprises" recurs; so is a name that states no legal form against one that does),
  as is the same name read across scripts (深圳富华实业 and
  "Shenzhen Fuhua Industrial"), and a different legal form ("Inc." against "Limited")
  is a different company more often than not.

Rules and not a trained model: each is a fact of how registers work, and a handful of
levels with no continuous evidence gives EM nothing to learn that the rules do not say.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from nohaven.names.company import (
    company_key,
    has_legal_form,
    legal_name_key,
    romanised_company_key,
    written_in_han,
)
from nohaven.parallel import map_chunks
from nohaven.resolve.blocking import MAX_BLOCK
from nohaven.resolve.records import MIN_IDENTIFIER_LENGTH

# Each rule's evidence line, and the probability it gives a pair.
SHARED_IDENTIFIER = "identifiers: shared"
UNALIKE_IDENTIFIER = "identifiers: shared; name: nothing in common"
LEGAL_NAME = "name: same legal name, no other bearer; one registered"
SAME_LEGAL_NAME = "name: same legal name"
FORM_UNSTATED = "name: same name, a legal form unstated"
ACROSS_SCRIPTS = "name: same name read across scripts"
OTHER_FORM = "name: same name, another legal form"
NAME_PROBABILITY = 0.3  # same name, legal form aside: generic names recur; review, not merge
EVIDENCE_PROBABILITY = {
    SHARED_IDENTIFIER: 0.99,
    # A number repeated by mistake, or a group's companies under one parent's number:
    # a lead for review, not a merge.
    UNALIKE_IDENTIFIER: NAME_PROBABILITY,
    # The one registered company of that full legal name, and the only other record
    # bearing it. On the medium world 342 of 403 such pairs are one company; the rest
    # are accounts and deeds of unrelated companies whose names the world draws from
    # one small vocabulary (a register's names are unique, so real collisions are rarer).
    LEGAL_NAME: 0.85,
    SAME_LEGAL_NAME: NAME_PROBABILITY,
    FORM_UNSTATED: NAME_PROBABILITY,
    ACROSS_SCRIPTS: NAME_PROBABILITY,
    OTHER_FORM: 0.1,  # same name under another legal form: seldom one company
}

_NameRow = tuple[str, str, str, str | None, bool, bool]


def _name_rows(names: list[str]) -> list[_NameRow]:
    rows = [
        (
            n,
            company_key(n),
            legal_name_key(n),
            romanised_company_key(n) or None,
            written_in_han(n),
            has_legal_form(n),
        )
        for n in names
    ]
    return [row for row in rows if row[1]]


def _name_table(names: Sequence[str]) -> pa.Table:
    """(name, key, legal, reading, han, form) for every distinct company name with a
    usable key (reading: `romanised_company_key`, NULL when too short to be a lead; han:
    written in Han characters; form: states a legal form). About 40 µs a name in Python,
    so large inputs are split across processes."""
    rows = [row for _, part in map_chunks(_name_rows, names) for row in part]
    return pa.table(
        {
            column: pa.array([r[i] for r in rows], kind)
            for i, (column, kind) in enumerate(_NAME_COLUMNS.items())
        }
    )


_NAME_COLUMNS = {
    "name": pa.string(),
    "key": pa.string(),
    "legal": pa.string(),
    "reading": pa.string(),
    "han": pa.bool_(),
    "form": pa.bool_(),
}


def company_predictions(con: duckdb.DuckDBPyConnection, companies: pa.Table) -> pa.Table:
    """Scored company pairs (left_id, right_id, match_probability, match_weight,
    evidence) from the company records (unique_id, names, identifiers,
    registered_kinds: the kinds of its identifiers long enough to be registration
    numbers), by the rules of this module."""
    names = sorted({n for names in companies["names"].to_pylist() for n in names or ()})
    probabilities = ", ".join(f"('{e}', {p})" for e, p in EVIDENCE_PROBABILITY.items())
    con.register("_companies_arrow", companies)
    con.register("_company_names_arrow", _name_table(names))
    table = con.sql(f"""
        WITH firms AS (
            SELECT unique_id,
                   list_filter(identifiers, lambda i: length(i) >= {MIN_IDENTIFIER_LENGTH})
                       AS identifiers,
                   CASE WHEN len(registered_kinds) > 0 THEN registered_kinds END
                       AS registered_kinds
            FROM _companies_arrow
        ),
        keyed AS (
            SELECT DISTINCT c.unique_id, k.key, k.legal, k.reading, k.han, k.form
            FROM (SELECT unique_id, unnest(names) AS name FROM _companies_arrow) c
            JOIN _company_names_arrow k USING (name)
        ),
        -- A name many companies bear ("Trading Limited") says nothing: no review pairs.
        distinctive AS (
            SELECT * FROM keyed
            WHERE key IN (
                SELECT key FROM keyed GROUP BY key
                HAVING count(DISTINCT unique_id) <= {MAX_BLOCK})
        ),
        legal_counts AS (
            SELECT legal, count(DISTINCT unique_id) AS bearers FROM keyed GROUP BY legal
        ),
        named AS (
            SELECT a.unique_id AS left_id, b.unique_id AS right_id,
                   bool_or(a.legal = b.legal) AS same_legal,
                   bool_or(a.legal = b.legal AND n.bearers = 2) AS legal_unique,
                   bool_or(NOT (a.form AND b.form)) AS form_unstated
            FROM distinctive a
            JOIN distinctive b ON a.key = b.key AND a.unique_id < b.unique_id
            LEFT JOIN legal_counts n ON n.legal = a.legal
            GROUP BY ALL
        ),
        -- The same name only once read across scripts (深圳富华实业 and "Shenzhen Fuhua
        -- Industrial"): pinyin has no tones, so a lead for review, never a merge; and
        -- only from Han to Latin letters (two Han names that differ are two names).
        readings AS (
            SELECT DISTINCT unique_id, reading, han FROM keyed
            WHERE reading IN (
                SELECT reading FROM keyed WHERE reading IS NOT NULL
                GROUP BY reading HAVING count(DISTINCT unique_id) <= {MAX_BLOCK})
        ),
        read_alike AS (
            SELECT DISTINCT a.unique_id AS left_id, b.unique_id AS right_id,
                   false AS same_legal, false AS legal_unique, false AS form_unstated,
                   true AS across_scripts
            FROM readings a
            JOIN readings b
              ON a.reading = b.reading AND a.han <> b.han AND a.unique_id < b.unique_id
            ANTI JOIN named n ON n.left_id = a.unique_id AND n.right_id = b.unique_id
        ),
        candidates AS (
            SELECT *, false AS across_scripts FROM named
            UNION ALL
            SELECT * FROM read_alike
        ),
        by_name AS (
            SELECT m.left_id, m.right_id,
                   CASE WHEN m.legal_unique
                             AND (l.registered_kinds IS NULL) <> (r.registered_kinds IS NULL)
                        THEN '{LEGAL_NAME}'
                        WHEN m.same_legal THEN '{SAME_LEGAL_NAME}'
                        WHEN m.form_unstated THEN '{FORM_UNSTATED}'
                        WHEN m.across_scripts THEN '{ACROSS_SCRIPTS}'
                        ELSE '{OTHER_FORM}' END AS evidence
            FROM candidates m
            JOIN firms l ON l.unique_id = m.left_id
            JOIN firms r ON r.unique_id = m.right_id
            -- Two numbers of one kind that differ: two entries in a register.
            WHERE NOT coalesce(list_has_any(l.registered_kinds, r.registered_kinds), false)
        ),
        idents AS (SELECT unique_id, unnest(identifiers) AS ident FROM firms),
        id_pairs AS (
            SELECT DISTINCT a.unique_id AS left_id, b.unique_id AS right_id
            FROM idents a JOIN idents b ON a.ident = b.ident AND a.unique_id < b.unique_id
        ),
        -- A number two records share names one company only if their names have
        -- something in common: a word of three letters or more, or the reading across
        -- scripts. Lists repeat a number by mistake (an EU list gave "Krasnoe Znamya"
        -- and "MAK Vympel" one OGRN); a record with no name to compare is taken at
        -- its number.
        words AS (
            SELECT DISTINCT unique_id, unnest(string_split(key, ' ')) AS word FROM keyed
        ),
        alike AS (
            SELECT p.left_id, p.right_id FROM id_pairs p
            JOIN words a ON a.unique_id = p.left_id
            JOIN words b ON b.unique_id = p.right_id AND b.word = a.word
            WHERE length(a.word) >= 3 OR regexp_matches(a.word, '[\\x{{4e00}}-\\x{{9fff}}]')
            UNION
            SELECT p.left_id, p.right_id FROM id_pairs p
            JOIN keyed a ON a.unique_id = p.left_id
            JOIN keyed b ON b.unique_id = p.right_id AND b.reading = a.reading
            UNION
            SELECT left_id, right_id FROM id_pairs
            WHERE left_id NOT IN (SELECT unique_id FROM keyed)
               OR right_id NOT IN (SELECT unique_id FROM keyed)
        ),
        by_ident AS (
            SELECT p.left_id, p.right_id,
                   CASE WHEN a.left_id IS NULL THEN '{UNALIKE_IDENTIFIER}'
                        ELSE '{SHARED_IDENTIFIER}' END
            FROM id_pairs p
            LEFT JOIN alike a ON a.left_id = p.left_id AND a.right_id = p.right_id
        ),
        probabilities(evidence, match_probability) AS (VALUES {probabilities}),
        scored AS (
            SELECT * FROM (SELECT * FROM by_name UNION ALL SELECT * FROM by_ident)
            JOIN probabilities USING (evidence)
        )
        SELECT left_id, right_id, CAST(max(match_probability) AS DOUBLE) AS match_probability,
               CAST(log2(max(match_probability) / (1 - max(match_probability))) AS DOUBLE)
                   AS match_weight,
               string_agg(DISTINCT evidence, '; ' ORDER BY evidence) AS evidence
        FROM scored
        GROUP BY left_id, right_id
    """).to_arrow_table()
    con.unregister("_companies_arrow")
    con.unregister("_company_names_arrow")
    return table
