"""FollowTheMoney entities as JSON lines (OpenSanctions and Aleph exports)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from followthemoney.property import Property
from followthemoney.schema import Schema
from followthemoney.types import registry

from nohaven.ingest.entities import (
    PublisherMeta,
    SetAside,
    StatementWriter,
    Where,
    check_entity_id,
    clean_properties,
    resolve_schema,
)
from nohaven.ingest.files import text_lines

# OpenSanctions nests two levels (a person's ownerships and their assets); a deeper nest
# is malformed, or built to exhaust the loader.
MAX_NESTING = 8


def load_ftm(
    path: Path,
    writer: StatementWriter,
    on_bytes: Callable[[int], None] | None = None,
) -> int:
    """Validate each entity against the FtM model and write its statements; returns records."""
    records = 0
    with text_lines(path) as lines:
        for number, line in enumerate(lines, start=1):
            if on_bytes is not None:
                on_bytes(len(line.encode("utf-8")))
            if not line.strip():
                continue
            where = Where(path, line=number)
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                # json's own messages may end "... starting at": the column follows.
                at = "" if exc.msg.endswith(" at") else " at"
                raise where.error(f"invalid JSON ({exc.msg}{at} column {exc.colno})") from None
            except RecursionError:
                raise where.error("invalid JSON (nested too deeply)") from None
            if not isinstance(data, dict):
                raise where.error("expected a JSON object per line")
            entities: dict[str, _Entity] = {}
            _unnest(data, where, entities, writer.set_aside)
            for entity_id, (schema, values, referents, meta) in entities.items():
                writer.add(entity_id, schema.name, values, number, referents, meta)
            records += len(entities)
    writer.flush()
    return records


# An entity's schema, its (prop, value, original value), the ids it was merged from
# and what its publisher says of it.
_Entity = tuple[Schema, list[tuple[str, str, str | None]], list[str], PublisherMeta | None]
_TIMESTAMPS = ("first_seen", "last_seen", "last_change")
MAX_DATASET_NAME = 200


def _timestamp(value: Any) -> datetime | None:
    """An ISO date or date and time (any offset) as naive UTC, or None if it is none."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _publisher_meta(data: dict[str, Any], where: Where) -> PublisherMeta | None:
    """What the publisher says of the entity beside its properties (OpenSanctions'
    `datasets`, `first_seen`, `last_seen`, `last_change`, `target`); None when nothing."""
    datasets = data.get("datasets")
    if datasets is not None and (
        not isinstance(datasets, list)
        or not all(
            isinstance(name, str) and 0 < len(name.strip()) <= MAX_DATASET_NAME for name in datasets
        )
    ):
        raise where.error(
            f"'datasets' must be a list of dataset names (1 to {MAX_DATASET_NAME} characters)",
            field="datasets",
        )
    times: dict[str, datetime] = {}
    for name in _TIMESTAMPS:
        if data.get(name) is None:
            continue
        moment = _timestamp(data[name])
        if moment is None:
            raise where.error(
                f"'{name}' must be a date and time such as 2024-05-01T12:00:00, "
                f"not {str(data[name])[:60]!r}",
                field=name,
            )
        times[name] = moment
    target = data.get("target")
    if target is not None and not isinstance(target, bool):
        raise where.error("'target' must be true or false", field="target")
    if not datasets and not times and target is None:
        return None
    return PublisherMeta(
        tuple(dict.fromkeys(name.strip() for name in datasets or ())),
        times.get("first_seen"),
        times.get("last_seen"),
        times.get("last_change"),
        target,
    )


def _referents(data: dict[str, Any], entity_id: str, where: Where) -> list[str]:
    """The ids an entity was merged from (OpenSanctions' ``referents``), its own left out."""
    listed = data.get("referents")
    if listed is None:
        return []
    if not isinstance(listed, list):
        raise where.error("'referents' must be a list of entity ids", field="referents")
    found = [check_entity_id(value, where, field="referents") for value in listed]
    return [referent for referent in dict.fromkeys(found) if referent != entity_id]


def _unnest(
    data: dict[str, Any],
    where: Where,
    out: dict[str, _Entity],
    set_aside: SetAside,
    parent: tuple[str, Property] | None = None,
    depth: int = 0,
) -> str | None:
    """Check one entity and every entity nested in its properties (OpenSanctions'
    targets.nested.json), adding each to `out`; returns the entity's id (None when it
    was set aside as incomplete).

    A nested entity stands for a reference to it; one under a reverse property (a
    person's "sanctions") refers back to its parent through the forward property
    ("entity"), added when the export left it out."""
    if parent is not None and depth > MAX_NESTING:
        raise where.error(f"entities nested more than {MAX_NESTING} deep", field=parent[1].name)
    schema = resolve_schema(data.get("schema"), where)
    entity_id = check_entity_id(data.get("id"), where)
    referents = _referents(data, entity_id, where)
    meta = _publisher_meta(data, where)
    properties = data.get("properties", {})
    if not isinstance(properties, dict):
        raise where.error("'properties' must be an object", field="properties")
    flat: dict[str, list[Any]] = {}
    for name, values in properties.items():
        prop = schema.get(name)
        listed = values if isinstance(values, list) else [values]
        kept = []
        for value in listed:
            if isinstance(value, dict) and prop is not None and prop.type == registry.entity:
                nested = _unnest(value, where, out, set_aside, (entity_id, prop), depth + 1)
                if nested is not None and not prop.stub:
                    kept.append(nested)
            else:
                kept.append(value)
        flat[name] = kept
    if parent is not None and parent[1].stub and parent[1].reverse is not None:
        back = parent[1].reverse.name
        if schema.get(back) is not None and parent[0] not in flat.get(back, []):
            flat[back] = [*flat.get(back, []), parent[0]]
    values = clean_properties(schema, flat, where, set_aside)
    if values is None:  # incomplete, and counted in set_aside: nothing may refer to it
        return None
    if entity_id in out:  # the same entity nested twice: one set of values
        values = list(dict.fromkeys([*out[entity_id][1], *values]))
        referents = list(dict.fromkeys([*out[entity_id][2], *referents]))
        meta = meta or out[entity_id][3]
    out[entity_id] = (schema, values, referents, meta)
    return entity_id
