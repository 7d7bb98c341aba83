"""Run a tracing rule over a prepared ledger and keep the result as arrays."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

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


@dataclass
class TraceResult:
    """What one rule found: per account and per transfer, traced cents by origin."""

    rule: Rule
    ledger: TraceLedger
    origins: list[str]  # source account or transaction id per origin index
    opening: np.ndarray
    balance: np.ndarray  # final balance per account index
    traced: np.ndarray  # final traced total per account index
    account_rows: tuple[np.ndarray, np.ndarray, np.ndarray]  # account, origin, cents
    transfer_rows: tuple[np.ndarray, np.ndarray, np.ndarray]  # position, origin, cents
    step_positions: np.ndarray
    step_values: np.ndarray  # payer balance, payer traced, payee balance, payee traced
    gap_rows: tuple[np.ndarray, np.ndarray, np.ndarray]  # position, account, cents
    source_accounts: list[int] = field(default_factory=list)

    @property
    def order_text(self) -> str:
        return ORDER_TEXT[self.ledger.order]

    def injected(self) -> np.ndarray:
        """Cents of traced money put into the ledger, per origin: everything that left a
        source account, and the untraced part of each source transaction."""
        out = np.zeros(len(self.origins), dtype=np.int64)
        for origin, account in enumerate(self.source_accounts):
            out[origin] = int(self.ledger.cents[self.ledger.src == account].sum())
        first_tx = len(self.source_accounts)
        if first_tx < len(self.origins):
            position, origin, cents = self.transfer_rows
            positions = self.ledger.positions_of(self.origins[first_tx:])
            for offset, name in enumerate(self.origins[first_tx:]):
                mine = (position == positions[name]) & (origin == first_tx + offset)
                out[first_tx + offset] = int(cents[mine].sum())
        return out


def run_trace(
    ledger: TraceLedger,
    rule: Rule,
    *,
    source_accounts: list[str] = (),  # type: ignore[assignment]
    source_txs: list[str] = (),  # type: ignore[assignment]
    opening: np.ndarray | None = None,
) -> TraceResult:
    """Trace all money leaving the source accounts and the source transactions."""
    if not source_accounts and not source_txs:
        raise NohavenError("give at least one --source-account or --source-tx")
    accounts = list(dict.fromkeys(source_accounts))
    txs = list(dict.fromkeys(source_txs))
    index = ledger.account_index()
    missing = [a for a in accounts if a not in index]
    if missing:
        raise NohavenError(f"source account {missing[0]!r} does not appear in the ledger")
    positions = ledger.positions_of(txs)
    absent = [t for t in txs if t not in positions]
    if absent:
        raise NohavenError(f"source transaction {absent[0]!r} is not in the ledger")
    account_origin = np.full(len(ledger.accounts), -1, dtype=np.int32)
    for i, name in enumerate(accounts):
        account_origin[index[name]] = i
    tx_origin = np.full(ledger.size, -1, dtype=np.int32)
    for j, tx in enumerate(txs):
        tx_origin[positions[tx]] = len(accounts) + j
    start = opening if opening is not None else np.zeros(len(ledger.accounts), dtype=np.int64)
    out = kernels.trace_kernel(
        _KERNEL_RULE[rule],
        ledger.src,
        ledger.dst,
        ledger.cents,
        tx_origin,
        account_origin,
        start.astype(np.int64),
    )
    (
        balance,
        traced,
        acc_account,
        acc_origin,
        acc_amount,
        out_tx,
        out_origin,
        out_amount,
        step_tx,
        step_vals,
        gap_tx,
        gap_account,
        gap_amount,
    ) = out
    return TraceResult(
        rule=rule,
        ledger=ledger,
        origins=accounts + txs,
        opening=start,
        balance=balance,
        traced=traced,
        account_rows=_summed(acc_account, acc_origin, acc_amount),
        transfer_rows=_summed(out_tx, out_origin, out_amount),
        step_positions=step_tx,
        step_values=step_vals,
        gap_rows=(gap_tx, gap_account, gap_amount),
        source_accounts=[index[a] for a in accounts],
    )


def _summed(
    account: np.ndarray, origin: np.ndarray, cents: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per (key, origin): a FIFO queue or parcel may hold several lots of one
    origin."""
    if len(account) == 0:
        return account, origin.astype(np.int64), cents
    key = account.astype(np.int64) * (int(origin.max()) + 1) + origin
    unique, inverse = np.unique(key, return_inverse=True)
    total = np.zeros(len(unique), dtype=np.int64)
    np.add.at(total, inverse, cents)
    width = int(origin.max()) + 1
    return unique // width, unique % width, total
