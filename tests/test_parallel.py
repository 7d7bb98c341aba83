"""map_chunks: results in order across processes, workers that leave the caller's
objects alone, and the caller's collector left as found."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

from nohaven.parallel import map_chunks


def _squares(chunk: list[int]) -> tuple[list[int], int, int]:
    """The chunk squared, the process that did it and how many objects it had frozen."""
    return [n * n for n in chunk], os.getpid(), gc.get_freeze_count()


@pytest.fixture
def unfrozen_heap() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen_heap")
def test_chunks_come_back_in_order_from_workers_that_froze_what_they_inherited() -> None:
    found = map_chunks(_squares, list(range(100)), workers=2, parallel_from=2)
    assert len(found) > 1
    assert [n for _, (squares, _, _) in found for n in squares] == [n * n for n in range(100)]
    assert all(pid != os.getpid() for _, (_, pid, _) in found)  # computed in forked workers
    # Frozen, the inherited objects are never walked by a worker's collector, whose
    # writes to their headers would copy their pages into the worker.
    assert all(frozen > 0 for _, (_, _, frozen) in found)
    assert gc.get_freeze_count() == 0  # the caller's own collector is untouched


@pytest.mark.usefixtures("unfrozen_heap")
def test_a_settled_heap_stays_frozen() -> None:
    """A server keeps its index frozen out of the collector (`settle_heap`); a rebuild's
    workers must not thaw it, or every full collection walks the index again."""
    settled = ["an object of the settled heap"]
    gc.freeze()
    assert not any(o is settled for o in gc.get_objects())  # frozen: out of the collector's lists
    map_chunks(_squares, list(range(100)), workers=2, parallel_from=2)
    assert not any(o is settled for o in gc.get_objects())
