"""Comparison levels that encode record-keeping facts rather than what EM can learn."""

from __future__ import annotations

import json
from pathlib import Path

from nohaven.ingest import load_paths
from nohaven.resolve.model import person_comparisons
from nohaven.resolve.pipeline import resolve
from nohaven.store import Store


def _entity(entity_id: str, **props: str) -> dict:
    return {"id": entity_id, "schema": "Person", "properties": {k: [v] for k, v in props.items()}}


def test_identifiers_of_different_kinds_do_not_count_as_a_mismatch(
    store: Store, tmp_path: Path
) -> None:
    people = [
        _entity("a", name="HUI, Chiu Fan", birthDate="1963-05-02", passportNumber="K1234567"),
        _entity("b", name="Hui Chiu Fan", birthDate="1963-05-02", idNumber="H908882(9)"),
        _entity("c", name="HUI, Chiu Fan", birthDate="1963-05-02", passportNumber="K7654321"),
    ]
    path = tmp_path / "people.ftm.json"
    path.write_text("\n".join(json.dumps(p) for p in people) + "\n")
    load_paths(store, [path])
    resolve(store)
    evidence = {
        (left, right): text
        for left, right, text in store.fetchall(
            "SELECT left_id, right_id, evidence FROM resolution_pairs"
        )
    }
    assert "identifiers: different kinds" in evidence[("a", "b")]
    assert "identifiers: same kind, different number" in evidence[("a", "c")]


def test_birth_date_agreement_rates_are_fixed_not_trained() -> None:
    for dialect in ("duckdb", "spark"):
        birth = next(
            c for c in person_comparisons(dialect) if c["output_column_name"] == "birth_date"
        )
        levels = [level for level in birth["comparison_levels"] if not level.get("is_null_level")]
        assert all(level["fix_m_probability"] for level in levels)
        assert abs(sum(level["m_probability"] for level in levels) - 1.0) < 1e-9
