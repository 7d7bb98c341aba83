"""Tracing speed on the synthetic world's ledger, beside the floor and a plain baseline.

    .venv/bin/python bench/trace/run.py --size large

Traces 1,000 sources (every planted scheme's first payer, topped up with random paying
accounts) through all hops under each rule, over the world's whole ledger
(10,069,868 transactions in six currencies for the large world, converted to USD with
the world's rates). Beside it, in the same run:
- the floor: DuckDB scanning the ledger file once (count, sum and max of every column
  the trace reads);
- the anchor: the plain per-transaction Python implementation
  (nohaven.trace.reference) on the first 1,000,000 transactions (a prefix: tracing is
  sequential), beside nohaven on the same prefix, extrapolated to the whole ledger, and
  checked to agree exactly with the compiled kernel on that prefix. Traced money
  spreads as the ledger goes on, so the extrapolation flatters the baseline.
Peak memory is the process's maximum resident set.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from nohaven.scenario import ensure_world
from nohaven.trace import Rule, read_ledger_file, run_trace
from nohaven.trace.reference import reference_trace
from nohaven.trace.report import touched_accounts, write_contract

WORLDS = Path(__file__).parents[1] / "resolve" / "out"
OUT = Path(__file__).parent / "out"


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def write_rates(world: Path, path: Path) -> None:
    """The world's fixed exchange rates as a rates file (date,currency,rate_to_usd)."""
    per_unit = json.loads((world / "scenario.json").read_text())["fx_rates_cny"]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "currency", "rate_to_usd"])
        for code, cny in sorted(per_unit.items()):
            writer.writerow(["2000-01-01", code, f"{cny / per_unit['USD']:.10f}"])


def pick_sources(ledger_csv: Path, schemes_csv: Path, count: int, seed: int) -> tuple[list, int]:
    """Each planted scheme's first payer, then random paying accounts up to ``count``."""
    con = duckdb.connect()
    origins = [
        row[0]
        for row in con.sql(
            f"""
            SELECT from_account FROM (
                SELECT s.scheme_id, arg_min(l.from_account, l.timestamp) AS from_account
                FROM read_csv('{schemes_csv}') s
                JOIN read_csv('{ledger_csv}', types={{'amount': 'VARCHAR'}}) l
                  ON l.id = s.transaction_id
                GROUP BY s.scheme_id)
            GROUP BY from_account ORDER BY from_account
            """
        ).fetchall()
    ][:count]
    payers = [
        row[0]
        for row in con.sql(
            f"SELECT DISTINCT from_account FROM read_csv('{ledger_csv}', "
            "types={'amount': 'VARCHAR'}) ORDER BY 1"
        ).fetchall()
    ]
    rng = np.random.default_rng(seed)
    chosen = set(origins)
    extra = [payers[i] for i in rng.permutation(len(payers)) if payers[i] not in chosen]
    return origins + extra[: count - len(origins)], len(origins)


