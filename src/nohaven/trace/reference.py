"""The tracing rules written plainly, one transaction at a time, in Python integers.

This is the specification the compiled kernel is tested against (property tests
compare the two on random ledgers) and the per-transaction baseline the benchmark
measures it beside. It follows the kernel's conventions exactly (see kernels.py):
own money is origin None and comes before every origin; proportional shares are
rounded cumulatively in that order.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

Own = None


@dataclass
class ReferenceResult:
    balance: dict[str, int] = field(default_factory=dict)
    traced: dict[str, dict[int, int]] = field(default_factory=dict)  # account → origin → cents
    transfers: dict[str, dict[int, int]] = field(default_factory=dict)  # tx → origin → cents
    gaps: list[tuple[str, str, int]] = field(default_factory=list)  # tx, account, cents


def shares(x: int, amounts: list[int]) -> list[int]:
    """``x`` split in proportion to ``amounts`` by cumulative rounding: the first j shares
    always sum to floor(x * (a_1 + .. + a_j) / total)."""
    total = sum(amounts)
    if x >= total:
        return list(amounts)
    out = []
    running = before = 0
    for amount in amounts:
        running += amount
        upto = x * running // total
        out.append(upto - before)
        before = upto
    return out


def reference_trace(
    transactions: list[tuple[str, str, str, int]],
    rule: str,
    source_accounts: list[str],
    source_txs: list[str] = (),  # type: ignore[assignment]
    opening: dict[str, int] | None = None,
) -> ReferenceResult:
    """Trace ``transactions`` (id, payer, payee, cents), already in processing order."""
    origin_of_account = {a: i for i, a in enumerate(source_accounts)}
    origin_of_tx = {t: len(source_accounts) + i for i, t in enumerate(source_txs)}
    opening = opening or {}
    balance: dict[str, int] = {}
    own: dict[str, int] = {}
    interests: dict[str, dict[int, int]] = {}  # LIBR and pro rata
    queues: dict[str, deque[list]] = {}  # FIFO: [origin or None, cents], oldest first
    result = ReferenceResult()

    def ensure(account: str) -> None:
        if account not in balance:
            start = opening.get(account, 0)
            balance[account] = start
            own[account] = start
            interests[account] = {}
            queues[account] = deque([[Own, start]] if start else [])

    def traced_in(account: str) -> int:
        if rule == "fifo":
            return sum(c for o, c in queues[account] if o is not Own)
        return sum(interests[account].values())

    def append_lot(account: str, origin: int | None, cents: int) -> None:
        queue = queues[account]
        if cents == 0:
            return
        if queue and queue[-1][0] == origin:
            queue[-1][1] += cents
        else:
            queue.append([origin, cents])

    for tx, payer, payee, x in transactions:
        ensure(payer)
        ensure(payee)
        parcel: list[tuple[int | None, int]] = []
        if payer in origin_of_account:
            balance[payer] -= x
            parcel = [(origin_of_account[payer], x)]
        else:
            if x > balance[payer]:
                short = x - balance[payer]
                if traced_in(payer) > 0:
                    result.gaps.append((tx, payer, short))
                balance[payer] += short
                own[payer] += short
                append_lot(payer, Own, short)
            balance[payer] -= x
            if rule == "fifo":
                parcel = _fifo_debit(queues[payer], x)
                own[payer] = sum(c for o, c in queues[payer] if o is Own)
            elif rule == "libr":
                take = min(own[payer], x)
                own[payer] -= take
                parcel = [(Own, take)]
                parcel += _proportional_debit(interests[payer], x - take)
            else:
                held = interests[payer]
                origins = sorted(held)
                parts = shares(x, [own[payer]] + [held[o] for o in origins])
                own[payer] -= parts[0]
                parcel = [(Own, parts[0])]
                for o, part in zip(origins, parts[1:], strict=True):
                    held[o] -= part
                    parcel.append((o, part))
                _drop_empty(held)
        if tx in origin_of_tx and payer not in origin_of_account:
            parcel = [(origin_of_tx[tx] if o is Own else o, c) for o, c in parcel]
        carried: dict[int, int] = {}
        for o, c in parcel:
            if o is not Own and c > 0:
                carried[o] = carried.get(o, 0) + c
        if carried:
            result.transfers[tx] = carried
        balance[payee] += x
        if rule == "fifo":
            for origin, cents in parcel:
                append_lot(payee, origin, cents)
            own[payee] = sum(c for o, c in queues[payee] if o is Own)
        else:
            own[payee] += x - sum(carried.values())
            for o, c in carried.items():
                interests[payee][o] = interests[payee].get(o, 0) + c
    result.balance = balance
    for account in balance:
        if rule == "fifo":
            held: dict[int, int] = {}
            for o, c in queues[account]:
                if o is not Own and c > 0:
                    held[o] = held.get(o, 0) + c
        else:
            held = {o: c for o, c in interests[account].items() if c > 0}
        if held:
            result.traced[account] = held
    return result


def _fifo_debit(queue: deque[list], x: int) -> list[tuple[int | None, int]]:
    parcel = []
    while x > 0:
        lot = queue[0]
        piece = min(x, lot[1])
        parcel.append((lot[0], piece))
        lot[1] -= piece
        x -= piece
        if lot[1] == 0:
            queue.popleft()
    return parcel


def _proportional_debit(held: dict[int, int], x: int) -> list[tuple[int, int]]:
    if x == 0:
        return []
    origins = sorted(held)
    parts = shares(x, [held[o] for o in origins])
    for o, part in zip(origins, parts, strict=True):
        held[o] -= part
    _drop_empty(held)
    return list(zip(origins, parts, strict=True))


def _drop_empty(held: dict[int, int]) -> None:
    for o in [o for o, c in held.items() if c == 0]:
        del held[o]
