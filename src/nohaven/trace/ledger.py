"""The ledger as tracing needs it: integer arrays in processing order, in one currency.

A file is read and checked exactly like a load (same messages), in file order; the
store's ledger is read ordered by time then transaction id. Account names become
dense integer ids, amounts integer cents; several currencies are converted with a
rates file at each transaction's date. The processing order is time order with ties
in file order (or a stated alternative), and anything the preparation had to decide
is kept as a note for the output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numba import njit

from nohaven.arrays import distinct
from nohaven.errors import InputError, NohavenError
from nohaven.ingest.files import csv_records, read_header
from nohaven.ingest.rates import Rate, read_rates
from nohaven.ingest.tabular import LEDGER, read_checked
from nohaven.store import Store

_US_PER_DAY = 86_400_000_000
_MAX_CENTS = 1 << 62  # kernel arithmetic is exact below this


class Order(StrEnum):
    """How transactions with the same timestamp are ordered."""

    FILE = "file"
    FAVOURABLE = "favourable"
    UNFAVOURABLE = "unfavourable"


ORDER_TEXT = {
    Order.FILE: "time order; equal timestamps in file order",
    Order.FAVOURABLE: (
        "time order; at equal timestamps, money reaching an account is counted before "
        "money leaving it (the order most favourable to the claimant)"
    ),
    Order.UNFAVOURABLE: (
        "time order; at equal timestamps, money leaving an account is counted before "
        "money reaching it (the order least favourable to the claimant)"
    ),
}


@dataclass
class TraceLedger:
    """Transactions in processing order, as arrays the kernel reads."""

    ids: pa.Array  # transaction id per position
    timestamps: np.ndarray  # microseconds since the epoch, UTC
    src: np.ndarray  # int32 account index
    dst: np.ndarray
    cents: np.ndarray  # int64, in `currency`
    accounts: pa.Array  # account name per index
    currency: str
    order: Order
    lines: np.ndarray | None = None  # file line per position, once reordered
    in_file_order: bool = False  # positions are file rows: line = position + 2
    memos: pa.Array | None = None
    notes: list[str] = field(default_factory=list)
    path: str | None = None

    @property
    def size(self) -> int:
        return len(self.src)

    def line_of(self, position: int) -> int | None:
        """The file line of the transaction at ``position`` (None for the store's)."""
        if self.lines is not None:
            return int(self.lines[position])
        return position + 2 if self.in_file_order else None

    def account_index(self) -> dict[str, int]:
        """Every account's index (for reading a file that may name many)."""
        return {name: i for i, name in enumerate(self.accounts.to_pylist())}

    def indices_of(self, accounts: list[str]) -> dict[str, int]:
        """Indices of the given accounts (absent ones left out), without a dictionary
        of the whole ledger's accounts."""
        return _found(accounts, self.accounts)

    def positions_of(self, tx_ids: list[str]) -> dict[str, int]:
        """Positions of the given transaction ids (absent ones left out)."""
        return _found(tx_ids, self.ids)


def _found(values: list[str], among: pa.Array) -> dict[str, int]:
    """Each value's first position in ``among``. The few wanted values are hashed and
    the ledger's column scanned: hashing ten million transaction ids to look up a
    handful took 3 s."""
    if not values:
        return {}
    wanted = pa.array(values, type=pa.string())
    hit = pc.index_in(among, value_set=wanted)
    positions = np.flatnonzero(hit.is_valid().to_numpy(zero_copy_only=False))
    found: dict[str, int] = {}
    for position, value in zip(
        positions.tolist(), hit.take(pa.array(positions)).to_pylist(), strict=True
    ):
        found.setdefault(values[value], position)
    return found


_SELECT = (
    "id, epoch_us(timestamp) AS ts, from_account, to_account, "
    "CAST(amount * 100 AS BIGINT) AS cents, currency{memo}"
)
_SCRATCH = "trace_ledger"


def read_ledger_file(
    path: Path,
    *,
    rates: Path | Sequence[Rate] | None = None,
    currency: str | None = None,
    order: Order = Order.FILE,
    memos: bool = False,
    memory_limit: str = "2GB",
) -> TraceLedger:
    """A ledger file (the loader's columns), checked and prepared for tracing; memos are
    kept when asked for (to link purchases to property)."""
    with Store(":memory:", memory_limit=memory_limit) as scratch:
        keep_memo = memos and "memo" in read_header(path)
        rows = read_checked(
            scratch, path, LEDGER, _SCRATCH, _SELECT.format(memo=", memo" if keep_memo else "")
        )
        if rows == 0:
            raise InputError(path, "the ledger has no transactions")
        return _prepare(scratch, True, rates, currency, order, str(path))


def read_store_ledger(
    store: Store,
    *,
    rates: Path | Sequence[Rate] | None = None,
    currency: str | None = None,
    order: Order = Order.FILE,
    memos: bool = True,
    memory_limit: str = "2GB",
    datasets: Sequence[str] | None = None,
) -> TraceLedger:
    """The store's whole ledger (or the rows of some datasets: what a user of an agency
    may see), time-ordered with ties by transaction id."""
    where = "WHERE dataset IN (SELECT unnest(?)) " if datasets is not None else ""
    table = store.arrow(
        "SELECT "
        + _SELECT.format(memo=", memo" if memos else "")
        + " FROM ledger "
        + where
        + "ORDER BY timestamp, id",
        [sorted(datasets)] if datasets is not None else None,
    )
    if table.num_rows == 0:
        raise NohavenError("the store holds no ledger; load one or give --ledger FILE")
    with Store(":memory:", memory_limit=memory_limit) as scratch:
        with scratch.registered("store_ledger", table):
            scratch.execute(f"CREATE TABLE {_SCRATCH} AS SELECT * FROM store_ledger")
        del table
        ledger = _prepare(scratch, False, rates, currency, order, None)
    if order == Order.FILE:
        ledger.notes.append("store ledger: equal timestamps ordered by transaction id")
    return ledger


def _prepare(
    scratch: Store,
    from_file: bool,
    rates: Path | Sequence[Rate] | None,
    currency: str | None,
    order: Order,
    path: str | None,
) -> TraceLedger:
    """Integer arrays from the scratch table, in its row order: accounts and currencies
    are numbered by hash joins in DuckDB (parallel), then put back in place by rowid."""
    scratch.execute(
        f"""
        CREATE TABLE trace_accounts AS
        SELECT name, (row_number() OVER () - 1)::INTEGER AS idx FROM (
            SELECT DISTINCT name FROM (
                SELECT from_account AS name FROM {_SCRATCH}
                UNION ALL SELECT to_account FROM {_SCRATCH}))
        """
    )
    scratch.execute(
        f"""
        CREATE TABLE trace_currencies AS
        SELECT currency, (row_number() OVER (ORDER BY currency) - 1)::INTEGER AS idx
        FROM (SELECT DISTINCT currency FROM {_SCRATCH})
        """
    )
    coded = scratch.con.sql(
        f"""
        SELECT l.rowid AS rn, f.idx AS src, t.idx AS dst, c.idx AS cur
        FROM {_SCRATCH} l
        JOIN trace_accounts f ON l.from_account = f.name
        JOIN trace_accounts t ON l.to_account = t.name
        JOIN trace_currencies c USING (currency)
        """
    ).fetchnumpy()
    n = len(coded["rn"])
    rn = coded["rn"]
    src = np.empty(n, dtype=np.int32)
    dst = np.empty(n, dtype=np.int32)
    cur = np.empty(n, dtype=np.int32)
    src[rn], dst[rn], cur[rn] = coded["src"], coded["dst"], coded["cur"]
    del coded, rn
    accounts = scratch.arrow("SELECT name FROM trace_accounts ORDER BY idx")[
        "name"
    ].combine_chunks()
    currencies = [
        r[0] for r in scratch.fetchall("SELECT currency FROM trace_currencies ORDER BY idx")
    ]
    has_memo = bool(
        scratch.fetchone(
            "SELECT 1 FROM duckdb_columns() WHERE table_name = ? AND column_name = 'memo'",
            [_SCRATCH],
        )
    )
    rest = scratch.arrow(f"SELECT id, ts, cents{', memo' if has_memo else ''} FROM {_SCRATCH}")

    notes: list[str] = []
    ts = rest["ts"].to_numpy()
    positions = np.arange(n)
    if from_file and np.any(ts[1:] < ts[:-1]):
        first = int(np.argmax(ts[1:] < ts[:-1])) + 1
        notes.append(
            f"the ledger is not in time order (line {first + 2} is earlier than the "
            "line before it); transactions were sorted by timestamp, ties kept in file order"
        )
        positions = np.argsort(ts, kind="stable")
    cents, used_currency = _in_one_currency(
        rest["cents"].to_numpy(), cur, currencies, ts, rates, currency
    )
    if order != Order.FILE:
        positions = _tie_order(ts, src, dst, positions, order)
    in_order = positions if len(notes) or order != Order.FILE else None
    take = pa.array(positions) if in_order is not None else None

    def arranged(values: np.ndarray) -> np.ndarray:
        return values[positions] if in_order is not None else values

    ledger = TraceLedger(
        ids=rest["id"].take(take) if take is not None else rest["id"],
        timestamps=arranged(ts),
        src=arranged(src),
        dst=arranged(dst),
        cents=arranged(cents),
        accounts=accounts,
        currency=used_currency,
        order=order,
        # A file's line is its row + 2 (the header is line 1); kept only once reordered.
        lines=(positions + 2 if in_order is not None else None) if from_file else None,
        in_file_order=from_file and in_order is None,
        memos=(rest["memo"].take(take) if take is not None else rest["memo"]) if has_memo else None,
        notes=notes,
        path=path,
    )
    if int(np.sum(ledger.cents, dtype=np.float64)) >= _MAX_CENTS:
        raise NohavenError("the ledger's total is too large to trace exactly")
    return ledger


def _in_one_currency(
    cents: np.ndarray,
    cur: np.ndarray,
    currencies: list[str],
    ts: np.ndarray,
    rates: Path | Sequence[Rate] | None,
    currency: str | None,
) -> tuple[np.ndarray, str]:
    """Amounts in cents of one currency: the ledger's own, or converted with the rates
    at each transaction's date (the latest rate on or before it)."""
    if rates is None:
        if len(currencies) > 1:
            raise NohavenError(
                f"the ledger mixes {len(currencies)} currencies ({', '.join(sorted(currencies))});"
                " give exchange rates to convert them (--rates RATES.csv with columns"
                " date,currency,rate_to_usd, or `rates` in an API request)"
            )
        if currency and currency.upper() != currencies[0]:
            raise NohavenError(
                f"the ledger is in {currencies[0]}; converting to {currency.upper()} needs --rates"
            )
        return cents, currencies[0]
    target = (currency or "USD").upper()
    rates_path: Path | str = rates if isinstance(rates, Path) else "rates"
    series = _rate_series(read_rates(rates) if isinstance(rates, Path) else list(rates))
    if target != "USD" and target not in series:
        raise InputError(rates_path, f"no rate for {target}, the currency to trace in")
    days = ts // _US_PER_DAY
    first_day, last_day = int(days.min()), int(days.max())
    span = np.arange(first_day, last_day + 1)
    first_use = _first_use(cur, days, len(currencies))
    # One row per currency, one column per day of the ledger: its rate to USD that day.
    table = np.empty((len(currencies), len(span)), dtype=np.float64)
    for index, code in enumerate(currencies):
        table[index] = _rates_on(series, code, span, rates_path, int(first_use[index]))
    if target != "USD":
        table /= _rates_on(series, target, span, rates_path, first_day)
    return _converted(cents, cur, days - first_day, table), target


@njit(cache=True, nogil=True)
def _first_use(cur: np.ndarray, days: np.ndarray, n_currencies: int) -> np.ndarray:
    """The first day each currency is used on."""
    first = np.full(n_currencies, np.iinfo(np.int64).max, dtype=np.int64)
    for i in range(cur.shape[0]):
        first[cur[i]] = min(first[cur[i]], days[i])
    return first


@njit(cache=True, nogil=True)
def _converted(
    cents: np.ndarray, cur: np.ndarray, day: np.ndarray, table: np.ndarray
) -> np.ndarray:
    """Each amount at its currency's rate on its day, rounded once, half to even (one
    compiled loop: NumPy's fancy indexing over ten million rows took a second)."""
    out = np.empty(cents.shape[0], dtype=np.int64)
    for i in range(cents.shape[0]):
        out[i] = np.int64(np.rint(cents[i] * table[cur[i], day[i]]))
    return out


def _rate_series(rates: list[Rate]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    series: dict[str, list[tuple[int, float]]] = {"USD": []}
    epoch = np.datetime64("1970-01-01", "D")
    for rate in rates:
        day = int((np.datetime64(rate.day.isoformat(), "D") - epoch).astype(np.int64))
        series.setdefault(rate.currency, []).append((day, rate.rate_to_usd))
    out = {}
    for code, points in series.items():
        points.sort()
        out[code] = (
            np.array([d for d, _ in points], dtype=np.int64),
            np.array([r for _, r in points], dtype=np.float64),
        )
    return out


def _rates_on(
    series: dict[str, tuple[np.ndarray, np.ndarray]],
    code: str,
    days: np.ndarray,
    rates_path: Path | str,
    first_use: int,
) -> np.ndarray:
    """Rate to USD of ``code`` on each day: the latest on or before it (days before the
    first rate get NaN; only an error if the ledger uses the currency then)."""
    if code == "USD" and len(series["USD"][0]) == 0:
        return np.ones(len(days))
    if code not in series:
        raise InputError(rates_path, f"no rate for {code}, which the ledger uses")
    known_days, values = series[code]
    if first_use < known_days[0]:
        first = np.datetime64(first_use, "D")
        raise InputError(
            rates_path, f"no {code} rate on or before {first}, when the ledger first uses it"
        )
    at = np.searchsorted(known_days, days, side="right") - 1
    out = values[np.maximum(at, 0)]
    out[at < 0] = np.nan
    return out


def _tie_order(
    ts: np.ndarray, src: np.ndarray, dst: np.ndarray, positions: np.ndarray, order: Order
) -> np.ndarray:
    """Reorder transactions sharing a timestamp: a transfer whose payer also receives
    money at that instant goes after (favourable) or before (unfavourable) the others."""
    ts_sorted = ts[positions]
    group = np.concatenate(([0], np.cumsum(ts_sorted[1:] != ts_sorted[:-1])))
    n_accounts = int(max(src.max(), dst.max())) + 1
    receives = distinct(group * n_accounts + dst[positions].astype(np.int64))
    payer_receives = np.isin(group * n_accounts + src[positions].astype(np.int64), receives)
    key = payer_receives if order == Order.FAVOURABLE else ~payer_receives
    rank = np.lexsort((np.arange(len(positions)), key, group))
    return positions[rank]


def read_opening(path: Path, ledger: TraceLedger) -> np.ndarray:
    """Opening balances (``account,balance``) as own money in cents per account index.

    Balances are in the trace's currency. An account the ledger never names is an error:
    it is almost always a typo, and its balance could not take part in the trace.
    """
    index = ledger.account_index()
    opening = np.zeros(len(ledger.accounts), dtype=np.int64)
    for number, (account, balance) in csv_records(path, ("account", "balance")):
        if account not in index:
            raise InputError(
                path, f"account {account!r} is not in the ledger", line=number, field="account"
            )
        cents = parse_cents(balance)
        if cents is None or cents < 0:
            raise InputError(
                path,
                f"{balance!r} is not an amount of at least zero with at most two decimals",
                line=number,
                field="balance",
            )
        opening[index[account]] += cents
    return opening


def parse_cents(text: str) -> int | None:
    """Cents in a decimal string ("12.5" → 1250), or None if it is not one."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        return None
    return int(value * 100)
