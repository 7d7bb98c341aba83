"""Run a tracing rule over a prepared ledger and keep the result as arrays."""

from __future__ import annotations

import mmap
import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc

from nohaven.arrays import distinct
from nohaven.errors import NohavenError
from nohaven.trace import kernels
from nohaven.trace.ledger import ORDER_TEXT, TraceLedger


class Rule(StrEnum):
    """The tracing rules courts accept (DOMAIN.md)."""

    LIBR = "libr"
    FIFO = "fifo"
    PRORATA = "prorata"


RULE_TEXT = {
    Rule.LIBR: (
        "lowest intermediate balance: the holder's own money is spent first; traced money "
        "never exceeds the lowest balance since it arrived, and later deposits do not refill "
        "it (Re Hallett's Estate; Roscoe v Winder). Where several sources share an account, "
        "a shortfall is borne by them in proportion"
    ),
    Rule.FIFO: "first in, first out: the oldest money leaves first (Clayton's Case)",
    Rule.PRORATA: (
        "rolling charge: each debit is shared by all interests in the account in proportion "
        "to their size just before it"
    ),
}
_KERNEL_RULE = {Rule.LIBR: kernels.LIBR, Rule.FIFO: kernels.FIFO, Rule.PRORATA: kernels.PRORATA}


class TransferRows:
    """What each transfer carried, by origin: (position, origin, cents) rows in ledger
    order. Kept in memory up to a limit, then spilled to a compressed Arrow file, so a
    trace whose detail runs to hundreds of millions of rows stays within memory."""

    SCHEMA = pa.schema([("position", pa.int64()), ("origin", pa.int32()), ("cents", pa.int64())])

    def __init__(self, spill_rows: int) -> None:
        self.spill_rows = spill_rows
        self._parts: list[pa.RecordBatch] = []
        self._held = 0
        self.rows = 0
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._writer: pa.ipc.RecordBatchFileWriter | None = None
        self._path: Path | None = None

    def append(self, position: np.ndarray, origin: np.ndarray, cents: np.ndarray) -> None:
        if len(position) == 0:
            return
        self.rows += len(position)
        if self._writer is None and self._held + len(position) <= self.spill_rows:
            # Copied: the caller reuses its buffers for the next stretch.
            parts = [position.copy(), origin.astype(np.int32), cents.copy()]
            self._parts.append(pa.record_batch(parts, schema=self.SCHEMA))
            self._held += len(position)
            return
        batch = pa.record_batch([position, origin.astype(np.int32), cents], schema=self.SCHEMA)
        if self._writer is None:
            self._dir = tempfile.TemporaryDirectory(prefix="nohaven-trace-")
            self._path = Path(self._dir.name) / "transfers.arrow"
            options = pa.ipc.IpcWriteOptions(compression="lz4")
            self._writer = pa.ipc.new_file(self._path, self.SCHEMA, options=options)
            for part in self._parts:
                self._writer.write_batch(part)
            self._parts = []
        self._writer.write_batch(batch)

    def finish(self) -> None:
        if self._writer is not None:
            self._writer.close()

    @property
    def spilled(self) -> bool:
        return self._path is not None

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The rows in ledger order, a batch at a time."""
        if self._path is None:
            yield from self._parts
            return
        with pa.memory_map(str(self._path)) as source:
            reader = pa.ipc.open_file(source)
            for index in range(reader.num_record_batches):
                yield reader.get_batch(index)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All rows as three arrays (for traces small enough to hold whole)."""
        batches = list(self.batches())
        if not batches:
            return (np.empty(0, np.int64), np.empty(0, np.int32), np.empty(0, np.int64))
        table = pa.Table.from_batches(batches, schema=self.SCHEMA)
        return tuple(table[c].to_numpy() for c in ("position", "origin", "cents"))  # type: ignore[return-value]

    def at(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Only the rows of the given transfers."""
        wanted = pa.array(distinct(positions))
        kept = [b.filter(pc.is_in(b["position"], value_set=wanted)) for b in self.batches()]
        if not kept:
            return (np.empty(0, np.int64), np.empty(0, np.int32), np.empty(0, np.int64))
        table = pa.Table.from_batches(kept, schema=self.SCHEMA)
        return tuple(table[c].to_numpy() for c in ("position", "origin", "cents"))  # type: ignore[return-value]

    def close(self) -> None:
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


@dataclass
class HoldingsPart:
    """One partition's traced money per account: account ``a`` holds
    ``origin[start[a]:start[a] + length[a]]`` (ascending) with the matching ``cents``."""

    start: np.ndarray
    length: np.ndarray
    origin: np.ndarray
    cents: np.ndarray


@dataclass
class Holdings:
    """Traced money per account, by origin, over the partitions of the origins (each a
    contiguous range, so an account's entries read in partition order are sorted)."""

    parts: list[HoldingsPart]

    @property
    def size(self) -> int:
        return sum(len(part.origin) for part in self.parts)

    def of(self, account: int) -> tuple[np.ndarray, np.ndarray]:
        origins, cents = [], []
        for part in self.parts:
            lo = int(part.start[account])
            hi = lo + int(part.length[account])
            origins.append(part.origin[lo:hi])
            cents.append(part.cents[lo:hi])
        if len(self.parts) == 1:
            return origins[0], cents[0]
        return np.concatenate(origins), np.concatenate(cents)

    def totals(self, n_origins: int) -> np.ndarray:
        """Cents held per origin."""
        out = np.zeros(n_origins, dtype=np.int64)
        for part in self.parts:
            out += kernels.origin_totals(part.origin, part.cents, n_origins)
        return out

    def by_account(self, n_accounts: int) -> np.ndarray:
        """Cents of traced money each account holds, all origins together (vectorised:
        pro rata leaves a little in tens of thousands of accounts)."""
        out = np.zeros(n_accounts, dtype=np.int64)
        for part in self.parts:
            holders = np.flatnonzero(part.length > 0)
            lengths = part.length[holders].astype(np.int64)
            if not len(holders):
                continue
            offsets = np.cumsum(lengths) - lengths
            index = np.repeat(part.start[holders].astype(np.int64) - offsets, lengths)
            index += np.arange(int(lengths.sum()), dtype=np.int64)
            np.add.at(out, np.repeat(holders, lengths), part.cents[index].astype(np.int64))
        return out

    def rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(account, origin, cents) rows, by account then origin (for small results)."""
        accounts, origins, cents = [], [], []
        for part in self.parts:
            holders = np.flatnonzero(part.length > 0)
            accounts.append(np.repeat(holders, part.length[holders]))
            index = (
                np.concatenate(
                    [np.arange(part.start[a], part.start[a] + part.length[a]) for a in holders]
                )
                if len(holders)
                else np.empty(0, dtype=np.int64)
            )
            origins.append(part.origin[index].astype(np.int64))
            cents.append(part.cents[index])
        account = np.concatenate(accounts)
        origin = np.concatenate(origins)
        order = np.lexsort((origin, account))
        return account[order], origin[order], np.concatenate(cents)[order]


@dataclass
class TraceResult:
    """What one rule found: per account and per transfer, traced cents by origin."""

    rule: Rule
    ledger: TraceLedger
    origins: list[str]  # source account or transaction id per origin index
    balance: np.ndarray  # final balance per account index
    holdings: Holdings  # traced money each account holds at the end, by origin
    transfers: TransferRows
    carried: np.ndarray  # traced cents carried per ledger position
    step_positions: np.ndarray
    step_values: np.ndarray  # payer balance, payer traced, payee balance, payee traced
    gap_rows: tuple[np.ndarray, np.ndarray, np.ndarray]  # position, account, cents
    injected: np.ndarray  # cents of traced money each origin put into the ledger
    source_accounts: list[int] = field(default_factory=list)
    scheduled: bool = True  # whether step_positions and step_values were kept

    @property
    def order_text(self) -> str:
        return ORDER_TEXT[self.ledger.order]

    @property
    def transfer_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.transfers.arrays()

    @property
    def account_rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.holdings.rows()

    def held(self) -> np.ndarray:
        """Cents of traced money held at the end, per origin."""
        return self.holdings.totals(len(self.origins))


class _Reservation:
    """The origin-list pool as anonymous memory reserved up front (half the machine's
    RAM, as address space): pages cost memory only once written, so the pool grows
    without the copy (and the moment of double size) that growing an array needs, and
    pages freed by compaction are handed back to the system."""

    def __init__(
        self, origin_type: type, reserve: bool = True, initial: int = 1 << 16, shares: int = 1
    ) -> None:
        per_entry = np.dtype(origin_type).itemsize + 8
        try:
            ram = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            ram = 8 << 30
        self.entries = int(min(ram // 2 // shares // per_entry, 1 << 31))
        flags = getattr(mmap, "MAP_PRIVATE", 0) | getattr(mmap, "MAP_ANONYMOUS", 0)
        flags |= getattr(mmap, "MAP_NORESERVE", 0)
        try:
            if not reserve:
                raise ValueError("no reservation asked for")
            self._maps = [
                mmap.mmap(-1, self.entries * np.dtype(origin_type).itemsize, flags=flags),
                mmap.mmap(-1, self.entries * 8, flags=flags),
            ]
        except (OSError, ValueError, TypeError):
            # No reservation (a small address space): ordinary arrays, grown by copying.
            self._maps = []
            self.origin = np.empty(initial, dtype=origin_type)
            self.amount = np.empty(initial, dtype=np.int64)
            return
        self.origin = np.frombuffer(self._maps[0], dtype=origin_type)
        self.amount = np.frombuffer(self._maps[1], dtype=np.int64)

    def release(self, current: np.ndarray, used: int, limit: int) -> None:
        """Give back the pages between ``used`` and ``limit`` entries (if the kernel is
        still on this reservation and the system can)."""
        if not self._maps or not hasattr(mmap, "MADV_DONTNEED"):
            return
        # The kernel hands back a new array object over the same memory, or a copy if it
        # outgrew the reservation: compare where the data lives.
        if current.ctypes.data != self.origin.ctypes.data:
            return
        page = mmap.PAGESIZE
        for mapped, itemsize in ((self._maps[0], self.origin.itemsize), (self._maps[1], 8)):
            lo = -(-used * itemsize // page) * page
            hi = min(limit * itemsize, len(mapped)) // page * page
            if hi > lo:
                mapped.madvise(mmap.MADV_DONTNEED, lo, hi - lo)


@dataclass(frozen=True)
class Buffers:
    """Sizes of the kernel's working memory (rows). The defaults suit ledgers of tens of
    millions of transactions; tests shrink them to exercise every refill and move."""

    pool: int = 1 << 22  # initial size of the shared pool of per-account origin lists
    transfers: int = 1 << 22  # transfer detail rows per stretch
    steps: int = 1 << 20
    gaps: int = 1 << 16
    spill: int = 1 << 24  # transfer detail rows kept in memory before spilling
    reserve: bool = True  # reserve address space for the pool (else grow it by copying)
    partitions: int | None = None  # threads splitting the origins (None: one per core)
    rebalances: int = 7  # times two partitions stop to even out their origins' work


def run_trace(
    ledger: TraceLedger,
    rule: Rule,
    *,
    source_accounts: list[str] = (),  # type: ignore[assignment]
    source_txs: list[str] = (),  # type: ignore[assignment]
    opening: np.ndarray | None = None,
    detail: bool | np.ndarray = True,
    schedule: bool = True,
    buffers: Buffers | None = None,
) -> TraceResult:
    """Trace all money leaving the source accounts and the source transactions.

    ``detail`` says which transfers' traced money is kept by origin: all (True), none
    but the totals (False), or those marked in a boolean array over ledger positions
    (purchases of property, say). Totals per transfer are always kept. ``schedule``
    keeps the balances after every transfer that touched traced money (the tracing
    schedule's rows).

    Under pro rata the origins are split between the machine's cores (or into
    ``buffers.partitions``), each thread walking the whole ledger for its origins; the
    answer is the same to the cent.
    """
    if not source_accounts and not source_txs:
        raise NohavenError("give at least one --source-account or --source-tx")
    buffers = buffers or Buffers()
    accounts = list(dict.fromkeys(source_accounts))
    txs = list(dict.fromkeys(source_txs))
    index = ledger.indices_of(accounts)
    missing = [a for a in accounts if a not in index]
    if missing:
        raise NohavenError(f"source account {missing[0]!r} does not appear in the ledger")
    positions = ledger.positions_of(txs)
    absent = [t for t in txs if t not in positions]
    if absent:
        raise NohavenError(f"source transaction {absent[0]!r} is not in the ledger")
    n_accounts = len(ledger.accounts)
    n_origins = len(accounts) + len(txs)
    account_origin = np.full(n_accounts, -1, dtype=np.int32)
    for i, name in enumerate(accounts):
        account_origin[index[name]] = i
    tx_origin = np.full(ledger.size, -1, dtype=np.int32)
    for j, tx in enumerate(txs):
        tx_origin[positions[tx]] = len(accounts) + j
    if isinstance(detail, np.ndarray):
        watch = detail.astype(np.bool_)
    else:
        watch = np.full(ledger.size if detail else 0, True, dtype=np.bool_)
    start_money = (
        opening.astype(np.int64) if opening is not None else np.zeros(n_accounts, dtype=np.int64)
    )
    parts = buffers.partitions
    if parts is None:
        # Worth it for pro rata only, where per-origin work dwarfs the per-account sums
        # each partition repeats (1.3x on two cores for the large world; LIBR is slower
        # split). FIFO queues mix origins in time order and cannot be split; whole
        # detail stays in one thread so it comes out in ledger order.
        split = rule == Rule.PRORATA and detail is not True and ledger.size >= 100_000
        parts = (os.cpu_count() or 1) if split else 1
    parts = max(1, min(parts, n_origins, 1 if rule == Rule.FIFO else parts))
    # Origins fit 16 bits for up to 32,766 sources: a sixth less memory per entry.
    origin_type = np.int16 if n_origins < 32_767 else np.int32
    shared = _Shared(
        rule=rule,
        ledger=ledger,
        tx_origin=tx_origin,
        account_origin=account_origin,
        origin_part=_split(n_origins, parts),
        watch=watch,
        schedule=schedule,
        carried=np.zeros(ledger.size, dtype=np.int64),
        injected=np.zeros(n_origins, dtype=np.int64),
        buffers=buffers,
        origin_type=origin_type,
    )
    partitions = [_Partition(shared, p, parts, start_money) for p in range(parts)]
    if parts == 1:
        partitions[0].run()
    else:
        # Which origins will spread furthest is unknowable in advance (one hub source
        # costs more than hundreds of others), so two partitions stop now and then, at
        # the same transaction, and move the boundary between them to even out the
        # accounts their origins are held in. Rounding is cumulative in origin order
        # and the partitions stay contiguous ranges of it: the cents do not change.
        stops: list[int] = []
        barrier = None
        if parts == 2 and buffers.rebalances > 0:
            n = buffers.rebalances + 1
            stops = sorted({ledger.size * k // n for k in range(1, n)} - {0, ledger.size})
            barrier = threading.Barrier(2, action=lambda: _rebalance(partitions, shared))

        def run(part: _Partition) -> None:
            try:
                part.run(stops, barrier)
            except BaseException:
                if barrier is not None:
                    barrier.abort()  # the other thread stops waiting and fails too
                raise

        # The kernel releases the GIL: the threads run on separate cores.
        with ThreadPoolExecutor(max_workers=parts) as pool:
            list(pool.map(run, partitions))
    lead = partitions[0]
    return TraceResult(
        rule=rule,
        ledger=ledger,
        origins=accounts + txs,
        balance=lead.balance,
        holdings=Holdings([part.holdings(n_origins) for part in partitions]),
        transfers=_merged_transfers([part.transfers for part in partitions], buffers.spill),
        carried=shared.carried,
        step_positions=np.concatenate([s[0] for s in lead.steps]),
        step_values=np.concatenate([s[1] for s in lead.steps]),
        gap_rows=tuple(np.concatenate([g[k] for g in lead.gaps]) for k in range(3)),  # type: ignore[arg-type]
        injected=shared.injected,
        source_accounts=[index[a] for a in accounts],
        scheduled=schedule,
    )


@dataclass
class _Shared:
    """What every partition of a trace reads (and the figures they write apart)."""

    rule: Rule
    ledger: TraceLedger
    tx_origin: np.ndarray
    account_origin: np.ndarray
    origin_part: np.ndarray
    watch: np.ndarray
    schedule: bool
    carried: np.ndarray  # written by partition 0
    injected: np.ndarray  # each partition writes its own origins
    buffers: Buffers
    origin_type: type


class _Partition:
    """One thread's share of a trace: every account's sums, its origins' lists."""

    def __init__(self, shared: _Shared, index: int, parts: int, opening: np.ndarray) -> None:
        self.shared = shared
        self.index = index
        n_accounts = len(opening)
        self.balance = opening.copy()
        self.own = opening.copy()
        self.traced = np.zeros((parts, n_accounts), dtype=np.int64)
        self.queued = np.zeros(n_accounts, dtype=np.bool_)
        self.start = np.zeros(n_accounts, dtype=np.int64)
        self.length = np.zeros(n_accounts, dtype=np.int64)
        self.cap = np.zeros(n_accounts, dtype=np.int64)
        self.head = np.zeros(n_accounts, dtype=np.int64)
        buffers = shared.buffers
        self.reservation = _Reservation(shared.origin_type, buffers.reserve, buffers.pool, parts)
        self.pool_origin, self.pool_amount = self.reservation.origin, self.reservation.amount
        self.used = 0
        self.pool_state = np.array([min(buffers.pool, len(self.pool_origin)), 0], dtype=np.int64)
        self.transfers = TransferRows(buffers.spill)
        self.steps: list[tuple[np.ndarray, np.ndarray]] = []
        self.gaps: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def run(self, stops: Sequence[int] = (), barrier: threading.Barrier | None = None) -> None:
        """Walk the whole ledger in stretches, emptying the output buffers between them,
        and meeting the other partition at each of ``stops``."""
        size = self.shared.ledger.size
        position = 0
        for stop in [*stops, size]:
            self._walk(position, stop, self.shared.buffers.transfers)
            position = stop
            if barrier is not None and stop < size:
                barrier.wait()
        self.transfers.finish()

    def _walk(self, position: int, stop: int, out_rows: int) -> None:
        """Transactions ``position`` to ``stop``, in stretches."""
        shared = self.shared
        ledger = shared.ledger
        buffers = shared.buffers
        out_tx = np.empty(out_rows, dtype=np.int64)
        out_origin = np.empty(out_rows, dtype=shared.origin_type)
        out_amount = np.empty(out_rows, dtype=np.int64)
        step_rows = buffers.steps if shared.schedule and self.index == 0 else 0
        step_tx = np.empty(step_rows, dtype=np.int64)
        step_vals = np.empty((step_rows, 4), dtype=np.int64)
        gap_tx = np.empty(buffers.gaps, dtype=np.int64)
        gap_account = np.empty(buffers.gaps, dtype=np.int64)
        gap_amount = np.empty(buffers.gaps, dtype=np.int64)
        while position < stop:
            reached, self.pool_origin, self.pool_amount, self.used, n_out, n_steps, n_gaps = (
                kernels.trace_chunk(
                    _KERNEL_RULE[shared.rule],
                    ledger.src,
                    ledger.dst,
                    ledger.cents,
                    shared.tx_origin,
                    shared.account_origin,
                    shared.origin_part,
                    self.index,
                    shared.watch,
                    shared.schedule and self.index == 0,
                    self.balance,
                    self.own,
                    self.traced,
                    self.queued,
                    self.start,
                    self.length,
                    self.cap,
                    self.head,
                    self.pool_origin,
                    self.pool_amount,
                    self.used,
                    self.pool_state,
                    position,
                    stop,
                    out_tx,
                    out_origin,
                    out_amount,
                    step_tx,
                    step_vals,
                    gap_tx,
                    gap_account,
                    gap_amount,
                    shared.carried,
                    shared.injected,
                )
            )
            if self.pool_state[1]:
                self.pool_state[1] = 0
                self.reservation.release(self.pool_origin, self.used, int(self.pool_state[0]))
            # The buffers are copied out (or written to the spill file) and reused, so a
            # long ledger does not keep faulting in fresh memory.
            rows = (out_tx[:n_out], out_origin[:n_out], out_amount[:n_out])
            # Only a FIFO parcel can hold two lots of one origin; the others are unique.
            self.transfers.append(*(_summed(*rows) if shared.rule == Rule.FIFO else rows))
            self.steps.append((step_tx[:n_steps].copy(), step_vals[:n_steps].copy()))
            self.gaps.append(
                (gap_tx[:n_gaps].copy(), gap_account[:n_gaps].copy(), gap_amount[:n_gaps].copy())
            )
            if reached == position and n_out == 0 and n_steps == 0 and n_gaps == 0:
                out_rows *= 2  # one transfer carries more pieces than the buffer holds
                out_tx = np.empty(out_rows, dtype=np.int64)
                out_origin = np.empty(out_rows, dtype=shared.origin_type)
                out_amount = np.empty(out_rows, dtype=np.int64)
            position = reached

    def holdings(self, n_origins: int) -> HoldingsPart:
        """What this partition's accounts hold at the end (call once, after run)."""
        if self.shared.rule == Rule.FIFO:
            return HoldingsPart(
                *kernels.fifo_holdings(
                    self.traced[0],
                    self.start,
                    self.length,
                    self.head,
                    self.pool_origin,
                    self.pool_amount,
                    n_origins,
                )
            )
        # The pool already holds exactly the traced money, sorted per account: compacted
        # in place it is the result, with no copy of what can be a hundred million rows.
        limit = int(self.pool_state[0])
        used = kernels.compact(
            self.start, self.length, self.cap, self.head, self.pool_origin, self.pool_amount, 0
        )
        self.reservation.release(self.pool_origin, used, limit)
        return HoldingsPart(
            self.start, self.length, self.pool_origin[:used], self.pool_amount[:used]
        )


def _rebalance(partitions: list[_Partition], shared: _Shared) -> None:
    """Move the boundary between two partitions so that each holds origins held in about
    as many accounts (what the rest of the walk will cost); runs while both wait."""
    lo, hi = partitions
    n_origins = len(shared.injected)
    mass = kernels.origin_mass(lo.start, lo.length, lo.pool_origin, n_origins)
    mass += kernels.origin_mass(hi.start, hi.length, hi.pool_origin, n_origins)
    cumulative = np.cumsum(mass)
    total = int(cumulative[-1]) if n_origins else 0
    if total == 0 or n_origins < 2:
        return
    current = int(np.searchsorted(shared.origin_part, 1))  # first origin of `hi`
    # `lo` takes origins [0, boundary): the boundary whose larger side is smallest.
    lower = cumulative[:-1]
    boundary = int(np.argmin(np.maximum(lower, total - lower))) + 1
    before = int(cumulative[current - 1]) if current > 0 else 0
    if abs(int(cumulative[boundary - 1]) - before) * 20 < total:
        return  # within 5%: not worth a pass over every list
    (lo.pool_origin, lo.pool_amount, lo.used, hi.pool_origin, hi.pool_amount, hi.used) = (
        kernels.move_origins(
            boundary,
            boundary < current,
            0,
            lo.start,
            lo.length,
            lo.cap,
            lo.head,
            lo.pool_origin,
            lo.pool_amount,
            lo.used,
            lo.pool_state,
            hi.start,
            hi.length,
            hi.cap,
            hi.head,
            hi.pool_origin,
            hi.pool_amount,
            hi.used,
            hi.pool_state,
            lo.traced,
            hi.traced,
        )
    )
    shared.origin_part[:boundary] = 0
    shared.origin_part[boundary:] = 1
    for part in partitions:
        if part.pool_state[1]:
            part.pool_state[1] = 0
            part.reservation.release(part.pool_origin, part.used, int(part.pool_state[0]))


def _split(n_origins: int, parts: int) -> np.ndarray:
    """The partition of each origin: contiguous ranges of about equal size (the rounding
    order is the origins' order, so a partition cannot pick and choose)."""
    return (np.arange(n_origins, dtype=np.int64) * parts // n_origins).astype(np.int32)


def _merged_transfers(parts: list[TransferRows], spill: int) -> TransferRows:
    """One partition's rows as they are; several partitions' rows in ledger order."""
    if len(parts) == 1:
        return parts[0]
    arrays = [part.arrays() for part in parts]
    for part in parts:
        part.close()
    position = np.concatenate([a[0] for a in arrays])
    origin = np.concatenate([a[1] for a in arrays])
    cents = np.concatenate([a[2] for a in arrays])
    order = np.lexsort((origin, position))
    merged = TransferRows(spill)
    merged.append(position[order], origin[order], cents[order])
    merged.finish()
    return merged


def _summed(
    key: np.ndarray, origin: np.ndarray, cents: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per (key, origin), ordered by both: a FIFO parcel may hold several lots
    of one origin."""
    if len(key) == 0:
        return key.astype(np.int64), origin.astype(np.int32), cents
    width = int(origin.max()) + 1
    combined = key.astype(np.int64) * width + origin
    unique, inverse = np.unique(combined, return_inverse=True)
    total = np.zeros(len(unique), dtype=np.int64)
    np.add.at(total, inverse, cents)
    return unique // width, (unique % width).astype(np.int32), total
