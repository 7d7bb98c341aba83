"""`distinct`: np.unique's sorted distinct values, by sorting."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from nohaven.arrays import distinct


@given(st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=200))
def test_distinct_is_numpys_unique(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    result = distinct(array)
    assert result.dtype == np.int64
    assert np.array_equal(result, np.unique(array))


def test_distinct_keeps_the_input_unchanged() -> None:
    array = np.array([3, 1, 3, 2], dtype=np.int32)
    assert distinct(array).tolist() == [1, 2, 3]
    assert array.tolist() == [3, 1, 3, 2]


def test_distinct_in_place_sorts_the_input_itself() -> None:
    array = np.array([3, 1, 3, 2], dtype=np.int64)
    assert distinct(array, in_place=True).tolist() == [1, 2, 3]
    assert array.tolist() == [1, 2, 3, 3]
