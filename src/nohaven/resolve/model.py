"""The probabilistic model: Splink comparisons over the matching features, trained
without labels (EM), scoring the candidate pairs the blocking produced.

Comparison levels are written once per SQL dialect (DuckDB, Spark) so the two engines
score identically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from nohaven.resolve.addresses import HOUSEHOLD, MAX_SHARERS
from nohaven.resolve.blocking import COMMON_KEY
from nohaven.resolve.features import KEY_SIZE_SHIFT

Dialect = Literal["duckdb", "spark"]

# A shared key held by at most this many records is "rare"; by at most COMMON_KEY, common.
RARE_KEY = 4
# How often one person's two records carry different Han names (variant characters and
# simplified/traditional forms are folded before): a typo, a changed name. EM, trained on
# pairs born the same day, put two thirds of its "match" class here.
DIFFERENT_HAN_M = 0.02

# Name levels that say "the same name, as written or as read in one system": the evidence
# on which a record with nothing else to go on may join a cluster (cluster.attach_...).
SAME_NAME_LEVELS = (
    "same name, unique",
    "same name, rare",
    "same name",
    "same spelling or reading, unique",
    "same spelling or reading, rare",
    "same spelling or reading",
)
# A pair's evidence line whose name level is one of those (RE2 and Python alike).
SAME_NAME_EVIDENCE = (
    "^name: (?:" + "|".join(re.escape(label) for label in SAME_NAME_LEVELS) + ")(?:; |$)"
)
# Evidence against a pair that keeps a lone record from joining its name's cluster: the
# name is all that would place it, and this says the name is someone else's. Two identity
# cards of one shape with different numbers do; two passports do not (they are renewed).
CARD_DIFFERS = "same kind of identity card, different number"
CONTRADICTING_LEVELS = ("gender: different", "address: different", f"identifiers: {CARD_DIFFERS}")
CONTRADICTING_EVIDENCE = (
    "(?:^|; )(?:" + "|".join(re.escape(level) for level in CONTRADICTING_LEVELS) + ")(?:; |$)"
)


# Evidence that corroborates a name: what a namesake would not also have. A finding that
# names an official's family rests on links with one of these, not on a name alone.
CORROBORATING_EVIDENCE = (
    "birth_date: same date",
    "identifiers: shared",
    "address: same address, no other holder",
    "address: same address, household",
    "family: paid for the other's property",
    "family: a relative named among the associates",
    "family: a relative named among the counterparties",
)


@dataclass(frozen=True)
class _Sql:
    """The few SQL functions whose names differ between the dialects."""

    intersect: str
    has_any: str
    contains: str
    minimum: str
    size: str
    month: str
    day: str
    year: str

    def shared(self, column: str) -> str:
        return f"{self.intersect}({column}_l, {column}_r)"

    def min_shared_below(self, column: str, size: int) -> str:
        """The rarest key both records hold is held by at most `size` records."""
        bound = (size + 1) * KEY_SIZE_SHIFT
        return (
            f"{self.size}({self.shared(column)}) > 0 "
            f"AND {self.minimum}({self.shared(column)}) < {bound}"
        )


_DIALECTS: dict[str, _Sql] = {
    "duckdb": _Sql(
        "list_intersect", "list_has_any", "list_contains", "list_min", "len", "month", "day", "year"
    ),
    "spark": _Sql(
        "array_intersect",
        "arrays_overlap",
        "array_contains",
        "array_min",
        "size",
        "month",
        "dayofmonth",
        "year",
    ),
}


def _level(
    sql: str,
    label: str,
    *,
    null: bool = False,
    fixed_m: float | None = None,
    fixed_u: float | None = None,
) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if fixed_m is not None:
        level["m_probability"] = fixed_m
        level["fix_m_probability"] = True
    if fixed_u is not None:
        level["u_probability"] = fixed_u
        level["fix_u_probability"] = True
    return level


def _null(column: str) -> str:
    return f"{column}_l IS NULL OR {column}_r IS NULL"


def _any_same(s: _Sql, value: str, several: str) -> str:
    """Two records agree on `value` or, where one gives several (`several`, a list that
    is NULL otherwise), on any of them."""
    return (
        f"{value}_l = {value}_r OR {s.has_any}({several}_l, {several}_r) "
        f"OR {s.contains}({several}_l, {value}_r) OR {s.contains}({several}_r, {value}_l)"
    )


def _agreement(column: str, agree_sql: str, agree: str, disagree: str) -> dict[str, Any]:
    """A comparison with three levels: missing on either side, agreeing, not agreeing."""
    return {
        "output_column_name": column,
        "comparison_levels": [
            _level(_null(column), "missing", null=True),
            _level(agree_sql, agree),
            _level("ELSE", disagree),
        ],
    }


def person_comparisons(dialect: Dialect, partial_dates: float = 0.0) -> list[dict[str, Any]]:
    """Name, birth date, gender, nationality and identifier comparisons for people.

    `partial_dates` is the share of pairs of dated records in which one date gives
    only the year (or year and month) (`partial_date_share`)."""
    s = _DIALECTS[dialect]
    name = {
        "output_column_name": "name",
        "comparison_description": "cross-script name keys (nohaven.names)",
        "comparison_levels": [
            _level(
                "(sound_keys_l IS NULL AND spelling_keys_l IS NULL) "
                "OR (sound_keys_r IS NULL AND spelling_keys_r IS NULL)",
                "no usable name",
                null=True,
            ),
            # However rare a name, a namesake is likelier than for a key: literally the
            # same name is what namesakes share. How much likelier, EM learns per level.
            _level(s.min_shared_below("norm_keys", 2), "same name, unique"),
            _level(s.min_shared_below("norm_keys", RARE_KEY), "same name, rare"),
            _level(f"{s.has_any}(norm_keys_l, norm_keys_r)", "same name"),
            # Two names in Han characters that differ are two names, however alike
            # their romanisations (王美妮 and 王眉利 are both "Mei Lei" in Hong Kong).
            _level(
                "han_names_l IS NOT NULL AND han_names_r IS NOT NULL",
                "different Han characters",
                fixed_m=DIFFERENT_HAN_M,
            ),
            _level(s.min_shared_below("exact_keys", 2), "same spelling or reading, unique"),
            _level(s.min_shared_below("exact_keys", RARE_KEY), "same spelling or reading, rare"),
            _level(s.min_shared_below("exact_keys", COMMON_KEY), "same spelling or reading"),
            _level(f"{s.size}({s.shared('exact_keys')}) > 0", "same reading, common name"),
            _level(s.min_shared_below("sound_keys", 2), "same sound, unique"),
            _level(s.min_shared_below("sound_keys", RARE_KEY), "same sound, rare"),
            _level(f"{s.size}({s.shared('sound_keys')}) > 0", "same sound"),
            _level(f"{s.size}({s.shared('spelling_keys')}) > 0", "same letters, spacing or typo"),
            _level(f"{s.has_any}(heads_l, heads_r)", "same family name only"),
            _level("ELSE", "different"),
        ],
    }
    # How often one person's birth date reads alike in two records is known from record
    # keeping, not from the data at hand: EM, which must learn it from pairs blocked on
    # the name, mistakes namesakes for matches and learns that dates may differ freely.
    # Random pairs (u) fall into the levels in proportion to how precise their dates
    # are, so m must too: the full-date levels hold the pairs of two full dates, and the
    # year-only level the rest, where one person's year agrees 97 times in 100. The
    # bounds keep every m above zero, where no date lacks its day or where none has one.
    partial = min(max(partial_dates, 1e-6), 1.0 - 1e-6)
    full = 1.0 - partial
    birth = {
        "output_column_name": "birth_date",
        "comparison_levels": [
            _level(_null("birth_year"), "missing", null=True),
            # Any of the dates or years each record gives: lists name alternatives.
            _level(_any_same(s, "birth_date", "birth_dates"), "same date", fixed_m=0.9 * full),
            _level(
                f"{s.year}(birth_date_l) = {s.year}(birth_date_r) "
                f"AND {s.month}(birth_date_l) = {s.day}(birth_date_r) "
                f"AND {s.day}(birth_date_l) = {s.month}(birth_date_r)",
                "day and month swapped",
                fixed_m=0.02 * full,
            ),
            _level(
                f"{s.year}(birth_date_l) = {s.year}(birth_date_r) "
                f"AND ({s.month}(birth_date_l) = {s.month}(birth_date_r) "
                f"OR {s.day}(birth_date_l) = {s.day}(birth_date_r))",
                "same year, one of day or month",
                fixed_m=0.04 * full,
            ),
            _level(
                "(birth_date_l IS NULL OR birth_date_r IS NULL) "
                f"AND ({_any_same(s, 'birth_year', 'birth_years')})",
                "same year, no day on one side",
                fixed_m=0.97 * partial,
            ),
            _level(_any_same(s, "birth_year", "birth_years"), "same year", fixed_m=0.01 * full),
            _level("ELSE", "different", fixed_m=0.03),
        ],
    }
    # A person's gender is recorded wrongly about once in fifty records; EM, left to
    # itself, learnt that matches differ in gender 40% of the time.
    gender = {
        "output_column_name": "gender",
        "comparison_levels": [
            _level(_null("gender"), "missing", null=True),
            _level("gender_l = gender_r", "same", fixed_m=0.98),
            _level("ELSE", "different", fixed_m=0.02),
        ],
    }
    nationality = _agreement(
        "nationalities", f"{s.has_any}(nationalities_l, nationalities_r)", "shared", "none shared"
    )
    # A passport number and a Hong Kong identity card number cannot disagree: only two
    # numbers of one kind that differ count against a match, and two identity cards (kept
    # for life) far more than two passports (renewed every ten years).
    identifiers = {
        "output_column_name": "identifiers",
        "comparison_levels": [
            _level(_null("identifiers"), "missing", null=True),
            _level(f"{s.has_any}(identifiers_l, identifiers_r)", "shared"),
            # Set, not learnt: in a synthetic world the level is never one person, and EM
            # would make it absolute; in real records a keying error or another card filed
            # as "idNumber" (one in two hundred, say) still has to be outweighed.
            _level(f"{s.has_any}(card_kinds_l, card_kinds_r)", CARD_DIFFERS, fixed_m=0.005),
            _level(
                f"{s.has_any}(identifier_kinds_l, identifier_kinds_r)",
                "same kind, different number",
            ),
            _level("ELSE", "different kinds"),
        ],
    }
    address = _address(
        _null("address_keys"),
        [s.min_shared_below("address_keys", size) for size in ADDRESS_LEVEL_SIZES],
    )
    # Registries rarely list one person twice; two records from one dataset are weaker
    # evidence than the same name in two countries' records. EM learns by how much.
    dataset = _agreement("dataset", "dataset_l = dataset_r", "same dataset", "different datasets")
    paid = (
        f"coalesce({s.contains}(associate_ids_l, unique_id_r), false) "
        f"OR coalesce({s.contains}(associate_ids_r, unique_id_l), false)"
    )
    fed = (
        f"coalesce({s.has_any}(relative_keys_l, counterparty_keys_r), false) "
        f"OR coalesce({s.has_any}(counterparty_keys_l, relative_keys_r), false)"
    )
    family = _family(s, paid, fed)
    return [name, birth, gender, nationality, identifiers, address, dataset, family]


def _family(s: _Sql, paid: str, fed: str) -> dict[str, Any]:
    """The family comparison, given the conditions that one record paid for the other's
    property (`paid`) and that a relative of one is among the other's counterparties
    (`fed`): over the records' lists for Splink, over `pair_context` for scoring."""
    # Context levels EM cannot estimate (its pairs are born the same day; deeds and
    # account holders carry no birth date) have set parameters:
    # - the account that paid for a house and the house's titled owner: random pairs
    #   cannot see it either (a few dozen such ties among billions of pairs), so its
    #   Bayes factor is set at 10,000, enough for a shared sound or reading to merge,
    #   not a family name alone (a parent paying for a child's house);
    # - a relative of one record named among the people paying or paid by the other's
    #   accounts (the official feeding a same-named account abroad): m 0.1 and u 0.0008
    #   (the rate among random pairs with any context on the medium world), a Bayes
    #   factor of 125, so an exact reading with no birth date merges (on the medium
    #   world's truth such pairs are 39 true to 3 false) and a shared sound does not.
    #   When nobody among the counterparties is a relative, the level is "nothing to
    #   compare": money between strangers says nothing either way.
    return {
        "output_column_name": "family",
        "comparison_description": "one record paid for the other's property, or a relative "
        "of one is named among the other's co-directors, co-owners, co-parties or "
        "counterparties",
        "comparison_levels": [
            _level(
                "(relative_keys_l IS NULL OR associate_keys_r IS NULL) "
                "AND (associate_keys_l IS NULL OR relative_keys_r IS NULL) "
                f"AND NOT ({paid}) AND NOT ({fed})",
                "no family or associates to compare",
                null=True,
            ),
            _level(paid, "paid for the other's property", fixed_m=0.1, fixed_u=1e-5),
            _level(
                f"{s.has_any}(relative_keys_l, associate_keys_r) "
                f"OR {s.has_any}(associate_keys_l, relative_keys_r)",
                "a relative named among the associates",
            ),
            _level(fed, "a relative named among the counterparties", fixed_m=0.1, fixed_u=0.0008),
            _level("ELSE", "no relative among the associates"),
        ],
    }


