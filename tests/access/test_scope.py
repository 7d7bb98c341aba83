"""Analyses run for an agency see only its datasets: clusters are re-cut where only an
unshared record held them together, and declaration rules and dossiers cite nothing
from a dataset that was not shared."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from nohaven import cases
from nohaven.access.scope import scoped
from nohaven.declarations.check import _cited_ids, check_declarations
from nohaven.ingest.loader import load_paths
from nohaven.store import Store

HOME = frozenset({"cn_registry", "declarations", "accounts", "holders", "transactions"})


def _person(folder: Path, dataset: str, entity_id: str, name: str) -> Path:
    path = folder / f"{dataset}.ftm.json"
    record = {"id": entity_id, "schema": "Person", "properties": {"name": [name]}}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def _bridged_store(tmp_path: Path) -> Store:
    """Three records of one person in three datasets; a and c are joined only via b."""
    store = Store(tmp_path / "bridge.duckdb")
    for dataset, entity_id, name in (
        ("a", "ra", "许超凡"),
        ("b", "rb", "Xu Chaofan"),
        ("c", "rc", "Hui Chiu Fan"),
    ):
        load_paths(store, [_person(tmp_path, dataset, entity_id, name)], dataset=dataset)
    with store.transaction():
        for entity_id in ("ra", "rb", "rc"):
            store.execute("INSERT INTO clusters VALUES (?, 'nh-one', 'person')", [entity_id])
        for left, right, probability in (("ra", "rb", 0.99), ("rb", "rc", 0.95), ("ra", "rc", 0.3)):
            store.execute(
                "INSERT INTO resolution_pairs VALUES (?, ?, 'person', ?, 0, 'name: reading')",
                [left, right, probability],
            )
        store.execute(
            "INSERT INTO resolution_runs VALUES (1, now(), 'duckdb', ?)",
            [json.dumps({"threshold": 0.8})],
        )
    return store


# Xu's wife, as a Family edge.
_TIE = json.dumps(
    {
        "id": "tie",
        "schema": "Family",
        "properties": {"person": ["xu"], "relative": ["wife"], "relationship": ["spouse"]},
    }
)


def _clusters(view: Store) -> dict[str, str]:
    return dict(view.fetchall("SELECT entity_id, canonical_id FROM clusters"))


def test_a_cluster_held_together_by_an_unshared_record_is_cut(tmp_path: Path) -> None:
    with _bridged_store(tmp_path) as store:
        with scoped(store, None) as view:
            assert set(_clusters(view).values()) == {"nh-one"}
        with scoped(store, frozenset({"a", "b"})) as view:
            assert _clusters(view) == {"ra": "nh-one", "rb": "nh-one"}
            assert view.fetchone("SELECT count(*) FROM statements WHERE dataset = 'c'")[0] == 0
            assert view.fetchone("SELECT count(*) FROM resolution_pairs")[0] == 1
        with scoped(store, frozenset({"a", "c"})) as view:
            cut = _clusters(view)
            assert set(cut) == {"ra", "rc"} and cut["ra"] != cut["rc"]
            assert "nh-one" in cut.values()  # the largest part keeps the cited id
        # The main connection still sees everything.
        assert store.fetchone("SELECT count(DISTINCT dataset) FROM statements")[0] == 3
        with store.transaction():
            store.execute(
                "INSERT INTO judgements VALUES ('ra', 'rc', 'same', 'ivy', NULL, ?)",
                [dt.datetime(2026, 1, 1)],
            )
        with scoped(store, frozenset({"a", "c"})) as view:
            assert set(_clusters(view).values()) == {"nh-one"}  # a judgement the agency saw


def _datasets_cited(finding_evidence: dict) -> set[str]:
    return {s["dataset"] for cited in finding_evidence["sources"].values() for s in cited}


def test_declaration_rules_use_only_shared_records(resolved_copy: Path) -> None:
    with Store(resolved_copy) as store:
        everything = check_declarations(store)
        with scoped(store, HOME) as view:
            home = check_declarations(view)
    foreign = [f for f in everything if _datasets_cited(f.evidence) - HOME]
    assert foreign, "the world's findings cite foreign records when everything is shared"
    assert home, "registry and declarations alone still give findings"
    for finding in home:
        assert _datasets_cited(finding.evidence) <= HOME, finding.evidence["sources"]
        # Every record the finding cites is one the agency may see (has a visible source).
        cited: set[str] = set()
        _cited_ids({k: v for k, v in finding.evidence.items() if k != "sources"}, cited)
        assert cited <= set(finding.evidence["sources"]), cited - set(finding.evidence["sources"])


def test_a_dossier_for_an_agency_leaves_out_what_it_was_not_shared(
    resolved_copy: Path, tmp_path: Path
) -> None:
    with Store(resolved_copy) as store:
        subject = store.fetchone(
            """
            SELECT c.canonical_id FROM clusters c JOIN statements s USING (entity_id)
            GROUP BY 1 HAVING count(DISTINCT s.dataset) >= 2
               AND bool_or(s.dataset = 'cn_registry') ORDER BY count(DISTINCT s.dataset) DESC,
               1 LIMIT 1
            """
        )[0]
        case_id = cases.open_case(store, "scoped", [subject], "test", "cn-ccdi")
        cases.write_dossier(store, case_id, tmp_path / "all", "test")
        cases.write_dossier(store, case_id, tmp_path / "home", "test", HOME)
        datasets = dict(store.fetchall("SELECT DISTINCT entity_id, dataset FROM statements"))

    def bundled(folder: Path) -> set[str]:
        lines = (folder / "bundle.ftm.json").read_text(encoding="utf-8").splitlines()
        return {
            datasets[json.loads(line)["id"]] for line in lines if json.loads(line)["id"] in datasets
        }

    assert bundled(tmp_path / "all") - HOME
    assert bundled(tmp_path / "home") and bundled(tmp_path / "home") <= HOME
    assert cases.verify_dossier(tmp_path / "home")[0]


def test_screening_shows_relatives_only_from_shared_datasets(tmp_path: Path) -> None:
    from nohaven.screen.index import build_index
    from nohaven.screen.match import relation_paths

    family = tmp_path / "hk.ftm.json"
    family.write_text(
        json.dumps({"id": "wife", "schema": "Person", "properties": {"name": ["梁金燕"]}})
        + "\n"
        + _TIE
        + "\n",
        encoding="utf-8",
    )
    with Store(tmp_path / "screen.duckdb") as store:
        load_paths(store, [_person(tmp_path, "cn", "xu", "许超凡")], dataset="cn")
        load_paths(store, [family], dataset="hk")
        index = build_index(store, workers=1)
    row = index.row_of["xu"]
    assert [r["entity_id"] for r in relation_paths(index, row)] == ["wife"]
    assert relation_paths(index, row, frozenset({"cn"})) == []
    assert [r["entity_id"] for r in relation_paths(index, row, frozenset({"cn", "hk"}))] == ["wife"]


def test_a_family_tie_recorded_only_in_an_unshared_dataset_stays_hidden(
    tmp_path: Path,
) -> None:
    # Both people are shared; the tie between them is known only from "intel".
    from nohaven.screen.index import build_index
    from nohaven.screen.match import relation_paths

    tie = tmp_path / "intel.ftm.json"
    tie.write_text(
        _TIE + "\n",
        encoding="utf-8",
    )
    with Store(tmp_path / "screen.duckdb") as store:
        load_paths(store, [_person(tmp_path, "cn", "xu", "许超凡")], dataset="cn")
        load_paths(store, [_person(tmp_path, "hk", "wife", "梁金燕")], dataset="hk")
        load_paths(store, [tie], dataset="intel")
        index = build_index(store, workers=1)
    row = index.row_of["xu"]
    assert relation_paths(index, row, frozenset({"cn", "hk"})) == []
    assert index.related_in(row, frozenset({"cn", "hk"})) == []
    assert [r["entity_id"] for r in relation_paths(index, row)] == ["wife"]
    assert [
        r["entity_id"] for r in relation_paths(index, row, frozenset({"cn", "hk", "intel"}))
    ] == ["wife"]


def test_an_id_merged_only_in_an_unshared_dataset_names_nothing(tmp_path: Path) -> None:
    # "intel" says NK-1 was merged from "informant-42"; "wanted" holds NK-1 and Z-1,
    # and both it and "secret" say Z-1 and A-1 were merged from "shared-ref".
    from nohaven.screen.index import build_index

    def entities(dataset: str, *records: dict) -> Path:
        path = tmp_path / f"{dataset}.ftm.json"
        path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
        return path

    def person(entity_id: str, name: str, *referents: str) -> dict:
        record = {"id": entity_id, "schema": "Person", "properties": {"name": [name]}}
        return record | ({"referents": list(referents)} if referents else {})

    with Store(tmp_path / "merged.duckdb") as store:
        load_paths(
            store,
            [entities("wanted", person("NK-1", "许超凡"), person("Z-1", "王伟", "shared-ref"))],
            dataset="wanted",
        )
        load_paths(
            store, [entities("secret", person("A-1", "李明", "shared-ref"))], dataset="secret"
        )
        load_paths(
            store, [entities("intel", person("NK-1", "许超凡", "informant-42"))], dataset="intel"
        )
        index = build_index(store, workers=1)
    shared = frozenset({"wanted"})
    nk, z, a = (index.row_of[i] for i in ("NK-1", "Z-1", "A-1"))
    assert index.row_for("informant-42") == nk
    assert index.row_for("informant-42", shared) is None
    assert index.entity(nk)["referents"] == ["informant-42"]
    assert index.entity(nk, shared)["referents"] == []
    assert index.rows_named(["informant-42"], shared) == set()
    # Two entities claim one referent: excluding it excludes both, each as far as seen.
    assert index.rows_named(["shared-ref"]) == {z, a}
    assert index.rows_named(["shared-ref"], shared) == {z}
    assert index.row_for("shared-ref", shared) == z
