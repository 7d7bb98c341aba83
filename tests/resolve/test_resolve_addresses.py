"""Addresses: a shared address backs a name that agrees, never one that differs."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from nohaven.resolve.addresses import (
    MAX_SHARERS,
    address_key_table,
    build_record_addresses,
    same_address,
    shared_address_rates,
)
from nohaven.resolve.pipeline import DEFAULT_THRESHOLD, resolve
from nohaven.store import Store


def test_one_address_written_two_ways_is_one_key() -> None:
    table = address_key_table(
        [
            "Room 19B, 10/F, 111 Hennessy Road, Hong Kong",
            "RM 19B 10/F 111 HENNESSY RD HONG KONG",
            "Room 19B, 10/F, 113 Hennessy Road, Hong Kong",
            "--",
        ]
    )
    keys = dict(zip(table["address"].to_pylist(), table["key"].to_pylist(), strict=True))
    assert "--" not in keys  # nothing to key
    assert (
        keys["Room 19B, 10/F, 111 Hennessy Road, Hong Kong"]
        == keys["RM 19B 10/F 111 HENNESSY RD HONG KONG"]
    )
    assert (
        keys["Room 19B, 10/F, 111 Hennessy Road, Hong Kong"]
        != keys["Room 19B, 10/F, 113 Hennessy Road, Hong Kong"]
    )


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ("Flat 3A, 12 Tung Choi Street", "Flat 3A, 12 Tung Choi Street, Mong Kok", True),
        ("Room 19B, 10/F, 111 Hennessy Road, Wan Chai", "Rm 19B 10/F 111 Hennessy Rd", True),
        ("Flat 3A, 12 Tung Choi Street", "Flat 3B, 12 Tung Choi Street", False),
        ("Flat 3A, 12 Tung Choi Street", "Flat 3A, 14 Tung Choi Street", False),
        ("Hong Kong", "HONG KONG", False),  # a place, not an address
    ],
)
def test_one_address_is_told_from_its_neighbours(left: str, right: str, same: bool) -> None:
    assert same_address(left, right) is same


def _addressed(rows: list[tuple[int, list[str] | None]]) -> duckdb.DuckDBPyConnection:
    """A connection with `record_addresses` built from (rid, addresses) rows."""
    con = duckdb.connect()
    con.register(
        "records",
        pa.table(
            {"rid": [r[0] for r in rows], "addresses": [r[1] for r in rows]},
            schema=pa.schema([("rid", pa.int32()), ("addresses", pa.list_(pa.string()))]),
        ),
    )
    build_record_addresses(con, "records")
    return con


def test_an_address_many_records_hold_is_not_a_key_and_rates_count_pairs() -> None:
    rows = [(1, ["1 Main St, Springfield"]), (2, ["1 Main Street, Springfield"])]
    rows += [(3 + i, ["Trident Chambers, Road Town, Tortola"]) for i in range(MAX_SHARERS + 1)]
    rows += [(100, ["9 Elm St, Springfield"]), (101, None)]
    rows += [(200 + i, ["5 Oak Ave, Shelbyville"]) for i in range(3)]
    con = _addressed(rows)
    held = dict(con.execute("SELECT rid, n FROM record_addresses").fetchall())
    assert held == {1: 2, 2: 2, 100: 1, 200: 3, 201: 3, 202: 3}
    rates = shared_address_rates(con)
    holders = 6
    pairs = holders * (holders - 1) / 2
    assert rates[2] == pytest.approx(1 / pairs)  # 1 and 2
    assert rates[3] == pytest.approx(4 / pairs)  # and the three at Oak Avenue
    assert rates[MAX_SHARERS] == rates[3]


def test_a_pair_sharing_two_addresses_is_counted_once() -> None:
    rows = [
        (1, ["1 Main St, Springfield", "9 Elm St, Springfield"]),
        (2, ["1 Main Street, Springfield", "9 Elm Street, Springfield"]),
        (3, ["5 Oak Ave, Shelbyville"]),
    ]
    con = _addressed(rows)
    assert shared_address_rates(con)[2] == pytest.approx(1 / 3)


_FAMILIES = ["CHAN", "WONG", "LEE", "CHEUNG", "LAU", "HO", "NG", "LAM", "LEUNG", "TANG"]
_GIVEN = [
    "Tai", "Man", "Siu", "Ming", "Wai", "Kin", "Ka", "Yan", "Chi", "Fai", "Kwok", "Hung",
    "Mei", "Ling", "Sau", "Kei", "Pui", "Shan", "Wing", "Yee",
]  # fmt: skip


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory, resolve_entities, person) -> Store:
    """A register and a bank, each person in both with one birth date; most keep their
    address in both, and some share it with a spouse; namesakes born the same day live
    elsewhere. Then the records the tests are about, with no birth date."""
    rng = random.Random(5)
    names = [f"{f} {a} {b}" for f in _FAMILIES for a in _GIVEN for b in _GIVEN if a != b]
    rng.shuffle(names)
    register, bank = [], []
    for i in range(150):
        name = names[i]
        born = f"19{50 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        home = f"Flat {i % 9}{'ABC'[i % 3]}, {10 + i} Nathan Road, Kowloon"
        moved = rng.random() < 0.3
        register.append(person(f"reg-{i}", name, birthDate=born, address=home))
        bank.append(
            person(
                f"bank-{i}",
                name.title(),
                birthDate=born,
                address=f"{i} Queen's Road Central" if moved else home.upper(),
            )
        )
        if i % 2 == 0 and not moved:  # a spouse at home: three records at the address
            register.append(
                person(f"spouse-{i}", names[-1 - i], birthDate="1949-06-01", address=home)
            )
        if i % 3 == 0:  # a namesake born the same day, elsewhere
            bank.append(person(f"other-{i}", name, birthDate=born, address=f"{i} Castle Peak Road"))
    home = "Flat 3A, 12 Tung Choi Street, Mong Kok"
    register += [
        person("father", "CHAN, Tai Man", address=home, gender="male"),
        person("son", "CHAN, Siu Ming", address=home, gender="male"),
    ]
    bank += [
        person("father-abroad", "Chan Tai Man", address="FLAT 3A 12 TUNG CHOI ST MONG KOK"),
        person("namesake", "Chan Tai Man", address="88 Des Voeux Road Central"),
    ]
    return resolve_entities(
        tmp_path_factory.mktemp("addresses"), {"register": register, "bank": bank}
    )


def _scores(store: Store) -> list[tuple]:
    return store.fetchall(
        "SELECT left_id, right_id, round(match_probability, 9), evidence FROM resolution_pairs "
        "ORDER BY 1, 2"
    )


def test_the_same_name_at_the_same_address_outweighs_a_namesake_elsewhere(
    resolved: Store, scored_pair
) -> None:
    at_home, evidence = scored_pair(resolved, "father", "father-abroad")
    elsewhere, other = scored_pair(resolved, "father", "namesake")
    assert "address: same address, household" in evidence
    assert "address: different" in other
    assert at_home > elsewhere
    assert at_home >= DEFAULT_THRESHOLD > elsewhere


def test_a_shared_address_does_not_merge_a_father_and_son(
    resolved: Store, scored_pair, canonical_ids
) -> None:
    probability, _ = scored_pair(resolved, "father", "son")
    assert probability < DEFAULT_THRESHOLD
    clusters = canonical_ids(resolved)
    assert clusters["father"] != clusters["son"]
    assert clusters["father"] == clusters["father-abroad"]
    # Nor does the namesake elsewhere join them on the name alone: his address says the
    # name is another man's.
    assert clusters["namesake"] != clusters["father"]


def test_spark_reads_addresses_as_duckdb_does(resolved: Store, tmp_path: Path) -> None:
    copy = tmp_path / "spark.duckdb"
    resolved.execute("CHECKPOINT")
    shutil.copy(resolved.path, copy)
    with Store(copy) as store:
        resolve(store, engine="spark")
        spark = _scores(store)
    duck = _scores(resolved)
    assert any("address: same address" in row[3] for row in duck)
    assert spark == duck
