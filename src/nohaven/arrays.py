"""Small NumPy helpers that hot paths share."""

from __future__ import annotations

import numpy as np


def distinct(values: np.ndarray, in_place: bool = False) -> np.ndarray:
    """The distinct values of a 1-D array, sorted: `np.unique(values)`, by sorting
    (`in_place`: sorting `values` itself, where a copy would cost too much memory).

    NumPy 2.4's `np.unique` without counts or indices hashes the values instead, which
    on ten million random 64-bit integers took 11.5 s where a sort took 0.14 s (and 105
    s against 1.7 s on the screening index's 60 million postings)."""
    if in_place:
        values.sort()
        ordered = values
    else:
        ordered = np.sort(values, axis=None)
    if ordered.size < 2:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]
