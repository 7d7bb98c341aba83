"""The records entity resolution works on: one row per person or company entity.

Statements are pivoted in DuckDB into the few fields matching uses (names, birth date,
gender, nationalities, identifiers, addresses); which FtM properties feed each field is
read from the FtM model (every matchable identifier-typed property counts as an
identifier), not listed by hand.
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa
from followthemoney import model
from followthemoney.types import registry

from nohaven.store.store import Store
from nohaven.trace.assets import purchase_memo_sql

PERSON_SCHEMATA = ("Person",)
COMPANY_SCHEMATA = ("Company", "Organization", "LegalEntity", "PublicBody")

# Identifiers shorter than this (letters and digits) are internal sequence numbers, not
# registration or document numbers: they neither pair records nor set them apart.
MIN_IDENTIFIER_LENGTH = 5

# Numbers a person keeps for life, one per register: two different ones of one kind are
# two people. A passport is not among them: it is reissued under a new number.
IDENTITY_CARDS = ("idNumber", "innCode", "socialSecurityNumber", "taxNumber")


def normal_identifier_sql(value: str) -> str:
    """An identifier's letters and digits, upper-cased (SQL): "H908882(9)" is H9088829."""
    return f"regexp_replace(upper({value}), '[^0-9A-Z]', '', 'g')"


def identity_card_sql(prop: str, value: str) -> str:
    """Whether a statement is an identity card's number, long enough to be one (SQL)."""
    return (
        f"({prop} IN ({_sql_list(IDENTITY_CARDS)}) "
        f"AND length({normal_identifier_sql(value)}) >= {MIN_IDENTIFIER_LENGTH})"
    )


def identifier_kind_sql(prop: str, value: str) -> str:
    """The kind of an identifier (SQL): its property, its length in letters and digits,
    and whether it starts and ends with a letter. "idNumber" holds a mainland resident id
    (18 digits), a Hong Kong identity card (a letter or two, six digits and a check digit)
    and a Singapore NRIC (a letter, seven digits, a letter) alike: only numbers of one
    shape come from one register and can disagree."""
    clean = normal_identifier_sql(value)
    return (
        f"{prop} || ':' || length({clean}) || "
        f"CASE WHEN regexp_matches({clean}, '^[A-Z]') THEN 'A' ELSE '9' END || "
        f"CASE WHEN regexp_matches({clean}, '[A-Z]$') THEN 'A' ELSE '9' END"
    )


def identifier_kind(prop: str, value: str) -> str | None:
    """`identifier_kind_sql` for one value in Python (a screening query's), or None for a
    number too short to be a document's."""
    clean = "".join(c for c in value.upper() if c.isascii() and c.isalnum())
    if len(clean) < MIN_IDENTIFIER_LENGTH:
        return None
    shape = "".join("A" if c.isalpha() else "9" for c in (clean[0], clean[-1]))
    return f"{prop}:{len(clean)}{shape}"


# FtM writes a date to the precision it is known ("1952", "1952-10", "1952-10-07"):
# the year is always its first four digits.
def birth_year_sql(value: str) -> str:
    """The year of an FtM date (`value`, SQL), whatever its precision."""
    return f"TRY_CAST(substr({value}, 1, 4) AS INTEGER)"


# Names that say who a record is; weak aliases ("Big Brother") are left out.
_NAME_PROPS = ("name", "alias", "previousName")


