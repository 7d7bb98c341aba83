"""The screening index of a running server: built once, rebuilt after each load.

The first request waits for the index; later loads are noticed (at most one store
check a second) and the index is rebuilt in a background thread while the old one keeps
answering, so a load never makes screening unavailable. With match workers, each index
gets its own pool of worker processes, forked once it is built (`nohaven.screen.pool`).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import threading
import time
from typing import Any

from nohaven.errors import NohavenError
from nohaven.resolve.addresses import address_key
from nohaven.screen.index import ScreeningIndex, build_index, store_generation
from nohaven.screen.match import Matched, MatchOptions
from nohaven.screen.pool import MatchPool, match_in
from nohaven.screen.query import ScreeningQuery
from nohaven.store.store import Store

ALL_DATASETS = ("default", "all")
CHECK_EVERY = 1.0  # seconds between checks of the store for new loads
# With the default (automatic) number of match workers: an index this large gets one
# worker per core; below it a query takes well under a millisecond in-process, and
# the round trip to a worker would cost more than the core it frees.
POOL_MIN_ENTITIES = 100_000
REFORK_EVERY = 30.0  # seconds at least between forks of a pool that lost a worker

log = logging.getLogger(__name__)


def settle_heap() -> None:
    """Put every object alive now, the index above all, beyond the cyclic garbage
    collector's reach (after collecting once). The large world's index is two million
    Python objects, which each full collection walked for 0.85 s while every request
    waited: at 300 requests/s offered, p95 latency was 264 ms. Objects are still freed
    when their last reference goes; the next settle (after a rebuild) collects cycles
    the old index left."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def match_workers(setting: int | None, index: ScreeningIndex) -> int:
    """How many match worker processes to fork for ``index``: the setting (None: one
    per core for an index of `POOL_MIN_ENTITIES` or more, else none)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0  # workers share the index by forking (not on Windows)
    if setting is not None:
        return setting
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return cores if cores > 1 and index.size >= POOL_MIN_ENTITIES else 0


class UnknownDataset(NohavenError):
    """A dataset name that no load used."""


class ScreeningService:
    """Owns the index for one store, and the match workers forked with it.

    ``workers``: match worker processes (0: match in the server's process; None: one
    per core for an index of `POOL_MIN_ENTITIES` or more, else none).
    """

    def __init__(self, store: Store, workers: int | None = 0) -> None:
        self.store = store
        self.workers = workers
        self._pool: MatchPool | None = None
        self._forked = 0.0
        self._index: ScreeningIndex | None = None
        self._lock = threading.Lock()
        self._rebuilding = False
        self._checked = 0.0
        self._error: str | None = None
        self._threads: list[threading.Thread] = []
        self._datasets: tuple[float, frozenset[str]] | None = None

    def index(self) -> ScreeningIndex:
        """The current index; built now if there is none yet."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._install(build_index(self.store))
                    self._checked = time.monotonic()
            return self._index
        now = time.monotonic()
        if now - self._checked >= CHECK_EVERY and not self._rebuilding:
            self._checked = now
            # The store is read on a thread of its own: the caller may be the event loop.
            self._rebuilding = True
            self._start(self._check)
        return self._index

    def _check(self) -> None:
        """Rebuild the index when the store has changed since it was built; else fork the
        pool again if a worker died."""
        try:
            index = self._index
            if index is not None and store_generation(self.store) != index.generation:
                self._rebuild()
            elif (
                index is not None
                and self._pool is not None
                and self._pool.size < match_workers(self.workers, index)
                and time.monotonic() - self._forked >= REFORK_EVERY
            ):
                # A worker died: fork the pool again from the index being served.
                self._refork()
        except Exception as exc:  # keep serving the old index; readyz reports it
            log.exception("checking the store for a new index failed")
            self._error = str(exc)
        finally:
            self._rebuilding = False

    def _install(self, index: ScreeningIndex) -> None:
        """Serve ``index``: settle the heap, so its workers inherit it frozen, fork them,
        then put both in place of the old index and workers."""
        # rigour loads its address tables (~35 MB, 0.3 s) on first use: load them once
        # here, shared by the workers, not in each worker at its first address query.
        address_key("1 Main Street")
        settle_heap()
        self._error = None
        self._forked = time.monotonic()
        size = match_workers(self.workers, index)
        pool = None
        if size:
            try:
                pool = MatchPool(index, size)
            except Exception as exc:  # no memory or processes to fork: match in-process
                log.exception("forking the match workers failed; matching in-process")
                self._error = f"forking the match workers failed: {exc}"
        old, self._pool = self._pool, pool
        self._index = index
        if old is not None:
            old.retire()

    def _refork(self) -> None:
        try:
            if self._index is not None:
                self._install(self._index)  # a refused fork is reported there
        finally:
            self._rebuilding = False

    def _rebuild(self) -> None:
        try:
            fresh = build_index(self.store)
            with self._lock:
                self._install(fresh)
        except Exception as exc:  # keep serving the old index; readyz reports it
            log.exception("rebuilding the screening index failed")
            self._error = str(exc)
        finally:
            self._rebuilding = False

    def _start(self, target: Any) -> None:
        thread = threading.Thread(target=target, name="screening-index", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def warm(self) -> None:
        """Build the index in the background (at server start)."""
        self._start(self.index)

    async def match(
        self, index: ScreeningIndex, queries: dict[str, ScreeningQuery], options: MatchOptions
    ) -> Matched:
        """Match a batch against ``index``, in the workers when they hold it."""
        return await match_in(self._pool, index, queries, options)

    def close(self) -> None:
        """Wait for a build under way, so the store is not closed beneath it; stop the
        match workers."""
        for thread in self._threads:
            thread.join()
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def ready_index(self) -> ScreeningIndex | None:
        """The current index without waiting for a first build (None until there is one)."""
        return self.index() if self._index is not None else None

    def _known_datasets(self) -> frozenset[str]:
        """Loaded dataset names, read again at most once a second."""
        now = time.monotonic()
        if self._datasets is None or now - self._datasets[0] >= CHECK_EVERY:
            with self.store.reader() as reader:
                self._datasets = (now, frozenset(reader.datasets()))
        return self._datasets[1]

    def datasets(self, name: str) -> frozenset[str] | None:
        """The datasets a path's `{dataset}` stands for: None for all of them."""
        if name in ALL_DATASETS:
            return None
        known = self._known_datasets()
        if name not in known:
            raise UnknownDataset(
                f"unknown dataset {name!r}; loaded: {', '.join(sorted(known)) or 'none'} "
                f"(or {' / '.join(ALL_DATASETS)} for all)"
            )
        return frozenset({name})

    def status(self) -> dict[str, Any]:
        index = self._index
        return {
            "indexed_entities": index.size if index else 0,
            "index_seconds": round(index.built_seconds, 2) if index else None,
            "rebuilding": self._rebuilding,
            "match_workers": self._pool.size if self._pool is not None else 0,
            "error": self._error,
        }
