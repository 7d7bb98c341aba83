"""How far pairwise evidence can take cluster F1 on a resolved world, whatever the model.

    .venv/bin/python bench/resolve/ceiling.py --size medium [--thresholds 0.5,0.6,0.7,0.8]

Reads the store bench/resolve/run.py left (`resolution_pairs`, every scored pair from
the review floor up, with its evidence line) and the world's truth. Every pair's
probability is then replaced by the share of true matches among all stored pairs with
the same evidence line: the best calibrated probability any model could give from
these comparisons. Both are clustered by nohaven's own clustering (the one-Han-name
and one-birth-year rule included, then lone undated records attached to the one
cluster their name points to, as `nohaven resolve` does) and scored by B-cubed
precision, recall and F1. The
gap between the two rows is what a better model could win; what lies beyond the
calibrated row needs evidence the comparisons do not read.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path

import duckdb

from nohaven.resolve.cluster import cluster_and_attach
from nohaven.resolve.evaluate import cluster_metrics
from nohaven.resolve.model import CONTRADICTING_EVIDENCE, SAME_NAME_EVIDENCE

OUT = Path(__file__).parent / "out"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="medium", choices=("small", "medium", "large"))
    parser.add_argument("--thresholds", default="0.5,0.6,0.7,0.8")
    args = parser.parse_args()
    thresholds = [float(t) for t in args.thresholds.split(",")]
    with (OUT / args.size / "truth" / "identities.csv").open(newline="") as handle:
        truth = {row["entity_id"]: row["true_id"] for row in csv.DictReader(handle)}
    con = duckdb.connect(str(OUT / f"{args.size}.duckdb"), read_only=True)
    ids = [row[0] for row in con.execute("SELECT entity_id FROM clusters").fetchall()]
    companies = {
        row[0]
        for row in con.execute("SELECT entity_id FROM clusters WHERE kind = 'company'").fetchall()
    }
    pairs = con.execute(
        "SELECT left_id, right_id, kind, evidence, match_probability FROM resolution_pairs"
    ).fetchall()
    # The attributes clustering keeps single-valued: Han names and birth years.
    attributes = {
        entity: {"han": frozenset(han or ()), "birth_year": frozenset(years or ())}
        for entity, han, years in con.execute(r"""
            SELECT entity_id,
                   list(DISTINCT value) FILTER (
                       prop = 'name' AND regexp_matches(value, '[\x{4e00}-\x{9fff}]')),
                   list(DISTINCT substr(value, 1, 4)) FILTER (prop = 'birthDate')
            FROM statements GROUP BY entity_id
        """).fetchall()
    }
    con.close()
    seen: dict[tuple[str, str], list[int]] = {}
    for left, right, kind, evidence, _ in pairs:
        counts = seen.setdefault((kind, evidence), [0, 0])
        counts[0] += 1
        counts[1] += truth.get(left, left) == truth.get(right, right)
    calibrated = [
        (left, right, (seen[(kind, evidence)][1] + 0.5) / (seen[(kind, evidence)][0] + 1))
        for left, right, kind, evidence, _ in pairs
    ]
    model = [(left, right, p) for left, right, _, _, p in pairs]
    same_name, contradicted = re.compile(SAME_NAME_EVIDENCE), re.compile(CONTRADICTING_EVIDENCE)
    name_links = [
        (left, right)
        for left, right, kind, evidence, _ in pairs
        if kind == "person" and same_name.match(evidence) and not contradicted.search(evidence)
    ]
    undated = {e for e, a in attributes.items() if not a["birth_year"]} - companies
    rows = []
    for name, scored in (("model", model), ("calibrated per evidence line", calibrated)):
        for threshold in thresholds:
            clusters, _ = cluster_and_attach(
                ids, scored, threshold, name_links, undated, attributes=attributes
            )
            metrics = cluster_metrics(clusters, truth)
            rows.append({"probabilities": name, "threshold": threshold, **metrics})
    print(f"{len(pairs):,} stored pairs, {len(seen):,} distinct evidence lines")
    print("| probabilities | threshold | cluster P | cluster R | cluster F1 |")
    print("|---|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['probabilities']} | {row['threshold']} | {row['cluster_precision']} "
            f"| {row['cluster_recall']} | {row['cluster_f1']} |"
        )
    (OUT / f"ceiling-{args.size}.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
