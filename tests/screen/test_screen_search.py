"""yente's /search over a real store: listing by filters alone, yente's dataset scope,
`filter=`, `filter_op`, `target`, sorts and facets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nohaven.settings import Settings
from nohaven.store import Store
from nohaven.web import create_app


@pytest.fixture
def client(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> Iterator[TestClient]:
    listed = [
        entity("pep", "Person", name="许超凡", birthDate="1953-02-15", topics="role.pep"),
        entity(
            "sanctioned",
            "Person",
            name="Chan Tai Man",
            nationality=["hk", "gb"],
            topics=["sanction", "role.pep"],
            gender="male",
        ),
        entity(
            "firm",
            "Company",
            name="Kwong Fat Trading Limited",
            jurisdiction="hk",
            registrationNumber="HK-0712345",
        ),
    ]
    foreign = [
        entity("hk-1", "Person", name="HUI, Chiu Fan", nationality="hk", birthDate="1953"),
        entity("us-1", "Person", name="Jane Smith", nationality="us"),
    ]
    db = loaded_store("search", {"wanted": listed, "foreign": foreign})
    with Store(db) as store:
        store.execute(
            "UPDATE sources SET loaded_at = TIMESTAMP '2020-06-01' WHERE dataset = 'wanted'"
        )
    with TestClient(create_app(Settings(db=db))) as test_client:
        yield test_client


def _search(client: TestClient, dataset: str = "default", **params: object) -> dict:
    response = client.get(f"/search/{dataset}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _ids(body: dict) -> list[str]:
    return [r["id"] for r in body["results"]]


def test_a_number_written_as_the_query_finds_its_holder(client: TestClient) -> None:
    # As yente searches every text of an entity, not only its names.
    assert _ids(_search(client, q="HK-0712345"))[:1] == ["firm"]
    assert _ids(_search(client, q="hk 0712345"))[:1] == ["firm"]
    assert _ids(_search(client, q="HK-0712345", schema="Person")) == []
    assert "firm" not in _ids(_search(client, q="HK-0712399"))


def test_an_empty_query_lists_what_the_filters_keep(client: TestClient) -> None:
    everyone = _search(client)
    assert sorted(_ids(everyone)) == ["firm", "hk-1", "pep", "sanctioned", "us-1"]
    assert everyone["total"] == {"value": 5, "relation": "eq"}
    # Targets (a position or topics on record) first, as a screening list wants them.
    assert set(_ids(everyone)[:2]) == {"pep", "sanctioned"}
    assert _ids(_search(client, topics="sanction")) == ["sanctioned"]
    assert sorted(_ids(_search(client, schema="Company"))) == ["firm"]
    assert sorted(_ids(_search(client, countries="hk"))) == ["firm", "hk-1", "sanctioned"]
    # Facets alone: a faceted interface asks for no results.
    counted = _search(client, limit=0)
    assert counted["results"] == [] and counted["total"]["value"] == 5
    topics = {v["name"]: v["count"] for v in counted["facets"]["topics"]["values"]}
    assert topics == {"role.pep": 2, "sanction": 1}


def test_yentes_dataset_scope_and_target(client: TestClient) -> None:
    assert sorted(_ids(_search(client, include_dataset="foreign"))) == ["hk-1", "us-1"]
    assert sorted(_ids(_search(client, exclude_dataset="wanted"))) == ["hk-1", "us-1"]
    assert _ids(_search(client, "wanted", exclude_dataset="wanted")) == []
    named = _search(client, q="Hui Chiu Fan", exclude_dataset="foreign")
    assert _ids(named) == ["pep"]
    assert sorted(_ids(_search(client, target="true"))) == ["pep", "sanctioned"]
    assert sorted(_ids(_search(client, target="false"))) == ["firm", "hk-1", "us-1"]


def test_filters_by_field_any_or_every_value(client: TestClient) -> None:
    by_date = _search(client, filter="properties.birthDate:1953-02-15")
    assert _ids(by_date) == ["pep"]
    assert _ids(_search(client, q="Hui Chiu Fan", filter="properties.birthDate:1953")) == ["hk-1"]
    either = _search(client, countries=["gb", "us"])
    assert sorted(_ids(either)) == ["sanctioned", "us-1"]
    both = _search(client, countries=["gb", "hk"], filter_op="AND")
    assert _ids(both) == ["sanctioned"]
    assert _ids(_search(client, filter=["genders:male", "topics:sanction"])) == ["sanctioned"]
    assert _ids(_search(client, filter="entity_id:us-1")) == ["us-1"]


def test_sorts_and_facets_asked_for(client: TestClient) -> None:
    newest = _ids(_search(client, sort="first_seen:desc"))
    assert set(newest[:2]) == {"hk-1", "us-1"}  # loaded after the 2020 list
    oldest = _ids(_search(client, sort="first_seen:asc"))
    assert set(oldest[:3]) == {"firm", "pep", "sanctioned"}
    body = _search(client, facets=["schema", "genders"])
    assert set(body["facets"]) == {"schema", "genders"}
    schemata = {v["name"]: v["count"] for v in body["facets"]["schema"]["values"]}
    assert schemata == {"Person": 4, "Company": 1}
    assert body["facets"]["genders"]["values"] == [{"name": "male", "label": "male", "count": 1}]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"filter": "birthDate"}, "field:value"),
        ({"filter": "colour:red"}, "unknown field"),
        ({"sort": "caption"}, "sort by one of"),
        ({"schema": "Spaceship"}, "unknown schema"),
        ({"facets": "banana"}, "facets"),
        ({"filter_op": "XOR"}, "filter_op"),
        ({"offset": 9600}, "offset"),
    ],
)
def test_a_search_that_cannot_run_is_a_4xx(client: TestClient, params: dict, message: str) -> None:
    response = client.get("/search/default", params=params)
    assert 400 <= response.status_code < 500 and message in response.text, response.text
    assert _ids(_search(client, q="Chan Tai Man")) == ["sanctioned"]


def test_publishers_times_sort_and_a_name_both_loaded_and_listed(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    def published(entity_id: str, seen: str, changed: str, **more: object) -> dict:
        person = entity(entity_id, "Person", name="Chan Tai Man", idNumber="A123456(7)")
        return {**person, "last_seen": seen, "last_change": changed, **more}

    seen_last = published("p-1", "2026-01-01T00:00:00", "2020-01-01T00:00:00")
    changed_last = published(
        "p-2", "2025-01-01T00:00:00", "2024-01-01T00:00:00", datasets=["wanted"]
    )
    wanted = [entity("w-1", "Person", name="Lee")]
    db = loaded_store("times", {"wanted": wanted, "lists": [seen_last, changed_last]})
    with TestClient(create_app(Settings(db=db))) as client:
        by_seen = _ids(_search(client, "lists", sort="last_seen:desc"))
        by_change = _ids(_search(client, "lists", sort="last_change:desc"))
        assert by_seen == ["p-1", "p-2"] and by_change == ["p-2", "p-1"]
        # "wanted" is a loaded dataset and a name p-2's publisher lists it in: both count.
        assert sorted(_ids(_search(client, include_dataset="wanted"))) == ["p-2", "w-1"]
        named = _search(client, "lists", facets="identifiers")["facets"]["identifiers"]
        assert [v["name"] for v in named["values"]] == ["A1234567"]  # no card-kind tags
