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
        try:
            context = multiprocessing.get_context("fork")
            # Each worker first freezes what it inherits (a constant-time move of the
            # collector's lists): its collector then never writes into the headers of the
            # caller's objects, which would copy every page of them into the worker. The
            # caller's own collector state (a server's settled heap) is left as it is.
            with ProcessPoolExecutor(
                max_workers=workers, mp_context=context, initializer=gc.freeze
            ) as pool:
                return list(zip(parts, pool.map(function, parts), strict=True))
        except (BrokenProcessPool, OSError):
            pass  # a worker could not run: compute here instead
    whole = list(items)
    return [(whole, function(whole))]
