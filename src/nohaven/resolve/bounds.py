"""Which blocked pairs can reach the review floor, before the full comparison is run.

Most blocked pairs share only a common sound of a name and nothing else, and score far
below the floor at which a pair is kept. Scoring a pair joins both records' features,
lists included, which on a million records is most of the scoring time. This module
bounds each pair's match weight from narrow per-record columns (scalars as they are,
each list only as present or absent) and the pair's blocking evidence, so the full
comparison runs only on pairs whose bound reaches the floor. The bound is derived from
the model's own level conditions, so the pairs kept, and their scores, are exactly those
of scoring every pair.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# A condition on two records' lists, read from the narrow columns as "both present":
# true whenever the condition is, but not only then.
_LIST_TEST = re.compile(r"list_has_any\((\w+), (\w+)\)")
# A list holding a scalar, read as "the list and the scalar present".
_MEMBER_TEST = re.compile(r"list_contains\((\w+), (\w+)\)")
_UNSUPPORTED = ("list_intersect", "list_min", "list_contains", "len(")


def narrow_condition(condition: str) -> tuple[str, bool]:
    """A level's condition over the narrow columns, where a list column holds true when
    the list is present and NULL when not, and whether it is still exact.

    ``list_has_any(a, b)`` becomes ``(a AND b)`` and ``list_contains(a, x)`` becomes
    ``(a AND x IS NOT NULL)``, necessary conditions; other list functions have no narrow
    form and are refused rather than guessed.
    """
    narrowed, replaced = _LIST_TEST.subn(r"(\1 AND \2)", condition)
    narrowed, members = _MEMBER_TEST.subn(r"(\1 AND \2 IS NOT NULL)", narrowed)
    replaced += members
    for function in _UNSUPPORTED:
        if function in narrowed:
            raise ValueError(f"no narrow form for {function} in level condition {condition!r}")
    return narrowed, replaced == 0


def comparison_bound_sql(levels: Sequence[tuple[str, float, bool]]) -> str:
    """The largest match weight a comparison can give a pair, from its levels in order as
    (condition over the narrow columns, match weight, exact).

    The level taken is the first whose condition holds. When an exact condition holds,
    the level is that one or an earlier inexact one that may hold; the bound is the
    largest of their weights. ``ELSE`` is exact and always holds.
    """
    maybe: list[str] = []
    branches: list[str] = []
    for condition, weight, exact in levels:
        if not exact:
            maybe.append(f"CASE WHEN {condition} THEN {weight!r} END")
            continue
        value = f"greatest({weight!r}, {', '.join(maybe)})" if maybe else repr(weight)
        if condition == "ELSE":
            branches.append(f"ELSE {value}")
            break
        branches.append(f"WHEN {condition} THEN {value}")
    else:
        raise ValueError("a comparison's last level must be ELSE")
    return f"CASE {' '.join(branches)} END"


def pair_bound_sql(linker: Any, conditions: Mapping[str, Mapping[str, str]]) -> str:
    """SQL for a pair's match-weight bound: the prior plus each comparison's bound.

    `conditions` are the pair-form level conditions (comparison → label → condition) as
    `engines.comparison_vectors_sql` scores them; the SQL reads them over the narrow
    columns.
    """
    from splink.internals.misc import prob_to_match_weight

    settings = linker._settings_obj  # no public accessor in Splink 5
    parts = [repr(prob_to_match_weight(settings._probability_two_random_records_match))]
    for comparison in settings.comparisons:
        levels = []
        for level in comparison.comparison_levels:
            condition = conditions[comparison.output_column_name][level.label_for_charts]
            narrowed, exact = narrow_condition(condition)
            weight = 0.0 if level.is_null_level else float(level._match_weight)
            levels.append((narrowed, weight, exact))
        parts.append(comparison_bound_sql(levels))
    return " + ".join(parts)
