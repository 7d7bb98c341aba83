"""A name alone is weighed by how many people carry it: namesakes of a listed person are
ranked, explained and not called matches; a birth date or identifier lifts the weight."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nohaven.ingest import load_paths
from nohaven.screen.batch import read_queries
from nohaven.screen.index import build_index, store_generation
from nohaven.screen.match import match_query
from nohaven.screen.query import parse_query
from nohaven.settings import Settings
from nohaven.store import Store
from nohaven.web import create_app


@pytest.fixture
def namesakes_db(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> Path:
    """王伟 is wanted; two records abroad carry his name, one born fifteen years later."""
    wanted = [
        entity("w-wang", "Person", name="王伟", birthDate="1970-01-01", position="mayor"),
        entity("w-li", "Person", name="李小龙", birthDate="1962-05-05"),
    ]
    foreign = [
        entity("f-older", "Person", name="WANG, Wei", nationality="hk"),
        entity("f-younger", "Person", name="Wang Wei", birthDate="1985-06-06"),
    ]
    return loaded_store("namesakes", {"wanted": wanted, "foreign": foreign})


@pytest.fixture
def client(namesakes_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=namesakes_db))) as test_client:
        yield test_client


def _top(client: TestClient, properties: dict, **params: object) -> dict:
    response = client.post(
        "/match/wanted",
        params={"cutoff": 0, **params},  # namesakes below the threshold too
        json={"queries": {"q": {"schema": "Person", "properties": properties}}},
    )
    assert response.status_code == 200, response.text
    return response.json()["responses"]["q"]["results"][0]


def test_a_name_alone_is_shared_among_everyone_who_carries_it(client: TestClient) -> None:
    top = _top(client, {"name": ["Wang Wei"]})
    assert top["id"] == "w-wang"
    assert top["features"]["name_cross_script"] == 1.0
    assert top["features"]["name_frequency"] == 0.5
    assert top["score"] == 0.5 and not top["match"]
    assert "at least 2 different people" in top["explanations"]["name_frequency"]["detail"]


def test_a_unique_name_alone_is_still_a_match(client: TestClient) -> None:
    top = _top(client, {"name": ["Lee Siu Lung"]})
    assert top["id"] == "w-li" and top["match"]
    assert top["features"]["name_frequency"] == 1.0


def test_the_address_tells_a_name_from_its_namesakes(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    """Two Chan Tai Mans are wanted; the applicant gives his flat, written as the
    other records write it."""
    wanted = [
        entity("w-1", "Person", name="陈大文", address="Flat 3A, 12 Tung Choi Street, Mong Kok"),
        entity("w-2", "Person", name="陳大文", address="88 Des Voeux Road Central"),
    ]
    db = loaded_store("address", {"wanted": wanted})
    with TestClient(create_app(Settings(db=db))) as client:
        alone = _top(client, {"name": ["Chan Tai Man"]})
        assert alone["features"]["name_frequency"] == 0.5 and not alone["match"]
        for flat in (
            "FLAT 3A 12 TUNG CHOI ST MONG KOK",
            "Flat 3A, 12 Tung Choi St., Mong Kok",
            "Flat 3A, 12 Tung Choi Street",  # the district left out
        ):
            top = _top(client, {"name": ["Chan Tai Man"], "address": [flat]})
            assert top["id"] == "w-1" and top["match"], flat
            assert top["features"]["address_match"] == 1.0
            assert top["features"]["name_frequency"] == 1.0
            assert "address" in top["explanations"]
        for elsewhere_address in ("1 Nathan Road", "Flat 3B, 12 Tung Choi Street, Mong Kok"):
            elsewhere = _top(client, {"name": ["Chan Tai Man"], "address": [elsewhere_address]})
            assert not elsewhere["match"] and elsewhere["features"]["address_match"] == 0.0
        elsewhere = _top(client, {"name": ["Chan Tai Man"], "address": ["1 Nathan Road"]})
        assert not elsewhere["match"] and elsewhere["features"]["address_match"] == 0.0
        # A city is where, not who: it tells no one apart.
        for city in ("Hong Kong", "Mong Kok"):
            vague = _top(client, {"name": ["Chan Tai Man"], "address": [city]})
            assert not vague["match"] and vague["features"]["address_match"] == 0.0


def test_namesakes_at_one_address_are_weighed_against_each_other(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    flat = "Flat 3A, 12 Tung Choi Street, Mong Kok"
    wanted = [
        entity("w-1", "Person", name="陈大文", birthDate="1950-01-01", address=flat),
        entity("w-2", "Person", name="陳大文", birthDate="1980-01-01", address=flat),
        entity("w-3", "Person", name="陈大文", address="88 Des Voeux Road Central"),
    ]
    db = loaded_store("household", {"wanted": wanted})
    with TestClient(create_app(Settings(db=db))) as client:
        top = _top(client, {"name": ["Chan Tai Man"], "address": [flat]})
        assert top["id"] in {"w-1", "w-2"} and top["features"]["address_match"] == 1.0
        assert top["features"]["name_frequency"] == 0.5 and not top["match"]


def test_a_file_of_people_reads_their_addresses(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text('name,address\nChan Tai Man,"Flat 3A, 12 Tung Choi Street"\n')
    [(_, query)] = read_queries(path)
    assert query.specific_addresses == ("Flat 3A, 12 Tung Choi Street",)


def test_a_birth_date_or_the_unweighted_algorithm_lifts_the_weight(client: TestClient) -> None:
    dated = _top(client, {"name": ["Wang Wei"], "birthDate": ["1970-01-01"]})
    assert dated["id"] == "w-wang" and dated["match"]
    assert dated["features"]["name_frequency"] == 1.0
    unweighted = _top(client, {"name": ["Wang Wei"]}, algorithm="nohaven-names-unweighted")
    assert unweighted["score"] == 1.0 and unweighted["match"]
    names = [a["name"] for a in client.get("/algorithms").json()["algorithms"]]
    assert names == ["nohaven-names", "nohaven-names-unweighted"]


def test_namesakes_the_user_may_not_see_are_not_counted(namesakes_db: Path) -> None:
    with Store(namesakes_db, read_only=True) as store:
        index = build_index(store)
    query = parse_query({"schema": "Person", "properties": {"name": ["Wang Wei"]}})
    (seen_by_all,), _ = match_query(index, query, limit=1, include_datasets=frozenset({"wanted"}))
    (seen_by_one,), _ = match_query(
        index, query, limit=1, include_datasets=frozenset({"wanted"}), visible=frozenset({"wanted"})
    )
    assert seen_by_all["score"] == 0.5 and seen_by_one["score"] == 1.0


def _resolved(store: Store, clusters: dict[str, str]) -> None:
    """Clusters as a `nohaven resolve` run leaves them."""
    store.execute("DELETE FROM clusters")
    for entity_id, canonical_id in clusters.items():
        store.execute("INSERT INTO clusters VALUES (?, ?, 'person')", [entity_id, canonical_id])
    store.execute(
        "INSERT INTO resolution_runs SELECT coalesce(max(run_id), 0) + 1, now(), 'duckdb', '{}' "
        "FROM resolution_runs"
    )


def test_resolved_people_are_counted_once_and_apart(
    tmp_path: Path, write_ftm: Callable[[str, list[dict]], Path], entity: Callable[..., dict]
) -> None:
    """Before resolution, two undated records of one dataset count as two people; after
    it, as many as resolution found. Each run changes the index's generation."""
    db = tmp_path / "resolved.duckdb"
    with Store(db) as store:
        load_paths(
            store,
            [write_ftm("w.json", [entity("w-wang", "Person", name="王伟", position="mayor")])],
            dataset="wanted",
        )
        load_paths(
            store,
            [
                write_ftm(
                    "f.json",
                    [
                        entity("f-1", "Person", name="WANG, Wei"),
                        entity("f-2", "Person", name="Wang Wei"),
                    ],
                )
            ],
            dataset="foreign",
        )
        query = parse_query({"schema": "Person", "properties": {"name": ["Wang Wei"]}})
        scores = []
        before = store_generation(store)
        for clusters in (
            {},
            {"w-wang": "c1", "f-1": "c1", "f-2": "c1"},
            {"w-wang": "c1", "f-1": "c2", "f-2": "c2"},
        ):
            if clusters:
                _resolved(store, clusters)
                assert store_generation(store) != before
                before = store_generation(store)
            (top,), _ = match_query(
                build_index(store), query, limit=1, include_datasets=frozenset({"wanted"})
            )
            scores.append(top["features"]["name_frequency"])
    assert scores == [0.5, 1.0, 0.5]


