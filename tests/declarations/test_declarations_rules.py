"""Each declaration rule on a family built to break it (and one built not to)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from nohaven.declarations.check import check_declarations, risk_ranking
from nohaven.declarations.passport import check_passport
from nohaven.declarations.rules import RuleConfig
from nohaven.errors import NohavenError
from nohaven.ingest import load_paths
from nohaven.resolve.judgements import add_judgement
from nohaven.resolve.pipeline import resolve
from nohaven.store import Store


def _entity(entity_id: str, schema: str, **props: str | list[str]) -> dict:
    values = {k: v if isinstance(v, list) else [v] for k, v in props.items()}
    return {"id": entity_id, "schema": schema, "properties": values}


def _family(official: str, relative: str, relationship: str) -> dict:
    edge = f"fam-{official}-{relative}"
    return _entity(edge, "Family", person=official, relative=relative, relationship=relationship)


# Official A: wife in Canada as a permanent resident (a visa record says so), son in the
# US as a citizen, and a Vancouver house in the wife's name that no declaration lists.
# A declares the wife at home and leaves the son out. Official B: a clean family whose
# daughter studies in the UK, declared; the wife stays at home.
REGISTRY = [
    _entity("off-a", "Person", name="许超凡", birthDate="1953-07-01", gender="male"),
    _entity("wife-a", "Person", name="邝婉芳", birthDate="1955-03-09", gender="female"),
    _entity("son-a", "Person", name="许国俊", birthDate="1980-11-20", gender="male"),
    _family("off-a", "wife-a", "spouse"),
    _family("off-a", "son-a", "child"),
    _entity("off-b", "Person", name="王建国", birthDate="1960-02-02", gender="male"),
    _entity("wife-b", "Person", name="李秀英", birthDate="1962-06-06", gender="female"),
    _entity("girl-b", "Person", name="王小明", birthDate="1990-09-09", gender="female"),
    _family("off-b", "wife-b", "spouse"),
    _family("off-b", "girl-b", "child"),
]
FOREIGN = [
    _entity(
        "ca-wife",
        "Person",
        name="KWONG, Yuen Fong",
        alias="邝婉芳",
        birthDate="1955-03-09",
        nationality="cn",
    ),
    _entity(
        "ca-visa",
        "Identification",
        holder="ca-wife",
        type="permanent resident",
        country="ca",
        number="V700497326",
    ),
    _entity("us-son", "Person", name="XU, Guojun", birthDate="1980-11-20", nationality="us"),
    _entity(
        "house",
        "RealEstate",
        address="2148 Bayview Ave, Vancouver, BC",
        country="ca",
        amount="3000000",
        currency="CAD",
    ),
    _entity("deed", "Ownership", owner="ca-wife", asset="house", role="owner"),
]


def _declaration(official: str, declaration_id: str, filed: str, **parts: object) -> dict:
    base = {
        "declaration_id": declaration_id,
        "official_id": official,
        "filing_date": filed,
        "kind": "annual",
        "family": [],
        "income": [
            {"year": int(filed[:4]) - 1, "source": "salary", "amount": "200000", "currency": "CNY"}
        ],
        "assets": [],
    }
    return base | parts


DECLARATIONS = [
    _declaration(
        "off-a",
        "a-2016",
        "2016-01-10",
        family=[{"person_id": "wife-a", "name": "邝婉芳", "relation": "spouse"}],
        assets=[{"kind": "real_estate", "country": "cn", "value": "900000", "currency": "CNY"}],
    ),
    {
        **_declaration("off-a", "a-pass", "2016-03-01"),
        "kind": "passport_application",
    },
    _declaration(
        "off-b",
        "b-2016",
        "2016-01-12",
        family=[
            {"person_id": "wife-b", "name": "李秀英", "relation": "spouse"},
            {
                "person_id": "girl-b",
                "name": "王小明",
                "relation": "child",
                "residence_country": "gb",
                "residence_status": "long_term_resident",
            },
        ],
    ),
    {**_declaration("off-b", "b-pass", "2016-02-01"), "kind": "passport_application"},
]


@pytest.fixture
def world_db(db_path: Path, tmp_path: Path) -> Path:
    files = {
        "registry.ftm.json": REGISTRY,
        "foreign.ftm.json": FOREIGN,
        "declarations.jsonl": DECLARATIONS,
    }
    for name, rows in files.items():
        (tmp_path / name).write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    with Store(db_path) as store:
        load_paths(store, [tmp_path / name for name in files])
        resolve(store)
    return db_path


@pytest.fixture
def world(world_db: Path) -> Iterator[Store]:
    with Store(world_db) as store:
        yield store


def _by_rule(findings: list) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for f in findings:
        out.setdefault(f.rule, {})[f.official_id] = f.evidence
    return out


def test_each_rule_finds_the_family_built_to_break_it(world: Store) -> None:
    clusters = dict(world.fetchall("SELECT entity_id, canonical_id FROM clusters"))
    assert clusters["ca-wife"] == clusters["wife-a"] and clusters["us-son"] == clusters["son-a"]

    found = _by_rule(check_declarations(world))
    assert set(found["naked_official"]) == {"off-a"}  # B's wife stays: not naked
    family = {m["person_id"]: m["evidence"] for m in found["naked_official"]["off-a"]["family"]}
    assert {e["ref"] for e in family["wife-a"]} == {"ca-visa"}
    assert {e["status"] for e in family["son-a"]} == {"citizen"}

    assert set(found["incomplete_family"]) == {"off-a"}
    missing = found["incomplete_family"]["off-a"]["missing"]
    assert [(m["person_id"], m["relation"]) for m in missing] == [("son-a", "child")]

    assert set(found["undeclared_foreign_asset"]) == {"off-a"}
    (asset,) = found["undeclared_foreign_asset"]["off-a"]["assets"]
    assert (asset["asset_id"], asset["held_by"], asset["through"]) == ("house", "wife-a", ["deed"])
    # Every record cited is traced to the file and line it was loaded from.
    sources = found["undeclared_foreign_asset"]["off-a"]["sources"]
    cited = {i: (Path(s[0]["file"]).name, s[0]["record"]) for i, s in sources.items()}
    assert cited["house"] == ("foreign.ftm.json", 4)
    assert cited["deed"] == ("foreign.ftm.json", 5)
    assert cited["wife-a"] == ("registry.ftm.json", 2)
    missing_sources = found["incomplete_family"]["off-a"]["sources"]
    assert Path(missing_sources["a-2016"][0]["file"]).name == "declarations.jsonl"

    # CAD 3M (CNY 15M) against CNY 200k of declared income plus a CNY 900k flat.
    wealth = found["unexplained_wealth"]["off-a"]
    assert wealth["ratio"] > 10 and wealth["undeclared_assets"] == ["house"]
    assert wealth["declared_acquisitions_by_year"] == [
        {"year": 2015, "income_cny": 200000.0, "acquired_cny": 0.0}
    ]
    assert set(found["unexplained_wealth"]) == {"off-a"}


def test_2014_variant_and_ratio_are_configurable(world: Store) -> None:
    stricter = RuleConfig(naked_variant="2014", wealth_ratio=1000.0)
    found = _by_rule(check_declarations(world, config=stricter))
    assert set(found["naked_official"]) == {"off-a"}
    assert "unexplained_wealth" not in found


def test_declaring_the_house_and_the_son_clears_those_findings(
    world: Store, tmp_path: Path
) -> None:
    amended = _declaration(
        "off-a",
        "a-2016-v2",
        "2016-01-10",
        version=2,
        amends="a-2016",
        family=[
            {"person_id": "wife-a", "name": "邝婉芳", "relation": "spouse"},
            {"person_id": "son-a", "name": "许国俊", "relation": "child"},
        ],
        assets=[
            {
                "member": "wife-a",
                "kind": "real_estate",
                "country": "ca",
                "description": "House, 2148 Bayview Ave, Vancouver",
                "value": "3000000",
                "currency": "CAD",
            }
        ],
    )
    path = tmp_path / "amendment.jsonl"
    path.write_text(json.dumps(amended, ensure_ascii=False))
    load_paths(world, [path])
    found = _by_rule(check_declarations(world, official="off-a"))
    assert "incomplete_family" not in found and "undeclared_foreign_asset" not in found
    assert "naked_official" in found  # emigration is a fact, not an omission
    (flag,) = found["red_flags"]["off-a"]["flags"]
    assert (flag["flag"], flag["line"]) == ("foreign real estate", "a-2016-v2#/assets/0")


def test_a_foreign_family_record_beside_the_officials_own_counts(
    world: Store, tmp_path: Path
) -> None:
    # A US record of official B (resolved to him) names a daughter B never declared.
    records = [
        _entity("us-b", "Person", name="WANG, Jianguo", birthDate="1960-02-02", gender="male"),
        _entity("us-girl", "Person", name="WANG, Lily", birthDate="1994-04-04", nationality="us"),
        _family("us-b", "us-girl", "daughter"),
    ]
    path = tmp_path / "us_family.ftm.json"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    load_paths(world, [path])
    resolve(world)
    clusters = dict(world.fetchall("SELECT entity_id, canonical_id FROM clusters"))
    assert clusters["us-b"] == clusters["off-b"]
    found = _by_rule(check_declarations(world, official="off-b"))
    missing = found["incomplete_family"]["off-b"]["missing"]
    assert [(m["person_id"], m["record"]) for m in missing] == [("us-girl", "fam-us-b-us-girl")]


def test_risk_ranks_officials_and_passport_gate_holds_or_approves(world: Store) -> None:
    findings = check_declarations(world)
    ranking = risk_ranking(world, findings)
    assert [r.official_id for r in ranking] == ["off-a"]
    assert ranking[0].name == "许超凡" and ranking[0].score == sum(f.score for f in findings)

    held = check_passport(world, "a-pass")
    assert held.decision == "hold"
    assert any("incomplete family" in r for r in held.reasons)
    assert check_passport(world, "b-pass").decision == "approve"


def test_unknown_official_application_or_rule_is_a_clear_error(world: Store) -> None:
    with pytest.raises(NohavenError, match="no declarations filed by official 'nobody'"):
        check_declarations(world, official="nobody")
    with pytest.raises(NohavenError, match="not a passport application"):
        check_passport(world, "b-2016")
    with pytest.raises(NohavenError, match="no declaration 'missing'"):
        check_passport(world, "missing")
    with pytest.raises(NohavenError, match="unknown rule"):
        check_declarations(world, rules=("bogus",))


def test_cli_lists_findings_as_json_and_holds_the_passport(world_db: Path, cli) -> None:
    checked = cli("declarations", "check", "--db", world_db, "--json")
    assert checked.code == 1  # findings
    findings = json.loads(checked.stdout)
    assert {f["rule"] for f in findings} == set(RULES_BROKEN)
    assert all(set(f) == {"rule", "official_id", "score", "evidence"} for f in findings)
    held = cli("passport", "check", "a-pass", "--db", world_db)
    assert held.code == 1 and "HOLD" in held.stdout
    approved = cli("passport", "check", "b-pass", "--db", world_db, "--json")
    assert approved.code == 0 and json.loads(approved.stdout)["decision"] == "approve"
    unknown = cli("declarations", "check", "--db", world_db, "--official", "nobody")
    assert unknown.code == 1 and "no declarations filed by official" in unknown.stderr


def test_a_rates_file_replaces_the_built_in_rates(world_db: Path, cli, tmp_path: Path) -> None:
    rates = tmp_path / "rates.csv"
    # A Canadian dollar at 0.1 yuan: the house is worth CNY 300k, not 15M.
    rates.write_text("date,currency,rate_to_usd\n2016-01-01,CNY,0.15\n2016-01-01,CAD,0.015\n")
    checked = cli("declarations", "check", "--db", world_db, "--json", "--rates", rates)
    assert "unexplained_wealth" not in {f["rule"] for f in json.loads(checked.stdout)}
    bad = tmp_path / "bad.csv"
    bad.write_text("date,currency,rate_to_usd\n2016-01-01,CAD,0.75\n")
    refused = cli("declarations", "check", "--db", world_db, "--rates", bad)
    assert refused.code == 1 and "no CNY rate" in refused.stderr


def test_api_serves_findings_and_passport_decisions(world_db: Path) -> None:
    from fastapi.testclient import TestClient

    from nohaven.settings import Settings
    from nohaven.web import create_app

    with TestClient(create_app(Settings(db=world_db))) as client:
        body = client.get("/api/declarations/findings").json()
        assert {f["rule"] for f in body["findings"]} == set(RULES_BROKEN)
        assert [o["official_id"] for o in body["officials"]] == ["off-a"]
        only = client.get("/api/declarations/findings", params={"rule": "naked_official"})
        assert {f["rule"] for f in only.json()["findings"]} == {"naked_official"}
        assert client.get("/api/passport/b-pass").json()["decision"] == "approve"
        assert client.get("/api/passport/missing").status_code == 404
        assert client.get("/api/declarations/findings?official=nobody").status_code == 404
        assert client.get("/api/declarations/findings?rule=bogus").status_code == 422


RULES_BROKEN = (
    "naked_official",
    "incomplete_family",
    "undeclared_foreign_asset",
    "unexplained_wealth",
)


def test_a_house_held_by_a_namesake_counts_only_once_the_link_is_corroborated(
    world: Store, tmp_path: Path
) -> None:
    # A Toronto deed names "LI, Sau Ying" (wife B's name in Hong Kong spelling) and no
    # more: on a name alone it could be anyone's, whatever the cluster says.
    records = [
        _entity("ca-li", "Person", name="LI, Sau Ying"),
        _entity("condo", "RealEstate", address="9243 Cambie St, Toronto, ON", country="ca"),
        _entity("title", "Ownership", owner="ca-li", asset="condo", role="owner"),
    ]
    path = tmp_path / "titles.ftm.json"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    load_paths(world, [path])
    resolve(world)
    clusters = dict(world.fetchall("SELECT entity_id, canonical_id FROM clusters"))
    assert clusters["ca-li"] == clusters["wife-b"]  # merged on the name alone
    found = _by_rule(check_declarations(world, official="off-b"))
    assert "off-b" not in found.get("undeclared_foreign_asset", {})

    add_judgement(world, "wife-b", "ca-li", "same", "analyst", "passport copy in the file")
    resolve(world)
    found = _by_rule(check_declarations(world, official="off-b"))
    assets = found["undeclared_foreign_asset"]["off-b"]["assets"]
    assert [a["asset_id"] for a in assets] == ["condo"]
