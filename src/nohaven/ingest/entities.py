"""FtM entity validation and statement batching, shared by the FtM and CSV loaders."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
from followthemoney import model, registry
from followthemoney.property import Property
from followthemoney.schema import Schema
from followthemoney.statement.util import BASE_ID

from nohaven.errors import InputError
from nohaven.names.parts import name_from_parts
from nohaven.store import Store, staging_table

# FtM ids are free text in principle; nohaven keeps them URL- and CLI-safe.
ENTITY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$")
STATEMENT_COLUMNS = (
    "entity_id",
    "schema",
    "prop",
    "value",
    "original_value",
    "dataset",
    "source_id",
    "record",
)


# Types whose values repeat across records (dates, countries): cleaning them is the
# costliest part of an FtM load, so their results are memoised.
_REPEATING_TYPES = frozenset({"date", "country", "gender", "language", "topic", "number"})


@lru_cache(maxsize=200_000)
def _clean_repeating(type_name: str, text: str) -> str | None:
    return registry.get(type_name).clean(text, proxy=None)


def clean_value(prop: Property, text: str) -> str | None:
    """FtM's cleaning of one value for a property (None when invalid)."""
    if prop.type == registry.entity:
        # Any id nohaven takes for an entity can be referred to: FtM's own pattern has
        # no "_" or ":", which OpenSanctions-style ids ("us_deeds-1b80") carry.
        return text if ENTITY_ID.match(text) else None
    if prop.type.name in _REPEATING_TYPES:
        return _clean_repeating(prop.type.name, text)
    return prop.type.clean(text, proxy=None)


@dataclass(frozen=True)
class Where:
    """Where a record sits in its file, for error messages."""

    path: Path
    line: int | None = None

    def error(self, message: str, field: str | None = None) -> InputError:
        return InputError(self.path, message, line=self.line, field=field)


@dataclass
class SetAside:
    """What a load left out without refusing the file, counted per reason with the
    first place it happened: an exported list carries values its publisher's checks
    never cleaned (a phone number field holding three numbers and a note) and entities
    the FtM model calls incomplete (a passport with a holder and no number). Refusing
    a whole OpenSanctions export for one of them helps no one; losing them silently
    would be worse."""

    counts: dict[str, int] = field(default_factory=dict)
    first: dict[str, str] = field(default_factory=dict)

    def note(self, reason: str, where: Where, field: str, detail: str) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        if reason not in self.first:
            line = f", line {where.line}" if where.line is not None else ""
            self.first[reason] = f"{where.path.name}{line}, field {field[:80]!r}: {detail}"

    def messages(self) -> tuple[str, ...]:
        return tuple(
            f"{count:,} {reason} (first: {self.first[reason]})"
            for reason, count in self.counts.items()
        )


# Types whose values analyses rely on: a value of one of these that FtM cannot read
# rejects the file, whatever else is lenient (a birth date, a reference to an entity,
# a country, an identifier).
STRICT_TYPES = frozenset({"date", "entity", "country", "identifier"})
UNREADABLE = "values FtM cannot read were left out"
UNKNOWN_PROPERTY = "values of properties their schema does not have were left out"
INCOMPLETE = "entities missing a property the FtM model requires were left out"


def resolve_schema(name: Any, where: Where) -> Schema:
    """The FtM schema named `name`, refusing unknown and abstract ones."""
    if not isinstance(name, str) or not name:
        raise where.error("missing schema", field="schema")
    schema = model.get(name)
    if schema is None:
        raise where.error(f"unknown FtM schema '{name}'", field="schema")
    if schema.abstract:
        raise where.error(f"FtM schema '{name}' is abstract", field="schema")
    return schema


def check_entity_id(entity_id: Any, where: Where, field: str = "id") -> str:
    if not isinstance(entity_id, str) or not ENTITY_ID.match(entity_id):
        raise where.error(
            f"bad entity id {entity_id!r} (letters, digits, '.', '_', ':' and '-' only)",
            field=field,
        )
    return entity_id


