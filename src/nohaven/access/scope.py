"""A view of the store in which only some datasets exist, so that an analysis run for
a user of an agency (declaration rules, a dossier, an entity's cluster) can neither
show nor be swayed by records that were not shared with that agency.

The view is a cursor whose temporary views shadow the store's tables under the same
names, so every analysis runs unchanged. Clusters are re-cut: a resolved entity keeps
only the records the agency may see, split where only an unshared record held it
together (two shared records joined through an unshared one would otherwise tell the
agency what the unshared record says).
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa

from nohaven.detect.alerts import components
from nohaven.resolve.cluster import mint_canonical_id
from nohaven.resolve.model import SAME_NAME_LEVELS
from nohaven.store import Store

# Tables whose rows carry the dataset they came from.
_BY_DATASET = ("sources", "statements", "ledger", "accounts", "declarations")
# Tables of pairs of records: seen only when both records are.
_BY_PAIR = ("resolution_pairs", "judgements")
_CACHE_SIZE = 8
_cache: OrderedDict[tuple, pa.Table] = OrderedDict()
_cache_lock = threading.Lock()


@contextmanager
def scoped(store: Store, datasets: frozenset[str] | None) -> Iterator[Store]:
    """A read view of the store that holds only ``datasets`` (the whole store for None,
    or when they are every dataset loaded)."""
    with store.reader() as view:
        if datasets is None or datasets >= set(view.datasets()):
            yield view
            return
        view.cursors_allowed = False
        catalog = view.fetchone("SELECT current_database()")
        main = f'"{catalog[0] if catalog else "memory"}".main'
        view.execute(
            "CREATE TEMP TABLE _scope_datasets AS SELECT unnest(?::VARCHAR[]) AS dataset",
            [sorted(datasets)],
        )
        for table in _BY_DATASET:
            view.execute(
                f"CREATE TEMP VIEW {table} AS SELECT * FROM {main}.{table} "
                "WHERE dataset IN (SELECT dataset FROM _scope_datasets)"
            )
        view.execute(
            "CREATE TEMP TABLE _scope_records AS SELECT DISTINCT entity_id FROM statements"
        )
        for table in _BY_PAIR:
            view.execute(
                f"CREATE TEMP VIEW {table} AS SELECT * FROM {main}.{table} "
                "WHERE left_id IN (SELECT entity_id FROM _scope_records) "
                "AND right_id IN (SELECT entity_id FROM _scope_records)"
            )
        clusters = _scoped_clusters(view, main, datasets)
        view.con.register("_scope_clusters", clusters)
        view.execute("CREATE TEMP TABLE clusters AS SELECT * FROM _scope_clusters")
        view.con.unregister("_scope_clusters")
        yield view


def _scoped_clusters(view: Store, main: str, datasets: frozenset[str]) -> pa.Table:
    """The store's clusters cut down to the visible records (cached per set of datasets
    and per state of the store: loads and resolution runs change it)."""
    state = view.fetchone(
        f"SELECT (SELECT max(source_id) FROM {main}.sources), "
        f"(SELECT max(run_id) FROM {main}.resolution_runs), "
        f"(SELECT count(*) FROM {main}.judgements)"
    )
    key = (str(view.path), datasets, state)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    table = cut_clusters(view, main)
    with _cache_lock:
        _cache[key] = table
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return table


def cut_clusters(view: Store, main: str) -> pa.Table:
    """(entity_id, canonical_id, kind) for the visible records: each cluster's visible
    records, split into the groups that visible links alone hold together. A link is a
    pair scored at the run's merge threshold, a pair with the same name (how undated
    records join), or a *same* judgement. The largest group keeps the canonical id, so
    ids cited elsewhere stay; the others get ids of their own."""
    run = view.fetchone(f"SELECT summary FROM {main}.resolution_runs ORDER BY run_id DESC LIMIT 1")
    threshold = float(json.loads(run[0]).get("threshold", 1.0)) if run else 1.0
    same_name = "|".join(re.escape(label) for label in SAME_NAME_LEVELS)
    visible = f"SELECT c.* FROM {main}.clusters c JOIN _scope_records r USING (entity_id)"
    view.execute(f"CREATE TEMP TABLE _scope_visible AS {visible}")
    links = view.fetchall(
        """
        WITH multi AS (
            SELECT entity_id, canonical_id FROM _scope_visible
            WHERE canonical_id IN (
                SELECT canonical_id FROM _scope_visible GROUP BY 1 HAVING count(*) > 1
            )
        ), linked AS (
            SELECT left_id, right_id FROM resolution_pairs
            WHERE match_probability >= ? OR regexp_matches(evidence, ?)
            UNION ALL
            SELECT left_id, right_id FROM judgements WHERE judgement = 'same'
        )
        SELECT k.left_id, k.right_id FROM linked k
        JOIN multi a ON a.entity_id = k.left_id
        JOIN multi b ON b.entity_id = k.right_id
        WHERE a.canonical_id = b.canonical_id
        """,
        [threshold, f"^name: (?:{same_name})(?:; |$)"],
    )
    rows = view.fetchall("SELECT entity_id, canonical_id, kind FROM _scope_visible")
    canonical = {entity: cid for entity, cid, _ in rows}
    groups: dict[str, list[list[str]]] = {}
    for group in components(links):
        groups.setdefault(canonical[str(group[0])], []).append([str(m) for m in group])
    linked = {m for parts in groups.values() for part in parts for m in part}
    for entity, cid, _ in rows:
        if entity not in linked:
            groups.setdefault(cid, []).append([entity])
    out: dict[str, str] = {}
    taken = set(canonical.values())
    for cid, parts in groups.items():
        parts.sort(key=lambda p: (-len(p), min(p)))
        out.update({m: cid for m in parts[0]})
        for part in parts[1:]:
            new = mint_canonical_id(part)
            while new in taken:
                new = mint_canonical_id([new])
            taken.add(new)
            out.update({m: new for m in part})
    view.execute("DROP TABLE _scope_visible")
    return pa.table(
        {
            "entity_id": [e for e, _, _ in rows],
            "canonical_id": [out[e] for e, _, _ in rows],
            "kind": [k for _, _, k in rows],
        }
    )