ADDRESS_LEVELS = (
    "same address, no other holder",
    "same address, household",
    "same address, few holders",
)
# The most records that hold the rarest shared address key at each of those levels.
ADDRESS_LEVEL_SIZES = (2, HOUSEHOLD, MAX_SHARERS)


def _address(missing: str, shared: list[str]) -> dict[str, Any]:
    """The address comparison, given the condition that either record has no address
    key and the conditions for sharing one held by at most `ADDRESS_LEVEL_SIZES`
    records (addresses.py). Its u is counted from the keys, not sampled
    (engines.estimate_u); m is learnt by EM like a name's."""
    # A shared address is a household's as much as a person's: it cannot overturn names
    # that differ (a spouse, a child), only back names that agree.
    return {
        "output_column_name": "address",
        "comparison_description": "an address both records hold (rigour's fingerprint), "
        "by how many records hold it",
        "comparison_levels": [
            _level(missing, "missing", null=True),
            *(_level(c, label) for c, label in zip(shared, ADDRESS_LEVELS, strict=True)),
            _level("ELSE", "different"),
        ],
    }


def pair_address_levels() -> dict[str, str]:
    """The address comparison's levels, label → DuckDB condition, over a blocked pair
    joined to ``pair_context`` (column address_min: how many records hold the rarest
    address key both hold)."""
    comparison = _address(
        "has_address_l IS NULL OR has_address_r IS NULL",
        [f"address_min <= {size}" for size in ADDRESS_LEVEL_SIZES],
    )
    return {
        level["label_for_charts"]: level["sql_condition"]
        for level in comparison["comparison_levels"]
    }


