"""Candidate pairs: key tables (serial and parallel alike) and the blocking rules."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from nohaven.resolve import blocking
from nohaven.resolve.blocking import (
    COMMON_KEY,
    build_pairs,
    key_records,
    name_tables,
)

NAMES = ["许超凡", "Hui Chiu Fan", "Chaofan Xu", "王伟", "Wang Wei", "LAU, WING TIP", "J. Lee"]


def _rows(table: pa.Table) -> list[tuple]:
    return sorted(zip(*table.to_pydict().values(), strict=True))


def test_parallel_name_tables_equal_the_serial_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    serial_keys, serial_forms = name_tables(NAMES, workers=1)
    monkeypatch.setattr(blocking, "PARALLEL_FROM", 2)
    parallel_keys, parallel_forms = name_tables(NAMES, workers=2)
    assert _rows(serial_keys) == _rows(parallel_keys)
    assert _rows(serial_forms) == _rows(parallel_forms)
    ids = {name: name_id for name_id, name, _, _ in _rows(serial_forms)}
    assert ids["J. Lee"] not in serial_keys["name_id"].to_pylist()  # no family name: no key
    assert ids["许超凡"] in serial_keys["name_id"].to_pylist()
    forms = {row[1]: row[2:] for row in _rows(serial_forms)}
    assert forms["许超凡"] == ("许超凡", "许超凡")
    assert forms["Chaofan Xu"] == ("chaofan xu", "")


def _records(rows: list[tuple[str, list[str], str | None, list[str] | None]]) -> pa.Table:
    return pa.table(
        {
            "rid": list(range(len(rows))),
            "unique_id": [r[0] for r in rows],
            "names": [r[1] for r in rows],
            "birth_date": pa.array([r[2] for r in rows], pa.string()).cast(pa.date32()),
            "birth_year": [int(r[2][:4]) if r[2] else None for r in rows],
            "birth_year_max": [int(r[2][:4]) if r[2] else None for r in rows],
            "birth_years": pa.array([None] * len(rows), pa.list_(pa.int64())),
            "identifiers": [r[3] for r in rows],
        }
    )


def test_rules_pair_cross_script_names_dates_and_identifiers_and_cap_common_keys() -> None:
    rows = [
        ("han", ["许超凡"], "1960-01-02", None),
        ("hk", ["Hui Chiu Fan"], None, None),
        ("typo", ["Hui Chui Fan"], "1960-01-02", None),  # no shared key, same family + date
        ("passport-a", ["Someone Else"], None, ["E1234567"]),
        ("passport-b", ["Other Name"], None, ["E1234567"]),
        *[(f"wang-{i}", ["Wang Wei"], None, None) for i in range(COMMON_KEY + 2)],
    ]
    con = duckdb.connect()
    con.register("records", _records(rows))
    names = sorted({n for r in rows for n in r[1]})
    keys, forms = name_tables(names, workers=1)
    con.register("keys", keys)
    con.register("forms", forms)
    key_records(con, "records", "keys", "forms")
    stats = build_pairs(con, "records", max_block=COMMON_KEY + 1)
    pairs = {
        tuple(p)
        for p in con.execute(
            "SELECT l.unique_id, r.unique_id FROM pairs "
            "JOIN records l ON l.rid = rid_l JOIN records r ON r.rid = rid_r"
        ).fetchall()
    }
    assert ("han", "hk") in pairs
    assert ("han", "typo") in pairs
    assert ("passport-a", "passport-b") in pairs
    # Seventeen Wang Weis exceed the block cap and have no birth years: not paired on the name.
    assert not any(a.startswith("wang") and b.startswith("wang") for a, b in pairs)
    assert stats.oversized_keys >= 1 and stats.total == len(pairs)


def _pairs_table(rows: list[tuple[str, list[str], str | None, list[str] | None]]) -> list[tuple]:
    con = duckdb.connect()
    con.register("records", _records(rows))
    keys, forms = name_tables(sorted({n for r in rows for n in r[1]}), workers=1)
    con.register("keys", keys)
    con.register("forms", forms)
    key_records(con, "records", "keys", "forms")
    build_pairs(con, "records", max_block=COMMON_KEY + 1)
    return con.execute(
        "SELECT l.unique_id, r.unique_id, match_key, norm_min, exact_min, sound_min, "
        "spelling_shared FROM pairs JOIN records l ON l.rid = rid_l "
        "JOIN records r ON r.rid = rid_r ORDER BY ALL"
    ).fetchall()


def test_pairs_grouped_in_parts_equal_one_grouping(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        ("han", ["许超凡"], "1960-01-02", None),
        ("hk", ["Hui Chiu Fan"], None, None),
        ("hk-again", ["HUI, Chiu Fan"], None, None),
        ("typo", ["Hui Chui Fan"], "1960-01-02", None),
        ("passport-a", ["Someone Else"], None, ["E1234567"]),
        ("passport-b", ["Other Name"], None, ["E1234567"]),
        ("initials-a", ["J. Lee"], None, None),
        ("initials-b", ["J. Lee"], None, None),
        *[(f"wang-{i}", ["Wang Wei"], "1970-01-01" if i < 3 else None, None) for i in range(20)],
    ]
    whole = _pairs_table(rows)
    monkeypatch.setattr(blocking, "PAIR_PART_ROWS", 7)
    assert _pairs_table(rows) == whole
    by_pair = {(a, b): rest for a, b, *rest in whole}
    # The same name as written: its normalised form is shared, held by two records.
    assert by_pair[("hk", "hk-again")][1] == 2
    # A shared normalised name with no key behind it never makes a pair on its own.
    assert ("initials-a", "initials-b") not in by_pair
    assert by_pair[("passport-a", "passport-b")] == [3, None, None, None, None]
    assert by_pair[("wang-0", "wang-1")][0] == 0  # common key, same birth year


def test_a_common_name_pairs_records_on_any_birth_year_they_give() -> None:
    rows = [(f"wang-{i}", ["Wang Wei"], None, None) for i in range(COMMON_KEY + 2)]
    records = _records(rows).to_pydict()
    # "DOB 1955; alt. DOB 1975" beside a record of 1975 and one of 1957, a year between.
    records["birth_year"][:3] = [1955, 1975, 1957]
    records["birth_year_max"][:3] = [1975, 1975, 1957]
    records["birth_years"][0] = [1955, 1975]
    con = duckdb.connect()
    con.register(
        "records", pa.table(records).set_column(6, "birth_years", pa.array(records["birth_years"]))
    )
    keys, forms = name_tables(["Wang Wei"], workers=1)
    con.register("keys", keys)
    con.register("forms", forms)
    key_records(con, "records", "keys", "forms")
    stats = build_pairs(con, "records", max_block=COMMON_KEY + 1)
    pairs = con.execute(
        "SELECT l.unique_id, r.unique_id FROM pairs "
        "JOIN records l ON l.rid = rid_l JOIN records r ON r.rid = rid_r ORDER BY ALL"
    ).fetchall()
    assert stats.oversized_keys >= 1
    assert pairs == [("wang-0", "wang-1")]
