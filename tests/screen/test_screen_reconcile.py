"""The OpenRefine reconciliation API over a real store, as OpenRefine calls it."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient


def _reconcile(client: TestClient, queries: dict, dataset: str = "default") -> dict:
    response = client.post(f"/reconcile/{dataset}", data={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_manifest_points_openrefine_at_the_suggest_services(client: TestClient) -> None:
    service = client.get("/reconcile/wanted").json()
    assert service["versions"] == ["0.2"] and "wanted" in service["name"]
    entity = service["suggest"]["entity"]
    assert entity["service_url"].endswith("/reconcile/wanted")
    assert entity["service_path"] == "/suggest/entity"
    assert service["view"]["url"].endswith("/entity/{{id}}")
    assert {t["id"] for t in service["defaultTypes"]} >= {"Person", "Company"}
    assert client.get("/reconcile/nowhere").status_code == 404


def _person(name: str, born: str) -> dict:
    """A reconciliation query for a person with a birth-date column."""
    return {"query": name, "type": "Person", "properties": [{"pid": "birthDate", "v": born}]}


def test_a_column_of_names_in_any_script_is_reconciled(client: TestClient) -> None:
    answers = _reconcile(
        client,
        {
            "q0": _person("Hui Chiu Fan", "1953-02-15"),
            "q1": {"query": "KWONG FAT TRADING LTD", "type": ["Company"], "limit": 1},
            "q2": {"query": "Nobody Atall"},
        },
    )
    best = answers["q0"]["result"][0]
    assert best["id"] == "w-official" and best["match"] is True and best["score"] >= 0.9
    assert best["type"] == [{"id": "Person", "name": "People"}]
    assert "born 1953-02-15" in best["description"]
    [company] = answers["q1"]["result"]
    assert company["id"] == "w-company" and company["match"] is True
    assert answers["q2"]["result"] == []
    # Near misses come too, marked as no match, for the investigator to judge.
    other_year = _reconcile(client, {"q": _person("Xu Chaofan", "1971")})["q"]["result"]
    assert other_year[0]["id"] == "w-official" and other_year[0]["match"] is False
    # OpenRefine may send the batch in the query string instead.
    got = client.get(
        "/reconcile/wanted", params={"queries": json.dumps({"a": {"query": "许超凡"}})}
    )
    assert got.json()["a"]["result"][0]["id"] == "w-official"


def test_suggestions_for_entities_types_and_properties(client: TestClient) -> None:
    # Whole words, in any script; an unfinished last word is completed from the names
    # as they are written.
    def suggested(prefix: str) -> list[str]:
        answer = client.get("/reconcile/default/suggest/entity", params={"prefix": prefix})
        assert answer.status_code == 200, answer.text
        return [r["id"] for r in answer.json()["result"]]

    assert suggested("Xu Chaofan")[0] == "w-official"
    assert suggested("许超")[0] == "w-official"
    assert suggested("Kwo") == ["w-company"] and suggested("KWONG FAT TRA") == ["w-company"]
    assert suggested("Kwo ") == []  # the last word is finished
    assert suggested("Zzyx") == [] and suggested("!!") == []
    types = client.get("/reconcile/default/suggest/type", params={"prefix": "Comp"}).json()
    assert [t["id"] for t in types["result"]] == ["Company"]
    props = client.get("/reconcile/default/suggest/property", params={"prefix": "birth"}).json()
    assert "birthDate" in {p["id"] for p in props["result"]}


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({}, "no queries provided"),
        ({"queries": "{not json"}, "not JSON"),
        ({"queries": "[1, 2]"}, "an object of queries"),
        ({"queries": json.dumps({"q": {"query": "x", "limit": 0}})}, "limit"),
        ({"queries": json.dumps({"q": {"query": "x", "type": "Spaceship"}})}, "unknown schema"),
        ({"queries": json.dumps({"q": {"query": "x", "properties": [{"v": 1}]}})}, "pid"),
        (
            {"queries": json.dumps({str(i): {"query": "x"} for i in range(101)})},
            "too many queries",
        ),
        ({"extend": "{not json"}, "extend: not JSON"),
        ({"extend": json.dumps({"ids": "w-official", "properties": []})}, '"ids"'),
        ({"extend": json.dumps({"ids": [], "properties": [{"name": "x"}]})}, '"properties"'),
        (
            {
                "extend": json.dumps(
                    {"ids": [], "properties": [{"id": "x", "settings": {"limit": -1}}]}
                )
            },
            "limit",
        ),
        (
            {
                "extend": json.dumps(
                    {"ids": [], "properties": [{"id": "x", "settings": {"render": 1}}]}
                )
            },
            "render",
        ),
        ({"extend": json.dumps({"ids": ["x"] * 101, "properties": []})}, "too many ids"),
    ],
)
def test_a_batch_that_cannot_be_read_is_a_400(client: TestClient, form: dict, message: str) -> None:
    response = client.post("/reconcile/default", data=form)
    assert response.status_code == 400 and message in response.json()["detail"]
    assert _reconcile(client, {"q": {"query": "许超凡"}})["q"]["result"]


def test_a_prefix_with_nothing_readable_suggests_nothing(client: TestClient) -> None:
    for prefix in ("\u200b", "\u00ad", "--"):
        answer = client.get("/reconcile/default/suggest/entity", params={"prefix": prefix})
        assert answer.status_code == 200 and answer.json()["result"] == [], prefix


def test_reconciled_entities_extend_the_sheet_with_their_properties(client: TestClient) -> None:
    # OpenRefine's data extension: the manifest points at the property proposals, and a
    # batch of reconciled ids comes back with the properties asked for.
    service = client.get("/reconcile/default").json()
    proposals = service["extend"]["propose_properties"]
    assert proposals["service_path"] == "/extend/property"
    offered = client.get("/reconcile/default/extend/property", params={"type": "Person"}).json()
    assert offered["type"] == "Person" and "birthDate" in {p["id"] for p in offered["properties"]}
    assert "familyPerson" not in {p["id"] for p in offered["properties"]}  # no references
    asked = {
        "ids": ["w-official", "w-company", "w-notice", "nobody"],
        "properties": [
            {"id": "birthDate"},
            {"id": "jurisdiction"},
            {"id": "entity"},
            {"id": "passportNumber", "settings": {"render": "raw", "limit": 1}},
        ],
    }
    answer = client.post("/reconcile/default", data={"extend": json.dumps(asked)})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert {m["id"] for m in body["meta"]} == {
        "birthDate",
        "jurisdiction",
        "entity",
        "passportNumber",
    }
    rows = body["rows"]
    assert rows["w-official"]["birthDate"] == [{"str": "1953-02-15"}]
    assert rows["w-official"]["passportNumber"] == [{"str": "G1234567"}]
    assert rows["w-company"]["jurisdiction"] == [{"str": "Hong Kong SAR"}]  # a caption
    assert rows["w-notice"]["entity"] == [{"str": "许超凡"}]  # the sanctioned person's name
    assert rows["nobody"] == {}
    raw = {**asked, "properties": [{"id": "jurisdiction", "settings": {"render": "raw"}}]}
    same = client.get("/reconcile/default", params={"extend": json.dumps(raw)}).json()
    assert same["rows"]["w-company"]["jurisdiction"] == [{"str": "hk"}]
    bad = client.get("/reconcile/default/extend/property", params={"type": "Spaceship"})
    assert bad.status_code == 400 and "Spaceship" in bad.json()["detail"]
    assert client.get("/reconcile/nowhere/extend/property").status_code == 404
