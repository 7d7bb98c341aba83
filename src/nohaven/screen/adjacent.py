"""The entities that refer to one entity (its sanctions, ownerships, directorships,
identifications), nested into it as yente's ``/entities/{id}`` nests them: each under
the reverse property of the reference ("sanctions", "ownershipOwner"), with the entities
at its other ends nested in turn, one level deep."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from functools import cache
from typing import Any

from followthemoney import model
from followthemoney.types import registry

from nohaven.store.store import Store

# A company can be referred to by thousands of ownerships; a page of them is enough to
# show, and the response stays small.
MAX_ADJACENT = 200


@cache
def reference_props() -> tuple[str, ...]:
    """Every property name that refers to another entity (forward side only)."""
    return tuple(
        sorted(
            {
                prop.name
                for schema in model.schemata.values()
                for prop in schema.properties.values()
                if prop.type == registry.entity and not prop.stub
            }
        )
    )


def nesting_property(schema_name: str, prop_name: str) -> str:
    """The property under which the referred-to entity lists the referring one: the
    reference's reverse ("Sanction.entity" → "sanctions")."""
    schema = model.get(schema_name)
    prop = schema.get(prop_name) if schema else None
    if prop is not None and prop.reverse is not None:
        return prop.reverse.name
    return f"{schema_name[:1].lower()}{schema_name[1:]}Relations"


def _within(datasets: frozenset[str] | None, params: list[Any]) -> tuple[str, list[Any]]:
    """The SQL condition keeping statements of `datasets` (None: all), and `params`
    with its parameter added."""
    if datasets is None:
        return "", params
    return "AND dataset IN (SELECT unnest(?))", [*params, sorted(datasets)]


def _entities(
    reader: Store, ids: Collection[str], datasets: frozenset[str] | None
) -> dict[str, dict[str, Any]]:
    """The given entities in yente's shape, from the statements of `datasets` (None:
    all)."""
    if not ids:
        return {}
    where, params = _within(datasets, [sorted(ids)])
    rows = reader.fetchall(
        f"SELECT entity_id, schema, prop, value, dataset FROM statements "
        f"WHERE entity_id IN (SELECT unnest(?)) AND prop <> 'id' {where} "
        f"ORDER BY entity_id, prop, value",
        params,
    )
    schemata: dict[str, str] = {}
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    sources: dict[str, set[str]] = defaultdict(set)
    for entity_id, schema, prop, value, dataset in rows:
        schemata.setdefault(entity_id, schema)
        if value not in values[entity_id][prop]:
            values[entity_id][prop].append(value)
        sources[entity_id].add(dataset)
    out = {}
    for entity_id, schema in schemata.items():
        proxy = model.make_entity(schema)
        proxy.id = entity_id
        for prop, found in values[entity_id].items():
            proxy.add(prop, found, quiet=True, cleaned=True)
        out[entity_id] = {
            "id": entity_id,
            "caption": proxy.caption,
            "schema": schema,
            "properties": {prop: list(found) for prop, found in values[entity_id].items()},
            "datasets": sorted(sources[entity_id]),
        }
    return out


def adjacent_entities(
    reader: Store,
    entity_id: str,
    datasets: frozenset[str] | None = None,
    skip: Collection[str] = (),
    cap: int = MAX_ADJACENT,
) -> tuple[dict[str, list[dict[str, Any]]], bool]:
    """The entities of `datasets` (None: all) that refer to `entity_id`, by the property
    the entity lists them under, each with the other entities it refers to nested;
    entities in `skip` (already nested by the caller) left out; at most `cap` of them,
    and whether there are more."""
    where, params = _within(datasets, [entity_id, entity_id, list(reference_props()), sorted(skip)])
    referring = reader.fetchall(
        f"SELECT DISTINCT entity_id, schema, prop FROM statements "
        f"WHERE value = ? AND entity_id <> ? AND prop IN (SELECT unnest(?)) "
        f"AND entity_id NOT IN (SELECT unnest(?::VARCHAR[])) {where} "
        f"ORDER BY entity_id, prop LIMIT {int(cap) + 1}",
        params,
    )
    more = len(referring) > cap
    referring = referring[:cap]
    edges = _entities(reader, {row[0] for row in referring}, datasets)
    nest_references(reader, edges.values(), datasets, leave=entity_id)
    nested: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for edge_id, schema, prop in referring:
        edge = edges.get(edge_id)
        if edge is not None:
            nested[nesting_property(schema, prop)].append(edge)
    return dict(nested), more


def nest_references(
    reader: Store,
    entities: Collection[dict[str, Any]],
    datasets: frozenset[str] | None,
    leave: str | None = None,
) -> None:
    """Replace, in place, each reference the entities hold by the entity it names (from
    the statements of `datasets`), but for references to `leave`: the entity they are
    nested under already."""
    references = set(reference_props())
    ends = _entities(
        reader,
        {
            value
            for entity in entities
            for prop, found in entity["properties"].items()
            if prop in references
            for value in found
            if value != leave
        },
        datasets,
    )
    for entity in entities:
        for prop, found in entity["properties"].items():
            if prop in references:
                found[:] = [
                    ends.get(value, value) if isinstance(value, str) else value for value in found
                ]


def stored_entity(
    reader: Store, entity_id: str, datasets: frozenset[str] | None = None
) -> dict[str, Any] | None:
    """An entity the screening index does not hold (a sanction, an ownership, an
    address), in yente's shape from the statements of `datasets` (None: all), with the
    entities it refers to nested; None when those datasets do not hold it."""
    found = _entities(reader, {entity_id}, datasets).get(entity_id)
    if found is None:
        return None
    nest_references(reader, [found], datasets)
    return {**found, "referents": [], "target": False}


def adjacent_pages(
    nested: dict[str, Any],
    limit: int,
    offset: int,
    only: str | None = None,
    capped: bool = False,
) -> dict[str, dict[str, Any]]:
    """yente's ``/entities/{id}/adjacent``: for each property of the entity's schema that
    names entities (or `only` that one), a page of the entities nested under it in
    `nested` and how many there are ("gte" when `capped`: more may refer to it); a
    property with none is left out unless asked for by name."""
    schema = model.get(nested["schema"])
    pages = {}
    for name, prop in schema.properties.items() if schema else ():
        if prop.type != registry.entity or (only is not None and name != only):
            continue
        found = [v for v in nested["properties"].get(name, ()) if isinstance(v, dict)]
        if found or only is not None:
            pages[name] = {
                "results": found[offset : offset + limit],
                "total": {"value": len(found), "relation": "gte" if capped else "eq"},
                "limit": limit,
                "offset": offset,
            }
    return pages


def without_nesting(nested: dict[str, Any]) -> dict[str, Any]:
    """The entity itself, as yente's ``/adjacent`` gives it beside the pages: its own
    properties, references as ids, nothing nested under the reverse properties."""
    schema = model.get(nested["schema"])
    own = {}
    for name, values in nested["properties"].items():
        prop = schema.get(name) if schema else None
        if prop is not None and prop.stub:
            continue
        own[name] = [v["id"] if isinstance(v, dict) else v for v in values]
    return {**nested, "properties": own}
