"""Load benchmark: nohaven's ledger load beside plain DuckDB `read_csv`, same run.

    python bench/load.py [--world DIR] [--rows-file FILE] [--repeat 3]

Without --world the large synthetic world is generated into bench/out/world-large
(once; reused afterwards). Each contender runs in its own process, alternating, and
its wall time and peak RSS (from wait4) are recorded; the report gives medians and the
nohaven/anchor ratios. Machines are shared and noisy: read ratios, not absolutes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
OUT = HERE / "out"
ANCHOR = """
import duckdb, sys
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE ledger AS SELECT * FROM read_csv(?)", [sys.argv[2]])
print(con.execute("SELECT count(*) FROM ledger").fetchone()[0])
"""


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[0]} failed: {stderr}")
    return elapsed, usage.ru_maxrss / 1024


def fresh(db: Path) -> Path:
    for path in (db, db.with_name(db.name + ".wal")):
        path.unlink(missing_ok=True)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--world", type=Path, default=OUT / "world-large")
    parser.add_argument("--size", default="large")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ledger = args.world / "ledger" / "transactions.csv"
    if not ledger.exists():
        print(f"generating the {args.size} world into {args.world} ...", flush=True)
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "nohaven.cli",
                "scenario",
                "generate",
                "--out",
                str(args.world),
                "--size",
                args.size,
                "--seed",
                "7",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"  generated in {time.perf_counter() - start:.0f} s")
    size_mb = ledger.stat().st_size / 1e6
    rows = sum(1 for _ in ledger.open("rb")) - 1
    OUT.mkdir(exist_ok=True)
    db = OUT / "bench-load.duckdb"
    contenders = {
        "anchor: duckdb read_csv": [sys.executable, "-c", ANCHOR, str(db), str(ledger)],
        "nohaven load": [
            sys.executable,
            "-m",
            "nohaven.cli",
            "load",
            str(ledger),
            "--dataset",
            "bench",
            "--kind",
            "ledger",
            "--db",
            str(db),
        ],
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    for _ in range(args.repeat):
        for name, cmd in contenders.items():
            fresh(db)
            results[name].append(run(cmd))
    fresh(db)
    summary = {}
    for name, runs in results.items():
        seconds = statistics.median(r[0] for r in runs)
        peak = max(r[1] for r in runs)
        summary[name] = {
            "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds),
            "peak_mb": round(peak),
        }
    anchor, ours = summary["anchor: duckdb read_csv"], summary["nohaven load"]
    report = {
        "file": str(ledger),
        "rows": rows,
        "mb": round(size_mb),
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        "results": summary,
        "time_ratio": round(ours["seconds"] / anchor["seconds"], 2),
        "memory_ratio": round(ours["peak_mb"] / anchor["peak_mb"], 2),
    }
    (OUT / "load.json").write_text(json.dumps(report, indent=2))
    print(f"\n{rows:,} rows, {size_mb:,.0f} MB, median of {args.repeat}, {os.cpu_count()} cpus\n")
    print("| contender | seconds | rows/s | peak MB |\n|---|---:|---:|---:|")
    for name, r in summary.items():
        print(f"| {name} | {r['seconds']} | {r['rows_per_s']:,} | {r['peak_mb']:,} |")
    print(
        f"\ntime ratio (nohaven/anchor): {report['time_ratio']}  "
        f"memory ratio: {report['memory_ratio']}"
    )


if __name__ == "__main__":
    main()
