"""What officials declared, and who and what the records say they have, as SQL.

Each function returns a SQL query over the store (tables `declarations`, `statements`,
`clusters`) that the rules join: the latest version of every declaration, the family
and assets each one lists, every official's relatives from the registries, the records
resolution put in the same cluster as each of them, and the foreign assets those
records hold directly or through companies. Everything is set-based so that checking a
million declarations is a handful of joins, not a Python loop.
"""

from __future__ import annotations

# An amendment is a new declaration naming the one it replaces (`amends`); the versions
# stay in the store and only the newest of each chain counts.
LATEST = """
    SELECT * EXCLUDE (document), CAST(document AS JSON) AS document
    FROM declarations d
    WHERE NOT EXISTS (SELECT 1 FROM declarations a WHERE a.amends = d.declaration_id)
"""

_FAMILY_TYPE = (
    '[{"person_id": "VARCHAR", "name": "VARCHAR", "relation": "VARCHAR", '
    '"nationality": "VARCHAR", "residence_country": "VARCHAR", "residence_status": "VARCHAR"}]'
)
_INCOME_TYPE = (
    '[{"year": "INTEGER", "member": "VARCHAR", "source": "VARCHAR", '
    '"amount": "DECIMAL(20,2)", "currency": "VARCHAR"}]'
)
_ASSET_TYPE = (
    '[{"member": "VARCHAR", "kind": "VARCHAR", "country": "VARCHAR", "description": "VARCHAR", '
    '"value": "DECIMAL(20,2)", "currency": "VARCHAR", "acquired": "DATE", "ref": "VARCHAR"}]'
)


def latest_annual() -> str:
    """Each official's latest annual declaration: the one a check compares against."""
    return f"""
        SELECT * FROM ({LATEST}) WHERE kind = 'annual'
        QUALIFY row_number() OVER (
            PARTITION BY official_id ORDER BY filing_date DESC, version DESC, declaration_id DESC
        ) = 1
    """


def _listed(declarations: str, part: str, item_type: str) -> str:
    """One row per item of a declaration's `part` list (family, assets, income), with
    its line number (1-based) and the declaration's official, id, filing date and
    version; the JSON is parsed once per declaration."""
    return f"""
        SELECT official_id, declaration_id, filing_date, version, line, item.*
        FROM (
            SELECT official_id, declaration_id, filing_date, version,
                   unnest(items) AS item, generate_subscripts(items, 1) AS line
            FROM (
                SELECT official_id, declaration_id, filing_date, version,
                       from_json(document -> '{part}', '{item_type}') AS items
                FROM ({declarations})
            )
        )
    """


def declared_family(declarations: str) -> str:
    """(official_id, declaration_id, filing_date, version, line, person_id, name,
    relation, nationality, residence_country, residence_status): one per member."""
    return _listed(declarations, "family", _FAMILY_TYPE)


def declared_assets(declarations: str) -> str:
    """(official_id, declaration_id, filing_date, version, line, member, kind, country,
    description, value, currency, acquired, ref): one row per asset listed."""
    return _listed(declarations, "assets", _ASSET_TYPE)


def declared_income() -> str:
    """(official_id, year, member, source, amount, currency, declaration_id): income as
    declared in the latest annual declaration covering each year; a year declared twice
    (the next year's filing repeating it) counts once."""
    return f"""
        WITH lines AS (
            {_listed(f"SELECT * FROM ({LATEST}) WHERE kind = 'annual'", "income", _INCOME_TYPE)}
        ),
        covering AS (
            SELECT official_id, year, arg_max(declaration_id, (filing_date, version))
                AS declaration_id
            FROM lines GROUP BY official_id, year
        )
        SELECT l.official_id, l.year, l.member, l.source, l.amount, l.currency, l.declaration_id
        FROM lines l JOIN covering c USING (official_id, year, declaration_id)
    """


def family_edges() -> str:
    """(entity_id, dataset, person, relative, relationship): every FtM Family record,
    one row each, its relationship in lower case."""
    return """
        SELECT entity_id,
               any_value(dataset) AS dataset,
               max(value) FILTER (prop = 'person') AS person,
               max(value) FILTER (prop = 'relative') AS relative,
               lower(max(value) FILTER (prop = 'relationship')) AS relationship
        FROM statements WHERE schema = 'Family'
        GROUP BY entity_id
    """


def registry_family() -> str:
    """(official_id, person_id, relation, edge_id, dataset): the relatives records name
    (FtM Family: person → relative), relation as in declarations (spouse, child,
    child_spouse). An edge counts when its person is the official's own record or one
    resolution put in the official's cluster (a foreign registry naming the official's
    daughter beside the official's own foreign record)."""
    return f"""
        WITH edges AS ({family_edges()}),
        official_records AS ({
        with_mates("SELECT DISTINCT official_id FROM declarations", "official_id")
    })
        SELECT r.official_id, e.relative AS person_id,
               CASE WHEN relationship IN ('spouse', 'wife', 'husband') THEN 'spouse'
                    WHEN relationship IN ('child', 'son', 'daughter') THEN 'child'
                    WHEN relationship IN ('son-in-law', 'daughter-in-law', 'child_spouse')
                        THEN 'child_spouse'
               END AS relation,
               e.entity_id AS edge_id, e.dataset
        FROM edges e JOIN official_records r ON r.record_id = e.person
        WHERE relationship IN ('spouse', 'wife', 'husband', 'child', 'son', 'daughter',
                               'son-in-law', 'daughter-in-law', 'child_spouse')
    """


def with_mates(source: str, id_column: str) -> str:
    """Every row of `source` once for each record resolution put in one cluster with its
    `id_column` record, as column ``record_id`` (the record itself included, so a store
    not yet resolved still links a record to itself)."""
    return f"""
        SELECT s.*, coalesce(c2.entity_id, s.{id_column}) AS record_id
        FROM ({source}) s
        LEFT JOIN clusters c1 ON c1.entity_id = s.{id_column}
        LEFT JOIN clusters c2 ON c2.canonical_id = c1.canonical_id
    """
