"""Matching in worker processes forked with the index, so /match uses every core.

One Python process runs on one core: matching in the server's own process topped out
near 400 requests/s on the large world while the second core idled. Workers forked
after an index build share its memory copy-on-write (the index is frozen beyond the
garbage collector, whose walks would copy it); each answers batches over its own pipe,
and the server's event loop reads the answers as they arrive, with no thread between.
A worker that dies fails its batches with `WorkerLost`, which the service answers
in-process: a request is never lost with a worker.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import resource
import signal
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from nohaven.screen.index import ScreeningIndex
from nohaven.screen.match import Matched, MatchOptions, match_batch
from nohaven.screen.query import ScreeningQuery

# Batches sent to a worker before it answers: one being matched, one waiting in the
# pipe, so a worker never idles while the event loop gets round to it. The rest wait
# in the server, to go to whichever worker answers first.
IN_FLIGHT = 2
# A batch larger than this goes only to an idle worker, which reads it at once: the
# server's send never blocks on a pipe whose worker is busy (and may itself be blocked
# sending a large answer the server is not reading: both would wait for ever).
SMALL_BATCH = 32 * 1024

log = logging.getLogger(__name__)
MAX_FD = min(resource.getrlimit(resource.RLIMIT_NOFILE)[0], 1 << 20)

Batch = tuple[dict[str, ScreeningQuery], MatchOptions]


class WorkerLost(RuntimeError):
    """A worker could not answer a batch (it died, or the batch failed there)."""


def _serve(index: ScreeningIndex, conn: Connection) -> None:
    """A worker's life: answer batches in order until the server closes the pipe."""
    # Everything the server had open at the fork (clients' connections, the listening
    # socket, other workers' pipes) is closed here, or this copy would keep a connection
    # the server closes from ever ending, and another worker from seeing its pipe end.
    os.closerange(3, conn.fileno())
    os.closerange(conn.fileno() + 1, MAX_FD)
    # Ctrl-C reaches the whole process group; the server stops and closes the pipe.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            queries, options = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, object] = ("ok", match_batch(index, queries, options))
        except Exception as exc:  # the server matches the batch itself, and reports it
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except OSError:
            return


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    pending: deque[asyncio.Future[Matched]] = field(default_factory=deque)
    alive: bool = True
    reaper: threading.Thread | None = None  # waits for the process once its pipe closes