def pair_family_levels() -> dict[str, str]:
    """The family comparison's levels, label → DuckDB condition, over a blocked pair
    joined to ``pair_context`` (columns paid and fed)."""
    s = _DIALECTS["duckdb"]
    return {
        level["label_for_charts"]: level["sql_condition"]
        for level in _family(s, "paid", "fed")["comparison_levels"]
    }


def pair_name_levels() -> dict[str, str]:
    """The name comparison's levels, label → DuckDB condition, over a blocked pair.

    Splink trains on records (`person_comparisons`: list intersections of each record's
    keys); scoring every blocked pair that way costs several list intersections a pair,
    so the pairs are scored from what blocking already found they share: the size of
    the rarest shared normalised name, exact and sound key (``norm_min``,
    ``exact_min``, ``sound_min``) and whether a spelling key is shared, plus the few
    common keys blocking left out. The two forms
    agree level for level (tests/resolve/test_resolve_scoring.py).
    """
    s = _DIALECTS["duckdb"]

    def rarest(column: str, size: int) -> str:
        return f"{column} <= {size}"

    return {
        "no usable name": "NOT has_name_keys_l OR NOT has_name_keys_r",
        "same name, unique": rarest("norm_min", 2),
        "same name, rare": rarest("norm_min", RARE_KEY),
        "same name": f"norm_min IS NOT NULL OR {s.has_any}(common_norm_l, common_norm_r)",
        "different Han characters": "han_names_l IS NOT NULL AND han_names_r IS NOT NULL",
        "same spelling or reading, unique": rarest("exact_min", 2),
        "same spelling or reading, rare": rarest("exact_min", RARE_KEY),
        "same spelling or reading": rarest("exact_min", COMMON_KEY),
        "same reading, common name": "exact_min IS NOT NULL "
        f"OR {s.has_any}(common_exact_l, common_exact_r)",
        "same sound, unique": rarest("sound_min", 2),
        "same sound, rare": rarest("sound_min", RARE_KEY),
        "same sound": f"sound_min IS NOT NULL OR {s.has_any}(common_sound_l, common_sound_r)",
        "same letters, spacing or typo": "coalesce(spelling_shared, false) "
        f"OR {s.has_any}(common_spelling_l, common_spelling_r)",
        "same family name only": f"{s.has_any}(heads_l, heads_r)",
        "different": "ELSE",
    }


