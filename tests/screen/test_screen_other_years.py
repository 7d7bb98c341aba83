"""A query with a birth year scores only the first people born in other years: they can
score at most 0.6 and only fill the results after those born that year."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nohaven.ingest import load_paths
from nohaven.screen import match as match_module
from nohaven.screen.index import build_index
from nohaven.screen.match import OTHER_YEAR_CANDIDATES, match_query
from nohaven.screen.query import parse_query
from nohaven.store import Store


@pytest.fixture
def crowd_db(
    tmp_path: Path, write_ftm: Callable[[str, list[dict]], Path], entity: Callable[..., dict]
) -> Path:
    """许超凡 born 1963, thirty namesakes born in other years, two with no birth date,
    and one born in 1990 who shares the query's passport number."""
    people = [entity("x-1963", "Person", name="许超凡", birthDate="1963-02-01")]
    people += [
        entity(f"x-{1930 + i}", "Person", name="许超凡", birthDate=f"{1930 + i}-03-04")
        for i in range(30)
    ]
    people += [entity(f"x-undated-{i}", "Person", name="许超凡") for i in range(2)]
    passport = {"birthDate": "1990-07-08", "passportNumber": "E1234567"}
    people.append(entity("x-passport", "Person", name="许超凡", **passport))
    db = tmp_path / "crowd.duckdb"
    with Store(db) as store:
        load_paths(store, [write_ftm("crowd.json", people)], dataset="wanted")
    return db


def test_people_born_in_other_years_are_scored_only_as_far_as_the_results_need(
    crowd_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(crowd_db, read_only=True) as store:
        index = build_index(store)
    scored: list[str] = []
    real = match_module.score_row

    def counting(index, query, row, compared=None):  # type: ignore[no-untyped-def]
        scored.append(index.ids[row])
        return real(index, query, row, compared)

    monkeypatch.setattr(match_module, "score_row", counting)
    query = parse_query(
        {
            "schema": "Person",
            "properties": {
                "name": ["Hui Chiu Fan"],
                "birthDate": ["1963-02-01"],
                "passportNumber": ["E1234567"],
            },
        }
    )
    results, total = match_query(index, query, limit=5)
    other_years = [i for i in scored if i[2:].isdigit() and i != "x-1963"]
    assert len(other_years) == OTHER_YEAR_CANDIDATES
    # Born that year, undated, or sharing an identifier: always scored.
    assert {"x-1963", "x-undated-0", "x-undated-1", "x-passport"} <= set(scored)
    assert results[0]["id"] in {"x-1963", "x-passport"} and results[0]["match"]
    # yente's total: the matches (all of them among these five results), not all scored.
    assert 2 <= total == sum(r["match"] for r in results) < len(scored)
    # A larger limit scores as many as it can show.
    scored.clear()
    results, _ = match_query(index, query, limit=20)
    assert len([i for i in scored if i[2:].isdigit() and i != "x-1963"]) == 20
    assert len(results) == 20


def test_a_birth_year_without_the_day_is_indexed_and_weighed(
    tmp_path: Path, write_ftm: Callable[[str, list[dict]], Path], entity: Callable[..., dict]
) -> None:
    people = [
        entity("year-only", "Person", name="Vladimir Putin", birthDate="1952"),
        entity("other-year", "Person", name="Vladimir Putin", birthDate="1960"),
    ]
    with Store(tmp_path / "years.duckdb") as store:
        load_paths(store, [write_ftm("years.json", people)], dataset="wanted")
        index = build_index(store)
    years = dict(zip(index.ids, index.birth_years.tolist(), strict=True))
    assert years == {"year-only": 1952, "other-year": 1960}
    query = parse_query(
        {
            "schema": "Person",
            "properties": {"name": ["Путин Владимир"], "birthDate": ["1952-10-07"]},
        }
    )
    results, _ = match_query(index, query, limit=5, threshold=0.7)
    assert [r["id"] for r in results if r["match"]] == ["year-only"]


def test_an_entity_giving_several_birth_dates_matches_on_any(
    tmp_path: Path, write_ftm: Callable[[str, list[dict]], Path], entity: Callable[..., dict]
) -> None:
    # A sanctions list's "DOB 04 Mar 1960; alt. DOB 06 May 1961".
    listed = entity("sdn", "Person", name="Xu Chaofan", birthDate=["1960-03-04", "1961-05-06"])
    with Store(tmp_path / "alt.duckdb") as store:
        load_paths(store, [write_ftm("alt.json", [listed])], dataset="wanted")
        index = build_index(store)

    def top(born: str) -> dict:
        query = parse_query(
            {"schema": "Person", "properties": {"name": ["许超凡"], "birthDate": [born]}}
        )
        results, _ = match_query(index, query, limit=5, threshold=0.7)
        return results[0]

    assert top("1960-03-04")["match"] and top("1961-05-06")["match"]
    assert top("1961-05-06")["score"] == top("1960-03-04")["score"]
    assert not top("1975-01-01")["match"]


def test_a_common_names_postings_keep_an_entity_born_in_its_alternative_year(
    tmp_path: Path,
    write_ftm: Callable[[str, list[dict]], Path],
    entity: Callable[..., dict],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Postings longer than MAX_POSTINGS are cut to those born in the query's year: an
    # entity's "alt. DOB" year counts as its year.
    people = [entity("sdn", "Person", name="王伟", birthDate=["1959-01-02", "1960-03-04"])]
    people += [
        entity(f"w-{y}", "Person", name="王伟", birthDate=f"{y}-05-06") for y in (1958, 1961)
    ]
    with Store(tmp_path / "common.duckdb") as store:
        load_paths(store, [write_ftm("common.json", people)], dataset="wanted")
        index = build_index(store)
    monkeypatch.setattr(match_module, "MAX_POSTINGS", 1)
    query = parse_query(
        {"schema": "Person", "properties": {"name": ["Wang Wei"], "birthDate": ["1960-03-04"]}}
    )
    results, _ = match_query(index, query, limit=5, threshold=0.7)
    assert results and results[0]["id"] == "sdn" and results[0]["match"]