@cache
def identifier_props() -> tuple[str, ...]:
    """Every identifier-typed property of the person and company schemata that the FtM
    model marks matchable: a Russian KPP (a tax office's reason code), an industry
    classifier or a sanctions programme is shared by many entities and identifies none."""
    props: set[str] = set()
    for schema_name in PERSON_SCHEMATA + COMPANY_SCHEMATA:
        schema = model.get(schema_name)
        if schema is None:
            continue
        props |= {
            p.name
            for p in schema.properties.values()
            if p.type == registry.identifier and p.matchable
        }
    return tuple(sorted(props))


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def records_sql() -> str:
    """One row per person or company entity, with the fields the matcher compares.

    ``birth_date`` is the earliest full birth date and ``birth_year`` to
    ``birth_year_max`` the span of birth years, whatever their precision; a record that
    gives several (sanctions lists' "DOB 1960; alt. DOB 1961") lists them all in
    ``birth_dates`` and ``birth_years``, NULL for the rest, so that comparing the many
    records with one date stays a comparison of scalars.

    A Latin first and last name are also joined as "LAST, First" so the name engine
    knows which part is the family name.
    """
    kinds = (
        f"CASE WHEN max(schema) FILTER (schema IN ({_sql_list(PERSON_SCHEMATA)})) IS NOT NULL "
        "THEN 'person' ELSE 'company' END"
    )
    identifiers = _sql_list(identifier_props())
    clean = normal_identifier_sql("p.value")
    card = f"{identifier_kind_sql('p.prop', 'p.value')} || '=' || {clean}"
    return f"""
    WITH picked AS (
        SELECT entity_id, schema, prop, value, dataset
        FROM statements
        WHERE schema IN ({_sql_list(PERSON_SCHEMATA + COMPANY_SCHEMATA)})
    ),
    born AS (
        SELECT entity_id, TRY_CAST(value AS DATE) AS day, {birth_year_sql("value")} AS year
        FROM picked WHERE prop = 'birthDate'
    ),
    births AS (
        SELECT entity_id,
               min(day) AS birth_date,
               CASE WHEN count(DISTINCT day) > 1
                    THEN list_sort(list(DISTINCT day) FILTER (day IS NOT NULL)) END
                   AS birth_dates,
               min(year) AS birth_year,
               max(year) AS birth_year_max,
               CASE WHEN count(DISTINCT year) > 1
                    THEN list_sort(list(DISTINCT year) FILTER (year IS NOT NULL)) END
                   AS birth_years
        FROM born GROUP BY entity_id
    ),
    joined_names AS (
        SELECT entity_id,
               max(value) FILTER (prop = 'lastName') AS last_name,
               max(value) FILTER (prop = 'firstName') AS first_name
        FROM picked WHERE prop IN ('lastName', 'firstName')
        GROUP BY entity_id
    )
    SELECT p.entity_id AS unique_id,
           {kinds} AS kind,
           min(p.dataset) AS dataset,
           count(DISTINCT CASE WHEN p.schema IN ({_sql_list(PERSON_SCHEMATA)}) THEN 1
                               WHEN p.schema <> 'LegalEntity' THEN 2 END) AS kinds,
           list_distinct(
               list(p.value) FILTER (p.prop IN ({_sql_list(_NAME_PROPS)}))
               || CASE WHEN any_value(j.last_name) IS NOT NULL
                        AND any_value(j.first_name) IS NOT NULL
                        AND regexp_matches(any_value(j.last_name), '[A-Za-z]')
                       THEN [any_value(j.last_name) || ', ' || any_value(j.first_name)]
                       ELSE [] END
           ) AS names,
           any_value(b.birth_date) AS birth_date,
           any_value(b.birth_dates) AS birth_dates,
           any_value(b.birth_year) AS birth_year,
           any_value(b.birth_year_max) AS birth_year_max,
           any_value(b.birth_years) AS birth_years,
           min(p.value) FILTER (p.prop = 'gender') AS gender,
           list_sort(list_distinct(
               list(lower(p.value)) FILTER (p.prop IN ('nationality', 'citizenship'))
           )) AS nationalities,
           list_sort(list_distinct(
               list({clean}) FILTER (p.prop IN ({identifiers}))
           )) AS identifiers,
           list_sort(list_distinct(
               list({identifier_kind_sql("p.prop", "p.value")}) FILTER (p.prop IN ({identifiers}))
           )) AS identifier_kinds,
           list_sort(list_distinct(
               list({card}) FILTER ({identity_card_sql("p.prop", "p.value")})
           )) AS cards,
           list_sort(list_distinct(
               list(p.prop) FILTER (
                   p.prop IN ({identifiers}) AND length({clean}) >= {MIN_IDENTIFIER_LENGTH})
           )) AS registered_kinds,
           list_sort(list_distinct(
               list(lower(p.value)) FILTER (p.prop IN ('jurisdiction', 'country'))
           )) AS countries,
           list_sort(list_distinct(list(p.value) FILTER (p.prop = 'address'))) AS addresses,
           list_sort(list_distinct(list(p.value) FILTER (p.prop = 'wikidataId')))
               AS wikidata_ids
    FROM picked p LEFT JOIN joined_names j USING (entity_id)
    LEFT JOIN births b USING (entity_id)
    GROUP BY p.entity_id
    """