def partial_dates_in(con: Any, records: str) -> float:
    """`partial_date_share` of a table of records (``birth_date``, ``birth_year``)."""
    dated, partial = con.execute(
        f"SELECT count(birth_year), count(birth_year) - count(birth_date) FROM {records}"
    ).fetchall()[0]
    return partial_date_share(dated, partial)


def partial_date_share(dated: int, partial: int) -> float:
    """The share of pairs of dated records in which at least one date has no day, from
    how many records are dated and how many of those give only a year or month."""
    if dated <= 0:
        return 0.0
    full = 1.0 - partial / dated
    return 1.0 - full * full


def person_settings(dialect: Dialect, records: int, partial_dates: float = 0.0) -> dict[str, Any]:
    """Splink settings for deduplicating people (pairs come from nohaven's blocking);
    `partial_dates` as `person_comparisons` takes it."""
    # Prior: about one true match per record among all pairs, refined by EM.
    pairs = max(1, records * (records - 1) // 2)
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": person_comparisons(dialect, partial_dates),
        "blocking_rules_to_generate_predictions": [],
        "probability_two_random_records_match": min(0.5, max(records, 1) / pairs),
        "retain_matching_columns": False,
        # Per-comparison match weights come back, so each pair's evidence can be named.
        "retain_intermediate_calculation_columns": True,
        "max_iterations": 20,
    }
