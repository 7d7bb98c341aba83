"""The Spark engine (local mode, Java 17 from the OS) gives the DuckDB engine's clusters."""

from __future__ import annotations

from pathlib import Path

from nohaven.resolve.pipeline import resolve
from nohaven.store import Store


def test_spark_and_duckdb_produce_identical_clusters(resolved_world, resolved_copy: Path) -> None:
    with Store(resolved_world[1], read_only=True) as store:
        duckdb_clusters = dict(store.fetchall("SELECT entity_id, canonical_id FROM clusters"))
        duckdb_pairs = store.fetchall(
            "SELECT left_id, right_id FROM resolution_pairs ORDER BY 1, 2"
        )
    with Store(resolved_copy) as store:
        store.execute("DELETE FROM clusters")  # no ids carried over: clusters must re-form
        summary = resolve(store, engine="spark")
        spark_clusters = dict(store.fetchall("SELECT entity_id, canonical_id FROM clusters"))
        spark_pairs = store.fetchall("SELECT left_id, right_id FROM resolution_pairs ORDER BY 1, 2")
    assert summary.engine == "spark"
    assert spark_pairs == duckdb_pairs
    assert spark_clusters == duckdb_clusters
