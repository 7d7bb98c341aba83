"""The tracing state machines, compiled with Numba.

Tracing is inherently sequential: each transaction's traced content depends on the
state of the paying account, which depends on every earlier transaction. So one
compiled pass walks the ledger in order, keeping per account its balance, its own
(untraced) money and the traced money by origin, all in integer cents.

Per-account origin lists live in one shared pool (segments that move and double when
full, compacted when the pool runs out), so memory follows the traced money, not
accounts x origins. Accounts that hold no traced money take the fast path: a balance
update and nothing else.

Conventions shared with the reference implementation in the tests:
- proportional shares (pro rata, and LIBR's split of a shortfall between origins) are
  rounded cumulatively in origin order (own money is origin -1, first of all): exact
  sums, each share within a cent, no sorting;
- a debit larger than the balance first tops the account up with own money from an
  unrecorded source (a gap, reported when the account holds traced money);
- every debit from a source account is new traced money of that origin; a source
  transaction carries what the rule says, and its untraced part becomes traced under
  the transaction's id (money already traced keeps its origin).
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

LIBR = 0
FIFO = 1
PRORATA = 2
OWN = -1  # the origin of money that is not traced

_FAST_PRODUCT = 9.0e18


# How far ahead the walk asks the CPU to fetch what a transaction will touch: the
# accounts' fields six transactions ahead, their origin lists (whose place those fields
# give) two ahead. Each account's list sits at a random place in a pool of gigabytes, so
# without this the walk mostly waits for memory (pro rata: 42 -> 33 s on one thread).
_FIELDS_AHEAD = 6
_LISTS_AHEAD = 2
_PREFETCH_ENTRIES = 128


def _prefetch_codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
    array_type = signature.args[0]
    array = context.make_array(array_type)(context, builder, args[0])
    indices = [
        context.cast(builder, value, kind, types.intp)
        for value, kind in zip(args[1:], signature.args[1:], strict=True)
    ]
    pointer = cgutils.get_item_pointer(
        context, builder, array_type, array, indices, wraparound=False
    )
    int32, byte_pointer = ir.IntType(32), ir.IntType(8).as_pointer()
    function = cgutils.get_or_insert_function(
        builder.module,
        ir.FunctionType(ir.VoidType(), [byte_pointer, int32, int32, int32]),
        "llvm.prefetch.p0",
    )
    # A read (0), kept in every cache level (3), of data (1).
    flags = [ir.Constant(int32, value) for value in (0, 3, 1)]
    builder.call(function, [builder.bitcast(pointer, byte_pointer), *flags])
    return context.get_dummy_value()


@intrinsic
def _prefetch(typingctx, array, index):  # type: ignore[no-untyped-def]
    """Ask the CPU to bring ``array[index]`` into cache (a hint: never faults)."""
    return types.void(array, index), _prefetch_codegen


@intrinsic
def _prefetch_2d(typingctx, array, row, column):  # type: ignore[no-untyped-def]
    """``_prefetch`` for ``array[row, column]``."""
    return types.void(array, row, column), _prefetch_codegen


@njit(cache=True, inline="always")
def _prefetch_list(
    account: int,
    start: np.ndarray,
    length: np.ndarray,
    head: np.ndarray,
    p_origin: np.ndarray,
    p_amount: np.ndarray,
) -> None:
    """The first cache lines of an account's origin list (the CPU's own prefetcher
    follows a walk further; many steps touch only the front: a FIFO queue, a payee
    found by binary search, LIBR's own money)."""
    s = start[account] + head[account]
    k = min(length[account], _PREFETCH_ENTRIES)
    for j in range(0, k, 64 // p_amount.itemsize):
        _prefetch(p_amount, s + j)
    for j in range(0, k, 64 // p_origin.itemsize):
        _prefetch(p_origin, s + j)


@njit(cache=True, inline="always")
def _prefetch_fields(
    account: int,
    balance: np.ndarray,
    own: np.ndarray,
    traced: np.ndarray,
    queued: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
    cap: np.ndarray,
    head: np.ndarray,
    account_origin: np.ndarray,
) -> None:
    """Every per-account field the walk reads."""
    _prefetch(balance, account)
    _prefetch(own, account)
    for q in range(traced.shape[0]):
        _prefetch_2d(traced, q, account)
    _prefetch(queued, account)
    _prefetch(start, account)
    _prefetch(length, account)
    _prefetch(cap, account)
    _prefetch(head, account)
    _prefetch(account_origin, account)


@njit(cache=True)
def _muldiv(a: int, b: int, c: int) -> tuple[int, int]:
    """floor(a * b / c) and the remainder, exact for 0 <= a, b <= c < 2**62."""
    if float(a) * float(b) < _FAST_PRODUCT:
        p = a * b
        return p // c, p % c
    # 128-bit product from 32-bit limbs, then binary long division by c.
    mask = np.uint64(0xFFFFFFFF)
    ua, ub = np.uint64(a), np.uint64(b)
    a_lo, a_hi = ua & mask, ua >> np.uint64(32)
    b_lo, b_hi = ub & mask, ub >> np.uint64(32)
    lo_lo = a_lo * b_lo
    mid1 = a_hi * b_lo
    mid2 = a_lo * b_hi
    hi_hi = a_hi * b_hi
    carry = ((lo_lo >> np.uint64(32)) + (mid1 & mask) + (mid2 & mask)) >> np.uint64(32)
    lo = lo_lo + (mid1 << np.uint64(32)) + (mid2 << np.uint64(32))
    hi = hi_hi + (mid1 >> np.uint64(32)) + (mid2 >> np.uint64(32)) + carry
    uc = np.uint64(c)
    rem = np.uint64(0)
    quot = np.uint64(0)
    for i in range(127, -1, -1):
        if i >= 64:
            bit = (hi >> np.uint64(i - 64)) & np.uint64(1)
        else:
            bit = (lo >> np.uint64(i)) & np.uint64(1)
        rem = (rem << np.uint64(1)) | bit
        if rem >= uc:
            rem -= uc
            if i < 64:
                quot |= np.uint64(1) << np.uint64(i)
    return np.int64(quot), np.int64(rem)


@njit(cache=True, nogil=True)
def _reserve(
    account: int,
    need: int,
    start: np.ndarray,
    length: np.ndarray,
    cap: np.ndarray,
    head: np.ndarray,
    p_origin: np.ndarray,
    p_amount: np.ndarray,
    used: int,
    pool_state: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Make room for ``need`` more entries at the end of an account's segment (moving,
    doubling, compacting or growing the pool as needed); returns the pool and its fill.

    ``pool_state`` holds [soft limit, compacted flag]. The pool arrays may be far larger
    than the soft limit (a virtual reservation whose pages cost memory only once
    touched): raising the limit then grows the pool without copying it."""
    if head[account] + length[account] + need <= cap[account]:
        return p_origin, p_amount, used
    if length[account] + need <= cap[account]:
        s = start[account]
        h = head[account]
        for j in range(length[account]):
            p_origin[s + j] = p_origin[s + h + j]
            p_amount[s + j] = p_amount[s + h + j]
        head[account] = 0
        return p_origin, p_amount, used
    new_cap = max(4, 2 * cap[account])
    while new_cap < length[account] + need:
        new_cap *= 2
    last = cap[account] > 0 and start[account] + cap[account] == used
    if last and start[account] + new_cap <= pool_state[0]:
        # The last segment in the pool grows where it is: no move, no garbage.
        cap[account] = new_cap
        return p_origin, p_amount, start[account] + new_cap
    if used + new_cap > pool_state[0]:
        used = compact(start, length, cap, head, p_origin, p_amount, 2)
        pool_state[1] = 1
        soft = pool_state[0]
        if 4 * (used + new_cap) > 3 * soft:
            # Still more than three quarters full after compaction: grow by half.
            soft = max(soft + soft // 2, used + new_cap + soft // 4)
            if soft > p_origin.shape[0]:
                n_origin = np.empty(soft, dtype=p_origin.dtype)
                n_amount = np.empty(soft, dtype=np.int64)
                n_origin[:used] = p_origin[:used]
                n_amount[:used] = p_amount[:used]
                p_origin, p_amount = n_origin, n_amount
            pool_state[0] = soft
    s = start[account] + head[account]
    for j in range(length[account]):
        p_origin[used + j] = p_origin[s + j]
        p_amount[used + j] = p_amount[s + j]
    start[account] = used
    head[account] = 0
    cap[account] = new_cap
    return p_origin, p_amount, used + new_cap


@njit(cache=True, nogil=True)
def compact(
    start: np.ndarray,
    length: np.ndarray,
    cap: np.ndarray,
    head: np.ndarray,
    p_origin: np.ndarray,
    p_amount: np.ndarray,
    slack: int,
) -> int:
    """Move every segment to the front of the pool, in place, in the order they lie
    (each only ever moves down, so nothing is overwritten before it moves); each keeps
    up to ``slack`` free slots. Returns the pool's new fill."""
    holders = np.flatnonzero(cap > 0)
    order = holders[np.argsort(start[holders])]
    pos = 0
    for a in order:
        s = start[a] + head[a]
        n = length[a]
        if s != pos:
            for j in range(n):
                p_origin[pos + j] = p_origin[s + j]
                p_amount[pos + j] = p_amount[s + j]
        start[a] = pos
        head[a] = 0
        cap[a] = min(cap[a], n + slack) if n > 0 else 0  # an empty list gives up its room
        pos += cap[a]
    return pos


@njit(cache=True)
def origin_totals(origin: np.ndarray, cents: np.ndarray, n_origins: int) -> np.ndarray:
    """Cents per origin over (origin, cents) rows, in exact integers."""
    out = np.zeros(n_origins, dtype=np.int64)
    for j in range(origin.shape[0]):
        out[origin[j]] += cents[j]
    return out


@njit(cache=True)
def _find(p_origin: np.ndarray, s: int, k: int, origin: int) -> int:
    """Where ``origin`` is, or would go, in the sorted list ``p_origin[s:s + k]``."""
    lo = 0
    hi = k
    while lo < hi:
        mid = (lo + hi) >> 1
        if p_origin[s + mid] < origin:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, inline="always")
def _tot(traced: np.ndarray, account: int) -> int:
    """Traced money in an account, over every partition of the origins."""
    total = 0
    for q in range(traced.shape[0]):
        total += traced[q, account]
    return total


@njit(cache=True, nogil=True)
def trace_chunk(
    rule: int,
    src: np.ndarray,
    dst: np.ndarray,
    amt: np.ndarray,
    tx_origin: np.ndarray,
    account_origin: np.ndarray,
    origin_part: np.ndarray,
    part: int,
    watch: np.ndarray,
    schedule: bool,
    balance: np.ndarray,
    own: np.ndarray,
    traced: np.ndarray,
    queued: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
    cap: np.ndarray,
    head: np.ndarray,
    p_origin: np.ndarray,
    p_amount: np.ndarray,
    used: int,
    pool_state: np.ndarray,
    begin: int,
    end: int,
    out_tx: np.ndarray,
    out_origin: np.ndarray,
    out_amount: np.ndarray,
    step_tx: np.ndarray,
    step_vals: np.ndarray,
    gap_tx: np.ndarray,
    gap_account: np.ndarray,
    gap_amount: np.ndarray,
    carried_total: np.ndarray,
    injected: np.ndarray,
) -> tuple[int, np.ndarray, np.ndarray, int, int, int, int]:
    """Walk the ledger from ``begin`` under ``rule``, updating the account state in place,
    until ``end`` or until an output buffer is full.

    The origins may be split into contiguous partitions (``origin_part``), one per
    thread. ``traced[q, a]`` is partition q's traced money in account a; every thread
    keeps all of it, and the balances and own money, since each partition's share of a
    debit follows from these sums alone (cumulative rounding telescopes), while only the
    thread's own partition keeps per-origin lists. Partition 0 writes the figures every
    thread knows: gaps, schedule steps, transfer totals.

    Writes what each watched transfer carried of this partition (transaction, origin,
    cents) to ``out_*`` (``watch`` is empty for none, else a flag per transaction), with
    ``schedule`` one step per transaction that touched traced money (payer balance and
    traced after, payee balance and traced after), the gaps where traced money was at
    stake, the traced total of every transfer and the money each origin put in. Returns
    the next transaction, the (possibly moved) pool and the counts written.
    """
    parts = traced.shape[0]
    n_out = 0
    n_steps = 0
    n_gaps = 0
    # The parcel: what one transfer carries, as (origin, cents) pieces.
    par_o = np.empty(64, dtype=np.int32)
    par_a = np.empty(64, dtype=np.int64)
    par_at = np.empty(64, dtype=np.int64)  # where each piece sits in the payee's list
    moved = np.zeros(parts, dtype=np.int64)  # traced money moved, per partition

    i = begin
    while i < end:
        if i + _FIELDS_AHEAD < end:
            for a in (src[i + _FIELDS_AHEAD], dst[i + _FIELDS_AHEAD]):
                _prefetch_fields(
                    a, balance, own, traced, queued, start, length, cap, head, account_origin
                )
        if i + _LISTS_AHEAD < end:
            for a in (src[i + _LISTS_AHEAD], dst[i + _LISTS_AHEAD]):
                _prefetch_list(a, start, length, head, p_origin, p_amount)
        u = src[i]
        v = dst[i]
        x = amt[i]
        if (
            pool_state[1] == 1  # compacted: let the caller give the freed pages back
            or n_out + length[u] + 2 > out_tx.shape[0]
            or (schedule and n_steps == step_tx.shape[0])
            or n_gaps == gap_tx.shape[0]
        ):
            break
        held_u = _tot(traced, u)
        was_touched = held_u > 0 or _tot(traced, v) > 0
        n_par = 0
        for q in range(parts):
            moved[q] = 0
        if par_o.shape[0] < length[u] + 2:
            size = 2 * (length[u] + 2)
            par_o = np.empty(size, dtype=np.int32)
            par_a = np.empty(size, dtype=np.int64)
            par_at = np.empty(size, dtype=np.int64)

        # -- the payer: gap, then what leaves ---------------------------------------
        if x > balance[u] and account_origin[u] < 0:
            short = x - balance[u]
            # Reported only where traced money is at stake; elsewhere it changes nothing.
            if held_u > 0 and part == 0:
                gap_tx[n_gaps] = i
                gap_account[n_gaps] = u
                gap_amount[n_gaps] = short
                n_gaps += 1
            balance[u] += short
            if queued[u]:
                p_origin, p_amount, used = _reserve(
                    u, 1, start, length, cap, head, p_origin, p_amount, used, pool_state
                )
                s = start[u] + head[u] + length[u]
                p_origin[s] = OWN
                p_amount[s] = short
                length[u] += 1
            else:
                own[u] += short
        balance[u] -= x
        if account_origin[u] >= 0:
            # A source account: everything leaving it is new traced money.
            o = account_origin[u]
            moved[origin_part[o]] = x
            if origin_part[o] == part:
                par_o[0] = o
                par_a[0] = x
                n_par = 1
                injected[o] += x
        elif held_u == 0:
            if queued[u]:
                # A FIFO queue holding only own money collapses back to a number.
                queued[u] = False
                length[u] = 0
                head[u] = 0
                own[u] = balance[u] + x
            own[u] -= x
            par_o[0] = OWN
            par_a[0] = x
            n_par = 1
        elif rule == FIFO:
            rest = x
            s = start[u] + head[u]
            j = 0
            while rest > 0:
                piece = min(rest, p_amount[s + j])
                par_o[n_par] = p_origin[s + j]
                par_a[n_par] = piece
                n_par += 1
                if p_origin[s + j] != OWN:
                    traced[0, u] -= piece
                    moved[0] += piece
                p_amount[s + j] -= piece
                rest -= piece
                if p_amount[s + j] == 0:
                    j += 1
            head[u] += j
            length[u] -= j
            if traced[0, u] == 0:
                queued[u] = False
                own[u] = balance[u]
                length[u] = 0
                head[u] = 0
        else:
            # LIBR: own money first, the rest shared by the origins; pro rata: shared by
            # own money and the origins, by cumulative rounding in origin order. Each
            # partition's total follows from the sums; this thread then walks its own
            # list once: shares, parcel and compaction together.
            if rule == LIBR:
                own_piece = min(own[u], x)
                rest = x - own_piece
                total = held_u
                running = 0
                before = 0
            else:
                total = own[u] + held_u
                own_piece, _ = _muldiv(x, own[u], total)
                rest = x
                running = own[u]
                before = own_piece
            own[u] -= own_piece
            par_o[0] = OWN
            par_a[0] = own_piece
            n_par = 1
            if rest > 0:
                # Products rest x running stay below rest x total: one test for the lot.
                fits = float(rest) * float(total) < _FAST_PRODUCT
                mine_running = running
                mine_before = before
                for q in range(parts):
                    if q == part:
                        mine_running = running
                        mine_before = before
                    running += traced[q, u]
                    if fits:
                        upto = rest * running // total
                    else:
                        upto, _ = _muldiv(rest, running, total)
                    moved[q] = upto - before
                    before = upto
                    traced[q, u] -= moved[q]
                running = mine_running
                before = mine_before
                k = length[u]
                s = start[u]
                w = 0
                # Branch-free: most pieces of a small debit from a large mix are zero
                # (dust), so "is there a piece" is a coin toss the CPU cannot predict.
                # Every entry is written, and the counters advance by the test's value.
                for j in range(k):
                    amount = p_amount[s + j]
                    origin = p_origin[s + j]
                    running += amount
                    if fits:
                        upto = rest * running // total
                    else:
                        upto, _ = _muldiv(rest, running, total)
                    piece = upto - before
                    before = upto
                    par_o[n_par] = origin
                    par_a[n_par] = piece
                    n_par += piece > 0
                    p_origin[s + w] = origin
                    p_amount[s + w] = amount - piece
                    w += amount > piece
                length[u] = w

        if tx_origin[i] >= 0 and account_origin[u] < 0:
            # A source transaction: the untraced part of what it carries becomes traced
            # under its own id; money already traced keeps its origin.
            t = tx_origin[i]
            mine = origin_part[t] == part
            for j in range(n_par):
                if par_o[j] == OWN and par_a[j] > 0:
                    moved[origin_part[t]] += par_a[j]
                    if mine:
                        par_o[j] = t
                        injected[t] += par_a[j]
                    else:
                        par_a[j] = 0
            if rule != FIFO:
                for j in range(1, n_par):  # keep the parcel sorted by origin
                    o_j = par_o[j]
                    a_j = par_a[j]
                    t = j - 1
                    while t >= 0 and par_o[t] > o_j:
                        par_o[t + 1] = par_o[t]
                        par_a[t + 1] = par_a[t]
                        t -= 1
                    par_o[t + 1] = o_j
                    par_a[t + 1] = a_j

        # -- record what the transfer carried ---------------------------------------
        carried = 0
        for q in range(parts):
            carried += moved[q]
        if part == 0:
            carried_total[i] = carried
        if watch.shape[0] > 0 and watch[i]:
            for j in range(n_par):
                if par_o[j] != OWN and par_a[j] > 0:
                    out_tx[n_out] = i
                    out_origin[n_out] = par_o[j]
                    out_amount[n_out] = par_a[j]
                    n_out += 1

        # -- the payee ---------------------------------------------------------------
        balance[v] += x
        if rule == FIFO:
            if carried == 0:
                if queued[v]:
                    p_origin, p_amount, used = _reserve(
                        v, 1, start, length, cap, head, p_origin, p_amount, used, pool_state
                    )
                    s = start[v] + head[v]
                    if length[v] > 0 and p_origin[s + length[v] - 1] == OWN:
                        p_amount[s + length[v] - 1] += x
                    else:
                        p_origin[s + length[v]] = OWN
                        p_amount[s + length[v]] = x
                        length[v] += 1
                else:
                    own[v] += x
            else:
                if not queued[v]:
                    queued[v] = True
                    length[v] = 0
                    head[v] = 0
                    if own[v] > 0:
                        p_origin, p_amount, used = _reserve(
                            v, 1, start, length, cap, head, p_origin, p_amount, used, pool_state
                        )
                        p_origin[start[v]] = OWN
                        p_amount[start[v]] = own[v]
                        length[v] = 1
                    own[v] = 0
                p_origin, p_amount, used = _reserve(
                    v, n_par, start, length, cap, head, p_origin, p_amount, used, pool_state
                )
                s = start[v] + head[v]
                for j in range(n_par):
                    if par_a[j] == 0:
                        continue
                    last = length[v] - 1
                    if last >= 0 and p_origin[s + last] == par_o[j]:
                        p_amount[s + last] += par_a[j]
                    else:
                        p_origin[s + length[v]] = par_o[j]
                        p_amount[s + length[v]] = par_a[j]
                        length[v] += 1
                traced[0, v] += carried
        else:
            own[v] += x - carried
            for q in range(parts):
                traced[q, v] += moved[q]
            # Merge this partition's pieces (after the own piece, in origin order) into
            # v's sorted list in place: count the origins v lacks, then merge from the
            # back.
            first = 0
            while first < n_par and (par_o[first] == OWN or par_a[first] == 0):
                first += 1
            k = length[v]
            s = start[v]
            misses = 0
            if (n_par - first) * 8 < k:
                for b in range(first, n_par):
                    slot = _find(p_origin, s, k, par_o[b])
                    par_at[b] = slot
                    if slot == k or p_origin[s + slot] != par_o[b]:
                        misses += 1
            else:
                a = 0
                for b in range(first, n_par):
                    while a < k and p_origin[s + a] < par_o[b]:
                        a += 1
                    par_at[b] = a
                    if a == k or p_origin[s + a] != par_o[b]:
                        misses += 1
            if misses == 0:
                for b in range(first, n_par):
                    p_amount[s + par_at[b]] += par_a[b]
            else:
                p_origin, p_amount, used = _reserve(
                    v, misses, start, length, cap, head, p_origin, p_amount, used, pool_state
                )
                s = start[v]
                a = k - 1
                b = n_par - 1
                w = k + misses - 1
                while b >= first:
                    if a >= 0 and p_origin[s + a] > par_o[b]:
                        p_origin[s + w] = p_origin[s + a]
                        p_amount[s + w] = p_amount[s + a]
                        a -= 1
                    elif a >= 0 and p_origin[s + a] == par_o[b]:
                        p_origin[s + w] = par_o[b]
                        p_amount[s + w] = p_amount[s + a] + par_a[b]
                        a -= 1
                        b -= 1
                    else:
                        p_origin[s + w] = par_o[b]
                        p_amount[s + w] = par_a[b]
                        b -= 1
                    w -= 1
                length[v] = k + misses

        # -- the schedule --------------------------------------------------------------
        if schedule and part == 0 and (was_touched or carried > 0):
            step_tx[n_steps] = i
            step_vals[n_steps, 0] = balance[u]
            step_vals[n_steps, 1] = _tot(traced, u)
            step_vals[n_steps, 2] = balance[v]
            step_vals[n_steps, 3] = _tot(traced, v)
            n_steps += 1
        i += 1
    return i, p_origin, p_amount, used, n_out, n_steps, n_gaps


@njit(cache=True, nogil=True)
def origin_mass(
    start: np.ndarray, length: np.ndarray, p_origin: np.ndarray, n_origins: int
) -> np.ndarray:
    """How many accounts hold each origin (a pro rata list has no head): the work an
    origin will cost, since every debit of a holding account visits its entry."""
    out = np.zeros(n_origins, dtype=np.int64)
    for a in range(start.shape[0]):
        s = start[a]
        for j in range(length[a]):
            out[p_origin[s + j]] += 1
    return out


@njit(cache=True, nogil=True)
def move_origins(
    boundary: int,
    down: bool,
    q: int,
    lo_start: np.ndarray,
    lo_length: np.ndarray,
    lo_cap: np.ndarray,
    lo_head: np.ndarray,
    lo_origin: np.ndarray,
    lo_amount: np.ndarray,
    lo_used: int,
    lo_state: np.ndarray,
    hi_start: np.ndarray,
    hi_length: np.ndarray,
    hi_cap: np.ndarray,
    hi_head: np.ndarray,
    hi_origin: np.ndarray,
    hi_amount: np.ndarray,
    hi_used: int,
    hi_state: np.ndarray,
    lo_traced: np.ndarray,
    hi_traced: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray, np.ndarray, int]:
    """Move the pro rata entries of origins on the wrong side of ``boundary`` between two
    adjacent partitions (``q`` holds the lower origins, ``q + 1`` the higher): with
    ``down``, the lower partition's origins from ``boundary`` up go to the higher one
    (to the front of its lists); otherwise the higher partition's origins below
    ``boundary`` go to the lower one (to the end of its lists). Lists stay sorted, and
    both partitions' per-account sums are updated alike; returns both pools."""
    for a in range(lo_start.shape[0]):
        if down:
            k = lo_length[a]
            s = lo_start[a]
            m = 0
            while m < k and lo_origin[s + k - 1 - m] >= boundary:
                m += 1
            if m == 0:
                continue
            hi_origin, hi_amount, hi_used = _reserve(
                a, m, hi_start, hi_length, hi_cap, hi_head, hi_origin, hi_amount, hi_used, hi_state
            )
            t = hi_start[a]
            n = hi_length[a]
            for j in range(n - 1, -1, -1):
                hi_origin[t + j + m] = hi_origin[t + j]
                hi_amount[t + j + m] = hi_amount[t + j]
            total = 0
            for j in range(m):
                hi_origin[t + j] = lo_origin[s + k - m + j]
                hi_amount[t + j] = lo_amount[s + k - m + j]
                total += lo_amount[s + k - m + j]
            hi_length[a] = n + m
            lo_length[a] = k - m
            total = -total
        else:
            n = hi_length[a]
            t = hi_start[a]
            m = 0
            while m < n and hi_origin[t + m] < boundary:
                m += 1
            if m == 0:
                continue
            lo_origin, lo_amount, lo_used = _reserve(
                a, m, lo_start, lo_length, lo_cap, lo_head, lo_origin, lo_amount, lo_used, lo_state
            )
            s = lo_start[a]
            k = lo_length[a]
            total = 0
            for j in range(m):
                lo_origin[s + k + j] = hi_origin[t + j]
                lo_amount[s + k + j] = hi_amount[t + j]
                total += hi_amount[t + j]
            for j in range(n - m):
                hi_origin[t + j] = hi_origin[t + m + j]
                hi_amount[t + j] = hi_amount[t + m + j]
            lo_length[a] = k + m
            hi_length[a] = n - m
        # total: what the lower partition gained (negative when it gave).
        for traced in (lo_traced, hi_traced):
            traced[q, a] += total
            traced[q + 1, a] -= total
    return lo_origin, lo_amount, lo_used, hi_origin, hi_amount, hi_used


@njit(cache=True)
def fifo_holdings(
    traced: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
    head: np.ndarray,
    p_origin: np.ndarray,
    p_amount: np.ndarray,
    n_origins: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """FIFO queues as holdings: per account one entry per origin held (lots of one
    origin summed, own money left out), sorted by origin, laid out account after
    account; returns start and length per account and the origin and cents arrays."""
    n_accounts = traced.shape[0]
    total = 0
    for a in range(n_accounts):
        if traced[a] > 0:
            total += length[a]
    h_start = np.zeros(n_accounts, dtype=np.int64)
    h_length = np.zeros(n_accounts, dtype=np.int64)
    origin = np.empty(total, dtype=np.int32)
    cents = np.empty(total, dtype=np.int64)
    sums = np.zeros(n_origins, dtype=np.int64)
    w = 0
    for a in range(n_accounts):
        h_start[a] = w
        if traced[a] == 0:
            continue
        s = start[a] + head[a]
        first = w
        for j in range(length[a]):
            o = p_origin[s + j]
            if o == OWN or p_amount[s + j] == 0:
                continue
            if sums[o] == 0:
                origin[w] = o
                w += 1
            sums[o] += p_amount[s + j]
        origin[first:w] = np.sort(origin[first:w])
        for r in range(first, w):
            cents[r] = sums[origin[r]]
            sums[origin[r]] = 0
        h_length[a] = w - first
    return h_start, h_length, origin[:w], cents[:w]
