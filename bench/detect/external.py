"""Laundering detection against an external generator's labelled patterns: AMLGentex.

    .venv/bin/python bench/detect/external.py [--generator-dir /work/amlgen/AMLGentex]
        [--generator-python /work/amlgen/venv/bin/python] [--out bench/detect/out/external]
        [--patterns 30] [--seed 0] [--regenerate]

The world of bench/detect/run.py is ours, so its schemes have the shapes our detectors
were written for. This bench instead plants them with AMLGentex (AI Sweden, the pure
Python successor of IBM's AMLSim, https://github.com/aidotse/AMLGentex), which nobody on
the project wrote, and scores `nohaven detect` with run.py's own ``score`` (a scheme is
found when one alert of its typology covers at least half of its transactions; an alert
is correct when at least half of its transactions belong to one planted scheme).

Setup, outside the repository (none of the generator's code or data is committed; the
generator is fetched and run, never vendored):

    git clone https://github.com/aidotse/AMLGentex /work/amlgen/AMLGentex
    git -C /work/amlgen/AMLGentex checkout 4b9a69dbd2edcf02fcec8eb3efe54937b6d77f1f
    python3 -m venv /work/amlgen/venv
    /work/amlgen/venv/bin/pip install networkx==3.4.2 numpy==2.1.0 scipy==1.14.0 \\
        pandas==2.2.2 'pyarrow>=18' pyyaml tqdm==4.66.5 scikit-learn==1.5.1

(That commit is the one benchmarked, of 2026-02-22. A snapshot exported with
``git archive`` instead of a clone works too; write its commit into a file COMMIT at its
top so the results name it.) Only the generator's data_creation pipeline runs, whose
needs are above; AMLGentex's package also imports torch and torch_geometric at the top of
src/utils for its ML half, so the launcher this script writes puts empty stand-ins for
those two modules in sys.modules instead of installing them.

What the script does, when OUT/amlgentex/temporal/tx_log.parquet is missing (or with
--regenerate): lays out an AMLGentex experiment in OUT/amlgentex/config from the
generator's own experiments/template_experiment (10,000 accounts in one bank, 30,000
normal patterns, 100 steps, its amount, duration and burstiness parameters unchanged),
with our alertPatterns.csv: ``--patterns`` laundering patterns of each of the seven
typologies of the template (fan_out, fan_in, cycle, bipartite, stack, scatter_gather,
gather_scatter; sizes as in the template). Its eighth, random, is left out: at that
commit its graph step can draw a member as its own payee and stops on "Self loop ... is
not allowed". Then it runs scripts/generate.py (spatial graph, then temporal
simulation) in a subprocess with the generator's Python: about 5 minutes on 2 cores for
some 656,000 transactions (seed 0), of which 210 schemes and 2,329 transactions planted.

Conversion to nohaven's files, in OUT:

- ledger.csv (id,timestamp,from_account,to_account,amount,currency,channel,memo): one row
  per tx_log row but the opening balances (INITALBALANCE, not transfers). A step is a
  day from the generator's base_date (2023-01-01; its salaries come every 28 steps); the
  rows of one step get times spread from 08:00 to 20:00 in the log's order, so order
  within a day is the simulator's. Amounts are the simulator's unitless ones (its
  template is Swedish) rounded to cents and written as USD; rows rounding to zero are
  dropped. Transfers between accounts are 'wire'; income comes by 'wire' from
  ext-source; spending goes to ext-sink by 'card', or 'cash_withdrawal' when the
  simulator spent cash.
- ACCOUNTS.csv (account,holder,bank,country,kind): every simulated account a person
  (holder its customer id, country SE); ext-source and ext-sink, the simulator's world
  outside (its accounts -2 and -1), are of kind bank, so that no detector takes the
  payer of every salary or the payee of all spending for a hub or a relay.
- truth.csv (scheme_id,typology,transaction_id): the rows flagged isSAR, a scheme per
  patternID. AMLGentex's typology names are nohaven's where both have the typology;
  bipartite keeps its own (nothing detects it, so its recall is 0 by construction
  and it shows only how many schemes are there).

Results (per typology: run.py's schemes, found, alerts, correct, recall, precision and
whatever else its ``score`` gives, plus largest_alert, the transactions of the
typology's largest alert, since one alert covering much of the ledger "finds" every
scheme of its typology under the half-coverage rule; the detect time including loading
the CSV; transactions; truth counts) are printed and written to OUT/results.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import duckdb

from nohaven.detect import DETECTORS, DetectRequest, detect

sys.path.insert(0, str(Path(__file__).parent))
from run import score

GENERATOR_DIR = Path("/work/amlgen/AMLGentex")
GENERATOR_PYTHON = Path("/work/amlgen/venv/bin/python")
OUT = Path(__file__).parent / "out" / "external"
TEMPLATE = Path("experiments/template_experiment/config")
COPIED = ("accounts.csv", "normalModels.csv", "transactionType.csv", "demographics.csv")
BASE_DATE = "2023-01-01"

# AMLGentex typology ids in tx_log.parquet's modelType (src/utils/pattern_types.py) and
# the names the truth gets: nohaven's where it has the typology, else the generator's.
TYPOLOGY = {
    1: "fan_out",
    2: "fan_in",
    3: "cycle",
    4: "bipartite",
    5: "stack",
    6: "random",
    7: "scatter_gather",
    8: "gather_scatter",
}
# type, min_accounts, max_accounts, source_type: the template's (it has no random, whose
# graph step fails on self loops at the benchmarked commit).
PATTERNS = (
    ("fan_out", 3, 15, "TRANSFER"),
    ("fan_in", 3, 15, "TRANSFER"),
    ("cycle", 3, 10, "TRANSFER"),
    ("bipartite", 4, 15, "TRANSFER"),
    ("stack", 3, 15, "TRANSFER"),
    ("scatter_gather", 3, 15, "CASH"),
    ("gather_scatter", 3, 15, "CASH"),
)

# Run with the generator's Python: the template's data.yaml with our name and seed, and
# empty stand-ins for the ML half's torch imports, then the generator's own CLI.
LAUNCHER = """\
import runpy, sys, types
import yaml