def scan_floor(ledger_csv: Path) -> float:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    started = time.perf_counter()
    con.sql(
        f"""
        SELECT count(*), sum(amount), max(timestamp), max(from_account), max(to_account),
               max(currency)
        FROM read_csv('{ledger_csv}', header = true, auto_detect = false,
            columns = {{'id': 'VARCHAR', 'timestamp': 'TIMESTAMPTZ', 'from_account': 'VARCHAR',
                'to_account': 'VARCHAR', 'amount': 'DECIMAL(20,2)', 'currency': 'VARCHAR',
                'channel': 'VARCHAR', 'from_country': 'VARCHAR', 'to_country': 'VARCHAR',
                'memo': 'VARCHAR'}})
        """
    ).fetchall()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=["small", "medium", "large"])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=1_000_000)
    parser.add_argument("--rules", nargs="+", default=[r.value for r in Rule])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--detail",
        action="store_true",
        help="keep every transfer's traced money by source (spilled to disk when large)",
    )
    parser.add_argument(
        "--json", action="store_true", help="also time writing each rule's JSON contract"
    )
    args = parser.parse_args()
    if args.json and not args.detail:
        parser.error("--json writes the per-transfer detail: give --detail too")

    world = ensure_world(WORLDS / args.size, size=args.size)
    ledger_csv = world / "ledger" / "transactions.csv"
    OUT.mkdir(parents=True, exist_ok=True)
    rates = OUT / f"rates-{args.size}.csv"
    write_rates(world, rates)
    sources, planted = pick_sources(
        ledger_csv, world / "truth" / "schemes.csv", args.sources, args.seed
    )
    results: dict = {
        "size": args.size,
        "sources": len(sources),
        "scheme_origins": planted,
        "detail": args.detail,
    }

    results["floor_s"] = round(scan_floor(ledger_csv), 2)
    print(f"floor: DuckDB scans the ledger in {results['floor_s']} s", flush=True)

    started = time.perf_counter()
    ledger = read_ledger_file(ledger_csv, rates=rates)
    results["prepare_s"] = round(time.perf_counter() - started, 2)
    results["transactions"] = ledger.size
    results["accounts"] = len(ledger.accounts)
    print(
        f"prepare: {ledger.size:,} transactions, {len(ledger.accounts):,} accounts in "
        f"{results['prepare_s']} s (peak {peak_gb():.2f} GB)",
        flush=True,
    )
    # Compile outside the timings (Numba caches the machine code on disk after this).
    run_trace(ledger, Rule.LIBR, source_accounts=sources[:1])

    results["rules"] = {}
    for name in args.rules:
        rule = Rule(name)
        started = time.perf_counter()
        result = run_trace(
            ledger, rule, source_accounts=sources, detail=args.detail, schedule=False
        )
        kernel_s = time.perf_counter() - started
        report_s = 0.0
        json_bytes = 0
        if args.json:
            started = time.perf_counter()
            target = OUT / f"trace-{args.size}-{name}.json"
            with target.open("w", encoding="utf-8") as handle:
                write_contract(result, handle)
            report_s = time.perf_counter() - started
            json_bytes = target.stat().st_size
            target.unlink()
        injected = int(result.injected.sum())
        held = int(result.held().sum())
        total_s = results["prepare_s"] + kernel_s
        figures = {
            "trace_s": round(kernel_s, 2),
            "total_s": round(total_s, 2),
            "x_floor": round(total_s / results["floor_s"], 1),
            "json_s": round(report_s, 2),
            "json_mb": round(json_bytes / 1e6, 1),
            "accounts_touched": len(touched_accounts(result)),
            "transfers_touched": int((result.carried > 0).sum()),
            "spilled": result.transfers.spilled,
            "account_origin_rows": result.holdings.size,
            "transfer_origin_rows": result.transfers.rows,
            "gaps": len(result.gap_rows[0]),
            "conserved": injected == held,
            "peak_gb": round(peak_gb(), 2),
        }
        results["rules"][name] = figures
        print(f"{name}: {json.dumps(figures)}", flush=True)
        result.transfers.close()
        del result

    # The anchor: plain Python on a sample, and exact agreement with the kernel on it.
    n = min(args.sample, ledger.size)
    names = ledger.accounts
    rows = list(
        zip(
            ledger.ids[:n].to_pylist(),
            names.take(pa.array(ledger.src[:n])).to_pylist(),
            names.take(pa.array(ledger.dst[:n])).to_pylist(),
            ledger.cents[:n].tolist(),
            strict=True,
        )
    )
    sample = replace(
        ledger,
        ids=ledger.ids[:n],
        timestamps=ledger.timestamps[:n],
        src=ledger.src[:n],
        dst=ledger.dst[:n],
        cents=ledger.cents[:n],
    )
    for name in args.rules:
        started = time.perf_counter()
        expected = reference_trace(rows, name, sources)
        python_s = time.perf_counter() - started
        started = time.perf_counter()
        fast = run_trace(sample, Rule(name), source_accounts=sources, detail=False, schedule=False)
        kernel_s = time.perf_counter() - started
        got = {}
        for a, o, c in zip(*(x.tolist() for x in fast.account_rows), strict=True):
            got.setdefault(names[a].as_py(), {})[o] = c
        figures = results["rules"][name]
        figures["python_sample_s"] = round(python_s, 2)
        figures["nohaven_sample_s"] = round(kernel_s, 2)
        figures["speedup_on_sample"] = round(python_s / kernel_s, 1)
        figures["python_extrapolated_s"] = round(python_s * ledger.size / n, 1)
        figures["speedup_vs_python"] = round(
            figures["python_extrapolated_s"] / figures["total_s"], 1
        )
        figures["agrees_with_reference_on_sample"] = got == expected.traced
        print(
            f"{name} anchor: {python_s:.2f} s for {n:,} transactions "
            f"(nohaven {kernel_s:.2f} s); "
            f"agrees: {got == expected.traced}",
            flush=True,
        )

    results["peak_gb"] = round(peak_gb(), 2)
    suffix = "-detail" if args.detail else ""
    (OUT / f"results-{args.size}{suffix}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
