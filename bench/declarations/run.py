"""Declaration checks against the synthetic world's ground truth, and their speed.

    .venv/bin/python bench/declarations/run.py --size medium

Uses the world and the loaded store that bench/resolve leaves in bench/resolve/out
(generating and loading them when missing), resolves a copy, runs every declaration rule
over a copy of the store and scores the findings per rule against
truth/findings.csv: precision, recall, and declarations checked per second beside the
anchor, Ukraine's e-declaration system (100,000 declarations in 15 minutes, 111 a
second; DOMAIN.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import time
from pathlib import Path

from nohaven.declarations.check import check_declarations
from nohaven.declarations.rules import RULES
from nohaven.ingest import load_paths
from nohaven.resolve.pipeline import resolve
from nohaven.scenario import ensure_world
from nohaven.store import Store

RESOLVED = Path(__file__).parents[1] / "resolve" / "out"
OUT = Path(__file__).parent / "out"
ANCHOR_PER_SECOND = 100_000 / (15 * 60)


def resolved_store(size: str) -> Path:
    """A private copy of bench/resolve's resolved store for this world size."""
    world = ensure_world(RESOLVED / size, size=size)
    source = RESOLVED / f"{size}.duckdb"
    if not source.exists():
        with Store(source, memory_limit="4GB") as store:
            load_paths(store, [world])
    OUT.mkdir(parents=True, exist_ok=True)
    copy = OUT / f"{size}.duckdb"
    shutil.copy(source, copy)
    with Store(copy, memory_limit="4GB") as store:
        resolve(store)  # at the default threshold, whatever bench/resolve last ran
    return copy


def replicate(db: Path, copies: int) -> None:
    """Add `copies - 1` copies of every official: their declarations and registry family
    edges under new ids (``official~k``), so that throughput is measured at a scale no
    world has, with the same joins per declaration."""
    with Store(db, memory_limit="4GB") as store, store.transaction():
        store.execute(
            f"""
            INSERT INTO declarations
            SELECT declaration_id || '~' || k, official_id || '~' || k, filing_date, kind,
                   version, amends || '~' || k, document, dataset, source_id, record
            FROM declarations, range(1, {copies}) AS t(k)
            """
        )
        store.execute(
            f"""
            INSERT INTO statements
            SELECT s.entity_id || '~' || k, s.schema, s.prop,
                   CASE WHEN s.prop = 'person' THEN s.value || '~' || k ELSE s.value END,
                   s.original_value, s.dataset, s.source_id, s.record
            FROM statements s, range(1, {copies}) AS t(k)
            WHERE s.schema = 'Family' AND s.entity_id IN (
                SELECT entity_id FROM statements
                WHERE schema = 'Family' AND prop = 'person'
                  AND value IN (SELECT DISTINCT official_id FROM declarations
                                WHERE NOT contains(official_id, '~')))
            """
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="medium", choices=["small", "medium", "large"])
    parser.add_argument(
        "--copies",
        type=int,
        default=1,
        help="check this many copies of every official's declarations and family "
        "(throughput at scale; precision and recall count the originals only)",
    )
    args = parser.parse_args()
    db = resolved_store(args.size)
    if args.copies > 1:
        replicate(db, args.copies)
    truth: dict[str, set[str]] = {rule: set() for rule in RULES}
    with (RESOLVED / args.size / "truth" / "findings.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth.setdefault(row["rule"], set()).add(row["official_id"])
    with Store(db, read_only=True, memory_limit="4GB") as store:
        declarations = store.fetchone("SELECT count(*) FROM declarations")
        started = time.perf_counter()
        findings = check_declarations(store)
        seconds = time.perf_counter() - started
    count = int(declarations[0]) if declarations else 0
    rows = []
    for rule in RULES:
        found = {f.official_id for f in findings if f.rule == rule and "~" not in f.official_id}
        hits = len(found & truth[rule])
        rows.append(
            {
                "rule": rule,
                "found": len(found),
                "truth": len(truth[rule]),
                # A rule the world plants no findings for (red flags) has no precision here.
                "precision": round(hits / len(found), 3) if found and truth[rule] else None,
                "recall": round(hits / len(truth[rule]), 3) if truth[rule] else None,
            }
        )
    print("| rule | found | truth | precision | recall |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['rule']} | {r['found']} | {r['truth']} | {r['precision']} | {r['recall']} |")
    rate = count / seconds if seconds else 0.0
    print(
        f"\n{count:,} declarations checked in {seconds:.1f} s: {rate:,.0f} a second, "
        f"{rate / ANCHOR_PER_SECOND:.1f}x the anchor's {ANCHOR_PER_SECOND:.0f}"
    )
    result = {
        "size": args.size,
        "copies": args.copies,
        "declarations": count,
        "seconds": round(seconds, 2),
    }
    (OUT / f"results-{args.size}.json").write_text(json.dumps({**result, "rules": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
