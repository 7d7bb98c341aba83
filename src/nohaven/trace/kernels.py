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
from numba import njit

LIBR = 0
FIFO = 1
PRORATA = 2
OWN = -1  # the origin of money that is not traced

_FAST_PRODUCT = 9.0e18


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


@njit(cache=True)
def _allocate(amounts: np.ndarray, k: int, total: int, x: int, out: np.ndarray) -> None:
    """Share ``x`` cents between ``amounts[:k]`` (summing to ``total``) in proportion, by
    cumulative rounding: share j = floor(x * (a_1 + .. + a_j) / total) minus the same
    for j - 1. Shares sum to ``x`` exactly and each is within a cent of its exact value."""
    if x >= total:
        for j in range(k):
            out[j] = amounts[j]
        return
    running = 0
    before = 0
    for j in range(k):
        running += amounts[j]
        upto, _ = _muldiv(x, running, total)
        out[j] = upto - before
        before = upto


@njit(cache=True)
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
) -> tuple[np.ndarray, np.ndarray, int]:
    """Make room for ``need`` more entries at the end of an account's segment (moving,
    doubling, compacting or growing the pool as needed); returns the pool and its fill."""
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
    if used + new_cap > p_origin.shape[0]:
        # Compact every live segment to the front (a little slack each), growing the
        # pool so that at least half of it is free afterwards.
        n_accounts = start.shape[0]
        live = 0
        for a in range(n_accounts):
            live += length[a]
        size = p_origin.shape[0]
        while 2 * (live + 2 * n_accounts + new_cap) > size:
            size *= 2
        n_origin = np.empty(size, dtype=np.int32)
        n_amount = np.empty(size, dtype=np.int64)
        pos = 0
        for a in range(n_accounts):
            if cap[a] == 0:
                continue
            s = start[a] + head[a]
            for j in range(length[a]):
                n_origin[pos + j] = p_origin[s + j]
                n_amount[pos + j] = p_amount[s + j]
            start[a] = pos
            head[a] = 0
            cap[a] = length[a] + 2
            pos += cap[a]
        p_origin, p_amount, used = n_origin, n_amount, pos
    s = start[account] + head[account]
    for j in range(length[account]):
        p_origin[used + j] = p_origin[s + j]
        p_amount[used + j] = p_amount[s + j]
    start[account] = used
    head[account] = 0
    cap[account] = new_cap
    return p_origin, p_amount, used + new_cap


@njit(cache=True)
def _add_if_held(
    par_o: np.ndarray,
    par_a: np.ndarray,
    n_par: int,
    v: int,
    start: np.ndarray,
    length: np.ndarray,
    p_origin: np.ndarray,
    p_amount: np.ndarray,
    own: np.ndarray,
    traced: np.ndarray,
    slot: np.ndarray,
) -> bool:
    """Add a parcel to account ``v`` in place when ``v`` already holds every origin in
    it (binary search in its sorted list); False, changing nothing, when it does not."""
    s = start[v]
    k = length[v]
    for b in range(n_par):
        if par_o[b] == OWN or par_a[b] == 0:
            continue
        lo = 0
        hi = k
        while lo < hi:
            mid = (lo + hi) >> 1
            if p_origin[s + mid] < par_o[b]:
                lo = mid + 1
            else:
                hi = mid
        if lo == k or p_origin[s + lo] != par_o[b]:
            return False
        slot[b] = lo
    for b in range(n_par):
        if par_o[b] == OWN:
            own[v] += par_a[b]
        elif par_a[b] > 0:
            p_amount[s + slot[b]] += par_a[b]
            traced[v] += par_a[b]
    return True


