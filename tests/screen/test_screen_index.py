"""The postings table finds exactly the rows that hold each key hash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nohaven import parallel
from nohaven.access import add_user, record_ownership
from nohaven.ingest import load_paths
from nohaven.screen import index
from nohaven.screen.index import Postings
from nohaven.screen.match import match_query
from nohaven.screen.query import parse_query
from nohaven.screen.reconcile import completions
from nohaven.store import Store

ROW_BITS = 12


def _table(pairs: list[tuple[int, int]]) -> Postings:
    mask = (1 << (63 - ROW_BITS)) - 1
    packed = np.array(sorted({((h & mask) << ROW_BITS) | row for h, row in pairs}), np.int64)
    return Postings.from_packed(packed, ROW_BITS)


@pytest.mark.parametrize("slice_size", [index._SLICE, 7])
def test_lookup_matches_a_plain_mapping(monkeypatch: pytest.MonkeyPatch, slice_size: int) -> None:
    monkeypatch.setattr(index, "_SLICE", slice_size)  # built a slice at a time or at once
    rng = np.random.default_rng(7)
    # Python's string hashes are signed 64-bit: negative ones must be found too.
    hashes = rng.integers(-(2**63), 2**63 - 1, size=3_000, dtype=np.int64).tolist()
    pairs = [(h, int(r)) for h in hashes for r in rng.integers(0, 4_000, size=rng.integers(1, 6))]
    pairs += [(hashes[0], r) for r in range(2_000)]  # a key most entities hold
    expected: dict[int, set[int]] = {}
    for h, row in pairs:
        expected.setdefault(h, set()).add(row)
    table = _table(pairs)
    assert table.widest >= 1
    absent = rng.integers(-(2**63), 2**63 - 1, size=500, dtype=np.int64).tolist()
    asked = hashes[:1_000] + absent + hashes[:3]  # repeats keep their place
    found = table.lookup(asked)
    assert len(found) == len(asked)
    for h, rows in zip(asked, found, strict=True):
        assert rows.dtype == np.int32
        assert sorted(rows.tolist()) == sorted(expected.get(h, ()))
    assert sum(r.size for r in table.lookup(hashes)) == table.rows.size


def test_empty_table_and_empty_lookup() -> None:
    table = _table([])
    assert [r.size for r in table.lookup([1, -5])] == [0, 0]
    assert _table([(42, 1)]).lookup([]) == []
    assert _table([(42, 1)]).lookup([42])[0].tolist() == [1]


def _shared_entity_store(tmp_path: Path, files: dict[str, list[dict]]) -> Store:
    """A store where each dataset's file is loaded under its name, by an agency of its
    own with a user (the index keeps a row of what each agency may see)."""
    store = Store(tmp_path / f"{'-'.join(files)}.duckdb")
    for dataset, entities in files.items():
        path = tmp_path / f"{dataset}.ftm.json"
        path.write_text("\n".join(json.dumps(e) for e in entities) + "\n")
        load_paths(store, [path], dataset=dataset)
        add_user(store, f"user-{dataset}", f"agency-{dataset}", "viewer", "a long password x")
        record_ownership(store, [dataset], f"agency-{dataset}", [])
    return store


_MINE = {"id": "NK-1", "schema": "Person", "properties": {"name": ["Viktor Petrov"]}}
_THEIRS = {
    "id": "NK-1",
    "schema": "Person",
    "properties": {
        "name": ["Viktor Petrov", "Ivan Sidorov"],
        "birthDate": ["1961-02-03"],
        "passportNumber": ["P7654321"],
        "nationality": ["ru"],
        "topics": ["sanction"],
    },
}
_ASKED = [
    {"schema": "Person", "properties": {"name": ["Ivan Sidorov"]}},
    {"schema": "Person", "properties": {"passportNumber": ["P7654321"]}},
    {"schema": "Person", "properties": {"name": ["Viktor Petrov"], "birthDate": ["1961-02-03"]}},
    {"schema": "Person", "properties": {"name": ["Viktor Petrov"]}},
    {"schema": "Person", "properties": {"name": ["Viktor Petrov"], "birthDate": ["1970-05-06"]}},
]


def _answers(
    built: index.ScreeningIndex, visible: frozenset[str] | None, **filters: Any
) -> list[list[tuple]]:
    out = []
    for asked in _ASKED:
        results, _ = match_query(
            built, parse_query(asked), visible=visible, cutoff=0.0, threshold=0.7, **filters
        )
        out.append(
            [(r["id"], r["score"], r["target"], r["datasets"], r["properties"]) for r in results]
        )
    return out


def test_a_shared_entity_is_scored_on_what_the_user_may_see(tmp_path: Path) -> None:
    """Two agencies load one OpenSanctions id: a user of the first is answered exactly
    as if the second's file had never been loaded (names, birth date, passport, target
    and countries it alone gives), while a user who may see both is answered on both."""
    with (
        _shared_entity_store(tmp_path, {"a": [_MINE], "b": [_THEIRS]}) as shared,
        _shared_entity_store(tmp_path, {"a": [_MINE]}) as alone,
    ):
        both = index.build_index(shared)
        assert both.size == 1 and both.split_parent.tolist() == [0, 0]  # a's row, b's row
        mine_only = _answers(index.build_index(alone), frozenset({"a"}))
        assert _answers(both, frozenset({"a"})) == mine_only
        assert [len(found) for found in mine_only] == [0, 0, 1, 1, 1]
        assert mine_only[2][0][2] is False  # not a target: only b's file says so
        # Neither b's nationality nor its topics filter for a user of a alone.
        assert _answers(both, frozenset({"a"}), countries=frozenset({"ru"}))[3] == []
        assert _answers(both, frozenset({"a"}), topics=frozenset({"sanction"}))[3] == []
        for visible in (None, frozenset({"a", "b"})):
            seen = _answers(both, visible)
            assert [len(found) for found in seen] == [1, 1, 1, 1, 1], visible
            _, _, target, datasets, properties = seen[2][0]
            assert target and datasets == ["a", "b"]
            # b's birth date is not the one asked: on both files, the score drops.
            assert seen[4][0][1] < mine_only[4][0][1] == 1.0
            assert properties["name"] == ["Ivan Sidorov", "Viktor Petrov"]
        # b's own user sees b's say: the birth date and passport find the person.
        theirs = _answers(both, frozenset({"b"}))
        assert [len(found) for found in theirs] == [1, 1, 1, 1, 1]
        assert theirs[0][0][3] == ["b"] and "ru" in theirs[0][0][4]["nationality"]


def test_a_shared_relative_is_shown_as_the_user_may_see_them(tmp_path: Path) -> None:
    wife = {"id": "NK-2", "schema": "Person", "properties": {"name": ["Olga Petrova"]}}
    edge = {
        "id": "NK-F",
        "schema": "Family",
        "properties": {"person": ["NK-2"], "relative": ["NK-1"], "relationship": ["husband"]},
    }
    with _shared_entity_store(tmp_path, {"a": [_MINE, wife, edge], "b": [_THEIRS]}) as store:
        built = index.build_index(store)
        asked = parse_query({"schema": "Person", "properties": {"name": ["Olga Petrova"]}})
        for visible, target, caption in (
            (frozenset({"a"}), False, "Viktor Petrov"),
            (None, True, "Ivan Sidorov"),
        ):
            results, _ = match_query(built, asked, visible=visible)
            (relation,) = results[0]["relations"]
            assert relation["entity_id"] == "NK-1" and relation["target"] is target
            assert relation["caption"] == caption, visible


def test_an_agency_that_sees_two_of_three_loads_is_answered_on_both(tmp_path: Path) -> None:
    """The index keeps a row of what each agency may see of an entity several datasets
    load: its users are answered exactly as on a store of those loads alone (a birth
    date or topic one load gives, a name the other gives), the entity found once."""
    third = {"id": "NK-1", "schema": "Person", "properties": {"name": ["Petrov Viktor Ilyich"]}}
    files = {"a": [_MINE], "b": [_THEIRS], "c": [third]}
    with (
        _shared_entity_store(tmp_path, files) as store,
        _shared_entity_store(tmp_path, {"a": [_MINE], "b": [_THEIRS]}) as both,
    ):
        add_user(store, "ann", "joint", "investigator", "a long password x")
        record_ownership(store, ["a"], "agency-a", ["joint"])
        record_ownership(store, ["b"], "agency-b", ["joint"])
        built = index.build_index(store)
        seen = frozenset({"a", "b"})
        found = _answers(built, seen)
        assert found == _answers(index.build_index(both), None)
        assert [len(results) for results in found] == [1] * len(_ASKED)
        assert found[4][0][1] < 1.0  # b's birth date is not the one asked
        _, _, target, datasets, properties = found[3][0]
        assert datasets == ["a", "b"] and target
        assert properties["name"] == ["Ivan Sidorov", "Viktor Petrov"]  # not c's
        assert _answers(built, seen, topics=frozenset({"sanction"}))[3] == found[3]
        row = built.row_for("NK-1", seen)
        assert row is not None and built.entity(row, seen)["datasets"] == ["a", "b"]
        assert built.row_for("NK-1", frozenset({"c"})) is not None
        assert built.row_for("NK-1", frozenset({"d"})) is None
        excluded = _answers(built, seen, exclude_ids=frozenset({"NK-1"}))
        assert excluded == [[]] * len(_ASKED)
        # Sharing that changed since the index was built: a row of some of the loads
        # the user may see stands in, the entity found once.
        fallback = _answers(built, frozenset({"b", "c"}))
        assert [len(results) for results in fallback] == [1] * len(_ASKED)


def test_a_common_name_loaded_by_two_datasets_is_still_found(tmp_path: Path) -> None:
    """Rows of some of an entity's datasets do not count against the cap on a name
    key's entities: 170 Wang Weis each loaded twice are still candidates."""
    people = [
        {"id": f"WW-{n}", "schema": "Person", "properties": {"name": ["Wang Wei"]}}
        for n in range(170)
    ]
    with _shared_entity_store(tmp_path, {"a": people, "b": people}) as store:
        built = index.build_index(store)
        assert built.size == 170 and built.split_parent.size == 340  # a's rows, b's rows
        asked = parse_query({"schema": "Person", "properties": {"name": ["Wang Wei"]}})
        for visible in (None, frozenset({"a"}), frozenset({"a", "b"})):
            results, _ = match_query(built, asked, visible=visible, cutoff=0.0)
            assert len(results) == 5, visible
            assert len({r["id"] for r in results}) == 5


