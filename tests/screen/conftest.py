"""A wanted official, his family two generations deep, and foreign records beside them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nohaven.ingest import load_paths
from nohaven.settings import Settings
from nohaven.store import Store
from nohaven.web import create_app


def _entity(entity_id: str, schema: str, **props: str | list[str]) -> dict:
    return {
        "id": entity_id,
        "schema": schema,
        "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()},
    }


WANTED = [
    _entity(
        "w-official",
        "Person",
        name="许超凡",
        birthDate="1953-02-15",
        gender="male",
        position="bank branch president",
        passportNumber="G1234567",
    ),
    _entity("w-spouse", "Person", name="邝婉芳", birthDate="1955-07-01", gender="female"),
    _entity("w-child", "Person", name="许明", birthDate="1980-03-09", gender="male"),
    _entity("w-child-spouse", "Person", name="李美玲", birthDate="1982-11-30", gender="female"),
    _entity("w-other", "Person", name="王伟", birthDate="1970-01-01", gender="male"),
    _entity("w-f1", "Family", person="w-official", relative="w-spouse", relationship="spouse"),
    _entity("w-f2", "Family", person="w-official", relative="w-child", relationship="child"),
    _entity("w-f3", "Family", person="w-child", relative="w-child-spouse", relationship="spouse"),
    _entity("w-company", "Company", name="Kwong Fat Trading Limited", jurisdiction="hk"),
    _entity("w-notice", "Sanction", entity="w-official", authority="Interpol", program="Red"),
    _entity("w-own", "Ownership", owner="w-official", asset="w-company", percentage="60"),
]

FOREIGN = [
    _entity("hk-1", "Person", name="HUI, Chiu Fan", nationality="hk"),
    _entity("us-1", "Person", name="Jane Smith", birthDate="1990-04-04"),
]


def write_entities(path: Path, entities: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n")
    return path


@pytest.fixture(scope="session")
def screening_entities() -> dict[str, list[dict]]:
    """The entities of each dataset, for fixtures of a wider scope."""
    return {"wanted": WANTED, "foreign": FOREIGN}


@pytest.fixture
def write_ftm(tmp_path: Path) -> Callable[[str, list[dict]], Path]:
    """Write FtM entities as JSON lines to tmp_path/NAME."""
    return lambda name, entities: write_entities(tmp_path / name, entities)


@pytest.fixture
def entity() -> Callable[..., dict]:
    return _entity


@pytest.fixture
def loaded_store(tmp_path: Path) -> Callable[[str, dict[str, list[dict]]], Path]:
    """A store at tmp_path/NAME.duckdb with each dataset's entities loaded, in order."""

    def load(name: str, datasets: dict[str, list[dict]]) -> Path:
        db = tmp_path / f"{name}.duckdb"
        with Store(db) as store:
            for dataset, entities in datasets.items():
                path = write_entities(tmp_path / f"{name}-{dataset}.ftm.json", entities)
                load_paths(store, [path], dataset=dataset)
        return db

    return load


@pytest.fixture
def wanted_file(tmp_path: Path) -> Path:
    return write_entities(tmp_path / "wanted.ftm.json", WANTED)


@pytest.fixture
def screening_db(tmp_path: Path, wanted_file: Path) -> Path:
    db = tmp_path / "screening.duckdb"
    with Store(db) as store:
        load_paths(store, [wanted_file], dataset="wanted")
        load_paths(
            store, [write_entities(tmp_path / "foreign.ftm.json", FOREIGN)], dataset="foreign"
        )
    return db


@pytest.fixture
def client(screening_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=screening_db))) as test_client:
        yield test_client
