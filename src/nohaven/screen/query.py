"""A screening query in yente's shape (`schema` and `properties`), checked and cleaned.

Values are cleaned by the FtM model as yente does (dates, country codes, genders), so a
client sees in the response's `query` what was actually matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from followthemoney import model
from followthemoney.types import registry

from nohaven.dates import read_date
from nohaven.errors import NohavenError
from nohaven.names.parts import name_from_parts
from nohaven.resolve.addresses import address_key
from nohaven.resolve.records import IDENTITY_CARDS, identifier_kind, identifier_props
from nohaven.screen.index import (
    NAME_PROPS,
    card_tag,
    matchable_schemata,
    normal_identifier,
)

MAX_VALUE_LENGTH = 500
MAX_VALUES = 50


class QueryError(NohavenError):
    """A query that cannot be screened; the message says which part and why."""


# yente's `changed_since`: a date, or a date and time to the hour, minute or second.
CHANGED_SINCE_PATTERN = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}(:\d{2}(:\d{2})?)?)?$"


def changed_since_epoch(moment: str | None) -> float | None:
    """A `changed_since` value, taken as UTC, in epoch seconds (what the index keeps);
    None when none is given."""
    if moment is None:
        return None
    try:
        if not re.fullmatch(CHANGED_SINCE_PATTERN, moment):
            raise ValueError
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        raise QueryError(
            f"changed_since: {moment!r} is not a date or time (YYYY-MM-DD[THH[:MM[:SS]]])"
        ) from None
    return parsed.replace(tzinfo=UTC).timestamp()


@dataclass(frozen=True)
class ScreeningQuery:
    """What one query asks: names, qualifiers and identifiers, and the schemata it may
    match."""

    id: str | None
    schema: str
    properties: dict[str, list[str]]
    names: tuple[str, ...]
    birth_dates: tuple[str, ...]
    genders: tuple[str, ...]
    identifiers: tuple[str, ...]
    schemata: frozenset[str]
    addresses: tuple[str, ...] = ()

    @property
    def birth_year(self) -> int | None:
        for value in self.birth_dates:
            if value[:4].isdigit():
                return int(value[:4])
        return None

    @cached_property
    def identifier_set(self) -> frozenset[str]:
        return frozenset(normal_identifier(v) for v in self.identifiers)

    @cached_property
    def card_tags(self) -> frozenset[str]:
        """The kinds of identity card the query gives, tagged as the index tags them."""
        kinds = (identifier_kind(p, v) for p in IDENTITY_CARDS for v in self.properties.get(p, ()))
        return frozenset(card_tag(kind) for kind in kinds if kind)

    @cached_property
    def specific_addresses(self) -> tuple[str, ...]:
        """The query's addresses that name a place in particular (`address_key`)."""
        return tuple(a for a in self.addresses if address_key(a))

    @property
    def is_person(self) -> bool:
        return "Person" in self.schemata

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "schema": self.schema, "properties": self.properties}


def _values(prop: str, raw: Any) -> list[str]:
    values = raw if isinstance(raw, list) else [raw]
    if len(values) > MAX_VALUES:
        raise QueryError(f"property {prop!r}: more than {MAX_VALUES} values")
    out = []
    for value in values:
        if value is None:
            continue
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise QueryError(f"property {prop!r}: values must be strings")
        text = str(value)
        if len(text) > MAX_VALUE_LENGTH:
            raise QueryError(f"property {prop!r}: a value longer than {MAX_VALUE_LENGTH}")
        out.append(text)
    return out


def parse_query(example: Any, query_id: str | None = None) -> ScreeningQuery:
    """Check and clean one query (``{"schema": ..., "properties": {...}}``)."""
    if not isinstance(example, dict):
        raise QueryError("a query must be an object with 'schema' and 'properties'")
    schema_name = example.get("schema")
    schema = model.get(schema_name) if isinstance(schema_name, str) else None
    if schema is None:
        raise QueryError(f"unknown schema: {schema_name!r}")
    schemata = matchable_schemata(schema.name)
    raw = example.get("properties")
    if not isinstance(raw, dict):
        raise QueryError("'properties' must be an object of property names to values")
    proxy = model.make_entity(schema.name)
    for prop, values in raw.items():
        if not isinstance(prop, str):
            raise QueryError("property names must be strings")
        dated = (found := schema.get(prop)) is not None and found.type == registry.date
        for value in _values(prop, values):
            # FtM reads ISO dates only; a form's "15/02/1953" is read here first.
            proxy.add(prop, (read_date(value) or value) if dated else value, quiet=True, fuzzy=True)
    properties = {prop: sorted(values) for prop, values in proxy.to_dict()["properties"].items()}
    names = [v for p in NAME_PROPS for v in properties.get(p, ())]
    if not names and (composed := name_from_parts(properties)) is not None:
        names.append(composed)
    identifiers = tuple(v for p in identifier_props() for v in properties.get(p, ()))
    if schemata and not names and not identifiers:
        raise QueryError(
            "the query has no name or identifier: give 'name' (or 'firstName' and "
            "'lastName'), or an identifier such as 'passportNumber' or 'registrationNumber'"
        )
    return ScreeningQuery(
        id=example.get("id") if isinstance(example.get("id"), str) else query_id,
        schema=schema.name,
        properties=properties,
        names=tuple(dict.fromkeys(names)),
        birth_dates=tuple(properties.get("birthDate", ())),
        genders=tuple(properties.get("gender", ())),
        identifiers=identifiers,
        schemata=schemata,
        addresses=tuple(properties.get("address", ())),
    )
