"""The OpenRefine reconciliation API (version 0.2, as yente serves it) over the screening
matcher: a spreadsheet's column of names, in any script, reconciled against the loaded
entities, with other columns (birth date, nationality, identifiers) as properties.

Pure functions: reading a batch, turning each query into a screening query, and the
manifest and suggestion answers; the route runs the matcher.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from followthemoney import model
from followthemoney.types import registry

from nohaven.errors import NohavenError
from nohaven.screen.index import INDEXED_SCHEMATA, ScreeningIndex, fold_words
from nohaven.screen.query import ScreeningQuery, parse_query

MAX_BATCH = 100
DEFAULT_LIMIT = 5
MAX_LIMIT = 100
BASE_SCHEMA = "LegalEntity"  # yente's: a query with no type matches people and companies


class ReconcileError(NohavenError):
    """A reconciliation request that cannot be answered; the message says why."""


def read_batch(text: str) -> dict[str, dict[str, Any]]:
    """A batch of reconciliation queries (`{"q0": {"query": ..., ...}}`), checked."""
    try:
        batch = json.loads(text)
    except ValueError as exc:
        raise ReconcileError(f"queries: not JSON ({exc})") from None
    if not isinstance(batch, dict) or not all(isinstance(q, dict) for q in batch.values()):
        raise ReconcileError('queries: an object of queries, such as {"q0": {"query": "..."}}')
    if len(batch) > MAX_BATCH:
        raise ReconcileError(f"too many queries in one batch: {len(batch)} (at most {MAX_BATCH})")
    if not batch:
        raise ReconcileError("no queries provided")
    return batch


def query_limit(query: dict[str, Any]) -> int:
    """How many candidates the query asks for (OpenRefine's `limit`)."""
    limit = query.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 < limit <= MAX_LIMIT:
        raise ReconcileError(f"limit: a whole number from 1 to {MAX_LIMIT}, not {limit!r}")
    return limit


def screening_query(key: str, query: dict[str, Any]) -> ScreeningQuery:
    """One reconciliation query as a screening query: `query` is the name, `type` the
    schema (its first, when a list), `properties` FtM properties by name (`pid`)."""
    schema = query.get("type") or BASE_SCHEMA
    if isinstance(schema, list):
        schema = schema[0] if schema else BASE_SCHEMA
    properties: dict[str, list[Any]] = {}
    if query.get("query") is not None:
        properties["name"] = [query["query"]]
    listed = query.get("properties") or []
    if not isinstance(listed, list):
        raise ReconcileError(f"query {key!r}: properties must be a list of {{pid, v}}")
    for item in listed:
        if not isinstance(item, dict) or not isinstance(item.get("pid"), str):
            raise ReconcileError(f"query {key!r}: each property needs a 'pid' and a 'v'")
        prop = model.get_qname(item["pid"]) if ":" in item["pid"] else None
        name = prop.name if prop is not None else item["pid"]
        values = item.get("v")
        for value in values if isinstance(values, list) else [values]:
            # OpenRefine sends a reconciled cell as {"id": ...}; its id is the value.
            value = value.get("id") if isinstance(value, dict) else value
            if value is not None:
                properties.setdefault(name, []).append(value)
    return parse_query({"schema": schema, "properties": properties}, key)


def candidate(result: dict[str, Any]) -> dict[str, Any]:
    """A screening result as a reconciliation candidate."""
    return {
        "id": result["id"],
        "name": result["caption"],
        "description": _description(result),
        "type": [schema_type(result["schema"])],
        "score": result.get("score"),
        "match": result.get("match"),
    }


def _description(result: dict[str, Any]) -> str | None:
    """What tells namesakes apart in OpenRefine's list: birth date, countries, topics."""
    properties = result.get("properties", {})
    parts = [
        *(f"born {d}" for d in properties.get("birthDate", ())[:1]),
        *(str(registry.country.caption(c) or c) for c in properties.get("nationality", ())[:2]),
        *(str(registry.topic.caption(t) or t) for t in properties.get("topics", ())[:2]),
    ]
    return ", ".join(parts) or None


def completions(
    index: ScreeningIndex, prefix: str, visible: frozenset[str] | None = None, count: int = 5
) -> list[str]:
    """What a typed prefix may stand for: the prefix with its last, unfinished word
    completed by words of the indexed names that start with it, the most common first
    ("Zakh" → "zakharov"; "许超" → "许超凡"), of names in datasets a user who may see
    ``visible`` (None: all) may see; for such a user in alphabetical order, since how
    many carry a word counts the datasets they may not see."""
    words = fold_words(prefix)
    if not words or prefix[-1:].isspace():
        return []
    vocabulary, holders, held_in = index.name_words
    last = words[-1]
    start, end = np.searchsorted(vocabulary, [last, last + "\U0010ffff"])
    candidates = np.arange(start, end)
    if visible is not None:
        picked = candidates[(held_in[start:end] & index.dataset_mask(visible)) != 0][: count + 1]
    else:
        picked = candidates[np.argsort(-holders[candidates], kind="stable")[: count + 1]]
    found = [str(word) for word in vocabulary[picked] if word != last]
    return [" ".join([*words[:-1], word]) for word in found[:count]]


def schema_type(name: str) -> dict[str, str]:
    schema = model.get(name)
    return {"id": name, "name": schema.plural if schema else name}


def suggest_types(prefix: str) -> list[dict[str, str]]:
    """The schemata a query may be typed as, whose name or label starts with `prefix`."""
    found = [schema_type(name) for name in (BASE_SCHEMA, *INDEXED_SCHEMATA)]
    return [t for t in found if _starts(prefix, t["id"], t["name"])]


def suggest_properties(prefix: str) -> list[dict[str, str]]:
    """The matchable properties of people and companies starting with `prefix`."""
    seen: dict[str, dict[str, str]] = {}
    for name in INDEXED_SCHEMATA:
        schema = model.get(name)
        for prop in schema.properties.values() if schema else ():
            if prop.matchable and not prop.hidden and prop.type != registry.entity:
                seen.setdefault(prop.name, {"id": prop.name, "name": prop.label})
    return sorted(
        (p for p in seen.values() if _starts(prefix, p["id"], p["name"])),
        key=lambda p: p["id"],
    )


def _starts(prefix: str, *texts: str) -> bool:
    wanted = prefix.strip().lower()
    return any(text.lower().startswith(wanted) for text in texts)


@dataclass(frozen=True)
class Extension:
    """A data extension request: the reconciled entities' ids, and for each property
    asked for, how many values at most (0: all) and whether as captions ("Russia") or
    as stored ("ru")."""

    ids: tuple[str, ...]
    properties: tuple[tuple[str, int, bool], ...]  # (name, limit, as caption)


def read_extension(text: str) -> Extension:
    """OpenRefine's data extension request (`{"ids": [...], "properties": [{"id":
    "birthDate", "settings": {"limit": 0, "render": "caption"}}]}`), checked."""
    try:
        asked = json.loads(text)
    except ValueError as exc:
        raise ReconcileError(f"extend: not JSON ({exc})") from None
    ids = asked.get("ids") if isinstance(asked, dict) else None
    props = asked.get("properties") if isinstance(asked, dict) else None
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ReconcileError('extend: "ids" must be a list of entity ids')
    if len(ids) > MAX_BATCH:
        raise ReconcileError(f"too many ids in one batch: {len(ids)} (at most {MAX_BATCH})")
    if not isinstance(props, list) or not all(
        isinstance(p, dict) and isinstance(p.get("id"), str) for p in props
    ):
        raise ReconcileError('extend: "properties" must be a list of {"id": PROPERTY}')
    wanted = []
    for prop in props:
        settings = prop.get("settings") or {}
        limit = settings.get("limit", 0) if isinstance(settings, dict) else None
        render = settings.get("render", "caption") if isinstance(settings, dict) else None
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            raise ReconcileError(f"extend: {prop['id']}: limit must be a whole number >= 0")
        if render not in ("caption", "raw"):
            raise ReconcileError(f"extend: {prop['id']}: render must be 'caption' or 'raw'")
        wanted.append((prop["id"], limit, render == "caption"))
    return Extension(tuple(ids), tuple(wanted))


def extension_rows(
    extension: Extension, entities: dict[str, dict[str, Any] | None]
) -> dict[str, Any]:
    """The extension's answer: each asked property's label, and for each id its values
    of those properties that its entity (`entities`, None when not found) has."""
    meta: dict[str, dict[str, str]] = {}
    rows: dict[str, dict[str, list[dict[str, str]]]] = {}
    for entity_id in extension.ids:
        found = entities.get(entity_id)
        row: dict[str, list[dict[str, str]]] = {}
        schema = model.get(found["schema"]) if found else None
        for name, limit, as_caption in extension.properties:
            prop = schema.get(name) if schema else None
            if prop is None:
                continue
            meta.setdefault(name, {"id": prop.name, "name": prop.label})
            values = found["properties"].get(name, [])
            if limit:
                values = values[:limit]
            row[name] = [{"str": _rendered(prop, value, as_caption)} for value in values]
        rows[entity_id] = row
    return {"meta": list(meta.values()), "rows": rows}


def _rendered(prop: Any, value: Any, as_caption: bool) -> str:
    """A value as the extension gives it; a nested entity by its caption or its id."""
    if isinstance(value, dict):
        return str(value.get("caption") or value["id"]) if as_caption else str(value["id"])
    return str(prop.type.caption(value) or value) if as_caption else str(value)


def extension_properties(type_name: str, limit: int = 0) -> dict[str, Any]:
    """The properties a column may be extended with for entities of a schema: its
    featured ones first, then the rest that are shown and are not references."""
    schema = model.get(type_name)
    if schema is None:
        raise ReconcileError(f"unknown type {type_name!r}")
    names = [n for n in schema.featured if schema.get(n) is not None]
    names += [
        p.name
        for p in schema.properties.values()
        if not p.hidden and p.type != registry.entity and p.name not in names
    ]
    if limit > 0:
        names = names[:limit]
    properties = [{"id": n, "name": schema.get(n).label} for n in sorted(names)]
    return {"limit": limit, "type": schema.name, "properties": properties}


def manifest(base_url: str, dataset: str, query_string: str = "") -> dict[str, Any]:
    """The service manifest OpenRefine reads when the service is added."""
    service = f"{base_url.rstrip('/')}/reconcile/{dataset}"

    def path(kind: str) -> dict[str, str]:
        return {"service_url": service, "service_path": f"/suggest/{kind}{query_string}"}

    settings = [
        {
            "name": "limit",
            "label": "Limit",
            "type": "number",
            "default": 0,
            "help_text": "How many values of each property to give per row (0: all).",
        },
        {
            "name": "render",
            "label": "Value rendering",
            "type": "select",
            "default": "caption",
            "choices": [
                {"id": "caption", "name": "Readable value"},
                {"id": "raw", "name": "Value as stored"},
            ],
            "help_text": "A readable value ('Russia') rather than the stored one ('ru').",
        },
    ]

    return {
        "versions": ["0.2"],
        "name": f"nohaven: {dataset}",
        "identifierSpace": "https://followthemoney.tech/explorer/",
        "schemaSpace": "https://followthemoney.tech/explorer/schemata/",
        "view": {"url": f"{base_url.rstrip('/')}/entity/{{{{id}}}}"},
        "batchSize": 10,
        "suggest": {"entity": path("entity"), "type": path("type"), "property": path("property")},
        "extend": {
            "propose_properties": {
                "service_url": service,
                "service_path": f"/extend/property{query_string}",
            },
            "propose_settings": settings,
        },
        "defaultTypes": [schema_type(BASE_SCHEMA), schema_type("Person"), schema_type("Company")],
    }
