"""Loader for declarations as JSON lines, validated against `nohaven.ingest.declaration`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
from pydantic import ValidationError

from nohaven.errors import InputError
from nohaven.ingest.declaration import Declaration
from nohaven.ingest.files import text_lines
from nohaven.store import Store, staging_table

BATCH = 5_000


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def load_declarations(
    store: Store,
    path: Path,
    dataset: str,
    source_id: int,
    on_bytes: Callable[[int], None] | None = None,
) -> int:
    """Validate each declaration and stage it whole; amendments are kept as versions."""
    rows: dict[str, list[object]] = {}
    seen: set[tuple[str, int]] = set()
    total = 0

    def flush() -> None:
        if rows:
            store.insert_arrow(staging_table("declarations"), pa.table(rows))
            rows.clear()

    with text_lines(path) as lines:
        for number, line in enumerate(lines, start=1):
            if on_bytes is not None:
                on_bytes(len(line.encode("utf-8")))
            if not line.strip():
                continue
            try:
                declaration = Declaration.model_validate_json(line)
            except ValidationError as exc:
                first = exc.errors()[0]
                field = _field_path(tuple(first["loc"]))
                if first["type"] == "json_invalid":
                    raise InputError(path, f"invalid JSON ({first['msg']})", line=number) from None
                raise InputError(path, first["msg"], line=number, field=field or None) from None
            key = (declaration.declaration_id, declaration.version)
            if key in seen:
                raise InputError(
                    path,
                    f"declaration {declaration.declaration_id} version {declaration.version} "
                    "appears twice",
                    line=number,
                    field="declaration_id",
                )
            seen.add(key)
            record = {
                "declaration_id": declaration.declaration_id,
                "official_id": declaration.official_id,
                "filing_date": declaration.filing_date,
                "kind": declaration.kind.value,
                "version": declaration.version,
                "amends": declaration.amends,
                "document": json.dumps(
                    declaration.model_dump(mode="json", by_alias=True), ensure_ascii=False
                ),
                "dataset": dataset,
                "source_id": source_id,
                "record": number,
            }
            for name, value in record.items():
                rows.setdefault(name, []).append(value)
            total += 1
            if total % BATCH == 0:
                flush()
    flush()
    return total


def check_declaration_versions(store: Store, paths: dict[int, Path]) -> None:
    """Refuse a declaration version already loaded in the same dataset (after publishing)."""
    clash = store.fetchone(
        "SELECT declaration_id, version, dataset, max(source_id) FROM declarations "
        "GROUP BY dataset, declaration_id, version HAVING count(*) > 1 LIMIT 1"
    )
    if clash:
        declaration_id, version, dataset, source_id = clash
        raise InputError(
            paths.get(int(source_id), Path("?")),
            f"declaration {declaration_id} version {version} is already loaded in dataset "
            f"'{dataset}'",
            field="declaration_id",
        )