def load_records(store: Store) -> pa.Table:
    """Every person and company record in the store, as an Arrow table."""
    return store.arrow(records_sql())


@cache
def _edge_schemata() -> tuple[tuple[str, str, str, str], ...]:
    """(schema, source property, target property, kind) for every FtM edge schema whose
    source can be a person: kind "relative" when the target is a person (Family,
    Associate), "shared" when it is a company, asset, club or case that several records
    can be tied to."""
    person = model.get("Person")
    out = []
    for schema in model.schemata.values():
        if not schema.edge or not schema.edge_source or not schema.edge_target:
            continue
        source = schema.get(schema.edge_source)
        target = schema.get(schema.edge_target)
        if source is None or target is None or source.range is None or target.range is None:
            continue
        if not person.is_a(source.range):
            continue
        if target.range.name == "Person":
            kind = "relative"
        elif not person.is_a(target.range):
            kind = "shared"
        else:
            continue  # payments, debts, control: between any parties, not family ties
        out.append((schema.name, schema.edge_source, schema.edge_target, kind))
    return tuple(sorted(out))


# A person who paid or was paid by more people than this is a hub (a landlord, a
# broker): naming one of them says nothing about who the payer is.
MAX_COUNTERPARTIES = 50


def load_edges(store: Store) -> pa.Table:
    """Every relation a record takes part in: (kind, source, target), where kind is
    "relative" (target is a relative), "shared" (target is a company, asset or case),
    "counterparty" (the ledger shows money between two people's accounts in different
    countries) or "paid_for" (a transfer from the source's account names the target
    property's address in its memo: the account that bought a house, beside the deed's
    titled owner).
    """
    rows = ", ".join(
        f"({_sql_list((s,))}, {_sql_list((src,))}, {_sql_list((tgt,))}, {_sql_list((k,))})"
        for s, src, tgt, k in _edge_schemata()
    )
    people = (
        f"SELECT DISTINCT entity_id FROM statements WHERE schema IN ({_sql_list(PERSON_SCHEMATA)})"
    )
    return store.arrow(f"""
        WITH edge_schemata(schema, source_prop, target_prop, kind) AS (VALUES {rows}),
        holders AS (
            SELECT account, holder, country FROM accounts WHERE holder IN ({people})
        ),
        paid AS (
            -- Across a border only: a family's money sent abroad says who is kin; rent
            -- and transfers between neighbours are everyday life, and nine in ten of
            -- all payments between people.
            SELECT DISTINCT f.holder AS source, t.holder AS target
            FROM ledger l
            JOIN holders f ON f.account = l.from_account
            JOIN holders t ON t.account = l.to_account
            WHERE f.holder <> t.holder AND f.country <> t.country
        ),
        both_ways AS (
            SELECT source, target FROM paid UNION SELECT target, source FROM paid
        ),
        counterparties AS (
            SELECT source, target FROM both_ways WHERE source NOT IN (
                SELECT source FROM both_ways GROUP BY source
                HAVING count(*) > {MAX_COUNTERPARTIES})
        ),
        purchases AS (
            -- Keyed by the paying account: the memo's transaction itself is not needed.
            SELECT DISTINCT h.holder AS source, p.entity_id AS target
            FROM ({purchase_memo_sql("SELECT from_account AS key, memo FROM ledger")}) p
            JOIN holders h ON h.account = p.key
        )
        SELECT e.kind,
               max(s.value) FILTER (s.prop = e.source_prop) AS source,
               max(s.value) FILTER (s.prop = e.target_prop) AS target
        FROM statements s JOIN edge_schemata e USING (schema)
        WHERE s.prop IN (e.source_prop, e.target_prop)
        GROUP BY s.entity_id, e.kind
        HAVING source IS NOT NULL AND target IS NOT NULL
        UNION ALL
        SELECT 'paid_for', source, target FROM purchases
        UNION ALL
        SELECT 'counterparty', source, target FROM counterparties
    """)
