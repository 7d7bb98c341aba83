"""The declaration rules, each one SQL query over the store yielding findings.

A finding row is (rule, official_id, score, evidence): evidence is JSON naming the
declaration lines and the records behind the finding, so an investigator (and a court)
can follow it back. The rules read the latest version of each declaration
(`filings.LATEST`) and the clusters `nohaven resolve` wrote: a spouse's Canadian visa
record counts once resolution has put it in the spouse's cluster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nohaven.declarations.filings import (
    LATEST,
    declared_assets,
    declared_family,
    declared_income,
    latest_annual,
    registry_family,
    with_mates,
)
from nohaven.resolve.judgements import judged_same_sql
from nohaven.resolve.model import CORROBORATING_EVIDENCE

RULES = (
    "naked_official",
    "incomplete_family",
    "undeclared_foreign_asset",
    "unexplained_wealth",
    "red_flags",
)

# Yuan per unit of each currency, for comparing wealth with income: long-run averages,
# to be replaced by the case's own rates (`RuleConfig.rates_cny`). An amount in a
# currency missing here is left out and counted, never guessed.
DEFAULT_RATES_CNY: dict[str, float] = {
    "CNY": 1.0,
    "USD": 6.5,
    "HKD": 0.84,
    "MOP": 0.81,
    "SGD": 4.8,
    "CAD": 5.0,
    "AUD": 4.8,
    "NZD": 4.4,
    "EUR": 7.5,
    "GBP": 8.8,
    "JPY": 0.055,
    "KRW": 0.0053,
    "TWD": 0.21,
    "MYR": 1.55,
    "THB": 0.19,
}

# How a foreign immigration record's status reads in the declaration vocabulary. Visitor
# visas are not residence; a study or work permit is residence abroad for a year or more.
_STATUS_SQL = """
    CASE WHEN contains(t, 'citizen') OR contains(t, 'naturali') THEN 'citizen'
         WHEN contains(t, 'permanent') OR contains(t, 'green card') THEN 'permanent_resident'
         WHEN contains(t, 'study') OR contains(t, 'student') OR contains(t, 'work')
              OR contains(t, 'f-1') OR contains(t, 'h-1b') OR contains(t, 'long')
            THEN 'long_term_resident'
    END
