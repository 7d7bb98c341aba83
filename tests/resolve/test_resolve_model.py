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


def _resolve(store: Store, tmp_path: Path, people: list[dict]) -> tuple[dict, dict]:
    """Load and resolve `people`: each record's cluster, and each stored pair's evidence."""
    path = tmp_path / "people.ftm.json"
    path.write_text("\n".join(json.dumps(p) for p in people) + "\n")
    load_paths(store, [path])
    resolve(store)
    clusters = dict(store.fetchall("SELECT entity_id, canonical_id FROM clusters"))
    evidence = {
        (left, right): text
        for left, right, text in store.fetchall(
            "SELECT left_id, right_id, evidence FROM resolution_pairs"
        )
    }
    return clusters, evidence


def test_identifiers_of_different_kinds_do_not_count_as_a_mismatch(
    store: Store, tmp_path: Path
) -> None:
    people = [
        _entity("a", name="HUI, Chiu Fan", birthDate="1963-05-02", passportNumber="K1234567"),
        _entity("b", name="Hui Chiu Fan", birthDate="1963-05-02", idNumber="H908882(9)"),
        _entity("c", name="HUI, Chiu Fan", birthDate="1963-05-02", passportNumber="K7654321"),
    ]
    _, evidence = _resolve(store, tmp_path, people)
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


def test_enough_same_judgements_train_the_model(resolved_copy: Path, truth: dict) -> None:
    from nohaven.resolve.engines import MIN_LABELLED_PAIRS
    from nohaven.resolve.judgements import add_judgement
    from nohaven.resolve.review import open_pairs

    with Store(resolved_copy) as store:
        judged = []
        for pair in open_pairs(store, limit=500):
            true_id = truth.get(pair.left_id)
            if true_id is not None and true_id == truth.get(pair.right_id):
                add_judgement(store, pair.left_id, pair.right_id, "same", "tester")
                judged.append((pair.left_id, pair.right_id))
            if len(judged) == MIN_LABELLED_PAIRS:
                break
        assert len(judged) == MIN_LABELLED_PAIRS
        assert resolve(store).trained_from_judgements == 0  # only when asked
        summary = resolve(store, learn_from_judgements=True)
        assert summary.trained_from_judgements == MIN_LABELLED_PAIRS
        clusters = dict(store.fetchall("SELECT entity_id, canonical_id FROM clusters"))
        assert all(clusters[a] == clusters[b] for a, b in judged)


def test_two_identity_cards_of_one_kind_are_two_people(store: Store, tmp_path: Path) -> None:
    """Hong Kong identity cards are kept for life: the same name, birth date and a card of
    another register (a mainland resident id) join, two different HKIDs never do, not
    even through a third record that matches both."""
    people = [
        _entity("a", name="HUI, Chiu Fan", birthDate="1963-05-02", idNumber="H908882(9)"),
        _entity("b", name="Hui Chiu Fan", birthDate="1963-05-02", idNumber="K123456(7)"),
        _entity("c", name="许超凡", birthDate="1963-05-02", idNumber="440783196305026519"),
        _entity("d", name="HUI, Chiu Fan", birthDate="1963-05-02", passportNumber="K1234567"),
        _entity("e", name="HUI, Chiu Fan", birthDate="1963-05-02", passportNumber="K7654321"),
    ]
    cluster, evidence = _resolve(store, tmp_path, people)
    assert "identifiers: same kind of identity card, different number" in evidence[("a", "b")]
    assert cluster["a"] != cluster["b"]
    assert "identifiers: different kinds" in evidence[("a", "c")]
    assert cluster["c"] in (cluster["a"], cluster["b"])
    # Two passports of one person differ after a renewal: that is weak evidence only.
    assert "identifiers: same kind, different number" in evidence[("d", "e")]
    assert cluster["d"] == cluster["e"]
