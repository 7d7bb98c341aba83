"""Relationship context: a spouse found beside the official in a foreign record gains."""

from __future__ import annotations

import json
from pathlib import Path

from nohaven.ingest import load_paths
from nohaven.resolve.pipeline import resolve
from nohaven.store import Store


def _write(path: Path, entities: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n")
    return path


def _entity(entity_id: str, schema: str, **props: str) -> dict:
    return {"id": entity_id, "schema": schema, "properties": {k: [v] for k, v in props.items()}}


def test_a_relative_among_the_co_directors_is_named_in_the_evidence(
    store: Store, tmp_path: Path
) -> None:
    registry = _write(
        tmp_path / "registry.ftm.json",
        [
            _entity("cn-1", "Person", name="许超凡", birthDate="1963-05-02"),
            _entity("cn-2", "Person", name="邝婉芳", birthDate="1965-01-01"),
            _entity("cn-f", "Family", person="cn-1", relative="cn-2", relationship="spouse"),
        ],
    )
    companies = _write(
        tmp_path / "hk.ftm.json",
        [
            _entity("hk-c", "Company", name="Kwong Fat Trading Limited"),
            _entity("hk-1", "Person", name="HUI, Chiu Fan"),
            _entity("hk-2", "Person", name="KWONG, Yuen Fong"),
            _entity("hk-d1", "Directorship", director="hk-1", organization="hk-c"),
            _entity("hk-d2", "Directorship", director="hk-2", organization="hk-c"),
            _entity("hk-3", "Person", name="KWONG, Yuen Fong"),  # a namesake, alone
        ],
    )
    load_paths(store, [registry, companies])
    resolve(store)
    evidence = dict(
        ((left, right), text)
        for left, right, text in store.fetchall(
            "SELECT left_id, right_id, evidence FROM resolution_pairs"
        )
    )
    assert "family: a relative named among the associates" in evidence[("cn-2", "hk-2")]
    assert "family: a relative named among" not in evidence.get(("cn-2", "hk-3"), "")
