"""The postings table finds exactly the rows that hold each key hash."""

from __future__ import annotations

import numpy as np
import pytest

from nohaven.screen import index
from nohaven.screen.index import Postings

ROW_BITS = 12


def _table(pairs: list[tuple[int, int]]) -> Postings:
    mask = (1 << (63 - ROW_BITS)) - 1
    packed = np.array(sorted({((h & mask) << ROW_BITS) | row for h, row in pairs}), np.int64)
    return Postings.from_packed(packed, ROW_BITS)


@pytest.mark.parametrize("slice_size", [index._SLICE, 7])
def test_lookup_matches_a_plain_mapping(monkeypatch: pytest.MonkeyPatch, slice_size: int) -> None:
    monkeypatch.setattr(index, "_SLICE", slice_size)  # built a slice at a time or at once
    rng = np.random.default_rng(7)
    # Python's string hashes are signed 64-bit: negative ones must be found too.
    hashes = rng.integers(-(2**63), 2**63 - 1, size=3_000, dtype=np.int64).tolist()
    pairs = [(h, int(r)) for h in hashes for r in rng.integers(0, 4_000, size=rng.integers(1, 6))]
    pairs += [(hashes[0], r) for r in range(2_000)]  # a key most entities hold
    expected: dict[int, set[int]] = {}
    for h, row in pairs:
        expected.setdefault(h, set()).add(row)
    table = _table(pairs)
    assert table.widest >= 1
    absent = rng.integers(-(2**63), 2**63 - 1, size=500, dtype=np.int64).tolist()
    asked = hashes[:1_000] + absent + hashes[:3]  # repeats keep their place
    found = table.lookup(asked)
    assert len(found) == len(asked)
    for h, rows in zip(asked, found, strict=True):
        assert rows.dtype == np.int32
        assert sorted(rows.tolist()) == sorted(expected.get(h, ()))
    assert sum(r.size for r in table.lookup(hashes)) == table.rows.size


def test_empty_table_and_empty_lookup() -> None:
    table = _table([])
    assert [r.size for r in table.lookup([1, -5])] == [0, 0]
    assert _table([(42, 1)]).lookup([]) == []
    assert _table([(42, 1)]).lookup([42])[0].tolist() == [1]
