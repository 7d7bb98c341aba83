"""`nohaven resolve`, `review`, `judge` and `clusters export` through the real CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path


def test_resolve_json_summary_then_review_judge_and_export(cli, resolved_copy: Path) -> None:
    ran = cli("resolve", "--db", resolved_copy, "--json")
    assert ran.code == 0, ran.stderr
    summary = json.loads(ran.stdout)
    assert summary["records"] == summary["persons"] + summary["companies"] > 0
    assert summary["clusters"] > 0 and summary["engine"] == "duckdb"

    queue = cli("review", "--db", resolved_copy, "--json", "--limit", "3")
    assert queue.code == 0, queue.stderr
    pairs = json.loads(queue.stdout)
    assert len(pairs) == 3

    judged = cli(
        "judge",
        pairs[0]["left_id"],
        pairs[0]["right_id"],
        "same",
        "--author",
        "analyst-1",
        "--db",
        resolved_copy,
    )
    assert judged.code == 0, judged.stderr
    assert "same" in judged.stderr

    target = resolved_copy.parent / "clusters.csv"
    exported = cli("clusters", "export", target, "--db", resolved_copy)
    assert exported.code == 0, exported.stderr
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == summary["records"]
    # The judgement is applied by the next run only.
    assert cli("resolve", "--db", resolved_copy).code == 0
    cli("clusters", "export", target, "--db", resolved_copy)
    lines = target.read_text(encoding="utf-8").splitlines()
    by_id = {r["entity_id"]: r["canonical_id"] for r in csv.DictReader(lines)}
    assert by_id[pairs[0]["left_id"]] == by_id[pairs[0]["right_id"]]


def test_bad_judgement_and_bad_threshold_exit_non_zero(cli, resolved_copy: Path) -> None:
    bad = cli("judge", "no-such", "other", "same", "--author", "a", "--db", resolved_copy)
    assert bad.code == 1 and "no person or company record" in bad.stderr
    assert "Traceback" not in bad.stderr
    wrong = cli("resolve", "--threshold", "1.5", "--db", resolved_copy)
    assert wrong.code == 1 and "threshold" in wrong.stderr