def test_a_user_seeing_some_datasets_is_not_shown_clusters_joined_through_others(
    tmp_path: Path, write_ftm: Callable[[str, list[dict]], Path], entity: Callable[..., dict]
) -> None:
    """Resolution joined both foreign records to the official through a hidden one:
    all of it is one person to a user who sees everything; to a user who cannot see the
    hidden record, the two foreign records are two people."""
    db = tmp_path / "scoped.duckdb"
    with Store(db) as store:
        for dataset, records in {
            "wanted": [entity("w-wang", "Person", name="王伟", position="mayor")],
            "foreign": [
                entity("f-1", "Person", name="WANG, Wei"),
                entity("f-2", "Person", name="Wang Wei"),
            ],
            "hidden": [entity("h-1", "Person", name="Wang Wei", passportNumber="E1")],
        }.items():
            load_paths(store, [write_ftm(f"{dataset}.json", records)], dataset=dataset)
        _resolved(store, {"w-wang": "c1", "f-1": "c1", "f-2": "c1", "h-1": "c1"})
        index = build_index(store)
    query = parse_query({"schema": "Person", "properties": {"name": ["Wang Wei"]}})
    weights = []
    for visible in (
        None,
        frozenset({"wanted", "foreign", "hidden"}),
        frozenset({"wanted", "foreign"}),
    ):
        (top,), _ = match_query(
            index, query, limit=1, include_datasets=frozenset({"wanted"}), visible=visible
        )
        weights.append(top["features"]["name_frequency"])
    assert weights == [1.0, 1.0, 0.5]


