"""yente's `/catalog`: the datasets a screening client may scope its queries to.

Each loaded dataset is one yente dataset (its version the time of its newest load), and
`default` is the collection of them all, as in yente. Everything loaded is indexed when
the server answers, so every dataset is `current` and none is `outdated`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from nohaven.store.store import Store

DEFAULT_COLLECTION = "default"


def dataset_counts(store: Store) -> dict[str, tuple[int, datetime]]:
    """Each loaded dataset's entity count and newest load time (UTC)."""
    with store.reader() as reader:
        loads = dict(reader.fetchall("SELECT dataset, max(loaded_at) FROM sources GROUP BY 1"))
        counts = dict(
            reader.fetchall(
                "SELECT dataset, count(DISTINCT entity_id) FROM statements GROUP BY dataset"
            )
        )
    return {name: (int(counts.get(name, 0)), loaded) for name, loaded in loads.items()}


def distinct_entities(store: Store, datasets: Iterable[str]) -> int:
    """How many entities these datasets hold together (an id two of them load, once)."""
    with store.reader() as reader:
        row = reader.fetchone(
            "SELECT count(DISTINCT entity_id) FROM statements WHERE dataset IN (SELECT unnest(?))",
            [sorted(datasets)],
        )
    return int(row[0]) if row else 0


def catalog(
    counts: dict[str, tuple[int, datetime]],
    visible: frozenset[str] | None,
    together: Callable[[frozenset[str]], int] | None = None,
) -> dict[str, Any]:
    """yente's catalog of the datasets in `counts` that `visible` allows (None: all);
    `together` counts the entities of several datasets at once for `default` (else their
    counts are summed)."""
    datasets = []
    names = sorted(name for name in counts if visible is None or name in visible)
    for name in names:
        entities, loaded = counts[name]
        datasets.append(_dataset(name, name, entities, loaded, [], load=True))
    if names:
        newest = max(counts[name][1] for name in names)
        total = (
            together(frozenset(names))
            if together is not None and len(names) > 1
            else sum(counts[name][0] for name in names)
        )
        datasets.append(
            _dataset(DEFAULT_COLLECTION, "Every loaded dataset", total, newest, names, load=False)
        )
    current = [d["name"] for d in datasets]
    return {"datasets": datasets, "current": current, "outdated": [], "index_stale": False}


def _dataset(
    name: str, title: str, entities: int, loaded: datetime, children: list[str], load: bool
) -> dict[str, Any]:
    version = loaded.replace(tzinfo=UTC).strftime("%Y%m%d%H%M%S")
    return {
        "name": name,
        "title": title,
        "version": version,
        "updated_at": loaded.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "entity_count": entities,
        "children": children,
        "load": load,
        "namespace": False,
        "index_version": version,
        "index_current": True,
        "resources": [],
    }
