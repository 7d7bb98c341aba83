"""Entity resolution benchmark: nohaven against stock Splink on a synthetic world.

    .venv/bin/python bench/resolve/run.py --size medium [--thresholds 0.6,0.8] [--no-anchor]

Generates the world (or reuses bench/resolve/out/<size>), loads it, runs `nohaven
resolve`, then runs the anchor in the same process: Splink 5 on DuckDB with its stock
comparisons (NameComparison on the full name, DateOfBirthComparison, exact gender and
nationality) and stock blocking (first name word, surname word, birth date), the
linkage a user would otherwise build. Both are scored against truth/identities.csv:
pairwise precision / recall / F1 over the clusters, B-cubed (per-record cluster)
precision / recall / F1, and wall time.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import shutil
import sys
import time
from pathlib import Path

import duckdb

from nohaven.ingest import load_paths
from nohaven.resolve.cluster import cluster_pairs
from nohaven.resolve.evaluate import cluster_metrics
from nohaven.resolve.pipeline import resolve
from nohaven.scenario import ensure_world
from nohaven.store import Store

sys.path.insert(0, str(Path(__file__).parent.parent))  # bench/, for memory.py
from memory import TreeMemory

OUT = Path(__file__).parent / "out"


def anchor_splink(store: Store, threshold: float) -> tuple[dict[str, str], float]:
    """Stock Splink on the person records: what a user without nohaven would build."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    table = store.arrow(
        """
        SELECT entity_id AS unique_id,
               max(value) FILTER (prop = 'name') AS full_name,
               split_part(max(value) FILTER (prop = 'name'), ' ', 1) AS first_word,
               split_part(max(value) FILTER (prop = 'name'), ' ', -1) AS last_word,
               min(TRY_CAST(value AS DATE)) FILTER (prop = 'birthDate') AS dob,
               min(value) FILTER (prop = 'gender') AS gender,
               min(value) FILTER (prop = 'nationality') AS nationality
        FROM statements WHERE schema = 'Person' GROUP BY entity_id
        """
    )
    con = duckdb.connect()
    con.register("people_arrow", table)
    con.execute("CREATE TABLE people AS SELECT * FROM people_arrow")
    api = DuckDBAPI(connection=con)
    people = api.register("people")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("full_name"),
            cl.DateOfBirthComparison("dob", input_is_string=False),
            cl.ExactMatch("gender"),
            cl.ExactMatch("nationality"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_word"),
            block_on("last_word"),
            block_on("dob"),
        ],
    )
    linker = Linker(people, settings, log_level=logging.ERROR)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("last_word"))
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    rows = con.sql(
        f"SELECT unique_id_l, unique_id_r, match_probability FROM {predictions.physical_name}"
    ).fetchall()
    ids = table["unique_id"].to_pylist()
    con.close()
    assigned = cluster_pairs(ids, rows, threshold)
    return assigned, time.perf_counter() - started


def with_judgements(
    db: Path, truth: dict[str, str], count: int, threshold: float, learn: bool
) -> dict:
    """Investigators work the review queue: the first `count` pairs that are truly one
    person are judged same (the rest left alone), then resolve runs again."""
    from nohaven.resolve.judgements import add_judgement
    from nohaven.resolve.review import open_pairs

    copy = OUT / f"judged-{db.name}"
    shutil.copy(db, copy)
    try:
        with Store(copy, memory_limit="4GB") as store:
            judged = 0
            for pair in open_pairs(store, limit=count * 20):
                true_id = truth.get(pair.left_id)
                if true_id is not None and true_id == truth.get(pair.right_id):
                    add_judgement(store, pair.left_id, pair.right_id, "same", "bench")
                    judged += 1
                    if judged == count:
                        break
            started = time.perf_counter()
            summary = resolve(store, threshold=threshold, learn_from_judgements=learn)
            seconds = time.perf_counter() - started
            assigned = dict(store.fetchall("SELECT entity_id, canonical_id FROM clusters"))
    finally:
        copy.unlink(missing_ok=True)
    persons = {k: v for k, v in assigned.items() if k in truth}
    return {
        "system": f"nohaven + {judged} same judgements"
        + (" (model learns from them)" if learn else " (applied only)"),
        "threshold": threshold,
        "seconds": round(seconds, 1),
        "comparisons": summary.comparisons,
        **cluster_metrics(persons, truth),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="small", choices=["small", "medium", "large"])
    parser.add_argument("--thresholds", default="0.8")
    parser.add_argument(
        "--judge",
        type=int,
        default=0,
        help="then, on a copy of the store, judge this many true pairs from the review "
        "queue as an investigator would (answers from the truth) and resolve again",
    )
    parser.add_argument(
        "--no-anchor",
        action="store_true",
        help="skip stock Splink (on the large world it passed 22 GB of memory within "
        "six minutes on a 24 GB machine, its first-word blocking pairing every Wang)",
    )
    args = parser.parse_args()
    thresholds = [float(t) for t in args.thresholds.split(",")]
    world = ensure_world(OUT / args.size, size=args.size)
    db = OUT / f"{args.size}.duckdb"
    if not db.exists():
        with Store(db, memory_limit="4GB") as store:
            load_paths(store, [world])
    with (world / "truth" / "identities.csv").open(encoding="utf-8") as handle:
        truth = {row["entity_id"]: row["true_id"] for row in csv.DictReader(handle)}

    results: dict[str, object] = {"size": args.size, "runs": []}
    with Store(db, memory_limit="4GB") as store:
        for threshold in thresholds:
            started = time.perf_counter()
            with TreeMemory() as memory:
                summary = resolve(store, threshold=threshold)
            seconds = time.perf_counter() - started
            assigned = dict(store.fetchall("SELECT entity_id, canonical_id FROM clusters"))
            persons = {k: v for k, v in assigned.items() if k in truth}
            results["runs"].append(  # type: ignore[union-attr]
                {
                    "system": "nohaven",
                    "threshold": threshold,
                    "seconds": round(seconds, 1),
                    "peak_tree_pss_mb": round(memory.peak_mb),
                    "comparisons": summary.comparisons,
                    **cluster_metrics(persons, truth),
                }
            )
            if args.no_anchor:
                continue
            anchor, anchor_seconds = anchor_splink(store, threshold)
            results["runs"].append(  # type: ignore[union-attr]
                {
                    "system": "splink (stock)",
                    "threshold": threshold,
                    "seconds": round(anchor_seconds, 1),
                    **cluster_metrics(anchor, truth),
                }
            )
    if args.judge:
        for learn in (False, True):
            results["runs"].append(  # type: ignore[union-attr]
                with_judgements(db, truth, args.judge, thresholds[0], learn)
            )
    columns = [
        "system",
        "threshold",
        "pairwise_precision",
        "pairwise_recall",
        "pairwise_f1",
        "cluster_precision",
        "cluster_recall",
        "cluster_f1",
        "seconds",
    ]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for run in results["runs"]:  # type: ignore[union-attr]
        print("| " + " | ".join(str(run[c]) for c in columns) + " |")
    (OUT / f"results-{args.size}.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
