"""Run a pure function over chunks of a list on every core, in forked processes.

The name engine is Python (about 100 µs a name), so indexing hundreds of thousands of
names is split across processes. Forked workers inherit the loaded name tables (and the
process's string-hash seed) and never re-run the caller's script, as spawned ones would;
they only compute, never touch DuckDB. Where fork is unavailable or a worker dies, the
work runs here instead.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

PARALLEL_FROM = 20_000  # items from which the work is split across processes
MAX_CHUNK = 25_000  # items per chunk at most, so each result stays small to send back


def map_chunks(
    function: Callable[[list[Item]], Result],
    items: Sequence[Item],
    workers: int | None = None,
    parallel_from: int | None = None,
) -> list[tuple[list[Item], Result]]:
    """``function`` applied to consecutive chunks of ``items``: (chunk, result) in order;
    split across processes from ``parallel_from`` items (default `PARALLEL_FROM`)."""
    workers = workers or os.cpu_count() or 1
    if (
        workers > 1
        and len(items) >= (PARALLEL_FROM if parallel_from is None else parallel_from)
        and "fork" in multiprocessing.get_all_start_methods()
    ):
        size = min(-(-len(items) // (workers * 4)), MAX_CHUNK)
        parts = [list(items[i : i + size]) for i in range(0, len(items), size)]
        # Frozen, the caller's objects are never visited by a worker's garbage collector,
        # whose writes to their headers would copy every page of them into each worker.
        # A heap frozen already (a server's settled index, `screen.service.settle_heap`)
        # stays frozen: unfreezing it would bring back the pauses freezing it removed.
        settled = gc.get_freeze_count() > 0
        gc.freeze()
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                return list(zip(parts, pool.map(function, parts), strict=True))
        except (BrokenProcessPool, OSError):
            pass  # a worker could not run: compute here instead
        finally:
            if not settled:
                gc.unfreeze()
    whole = list(items)
    return [(whole, function(whole))]