"""


@dataclass(frozen=True)
class RuleConfig:
    """What each rule counts, and how much each finding weighs in an official's risk.

    naked_variant: "2010" (spouse and every child emigrated) or "2014" (the spouse
    emigrated or, with no spouse, every child). wealth_ratio: family wealth above this
    multiple of cumulative declared income is unexplained (declarations.com.ua's 10x).
    """

    naked_variant: str = "2010"
    wealth_ratio: float = 10.0
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "naked_official": 3.0,
            "incomplete_family": 2.0,
            "undeclared_foreign_asset": 3.0,
            "unexplained_wealth": 4.0,
            "red_flags": 1.0,
        }
    )
    # declarations.com.ua's red flags (DOMAIN.md), in yuan.
    large_cash_cny: float = 1_000_000.0
    luxury_vehicle_cny: float = 1_000_000.0
    # Yuan per unit; `nohaven.ingest.rates.latest_cny_rates` makes one from a rates file.
    rates_cny: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES_CNY))
    min_link_probability: float = 0.8
    resident_account_floor_cny: float = 500_000.0

    def rates_sql(self) -> str:
        rows = ", ".join(f"('{c}', {float(r)!r})" for c, r in sorted(self.rates_cny.items()))
        return f"SELECT * FROM (VALUES {rows}) AS t(currency, cny)"


def _members(official: str | None) -> str:
    """(official_id, person_id, relation, source, ref): the official (relation 'self')
    and every relative the registries or the latest annual declaration name."""
    only = f"WHERE official_id = '{_quote(official)}'" if official else ""
    return f"""
        SELECT * FROM (
            SELECT DISTINCT official_id, official_id AS person_id, 'self' AS relation,
                   'declaration' AS source, NULL AS ref
            FROM declarations
            UNION ALL
            SELECT official_id, person_id, relation, 'registry', edge_id
            FROM ({registry_family()})
            UNION ALL
            SELECT official_id, person_id, relation, 'declaration',
                   declaration_id || '#/family/' || (line - 1)
            FROM ({declared_family(latest_annual())})
            WHERE person_id IS NOT NULL
        ) {only}
    """


def _quote(value: str) -> str:
    return value.replace("'", "''")


def _records_of(members: str) -> str:
    """(official_id, person_id, relation, record_id): each member's own record and every
    record resolution put in the same cluster."""
    distinct = f"SELECT DISTINCT official_id, person_id, relation FROM ({members})"
    return f"SELECT DISTINCT * FROM ({with_mates(distinct, 'person_id')})"


def naked_official_sql(config: RuleConfig, official: str | None = None) -> str:
    """Spouse and children who emigrated (foreign nationality, permanent or long-term
    residence), by their own declaration or by foreign records resolved to them on
    corroborated links (`corroborated_records_sql`)."""
    kin = f"SELECT * FROM ({_members(official)}) WHERE relation IN ('spouse', 'child')"
    if config.naked_variant == "2014":
        flagged = (
            "(spouses > 0 AND spouses_emigrated > 0) "
            "OR (spouses = 0 AND children > 0 AND children_emigrated = children)"
        )
    else:
        flagged = "kin > 0 AND emigrated = kin"
    return f"""
        WITH kin AS ({kin}),
        records AS ({_records_of("SELECT * FROM kin")}),
        declared AS (
            SELECT f.official_id, f.person_id, f.residence_status AS status,
                   f.residence_country AS country,
                   f.declaration_id || '#/family/' || (f.line - 1) AS ref
            FROM ({declared_family(latest_annual())}) f
            WHERE f.residence_status IN ('citizen', 'permanent_resident', 'long_term_resident')
        ),
        permits AS (
            SELECT max(value) FILTER (prop = 'holder') AS holder,
                   lower(max(value) FILTER (prop = 'type')) AS t,
                   max(value) FILTER (prop = 'country') AS country,
                   entity_id
            FROM statements WHERE schema IN ('Identification', 'Passport')
            GROUP BY entity_id
        ),
        strong AS ({corroborated_records_sql(config)}),
        trusted AS (
            SELECT * FROM records
            WHERE record_id = person_id OR record_id IN (SELECT record_id FROM strong)
        ),
        found AS (
            SELECT r.official_id, r.person_id, {_STATUS_SQL} AS status, p.country,
                   p.entity_id AS ref
            FROM trusted r JOIN permits p ON p.holder = r.record_id
            WHERE coalesce(p.country, '') <> 'cn'
            UNION ALL
            SELECT r.official_id, r.person_id, 'citizen', s.value, s.entity_id
            FROM trusted r JOIN statements s ON s.entity_id = r.record_id
            WHERE s.prop = 'nationality' AND s.value NOT IN ('cn', 'zz') AND s.schema = 'Person'
        ),
        evidence AS (
            SELECT official_id, person_id, status, country, ref, 'declaration' AS source
            FROM declared
            UNION ALL
            SELECT official_id, person_id, status, country, ref, 'record'
            FROM found WHERE status IS NOT NULL
        ),
        per_person AS (
            SELECT k.official_id, k.person_id, any_value(k.relation) AS relation,
                   count(e.status) > 0 AS emigrated,
                   list(DISTINCT {{'status': e.status, 'country': e.country, 'source': e.source,
                                  'ref': e.ref}}) FILTER (e.status IS NOT NULL) AS why
            FROM (SELECT DISTINCT official_id, person_id, relation FROM kin) k
            LEFT JOIN evidence e USING (official_id, person_id)
            GROUP BY k.official_id, k.person_id
        ),
        per_official AS (
            SELECT official_id,
                   count(*) AS kin,
                   count(*) FILTER (emigrated) AS emigrated,
                   count(*) FILTER (relation = 'spouse') AS spouses,
                   count(*) FILTER (relation = 'spouse' AND emigrated) AS spouses_emigrated,
                   count(*) FILTER (relation = 'child') AS children,
                   count(*) FILTER (relation = 'child' AND emigrated) AS children_emigrated,
                   list({{'person_id': person_id, 'relation': relation, 'evidence': why}}
                        ORDER BY person_id) AS family
            FROM per_person GROUP BY official_id
        )
        SELECT 'naked_official' AS rule, official_id, {config.weights["naked_official"]} AS score,
               to_json({{'variant': '{config.naked_variant}', 'family': family}}) AS evidence
        FROM per_official WHERE {flagged}
    """


def incomplete_family_sql(config: RuleConfig, official: str | None = None) -> str:
    """Relatives the registries name that the latest annual declaration leaves out (a
    declared member counts as listed when resolution puts them in one cluster)."""
    only = f"AND r.official_id = '{_quote(official)}'" if official else ""
    declared = declared_family("SELECT * FROM annual")
    listed = with_mates(f"SELECT * FROM ({declared}) WHERE person_id IS NOT NULL", "person_id")
    return f"""
        WITH annual AS ({latest_annual()}),
        listed AS (
            SELECT official_id, record_id AS person_id FROM ({listed})
        ),
        missing AS (
            SELECT r.official_id, r.person_id, r.relation, r.edge_id, r.dataset,
                   a.declaration_id
            FROM ({registry_family()}) r
            JOIN annual a USING (official_id)
            WHERE NOT EXISTS (
                SELECT 1 FROM listed l
                WHERE l.official_id = r.official_id AND l.person_id = r.person_id
            ) {only}
        )
        SELECT 'incomplete_family' AS rule, official_id,
               {config.weights["incomplete_family"]} * least(count(*), 3) AS score,
               to_json({{'declaration_id': any_value(declaration_id),
                        'missing': list({{'person_id': person_id, 'relation': relation,
                                         'record': edge_id, 'dataset': dataset}}
                                        ORDER BY person_id)}}) AS evidence
        FROM missing GROUP BY official_id
    """


def _holdings(records: str) -> str:
    """(official_id, person_id, relation, holder_record, asset_id, via): every asset the
    records (`_records_of`) own, directly or through up to three companies (`via`
    lists the ownership records)."""
    return f"""
        WITH RECURSIVE holders AS ({records}),
        owns AS (
            SELECT max(value) FILTER (prop = 'owner') AS owner,
                   max(value) FILTER (prop = 'asset') AS asset,
                   entity_id AS edge_id
            FROM statements WHERE schema = 'Ownership' GROUP BY entity_id
        ),
        held(official_id, person_id, relation, holder_record, asset_id, via, depth) AS (
            SELECT r.official_id, r.person_id, r.relation, r.record_id, o.asset,
                   [o.edge_id], 1
            FROM holders r JOIN owns o ON o.owner = r.record_id
            UNION ALL
            SELECT h.official_id, h.person_id, h.relation, h.holder_record, o.asset,
                   list_append(h.via, o.edge_id), h.depth + 1
            FROM held h JOIN owns o ON o.owner = h.asset_id
            WHERE h.depth < 4 AND NOT list_contains(h.via, o.edge_id)
        )
        SELECT DISTINCT ON (official_id, asset_id) * FROM held
        ORDER BY official_id, asset_id, depth
    """


def _assets(held: str) -> str:
    """(asset_id, schema, country, label, amount, currency, match_keys): what each asset
    record among `held` (a relation with ``asset_id``) says, and the texts a declaration
    would use to list it."""
    return f"""
        SELECT entity_id AS asset_id, any_value(schema) AS schema,
               lower(coalesce(max(value) FILTER (prop = 'country'),
                              max(value) FILTER (prop = 'jurisdiction'))) AS country,
               coalesce(max(value) FILTER (prop = 'address'), max(value) FILTER (prop = 'name'),
                        max(value) FILTER (prop = 'accountNumber')) AS label,
               TRY_CAST(max(value) FILTER (prop = 'amount') AS DOUBLE) AS amount,
               upper(max(value) FILTER (prop = 'currency')) AS currency,
               list_distinct(list(
                   regexp_replace(lower(
                       CASE WHEN prop = 'address' THEN split_part(value, ',', 1) ELSE value END
                   ), '[^0-9a-z一-鿿]', '', 'g'))
                   FILTER (prop IN ('address', 'name', 'accountNumber', 'registrationNumber',
                                    'iban', 'id'))) AS match_keys
        FROM statements
        WHERE schema IN ('RealEstate', 'BankAccount', 'Company', 'Security', 'Vehicle',
                         'Organization', 'LegalEntity', 'Asset')
          AND entity_id IN (SELECT asset_id FROM {held})
        GROUP BY entity_id
    """


def _ledger_holdings(holdings: str) -> str:
    """(official_id, person_id, relation, holder_record, asset_id, via): ledger accounts
    held by a record of the official or a relative, or by a company they hold
    (`accounts.holder`): a shell's cash is what its shares are worth."""
    return f"""
        SELECT h.official_id, h.person_id, h.relation, h.holder_record,
               a.account AS asset_id, list_append(h.via, 'accounts:' || a.account) AS via
        FROM ({holdings}) h JOIN accounts a ON a.holder = h.asset_id
    """


def _ledger_assets(config: RuleConfig, held: str) -> str:
    """The ledger's accounts among `held` as assets: country, and balance (money in less
    money out, in yuan) as the amount. Only those accounts' transactions are summed, so
    checking one official does not aggregate the whole ledger."""
    return f"""
        WITH rates AS ({config.rates_sql()}),
        wanted AS (SELECT DISTINCT asset_id AS account FROM {held}),
        moves AS (
            SELECT to_account AS account, amount * r.cny AS cny
            FROM ledger l LEFT JOIN rates r USING (currency)
            WHERE to_account IN (SELECT account FROM wanted)
            UNION ALL
            SELECT from_account, -amount * r.cny FROM ledger l LEFT JOIN rates r USING (currency)
            WHERE from_account IN (SELECT account FROM wanted)
        )
        SELECT a.account AS asset_id, 'BankAccount' AS schema, lower(a.country) AS country,
               coalesce(a.bank || ' ', '') || a.account AS label,
               CAST(sum(m.cny) AS DOUBLE) AS amount, 'CNY' AS currency,
               [regexp_replace(lower(a.account), '[^0-9a-z]', '', 'g')] AS match_keys
        FROM accounts a LEFT JOIN moves m USING (account)
        WHERE (a.kind IN ('person', 'company', 'bank') OR a.kind IS NULL)
          AND a.account IN (SELECT account FROM wanted)
        GROUP BY a.account, a.bank, a.country
    """


def corroborated_records_sql(config: RuleConfig) -> str:
    """(record_id): records linked at `min_link_probability` on evidence a namesake
    would not share (`CORROBORATING_EVIDENCE`), or judged the same as another record by
    an investigator. A finding resting on a record merged by its name alone would put
    a namesake's house or passport in an official's file."""
    pattern = "|".join(re.escape(label) for label in CORROBORATING_EVIDENCE).replace("'", "''")
    return f"""
        WITH linked AS (
            SELECT left_id, right_id FROM resolution_pairs
            WHERE match_probability >= {config.min_link_probability}
              AND regexp_matches(evidence, '{pattern}')
            UNION ALL
            {judged_same_sql()}
        )
        SELECT left_id AS record_id FROM linked UNION SELECT right_id FROM linked
    """


def undeclared_assets_sql(config: RuleConfig, official: str | None = None) -> str:
    """(official_id, person_id, relation, asset_id, schema, country, label, amount,
    currency, via): foreign assets held by the family that no latest declaration of the
    official lists (matched on address, name, account or registration number).

    An asset counts when its holder's record is the relative's own or was linked by
    resolution with at least `min_link_probability` on evidence a namesake would not
    share (a birth date, an identifier, a household's address, the family's money) or
    judged the same by an investigator, not merely by a name; a bank account in the
    country where the holder is declared to live is everyday life unless its balance
    passes `resident_account_floor_cny`.
    """
    return f"""
        WITH records AS ({_records_of(_members(official))}),
        direct AS (
            SELECT * EXCLUDE (depth) FROM ({_holdings("SELECT * FROM records")})
        ),
        owners AS (
            SELECT * FROM direct
            UNION ALL
            SELECT official_id, person_id, relation, record_id, record_id, [] FROM records
        ),
        held AS (
            SELECT * FROM direct
            UNION ALL
            SELECT * FROM ({_ledger_holdings("SELECT * FROM owners")})
        ),
        assets AS (
            SELECT * FROM ({_assets("held")})
            UNION ALL
            SELECT * FROM ({_ledger_assets(config, "held")})
        ),
        strong AS ({corroborated_records_sql(config)}),
        residence AS (
            SELECT DISTINCT official_id, person_id, lower(residence_country) AS country
            FROM ({declared_family(latest_annual())})
            WHERE residence_status <> 'none' AND person_id IS NOT NULL
        ),
        declared AS (
            SELECT official_id,
                   regexp_replace(lower(coalesce(description, '') || ' ' || coalesce(ref, '')),
                                  '[^0-9a-z一-鿿]', '', 'g') AS text
            FROM ({declared_assets(LATEST)})
            WHERE country <> 'cn'
        ),
        foreign_held AS (
            SELECT DISTINCT ON (h.official_id, a.match_keys)
                   h.official_id, h.person_id, h.relation, h.asset_id, a.schema, a.country,
                   a.label, a.amount, a.currency, h.via, a.match_keys
            FROM held h JOIN assets a USING (asset_id)
            WHERE a.country IS NOT NULL AND a.country <> 'cn'
              AND (h.holder_record = h.person_id
                   OR h.holder_record IN (SELECT record_id FROM strong))
              AND NOT (
                  a.schema = 'BankAccount'
                  AND coalesce(a.amount, 0) * (CASE WHEN a.currency = 'CNY' THEN 1 ELSE 0 END)
                      < {config.resident_account_floor_cny}
                  AND EXISTS (SELECT 1 FROM residence r
                              WHERE r.official_id = h.official_id
                                AND r.person_id = h.person_id AND r.country = a.country)
              )
            ORDER BY h.official_id, a.match_keys, a.amount DESC NULLS LAST
        )
        SELECT f.* EXCLUDE (match_keys) FROM foreign_held f
        WHERE NOT EXISTS (
            SELECT 1 FROM declared d, unnest(f.match_keys) AS k(key)
            WHERE d.official_id = f.official_id AND length(k.key) >= 4
              AND contains(d.text, k.key)
        )
    """


def undeclared_foreign_asset_sql(
    config: RuleConfig, official: str | None = None, assets: str | None = None
) -> str:
    """Officials whose family holds undeclared foreign assets; `assets` names a relation
    already holding `undeclared_assets_sql`'s rows (else they are computed here)."""
    assets = assets or f"({undeclared_assets_sql(config, official)})"
    return f"""
        SELECT 'undeclared_foreign_asset' AS rule, official_id,
               {config.weights["undeclared_foreign_asset"]} * least(count(*), 3) AS score,
               to_json({{'assets': list({{'asset_id': asset_id, 'schema': schema,
                                         'country': country, 'label': label,
                                         'amount': amount, 'currency': currency,
                                         'held_by': person_id, 'relation': relation,
                                         'through': via}} ORDER BY asset_id)}}) AS evidence
        FROM {assets} GROUP BY official_id
    """


def unexplained_wealth_sql(
    config: RuleConfig, official: str | None = None, assets: str | None = None
) -> str:
    """Family wealth (assets in the latest annual declaration plus undeclared foreign
    assets found) above `wealth_ratio` times the income declared over all years.

    The evidence also lays the declared acquisitions beside the income year by year
    (cumulative, in yuan), naming the first year they outran it. `assets` as for
    `undeclared_foreign_asset_sql`."""
    only = f"WHERE official_id = '{_quote(official)}'" if official else ""
    assets = assets or f"({undeclared_assets_sql(config, official)})"
    return f"""
        WITH rates AS ({config.rates_sql()}),
        yearly_income AS (
            SELECT official_id, year, sum(i.amount * r.cny) AS cny
            FROM ({declared_income()}) i JOIN rates r USING (currency)
            GROUP BY ALL
        ),
        yearly_assets AS (
            SELECT official_id, year(acquired) AS year, sum(a.value * r.cny) AS cny
            FROM ({declared_assets(latest_annual())}) a JOIN rates r USING (currency)
            WHERE a.acquired IS NOT NULL AND a.value IS NOT NULL
            GROUP BY ALL
        ),
        timeline AS (
            SELECT official_id, year,
                   sum(coalesce(i.cny, 0)) OVER w AS income_cny,
                   sum(coalesce(a.cny, 0)) OVER w AS acquired_cny
            FROM (SELECT official_id, year FROM yearly_income
                  UNION SELECT official_id, year FROM yearly_assets) y
            LEFT JOIN yearly_income i USING (official_id, year)
            LEFT JOIN yearly_assets a USING (official_id, year)
            WINDOW w AS (PARTITION BY official_id ORDER BY year)
        ),
        timelines AS (
            SELECT official_id,
                   list({{'year': year, 'income_cny': round(income_cny, 2),
                          'acquired_cny': round(acquired_cny, 2)}} ORDER BY year) AS by_year,
                   min(year) FILTER (
                       income_cny > 0 AND acquired_cny > {config.wealth_ratio} * income_cny
                   ) AS first_year_over
            FROM timeline GROUP BY official_id
        ),
        income AS (
            SELECT official_id, sum(i.amount * r.cny) AS income_cny,
                   min(year) AS first_year, max(year) AS last_year,
                   count(*) FILTER (r.cny IS NULL) AS unconverted
            FROM ({declared_income()}) i LEFT JOIN rates r USING (currency)
            GROUP BY official_id
        ),
        declared AS (
            SELECT official_id, any_value(declaration_id) AS declaration_id,
                   coalesce(sum(a.value * r.cny), 0) AS declared_cny,
                   count(*) FILTER (a.value IS NOT NULL AND r.cny IS NULL) AS unconverted
            FROM ({declared_assets(latest_annual())}) a LEFT JOIN rates r USING (currency)
            GROUP BY official_id
        ),
        hidden AS (
            SELECT official_id, coalesce(sum(u.amount * r.cny), 0) AS hidden_cny,
                   list(asset_id ORDER BY asset_id) FILTER (u.amount IS NOT NULL) AS hidden_assets
            FROM {assets} u LEFT JOIN rates r USING (currency)
            GROUP BY official_id
        ),
        totals AS (
            SELECT official_id, coalesce(i.income_cny, 0) AS income_cny, i.first_year,
                   i.last_year, d.declaration_id, coalesce(d.declared_cny, 0) AS declared_cny,
                   coalesce(i.unconverted, 0) + coalesce(d.unconverted, 0) AS unconverted,
                   coalesce(h.hidden_cny, 0) AS hidden_cny, h.hidden_assets,
                   t.by_year, t.first_year_over
            FROM (SELECT DISTINCT official_id FROM declarations) o
            LEFT JOIN income i USING (official_id)
            LEFT JOIN declared d USING (official_id)
            LEFT JOIN hidden h USING (official_id)
            LEFT JOIN timelines t USING (official_id)
            {only}
        )
        SELECT 'unexplained_wealth' AS rule, official_id,
               {config.weights["unexplained_wealth"]} AS score,
               to_json({{'wealth_cny': round(declared_cny + hidden_cny, 2),
                        'declared_assets_cny': round(declared_cny, 2),
                        'undeclared_assets_cny': round(hidden_cny, 2),
                        'income_cny': round(income_cny, 2),
                        'income_years': [first_year, last_year],
                        'ratio': round((declared_cny + hidden_cny) / greatest(income_cny, 1), 2),
                        'threshold': {config.wealth_ratio},
                        'amounts_in_currencies_without_a_rate': unconverted,
                        'declaration_id': declaration_id,
                        'undeclared_assets': hidden_assets,
                        'declared_acquisitions_by_year': by_year,
                        'first_year_acquisitions_outran_income': first_year_over}}) AS evidence
        FROM totals
        WHERE declared_cny + hidden_cny > {config.wealth_ratio} * greatest(income_cny, 1)
    """


def red_flags_sql(config: RuleConfig, official: str | None = None) -> str:
    """The red flags the open-data declarations.com.ua project raises on a declaration
    (DOMAIN.md) that its lines show by themselves: foreign real estate, very large cash,
    a luxury vehicle, and property acquired the year before filing with no value given.
    Each flag cites its declaration line."""
    only = f"WHERE official_id = '{_quote(official)}'" if official else ""
    return f"""
        WITH rates AS ({config.rates_sql()}),
        lines AS (
            SELECT a.*, a.value * r.cny AS cny
            FROM ({declared_assets(latest_annual())}) a LEFT JOIN rates r USING (currency)
        ),
        flags AS (
            SELECT official_id, declaration_id, line,
                   CASE WHEN kind = 'real_estate' AND country <> 'cn' THEN 'foreign real estate'
                        WHEN kind = 'cash' AND cny >= {config.large_cash_cny}
                            THEN 'very large cash'
                        WHEN kind = 'vehicle' AND cny >= {config.luxury_vehicle_cny}
                            THEN 'luxury vehicle'
                        WHEN value IS NULL AND year(acquired) >= year(filing_date) - 1
                            THEN 'acquired last year, no value given'
                   END AS flag,
                   description
            FROM lines
        )
        SELECT 'red_flags' AS rule, official_id,
               {config.weights["red_flags"]} * least(count(*), 3) AS score,
               to_json({{'flags': list({{'flag': flag, 'description': description,
                                        'line': declaration_id || '#/assets/' || (line - 1)}}
                                       ORDER BY line)}}) AS evidence
        FROM flags WHERE flag IS NOT NULL {only.replace("WHERE", "AND")}
        GROUP BY official_id
    """


def rule_sql(
    rule: str, config: RuleConfig, official: str | None = None, assets: str | None = None
) -> str:
    """One rule's findings query; `assets` names a relation of undeclared foreign assets
    (`undeclared_assets_sql`) that the two rules reading them share."""
    if rule == "undeclared_foreign_asset":
        return undeclared_foreign_asset_sql(config, official, assets)
    if rule == "unexplained_wealth":
        return unexplained_wealth_sql(config, official, assets)
    builders = {
        "red_flags": red_flags_sql,
        "naked_official": naked_official_sql,
        "incomplete_family": incomplete_family_sql,
    }
    return builders[rule](config, official)
