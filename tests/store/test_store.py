import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from nohaven.errors import StoreError
from nohaven.store import Store
from nohaven.store.schema import LATEST_VERSION


def test_new_store_is_migrated_to_latest(store: Store) -> None:
    assert store.schema_version() == LATEST_VERSION
    tables = {row[0] for row in store.fetchall("SELECT table_name FROM information_schema.tables")}
    assert {"sources", "statements", "ledger", "accounts", "declarations"} <= tables


def test_reopening_keeps_data_and_version(db_path: Path) -> None:
    with Store(db_path) as first:
        first.add_source("a.json", "abc", "ds", "ftm")
    with Store(db_path) as second:
        assert second.schema_version() == LATEST_VERSION
        assert [s.sha256 for s in second.sources()] == ["abc"]


def test_newer_schema_is_refused(db_path: Path) -> None:
    Store(db_path).close()
    con = duckdb.connect(str(db_path))
    con.execute("UPDATE nohaven_meta SET value = '999' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="newer nohaven"):
        Store(db_path)


def test_a_store_from_an_older_nohaven_opens_for_reading(db_path: Path) -> None:
    # As after an upgrade: `nohaven status` (read-only) brings it up to date first.
    with Store(db_path) as old:
        old.add_source("a.json", "abc", "ds", "ftm")
        old.execute("DROP TABLE entity_meta")
        old.execute("UPDATE nohaven_meta SET value = '9' WHERE key = 'schema_version'")
    with Store(db_path, read_only=True) as reader:
        assert reader.schema_version() == LATEST_VERSION
        assert reader.fetchone("SELECT count(*) FROM entity_meta") == (0,)
        assert [s.sha256 for s in reader.sources()] == ["abc"]
    # Held open by another process, it cannot be brought up to date: say so.
    with Store(db_path) as old:
        old.execute("UPDATE nohaven_meta SET value = '9' WHERE key = 'schema_version'")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True);"
            " time.sleep(60)",
            str(db_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreError, match="in use by another process"):
            Store(db_path, read_only=True)
    finally:
        holder.kill()
        holder.communicate()


def test_transaction_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_source("a.json", "abc", "ds", "ftm")
        raise RuntimeError("boom")
    assert store.sources() == []


def test_read_only_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_status_counts_per_dataset(store: Store) -> None:
    source = store.add_source("x.csv", "h", "bank", "accounts")
    store.execute(
        "INSERT INTO accounts VALUES ('A1', NULL, NULL, 'cn', 'person', 'bank', ?)", [source]
    )
    status = store.status()
    assert status["datasets"]["bank"]["accounts"] == 1
    assert status["datasets"]["bank"]["sources"] == 1
    assert status["totals"]["accounts"] == 1


def _clusters(store: Store) -> list[tuple]:
    return store.fetchall("SELECT entity_id, canonical_id FROM clusters ORDER BY 1")


def test_replace_rows_swaps_whole_tables_all_or_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow as pa

    from nohaven.store import store as store_module

    monkeypatch.setattr(store_module, "_STAGING_BATCH", 3)  # several staged batches
    first = pa.table({"entity_id": ["a", "b"], "canonical_id": ["x", "x"], "kind": ["person"] * 2})
    store.replace_rows({"clusters": first})
    assert _clusters(store) == [("a", "x"), ("b", "x")]

    ids = [f"e{i}" for i in range(10)]
    second = pa.table({"entity_id": ids, "canonical_id": ids, "kind": ["person"] * 10})

    def fail(_: Store) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.replace_rows({"clusters": second}, fail)
    assert _clusters(store) == [("a", "x"), ("b", "x")]  # nothing half-written
    store.replace_rows({"clusters": second}, lambda s: s.add_source("r", "h", "ds", "ftm"))
    assert _clusters(store) == sorted((i, i) for i in ids)
    assert [s.sha256 for s in store.sources()] == ["h"]
    tables = {row[0] for row in store.fetchall("SELECT table_name FROM information_schema.tables")}
    assert not any(t.startswith("_staging") for t in tables)
