"""CSV files mapped to FtM entities by a YAML mapping, in the spirit of FtM mappings.

A mapping names the entities made from each row, each with a schema, an id (taken from
a column, or hashed from key columns) and properties taken from columns, literals or
other entities of the same row. docs/FORMATS.md shows a full example.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from followthemoney.property import Property
from followthemoney.schema import Schema
from followthemoney.types import registry

from nohaven.dates import MISSING, date_with_format, read_date
from nohaven.errors import InputError
from nohaven.ingest.entities import (
    StatementWriter,
    Where,
    check_entity_id,
    clean_properties,
    resolve_schema,
)
from nohaven.ingest.files import text_lines


@dataclass(frozen=True)
class PropertySource:
    """Where one property's value comes from: a column, a literal or a sibling entity;
    for a date column, how its dates are written (`format`: a strptime format such as
    "%m/%d/%Y", or "auto" for `nohaven.dates.read_date`)."""

    column: str | None = None
    literal: str | None = None
    entity: str | None = None
    format: str | None = None

    def read(self, cell: str, where: Where) -> str:
        """The cell's value, a date read by `format` into ISO form."""
        if self.format is None or not cell.strip():
            return cell
        text = cell.strip()
        if text.lower() in MISSING:
            return ""
        value = read_date(text) if self.format == "auto" else date_with_format(text, self.format)
        if value is None:
            raise where.error(f"{text!r} is not a date as {self.format!r} writes one", self.column)
        return value


@dataclass(frozen=True)
class EntityMapping:
    name: str
    schema: Schema
    id_column: str | None
    keys: tuple[str, ...]
    properties: dict[str, PropertySource] = field(default_factory=dict)


@dataclass(frozen=True)
class Mapping:
    path: Path
    entities: tuple[EntityMapping, ...]

    def columns(self) -> set[str]:
        """Every CSV column the mapping reads."""
        used: set[str] = set()
        for entity in self.entities:
            if entity.id_column:
                used.add(entity.id_column)
            used.update(entity.keys)
            used.update(src.column for src in entity.properties.values() if src.column)
        return used


def _property_source(raw: Any, where: Where, prop: Property) -> PropertySource:
    if isinstance(raw, str):
        return PropertySource(column=raw)
    if isinstance(raw, dict) and set(raw) == {"column", "format"}:
        if prop.type != registry.date:
            raise where.error(f"'format' is for dates; {prop.name} is not one", field=prop.name)
        if isinstance(raw["column"], str) and isinstance(raw["format"], str):
            return PropertySource(column=raw["column"], format=raw["format"])
    if isinstance(raw, dict) and len(raw) == 1:
        ((key, value),) = raw.items()
        if key in ("column", "literal", "entity") and isinstance(value, str | int | float):
            return PropertySource(**{key: str(value)})
    raise where.error(
        "a property takes {column: NAME}, {literal: VALUE} or {entity: NAME} "
        "(a date column also {column: NAME, format: '%m/%d/%Y' or auto})",
        field=prop.name,
    )


def parse_mapping(path: Path) -> Mapping:
    """Read and check a mapping file against the FtM model before any row is read."""
    where = Where(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise where.error(f"cannot read the mapping ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("entities"), dict):
        raise where.error("a mapping needs an 'entities' section", field="entities")
    entities: list[EntityMapping] = []
    names = set(data["entities"])
    for name, spec in data["entities"].items():
        if not isinstance(spec, dict):
            raise where.error("each entity must be a mapping", field=str(name))
        schema = resolve_schema(spec.get("schema"), where)
        id_column = spec.get("id_column")
        keys = spec.get("keys") or []
        if isinstance(keys, str):
            keys = [keys]
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise where.error("keys must be a list of column names", field=f"{name}.keys")
        if id_column is not None and not isinstance(id_column, str):
            raise where.error("id_column must be a column name", field=f"{name}.id_column")
        properties = spec.get("properties") or {}
        if not isinstance(properties, dict):
            raise where.error(
                "properties must map FtM properties to sources", field=f"{name}.properties"
            )
        if not id_column and not keys:
            raise where.error("give id_column or keys", field=f"{name}")
        props: dict[str, PropertySource] = {}
        for prop, raw in properties.items():
            found = schema.get(prop)
            if found is None:
                raise where.error(f"schema {schema.name} has no property '{prop}'", field=prop)
            source = _property_source(raw, where, found)
            if source.entity is not None and source.entity not in names:
                raise where.error(f"no entity named '{source.entity}' in this mapping", prop)
            props[prop] = source
        entities.append(
            EntityMapping(str(name), schema, id_column, tuple(str(k) for k in keys), props)
        )
    return Mapping(path, tuple(entities))


def _entity_id(entity: EntityMapping, row: dict[str, str], namespace: str) -> str | None:
    if entity.id_column:
        return (row.get(entity.id_column) or "").strip() or None
    parts = [(row.get(key) or "").strip() for key in entity.keys]
    if not any(parts):
        return None
    digest = hashlib.sha1("\x1f".join([namespace, entity.name, *parts]).encode()).hexdigest()
    return f"{namespace}-{digest[:20]}"


def load_mapped_csv(
    path: Path,
    mapping: Mapping,
    writer: StatementWriter,
    on_bytes: Callable[[int], None] | None = None,
) -> int:
    """Turn each row into the mapping's entities and write their statements."""
    delimiter = "\t" if ".tsv" in path.name else ","
    with text_lines(path) as lines:
        reader = csv.DictReader(lines, delimiter=delimiter)
        header = [name.strip() for name in reader.fieldnames or []]
        reader.fieldnames = header
        missing = sorted(mapping.columns() - set(header))
        if missing:
            raise InputError(
                path, "column missing (the mapping reads it)", line=1, field=missing[0]
            )
        records = 0
        line_start = 2
        for row in reader:
            line = line_start
            line_start = reader.line_num + 1
            if on_bytes is not None:
                on_bytes(sum(len(v) + 1 for v in row.values() if isinstance(v, str)))
            if None in row:
                raise InputError(path, "more cells than header columns", line=line)
            if None in row.values():
                raise InputError(path, "fewer cells than header columns", line=line)
            where = Where(path, line=line)
            ids: dict[str, str | None] = {
                entity.name: _entity_id(entity, row, writer.dataset) for entity in mapping.entities
            }
            for entity in mapping.entities:
                entity_id = ids[entity.name]
                if entity_id is None or any(
                    src.entity is not None and ids.get(src.entity) is None
                    for src in entity.properties.values()
                ):
                    # No id, or a link to an entity this row does not have: nothing to say.
                    continue
                check_entity_id(entity_id, where, field=entity.id_column or "keys")
                values: dict[str, list[str]] = {}
                for prop, source in entity.properties.items():
                    if source.column is not None:
                        value = source.read(row.get(source.column) or "", where)
                    elif source.literal is not None:
                        value = source.literal
                    else:
                        value = ids.get(source.entity or "")
                    if value:
                        values.setdefault(prop, []).append(value)
                try:
                    cleaned = clean_properties(entity.schema, values, where) or []
                except InputError as exc:
                    # Name the CSV column rather than the FtM property where we can.
                    src = entity.properties.get(exc.field or "")
                    if src is not None and src.column:
                        exc.field = src.column
                    raise
                writer.add(entity_id, entity.schema.name, cleaned, line)
            records += 1
    writer.flush()
    return records