class MatchPool:
    """`size` worker processes holding one index; `match` gives a batch to the least busy.

    Built in any thread; used from one event loop (the first that calls `match`).
    """

    def __init__(self, index: ScreeningIndex, size: int) -> None:
        self.generation = index.generation
        self.answered = 0  # batches the workers answered
        self._workers: list[_Worker] = []
        self._waiting: deque[tuple[bytes, asyncio.Future[Matched]]] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._retiring = False
        self._lock = threading.Lock()
        context = multiprocessing.get_context("fork")
        try:
            for number in range(size):
                server_end, worker_end = context.Pipe()
                process = context.Process(
                    target=_serve,
                    args=(index, worker_end),
                    name=f"nohaven-match-{number}",
                    daemon=True,
                )
                try:
                    process.start()
                finally:
                    worker_end.close()
                self._workers.append(_Worker(process, server_end))
        except BaseException:  # a fork refused (no memory, a process limit): none half-made
            self.close()
            raise

    @property
    def size(self) -> int:
        """Workers still alive."""
        return sum(worker.alive for worker in self._workers)

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self._workers if w.alive and w.process.pid is not None]

    async def match(self, queries: dict[str, ScreeningQuery], options: MatchOptions) -> Matched:
        """The batch's results, matched in a worker; `WorkerLost` if none could."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._loop is None and not self._retiring:
                self._loop = loop
                for worker in self._workers:
                    if worker.alive:
                        loop.add_reader(worker.conn.fileno(), self._answered, worker)
        if self._loop is not loop or self._retiring:
            raise WorkerLost("the match workers belong to another event loop or are retiring")
        future: asyncio.Future[Matched] = loop.create_future()
        batch: Batch = (queries, options)
        self._waiting.append((pickle.dumps(batch, pickle.HIGHEST_PROTOCOL), future))
        self._next()
        return await future

    def _send(self, data: bytes, future: asyncio.Future[Matched]) -> bool:
        """Send a batch to the least busy worker with room for it; False if none has."""
        while True:
            room = [
                w
                for w in self._workers
                if w.alive
                and (not w.pending or (len(w.pending) < IN_FLIGHT and len(data) <= SMALL_BATCH))
            ]
            if not room:
                return False
            worker = min(room, key=lambda w: len(w.pending))
            try:
                worker.conn.send_bytes(data)
            except OSError:
                self._drop(worker)
                continue
            worker.pending.append(future)
            return True

    def _next(self) -> None:
        """Send waiting batches, in order, while workers have room; shut down when retired."""
        while self._waiting:
            data, future = self._waiting[0]
            if future.done():  # cancelled: its client has gone
                self._waiting.popleft()
                continue
            if not self._send(data, future):
                break
            self._waiting.popleft()
        if not any(w.alive for w in self._workers):
            self._fail_waiting("every match worker has died")
        if self._retiring and not self._waiting and not any(w.pending for w in self._workers):
            self._shutdown()

    def _answered(self, worker: _Worker) -> None:
        """A worker's answer is ready to read (called by the event loop)."""
        try:
            status, value = worker.conn.recv()
        except Exception:  # EOF (it died), or an answer cut short: its batches go back
            self._drop(worker)
            self._next()
            return
        future = worker.pending.popleft()
        self.answered += 1
        if not future.done():
            if status == "ok":
                future.set_result(value)
            else:
                future.set_exception(WorkerLost(str(value)))
        self._next()

    def _drop(self, worker: _Worker) -> None:
        """A worker that stopped: its batches fail with `WorkerLost`."""
        if not worker.alive:
            return
        log.warning(
            "match worker %s stopped; its batches are matched in-process", worker.process.pid
        )
        self._close_worker(worker)
        self._fail(worker.pending, f"match worker {worker.process.pid} stopped")
        worker.pending.clear()

    def _fail(self, futures: Iterable[asyncio.Future[Matched]], reason: str) -> None:
        loop = self._loop
        for future in futures:
            if not future.done() and loop is not None and not loop.is_closed():
                future.set_exception(WorkerLost(reason))

    def _fail_waiting(self, reason: str) -> None:
        self._fail((future for _, future in self._waiting), reason)
        self._waiting.clear()

    def _close_worker(self, worker: _Worker, reap: bool = True) -> None:
        worker.alive = False
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(worker.conn.fileno())
        worker.conn.close()  # the worker reads the end of its pipe and exits
        if reap:
            # ...and is waited for, or it would stay a zombie until the next fork.
            reaper = threading.Thread(target=worker.process.join, daemon=True)
            try:
                reaper.start()
            except RuntimeError:  # no thread to spare: the next fork reaps it instead
                return
            worker.reaper = reaper

    def _shutdown(self) -> None:
        for worker in self._workers:
            if worker.alive:
                self._close_worker(worker)

    def retire(self) -> None:
        """Stop taking batches; the workers exit once those sent are answered.

        Safe from any thread: with a loop, the loop does it.
        """
        with self._lock:
            self._retiring = True
            loop = self._loop
        if loop is None or loop.is_closed():
            self._shutdown()
        else:
            loop.call_soon_threadsafe(self._next)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the workers now (at server shut-down, from the event loop or after it);
        batches not yet answered fail with `WorkerLost`, to be matched in-process."""
        self._retiring = True
        for worker in self._workers:
            self._fail(worker.pending, "the match workers were stopped")
            worker.pending.clear()
            if worker.alive:
                self._close_worker(worker, reap=False)
        self._fail_waiting("the match workers were stopped")
        for worker in self._workers:
            # One waiter per process: a second one's wait would fail and report a
            # process already gone as alive.
            if worker.reaper is not None:
                worker.reaper.join(timeout)
            else:
                worker.process.join(timeout)
            if worker.process.exitcode is None:
                worker.process.terminate()
                worker.process.join(timeout)


async def match_in(
    pool: MatchPool | None,
    index: ScreeningIndex,
    queries: dict[str, ScreeningQuery],
    options: MatchOptions,
) -> Matched:
    """A batch matched against ``index``: in ``pool``'s workers when they hold it,
    otherwise (no pool, a pool of another index, a worker lost) in this process."""
    if pool is not None and pool.generation == index.generation:
        try:
            return await pool.match(queries, options)
        except WorkerLost as exc:
            log.warning("matched in-process instead: %s", exc)
    return match_batch(index, queries, options)
