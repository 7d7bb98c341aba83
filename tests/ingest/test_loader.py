import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from nohaven.errors import InputError
from nohaven.ingest import load_paths
from nohaven.store import Store


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table: 'untouched' means exactly equal."""
    with Store(db, read_only=True) as store:
        return {
            table: sorted(store.fetchall(f"SELECT * FROM {table}"), key=repr)
            for table in ("sources", "statements", "ledger", "accounts", "declarations")
        }


def test_directory_loads_every_kind(store: Store, tiny: Path) -> None:
    results = load_paths(store, [tiny])
    kinds = {Path(r.path).name: (r.kind, r.dataset) for r in results}
    assert kinds == {
        "accounts.csv": ("accounts", "accounts"),
        "declarations.jsonl": ("declarations", "declarations"),
        "deeds.csv": ("csv", "deeds"),
        "ledger.csv": ("ledger", "ledger"),
        "persons.ftm.json": ("ftm", "persons"),
    }


def test_same_file_twice_changes_nothing(db_path: Path, tiny: Path) -> None:
    with Store(db_path) as store:
        first = load_paths(store, [tiny])
    before = snapshot(db_path)
    with Store(db_path) as store:
        second = load_paths(store, [tiny])
    assert all(r.skipped for r in second) and not any(r.skipped for r in first)
    assert snapshot(db_path) == before


def test_one_bad_file_rejects_the_whole_load(db_path: Path, tiny: Path) -> None:
    with Store(db_path) as store:
        load_paths(store, [tiny / "persons.ftm.json"])
    before = snapshot(db_path)
    ledger = tiny / "ledger.csv"
    ledger.write_text(ledger.read_text().replace("300000.00", "3OO000.00"), encoding="utf-8")
    with Store(db_path) as store, pytest.raises(InputError) as caught:
        load_paths(store, [tiny])
    assert caught.value.path == ledger and caught.value.line == 4
    assert snapshot(db_path) == before


def write_big_ledger(path: Path, rows: int) -> None:
    duckdb.connect().execute(
        f"""COPY (SELECT 'k' || i AS id, TIMESTAMP '2015-01-01' + to_seconds(i) AS timestamp,
                  'A' || (i % 9973) AS from_account, 'B' || (i % 7919) AS to_account,
                  (1 + i % 100000) / 100 AS amount, 'USD' AS currency
           FROM range({rows}) t(i)) TO '{path}' (HEADER)"""
    )


def write_big_entities(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(rows):
            handle.write(
                f'{{"id": "p-{i}", "schema": "Person", "properties": '
                f'{{"name": ["Chan Tai Man {i}"], "birthDate": ["1970-01-{1 + i % 28:02d}"]}}}}\n'
            )


@pytest.mark.parametrize("kind", ["ledger", "ftm"])
def test_killed_load_leaves_store_untouched(
    db_path: Path, tiny: Path, tmp_path: Path, kind: str
) -> None:
    with Store(db_path) as store:
        load_paths(store, [tiny])
    before = snapshot(db_path)
    if kind == "ledger":
        big = tmp_path / "big.csv"
        write_big_ledger(big, 4_000_000)
    else:
        big = tmp_path / "big.ftm.json"
        write_big_entities(big, 400_000)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nohaven.cli",
            "load",
            str(big),
            "--dataset",
            "big",
            "--db",
            str(db_path),
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "NOHAVEN_THREADS": "1"},
    )
    assert proc.stderr is not None
    for line in proc.stderr:  # the loader names each file as it starts writing it
        if line.startswith("load "):
            break
    time.sleep(1.0)
    assert proc.poll() is None, "the load finished before it could be killed; use a bigger file"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    assert snapshot(db_path) == before
    with Store(db_path) as store:  # and the store is usable again
        [result] = load_paths(store, [tiny / "accounts.csv"], dataset="again")
        assert result.rows == 4


def test_timestamps_are_utc_whatever_the_machine_zone(
    db_path: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        with Store(db_path) as store:
            load_paths(store, [tiny / "ledger.csv"], dataset="bank")
            stored = store.fetchone("SELECT timestamp FROM ledger WHERE id = 't2'")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert stored is not None and stored[0].isoformat() == "2001-03-02T02:30:00"


def test_bytes_that_are_not_utf8_name_their_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.ftm.json"
    path.write_bytes(
        b'{"id": "a-1", "schema": "Person", "properties": {"name": ["A"]}}\n'
        b'{"id": "a-2", "schema": "Person", "properties": {"name": ["\xff"]}}\n'
    )
    with pytest.raises(InputError, match="not UTF-8") as caught:
        load_paths(store, [path], dataset="bad", kind=None)
    assert caught.value.line == 2


def test_short_csv_row_is_refused(store: Store, mapped_csv) -> None:
    path = mapped_csv(
        "name,pid\nBob\n",
        "entities:\n  p:\n    schema: Person\n    id_column: pid\n"
        "    properties:\n      name: {column: name}\n",
    )
    with pytest.raises(InputError, match="fewer cells") as caught:
        load_paths(store, [path], dataset="people")
    assert caught.value.line == 2


def test_mapping_of_the_wrong_shape_is_refused(store: Store, mapped_csv) -> None:
    path = mapped_csv(
        "name,pid\nBob,p1\n",
        "entities:\n  p:\n    schema: Person\n    id_column: pid\n    properties: [name]\n",
    )
    with pytest.raises(InputError, match="properties must map"):
        load_paths(store, [path], dataset="people")
