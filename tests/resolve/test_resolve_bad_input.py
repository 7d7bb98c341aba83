"""Records resolution cannot use are counted and left out, never silently merged."""

from __future__ import annotations

import json
from pathlib import Path

from nohaven.ingest import load_paths
from nohaven.resolve.pipeline import resolve
from nohaven.store import Store


def _ftm(path: Path, entities: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n")
    return path


def _person(entity_id: str, name: str, **props: str) -> dict:
    properties = {"name": [name], **{k: [v] for k, v in props.items()}}
    return {"id": entity_id, "schema": "Person", "properties": properties}


def test_unusable_names_and_shared_ids_are_reported(store: Store, tmp_path: Path) -> None:
    registry = _ftm(
        tmp_path / "registry.ftm.json",
        [
            _person("p-1", "许超凡", birthDate="1963-05-02"),
            _person("p-2", "X"),  # no family and given name
            _person("shared", "王伟"),
            # One id in two lists, as OpenSanctions gives it: one person.
            _person("both", "Zhou Lanying"),
            {"id": "either", "schema": "LegalEntity", "properties": {"name": ["Wu Jian"]}},
        ],
    )
    other = _ftm(
        tmp_path / "other.ftm.json",
        [
            {"id": "shared", "schema": "Company", "properties": {"name": ["Li Na Trading Ltd"]}},
            _person("both", "周兰英", gender="female"),
            _person("either", "吴坚"),  # a LegalEntity elsewhere: this person
            _person("p-3", "Hui Chiu Fan", birthDate="1963"),  # only the year
        ],
    )
    load_paths(store, [registry])
    load_paths(store, [other])
    summary = resolve(store)
    assert summary.skipped["persons without a usable name"] == 1
    assert not any("date" in reason for reason in summary.skipped)  # a year is a date
    assert summary.skipped == {
        "persons without a usable name": 1,
        "ids naming a person in one record and a company in another (left out)": 1,
    }
    clusters = dict(store.fetchall("SELECT entity_id, canonical_id FROM clusters"))
    assert "shared" not in clusters
    [(names,)] = store.fetchall(
        "SELECT count(DISTINCT value) FROM statements WHERE entity_id = 'both' AND prop = 'name'"
    )
    assert names == 2 and "both" in clusters  # one record, both lists' names
    assert "either" in clusters
    assert summary.persons == 5  # p-1, p-2, p-3, "both" and "either"; nothing of "shared"
    assert clusters["p-1"] == clusters["p-3"]  # the Han name and its Hong Kong spelling
    # No two records share a birth date, so EM cannot train; the dates still count.
    [(evidence,)] = store.fetchall(
        "SELECT evidence FROM resolution_pairs WHERE left_id = 'p-1' AND right_id = 'p-3'"
    )
    assert "birth_date: same year, no day on one side" in evidence
    assert clusters["p-2"] != clusters["p-1"]


def test_an_empty_store_resolves_to_nothing(store: Store) -> None:
    summary = resolve(store)
    assert (summary.records, summary.clusters, summary.comparisons) == (0, 0, 0)
