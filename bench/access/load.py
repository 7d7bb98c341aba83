"""The server under load on loopback: screening queries (500 names sampled from the
store) and judgements from several signed-in users, offered open loop at rising rates
up to ten times the screening target (3,000 requests a second), on a copy of
bench/resolve's resolved store.

    .venv/bin/python bench/access/load.py [--size medium] [--seconds 5] [--users 8]

For each rate it reports what came back (200 match, 201 judgement stored, 429 past a
user's budget), how long answers took, and whether every acknowledged judgement is in
the store afterwards. Beside it, in the same run, the same mix with no users (local
single-user mode: no tokens, no budgets) shows what the guard costs.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from nohaven.access import add_user
from nohaven.store import Store
from nohaven.web.loadgen import acknowledged_judgements, offer, screening_mix
from nohaven.web.spawn import served

WORLDS = Path(__file__).parents[1] / "resolve" / "out"
RATES = (300.0, 1000.0, 3000.0)


def run(
    db: Path, tokens: list[str], pairs: list[tuple], names: list[str], seconds: float, label: str
) -> None:
    acknowledged: Counter[tuple[str, str]] = Counter()
    with served(db) as base:
        # The first match waits for the screening index (built as the server starts).
        offer(base, screening_mix(tokens, names, pairs, 1), 1.0, connections=1)
        for rate in RATES:
            calls = screening_mix(tokens, names, pairs, int(rate * seconds))
            report = offer(base, calls, rate, connections=48)
            acknowledged += acknowledged_judgements(report)
            print(
                f"| {label} | {rate:,.0f} | {report.offered:,} | {len(report.answers):,} | "
                f"{len(report.answers) / report.seconds:,.0f} | "
                f"{dict(sorted(report.statuses.items()))} | "
                f"{report.percentile(50) * 1000:,.0f} / {report.percentile(95) * 1000:,.0f} / "
                f"{report.percentile(99) * 1000:,.0f} | {len(report.failures)} |",
                flush=True,
            )
    with Store(db, read_only=True) as store:
        stored = Counter(
            store.fetchall("SELECT left_id, right_id FROM judgements WHERE reason IS NULL")
        )
    lost = sum(max(0, n - stored[pair]) for pair, n in acknowledged.items())
    print(f"| {label} | judgements acknowledged {sum(acknowledged.values()):,}, lost {lost} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="medium", choices=["small", "medium", "large"])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--users", type=int, default=8)
    args = parser.parse_args()
    source = WORLDS / f"{args.size}.duckdb"
    if not source.exists():
        raise SystemExit(f"{source} is missing: run bench/resolve/run.py --size {args.size} first")
    print(
        "| mode | offered /s | requests | answered | answered /s | statuses | "
        "p50 / p95 / p99 ms | failures |"
    )
    print("|---|---:|---:|---:|---:|---|---|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ("single-user", "signed-in"):
            db = Path(tmp) / f"{mode}.duckdb"
            shutil.copy(source, db)
            with Store(db) as store:
                tokens = (
                    [add_user(store, f"bench{k}", "bench", "admin")[1] for k in range(args.users)]
                    if mode == "signed-in"
                    else ["none"]
                )
                pairs = store.fetchall(
                    "SELECT left_id, right_id FROM resolution_pairs "
                    "ORDER BY match_probability LIMIT 5000"
                )
                names = [
                    n
                    for (n,) in store.fetchall(
                        "SELECT value FROM statements WHERE schema = 'Person' AND prop = 'name' "
                        "USING SAMPLE 500 ROWS (reservoir, 7)"
                    )
                ]
            run(db, tokens, pairs, names, args.seconds, mode)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
