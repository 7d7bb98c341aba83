"""The planted part of the world: records, companies, assets and money of each case.

These dataclasses are the contract between planning (:mod:`.cases`,
:mod:`.schemes`) and writing (the dataset modules). A spec says what a
dataset must contain for a planted person or company; the dataset module
renders it exactly like a background record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from nohaven.scenario.officials import Official
from nohaven.scenario.people import PlantedPerson


@dataclass
class Officer:
    """A planted person's role in a planted company (Hong Kong registry record)."""

    person: PlantedPerson
    record_id: str  # the officer's person record in the Hong Kong registry
    director: bool
    share_pct: float | None  # None when not a shareholder
    since: dt.date
    directorship_id: str | None = None
    ownership_id: str | None = None


@dataclass
class ShellCompany:
    """A Hong Kong or BVI company controlled by an official's family."""

    true_id: str
    name: str
    chinese_name: str | None
    jurisdiction: str  # hk | vg
    hk_id: str  # its record in the Hong Kong companies registry
    incorporated: dt.date
    address: str
    officers: list[Officer] = field(default_factory=list)
    parent: ShellCompany | None = None  # corporate shareholder, 100%
    parent_ownership_id: str | None = None
    records: list[str] = field(default_factory=list)  # every record of this company
    account: str | None = None


@dataclass
class DeedSpec:
    """A property title (US deed or Canadian land title) held by a planted owner."""

    dataset: str  # us_deeds | ca_titles
    deed_id: str
    parcel_id: str
    address: str
    city: str
    price_cents: int
    currency: str
    recorded: dt.date
    owner_record_id: str
    owner_person: PlantedPerson | None = None
    owner_company: ShellCompany | None = None


@dataclass
class VisaSpec:
    """An immigration record (study permit, permanent residence, citizenship, visa)."""

    dataset: str  # ca_visas | us_visas
    permit_id: str
    person: PlantedPerson
    person_record_id: str
    status: str
    issued: dt.date
    expires: dt.date | None


@dataclass
class BankAccountSpec:
    """A Singapore bank account of a planted person (also a ledger account)."""

    person: PlantedPerson
    person_record_id: str
    account: str
    bank: str
    opened: dt.date
    ownership_id: str


@dataclass
class HolderSpec:
    """A planted person known to the ledger as the holder of a foreign account."""

    person: PlantedPerson
    record_id: str
    country: str


@dataclass
class PartySpec:
    """A planted person named in a court case."""

    person: PlantedPerson
    record_id: str
    party_id: str
    role: str


@dataclass
class CaseSpec:
    """A court case naming planted persons."""

    case_id: str
    number: str
    title: str
    court: str
    category: str
    filed: dt.date
    parties: list[PartySpec]


@dataclass
class PatronSpec:
    """A planted person on a Macau junket's patron list."""

    person: PlantedPerson
    record_id: str
    membership_id: str
    since: dt.date


@dataclass
class OrgSpec:
    """A planted organisation known only to the ledger (employers, front companies)."""

    entity_id: str
    schema: str  # Company | PublicBody
    name: str
    alias: str | None
    country: str


@dataclass
class Holding:
    """An asset truly held by an official's family, declared or not.

    ``asset_id`` is the data record of the asset when there is one (a
    RealEstate or Company entity); ``scheme_id`` names the scheme whose money
    bought it, when stolen money did.
    """

    kind: str  # declaration asset kind: real_estate | company_interest | bank_account | ...
    country: str
    description: str
    value_cents: int
    currency: str
    acquired: dt.date
    holder: PlantedPerson
    declared: bool
    asset_id: str | None = None
    scheme_id: str | None = None


@dataclass
class PlantedTx:
    """One planted transaction; ``scheme_id`` is None for legitimate planted flows.
    ``also`` names the larger patterns it takes part in as well (a fan-out payment that
    is half of a scatter-gather, a mule's relay, a shell's hop)."""

    timestamp: dt.datetime
    source: str
    target: str
    cents: int
    currency: str
    channel: str
    memo: str
    scheme_id: str | None = None
    also: list[str] = field(default_factory=list)


@dataclass
class Scheme:
    """A planted laundering scheme of one typology."""

    scheme_id: str
    typology: str
    official: Official


@dataclass
class Case:
    """Everything planted around one official."""

    official: Official
    accounts: dict[str, str] = field(default_factory=dict)  # purpose → ledger account
    shells: dict[str, ShellCompany] = field(default_factory=dict)
    deeds: dict[str, DeedSpec] = field(default_factory=dict)
    holdings: list[Holding] = field(default_factory=list)
    omitted: list[PlantedPerson] = field(default_factory=list)  # left out of declarations
    hide_residence: bool = False  # declares emigrated relatives as living at home
    helpers: list[str] = field(default_factory=list)  # accounts of friends and money mules
    schemes: list[Scheme] = field(default_factory=list)


@dataclass
class World:
    """All planted specs, collected per dataset."""

    cases: list[Case] = field(default_factory=list)
    shells: list[ShellCompany] = field(default_factory=list)
    deeds: list[DeedSpec] = field(default_factory=list)
    visas: list[VisaSpec] = field(default_factory=list)
    sg_accounts: list[BankAccountSpec] = field(default_factory=list)
    holders: list[HolderSpec] = field(default_factory=list)
    court_cases: list[CaseSpec] = field(default_factory=list)
    patrons: list[PatronSpec] = field(default_factory=list)
    orgs: list[OrgSpec] = field(default_factory=list)
    transactions: list[PlantedTx] = field(default_factory=list)

    @property
    def officials(self) -> list[Official]:
        return [case.official for case in self.cases]

    @property
    def people(self) -> list[PlantedPerson]:
        """Every planted person (officials and relatives)."""
        return [person for case in self.cases for person in case.official.family]
