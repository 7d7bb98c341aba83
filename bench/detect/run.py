"""Laundering detection against the synthetic world's planted schemes, and its speed.

    .venv/bin/python bench/detect/run.py --size medium

Runs every detector over the loaded store of bench/resolve (the world's ledger,
accounts and registry family ties; generated and loaded when missing) and scores the
alerts against truth/schemes.csv per typology: a scheme is found when one alert of its
typology covers at least half of its transactions; an alert is correct when at least
half of its transactions belong to one scheme of its typology.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from nohaven.detect import DETECTORS, DetectRequest, detect
from nohaven.ingest import load_paths
from nohaven.scenario import ensure_world
from nohaven.store import Store

WORLDS = Path(__file__).parents[1] / "resolve" / "out"
OUT = Path(__file__).parent / "out"


def score(alerts: list, schemes: dict[str, tuple[str, set[str]]]) -> dict:
    """Recall and precision per typology under the issue's half-coverage rules.

    A transaction may belong to several schemes (a scatter-gather is also a fan-out
    and a fan-in). ``precision`` follows the issue: an alert is correct when half its
    transactions belong to one planted scheme; ``typed_precision`` also asks that the
    scheme be of the alert's typology.
    """
    schemes_of: dict[str, list[str]] = defaultdict(list)
    for sid, (_, txs) in schemes.items():
        for tx in txs:
            schemes_of[tx].append(sid)
    out = {}
    for typology in sorted({t for t, _ in schemes.values()} | {a.typology for a in alerts}):
        planted = {sid: txs for sid, (t, txs) in schemes.items() if t == typology}
        mine = [a for a in alerts if a.typology == typology]
        found = {
            sid
            for sid, txs in planted.items()
            if any(len(txs & set(a.transactions)) * 2 >= len(txs) for a in mine)
        }
        correct = typed = 0
        for alert in mine:
            counts = Counter(sid for tx in alert.transactions for sid in schemes_of.get(tx, ()))
            half = [sid for sid, n in counts.items() if n * 2 >= len(alert.transactions)]
            correct += bool(half)
            typed += any(schemes[sid][0] == typology for sid in half)
        out[typology] = {
            "schemes": len(planted),
            "found": len(found),
            "alerts": len(mine),
            "correct": correct,
            "recall": round(len(found) / len(planted), 3) if planted else None,
            "precision": round(correct / len(mine), 3) if mine else None,
            "typed_precision": round(typed / len(mine), 3) if mine else None,
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="medium", choices=["small", "medium", "large"])
    args = parser.parse_args()
    world = ensure_world(WORLDS / args.size, size=args.size)
    db = WORLDS / f"{args.size}.duckdb"
    if not db.exists():
        with Store(db, memory_limit="4GB") as store:
            load_paths(store, [world])
    schemes: dict[str, tuple[str, set[str]]] = {}
    txs_of: dict[str, set[str]] = defaultdict(set)
    with (world / "truth" / "schemes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            txs_of[row["scheme_id"]].add(row["transaction_id"])
            schemes[row["scheme_id"]] = (row["typology"], txs_of[row["scheme_id"]])
    with Store(db, memory_limit="4GB"):
        pass  # brings a store written by an older nohaven up to date
    with Store(db, read_only=True, memory_limit="4GB") as store:
        started = time.perf_counter()
        alerts = detect(DetectRequest(), store)
        seconds = time.perf_counter() - started
        rows = store.fetchone("SELECT count(*) FROM ledger")
    results = {
        "size": args.size,
        "transactions": int(rows[0]) if rows else 0,
        "detectors": list(DETECTORS),
        "seconds": round(seconds, 2),
        "alerts": len(alerts),
        "typologies": score(alerts, schemes),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"results-{args.size}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
