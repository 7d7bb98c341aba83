"""`make demo`'s job, end to end on the small world (without serving)."""

import json
import re
from pathlib import Path


def test_demo_generates_loads_and_reports(cli, tmp_path: Path) -> None:
    world, db = tmp_path / "world", tmp_path / "demo.duckdb"
    result = cli("demo", "--no-serve", "--out", world, "--db", db)
    assert result.code == 0, result.stderr
    assert (world / "truth" / "identities.csv").exists()
    status = json.loads(cli("status", "--db", db, "--json").stdout)
    assert status["totals"]["ledger"] > 1000
    assert status["totals"]["declarations"] > 0
    assert "store:" in result.stdout and "transactions" in result.stdout
    # The name engine finds the planted cross-script records of officials' families.
    found = re.search(r"recall (\d\.\d\d)", " ".join(result.stdout.split()))
    assert found and float(found.group(1)) >= 0.9, result.stdout
    # Entity resolution ran over everything loaded, precise before complete.
    resolved = re.search(
        r"cluster precision (\d\.\d\d), recall (\d\.\d\d)", " ".join(result.stdout.split())
    )
    assert resolved and float(resolved.group(1)) >= 0.97 and float(resolved.group(2)) >= 0.8
    # The declaration rules find most planted findings.
    declared = re.search(r"(\d+) of (\d+) planted findings found", " ".join(result.stdout.split()))
    assert declared and int(declared.group(1)) >= 0.7 * int(declared.group(2)) > 0, result.stdout
    # Screening finds an official's spouse from the Hong Kong spelling of her name.
    assert re.search(r"finds \S+ \(score 1\.00, spouse of \S+\)", " ".join(result.stdout.split()))
    # Tracing follows the embezzled money into property it bought, under every rule.
    traced = re.search(r"libr (\d+), fifo (\d+), prorata (\d+)", " ".join(result.stdout.split()))
    assert traced and all(int(n) > 0 for n in traced.groups()), result.stdout
    # The detectors find the planted schemes of their typologies.
    detected = re.search(r"(\d+) of (\d+) planted schemes", " ".join(result.stdout.split()))
    assert detected and int(detected.group(1)) >= 0.9 * int(detected.group(2)) > 0
    # Running it again reuses the world and changes nothing in the store.
    again = cli("demo", "--no-serve", "--out", world, "--db", db)
    assert again.code == 0 and "already loaded" in again.stdout
    assert json.loads(cli("status", "--db", db, "--json").stdout)["totals"] == status["totals"]
