"""yente's search facets and country and dataset filters, over results already scored.

yente counts facets over every hit its search index returns; nohaven's /search scores at
most `match.MAX_CANDIDATES` candidates, so the facets count those results. Countries are
read from every country-typed property of the result's schema (country, nationality,
jurisdiction, citizenship, ...), as FollowTheMoney types them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from followthemoney import model
from followthemoney.types import registry

FACETS = ("countries", "topics", "datasets")


@cache
def _country_props(schema: str) -> tuple[str, ...]:
    found = model.get(schema)
    if found is None:
        return ()
    return tuple(sorted(p.name for p in found.properties.values() if p.type == registry.country))


def countries_of(result: dict[str, Any]) -> set[str]:
    """The country codes a result's properties name."""
    properties = result.get("properties") or {}
    return {
        str(code).lower()
        for prop in _country_props(str(result.get("schema", "")))
        for code in properties.get(prop, ())
    }


def filter_results(
    results: Iterable[dict[str, Any]], countries: Sequence[str], datasets: Sequence[str]
) -> list[dict[str, Any]]:
    """The results naming one of `countries` and seen in one of `datasets` (each filter
    only when given), in order."""
    wanted_countries = {c.lower() for c in countries}
    wanted_datasets = set(datasets)
    return [
        r
        for r in results
        if (not wanted_countries or countries_of(r) & wanted_countries)
        and (not wanted_datasets or wanted_datasets.intersection(r.get("datasets", ())))
    ]


def facets(results: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """yente's ``facets``: for countries, topics and datasets, a label and each value's
    name, label and count of results, the most frequent first."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for result in results:
        counts["countries"].update(countries_of(result))
        counts["topics"].update((result.get("properties") or {}).get("topics", ()))
        counts["datasets"].update(result.get("datasets", ()))
    labels = {
        "countries": (registry.country.plural, registry.country.caption),
        "topics": (registry.topic.plural, registry.topic.caption),
        "datasets": ("Data sources", lambda name: name),
    }
    out: dict[str, dict[str, Any]] = {}
    for name in FACETS:
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
