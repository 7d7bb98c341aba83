"""Reads of personal data by the screening API, written to the hash-chained audit log in
batches: `/match` answers hundreds of requests a second, and a transaction per request
would cost more than the match. Entries are written every half second and when the
server stops; a read is logged before its answer has been read by the client more
often than not, and at most the last half second of reads is lost if the process is
killed (reads, never writes: every write is logged in its own transaction)."""

from __future__ import annotations

import threading
from typing import Any

from nohaven.store import Store

FLUSH_SECONDS = 0.5


class ReadLog:
    """A queue of (actor, action, object, payload) entries and the thread that writes them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._pending: list[tuple[str, str, str, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="nohaven-read-log", daemon=True)
        self._thread.start()

    def add(self, actor: str, action: str, obj: str, payload: dict[str, Any]) -> None:
        with self._lock:
            self._pending.append((actor, action, obj, payload))

    def flush(self) -> int:
        """Write what is queued, in one transaction; returns how many entries."""
        from nohaven.cases import audit

        with self._lock:
            pending, self._pending = self._pending, []
        if pending:
            with self.store.transaction():
                audit.append_many(self.store, pending)
        return len(pending)

    def _run(self) -> None:
        while not self._stop.wait(FLUSH_SECONDS):
            self.flush()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.flush()
