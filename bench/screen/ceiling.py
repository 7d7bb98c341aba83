"""The best top-1 accuracy any screening system could reach on bench/screen's queries.

    .venv/bin/python bench/screen/ceiling.py --size large [--queries 1000] [--seed 1]

Draws the same listed queries as bench/screen/run.py (same seed). A query with a birth
date is counted as found. A query with a name alone (a foreign record's romanised name)
can at best pick one of the registry records whose Han name is written with exactly the
same characters as the expected one: nothing in the query tells them apart, so any
system finds the expected one first 1/k of the time among k. That is generous: a
romanised name cannot even tell 陈 from 曾 in Cantonese, nor characters read alike in
pinyin, so the true ceiling is lower. The figure bounds issue 5's top-1 target on the
bench's query mix, whatever the matcher.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from run import LISTED, queries_from_truth

from nohaven.store import Store

OUT = Path(__file__).parent / "out"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=("small", "medium", "large"))
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with Store(OUT / f"{args.size}.duckdb", read_only=True) as store:
        listed, _ = queries_from_truth(store, OUT / args.size, args.queries, args.seed)
        han = dict(
            store.fetchall(
                "SELECT entity_id, min(value) FROM statements "
                "WHERE dataset = ? AND prop = 'name' AND schema = 'Person' GROUP BY 1",
                [LISTED],
            )
        )
    holders = Counter(han.values())
    dated = [q for q in listed if q["birth_date"]]
    alone = [q for q in listed if not q["birth_date"]]
    name_only = sum(1 / holders[han[q["expected"]]] for q in alone) / max(len(alone), 1)
    overall = (len(dated) + name_only * len(alone)) / len(listed)
    print(f"listed queries: {len(listed)} ({len(dated)} with a birth date, {len(alone)} name only)")
    print(f"name-only ceiling (exact Han namesakes in {LISTED}): {name_only:.4f}")
    print(f"top-1 ceiling over the mix: {overall:.4f}")


if __name__ == "__main__":
    main()