def test_each_agency_reads_its_own_version_of_a_shared_family_tie(tmp_path: Path) -> None:
    wife = {"id": "NK-2", "schema": "Person", "properties": {"name": ["Olga Petrova"]}}

    def edge(relationship: str) -> dict:
        return {
            "id": "NK-F",
            "schema": "Family",
            "properties": {
                "person": ["NK-2"],
                "relative": ["NK-1"],
                "relationship": [relationship],
            },
        }

    files = {"a": [_MINE, wife, edge("husband")], "c": [_MINE, wife, edge("secret lover")]}
    with _shared_entity_store(tmp_path, files) as store:
        built = index.build_index(store)
        asked = parse_query({"schema": "Person", "properties": {"name": ["Olga Petrova"]}})
        for visible, path in (
            (frozenset({"a"}), "wife of Viktor Petrov"),  # her husband, as a records it
            (frozenset({"c"}), "relative of Viktor Petrov"),  # a tie c names its own way
        ):
            results, _ = match_query(built, asked, visible=visible)
            assert [r["path"] for r in results[0]["relations"]] == [path], visible
        results, _ = match_query(built, asked)
        assert len(results[0]["relations"]) == 1  # one tie, as all its datasets record it


def test_what_a_publisher_said_of_another_kind_of_entity_stays_out(tmp_path: Path) -> None:
    """An id one agency loads as a person and another as a vessel, with a publisher's
    datasets and times: the person's row carries none of them."""
    vessel = {
        "id": "NK-1",
        "schema": "Vessel",
        "properties": {"name": ["Viktor Petrov"]},
        "datasets": ["secret_watchlist"],
        "first_seen": "1999-01-01T00:00:00",
        "target": True,
    }
    with _shared_entity_store(tmp_path, {"a": [_MINE], "c": [vessel]}) as store:
        built = index.build_index(store)
        row = built.row_for("NK-1", frozenset({"a"}))
        assert row is not None
        shown = built.entity(row, frozenset({"a"}))
        assert shown["datasets"] == ["a"] and shown["target"] is False
        assert not shown["first_seen"].startswith("1999")


