"""yente's /search over the screening index: entities found by a name in any script, or
listed by filters alone (an empty query), with yente's filters, sorts and facets.

A name is looked up as /match looks it up (the cross-script keys, each word of a name
a key too), so at most `MAX_RESULTS` candidates are scored; an empty query walks the
index itself, its cheap filters in NumPy first. yente's query-string syntax (wildcards,
`field:value` inside `q`) is not read: `q` is a name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from followthemoney import model
from followthemoney.types import registry

from nohaven.errors import NohavenError
from nohaven.screen.index import (
    INDEXED_SCHEMATA,
    ScreeningIndex,
    is_card_tag,
    normal_identifier,
)
from nohaven.screen.match import MAX_CANDIDATES, result_dicts, scored_results
from nohaven.screen.query import parse_query

MAX_RESULTS = 10_000  # yente's window: offset + limit within it, totals past it "gte"
# A listing examines at most this many entities one by one (filters that read each
# entity's properties, such as countries, cost some microseconds each): past it, the
# total is "gte" what was found so far.
MAX_EXAMINED = 200_000
FACETS = ("datasets", "schema", "countries", "identifiers", "topics", "genders")
DEFAULT_FACETS = ("countries", "topics", "datasets")
# Sortable fields: yente's entity timestamps (the publisher's, else the loads') and
# `_score`, the order a search gives anyway.
SORT_FIELDS = ("first_seen", "last_seen", "last_change", "_score")
# `filter=field:value` fields beyond `properties.<name>`.
FILTER_FIELDS = (
    "countries",
    "topics",
    "datasets",
    "schema",
    "target",
    "identifiers",
    "genders",
    "entity_id",
    "referents",
)


class SearchError(NohavenError):
    """A search that cannot be run as asked; the message says which parameter and why."""


@dataclass(frozen=True)
class SearchRequest:
    """One /search, its parameters already checked for shape (yente's names)."""

    text: str = ""
    schema: str = "Thing"
    datasets_in_scope: frozenset[str] | None = None  # the path's dataset(s); None: all
    include_datasets: frozenset[str] = frozenset()
    exclude_datasets: frozenset[str] = frozenset()
    exclude_schemata: frozenset[str] = frozenset()
    changed_since: float | None = None
    # Field → values: countries, topics, datasets and `filter=` pairs, combined per
    # field by `every_value` (yente's filter_op AND) or else any (OR).
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    every_value: bool = False
    sorts: tuple[tuple[str, bool], ...] = ()  # (field, descending)
    facets: tuple[str, ...] = DEFAULT_FACETS
    limit: int = 10
    offset: int = 0
    visible: frozenset[str] | None = None


@dataclass
class SearchPage:
    """A page of results, how many there are in all, and the facets counted over them."""

    results: list[dict[str, Any]]
    total: int
    relation: str  # "eq", or "gte" when more entities than MAX_RESULTS fit the filters
    facets: dict[str, dict[str, Any]]


def parse_filter(text: str) -> tuple[str, str]:
    """One yente ``filter`` parameter, ``field:value``, checked."""
    name, colon, value = text.partition(":")
    if not colon or not name:
        raise SearchError(f"filter {text!r}: write it as field:value")
    if name not in FILTER_FIELDS and not name.startswith("properties."):
        raise SearchError(
            f"filter {text!r}: unknown field {name!r}; use properties.<name> or one of "
            + ", ".join(FILTER_FIELDS)
        )
    return name, value


def parse_sort(text: str) -> tuple[str, bool]:
    """One yente ``sort`` parameter, ``field`` or ``field:asc|desc``."""
    name, _, order = text.rpartition(":") if ":" in text else (text, "", "asc")
    if name not in SORT_FIELDS:
        raise SearchError(f"sort {text!r}: sort by one of {', '.join(SORT_FIELDS)}")
    return name, order == "desc"


def search(index: ScreeningIndex, request: SearchRequest) -> SearchPage:
    """The page of entities `request` asks for, in yente's /search shape."""
    schemata = _searched_schemata(request.schema) - request.exclude_schemata
    # Filters any one value passes also bound the candidates a name search scores, so
    # that 60 namesakes elsewhere do not crowd out the one in the country asked for.
    any_of = {} if request.every_value else request.filters
    allowed, named = index.dataset_filter(request.datasets_in_scope, request.include_datasets)
    if any_of.get("datasets"):
        allowed, _ = index.dataset_filter(allowed, frozenset(any_of["datasets"]))
    keep = _predicate(index, request.filters, request.every_value, request.visible)
    wanted = request.offset + request.limit
    if request.text.strip():
        query = parse_query({"schema": request.schema, "properties": {"name": [request.text]}})
        options: dict[str, Any] = dict(
            limit=wanted,
            threshold=0.0,
            include_datasets=allowed,
            named_datasets=named,
            exclude_datasets=request.exclude_datasets,
            exclude_schemata=frozenset(INDEXED_SCHEMATA) - schemata,
            changed_since=request.changed_since,
            topics=frozenset(any_of.get("topics", ())),
            countries=frozenset(c.lower() for c in any_of.get("countries", ())),
            visible=request.visible,
            weigh_namesakes=False,  # search ranks by the name, not by who it is likely to be
            candidates=min(MAX_RESULTS, max(MAX_CANDIDATES, 2 * wanted)),
        )
        scored = scored_results(index, query, words=True, **options)
        if any(c.isdigit() for c in request.text):
            # As yente searches every text of an entity: a passport, registration or
            # tax number written as `q` finds its holder, first.
            number = {"schema": "LegalEntity", "properties": {"idNumber": [request.text]}}
            held = scored_results(index, parse_query(number), **options)
            holders = {index.entity_row(s.row) for s in held}
            scored = held + [s for s in scored if index.entity_row(s.row) not in holders]
        found = [s for s in scored if keep(s.row)]
        found = _sorted(index, found, request.sorts, lambda s: s.row)
        rows = [s.row for s in found]
        page = result_dicts(index, found[request.offset : wanted], 0.0, request.visible)
        relation = "eq"
    else:
        rows, relation = _listed(index, request, schemata, allowed, named, keep)
        page = [index.entity(row, request.visible) for row in rows[request.offset : wanted]]
    return SearchPage(
        page, len(rows), relation, facets(index, rows, request.facets, request.visible)
    )


def _searched_schemata(schema_name: str) -> frozenset[str]:
    """yente's rule: the schemata a schema matches, and its descendants too when it is
    an abstract one such as Thing."""
    schema = model.get(schema_name)
    if schema is None:
        raise SearchError(f"unknown schema: {schema_name!r}")
    names = {s.name for s in schema.matchable_schemata}
    if not schema.matchable:
        names |= {s.name for s in schema.descendants}
    return frozenset(names) & frozenset(INDEXED_SCHEMATA)


def _predicate(
    index: ScreeningIndex,
    filters: dict[str, tuple[str, ...]],
    every_value: bool,
    visible: frozenset[str] | None,
) -> Callable[[int], bool]:
    """Whether the entity at a row passes every field's filter (any or every value)."""
    tests = [
        (_field_values(index, name, visible), frozenset(_normal(name, v) for v in values))
        for name, values in filters.items()
    ]

    def keep(row: int) -> bool:
        for held_by, wanted in tests:
            held = set(held_by(row))
            if not (wanted <= held if every_value else not wanted.isdisjoint(held)):
                return False
        return True

    return keep


def _normal(name: str, value: str) -> str:
    if name == "countries":
        return value.lower()
    if name == "identifiers":
        return normal_identifier(value)
    if name == "target":
        return str(value.strip().lower() in ("true", "1", "yes")).lower()
    return value


def _field_values(
    index: ScreeningIndex, name: str, visible: frozenset[str] | None
) -> Callable[[int], Iterable[str]]:
    """The values an entity holds in a filter or facet field, as far as a user who may
    see ``visible`` (None: all) may know them."""
    if name.startswith("properties."):
        prop = name.removeprefix("properties.")
        return lambda row: index.properties(row, visible).get(prop, ())

    def shown(values: Callable[[int], Iterable[str]]) -> Callable[[int], Iterable[str]]:
        # Of every row whose data the user is shown for the entity (`shown_rows`).
        return lambda row: {v for r in index.shown_rows(row, visible) for v in values(r)}

    fields: dict[str, Callable[[int], Iterable[str]]] = {
        "countries": lambda row: index.countries(row, visible),
        "topics": shown(lambda row: index.topics[row]),
        "datasets": lambda row: index.dataset_names(row, visible),
        "schema": lambda row: (index.schemata[row],),
        "target": lambda row: (str(index.is_target(row, visible)).lower(),),
        # Without the index's identity-card kind tags, which are no identifiers.
        "identifiers": shown(lambda row: [i for i in index.identifiers[row] if not is_card_tag(i)]),
        "genders": shown(lambda row: (g,) if (g := index.genders[row]) else ()),
        "entity_id": lambda row: (index.ids[row],),
        "referents": lambda row: index.referents_of(row, visible),
    }
    return fields[name]


def _sorted(
    index: ScreeningIndex, items: list[Any], sorts: tuple[tuple[str, bool], ...], row_of: Any
) -> list[Any]:
    """`items` in the order of `sorts` (the first the most significant), else as given."""
    for name, descending in reversed(sorts):
        if name == "_score":
            continue
        times = {
            "first_seen": index.first_seen_at,
            "last_seen": index.last_seen_at,
            "last_change": index.changed_at,
        }[name]
        items = sorted(items, key=lambda item: times[row_of(item)], reverse=descending)
    return items


def _listed(
    index: ScreeningIndex,
    request: SearchRequest,
    schemata: frozenset[str],
    allowed: frozenset[str] | None,
    named: frozenset[str] | None,
    keep: Callable[[int], bool],
) -> tuple[list[int], str]:
    """An empty query's entities: every one the filters keep (at most MAX_RESULTS), the
    listed ones first, and whether there are more."""
    codes = [index.schema_code[s] for s in schemata if s in index.schema_code]
    mask = np.isin(index.schema_codes, codes)
    if request.visible is not None:
        # A dataset the user may not see keeps nothing, not the entities it shares.
        allowed = request.visible if allowed is None else allowed & request.visible
    if allowed is not None:
        mask &= (index.dataset_bits & index.dataset_mask(allowed)) != 0
    if request.changed_since is not None:
        mask &= index.changed_at > request.changed_since
    candidates = index.visible_rows(np.flatnonzero(mask), request.visible)
    order = np.lexsort((index.entity_rows(candidates), ~index.target_flags[candidates]))
    candidates = _sorted(index, candidates[order].tolist(), request.sorts, lambda row: row)
    rows: list[int] = []
    listed: set[int] = set()  # entities, of which a user may see several datasets' rows
    for position, row in enumerate(candidates):
        if len(rows) >= MAX_RESULTS or position >= MAX_EXAMINED:
            return rows, "gte" if position < len(candidates) else "eq"
        # The bits are exact but for datasets past the 62nd, which share one.
        if allowed is not None and index.datasets[row].isdisjoint(allowed):
            continue
        if not index.in_datasets(row, named, request.exclude_datasets, request.visible):
            continue
        if index.entity_row(row) not in listed and keep(row):
            listed.add(index.entity_row(row))
            rows.append(row)
    return rows, "eq"


def facets(
    index: ScreeningIndex,
    rows: Iterable[int],
    names: Iterable[str] = DEFAULT_FACETS,
    visible: frozenset[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """yente's ``facets`` over the entities at `rows`: for each facet asked, a label and
    each value's name, label and count, the most frequent first."""
    asked = [name for name in FACETS if name in set(names)]
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    values_of = {name: _field_values(index, name, visible) for name in asked}
    for row in rows:
        for name in asked:
            counts[name].update(values_of[name](row))
    labels: dict[str, tuple[str, Callable[[str], str | None]]] = {
        "countries": (registry.country.plural, registry.country.caption),
        "topics": (registry.topic.plural, registry.topic.caption),
        "datasets": ("Data sources", lambda name: name),
        "schema": ("Types", lambda name: model.get(name).label if model.get(name) else name),
        "identifiers": (registry.identifier.plural, lambda value: value),
        "genders": (registry.gender.plural, registry.gender.caption),
    }
    out: dict[str, dict[str, Any]] = {}
    for name in asked:
        plural, caption = labels[name]
        values = sorted(counts[name].items(), key=lambda item: (-item[1], item[0]))
        out[name] = {
            "label": plural,
            "values": [
                {"name": value, "label": caption(value) or value, "count": count}
                for value, count in values
            ],
        }
    return out
