"""Ledger accounts: who holds them, at which bank, in which country.

The account book is filled in bulk for background holders (NumPy arrays)
and one by one for planted ones, then frozen into arrays that the
transaction generator samples from. An account's ``role`` (not written out)
says what kind of traffic it sees: people get salaries and spend by card,
shops take card payments, escrow agents take house deposits, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from nohaven.scenario.ids import Mints
from nohaven.scenario.vocab import BANKS, CASINOS, CURRENCY

COUNTRIES: tuple[str, ...] = ("cn", "hk", "mo", "sg", "us", "ca")
"""Countries the ledger has accounts in; account country indices point here."""


class Role(IntEnum):
    """What kind of background traffic an account sees."""

    PERSON = 0
    EMPLOYER = 1
    SHOP = 2
    SUPPLIER = 3
    ESCROW = 4
    BANK = 5
    CASH = 6
    CASINO = 7
    SHELL = 8  # planted companies: only company-to-company traffic


# Account kind written to accounts.csv for each role.
KIND_OF_ROLE: dict[Role, str] = {
    Role.PERSON: "person",
    Role.EMPLOYER: "company",
    Role.SHOP: "company",
    Role.SUPPLIER: "company",
    Role.ESCROW: "company",
    Role.BANK: "bank",
    Role.CASH: "unknown",
    Role.CASINO: "casino",
    Role.SHELL: "company",
}

BANKS_BY_COUNTRY: dict[str, tuple[str, ...]] = {
    country: tuple(b.code for b in BANKS if b.country == country) for country in COUNTRIES
}


@dataclass
class AccountTable:
    """Frozen account book: parallel arrays, one row per account."""

    account: NDArray[np.str_]
    holder: NDArray[np.str_]
    bank: NDArray[np.str_]
    country: NDArray[np.int8]  # index into COUNTRIES
    role: NDArray[np.int8]
    _order: NDArray[np.int64]  # argsort of ``account``, for lookups without a dict

    def __len__(self) -> int:
        return len(self.account)

    def rows(self, accounts: list[str]) -> NDArray[np.int64]:
        """Row numbers of the given account ids (all must exist)."""
        ordered = self.account[self._order]
        wanted = np.asarray(accounts, dtype=self.account.dtype)
        found = np.searchsorted(ordered, wanted)
        found = np.minimum(found, len(ordered) - 1)
        missing = ordered[found] != wanted
        if missing.any():
            raise KeyError(f"unknown accounts: {wanted[missing][:5].tolist()}")
        return self._order[found]

    def row(self, account: str) -> int:
        """Row number of one account id."""
        return int(self.rows([account])[0])

    def rows_where(self, role: Role, country: str | None = None) -> NDArray[np.int64]:
        """Rows of accounts with a role (and country)."""
        mask = self.role == role
        if country is not None:
            mask &= self.country == COUNTRIES.index(country)
        return np.flatnonzero(mask)

    def currency(self, account: str) -> str:
        """Currency the account is kept in."""
        return CURRENCY[COUNTRIES[int(self.country[self.row(account)])]]


class AccountBook:
    """Collects accounts, then freezes them into an :class:`AccountTable`."""

    def __init__(self, rng: np.random.Generator, mints: Mints) -> None:
        self._rng = rng
        self._mints = mints
        self._blocks: list[tuple[NDArray, NDArray, NDArray, NDArray, NDArray]] = []
        self.casino_accounts: dict[str, str] = {}  # casino code → account
        self.cash_accounts: dict[str, str] = {}  # bank code → CASH-<bank> account

    def _numbers(self, country: str, bank: str, count: int) -> NDArray[np.str_]:
        return self._mints(f"{country.upper()}-{bank}", digits=10).take(count)

    def add_many(
        self,
        holders: NDArray[np.str_],
        country: str,
        role: Role,
        banks: tuple[str, ...] | None = None,
    ) -> NDArray[np.str_]:
        """Open one account for each holder in ``country``; returns the account ids."""
        n = len(holders)
        choices = banks or BANKS_BY_COUNTRY[country]
        bank = np.asarray(choices)[self._rng.integers(0, len(choices), n)]
        accounts = np.empty(n, dtype="<U24")
        for code in choices:
            picked = bank == code
            if picked.any():
                accounts[picked] = self._numbers(country, code, int(picked.sum()))
        self._blocks.append(
            (
                accounts,
                np.asarray(holders, str),
                bank.astype(str),
                np.full(n, COUNTRIES.index(country), np.int8),
                np.full(n, role, np.int8),
            )
        )
        return accounts

    def add(self, holder: str, country: str, role: Role, bank: str | None = None) -> str:
        """Open one account (planted holders); returns its id."""
        banks = (bank,) if bank else None
        return str(self.add_many(np.asarray([holder]), country, role, banks)[0])

    def add_special(self, account: str, holder: str, bank: str, country: str, role: Role) -> str:
        """An account with a fixed id, such as ``CASH-BOC``."""
        self._blocks.append(
            (
                np.asarray([account]),
                np.asarray([holder]),
                np.asarray([bank]),
                np.asarray([COUNTRIES.index(country)], np.int8),
                np.asarray([role], np.int8),
            )
        )
        return account

    def add_institutions(
        self, bank_entities: dict[str, str], casino_entities: dict[str, str]
    ) -> None:
        """Banks' own accounts, their cash counters and casinos' accounts."""
        for bank in BANKS:
            holder = bank_entities[bank.code]
            self.add(holder, bank.country, Role.BANK, bank.code)
            self.cash_accounts[bank.code] = self.add_special(
                f"CASH-{bank.code}", holder, bank.code, bank.country, Role.CASH
            )
        for casino in CASINOS:
            self.casino_accounts[casino.code] = self.add(
                casino_entities[casino.code], casino.country, Role.CASINO
            )

    def freeze(self) -> AccountTable:
        """All accounts as arrays, in the order they were opened."""
        columns = [np.concatenate([block[i] for block in self._blocks]) for i in range(5)]
        account = columns[0].astype(str)
        order = np.argsort(account, kind="stable")
        if (account[order][1:] == account[order][:-1]).any():
            raise AssertionError("duplicate account ids")
        return AccountTable(
            account=account,
            holder=columns[1].astype(str),
            bank=columns[2].astype(str),
            country=columns[3].astype(np.int8),
            role=columns[4].astype(np.int8),
            _order=order,
        )


@dataclass
class BackgroundAccounts:
    """Background accounts planted schemes borrow: friends, mules, bribers, escrow agents."""

    by_role: dict[tuple[str, Role], NDArray[np.str_]]  # (country, role) → account ids

    def pick(self, rng: np.random.Generator, country: str, role: Role, count: int) -> list[str]:
        """``count`` distinct accounts of a role in a country."""
        pool = self.by_role[(country, role)]
        chosen = rng.choice(len(pool), size=min(count, len(pool)), replace=False)
        return [str(pool[i]) for i in chosen]