def test_a_prefix_is_completed_from_the_names_a_user_may_see(tmp_path: Path) -> None:
    mine = [{"id": "A-1", "schema": "Person", "properties": {"name": ["Ivan Zakharov"]}}]
    theirs = [
        {"id": f"C-{n}", "schema": "Person", "properties": {"name": [f"Zakhar Zakharenko {n}"]}}
        for n in range(8)
    ]
    with _shared_entity_store(tmp_path, {"a": mine, "c": theirs}) as store:
        built = index.build_index(store)
        assert completions(built, "Zakh", frozenset({"a"})) == ["zakharov"]
        assert completions(built, "Zakh")[:2] == ["zakhar", "zakharenko"]  # most common
        assert completions(built, "Zakh ", None) == []  # the word is finished


def test_without_users_an_entity_two_datasets_load_is_one_row(tmp_path: Path) -> None:
    """A single user sees every dataset: overlapping loads (OpenSanctions' sanctions and
    default collections) add no rows."""
    store = Store(tmp_path / "one.duckdb")
    with store:
        for dataset in ("sanctions", "default_collection"):
            path = tmp_path / f"{dataset}.ftm.json"
            path.write_text(json.dumps(_THEIRS) + "\n")
            load_paths(store, [path], dataset=dataset)
        built = index.build_index(store)
        assert built.size == 1 and built.split_parent.size == 0
        results, _ = match_query(built, parse_query(_ASKED[0]))
        assert [r["datasets"] for r in results] == [["default_collection", "sanctions"]]


