"""Entities back out as FtM JSON lines, assembled from their statements by FtM itself."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from followthemoney.dataset import Dataset
from followthemoney.exc import InvalidData
from followthemoney.statement import Statement, StatementEntity

from nohaven.errors import NohavenError
from nohaven.store.store import Store

_COLUMNS = "entity_id, schema, prop, value, original_value, dataset"


def iter_entities(store: Store, dataset: str) -> Iterator[StatementEntity]:
    """Each entity of a dataset, merged across the files that mention it, in id order."""
    ftm_dataset = Dataset.make({"name": dataset, "title": dataset})
    sql = (
        f"SELECT {_COLUMNS} FROM statements WHERE dataset = ? ORDER BY entity_id, source_id, record"
    )
    yield from _entities(store, sql, [dataset], ftm_dataset)


def iter_entities_by_id(store: Store, entity_ids: list[str]) -> Iterator[StatementEntity]:
    """Given entities whatever their datasets, each merged from all its statements."""
    if not entity_ids:
        return
    sql = (
        f"SELECT {_COLUMNS} FROM statements WHERE entity_id IN (SELECT unnest(?)) "
        "ORDER BY entity_id, source_id, record"
    )
    yield from _entities(
        store, sql, [entity_ids], Dataset.make({"name": "nohaven", "title": "nohaven"})
    )


def _entities(store: Store, sql: str, params: list, dataset: Dataset) -> Iterator[StatementEntity]:
    """Entities from statements streamed in entity order."""
    current: list[Statement] = []
    for batch in store.fetch_batches(sql, params):
        for entity_id, schema, prop, value, original, ds in zip(
            *(batch.column(i).to_pylist() for i in range(batch.num_columns)), strict=True
        ):
            if current and current[0].entity_id != entity_id:
                yield _assemble(dataset, current)
                current = []
            current.append(Statement(entity_id, prop, schema, value, ds, original_value=original))
    if current:
        yield _assemble(dataset, current)


def _assemble(dataset: Dataset, statements: list[Statement]) -> StatementEntity:
    """One entity from its statements; schemas no entity can have at once are an error."""
    try:
        return StatementEntity.from_statements(dataset, statements)
    except InvalidData as exc:
        schemas = sorted({s.schema for s in statements})
        raise NohavenError(
            f"entity {statements[0].entity_id} in dataset '{dataset.name}' has schemas that "
            f"cannot be merged ({', '.join(schemas)}): {exc}"
        ) from None


def export_entities(store: Store, dataset: str, out: TextIO) -> int:
    """Write a dataset as FtM JSON lines (id, schema, properties, and the referents an
    entity was loaded with); returns the count."""
    if dataset not in store.datasets():
        raise NohavenError(f"no dataset named '{dataset}' (see `nohaven status`)")
    referents: dict[str, list[str]] = {}
    for referent, entity_id in store.fetchall(
        "SELECT DISTINCT referent, entity_id FROM referents WHERE dataset = ? ORDER BY ALL",
        [dataset],
    ):
        referents.setdefault(entity_id, []).append(referent)
    published = _publisher_meta(store, dataset)
    count = 0
    for entity in iter_entities(store, dataset):
        properties = {prop: sorted(values) for prop, values in sorted(entity.properties.items())}
        line: dict[str, Any] = {
            "id": entity.id,
            "schema": entity.schema.name,
            "properties": properties,
        }
        if entity.id in referents:  # the ids it was merged from, as OpenSanctions gives them
            line["referents"] = referents[entity.id]
        line.update(published.get(entity.id, {}))
        out.write(json.dumps(line, ensure_ascii=False, sort_keys=False) + "\n")
        count += 1
    return count


def _publisher_meta(store: Store, dataset: str) -> dict[str, dict[str, Any]]:
    """What the dataset's publisher said of each entity (datasets, timestamps, target),
    as it was loaded, keyed by entity id."""
    rows = store.fetchall(
        """
        SELECT entity_id,
               list_sort(list_distinct(flatten(list(datasets) FILTER (datasets IS NOT NULL)))),
               strftime(min(first_seen), '%Y-%m-%dT%H:%M:%S'),
               strftime(max(last_seen), '%Y-%m-%dT%H:%M:%S'),
               strftime(max(last_change), '%Y-%m-%dT%H:%M:%S'),
               bool_or(target)
        FROM entity_meta WHERE dataset = ? GROUP BY entity_id
        """,
        [dataset],
    )
    names = ("datasets", "first_seen", "last_seen", "last_change", "target")
    return {
        entity_id: {
            name: value
            for name, value in zip(names, values, strict=True)
            if value is not None and value != []
        }
        for entity_id, *values in rows
    }
