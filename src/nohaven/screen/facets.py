"""yente's search facets over the results a search kept.

yente counts facets over every hit its search index returns; nohaven's /search scores at
most `match.MAX_CANDIDATES` candidates, so the facets count the results among those
(countries as `ScreeningIndex.countries` reads them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from followthemoney.types import registry

from nohaven.screen.index import ScreeningIndex

FACETS = ("countries", "topics", "datasets")


def facets(index: ScreeningIndex, rows: Iterable[int]) -> dict[str, dict[str, Any]]:
    """yente's ``facets`` over the entities at `rows`: for countries, topics and datasets,
    a label and each value's name, label and count, the most frequent first."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for row in rows:
        counts["countries"].update(index.countries(row))
        counts["topics"].update(index.topics[row])
        counts["datasets"].update(index.datasets[row])
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
