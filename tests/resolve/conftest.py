"""Fixtures for the resolve tests: the test world's person records blocked and a model
trained on them, with namesakes enough that some keys are too common to block on."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from nohaven.ingest import load_paths
from nohaven.resolve.blocking import COMMON_KEY
from nohaven.resolve.engines import train
from nohaven.resolve.model import person_settings
from nohaven.resolve.pipeline import ResolveSummary, build_person_tables, resolve
from nohaven.resolve.records import load_edges, load_records
from nohaven.store import Store


@pytest.fixture(scope="module")
def blocked_world(
    resolved_world: tuple[Path, Path, ResolveSummary],
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Any]]:
    """A connection holding `pairs`, `person_features` and the rest of the scoring
    tables, and the Splink linker trained on them."""
    with Store(resolved_world[1], read_only=True) as store:
        records = load_records(store)
        edges = load_edges(store)
    persons = records.filter(pc.equal(records["kind"], "person"))
    # Namesakes enough to pass the block cap: keys too common to block on, still compared.
    namesakes = [
        {
            **persons.slice(0, 1).to_pylist()[0],
            "unique_id": f"namesake-{i}",
            "names": [("王伟", "Wang Wei", "WONG, Wai")[i % 3]],
            "birth_date": date(1960 + i % 4, 1 + i % 12, 1 + i % 7) if i % 5 else None,
            "birth_year": 1960 + i % 4 if i % 5 else None,
            "identifiers": [],
            # Some share a flat, as a household would; one alone has another address.
            "addresses": [f"Flat {i % 4}, 12 Nathan Road, Kowloon"] if i % 3 else None,
        }
        for i in range(40)
    ]
    persons = pa.concat_tables([persons, pa.Table.from_pylist(namesakes, persons.schema)])
    con = duckdb.connect()
    con.register("_edges", edges)
    con.execute("CREATE TABLE edges AS SELECT * FROM _edges")
    summary = ResolveSummary(engine="duckdb")
    stats = build_person_tables(con, persons, summary, model_sample=1.0, max_block=COMMON_KEY + 1)
    assert stats.oversized_keys > 0
    _, trained = train(con, person_settings("duckdb", persons.num_rows))
    yield con, trained
    con.close()


def _scored_pair(store: Store, left: str, right: str) -> tuple[float, str]:
    row = store.fetchone(
        "SELECT match_probability, evidence FROM resolution_pairs "
        "WHERE left_id = least(?, ?) AND right_id = greatest(?, ?)",
        [left, right, left, right],
    )
    return (float(row[0]), str(row[1])) if row else (0.0, "")


@pytest.fixture(scope="session")
def scored_pair() -> Callable[[Store, str, str], tuple[float, str]]:
    """A resolved pair's match probability and evidence (0 and "" when it was not kept)."""
    return _scored_pair


@pytest.fixture(scope="session")
def canonical_ids() -> Callable[[Store], dict[str, str]]:
    """Every record's canonical id after the last run."""
    return lambda store: dict(store.fetchall("SELECT entity_id, canonical_id FROM clusters"))


def _resolve_entities(folder: Path, datasets: dict[str, list[dict]]) -> Store:
    paths = []
    for dataset, entities in datasets.items():
        path = folder / f"{dataset}.ftm.json"
        path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n")
        paths.append(path)
    store = Store(folder / "store.duckdb")
    load_paths(store, paths)
    resolve(store)
    return store


@pytest.fixture(scope="session")
def resolve_entities() -> Callable[[Path, dict[str, list[dict]]], Store]:
    """Each dataset's FtM entities written to FOLDER, loaded into a new store there and
    resolved; the store, open."""
    return _resolve_entities


def _person(entity_id: str, name: str, **props: str) -> dict:
    properties = {"name": [name]} | {k: [v] for k, v in props.items()}
    return {"id": entity_id, "schema": "Person", "properties": properties}


@pytest.fixture(scope="session")
def person() -> Callable[..., dict]:
    """An FtM Person entity: id, name and any single-valued properties."""
    return _person
