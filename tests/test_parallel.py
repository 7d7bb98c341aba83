"""map_chunks: results in order across processes, and the caller's heap left as found."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

from nohaven.parallel import map_chunks


def _pids(chunk: list[int]) -> tuple[list[int], int]:
    return [n * n for n in chunk], os.getpid()


@pytest.fixture
def unfrozen_heap() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen_heap")
def test_chunks_come_back_in_order_from_other_processes() -> None:
    found = map_chunks(_pids, list(range(100)), workers=2, parallel_from=2)
    assert [n for _, (squares, _) in found for n in squares] == [n * n for n in range(100)]
    assert {pid for _, (_, pid) in found} - {os.getpid()}  # computed in forked workers
    assert gc.get_freeze_count() == 0  # what it froze for the fork, it thawed


@pytest.mark.usefixtures("unfrozen_heap")
def test_a_settled_heap_stays_frozen() -> None:
    """A server keeps its index frozen out of the collector (`settle_heap`); a rebuild's
    workers must not thaw it, or every full collection walks the index again."""
    gc.freeze()
    frozen = gc.get_freeze_count()
    map_chunks(_pids, list(range(100)), workers=2, parallel_from=2)
    assert gc.get_freeze_count() >= frozen > 0
