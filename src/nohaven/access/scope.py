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
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa

from nohaven.detect.alerts import components
from nohaven.resolve.cluster import mint_canonical_id
from nohaven.resolve.judgements import judged_same_sql
from nohaven.resolve.model import CONTRADICTING_EVIDENCE, SAME_NAME_EVIDENCE
from nohaven.store import Store

# Tables whose rows carry the dataset they came from.
_BY_DATASET = (
    "sources",
    "statements",
    "ledger",
    "accounts",
    "declarations",
    "referents",
    "entity_meta",
)
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
        records, clusters = _visible_entities(view, main, datasets)
        # Registered Arrow tables shadow the store's tables by name, as the views do.
        view.con.register("_scope_datasets", pa.table({"dataset": sorted(datasets)}))
        view.con.register("_scope_records", records)
        view.con.register("clusters", clusters)
        for table in _BY_DATASET:
            view.execute(
                f"CREATE TEMP VIEW {table} AS SELECT * FROM {main}.{table} "
                "WHERE dataset IN (SELECT dataset FROM _scope_datasets)"
            )
        for table in _BY_PAIR:
            view.execute(
                f"CREATE TEMP VIEW {table} AS SELECT * FROM {main}.{table} "
                "WHERE left_id IN (SELECT entity_id FROM _scope_records) "
                "AND right_id IN (SELECT entity_id FROM _scope_records)"
            )
        yield view


def _visible_entities(
    view: Store, main: str, datasets: frozenset[str]
) -> tuple[pa.Table, pa.Table]:
    """The visible records and their cut clusters, cached per set of datasets and per
    state of the store (loads, resolution runs and judgements change them)."""
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
    records = view.arrow(
        f"SELECT DISTINCT entity_id FROM {main}.statements WHERE dataset IN (SELECT unnest(?))",
        [sorted(datasets)],
    )
    with view.registered("_scope_records", records):
        found = (records, cut_clusters(view, main))
    with _cache_lock:
        _cache[key] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def cut_clusters(view: Store, main: str) -> pa.Table:
    """(entity_id, canonical_id, kind) for the visible records (`_scope_records`): each
    cluster's visible records, split into the groups that visible links alone hold
    together. A link is a pair scored at the run's merge threshold, a pair with the
    same name (how undated records join), or a *same* judgement. The largest group
    keeps the canonical id, so ids cited elsewhere stay; the others get ids of their
    own. Only clusters with several visible records reach Python."""
    run = view.fetchone(f"SELECT summary FROM {main}.resolution_runs ORDER BY run_id DESC LIMIT 1")
    threshold = float(json.loads(run[0]).get("threshold", 1.0)) if run else 1.0
    visible = f"SELECT c.* FROM {main}.clusters c JOIN _scope_records USING (entity_id)"
    multi = f"""
        SELECT entity_id, canonical_id FROM ({visible}) WHERE canonical_id IN (
            SELECT canonical_id FROM ({visible}) GROUP BY 1 HAVING count(*) > 1
        )"""
    members = view.fetchall(multi)
    canonical = dict(members)
    links = view.fetchall(
        f"""
        WITH linked AS (
            SELECT left_id, right_id FROM {main}.resolution_pairs
            WHERE match_probability >= ?
               OR (regexp_matches(evidence, ?) AND NOT regexp_matches(evidence, ?))
            UNION ALL
            {judged_same_sql(f"{main}.judgements")}
        ), multi AS ({multi})
        SELECT k.left_id, k.right_id FROM linked k
        JOIN multi a ON a.entity_id = k.left_id
        JOIN multi b ON b.entity_id = k.right_id
        WHERE a.canonical_id = b.canonical_id
        """,
        [threshold, SAME_NAME_EVIDENCE, CONTRADICTING_EVIDENCE],
    )
    parts: dict[str, list[list[str]]] = {}
    for group in components([*links, *((m, m) for m in canonical)]):
        parts.setdefault(canonical[str(group[0])], []).append([str(m) for m in group])
    renamed: dict[str, str] = {}
    for split in (p for p in parts.values() if len(p) > 1):
        split.sort(key=lambda p: (-len(p), min(p)))
        for part in split[1:]:
            new = mint_canonical_id(part)
            renamed.update(dict.fromkeys(part, new))
    renamed = _unclaimed(view, main, renamed)
    table = pa.table(
        {"entity_id": list(renamed), "new_id": list(renamed.values())},
        schema=pa.schema([("entity_id", pa.string()), ("new_id", pa.string())]),
    )
    with view.registered("_scope_renamed", table):
        return view.arrow(
            f"SELECT v.entity_id, coalesce(r.new_id, v.canonical_id) AS canonical_id, v.kind "
            f"FROM ({visible}) v LEFT JOIN _scope_renamed r USING (entity_id)"
        )


def _unclaimed(view: Store, main: str, renamed: dict[str, str]) -> dict[str, str]:
    """The new ids, each re-minted while another cluster of the store already bears it
    (an id carried over from a previous run can be the hash of a record now elsewhere)."""
    while renamed:
        taken = {
            cid
            for (cid,) in view.fetchall(
                f"SELECT DISTINCT canonical_id FROM {main}.clusters "
                "WHERE canonical_id IN (SELECT unnest(?))",
                [sorted(set(renamed.values()))],
            )
        }
        if not taken:
            break
        renamed = {m: mint_canonical_id([c]) if c in taken else c for m, c in renamed.items()}
    return renamed