def test_an_agency_keeps_what_its_own_publisher_said_of_a_shared_entity(tmp_path: Path) -> None:
    published = {**_MINE, "datasets": ["us_ofac_sdn"], "first_seen": "2001-01-01T00:00:00"}
    with _shared_entity_store(tmp_path, {"a": [published], "b": [_THEIRS]}) as store:
        built = index.build_index(store)
        for visible, datasets in (
            (frozenset({"a"}), ["a", "us_ofac_sdn"]),
            (frozenset({"b"}), ["b"]),
            (None, ["a", "b", "us_ofac_sdn"]),
        ):
            row = built.row_for("NK-1", visible)
            assert row is not None
            shown = built.entity(row, visible)
            assert shown["datasets"] == datasets, visible
            assert shown["first_seen"].startswith("2001") == (visible != frozenset({"b"}))


def test_names_keyed_on_every_core_give_the_index_keyed_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key workers send back each chunk's keys in name order: split across processes,
    the postings are exactly those computed in one."""
    people = [
        {"id": f"P{k}", "schema": "Person", "properties": {"name": [name]}}
        for k, name in enumerate(
            ["许超凡", "Hui Chiu Fan", "Chaofan Xu", "王伟", "Wang Wei", "LAU, WING TIP", "J. Lee"]
        )
    ]
    companies = [{"id": "C1", "schema": "Company", "properties": {"name": ["Golden Harbour Ltd"]}}]
    chunks: list[int] = []

    def counted(*args: Any, **kwargs: Any) -> list[Any]:
        found = parallel.map_chunks(*args, **kwargs)
        chunks.append(len(found))
        return found

    with _shared_entity_store(tmp_path, {"a": people + companies}) as store:
        here = index.build_index(store, workers=1).postings_table
        monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
        monkeypatch.setattr(index, "map_chunks", counted)
        split = index.build_index(store, workers=2).postings_table
    assert chunks and chunks[0] > 1  # split, not computed in one piece
    assert here.hashes.size > 20
    for field in ("hashes", "starts", "rows", "directory"):
        assert np.array_equal(getattr(here, field), getattr(split, field)), field
