"""The yente-compatible API over a real store: shapes, cross-script matches, family."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from nomenklatura.matching.types import AlgorithmDocs, FeatureResult

from nohaven.settings import Settings
from nohaven.store import Store
from nohaven.web import create_app


def _match(client: TestClient, dataset: str, properties: dict, **params: object) -> dict:
    response = client.post(
        f"/match/{dataset}",
        params=params,
        json={"queries": {"q": {"schema": "Person", "properties": properties}}},
    )
    assert response.status_code == 200, response.text
    return response.json()["responses"]["q"]


def test_match_answers_in_yentes_shapes(client: TestClient) -> None:
    body = client.post(
        "/match/wanted",
        json={
            "queries": {
                "applicant-17": {
                    "schema": "Person",
                    "properties": {"name": ["Hui Chiu Fan"], "birthDate": ["1953-02-15"]},
                },
                "applicant-18": {"schema": "Person", "properties": {"name": "Jane Smith"}},
            }
        },
    ).json()
    assert set(body) == {"responses", "matcher", "limit"}
    assert body["limit"] == 5
    assert set(body["responses"]) == {"applicant-17", "applicant-18"}
    found = body["responses"]["applicant-17"]
    assert found["status"] == 200
    assert found["total"]["relation"] == "eq" and found["total"]["value"] >= 1
    assert found["query"] == {
        "id": "applicant-17",
        "schema": "Person",
        "properties": {"name": ["Hui Chiu Fan"], "birthDate": ["1953-02-15"]},
    }
    top = found["results"][0]
    assert {"id", "caption", "schema", "properties", "datasets", "score", "match"} <= set(top)
    assert {"features", "explanations", "target"} <= set(top)
    assert top["id"] == "w-official" and top["caption"] == "许超凡" and top["match"]
    assert top["datasets"] == ["wanted"] and top["target"] is True
    # Properties in name order, as every index build writes them (court exhibits of
    # the same answer must read the same).
    assert list(top["properties"]) == sorted(top["properties"])
    assert len(top["properties"]) >= 4
    assert "hk_cantonese" in top["explanations"]["name"]["detail"]
    # Explanations are yente's (nomenklatura's) FeatureResult, naming the names compared.
    for explanation in top["explanations"].values():
        FeatureResult.model_validate(explanation)
    assert top["explanations"]["name"]["query"] == "Hui Chiu Fan"
    assert top["explanations"]["name"]["candidate"] == "许超凡"
    assert top["explanations"]["name"]["score"] == top["features"]["name_cross_script"]
    assert set(top["features"]) <= set(body["matcher"])
    # Jane Smith is only in the foreign dataset: nothing in "wanted" matches her.
    assert not any(r["match"] for r in body["responses"]["applicant-18"]["results"])


@pytest.mark.parametrize(
    ("form", "system"),
    [
        ("Xu Chaofan", "pinyin"),
        ("Chaofan Xu", "pinyin"),
        ("HSU, Chao-fan", "wade_giles"),
        ("Hui Chiu Fan", "hk_cantonese"),
        ("許超凡", "same character"),
    ],
)
def test_every_script_and_system_finds_the_official(
    client: TestClient, form: str, system: str
) -> None:
    top = _match(client, "wanted", {"name": [form]})["results"][0]
    assert top["id"] == "w-official" and top["match"]
    assert system in top["explanations"]["name"]["detail"]


def test_a_relative_comes_back_with_the_relation_path(client: TestClient) -> None:
    spouse = _match(client, "wanted", {"name": ["Kwong Yuen Fong"]})["results"][0]
    assert spouse["id"] == "w-spouse" and spouse["match"]
    assert spouse["explanations"]["relation"]["detail"] == "spouse of 许超凡"
    assert spouse["relations"][0]["entity_id"] == "w-official"
    in_law = _match(client, "wanted", {"name": ["Lee Mei Ling"]})["results"][0]
    assert in_law["id"] == "w-child-spouse"
    paths = [r["path"] for r in in_law["relations"]]
    assert "spouse of 许明" in paths
    assert "spouse of 许明, child of 许超凡" in paths
    assert any(r["target"] and r["entity_id"] == "w-official" for r in in_law["relations"])


def test_a_different_birth_year_is_not_a_match(client: TestClient) -> None:
    asked = {"name": ["Xu Chaofan"], "birthDate": ["1971"]}
    # As in yente, only matches come back unless the (deprecated) cutoff is lowered.
    assert _match(client, "wanted", asked)["results"] == []
    results = _match(client, "wanted", asked, cutoff=0)["results"]
    assert results[0]["id"] == "w-official" and not results[0]["match"]
    assert results[0]["features"]["qualifiers"] < 0


def test_a_shared_passport_number_is_evidence(client: TestClient) -> None:
    top = _match(client, "wanted", {"name": ["Hsu C F"], "passportNumber": ["g 123 4567"]})[
        "results"
    ][0]
    assert top["id"] == "w-official"
    assert top["features"]["identifier_match"] == 1.0
    assert "G1234567" in top["explanations"]["identifier"]["detail"]


def test_limit_threshold_and_filters(client: TestClient) -> None:
    assert len(_match(client, "default", {"name": ["Hui Chiu Fan"]}, limit=1)["results"]) == 1
    both = {r["id"] for r in _match(client, "default", {"name": ["Hui Chiu Fan"]})["results"]}
    assert {"w-official", "hk-1"} <= both
    foreign = _match(client, "foreign", {"name": ["Hui Chiu Fan"]})["results"]
    assert [r["id"] for r in foreign] == ["hk-1"]
    excluded = _match(
        client, "default", {"name": ["Hui Chiu Fan"]}, exclude_entity_ids=["w-official"]
    )["results"]
    assert "w-official" not in {r["id"] for r in excluded}
    only = _match(client, "default", {"name": ["Hui Chiu Fan"]}, exclude_dataset=["wanted"])
    assert {r["id"] for r in only["results"]} == {"hk-1"}
    included = _match(client, "default", {"name": ["Hui Chiu Fan"]}, include_dataset=["wanted"])
    assert {r["id"] for r in included["results"]} == {"w-official"}
    strict = _match(client, "wanted", {"name": ["Hsu Chao Fen"]}, threshold=1.0)["results"]
    assert strict and not strict[0]["match"]
    # yente's algorithm names are served by nohaven's matcher.
    assert _match(client, "wanted", {"name": ["Xu Chaofan"]}, algorithm="logic-v2")["results"]


def test_companies_match_by_normalised_name(client: TestClient) -> None:
    response = client.post(
        "/match/wanted",
        json={
            "queries": {"c": {"schema": "Company", "properties": {"name": "KWONG FAT TRADING LTD"}}}
        },
    ).json()
    top = response["responses"]["c"]["results"][0]
    assert top["id"] == "w-company" and top["match"]


def test_search_finds_han_names_from_any_romanisation(client: TestClient) -> None:
    body = client.get("/search/default", params={"q": "Hui Chiu Fan"}).json()
    assert {"limit", "offset", "total", "results", "facets"} <= set(body)
    assert body["results"][0]["id"] in {"w-official", "hk-1"}
    assert {"w-official", "hk-1"} <= {r["id"] for r in body["results"]}
    page = client.get("/search/default", params={"q": "Hui Chiu Fan", "offset": 1, "limit": 1})
    assert len(page.json()["results"]) == 1


def test_search_counts_facets_and_filters_countries_and_datasets(client: TestClient) -> None:
    body = client.get("/search/default", params={"q": "Hui Chiu Fan"}).json()
    facets = body["facets"]
    assert set(facets) == {"countries", "topics", "datasets"}
    datasets = {v["name"]: v["count"] for v in facets["datasets"]["values"]}
    assert datasets["wanted"] >= 1 and datasets["foreign"] >= 1
    assert sum(datasets.values()) >= body["total"]["value"]
    countries = facets["countries"]["values"]
    assert {"name": "hk", "label": "Hong Kong SAR", "count": 1} in countries
    assert facets["countries"]["label"] == "Countries"
    in_hk = client.get("/search/default", params={"q": "Hui Chiu Fan", "countries": "HK"}).json()
    assert [r["id"] for r in in_hk["results"]] == ["hk-1"] and in_hk["total"]["value"] == 1
    wanted = client.get(
        "/search/default", params={"q": "Hui Chiu Fan", "datasets": "wanted"}
    ).json()
    assert wanted["results"] and all(r["datasets"] == ["wanted"] for r in wanted["results"])
    assert [v["name"] for v in wanted["facets"]["datasets"]["values"]] == ["wanted"]


def test_search_filters_reach_past_the_candidates_a_search_scores(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    many = [entity(f"gb-{i}", "Person", name="Chan Tai Man", nationality="gb") for i in range(60)]
    one = [entity("hk-only", "Person", name="CHAN, Tai Man", nationality="hk")]
    db = loaded_store("crowd", {"a": many, "b": one})
    with TestClient(create_app(Settings(db=db))) as client:
        for params in ({"countries": "hk"}, {"datasets": "b"}):
            body = client.get("/search/default", params={"q": "Chan Tai Man", **params}).json()
            assert [r["id"] for r in body["results"]] == ["hk-only"], params
            assert body["total"]["value"] == 1
            assert body["facets"]["countries"]["values"] == [
                {"name": "hk", "label": "Hong Kong SAR", "count": 1}
            ]


def test_entities_nest_the_family(client: TestClient) -> None:
    official = client.get("/entities/w-official").json()
    assert official["caption"] == "许超凡"
    edges = official["properties"]["familyPerson"]
    relatives = {e["properties"]["relative"][0]["id"]: e for e in edges}
    assert set(relatives) == {"w-spouse", "w-child"}
    assert relatives["w-child"]["properties"]["relationship"] == ["child"]
    alone = client.get("/entities/w-official", params={"nested": "false"}).json()
    assert alone["caption"] == "许超凡" and "familyPerson" not in alone["properties"]
    child = client.get("/entities/w-child").json()
    assert child["properties"]["familyRelative"][0]["properties"]["person"][0]["id"] == (
        "w-official"
    )
    assert client.get("/entities/nobody").status_code == 404


def test_entities_nest_what_refers_to_them(client: TestClient) -> None:
    # As yente nests adjacent entities: the official's notice and his shares, the
    # company at their other end nested in turn; the company lists the same shares.
    official = client.get("/entities/w-official").json()["properties"]
    [notice] = official["sanctions"]
    assert notice["schema"] == "Sanction" and notice["properties"]["program"] == ["Red"]
    [shares] = official["ownershipOwner"]
    assert shares["properties"]["percentage"] == ["60"]
    company = shares["properties"]["asset"][0]
    assert company["id"] == "w-company" and company["caption"] == "Kwong Fat Trading Limited"
    listed = client.get("/entities/w-company").json()["properties"]["ownershipAsset"]
    assert listed[0]["properties"]["owner"][0]["caption"] == "许超凡"
    alone = client.get("/entities/w-official", params={"nested": "false"}).json()
    assert "sanctions" not in alone["properties"]
    # The notice itself, as yente serves any entity: with the person it names nested.
    notice = client.get("/entities/w-notice").json()
    assert notice["schema"] == "Sanction" and notice["properties"]["authority"] == ["Interpol"]
    assert notice["properties"]["entity"][0]["caption"] == "许超凡"


def test_adjacent_entities_come_a_page_per_property(client: TestClient) -> None:
    # yente's paginated form of the nesting: the same entities, a page of each property.
    answer = client.get("/entities/w-official/adjacent")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["entity"]["id"] == "w-official" and "familyPerson" not in body["entity"]
    assert "sanctions" not in body["entity"]["properties"]
    pages = body["adjacent"]
    assert set(pages) == {"familyPerson", "sanctions", "ownershipOwner"}
    family = pages["familyPerson"]
    assert family["total"] == {"value": 2, "relation": "eq"} and family["limit"] == 10
    nested = client.get("/entities/w-official").json()["properties"]["familyPerson"]
    assert family["results"] == nested
    first = client.get("/entities/w-official/adjacent", params={"limit": 1, "offset": 1}).json()
    assert first["adjacent"]["familyPerson"]["results"] == nested[1:2]
    one = client.get("/entities/w-official/adjacent/sanctions").json()
    assert one["total"]["value"] == 1 and one["results"][0]["properties"]["program"] == ["Red"]
    none = client.get("/entities/w-official/adjacent/directorshipDirector").json()
    assert none["total"]["value"] == 0 and none["results"] == []
    # The company, as stored in the index, lists the shares held in it.
    shares = client.get("/entities/w-company/adjacent/ownershipAsset").json()["results"]
    assert shares[0]["properties"]["owner"][0]["id"] == "w-official"
    for path, status in (
        ("/entities/w-official/adjacent/name", 404),  # no entity property
        ("/entities/w-official/adjacent/nothing", 404),
        ("/entities/nobody/adjacent", 404),
        ("/entities/w-official/adjacent?limit=501", 422),
        ("/entities/w-official/adjacent?offset=-1", 422),
    ):
        assert client.get(path).status_code == status, path


def test_algorithms_and_probes(client: TestClient) -> None:
    body = client.get("/algorithms").json()
    for algorithm in body["algorithms"]:
        AlgorithmDocs.model_validate(algorithm["docs"])  # yente's shape
    assert body["default"] == body["best"] == "nohaven-names"
    assert body["algorithms"][0]["features"]
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    assert "/match/{dataset}" in client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("/match/nowhere", {"queries": {}}, 404, "unknown dataset"),
        (
            "/match/wanted",
            {"queries": {"a": {"schema": "Spaceship", "properties": {"name": "x"}}}},
            400,
            "unknown schema",
        ),
        (
            "/match/wanted",
            {"queries": {"a": {"schema": "Person", "properties": {}}}},
            400,
            "no name",
        ),
        (
            "/match/wanted",
            {
                "queries": {
                    str(i): {"schema": "Person", "properties": {"name": "x"}} for i in range(101)
                }
            },
            400,
            "too many queries",
        ),
        (
            "/match/wanted",
            {"queries": {"a": {"schema": "Person", "properties": {"name": "x" * 5000}}}},
            400,
            "longer than",
        ),
        ("/match/wanted", {"queries": {"a": {"schema": "Person"}}}, 422, "properties"),
        ("/match/wanted", {"nothing": 1}, 422, "queries"),
    ],
)
def test_bad_requests_get_a_clear_4xx_and_the_server_keeps_serving(
    client: TestClient, path: str, body: dict, status: int, message: str
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == status
    assert message in response.text
    assert _match(client, "wanted", {"name": ["Xu Chaofan"]})["results"][0]["id"] == "w-official"


def test_malformed_json_is_a_4xx(client: TestClient) -> None:
    response = client.post(
        "/match/wanted", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert client.post("/match/wanted?algorithm=nope", json={"queries": {}}).status_code == 400


def test_a_chinese_company_is_found_by_its_english_name_and_back(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    listed = [
        entity("fuhua", "Company", name="深圳富華實業有限公司", jurisdiction="cn"),
        entity("fuhua-invest", "Company", name="深圳富华投资有限公司", jurisdiction="cn"),
        entity("bright", "Company", name="Bright Crystal Investment (Hong Kong) Limited"),
        entity("huaxin", "Company", name="华新科技有限公司"),
    ]
    db = loaded_store("companies", {"registry": listed})
    with TestClient(create_app(Settings(db=db))) as client:

        def top(name: str) -> dict:
            response = client.post(
                "/match/registry",
                params={"cutoff": 0},  # near misses too
                json={"queries": {"q": {"schema": "Company", "properties": {"name": [name]}}}},
            )
            assert response.status_code == 200, response.text
            return response.json()["responses"]["q"]["results"][0]

        found = top("SHENZHEN FUHUA INDUSTRIAL CO., LTD.")
        assert found["id"] == "fuhua" and found["match"]
        assert "across scripts" in found["explanations"]["name"]["detail"]
        assert top("Shenzhen Fuhua Investment Co Ltd")["id"] == "fuhua-invest"
        # Four characters: 华新, 华信 and 化新 read alike. Shown, not called a match.
        short = top("Huaxin Technology Ltd")
        assert short["id"] == "huaxin" and not short["match"]
        assert top("Bright Crystal Investment (HK) Ltd")["id"] == "bright"


def test_yente_topic_schema_change_and_cutoff_filters(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    listed = [
        entity("pep", "Person", name="许超凡", birthDate="1953-02-15", topics="role.pep"),
        entity("namesake", "Person", name="许超凡", birthDate="1953-02-15"),
        entity("other-year", "Person", name="许超凡", birthDate="1961-05-05"),
        entity("firm", "Company", name="Chiu Fan Trading Limited"),
    ]
    db = loaded_store("filters", {"old": listed[:1], "new": listed[1:]})
    with Store(db) as store:
        store.execute("UPDATE sources SET loaded_at = TIMESTAMP '2020-06-01' WHERE dataset = 'old'")
    with TestClient(create_app(Settings(db=db))) as client:

        def answer(properties: dict, schema: str = "Person", **params: object) -> dict:
            response = client.post(
                "/match/default",
                params=params,
                json={"queries": {"q": {"schema": schema, "properties": properties}}},
            )
            assert response.status_code == 200, response.text
            return response.json()["responses"]["q"]

        def ids(properties: dict, schema: str = "Person", **params: object) -> list[str]:
            return [r["id"] for r in answer(properties, schema, **params)["results"]]

        query = {"name": ["Hui Chiu Fan"], "birthDate": ["1953-02-15"]}
        everyone = answer(query, cutoff=0)
        assert {r["id"] for r in everyone["results"]} == {"pep", "namesake", "other-year"}
        # By default only the matches come back, as from yente.
        assert {r["id"] for r in answer(query)["results"]} == {"pep", "namesake"}
        # yente's total: the matches, not every result (the other year scores 0.6).
        assert everyone["total"]["value"] == 2
        assert ids(query, topics=["role.pep"]) == ["pep"]
        assert ids(query, topics=["sanction", "role.pep"]) == ["pep"]
        assert answer(query, topics=["sanction"])["total"]["value"] == 0
        assert ids(query, topics=["sanction"]) == []
        assert set(ids(query, changed_since="2024-01-01", cutoff=0)) == {"namesake", "other-year"}
        assert "pep" in ids(query, changed_since="2019-12-31T23")
        assert "pep" not in ids(query, changed_since="2020-06-01")  # after it, not at it
        pep = client.get("/entities/pep").json()
        assert pep["first_seen"] == pep["last_change"] == "2020-06-01T00:00:00"

        # A name alone is weighed against the same namesakes whatever the filter shows.
        name_only = {"name": ["Hui Chiu Fan"]}
        weighed = {r["id"]: r["score"] for r in answer(name_only, cutoff=0)["results"]}
        unweighed = answer(name_only, algorithm="nohaven-names-unweighted")["results"]
        assert weighed["pep"] < {r["id"]: r["score"] for r in unweighed}["pep"]
        only_pep = answer(name_only, topics=["role.pep"], cutoff=0)["results"]
        assert [(r["id"], r["score"]) for r in only_pep] == [("pep", weighed["pep"])]

        anything = {"name": ["Chiu Fan"]}
        assert "firm" in ids(anything, "LegalEntity", limit=10, cutoff=0)
        assert "firm" not in ids(
            anything, "LegalEntity", limit=10, exclude_schema=["Company"], cutoff=0
        )
        scores = sorted(r["score"] for r in everyone["results"])
        assert len(ids(query, cutoff=scores[0])) == sum(s > scores[0] for s in scores) == 2
        # A cutoff above the threshold is lowered to it, as yente does.
        assert len(ids(query, cutoff=0.99, threshold=0.5)) == 3
        bad = client.post(
            "/match/default",
            params={"changed_since": "2026-13-45"},
            json={"queries": {"q": {"schema": "Person", "properties": query}}},
        )
        assert bad.status_code == 400 and "changed_since" in bad.json()["detail"]
        worse = client.post(
            "/match/default",
            params={"changed_since": "yesterday"},
            json={"queries": {"q": {"schema": "Person", "properties": query}}},
        )
        assert worse.status_code == 422
        found = client.get("/search/default", params={"q": "Hui Chiu Fan", "topics": "role.pep"})
        assert [r["id"] for r in found.json()["results"]] == ["pep"]


def test_names_that_are_not_chinese_are_found_in_any_order_and_script(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    listed = [
        entity("putin", "Person", name="PUTIN, Vladimir Vladimirovich", birthDate="1952-10-07"),
        entity("dos-santos", "Person", name="Isabel dos Santos"),
        entity("popov", "Person", name="Vladimir Popov"),
    ]
    db = loaded_store("western", {"sanctions": listed})
    with TestClient(create_app(Settings(db=db))) as client:

        def ids(name: str) -> list[str]:
            response = client.post(
                "/match/sanctions",
                json={"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}},
            )
            assert response.status_code == 200, response.text
            return [r["id"] for r in response.json()["responses"]["q"]["results"] if r["match"]]

        assert ids("Владимир Путин") == ["putin"]  # Cyrillic, transliterated
        assert ids("Vladimir Putin") == ["putin"]
        assert ids("SANTOS, Isabel Dos") == ["dos-santos"]
        assert ids("Vladimir Petrov") == []  # one word in common is not a match
        assert ids("Boris Putin") == []


@contextmanager
def _serving(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], name: str, wanted: list[dict]
) -> Iterator[TestClient]:
    """A server over a store of its own holding `wanted` as the dataset "wanted"."""
    with TestClient(create_app(Settings(db=loaded_store(name, {"wanted": wanted})))) as client:
        yield client


def test_a_relationship_written_with_of_reads_once(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    wanted = [
        entity("p-1", "Person", name="Aleksandr Zakharov", birthDate="1970-01-01"),
        entity("p-2", "Person", name="Maria Osetrova", birthDate="1975-01-01"),
        entity("f-1", "Family", person="p-1", relative="p-2", relationship="Family member of"),
    ]
    with _serving(loaded_store, "of", wanted) as client:
        top = _match(client, "wanted", {"name": ["Maria Osetrova"]})["results"][0]
    assert top["id"] == "p-2"
    assert [r["path"] for r in top["relations"]] == ["family member of Aleksandr Zakharov"]


def _match_company(client: TestClient, name: str) -> list[dict]:
    response = client.post(
        "/match/wanted",
        json={"queries": {"q": {"schema": "Company", "properties": {"name": [name]}}}},
    )
    assert response.status_code == 200, response.text
    return response.json()["responses"]["q"]["results"]


def test_any_of_many_names_finds_a_company_and_a_legal_form_alone_finds_none(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    # Sanctions lists give a company its name in a dozen languages.
    aliases = [f"Kalashnikov Concern {language}" for language in "ABCDEFGHIJ"]
    wanted = [
        entity(
            "c-1",
            "Company",
            name="JSC Kalashnikov Concern",
            alias=[*aliases, "Концерн Калашников", "АО НПО Ижмаш"],
        ),
        entity("c-2", "Company", name='Общество с ограниченной ответственностью "ЦСТ"'),
        entity("c-3", "Company", name='Limited Liability Company "RTC"'),
    ]
    with _serving(loaded_store, "forms", wanted) as client:
        for asked in ("Концерн Калашников", "JSC NPO IZHMASH", "Kalashnikov Concern"):
            top = _match_company(client, asked)[0]
            assert top["id"] == "c-1" and top["match"], asked
        fake = _match_company(client, 'Общество с ограниченной ответственностью "Ромашка"')
        assert not any(result["match"] for result in fake)


def test_the_caption_is_the_name_nearest_the_others(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    names = [
        "An chuideachta theoranta ‘Inter Tobacco’",
        "Inter Tobacco LLC",
        "Inter Tobacco Limited Liability Company",
        "ООО «Интер Тобако»",
    ]
    with _serving(loaded_store, "caption", [entity("c-1", "Company", name=names)]) as client:
        assert client.get("/entities/c-1").json()["caption"] == "Inter Tobacco LLC"
        assert _match_company(client, "Inter Tobacco")[0]["caption"] == "Inter Tobacco LLC"


def test_search_finds_a_person_by_one_word_of_the_name(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    wanted = [
        entity("p-1", "Person", name="Aleksandr Zakharov"),
        entity("p-2", "Person", name="ЗАХАРОВ Лаврентий"),
        entity("p-3", "Person", name="Maria Osetrova"),
    ]
    with _serving(loaded_store, "words", wanted) as client:
        found = client.get("/search/default", params={"q": "Zakharov"}).json()
        assert {r["id"] for r in found["results"]} == {"p-1", "p-2"}
        # /match, for screening, still wants a name it can tell apart.
        assert not _match(client, "wanted", {"name": ["Zakharov"]})["results"]


def test_a_person_with_many_names_is_found_by_any_of_them(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    # Alphabetically the Latin spellings come first; the name asked for comes last.
    aliases = [f"Aleksandr Zakharov {i}" for i in range(8)] + ["Захаров Лаврентий Петрович"]
    with _serving(loaded_store, "many", [entity("p-1", "Person", name=aliases)]) as client:
        top = _match(client, "wanted", {"name": ["Lavrentiy Petrovich Zakharov"]})["results"][0]
    assert top["id"] == "p-1" and top["match"]
    assert top["explanations"]["name"]["candidate"] == "Захаров Лаврентий Петрович"


def test_an_id_the_entity_was_merged_from_finds_it(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    # OpenSanctions merges each list's record into one entity and names the list ids it
    # was merged from; a client that stored "ofac-1234" must still reach the entity.
    merged = {
        **entity("NK-abc", "Person", name="Aleksandr Zakharov", birthDate="1970-01-01"),
        "referents": ["ofac-1234", "eu-fsf-99", "NK-abc", "ofac-1234"],
    }
    other = entity("NK-def", "Person", name="Aleksandr Zakharov", birthDate="1971-05-05")
    with _serving(loaded_store, "referents", [merged, other]) as client:
        found = client.get("/entities/NK-abc", params={"nested": "false"}).json()
        assert found["referents"] == ["eu-fsf-99", "ofac-1234"]
        moved = client.get("/entities/ofac-1234?nested=false", follow_redirects=False)
        assert moved.status_code == 308
        # A path, as yente gives, not a URL built from whatever Host the client sent.
        assert moved.headers["location"] == "/entities/NK-abc?nested=false"
        assert client.get("/entities/ofac-1234").json()["id"] == "NK-abc"
        moved = client.get("/entities/ofac-1234/adjacent/sanctions", follow_redirects=False)
        assert moved.headers["location"] == "/entities/NK-abc/adjacent/sanctions"
        assert client.get("/entities/ofac-9999").status_code == 404
        results = _match(client, "wanted", {"name": ["Aleksandr Zakharov"]}, cutoff=0)["results"]
        assert {r["id"] for r in results} == {"NK-abc", "NK-def"}
        assert next(r for r in results if r["id"] == "NK-abc")["referents"] == found["referents"]
        # Excluding a referent excludes the entity merged from it, as in yente.
        kept = _match(
            client,
            "wanted",
            {"name": ["Aleksandr Zakharov"]},
            exclude_entity_ids="eu-fsf-99",
            cutoff=0,
        )["results"]
        assert [r["id"] for r in kept] == ["NK-def"]


def test_another_identity_card_of_the_same_kind_halves_the_score(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    """Two listed Hui Chiu Fans born the same day, one with a Hong Kong identity card: an
    applicant showing another HKID is not him, is still the other, and a mainland
    resident id (another register) or a passport (renewed) counts against no one."""
    born = "1953-02-15"
    db = loaded_store(
        "cards",
        {
            "wanted": [
                entity("w-card", "Person", name="许超凡", birthDate=born, idNumber="H908882(9)"),
                entity("w-none", "Person", name="許超凡", birthDate=born),
            ]
        },
    )
    with TestClient(create_app(Settings(db=db))) as client:
        asked = {"name": ["HUI, Chiu Fan"], "birthDate": [born]}
        other = _match(client, "wanted", {**asked, "idNumber": ["K123456(7)"]}, cutoff=0)["results"]
        scores = {r["id"]: r for r in other}
        assert scores["w-card"]["score"] == scores["w-none"]["score"] / 2
        assert not scores["w-card"]["match"] and scores["w-none"]["match"]
        explained = scores["w-card"]["explanations"]["identity_card"]
        assert "idNumber of 8 characters, a letter first, a digit last" in explained["detail"]
        assert explained["score"] == scores["w-card"]["features"]["qualifiers"]
        assert scores["w-card"]["features"]["qualifiers"] < 0
        for unrelated in ({"idNumber": ["440783195302156519"]}, {"passportNumber": ["K1234567"]}):
            results = _match(client, "wanted", {**asked, **unrelated})["results"]
            assert all(r["match"] for r in results) and len(results) == 2
        same = _match(client, "wanted", {**asked, "idNumber": ["h908882 9"]})["results"][0]
        assert same["id"] == "w-card" and same["features"]["identifier_match"] == 1.0


def test_what_yente_clients_send_is_understood(client: TestClient) -> None:
    """Requests written for yente: an identifier alone, a schema nohaven does not index
    beside a person, algorithm names in any case, `config`, and no JSON content type."""
    body = {
        "queries": {
            "by-passport": {"schema": "Person", "properties": {"passportNumber": ["G1234567"]}},
            "vessel": {"schema": "Vessel", "properties": {"name": ["Ever Given"]}},
            "person": {"schema": "Person", "properties": {"name": ["Xu Chaofan"]}},
        },
        "config": {"nm_number_mismatch": 0.4},
    }
    response = client.post("/match/wanted", params={"algorithm": " Logic-V2"}, json=body)
    assert response.status_code == 200, response.text
    assert response.headers["x-batch-size"] == "3"
    answers = response.json()["responses"]
    by_passport = answers["by-passport"]["results"][0]
    assert by_passport["id"] == "w-official" and by_passport["match"]
    assert "G1234567" in by_passport["explanations"]["identifier"]["detail"]
    assert answers["vessel"]["results"] == [] and answers["vessel"]["status"] == 200
    assert answers["person"]["results"][0]["id"] == "w-official"
    assert client.post("/match/wanted", params={"algorithm": "ofac"}, json=body).status_code == 200
    # A body sent with no content type: read as JSON, as yente reads it.
    plain = client.post(
        "/match/wanted",
        content=b'{"queries": {"q": {"schema": "Person", "properties": {"name": "Xu Chaofan"}}}}',
    )
    assert "content-type" not in plain.request.headers
    assert plain.status_code == 200 and plain.json()["responses"]["q"]["results"]
    empty = client.post("/match/wanted", json={"queries": {}})
    assert empty.status_code == 400 and "no queries" in empty.json()["detail"]
    nothing = {"queries": {"q": {"schema": "Person", "properties": {"nationality": ["cn"]}}}}
    assert "no name or identifier" in client.post("/match/wanted", json=nothing).text


def test_browsers_elsewhere_may_call_the_api(client: TestClient) -> None:
    preflight = client.options(
        "/match/wanted",
        headers={
            "origin": "https://screening.example.org",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in preflight.headers


def test_a_publishers_datasets_and_times_answer_as_yentes(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    """OpenSanctions' export says which of its sources list an entity and when it last
    changed: include_dataset, exclude_dataset and changed_since read those, as yente's."""
    person = {"name": "Aleksandr Zakharov", "birthDate": "1970-01-01"}
    published = {
        **entity("NK-1", "Person", **person),
        "datasets": ["us_ofac_sdn", "eu_fsf"],
        "first_seen": "2019-03-01T10:00:00",
        "last_seen": "2026-11-30T02:00:00",
        "last_change": "2023-05-01T08:00:00",
        "target": True,
    }
    only_eu = {**entity("NK-2", "Person", **person), "datasets": ["eu_fsf"]}
    db = loaded_store(
        "published",
        {"sanctions": [published, only_eu], "local": [entity("p-3", "Person", **person)]},
    )
    with TestClient(create_app(Settings(db=db))) as client:
        shown = client.get("/entities/NK-1").json()
        assert shown["datasets"] == ["eu_fsf", "sanctions", "us_ofac_sdn"]
        assert (shown["first_seen"], shown["last_seen"], shown["last_change"]) == (
            "2019-03-01T10:00:00",
            "2026-11-30T02:00:00",
            "2023-05-01T08:00:00",
        )
        assert shown["target"] is True

        def ids(**params: object) -> set[str]:
            asked = {"name": [person["name"]], "birthDate": [person["birthDate"]]}
            return {r["id"] for r in _match(client, "default", asked, **params)["results"]}

        assert ids() == {"NK-1", "NK-2", "p-3"}
        assert ids(include_dataset="us_ofac_sdn") == {"NK-1"}
        assert ids(include_dataset="sanctions") == {"NK-1", "NK-2"}
        assert ids(include_dataset=["local", "us_ofac_sdn"]) == {"NK-1", "p-3"}
        # Excluded only when every source listing it is: NK-1 is also on the EU's list.
        assert ids(exclude_dataset="us_ofac_sdn") == {"NK-1", "NK-2", "p-3"}
        assert ids(exclude_dataset="eu_fsf") == {"NK-1", "p-3"}
        assert ids(changed_since="2024-01-01") == {"NK-2", "p-3"}
        listed = client.get("/search/default", params={"include_dataset": "us_ofac_sdn"}).json()
        assert [r["id"] for r in listed["results"]] == ["NK-1"]
        counted = {v["name"]: v["count"] for v in listed["facets"]["datasets"]["values"]}
        assert counted == {"eu_fsf": 1, "sanctions": 1, "us_ofac_sdn": 1}


