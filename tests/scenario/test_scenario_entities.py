"""Every entity, FtM or mapped from CSV, is valid followthemoney data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from followthemoney import model
from followthemoney.exc import InvalidData
from scenario_helpers import read_csv

ID_PATTERN = re.compile(r"^[a-zA-Z0-9.-]+$")
# Types whose values must already be in clean form (strings and names are free text).
STRICT_TYPES = {"date", "country", "gender", "number", "entity"}


def _check(item: dict[str, Any]) -> list[str]:
    problems = []
    schema = model.get(item["schema"])
    if schema is None or schema.abstract:
        return [f"{item['id']}: bad schema {item['schema']}"]
    if not ID_PATTERN.match(item["id"]):
        problems.append(f"{item['id']}: id has characters outside [a-zA-Z0-9.-]")
    properties = {k: v for k, v in item["properties"].items()}
    for name, values in properties.items():
        prop = schema.get(name)
        if prop is None:
            problems.append(f"{item['id']}: {schema.name} has no property {name}")
            continue
        if not values or not all(isinstance(v, str) and v for v in values):
            problems.append(f"{item['id']}: empty or non-string value in {name}")
            continue
        if prop.type.name in STRICT_TYPES:
            for value in values:
                if prop.type.clean(value) != value:
                    problems.append(f"{item['id']}: {name}={value!r} is not clean")
    try:
        schema.validate({"properties": properties})
    except InvalidData as error:
        problems.append(f"{item['id']}: {error}")
    missing = [p for p in schema.required if p not in properties]
    if missing:
        problems.append(f"{item['id']}: missing required {missing}")
    return problems


def test_every_entity_is_valid(all_entities: dict[str, dict[str, Any]]) -> None:
    problems = [p for item in all_entities.values() for p in _check(item)]
    assert not problems, "\n".join(problems[:20])


def test_entities_load_as_proxies(all_entities: dict[str, dict[str, Any]]) -> None:
    for item in all_entities.values():
        data = {k: v for k, v in item.items() if not k.startswith("_")}
        proxy = model.get_proxy(data, cleaned=False)
        assert proxy.id == item["id"]


def test_references_resolve(all_entities: dict[str, dict[str, Any]]) -> None:
    dangling = []
    for item in all_entities.values():
        schema = model.get(item["schema"])
        assert schema is not None
        for name, values in item["properties"].items():
            prop = schema.get(name)
            assert prop is not None
            if prop.type.name == "entity":
                dangling += [f"{item['id']}.{name}={v}" for v in values if v not in all_entities]
    assert not dangling, dangling[:10]


def test_ids_are_prefixed_by_dataset(all_entities: dict[str, dict[str, Any]]) -> None:
    prefixes = {
        "registry/cn_registry.ftm.json": "cn-reg-",
        "foreign/hk_companies.ftm.json": "hk-co-",
        "foreign/sg_accounts.ftm.json": "sg-acc-",
        "foreign/us_courts.ftm.json": "us-crt-",
        "foreign/mo_patrons.ftm.json": "mo-pat-",
        "foreign/us_deeds.csv": "us-deed-",
        "foreign/ca_titles.csv": "ca-title-",
        "foreign/ca_visas.csv": "ca-visa-",
        "foreign/us_visas.csv": "us-visa-",
        "ledger/holders.ftm.json": "ledger-",
    }
    for item in all_entities.values():
        assert item["id"].startswith(prefixes[item["_file"]]), item["id"]


def test_datasets_have_the_schemas_they_promise(all_entities: dict[str, dict[str, Any]]) -> None:
    schemas: dict[str, set[str]] = {}
    for item in all_entities.values():
        schemas.setdefault(item["_file"], set()).add(item["schema"])
    assert schemas["registry/cn_registry.ftm.json"] == {"Person", "Family"}
    assert schemas["foreign/hk_companies.ftm.json"] == {
        "Company",
        "Person",
        "Directorship",
        "Ownership",
    }
    assert schemas["foreign/sg_accounts.ftm.json"] == {"Person", "BankAccount", "Ownership"}
    assert {"RealEstate", "Ownership", "Person", "Company"} <= schemas["foreign/us_deeds.csv"]
    assert schemas["foreign/ca_visas.csv"] == {"Person", "Identification"}


def test_registry_is_in_han_script(all_entities: dict[str, dict[str, Any]]) -> None:
    han = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
    people = [
        e
        for e in all_entities.values()
        if e["_file"].startswith("registry") and e["schema"] == "Person"
    ]
    assert people
    for person in people:
        assert han.match(person["properties"]["name"][0]), person
        assert person["properties"]["nationality"] == ["cn"]
        id_number = person["properties"]["idNumber"][0]
        assert re.match(r"^\d{17}[\dX]$", id_number), id_number
        assert id_number[6:14] == person["properties"]["birthDate"][0].replace("-", "")
    numbers = [p["properties"]["idNumber"][0] for p in people]
    assert len(numbers) == len(set(numbers))


@pytest.mark.parametrize("stem", ["us_deeds", "ca_titles", "ca_visas", "us_visas"])
def test_mapping_columns_exist(scenario: Path, stem: str) -> None:
    csv_path = scenario / "foreign" / f"{stem}.csv"
    header = set(read_csv(csv_path)[0])
    mapping = yaml.safe_load((scenario / "foreign" / f"{stem}.mapping.yml").read_text())
    for spec in mapping["entities"].values():
        assert spec["id_column"] in header
        assert model.get(spec["schema"]) is not None
        for prop, source in spec["properties"].items():
            assert model.get(spec["schema"]).get(prop) is not None, prop  # type: ignore[union-attr]
            assert set(source) <= {"column", "literal", "entity"}
            if "column" in source:
                assert source["column"] in header
            if "entity" in source:
                assert source["entity"] in mapping["entities"]
