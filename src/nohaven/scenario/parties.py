"""Background organisations: banks, casinos, companies in the ledger and registries.

Organisations are planned up front, like people, because the ledger needs
their ids before any dataset is written. Company names are drawn from a small
vocabulary on purpose: many unrelated companies end up with similar names,
as in real registries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nohaven.names.script import to_traditional
from nohaven.scenario.accounts import Role
from nohaven.scenario.ids import Mints
from nohaven.scenario.people import day
from nohaven.scenario.sizes import SizeProfile
from nohaven.scenario.vocab import (
    AREAS,
    BANKS,
    CASINOS,
    CN_COMPANY_KINDS,
    CN_COMPANY_SUFFIX,
    CN_COMPANY_WORDS,
    COMPANY_SUFFIX_CA,
    COMPANY_SUFFIX_HK,
    COMPANY_SUFFIX_US,
    COMPANY_SUFFIX_VG,
    COMPANY_WORDS_A,
    COMPANY_WORDS_B,
)

# Ledger-only companies by country, and the mix of roles they play.
LEDGER_COMPANY_COUNTRIES = (
    ("cn", 0.45),
    ("hk", 0.15),
    ("us", 0.15),
    ("ca", 0.1),
    ("sg", 0.08),
    ("mo", 0.07),
)
ROLE_MIX = ((Role.EMPLOYER, 0.3), (Role.SHOP, 0.45), (Role.SUPPLIER, 0.2), (Role.ESCROW, 0.05))
SUFFIXES: dict[str, tuple[str, ...]] = {
    "hk": COMPANY_SUFFIX_HK,
    "mo": COMPANY_SUFFIX_HK,
    "sg": ("Pte. Ltd.", "Pte Ltd"),
    "vg": COMPANY_SUFFIX_VG,
    "us": COMPANY_SUFFIX_US,
    "ca": COMPANY_SUFFIX_CA,
}


@dataclass
class CompanyTable:
    """Companies as parallel arrays; names are lists because they are built in Python."""

    ids: NDArray[np.str_]
    names: list[str]
    chinese_names: list[str | None]
    country: NDArray[np.str_]  # where it operates / is registered
    role: NDArray[np.int8]
    incorporated: NDArray[np.int32]  # days since 1970-01-01

    def __len__(self) -> int:
        return len(self.ids)

    def true_id(self, i: int) -> str:
        return f"bgc-{self.ids[i]}"


@dataclass
class Parties:
    """All background organisations of a scenario."""

    bank_ids: dict[str, str]  # bank code → entity id
    casino_ids: dict[str, str]  # casino code → entity id
    ledger_companies: CompanyTable
    hk_companies: CompanyTable  # background companies of the Hong Kong registry


def english_company_name(rng: np.random.Generator, country: str) -> str:
    """A company name such as "Golden Crane Holdings Limited"."""
    words = [str(rng.choice(COMPANY_WORDS_A))]
    if rng.random() < 0.3:
        second = str(rng.choice(COMPANY_WORDS_A))
        if second != words[0]:
            words.append(second)
    words.append(str(rng.choice(COMPANY_WORDS_B)))
    words.append(str(rng.choice(SUFFIXES[country])))
    return " ".join(words)


def company_variant(rng: np.random.Generator, name: str) -> str:
    """The same company name as another registry might write it ("GOLDEN CRANE LTD")."""
    if rng.random() < 0.4:
        name = name.replace("Company Limited", "Co. Ltd.").replace("Limited", "Ltd")
    if rng.random() < 0.3:
        name = name.replace(".", "").replace(",", "")
    if rng.random() < 0.6:
        name = name.upper()
    return name


def chinese_company_name(rng: np.random.Generator, with_city: bool = True) -> str:
    """A mainland company name such as "开平华兴贸易有限公司"."""
    city = AREAS[int(rng.integers(0, len(AREAS)))].city_zh if with_city else ""
    return (
        city
        + str(rng.choice(CN_COMPANY_WORDS))
        + str(rng.choice(CN_COMPANY_KINDS))
        + str(rng.choice(CN_COMPANY_SUFFIX))
    )


def _ledger_companies(rng: np.random.Generator, n: int, mints: Mints) -> CompanyTable:
    countries = [c for c, _ in LEDGER_COMPANY_COUNTRIES]
    weights = np.asarray([w for _, w in LEDGER_COMPANY_COUNTRIES])
    # Every country needs employers, shops and suppliers, however small the scenario.
    country = np.asarray(countries)[rng.choice(len(countries), n, p=weights / weights.sum())]
    roles = np.asarray([r for r, _ in ROLE_MIX], np.int8)
    role_p = np.asarray([w for _, w in ROLE_MIX])
    role = roles[rng.choice(len(roles), n, p=role_p / role_p.sum())]
    base = [(c, r) for c in countries for r in (Role.EMPLOYER, Role.SHOP, Role.SUPPLIER)]
    base += [("us", Role.ESCROW), ("ca", Role.ESCROW)]
    for i, (c, r) in enumerate(base[: min(n, len(base))]):
        country[i], role[i] = c, r
    # Escrow agents and lawyers' trust accounts exist only for North American purchases.
    role[(role == Role.ESCROW) & ~np.isin(country, ("us", "ca"))] = Role.SUPPLIER
    names: list[str] = []
    chinese: list[str | None] = []
    for c, r in zip(country.tolist(), role.tolist(), strict=True):
        if c == "cn":
            names.append(chinese_company_name(rng))
            chinese.append(None)
        elif r == Role.ESCROW:
            word = str(rng.choice(COMPANY_WORDS_A))
            names.append(
                f"{word} Escrow Inc." if c == "us" else f"{word} Law Corporation Trust Account"
            )
            chinese.append(None)
        else:
            names.append(english_company_name(rng, c))
            chinese.append(None)
    incorporated = rng.integers(day_of(1980), day_of(2005), n).astype(np.int32)
    return CompanyTable(
        ids=mints("ledger-c").take(n),
        names=names,
        chinese_names=chinese,
        country=country,
        role=role,
        incorporated=incorporated,
    )


def day_of(year: int) -> int:
    """Days since 1970 of 1 January of ``year``."""
    return day(dt.date(year, 1, 1))


def _hk_companies(rng: np.random.Generator, n: int, mints: Mints) -> CompanyTable:
    country = np.where(rng.random(n) < 0.85, "hk", "vg").astype("<U2")
    names = [english_company_name(rng, c) for c in country.tolist()]
    chinese: list[str | None] = []
    for c in country.tolist():
        if c == "hk" and rng.random() < 0.6:
            chinese.append(to_traditional(chinese_company_name(rng, with_city=False)))
        else:
            chinese.append(None)
    role = np.full(n, Role.SUPPLIER, np.int8)
    incorporated = rng.integers(day_of(1985), day_of(2016), n).astype(np.int32)
    return CompanyTable(mints("hk-co-c").take(n), names, chinese, country, role, incorporated)


def plan_parties(rng: np.random.Generator, size: SizeProfile, mints: Mints) -> Parties:
    """Banks, casinos, ledger companies and Hong Kong registry companies."""
    bank_ids = {bank.code: mints("ledger-c").next() for bank in BANKS}
    casino_ids = {casino.code: mints("ledger-c").next() for casino in CASINOS}
    return Parties(
        bank_ids=bank_ids,
        casino_ids=casino_ids,
        ledger_companies=_ledger_companies(rng, size.ledger_companies, mints),
        hk_companies=_hk_companies(rng, size.hk_companies, mints),
    )
