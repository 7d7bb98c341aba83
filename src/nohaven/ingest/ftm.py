"""FollowTheMoney entities as JSON lines (OpenSanctions and Aleph exports)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from nohaven.ingest.entities import (
    StatementWriter,
    Where,
    check_entity_id,
    clean_properties,
    resolve_schema,
)
from nohaven.ingest.files import text_lines


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
                raise where.error(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
            if not isinstance(data, dict):
                raise where.error("expected a JSON object per line")
            schema = resolve_schema(data.get("schema"), where)
            entity_id = check_entity_id(data.get("id"), where)
            properties = data.get("properties", {})
            if not isinstance(properties, dict):
                raise where.error("'properties' must be an object", field="properties")
            values = clean_properties(schema, properties, where)
            writer.add(entity_id, schema.name, values, number)
            records += 1
    writer.flush()
    return records
