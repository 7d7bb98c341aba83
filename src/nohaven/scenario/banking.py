"""Who banks where: open the background accounts of people and organisations.

Holders are records that exist in the data: mainland registry people hold
mainland accounts, Singapore bank customers their Singapore accounts (the
same numbers appear in the Singapore extract), ledger-only people and
companies the rest. Planted accounts are opened later, by the case planter,
in the same book.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nohaven.scenario.accounts import AccountBook, BackgroundAccounts, Role
from nohaven.scenario.parties import Parties
from nohaven.scenario.people import day
from nohaven.scenario.samples import LEDGER_COUNTRIES, Samples

ADULT_BORN_BEFORE = day(dt.date(1998, 1, 1))  # registry people old enough to bank


@dataclass
class OpenedAccounts:
    """Background accounts, by purpose."""

    background: BackgroundAccounts
    sg_accounts: NDArray[np.str_]  # aligned with samples["sg_holders"]


def open_background_accounts(
    rng: np.random.Generator, book: AccountBook, samples: Samples, parties: Parties
) -> OpenedAccounts:
    """Open every background account in ``book``."""
    by_role: dict[tuple[str, Role], list[NDArray[np.str_]]] = {}

    def keep(country: str, role: Role, accounts: NDArray[np.str_]) -> None:
        by_role.setdefault((country, role), []).append(accounts)

    book.add_institutions(parties.bank_ids, parties.casino_ids)
    registry = samples["registry"]
    adult = samples.population.birth[registry.rows] < ADULT_BORN_BEFORE
    keep("cn", Role.PERSON, book.add_many(registry.ids[adult], "cn", Role.PERSON))
    sg = samples["sg_holders"]
    sg_accounts = book.add_many(sg.ids, "sg", Role.PERSON)
    keep("sg", Role.PERSON, sg_accounts)
    for country, _ in LEDGER_COUNTRIES:
        people = samples[f"ledger_{country}"]
        keep(country, Role.PERSON, book.add_many(people.ids, country, Role.PERSON))
    companies = parties.ledger_companies
    for country in np.unique(companies.country).tolist():
        for role in np.unique(companies.role).tolist():
            picked = (companies.country == country) & (companies.role == role)
            if picked.any():
                keep(country, Role(role), book.add_many(companies.ids[picked], country, Role(role)))
    hk = parties.hk_companies
    banked = np.flatnonzero(rng.random(len(hk)) < 0.3)
    hk_accounts = book.add_many(hk.ids[banked], "hk", Role.SUPPLIER)
    keep("hk", Role.SUPPLIER, hk_accounts)
    return OpenedAccounts(
        background=BackgroundAccounts(
            {key: np.concatenate(parts) for key, parts in by_role.items()}
        ),
        sg_accounts=sg_accounts,
    )
