import io
import json
from pathlib import Path

import pytest

from nohaven.errors import NohavenError
from nohaven.ingest import load_paths
from nohaven.store import Store
from nohaven.store.export import export_entities


def as_set(text: str) -> set[tuple[str, str, str, str]]:
    facts = set()
    for line in text.splitlines():
        data = json.loads(line)
        for prop, values in data["properties"].items():
            for value in values:
                facts.add((data["id"], data["schema"], prop, value))
    return facts


def test_round_trip(store: Store, tiny: Path, tmp_path: Path) -> None:
    load_paths(store, [tiny / "persons.ftm.json", tiny / "deeds.csv"])
    first = io.StringIO()
    assert export_entities(store, "persons", first) == 4
    exported = tmp_path / "persons-again.ftm.json"
    exported.write_text(first.getvalue(), encoding="utf-8")
    load_paths(store, [exported], dataset="copy")
    second = io.StringIO()
    export_entities(store, "copy", second)
    assert second.getvalue() == first.getvalue()
    original = (tiny / "persons.ftm.json").read_text(encoding="utf-8").replace('"China"', '"cn"')
    assert as_set(first.getvalue()) == as_set(original)
    deeds = io.StringIO()
    assert export_entities(store, "deeds", deeds) == 2 + 3 + 2
    assert ("d-1", "Ownership", "owner", "us-o-1") in as_set(deeds.getvalue())


def test_referents_and_what_the_publisher_said_survive_a_round_trip(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "merged.ftm.json"
    path.write_text(
        '{"id": "NK-1", "schema": "Person", "properties": {"name": ["A"]}, '
        '"referents": ["ofac-1", "eu-1"], "datasets": ["us_ofac_sdn"], '
        '"last_change": "2024-05-01T06:30:00", "target": true}\n'
        '{"id": "NK-2", "schema": "Person", "properties": {"name": ["B"]}}\n',
        encoding="utf-8",
    )
    load_paths(store, [path], dataset="sanctions")
    out = io.StringIO()
    export_entities(store, "sanctions", out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line.get("referents") for line in lines] == [["eu-1", "ofac-1"], None]
    # And what the publisher said of it, as it was loaded.
    assert {k: lines[0][k] for k in ("datasets", "last_change", "target")} == {
        "datasets": ["us_ofac_sdn"],
        "last_change": "2024-05-01T06:30:00",
        "target": True,
    }
    assert "datasets" not in lines[1] and "first_seen" not in lines[0]


def test_unknown_dataset(store: Store) -> None:
    with pytest.raises(NohavenError, match="no dataset named 'nope'"):
        export_entities(store, "nope", io.StringIO())


def test_schemas_that_cannot_merge_are_one_clear_error(store: Store, tmp_path: Path) -> None:
    first, second = tmp_path / "a.ftm.json", tmp_path / "b.ftm.json"
    first.write_text(
        '{"id": "x-1", "schema": "Person", "properties": {"name": ["A"]}}\n', encoding="utf-8"
    )
    second.write_text(
        '{"id": "x-1", "schema": "Vessel", "properties": {"name": ["B"]}}\n', encoding="utf-8"
    )
    load_paths(store, [first, second], dataset="mixed")
    with pytest.raises(NohavenError, match="cannot be merged"):
        export_entities(store, "mixed", io.StringIO())