def _cleaned_parts(prop: Property, text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(cleaned, original) for a value FtM reads, or for each part of one that packs
    several into one string with semicolons ("+7 3412 43-05-05; +7 951 210-81-28") that
    reads; and the parts (or the value) that do not."""
    value = clean_value(prop, text)
    if value is not None:
        return [(value, text)], []
    parts = [part.strip() for part in text.split(";") if part.strip()] if ";" in text else []
    if not parts:
        return [], [text]
    cleaned = [(clean_value(prop, part), part) for part in parts]
    return (
        [(value, part) for value, part in cleaned if value],
        [part for value, part in cleaned if value is None],
    )


def clean_properties(
    schema: Schema,
    properties: Mapping[str, Iterable[Any]],
    where: Where,
    set_aside: SetAside | None = None,
) -> list[tuple[str, str, str | None]] | None:
    """Validate values against the FtM model: (prop, cleaned, original-if-changed) triples.

    A value the model cannot clean (an impossible date, a malformed entity id) rejects
    the record. With `set_aside` (FtM files as publishers export them), only values
    analyses rely on (`STRICT_TYPES`) and the ends of a relationship are held to that:
    other unreadable values and unknown properties are left out, and an entity missing
    another required property is left out (None), each counted in `set_aside`.
    """
    cleaned: list[tuple[str, str, str | None]] = []
    for name, values in properties.items():
        prop = schema.get(name)
        if prop is None:
            if set_aside is None:
                raise where.error(f"schema {schema.name} has no property '{name}'", field=name)
            set_aside.note(UNKNOWN_PROPERTY, where, name, f"schema {schema.name} has none")
            continue
        if isinstance(values, str | int | float):
            values = [values]
        for raw in values:
            if raw is None:
                continue
            if not isinstance(raw, str | int | float) or isinstance(raw, bool):
                raise where.error(f"value {raw!r} is not text", field=name)
            text = str(raw).strip()
            if not text:
                continue
            parts, unreadable = _cleaned_parts(prop, text)
            if unreadable:
                if set_aside is None or prop.type.name in STRICT_TYPES:
                    raise where.error(
                        f"{text!r} is not a valid {prop.type.name} for {schema.name}.{name}",
                        field=name,
                    )
                for part in unreadable:  # the parts that read are kept
                    set_aside.note(
                        UNREADABLE, where, name, f"{part[:80]!r} is not a valid {prop.type.name}"
                    )
            cleaned.extend((name, value, None if value == part else part) for value, part in parts)
    cleaned = list(dict.fromkeys(cleaned))  # an FtM property holds a set of values
    present = {prop for prop, _, _ in cleaned}
    if "name" in schema.required and "name" not in present:
        # Registers often give a person's name only in parts; the full name is composed
        # from them, as a screening query's is, so the record can be found and resolved.
        parts: dict[str, list[str]] = defaultdict(list)
        for prop, value, _ in cleaned:
            parts[prop].append(value)
        composed = name_from_parts(parts)
        if composed is not None:
            cleaned.append(("name", composed, None))
            present.add("name")
    # The properties without which the entity means nothing first: their absence
    # refuses the file even where another missing one would only set the entity aside.
    for required in sorted(schema.required, key=lambda prop: not _essential(schema, prop)):
        if required not in present:
            if set_aside is not None and not _essential(schema, required):
                set_aside.note(INCOMPLETE, where, required, f"{schema.name} without it")
                return None
            hint = (
                " (or its parts: 'firstName', 'lastName')"
                if required == "name" and (schema.get("lastName") is not None)
                else ""
            )
            raise where.error(f"{schema.name} needs a value for '{required}'{hint}", field=required)
    return cleaned


def _essential(schema: Schema, prop: str) -> bool:
    """Whether an entity without `prop` is meaningless: a person's or company's name, a
    relationship's ends (an Ownership without its owner)."""
    found = schema.get(prop)  # a relationship's ends are references, as its holder is
    return prop == "name" or (found is not None and found.type.name == "entity")


@dataclass(frozen=True)
class PublisherMeta:
    """What a publisher says of an entity beside its properties (OpenSanctions'
    `datasets`, `first_seen`, `last_seen`, `last_change` and `target`), kept as given so
    that screening answers with the publisher's own values, as yente does."""

    datasets: tuple[str, ...] = ()
    first_seen: datetime | None = None  # UTC
    last_seen: datetime | None = None
    last_change: datetime | None = None
    target: bool | None = None


class StatementWriter:
    """Buffers statements and appends them to the staging table in Arrow batches."""

    def __init__(
        self,
        store: Store,
        dataset: str,
        source_id: int,
        batch_size: int = 50_000,
        on_flush: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        self.dataset = dataset
        self.source_id = source_id
        self.batch_size = batch_size
        self.on_flush = on_flush
        self.rows = 0
        self.set_aside = SetAside()
        self._columns: dict[str, list[Any]] = {name: [] for name in STATEMENT_COLUMNS}
        self._referents: list[tuple[str, str, int]] = []  # (referent, entity_id, record)
        self._meta: list[tuple[str, int, PublisherMeta]] = []  # (entity_id, record, meta)

    def add(
        self,
        entity_id: str,
        schema: str,
        values: list[tuple[str, str, str | None]],
        record: int,
        referents: Sequence[str] = (),
        meta: PublisherMeta | None = None,
    ) -> None:
        self._referents.extend((referent, entity_id, record) for referent in referents)
        if meta is not None:
            self._meta.append((entity_id, record, meta))
        cols = self._columns
        # FtM's convention: an `id` statement records that the entity exists in this
        # source even when it carries no other value here.
        for prop, value, original in [(BASE_ID, entity_id, None), *values]:
            cols["entity_id"].append(entity_id)
            cols["schema"].append(schema)
            cols["prop"].append(prop)
            cols["value"].append(value)
            cols["original_value"].append(original)
            cols["record"].append(record)
        if len(cols["entity_id"]) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if self._referents:
            referents, entity_ids, records = zip(*self._referents, strict=True)
            table = pa.table(
                {
                    "referent": pa.array(referents, pa.string()),
                    "entity_id": pa.array(entity_ids, pa.string()),
                    "dataset": pa.array([self.dataset] * len(referents), pa.string()),
                    "source_id": pa.array([self.source_id] * len(referents), pa.int32()),
                    "record": pa.array(records, pa.int64()),
                }
            )
            self.store.insert_arrow(staging_table("referents"), table)
            self._referents = []
        if self._meta:
            self._flush_meta()
        count = len(self._columns["entity_id"])
        if not count:
            return
        self._columns["dataset"] = [self.dataset] * count
        self._columns["source_id"] = [self.source_id] * count
        table = pa.table(
            {
                name: pa.array(
                    values,
                    type=pa.int64() if name in ("source_id", "record") else pa.string(),
                )
                for name, values in self._columns.items()
            }
        )
        self.store.insert_arrow(staging_table("statements"), table)
        self.rows += count
        self._columns = {name: [] for name in STATEMENT_COLUMNS}
        if self.on_flush is not None:
            self.on_flush(self.rows)

    def _flush_meta(self) -> None:
        entity_ids, records, metas = zip(*self._meta, strict=True)
        count = len(entity_ids)
        table = pa.table(
            {
                "entity_id": pa.array(entity_ids, pa.string()),
                "dataset": pa.array([self.dataset] * count, pa.string()),
                "source_id": pa.array([self.source_id] * count, pa.int32()),
                "record": pa.array(records, pa.int64()),
                "datasets": pa.array([list(m.datasets) for m in metas], pa.list_(pa.string())),
                "first_seen": pa.array([m.first_seen for m in metas], pa.timestamp("us")),
                "last_seen": pa.array([m.last_seen for m in metas], pa.timestamp("us")),
                "last_change": pa.array([m.last_change for m in metas], pa.timestamp("us")),
                "target": pa.array([m.target for m in metas], pa.bool_()),
            }
        )
        self.store.insert_arrow(staging_table("entity_meta"), table)
        self._meta = []
