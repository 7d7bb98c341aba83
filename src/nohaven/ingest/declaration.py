"""The asset-declaration format: one JSON object per declaration, validated by pydantic.

The models are the format's single definition: the loader validates with them and
docs/declaration.schema.json is generated from them (a test keeps the two equal).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Annotated

from babel.numbers import list_currencies
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

Country = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$", to_lower=True)]


def known_currency(code: str) -> str:
    """An ISO 4217 code babel knows; an unknown one is an error, never guessed."""
    if code not in _currencies():
        raise ValueError(f"unknown currency {code!r} (not an ISO 4217 code)")
    return code


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


Currency = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{3}$", to_upper=True),
    AfterValidator(known_currency),
]
EntityId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$")]
Money = Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=2)]


class DeclarationKind(StrEnum):
    ANNUAL = "annual"
    PASSPORT_APPLICATION = "passport_application"
    CHANGE_OF_POST = "change_of_post"


class Relation(StrEnum):
    SPOUSE = "spouse"
    CHILD = "child"
    CHILD_SPOUSE = "child_spouse"


class ResidenceStatus(StrEnum):
    """How far a family member has emigrated (naked-official rules turn on this)."""

    CITIZEN = "citizen"
    PERMANENT_RESIDENT = "permanent_resident"
    LONG_TERM_RESIDENT = "long_term_resident"
    NONE = "none"


class AssetKind(StrEnum):
    REAL_ESTATE = "real_estate"
    SECURITIES = "securities"
    FUNDS = "funds"
    INSURANCE = "insurance"
    COMPANY_INTEREST = "company_interest"
    BANK_ACCOUNT = "bank_account"
    VEHICLE = "vehicle"
    CASH = "cash"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FamilyMember(_Strict):
    person_id: EntityId | None = None
    name: str = Field(min_length=1)
    relation: Relation
    birth_date: date | None = None
    nationality: Country | None = None
    residence_country: Country | None = None
    residence_status: ResidenceStatus = ResidenceStatus.NONE
    job: str | None = None


class Income(_Strict):
    year: int = Field(ge=1900, le=2100)
    member: str = "self"
    source: str = Field(min_length=1)
    amount: Money
    currency: Currency


class Asset(_Strict):
    member: str = "self"
    kind: AssetKind
    country: Country
    description: str = ""
    value: Money | None = None
    currency: Currency | None = None
    acquired: date | None = None
    ref: str | None = None


class Passport(_Strict):
    number: str = Field(min_length=1)
    country: Country
    issued: date | None = None


class Trip(_Strict):
    country: Country
    from_: date = Field(alias="from")
    to: date | None = None


class Declaration(_Strict):
    """What an official filed on one date: family, income, assets, passports and trips."""

    declaration_id: EntityId
    official_id: EntityId
    official_name: str | None = None
    filing_date: date
    kind: DeclarationKind
    version: int = Field(default=1, ge=1)
    amends: EntityId | None = None
    family: list[FamilyMember] = []
    income: list[Income] = []
    assets: list[Asset] = []
    passports: list[Passport] = []
    trips: list[Trip] = []


def json_schema() -> dict[str, object]:
    """The JSON Schema of one declaration, as published in docs/."""
    schema = Declaration.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "nohaven declaration"
    return schema
