"""Scoring only the pairs whose bound reaches the floor loses no pair above it."""

from __future__ import annotations

import itertools
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from splink.internals.misc import prob_to_match_weight

from nohaven.resolve.bounds import comparison_bound_sql, narrow_condition
from nohaven.resolve.engines import pair_bounds_sql, predictions_sql, promising_pairs
from nohaven.resolve.pipeline import REVIEW_FLOOR


def test_narrow_conditions_read_lists_as_present_and_say_when_they_are_exact() -> None:
    assert narrow_condition("list_has_any(a_l, a_r)") == ("(a_l AND a_r)", False)
    assert narrow_condition("x_l = x_r AND y_l IS NULL") == ("x_l = x_r AND y_l IS NULL", True)
    with pytest.raises(ValueError, match="list_intersect"):
        narrow_condition("len(list_intersect(a_l, a_r)) > 0")


def test_a_comparisons_bound_is_never_below_the_weight_its_levels_give() -> None:
    # Two list conditions (inexact once narrowed) around an exact scalar one.
    levels = [
        ("a_l IS NULL OR a_r IS NULL", 0.0),
        ("list_has_any(a_l, a_r)", 5.0),
        ("x_l = x_r", 3.0),
        ("list_has_any(b_l, b_r)", 7.0),
        ("ELSE", -1.0),
    ]
    weight = " ".join(f"ELSE {w}" if c == "ELSE" else f"WHEN {c} THEN {w}" for c, w in levels)
    narrowed = [narrow_condition(c) for c, _ in levels]
    bound = comparison_bound_sql(
        [(c, w, exact) for (c, exact), (_, w) in zip(narrowed, levels, strict=True)]
    )
    lists = [None, [1], [2], [1, 2]]
    rows = list(itertools.product(lists, lists, [1, 2], [1, 2], lists, lists))
    con = duckdb.connect()
    con.execute("CREATE TABLE t (a_l INT[], a_r INT[], x_l INT, x_r INT, b_l INT[], b_r INT[])")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", rows)
    present = ", ".join(
        f"CASE WHEN {c} IS NOT NULL THEN true END AS {c}" for c in ("a_l", "a_r", "b_l", "b_r")
    )
    result = con.execute(f"""
        WITH weighed AS (SELECT *, CASE {weight} END AS weight FROM t)
        SELECT weight, {bound} FROM (SELECT weight, x_l, x_r, {present} FROM weighed)
    """).fetchall()
    assert len(result) == len(rows)
    assert all(upper >= actual for actual, upper in result)
    # The bound is tight where nothing is unknown, and prunes: not every pair may reach 7.
    assert any(upper < 7.0 for _, upper in result)
    assert all(upper == actual for actual, upper in result if actual == 0.0)


@pytest.mark.parametrize("floor", [REVIEW_FLOOR, 0.5])
def test_pairs_left_out_by_their_bound_could_not_reach_the_floor(
    blocked_world: tuple[duckdb.DuckDBPyConnection, Any], floor: float
) -> None:
    con, trained = blocked_world
    bounds = con.sql(pair_bounds_sql(con, trained)).to_arrow_table()
    every = con.sql(predictions_sql(trained, "pairs", None)).to_arrow_table()
    weight = {
        (row["unique_id_l"], row["unique_id_r"]): row["match_weight"] for row in every.to_pylist()
    }
    ids = dict(con.execute("SELECT rid, unique_id FROM person_features").fetchall())
    columns = (bounds[c].to_pylist() for c in ("rid_l", "rid_r", "bound"))
    upper = {(ids[left], ids[right]): b for left, right, b in zip(*columns, strict=True)}
    assert upper.keys() == weight.keys() and len(weight) > 300
    assert all(upper[pair] >= weight[pair] - 1e-9 for pair in weight)

    promising = promising_pairs(con, trained, floor)
    kept = con.sql(predictions_sql(trained, promising, floor)).to_arrow_table()
    above = every.filter(pc.greater_equal(every["match_weight"], prob_to_match_weight(floor)))
    assert _scores(kept) == _scores(above) and kept.num_rows > 0
    left_out = len(weight) - con.execute(f"SELECT count(*) FROM {promising}").fetchall()[0][0]
    assert left_out > 0  # the bound prunes


def _scores(table: pa.Table) -> set[tuple[str, str, float]]:
    return {
        (row["unique_id_l"], row["unique_id_r"], round(row["match_weight"], 9))
        for row in table.to_pylist()
    }
