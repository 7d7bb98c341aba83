"""Cases, the audit chain and dossiers, over a resolved small world."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from nohaven import cases
from nohaven.cases import audit
from nohaven.detect import DetectRequest, detect, save_alerts
from nohaven.scenario.truth import embezzlement_case, fixed_rates
from nohaven.store import Store
from nohaven.store.export import iter_entities_by_id


@pytest.fixture
def opened(resolved_world, resolved_copy: Path) -> tuple[Path, str, str]:
    """A store with a stored detection run and a case on the embezzler with a trace,
    the alerts his transfers raised and a note: (store, case id, official)."""
    world = resolved_world[0]
    official, transfers = embezzlement_case(world)
    rates = fixed_rates(world)
    with Store(resolved_copy) as store:
        alerts = detect(DetectRequest(), store)
        save_alerts(store, alerts, ("all",))
        case_id = cases.open_case(store, "Kaiping-style embezzlement", [official], "alice")
        cases.add_trace(store, case_id, "alice", source_txs=transfers, rates=rates)
        mine = set(transfers)
        for alert in alerts:
            if mine & set(alert.transactions):
                cases.add_alert(store, case_id, alert.alert_id, "bob")
        cases.add_note(store, case_id, "the spouse lives in Toronto", "alice")
    return resolved_copy, case_id, official


def test_cases_list_contract(cli: Callable, opened) -> None:
    db, case_id, official = opened
    result = cli("cases", "list", "--json", "--db", db)
    assert result.code == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [c["id"] for c in listed] == [case_id]
    assert {"id", "title", "subjects", "findings"} <= set(listed[0])
    assert listed[0]["subjects"] == [official]
    kinds = [f["kind"] for f in listed[0]["findings"]]
    assert kinds[0] == "trace" and "alert" in kinds


def test_the_dossier_says_what_the_case_holds(cli: Callable, opened, tmp_path: Path) -> None:
    db, case_id, official = opened
    out = tmp_path / "dossier"
    result = cli("dossier", case_id, "--out", out, "--db", db)
    assert result.code == 0, result.stderr
    for name in ("report.pdf", "report.html", "bundle.ftm.json", "manifest.json"):
        assert (out / name).is_file(), name
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(out / "report.pdf").pages)
    flat = " ".join(text.split())
    with Store(db, read_only=True) as store:
        case = cases.get_case(store, case_id)
        han = store.fetchone(
            "SELECT value FROM statements WHERE entity_id = ? AND prop = 'name'", [official]
        )[0]
        sources = store.fetchall("SELECT sha256 FROM sources")
        alert_ids = [f["ref"]["alert_id"] for f in case.findings if f["kind"] == "alert"]
    assert "Kaiping-style embezzlement" in flat and case_id in flat
    assert han in flat  # the subject in Han characters, from the CJK font
    assert "pinyin" in flat or "cantonese" in flat  # which romanisation matched
    for rule in ("LIBR", "FIFO", "PRORATA"):
        assert f"Under {rule}," in flat
    assert all(sha in flat.replace(" ", "") for (sha,) in sources)
    assert alert_ids and all(a in flat.replace(" ", "") for a in alert_ids)
    assert "the spouse lives in Toronto" in flat
    html = (out / "report.html").read_text(encoding="utf-8")
    assert han in html and "trace-1-libr.csv" in html
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["case_id"] == case_id and "trace-1-prorata.csv" in manifest["files"]
    # The export is itself in the audit trail, whose head the manifest records.
    with Store(db) as store:
        verdict = cases.verify_audit(store)
    assert verdict.ok and verdict.head == manifest["audit_head"]


def test_dossier_verify_names_the_first_file_changed(cli: Callable, opened, tmp_path: Path) -> None:
    db, case_id, _ = opened
    out = tmp_path / "d"
    assert cli("dossier", case_id, "--out", out, "--db", db).code == 0
    assert cli("dossier", "verify", out).code == 0
    html = out / "report.html"
    html.write_text(html.read_text(encoding="utf-8").replace("Evidence", "Evidense", 1), "utf-8")
    result = cli("dossier", "verify", out)
    assert result.code == 1 and "report.html" in result.stderr
    shutil.copy(out / "bundle.ftm.json", tmp_path / "keep")
    (out / "bundle.ftm.json").unlink()
    result = cli("dossier", "verify", out)
    assert result.code == 1 and "bundle.ftm.json" in result.stderr
    (out / "manifest.json").write_text("{", encoding="utf-8")
    result = cli("dossier", "verify", out)
    assert result.code == 1 and "manifest.json" in result.stderr


def test_the_bundle_loads_back_into_a_fresh_store(cli: Callable, opened, tmp_path: Path) -> None:
    db, case_id, official = opened
    out = tmp_path / "d"
    assert cli("dossier", case_id, "--out", out, "--db", db).code == 0
    lines = [json.loads(line) for line in (out / "bundle.ftm.json").read_text("utf-8").splitlines()]
    ids = sorted(line["id"] for line in lines)
    assert official in ids and len(ids) == len(set(ids)) >= 5
    assert any(line["schema"] == "Family" for line in lines)
    fresh = tmp_path / "fresh.duckdb"
    result = cli("load", out / "bundle.ftm.json", "--dataset", "dossier", "--db", fresh)
    assert result.code == 0, result.stderr

    def entities(path: Path) -> dict[str, tuple[str, dict]]:
        with Store(path, read_only=True) as store:
            return {
                e.id: (e.schema.name, {p: sorted(v) for p, v in e.properties.items()})
                for e in iter_entities_by_id(store, ids)
            }

    assert entities(fresh) == entities(db)


def test_the_audit_chain_shows_change_deletion_and_reordering(
    cli: Callable, opened, tmp_path: Path
) -> None:
    db, _, _ = opened
    assert cli("audit", "verify", "--db", db).code == 0
    with Store(db) as store:
        count = store.fetchone("SELECT count(*) FROM audit_log")[0]
    assert count >= 4
    tampers = {
        "changed": 'UPDATE audit_log SET payload = \'{"text": "nothing"}\' WHERE seq = 2',
        "deleted": "DELETE FROM audit_log WHERE seq = 2",
        "reordered": (
            "UPDATE audit_log SET seq = CASE seq WHEN 2 THEN 3 WHEN 3 THEN 2 END "
            "WHERE seq IN (2, 3)"
        ),
        "truncated": f"DELETE FROM audit_log WHERE seq = {count}",
    }
    for name, sql in tampers.items():
        copy = tmp_path / f"{name}.duckdb"
        shutil.copy(db, copy)
        with Store(copy) as store:
            store.execute(sql)
        result = cli("audit", "verify", "--db", copy)
        assert result.code == 1, name
        assert "audit log broken at entry" in result.stderr, name


def test_an_entry_written_after_a_truncation_does_not_hide_it(opened, tmp_path: Path) -> None:
    db, _, _ = opened
    copy = tmp_path / "truncated.duckdb"
    shutil.copy(db, copy)
    with Store(copy) as store:
        count = store.fetchone("SELECT count(*) FROM audit_log")[0]
        store.execute(f"DELETE FROM audit_log WHERE seq = {count}")
        with store.transaction():
            audit.append(store, "someone", "note", "case", {"text": "after"})
        verdict = audit.verify(store)
    # The next entry follows the recorded head, not the log's new last entry.
    assert not verdict.ok and verdict.broken_at == count
    assert verdict.reason == f"entry {count} is missing"


def test_bad_requests_get_one_message(cli: Callable, opened, tmp_path: Path) -> None:
    db, case_id, _ = opened
    result = cli("dossier", "case-9999", "--out", tmp_path / "x", "--db", db)
    assert result.code == 1 and "no case 'case-9999'" in result.stderr
    result = cli("cases", "open", "T", "--subject", "nobody-at-all", "--db", db)
    assert result.code == 1 and "nobody-at-all" in result.stderr
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "thesis.txt").write_text("mine", encoding="utf-8")
    result = cli("dossier", case_id, "--out", taken, "--db", db)
    assert result.code == 1 and "not a dossier" in result.stderr
    assert (taken / "thesis.txt").read_text(encoding="utf-8") == "mine"
    result = cli("cases", "add", case_id, "--alert", "al-0000", "--db", db)
    assert result.code == 1 and "no stored alert" in result.stderr
    result = cli("dossier", "verify", tmp_path)
    assert result.code == 1 and "manifest.json" in result.stderr
    for result in (cli("cases", "status", case_id, "lost", "--db", db),):
        assert result.code == 1 and "status must be one of" in result.stderr
