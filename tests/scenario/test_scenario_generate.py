"""The public entry point: layout, summary, determinism, refusing to overwrite."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from scenario_helpers import SEED, data_files

from nohaven.scenario import ScenarioSummary, generate

EXPECTED_FILES = {
    "registry/cn_registry.ftm.json",
    "foreign/hk_companies.ftm.json",
    "foreign/sg_accounts.ftm.json",
    "foreign/us_courts.ftm.json",
    "foreign/mo_patrons.ftm.json",
    "foreign/us_deeds.csv",
    "foreign/us_deeds.mapping.yml",
    "foreign/ca_titles.csv",
    "foreign/ca_titles.mapping.yml",
    "foreign/ca_visas.csv",
    "foreign/ca_visas.mapping.yml",
    "foreign/us_visas.csv",
    "foreign/us_visas.mapping.yml",
    "declarations/declarations.jsonl",
    "ledger/accounts.csv",
    "ledger/holders.ftm.json",
    "ledger/transactions.csv",
    "truth/identities.csv",
    "truth/schemes.csv",
    "truth/findings.csv",
    "truth/assets.csv",
    "scenario.json",
}


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_layout_is_exactly_the_documented_one(scenario: Path) -> None:
    files = {p.relative_to(scenario).as_posix() for p in scenario.rglob("*") if p.is_file()}
    assert files == EXPECTED_FILES


def test_manifest_and_counts(scenario: Path) -> None:
    manifest = json.loads((scenario / "scenario.json").read_text())
    assert manifest["seed"] == SEED
    assert manifest["generator_version"]
    counted = EXPECTED_FILES - {"scenario.json"} - {f for f in EXPECTED_FILES if f.endswith(".yml")}
    assert set(manifest["counts"]) == counted
    for relpath, rows in manifest["counts"].items():
        lines = (scenario / relpath).read_text(encoding="utf-8").count("\n")
        header = 1 if relpath.endswith(".csv") else 0
        assert lines - header == rows, relpath


def test_small_is_small_but_complete(scenario: Path) -> None:
    manifest = json.loads((scenario / "scenario.json").read_text())
    if manifest["size"] != "small":
        pytest.skip("checks the small size")
    counts = manifest["counts"]
    assert 5_000 <= counts["ledger/transactions.csv"] <= 20_000
    assert 200 <= counts["truth/identities.csv"] <= 2_000


def test_summary_matches_manifest(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    summary = generate(tmp_path / "s", seed=3, progress=lambda *args: seen.append(args))
    assert isinstance(summary, ScenarioSummary)
    manifest = json.loads((tmp_path / "s" / "scenario.json").read_text())
    assert summary.counts == manifest["counts"]
    assert summary.to_dict() == {
        "out": str(tmp_path / "s"),
        "seed": 3,
        "size": "small",
        "counts": manifest["counts"],
        "generator_version": manifest["generator_version"],
    }
    assert {stage for stage, _, _ in seen} >= {"people", "records", "ledger", "truth"}
    assert all(0 <= done <= total for _, done, total in seen)
    with pytest.raises(AttributeError):
        summary.seed = 4  # type: ignore[misc]


def test_same_seed_same_bytes(scenario: Path, tmp_path: Path) -> None:
    size = json.loads((scenario / "scenario.json").read_text())["size"]
    again = tmp_path / "again"
    generate(again, seed=SEED, size=size)
    assert _digests(again) == _digests(scenario)


def test_other_seed_other_world(scenario: Path, tmp_path: Path) -> None:
    size = json.loads((scenario / "scenario.json").read_text())["size"]
    other = tmp_path / "other"
    generate(other, seed=SEED + 1, size=size)
    mine, theirs = _digests(scenario), _digests(other)
    assert mine.keys() == theirs.keys()
    assert mine["ledger/transactions.csv"] != theirs["ledger/transactions.csv"]
    assert mine["registry/cn_registry.ftm.json"] != theirs["registry/cn_registry.ftm.json"]


def test_unknown_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown scenario size 'huge'"):
        generate(tmp_path / "x", size="huge")
    assert not (tmp_path / "x").exists()


def test_foreign_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty"):
        generate(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_previous_scenario_is_replaced(tmp_path: Path) -> None:
    generate(tmp_path, seed=1)
    before = _digests(tmp_path)
    generate(tmp_path, seed=2)
    after = _digests(tmp_path)
    assert before.keys() == after.keys()
    assert before != after
    assert json.loads((tmp_path / "scenario.json").read_text())["seed"] == 2


def test_data_files_are_what_loaders_read(scenario: Path) -> None:
    names = {p.relative_to(scenario).as_posix() for p in data_files(scenario)}
    assert not any(name.startswith("truth/") for name in names)
    assert "scenario.json" not in names