def test_the_catalog_lists_what_queries_may_be_scoped_to(client: TestClient) -> None:
    body = client.get("/catalog").json()
    by_name = {d["name"]: d for d in body["datasets"]}
    assert set(by_name) == {"wanted", "foreign", "default"}
    assert by_name["foreign"]["entity_count"] == 2 and by_name["foreign"]["load"]
    assert sorted(by_name["default"]["children"]) == ["foreign", "wanted"]
    assert by_name["default"]["entity_count"] == sum(
        by_name[n]["entity_count"] for n in ("wanted", "foreign")
    )
    assert by_name["wanted"]["version"] == by_name["wanted"]["index_version"]
    assert sorted(body["current"]) == ["default", "foreign", "wanted"]
    assert body["outdated"] == [] and body["index_stale"] is False
    # Every dataset named there answers /match.
    for name in by_name:
        assert _match(client, name, {"name": ["Xu Chaofan"]})["status"] == 200


def test_entities_nest_what_they_refer_to(
    loaded_store: Callable[[str, dict[str, list[dict]]], Path], entity: Callable[..., dict]
) -> None:
    # OpenSanctions gives addresses as entities of their own, referred to by id.
    home = entity("addr-1", "Address", full="1 Harbour Road, Wan Chai", country="hk")
    person = entity("p-1", "Person", name="HUI, Chiu Fan", addressEntity="addr-1")
    with _serving(loaded_store, "addresses", [person, home]) as client:
        [address] = client.get("/entities/p-1").json()["properties"]["addressEntity"]
        assert address["id"] == "addr-1" and address["schema"] == "Address"
        assert address["properties"]["full"] == ["1 Harbour Road, Wan Chai"]
        alone = client.get("/entities/p-1", params={"nested": "false"}).json()
        assert alone["properties"]["addressEntity"] == ["addr-1"]


def test_answers_fit_the_models_the_openapi_document_declares(client: TestClient) -> None:
    from nohaven.web import yente_models as models

    person = {"name": ["Hui Chiu Fan"], "birthDate": ["1953-02-15"]}
    asked = {"queries": {"q": {"schema": "Person", "properties": person}}}
    assert client.post("/match/default", json=asked).json()["responses"]["q"]["results"]
    answers = [
        (models.EntityMatchResponse, client.post("/match/default", json=asked)),
        (models.SearchResponse, client.get("/search/default", params={"q": "Hui Chiu Fan"})),
        (models.SearchResponse, client.get("/search/default")),
        (models.EntityResponse, client.get("/entities/w-official")),
        (models.EntityResponse, client.get("/entities/w-notice")),
        (models.AlgorithmResponse, client.get("/algorithms")),
        (models.DataCatalogModel, client.get("/catalog")),
    ]
    for shape, response in answers:
        assert response.status_code == 200, response.text
        shape.model_validate(response.json())
    declared = client.get("/openapi.json").json()["paths"]
    assert declared["/match/{dataset}"]["post"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ] == {"$ref": "#/components/schemas/EntityMatchResponse"}
