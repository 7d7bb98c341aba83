"""The ledger: background traffic generated with NumPy, planted schemes woven in.

Background transactions are drawn in chunks of consecutive days, so the file
comes out sorted by time while memory stays flat: each chunk is generated,
merged with the planted transactions of its days, sorted, numbered and
written before the next one starts. Background traffic deliberately contains
the innocent look-alikes of the typologies (cash deposits just under a
threshold, foreign-exchange purchases to relatives abroad, casino winnings)
so detectors meet false positives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from nohaven.scenario.accounts import COUNTRIES, KIND_OF_ROLE, AccountTable, Role
from nohaven.scenario.vocab import CNY_PER_UNIT, CURRENCY
from nohaven.scenario.world import PlantedTx
from nohaven.scenario.writer import Output, format_cents

LEDGER_START = dt.date(2000, 1, 1)
LEDGER_END = dt.date(2017, 1, 1)  # exclusive
TX_COLUMNS = (
    "id",
    "timestamp",
    "from_account",
    "to_account",
    "amount",
    "currency",
    "channel",
    "from_country",
    "to_country",
    "memo",
)
ACCOUNT_COLUMNS = ("account", "holder", "bank", "country", "kind")
CHANNELS = ("wire", "cash_deposit", "cash_withdrawal", "fx_purchase", "card", "casino", "cheque")
CURRENCIES = tuple(CURRENCY[c] for c in COUNTRIES)  # aligned with COUNTRIES
_RATE = np.asarray([CNY_PER_UNIT[c] for c in CURRENCIES])
_USD = CURRENCIES.index("USD")
_EPOCH = dt.datetime(1970, 1, 1)

# Background transaction types: (name, share, channel, memo, first hour, last hour).
TYPES: tuple[tuple[str, float, str, str, int, int], ...] = (
    ("salary", 0.12, "wire", "salary", 8, 11),
    ("card", 0.34, "card", "card purchase", 8, 23),
    ("p2p", 0.17, "wire", "transfer", 8, 22),
    ("cash_deposit", 0.08, "cash_deposit", "cash deposit", 9, 17),
    ("cash_withdrawal", 0.08, "cash_withdrawal", "cash withdrawal", 9, 22),
    ("fx_purchase", 0.02, "fx_purchase", "family support", 9, 17),
    ("b2b", 0.08, "wire", "invoice", 9, 18),
    ("loan", 0.03, "wire", "loan disbursement", 9, 17),
    ("casino_in", 0.03, "casino", "chips", 0, 24),
    ("casino_out", 0.015, "casino", "winnings", 0, 24),
    ("cheque", 0.0245, "cheque", "rent", 9, 18),
    ("escrow", 0.0005, "wire", "escrow deposit", 9, 17),
)
_MEMOS = tuple(
    dict.fromkeys([t[3] for t in TYPES] + ["loan repayment", "tuition", "living expenses"])
)


def _seconds(when: dt.datetime) -> int:
    return int((when - _EPOCH).total_seconds())


@dataclass
class _Pool:
    rows: NDArray[np.int64]
    cumulative: NDArray[np.float64]

    def sample(self, u: NDArray[np.float64]) -> NDArray[np.int64]:
        return self.rows[np.searchsorted(self.cumulative, u * self.cumulative[-1], side="right")]


class TrafficModel:
    """Who pays whom in the background, built once from the account table."""

    def __init__(
        self,
        rng: np.random.Generator,
        table: AccountTable,
        salaries: dict[str, tuple[str, int]],
    ) -> None:
        self.table = table
        n = len(table)
        activity = rng.lognormal(0.0, 1.0, n)
        self.country = table.country.astype(np.int64)
        self.pools: dict[tuple[int, str], _Pool] = {}
        business = np.isin(table.role, (Role.EMPLOYER, Role.SUPPLIER, Role.SHELL))
        groups: dict[str, NDArray[np.bool_]] = {
            "person": table.role == Role.PERSON,
            "shop": table.role == Role.SHOP,
            "business": business,
            "employer": table.role == Role.EMPLOYER,
            "bank": table.role == Role.BANK,
            "escrow": table.role == Role.ESCROW,
            "casino": table.role == Role.CASINO,
        }
        for name, mask in groups.items():
            for c in range(len(COUNTRIES)):
                rows = np.flatnonzero(mask & (self.country == c))
                if len(rows):
                    self.pools[(c, name)] = _Pool(rows, np.cumsum(activity[rows]))
            rows = np.flatnonzero(mask)
            if len(rows):
                self.pools[(-1, name)] = _Pool(rows, np.cumsum(activity[rows]))
        self.cash_row = self._cash_rows()
        self.employer, self.salary = self._salaries(rng, salaries)

    def _cash_rows(self) -> NDArray[np.int64]:
        table = self.table
        cash = {table.bank[i]: i for i in np.flatnonzero(table.role == Role.CASH).tolist()}
        return np.asarray([cash[b] for b in table.bank.tolist()], np.int64)

    def _salaries(
        self, rng: np.random.Generator, planted: dict[str, tuple[str, int]]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Each person's employer and monthly salary in the account's currency (cents)."""
        table = self.table
        n = len(table)
        employer = np.full(n, -1, np.int64)
        salary = np.zeros(n, np.int64)
        for c in range(len(COUNTRIES)):
            people = np.flatnonzero((table.role == Role.PERSON) & (self.country == c))
            if not len(people):
                continue
            pool = self.pools.get((c, "employer")) or self.pools[(-1, "employer")]
            employer[people] = pool.sample(rng.random(len(people)))
            cny = rng.lognormal(np.log(8_000), 0.5, len(people))
            salary[people] = np.round(cny / _RATE[c]) * 100
        if planted:
            rows = table.rows(list(planted))
            employers = table.rows([employer_account for employer_account, _ in planted.values()])
            employer[rows] = employers
            salary[rows] = [monthly_cny_cents for _, monthly_cny_cents in planted.values()]
        return employer, salary

    def _people(
        self, u: NDArray[np.float64], country: NDArray[np.int64] | None = None
    ) -> NDArray[np.int64]:
        if country is None:
            return self.pools[(-1, "person")].sample(u)
        return self._by_country(u, country, "person")

    def _by_country(
        self, u: NDArray[np.float64], country: NDArray[np.int64], group: str
    ) -> NDArray[np.int64]:
        """One account of ``group`` per row, in the row's country (or anywhere if none)."""
        out = np.empty(len(u), np.int64)
        for c in np.unique(country).tolist():
            picked = country == c
            pool = self.pools.get((c, group)) or self.pools[(-1, group)]
            out[picked] = pool.sample(u[picked])
        return out

    def chunk(
        self, rng: np.random.Generator, n: int, first_day: int, last_day: int
    ) -> dict[str, np.ndarray]:
        """``n`` background transactions on days [first_day, last_day) (days since 1970)."""
        shares = np.asarray([t[1] for t in TYPES])
        kind = rng.choice(len(TYPES), size=n, p=shares / shares.sum())
        src = np.zeros(n, np.int64)
        dst = np.zeros(n, np.int64)
        cny = np.zeros(n, np.float64)  # amount in CNY units, converted below
        fixed = np.full(n, -1, np.int64)  # amounts already in local cents (salaries)
        memo = np.asarray([_MEMOS.index(TYPES[k][3]) for k in range(len(TYPES))])[kind]
        u = rng.random((n, 3))
        names = [t[0] for t in TYPES]
        for k, name in enumerate(names):
            m = kind == k
            count = int(m.sum())
            if not count:
                continue
            a, b = u[m, 0], u[m, 1]
            if name == "salary":
                p = self._people(a)
                src[m], dst[m], fixed[m] = self.employer[p], p, self.salary[p]
            elif name == "card":
                p = self._people(a)
                src[m], dst[m] = p, self._by_country(b, self.country[p], "shop")
                cny[m] = np.round(rng.lognormal(np.log(150), 1.0, count), 2)
            elif name == "p2p":
                p = self._people(a)
                q = self._by_country(b, self.country[p], "person")
                abroad = rng.random(count) < 0.04
                q[abroad] = self._people(b[abroad])
                src[m], dst[m] = p, q
                cny[m] = np.round(rng.lognormal(np.log(2_000), 1.1, count), -2)
            elif name == "cash_deposit":
                p = self._people(a)
                src[m], dst[m] = self.cash_row[p], p
                amount = np.round(rng.lognormal(np.log(3_000), 1.0, count), -2)
                # Innocent deposits just under the US/Canadian reporting threshold.
                near = np.isin(self.country[p], (COUNTRIES.index("us"), COUNTRIES.index("ca")))
                near &= rng.random(count) < 0.03
                amount[near] = np.round(rng.uniform(8_000, 9_900, int(near.sum())), -1) * 6.5
                cny[m] = amount
            elif name == "cash_withdrawal":
                p = self._people(a)
                src[m], dst[m] = p, self.cash_row[p]
                cny[m] = np.round(rng.lognormal(np.log(2_000), 0.9, count), -2)
            elif name == "fx_purchase":
                p = self._by_country(a, np.zeros(count, np.int64), "person")
                foreign = np.asarray([COUNTRIES.index(c) for c in ("hk", "us", "ca", "sg")])
                destination = foreign[rng.integers(0, len(foreign), count)]
                src[m], dst[m] = p, self._by_country(b, destination, "person")
                cny[m] = np.round(rng.uniform(1_000, 49_000, count), -1) * _RATE[_USD]
            elif name == "b2b":
                c = self._by_country(a, rng.integers(0, len(COUNTRIES), count), "business")
                src[m], dst[m] = c, self._by_country(b, self.country[c], "business")
                cny[m] = np.round(rng.lognormal(np.log(50_000), 1.2, count), 0)
            elif name == "loan":
                bank = self._by_country(a, rng.integers(0, len(COUNTRIES), count), "bank")
                firm = self._by_country(b, self.country[bank], "business")
                repay = rng.random(count) < 0.5
                src[m] = np.where(repay, firm, bank)
                dst[m] = np.where(repay, bank, firm)
                memo_rows = np.flatnonzero(m)[repay]
                memo[memo_rows] = _MEMOS.index("loan repayment")
                cny[m] = np.round(rng.lognormal(np.log(500_000), 1.0, count), -3)
            elif name in ("casino_in", "casino_out"):
                p = self._people(a)
                casino = self.pools[(-1, "casino")].sample(b)
                src[m], dst[m] = (p, casino) if name == "casino_in" else (casino, p)
                cny[m] = np.round(rng.lognormal(np.log(20_000), 1.1, count), -2)
            elif name == "cheque":
                p = self._people(a)
                src[m], dst[m] = p, self._by_country(b, self.country[p], "business")
                cny[m] = np.round(rng.lognormal(np.log(6_000), 0.6, count), 0)
            elif name == "escrow":
                where = rng.choice([COUNTRIES.index("us"), COUNTRIES.index("ca")], count)
                p = self._by_country(a, where, "person")
                src[m], dst[m] = p, self._by_country(b, where, "escrow")
                cny[m] = np.round(rng.uniform(300_000, 2_000_000, count), -3) * _RATE[_USD]
        # A transfer to oneself is really a withdrawal at the counter.
        same = src == dst
        dst[same] = self.cash_row[src[same]]
        channel = np.asarray([CHANNELS.index(t[2]) for t in TYPES])[kind]
        channel[same] = CHANNELS.index("cash_withdrawal")
        memo[same] = _MEMOS.index("cash withdrawal")
        currency = self.country[src].copy()
        is_fx = kind == names.index("fx_purchase")
        currency[is_fx] = _USD
        cents = np.round(cny / _RATE[currency] * 100).astype(np.int64)
        coarse = kind != names.index("card")  # only card payments keep odd cents
        cents[coarse] = (cents[coarse] // 100) * 100
        cents = np.where(fixed >= 0, fixed, np.maximum(cents, 100))
        days = rng.integers(first_day, last_day, n)
        first_hour = np.asarray([t[4] for t in TYPES])[kind]
        last_hour = np.asarray([t[5] for t in TYPES])[kind]
        hour = first_hour + (u[:, 2] * (last_hour - first_hour)).astype(np.int64)
        seconds = rng.integers(0, 3_600, n)
        timestamp = days * 86_400 + hour * 3_600 + seconds
        return {
            "timestamp": timestamp,
            "src": src,
            "dst": dst,
            "cents": cents,
            "currency": currency,
            "channel": channel,
            "memo": memo,
        }


def write_accounts(output: Output, table: AccountTable) -> None:
    """``ledger/accounts.csv``: every account that appears in a transaction."""
    kinds = np.asarray([KIND_OF_ROLE[Role(r)] for r in range(len(Role))])
    with output.csv("ledger/accounts.csv", ACCOUNT_COLUMNS, quote=False) as writer:
        writer.write(
            {
                "account": table.account,
                "holder": table.holder,
                "bank": table.bank,
                "country": np.asarray(COUNTRIES)[table.country],
                "kind": kinds[table.role],
            }
        )


def write_transactions(
    output: Output,
    rng_for_chunk: Callable[[int], np.random.Generator],
    model: TrafficModel,
    planted: list[PlantedTx],
    background_rows: int,
    chunk_rows: int,
    scheme_rows: list[tuple[str, str]],
    progress: Callable[[str, int, int], None],
) -> int:
    """Write ``ledger/transactions.csv``; append (scheme_id, tx id) for planted rows.

    Returns the number of transactions written.
    """
    table = model.table
    first = (LEDGER_START - _EPOCH.date()).days
    last = (LEDGER_END - _EPOCH.date()).days
    n_chunks = max(1, -(-background_rows // chunk_rows))
    bounds = np.linspace(first, last, n_chunks + 1).astype(np.int64)
    planted = sorted(planted, key=lambda tx: tx.timestamp)
    planted_ts = np.asarray([_seconds(tx.timestamp) for tx in planted], np.int64)
    planted_chunk = np.clip(
        np.searchsorted(bounds * 86_400, planted_ts, side="right") - 1, 0, n_chunks - 1
    )
    accounts = pa.array(table.account.tolist(), pa.string())
    countries = pa.array(list(COUNTRIES), pa.string())
    currencies = pa.array(list(CURRENCIES), pa.string())
    channels = pa.array(list(CHANNELS), pa.string())
    written = 0
    with output.csv("ledger/transactions.csv", TX_COLUMNS, quote=False) as writer:
        for c in range(n_chunks):
            size = background_rows // n_chunks + (1 if c < background_rows % n_chunks else 0)
            data = model.chunk(rng_for_chunk(c), size, int(bounds[c]), int(bounds[c + 1]))
            mine = [planted[i] for i in np.flatnonzero(planted_chunk == c)]
            memos = list(_MEMOS) + [tx.memo.replace(",", "") for tx in mine]
            extra = {
                "timestamp": np.asarray([_seconds(tx.timestamp) for tx in mine], np.int64),
                "src": table.rows([tx.source for tx in mine]) if mine else np.zeros(0, np.int64),
                "dst": table.rows([tx.target for tx in mine]) if mine else np.zeros(0, np.int64),
                "cents": np.asarray([tx.cents for tx in mine], np.int64),
                "currency": np.asarray([CURRENCIES.index(tx.currency) for tx in mine], np.int64),
                "channel": np.asarray([CHANNELS.index(tx.channel) for tx in mine], np.int64),
                "memo": np.arange(len(_MEMOS), len(memos), dtype=np.int64),
            }
            merged = {k: np.concatenate([data[k], extra[k]]) for k in data}
            order = np.argsort(merged["timestamp"], kind="stable")
            merged = {k: v[order] for k, v in merged.items()}
            n = len(order)
            numbers = pa.array(np.arange(written + 1, written + n + 1))
            ids = pc.binary_join_element_wise(
                "tx", pc.utf8_lpad(pc.cast(numbers, pa.string()), 9, "0"), "-"
            )
            src, dst = pa.array(merged["src"]), pa.array(merged["dst"])
            writer.write(
                {
                    "id": ids,
                    "timestamp": pc.strftime(
                        pa.array(merged["timestamp"], pa.timestamp("s")), format="%Y-%m-%dT%H:%M:%S"
                    ),
                    "from_account": accounts.take(src),
                    "to_account": accounts.take(dst),
                    "amount": format_cents(merged["cents"]),
                    "currency": currencies.take(pa.array(merged["currency"])),
                    "channel": channels.take(pa.array(merged["channel"])),
                    "from_country": countries.take(pa.array(model.country[merged["src"]])),
                    "to_country": countries.take(pa.array(model.country[merged["dst"]])),
                    "memo": pa.array(memos, pa.string()).take(pa.array(merged["memo"])),
                }
            )
            # Planted rows sit after the background ones before sorting: find them.
            positions = np.flatnonzero(order >= size)
            id_list = ids.to_pylist() if len(mine) else []
            for pos in positions.tolist():
                tx = mine[int(order[pos]) - size]
                if tx.scheme_id is not None:
                    scheme_rows.append((tx.scheme_id, id_list[pos]))
                scheme_rows.extend((also, id_list[pos]) for also in tx.also)
            written += n
            progress("ledger", c + 1, n_chunks)
    return written