def test_the_cli_weighs_namesakes_unless_told_to_flag_every_one(
    cli, namesakes_db: Path, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text("id,name\nv1,Wang Wei\n", encoding="utf-8")
    flags = []
    for extra in ((), ("--every-namesake",)):
        result = cli("screen", people, "--dataset", "wanted", *extra, "--db", namesakes_db)
        assert result.code == 0, result.stderr
        (top,) = [r for r in csv.DictReader(io.StringIO(result.stdout)) if r["rank"] == "1"]
        assert top["entity_id"] == "w-wang"
        flags.append((top["match"], "different people" in top["explanation"]))
    assert flags == [("false", True), ("true", False)]


def test_result_filters_do_not_change_who_counts_as_a_namesake(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    # More namesakes than the bystanders scored for other datasets: the topic filter must
    # not shrink the crowd a name alone is weighed against.
    people = [entity("pep", "Person", name="王伟", position="mayor", topics="role.pep")]
    people += [entity(f"wang-{k}", "Person", name="王伟") for k in range(9)]
    with Store(loaded_store("crowd", {"people": people})) as store:
        index = build_index(store)
    query = parse_query({"schema": "Person", "properties": {"name": ["Wang Wei"]}})
    everyone, _ = match_query(index, query, limit=20)
    score = {r["id"]: r["score"] for r in everyone}["pep"]
    assert score < 0.2  # ten people carry the name
    only, total = match_query(index, query, topics=frozenset({"role.pep"}))
    assert [(r["id"], r["score"]) for r in only] == [("pep", score)] and total == 0


def test_among_namesakes_the_one_known_by_the_query_spelling_goes_first(
    tmp_path: Path, write_ftm: Callable[[str, list[dict]], Path], entity: Callable[..., dict]
) -> None:
    """Two registry people are 张群鹏; resolution joined a Hong Kong filing "CHEUNG, Kwan
    Pang" to the second. A name alone in that spelling ranks him first, says why, and
    still weighs the name by its two holders; a user who may not see the filing's
    dataset is given the plain order."""
    db = tmp_path / "spelt.duckdb"
    with Store(db) as store:
        for dataset, records in {
            "registry": [
                entity("r-1", "Person", name="张群鹏", birthDate="1960-01-01"),
                entity("r-2", "Person", name="张群鹏", birthDate="1971-07-07"),
            ],
            "hk": [entity("h-1", "Person", name="CHEUNG, Kwan Pang")],
        }.items():
            load_paths(store, [write_ftm(f"{dataset}.json", records)], dataset=dataset)
        _resolved(store, {"r-1": "c1", "r-2": "c2", "h-1": "c2"})
        index = build_index(store)
    registry = frozenset({"registry"})
    query = parse_query({"schema": "Person", "properties": {"name": ["Kwan Pang Cheung"]}})
    results, _ = match_query(index, query, include_datasets=registry)
    assert [r["id"] for r in results] == ["r-2", "r-1"]
    assert results[0]["score"] == results[1]["score"]
    assert "h-1" in results[0]["explanations"]["known_as"]["detail"]
    assert "known_as" not in results[1]["explanations"]
    hidden, _ = match_query(
        index, query, include_datasets=registry, visible=frozenset({"registry"})
    )
    assert [r["id"] for r in hidden] == ["r-1", "r-2"]
    # Nor does a record the query excludes vouch for the spelling.
    excluded, _ = match_query(
        index, query, include_datasets=registry, exclude_ids=frozenset({"h-1"})
    )
    assert [r["id"] for r in excluded] == ["r-1", "r-2"]


@pytest.mark.parametrize(
    ("country", "first"),
    [
        # "LI WANG" is 王利 in pinyin, as Chinese passports write it; 李宏 only with 宏 in
        # Cantonese spelling, as Hong Kong's papers would.
        ("cn", "王利"),
        ("hk", "李宏"),
    ],
)
def test_among_namesakes_the_name_read_as_its_country_writes_it_goes_first(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path],
    entity: Callable[..., dict],
    country: str,
    first: str,
) -> None:
    # The one expected first gets the later id, so the id order alone would not do it.
    names = [name for name in ("王利", "李宏") if name != first] + [first]
    people = [
        entity(f"p-{k}", "Person", name=name, nationality=country) for k, name in enumerate(names)
    ]
    with Store(loaded_store(f"home-{country}", {"people": people})) as store:
        index = build_index(store)
    query = parse_query({"schema": "Person", "properties": {"name": ["LI WANG"]}})
    results, _ = match_query(index, query)
    assert [r["caption"] for r in results] == [first, names[0]]
    assert results[0]["score"] == results[1]["score"]
    assert country in results[0]["explanations"]["name_system"]["detail"]
    assert "name_system" not in results[1]["explanations"]