@njit(cache=True)
def trace_chunk(
    rule: int,
    src: np.ndarray,
    dst: np.ndarray,
    amt: np.ndarray,
    tx_origin: np.ndarray,
    account_origin: np.ndarray,
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
    begin: int,
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
    until the end or until an output buffer is full.

    Writes what each transfer carried (transaction, origin, cents) to ``out_*``, one
    schedule step per transaction that touched traced money (payer balance and traced
    after, payee balance and traced after), the gaps where traced money was at stake,
    the traced total of every transfer and the money each origin put in. Returns the
    next transaction, the (possibly moved) pool and the counts written.
    """
    n_out = 0
    n_steps = 0
    n_gaps = 0
    # The parcel: what one transfer carries, as (origin, cents) pieces.
    par_o = np.empty(64, dtype=np.int32)
    par_a = np.empty(64, dtype=np.int64)
    share = np.empty(64, dtype=np.int64)
    work = np.empty(64, dtype=np.int64)
    merged_o = np.empty(64, dtype=np.int32)
    merged_a = np.empty(64, dtype=np.int64)

    i = begin
    while i < src.shape[0]:
        u = src[i]
        v = dst[i]
        x = amt[i]
        if (
            n_out + length[u] + 2 > out_tx.shape[0]
            or n_steps == step_tx.shape[0]
            or n_gaps == gap_tx.shape[0]
        ):
            break
        was_touched = traced[u] > 0 or traced[v] > 0
        n_par = 0
        if par_o.shape[0] < length[u] + 2:
            size = 2 * (length[u] + 2)
            par_o = np.empty(size, dtype=np.int32)
            par_a = np.empty(size, dtype=np.int64)
            share = np.empty(size, dtype=np.int64)
            work = np.empty(size, dtype=np.int64)

        # -- the payer: gap, then what leaves ---------------------------------------
        if x > balance[u] and account_origin[u] < 0:
            short = x - balance[u]
            # Reported only where traced money is at stake; elsewhere it changes nothing.
            if traced[u] > 0:
                gap_tx[n_gaps] = i
                gap_account[n_gaps] = u
                gap_amount[n_gaps] = short
                n_gaps += 1
            balance[u] += short
            if queued[u]:
                p_origin, p_amount, used = _reserve(
                    u, 1, start, length, cap, head, p_origin, p_amount, used
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
            par_o[0] = account_origin[u]
            par_a[0] = x
            n_par = 1
            injected[account_origin[u]] += x
        elif traced[u] == 0:
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
                    traced[u] -= piece
                p_amount[s + j] -= piece
                rest -= piece
                if p_amount[s + j] == 0:
                    j += 1
            head[u] += j
            length[u] -= j
            if traced[u] == 0:
                queued[u] = False
                own[u] = balance[u]
                length[u] = 0
                head[u] = 0
        else:
            k = length[u]
            s = start[u]
            if rule == LIBR:
                take = min(own[u], x)
                own[u] -= take
                rest = x - take
                par_o[0] = OWN
                par_a[0] = take
                n_par = 1
                if rest > 0:
                    for j in range(k):
                        work[j] = p_amount[s + j]
                    _allocate(work, k, traced[u], rest, share)
                    for j in range(k):
                        par_o[n_par] = p_origin[s + j]
                        par_a[n_par] = share[j]
                        n_par += 1
                        p_amount[s + j] -= share[j]
                    traced[u] -= rest
            else:
                # Pro rata over own money (origin -1, first) and every origin.
                work[0] = own[u]
                for j in range(k):
                    work[j + 1] = p_amount[s + j]
                _allocate(work, k + 1, own[u] + traced[u], x, share)
                own[u] -= share[0]
                par_o[0] = OWN
                par_a[0] = share[0]
                n_par = 1
                for j in range(k):
                    par_o[n_par] = p_origin[s + j]
                    par_a[n_par] = share[j + 1]
                    n_par += 1
                    p_amount[s + j] -= share[j + 1]
                    traced[u] -= share[j + 1]
            # Drop emptied origins (order, and so sortedness, kept).
            w = 0
            for j in range(k):
                if p_amount[s + j] > 0:
                    p_origin[s + w] = p_origin[s + j]
                    p_amount[s + w] = p_amount[s + j]
                    w += 1
            length[u] = w

        if tx_origin[i] >= 0 and account_origin[u] < 0:
            # A source transaction: the untraced part of what it carries becomes traced
            # under its own id; money already traced keeps its origin.
            for j in range(n_par):
                if par_o[j] == OWN:
                    par_o[j] = tx_origin[i]
                    injected[tx_origin[i]] += par_a[j]
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
        for j in range(n_par):
            if par_o[j] != OWN and par_a[j] > 0:
                carried += par_a[j]
                out_tx[n_out] = i
                out_origin[n_out] = par_o[j]
                out_amount[n_out] = par_a[j]
                n_out += 1
        carried_total[i] = carried

        # -- the payee ---------------------------------------------------------------
        balance[v] += x
        if carried == 0:
            if queued[v]:
                p_origin, p_amount, used = _reserve(
                    v, 1, start, length, cap, head, p_origin, p_amount, used
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
        elif rule == FIFO:
            if not queued[v]:
                queued[v] = True
                length[v] = 0
                head[v] = 0
                if own[v] > 0:
                    p_origin, p_amount, used = _reserve(
                        v, 1, start, length, cap, head, p_origin, p_amount, used
                    )
                    p_origin[start[v]] = OWN
                    p_amount[start[v]] = own[v]
                    length[v] = 1
                own[v] = 0
            p_origin, p_amount, used = _reserve(
                v, n_par, start, length, cap, head, p_origin, p_amount, used
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
                if par_o[j] != OWN:
                    traced[v] += par_a[j]
        elif n_par * 8 < length[v] and _add_if_held(
            par_o, par_a, n_par, v, start, length, p_origin, p_amount, own, traced, work
        ):
            pass  # a small parcel into a big holding: added in place, no merge needed
        else:
            # Merge the parcel's origins (sorted, after the own piece) into v's sorted list.
            k = length[v]
            s = start[v]
            if merged_o.shape[0] < k + n_par:
                merged_o = np.empty(2 * (k + n_par), dtype=np.int32)
                merged_a = np.empty(2 * (k + n_par), dtype=np.int64)
            m = 0
            a = 0
            b = 0
            while a < k or b < n_par:
                if b < n_par and (par_o[b] == OWN or par_a[b] == 0):
                    if par_o[b] == OWN:
                        own[v] += par_a[b]
                    b += 1
                    continue
                if b >= n_par or (a < k and p_origin[s + a] < par_o[b]):
                    merged_o[m] = p_origin[s + a]
                    merged_a[m] = p_amount[s + a]
                    a += 1
                elif a >= k or par_o[b] < p_origin[s + a]:
                    merged_o[m] = par_o[b]
                    merged_a[m] = par_a[b]
                    traced[v] += par_a[b]
                    b += 1
                else:
                    merged_o[m] = p_origin[s + a]
                    merged_a[m] = p_amount[s + a] + par_a[b]
                    traced[v] += par_a[b]
                    a += 1
                    b += 1
                m += 1
            if m > k:
                p_origin, p_amount, used = _reserve(
                    v, m - k, start, length, cap, head, p_origin, p_amount, used
                )
            s = start[v]
            for j in range(m):
                p_origin[s + j] = merged_o[j]
                p_amount[s + j] = merged_a[j]
            length[v] = m

        # -- the schedule --------------------------------------------------------------
        if was_touched or carried > 0:
            step_tx[n_steps] = i
            step_vals[n_steps, 0] = balance[u]
            step_vals[n_steps, 1] = traced[u]
            step_vals[n_steps, 2] = balance[v]
            step_vals[n_steps, 3] = traced[v]
            n_steps += 1
        i += 1
    return i, p_origin, p_amount, used, n_out, n_steps, n_gaps


@njit(cache=True)
def held_rows(
    traced: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
    head: np.ndarray,
    p_origin: np.ndarray,
    p_amount: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The traced content of every account: (account, origin, cents) rows."""
    total = 0
    for a in range(traced.shape[0]):
        if traced[a] > 0:
            total += length[a]
    acc_account = np.empty(total, dtype=np.int64)
    acc_origin = np.empty(total, dtype=np.int32)
    acc_amount = np.empty(total, dtype=np.int64)
    w = 0
    for a in range(traced.shape[0]):
        if traced[a] == 0:
            continue
        s = start[a] + head[a]
        for j in range(length[a]):
            if p_origin[s + j] != OWN and p_amount[s + j] > 0:
                acc_account[w] = a
                acc_origin[w] = p_origin[s + j]
                acc_amount[w] = p_amount[s + j]
                w += 1
    return acc_account[:w], acc_origin[:w], acc_amount[:w]
