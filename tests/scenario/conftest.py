"""A small scenario generated once per test session, and its contents parsed."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from scenario_helpers import SEED, Entity, mapped_entities, read_csv, read_ftm

from nohaven.scenario import generate


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small scenario for seed 7, or, to check a bigger one by hand, the
    directory named by NOHAVEN_SCENARIO_DIR."""
    existing = os.environ.get("NOHAVEN_SCENARIO_DIR")
    if existing:
        return Path(existing)
    out = tmp_path_factory.mktemp("scenario") / "small"
    generate(out, seed=SEED, size="small")
    return out


@pytest.fixture(scope="session")
def ftm_entities(scenario: Path) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    for path in sorted(scenario.rglob("*.ftm.json")):
        for item in read_ftm(path):
            assert item["id"] not in entities, f"duplicate id {item['id']} in {path}"
            item["_file"] = path.relative_to(scenario).as_posix()
            entities[item["id"]] = item
    return entities


@pytest.fixture(scope="session")
def csv_entities(scenario: Path) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    for path in sorted((scenario / "foreign").glob("*.csv")):
        for _, item in mapped_entities(path):
            assert item["id"] not in entities, f"duplicate id {item['id']} in {path}"
            item["_file"] = path.relative_to(scenario).as_posix()
            entities[item["id"]] = item
    return entities


@pytest.fixture(scope="session")
def all_entities(
    ftm_entities: dict[str, Entity], csv_entities: dict[str, Entity]
) -> dict[str, Entity]:
    overlap = set(ftm_entities) & set(csv_entities)
    assert not overlap, f"ids used in both FtM and CSV files: {sorted(overlap)[:5]}"
    return {**ftm_entities, **csv_entities}


@pytest.fixture(scope="session")
def truth(scenario: Path) -> dict[str, list[dict[str, str]]]:
    return {
        name: read_csv(scenario / "truth" / f"{name}.csv")
        for name in ("identities", "schemes", "findings", "assets")
    }


@pytest.fixture(scope="session")
def declarations(scenario: Path) -> list[dict[str, Any]]:
    path = scenario / "declarations" / "declarations.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