generator, experiment, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(f"{generator}/experiments/template_experiment/config/data.yaml") as handle:
    config = yaml.safe_load(handle)
config["general"]["simulation_name"] = "nohaven_external"
config["general"]["random_seed"] = seed
conf_file = f"{experiment}/config/data.yaml"
with open(conf_file, "w") as handle:
    yaml.safe_dump(config, handle, sort_keys=False)
for name in ("torch", "torch_geometric", "torch_geometric.transforms"):
    sys.modules[name] = types.ModuleType(name)
sys.path.insert(0, generator)
sys.argv = [f"{generator}/scripts/generate.py", "--conf_file", conf_file]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def generator_commit(generator: Path) -> str:
    marker = generator / "COMMIT"
    if marker.exists():
        return marker.read_text().strip()
    try:
        return subprocess.run(
            ["git", "-C", str(generator), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def generate(generator: Path, python: Path, experiment: Path, patterns: int, seed: int) -> float:
    """Lay out the experiment and run AMLGentex on it; returns its wall time."""
    if not (generator / "scripts" / "generate.py").exists():
        sys.exit(f"no AMLGentex at {generator}: see this script's docstring for the setup")
    if not python.exists():
        sys.exit(f"no Python at {python} for the generator: see the docstring")
    shutil.rmtree(experiment, ignore_errors=True)
    config = experiment / "config"
    config.mkdir(parents=True)
    for name in COPIED:
        shutil.copy(generator / TEMPLATE / name, config / name)
    with (config / "alertPatterns.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["count", "type", "min_accounts", "max_accounts", "bank_id", "is_sar", "source_type"]
        )
        for typology, low, high, source in PATTERNS:
            writer.writerow([patterns, typology, low, high, "", "true", source])
    launcher = experiment / "launch.py"
    launcher.write_text(LAUNCHER)
    started = time.perf_counter()
    subprocess.run(
        [str(python), str(launcher), str(generator), str(experiment), str(seed)],
        cwd=generator,
        check=True,
    )
    return time.perf_counter() - started


def convert(experiment: Path, out: Path) -> dict:
    """ledger.csv, ACCOUNTS.csv and truth.csv in ``out`` from the generator's output."""
    log = experiment / "temporal" / "tx_log.parquet"
    con = duckdb.connect()
    con.execute(
        f"""
        CREATE TABLE tx AS
        SELECT *, row_number() OVER (PARTITION BY step ORDER BY rn) - 1 AS k,
               count(*) OVER (PARTITION BY step) AS n
        FROM (SELECT *, file_row_number AS rn
              FROM read_parquet('{log}', file_row_number = true)
              WHERE type <> 'INITALBALANCE')
        """
    )
    con.execute(
        f"""
        CREATE TABLE ledger AS
        SELECT 't' || rn AS id,
               strftime(TIMESTAMP '{BASE_DATE}' + to_days(step::INTEGER)
                        + to_seconds((28800 + (k * 43200) // n)::BIGINT),
                        '%Y-%m-%dT%H:%M:%S') AS timestamp,
               CASE WHEN nameOrig = -2 THEN 'ext-source' WHEN nameOrig = -1 THEN 'ext-sink'
                    ELSE 'a' || nameOrig END AS from_account,
               CASE WHEN nameDest = -2 THEN 'ext-source' WHEN nameDest = -1 THEN 'ext-sink'
                    ELSE 'a' || nameDest END AS to_account,
               round(amount, 2)::DECIMAL(20, 2) AS amount,
               'USD' AS currency,
               CASE WHEN nameDest = -1 AND type = 'CASH' THEN 'cash_withdrawal'
                    WHEN nameDest = -1 THEN 'card'
                    ELSE 'wire' END AS channel,
               '' AS memo,
               isSAR, patternID, modelType, step, rn
        FROM tx WHERE round(amount, 2) > 0
        """
    )
    (dropped,) = con.execute("SELECT count(*) FROM tx WHERE round(amount, 2) <= 0").fetchall()[0]
    con.execute(
        f"""COPY (SELECT id, timestamp, from_account, to_account, amount, currency, channel,
                         memo FROM ledger ORDER BY step, rn)
            TO '{out / "ledger.csv"}' (HEADER)"""
    )
    con.execute(
        f"""COPY (
            SELECT 'a' || ACCOUNT_ID AS account, CUSTOMER_ID AS holder, BANK_ID AS bank,
                   'SE' AS country, 'person' AS kind
            FROM read_csv('{experiment / "spatial" / "accounts.csv"}', header = true)
            UNION ALL SELECT 'ext-source', 'external source', 'external', NULL, 'bank'
            UNION ALL SELECT 'ext-sink', 'external sink', 'external', NULL, 'bank'
            ORDER BY 1) TO '{out / "ACCOUNTS.csv"}' (HEADER)"""
    )
    names = ", ".join(f"({k}, '{v}')" for k, v in TYPOLOGY.items())
    con.execute(
        f"""COPY (
            SELECT 'p' || patternID AS scheme_id, coalesce(t.name, 'type' || modelType)
                       AS typology, id AS transaction_id
            FROM ledger LEFT JOIN (VALUES {names}) t(model, name) ON t.model = modelType
            WHERE isSAR = 1 ORDER BY patternID, step, rn) TO '{out / "truth.csv"}' (HEADER)"""
    )
    transactions, days = con.execute(
        "SELECT count(*), count(DISTINCT step) FROM ledger"
    ).fetchall()[0]
    channels = dict(con.execute("SELECT channel, count(*) FROM ledger GROUP BY 1").fetchall())
    con.close()
    return {
        "transactions": transactions,
        "days": days,
        "dropped_zero": dropped,
        "channels": channels,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generator-dir", type=Path, default=GENERATOR_DIR)
    parser.add_argument("--generator-python", type=Path, default=GENERATOR_PYTHON)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--patterns", type=int, default=30, help="patterns per typology")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    out = args.out.resolve()
    experiment = out / "amlgentex"
    out.mkdir(parents=True, exist_ok=True)
    meta_file = out / "generation.json"
    if args.regenerate or not (experiment / "temporal" / "tx_log.parquet").exists():
        seconds = generate(
            args.generator_dir.resolve(),
            args.generator_python,
            experiment,
            args.patterns,
            args.seed,
        )
        meta_file.write_text(
            json.dumps(
                {
                    "generator": "aidotse/AMLGentex",
                    "commit": generator_commit(args.generator_dir),
                    "patterns_per_typology": args.patterns,
                    "seed": args.seed,
                    "seconds": round(seconds, 1),
                },
                indent=2,
            )
        )
        (out / "ledger.csv").unlink(missing_ok=True)
    meta = json.loads(meta_file.read_text()) if meta_file.exists() else {}
    if not (out / "ledger.csv").exists() or not (out / "truth.csv").exists():
        meta["dataset"] = convert(experiment, out)
        meta_file.write_text(json.dumps(meta, indent=2))
    schemes: dict[str, tuple[str, set[str]]] = {}
    txs_of: dict[str, set[str]] = defaultdict(set)
    with (out / "truth.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            txs_of[row["scheme_id"]].add(row["transaction_id"])
            schemes[row["scheme_id"]] = (row["typology"], txs_of[row["scheme_id"]])
    started = time.perf_counter()
    alerts = detect(DetectRequest(ledger=out / "ledger.csv", accounts=out / "ACCOUNTS.csv"))
    seconds = time.perf_counter() - started
    results = {
        "generator": {k: v for k, v in meta.items() if k != "dataset"},
        "transactions": meta.get("dataset", {}).get("transactions"),
        "dataset": meta.get("dataset"),
        "truth": {
            typology: {
                "schemes": n,
                "transactions": sum(len(txs) for t, txs in schemes.values() if t == typology),
            }
            for typology, n in sorted(Counter(t for t, _ in schemes.values()).items())
        },
        "detectors": list(DETECTORS),
        "seconds": round(seconds, 2),
        "alerts": len(alerts),
        "typologies": score(alerts, schemes),
    }
    # The half-coverage rule does not weigh an alert's size: one alert holding much of
    # the ledger finds every scheme of its typology. Its size shows when that happened.
    for typology, row in results["typologies"].items():
        sizes = [len(a.transactions) for a in alerts if a.typology == typology]
        row["largest_alert"] = max(sizes, default=0)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
