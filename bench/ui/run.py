"""Page times of the investigator's UI on the medium world (target: every page within
a second).

    .venv/bin/python bench/ui/run.py [--size medium] [--repeat 5]

Serves a copy of bench/resolve's loaded and resolved store (generated and loaded when
missing) with a detection run and a case kept, then asks for every page as a browser
would, each `--repeat` times after one warm-up, and reports the median and the worst.
The server is started with the world's rates, so it prepares the ledger for tracing
while it starts (the first trace is reported apart).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from nohaven import cases
from nohaven.demo import _write_rates
from nohaven.detect import DetectRequest, detect, save_alerts
from nohaven.ingest import load_paths
from nohaven.names.forms import name_forms
from nohaven.resolve.pipeline import resolve
from nohaven.scenario import ensure_world
from nohaven.scenario.truth import embezzlement_case
from nohaven.store import Store
from nohaven.web.spawn import served

WORLDS = Path(__file__).parents[1] / "resolve" / "out"
OUT = Path(__file__).parent / "out"


def timed(url: str, data: bytes | None = None, headers: dict | None = None) -> float:
    started = time.perf_counter()
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
        assert response.status == 200, url
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="medium", choices=["small", "medium", "large"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    world = ensure_world(WORLDS / args.size, size=args.size)
    source = WORLDS / f"{args.size}.duckdb"
    if not source.exists():
        with Store(source, memory_limit="4GB") as store:
            load_paths(store, [world])
            resolve(store)
    folder = Path(tempfile.mkdtemp(prefix="nohaven-ui-bench-"))
    db = folder / "ui.duckdb"
    shutil.copy(source, db)
    official, transfers = embezzlement_case(world)
    first_tx = transfers[0]
    with Store(db, memory_limit="4GB") as store:
        save_alerts(store, detect(DetectRequest(), store), ("all",))
        case_id = cases.open_case(store, "bench", [official], "bench")
        han = store.fetchone(
            "SELECT value FROM statements WHERE entity_id = ? AND prop = 'name'", [official]
        )[0]
        account = store.fetchone("SELECT from_account FROM ledger WHERE id = ?", [first_tx])[0]
        application = store.fetchone(
            "SELECT declaration_id FROM declarations WHERE kind = 'passport_application' LIMIT 1"
        )
    rates = _write_rates(world, folder / "rates.csv")
    try:
        with served(db, rates=rates) as base:
            cantonese = next(f for s, f in name_forms(han) if s == "hk_cantonese")
            timed(f"{base}/search?q=warm")  # the screening index is built at start-up
            pages = {
                "status": "/",
                "search": "/search?" + urllib.parse.urlencode({"q": cantonese}),
                "entity": f"/entity/{official}",
                "network page": f"/entity/{official}/network",
                "network data": f"/api/network/{official}",
                "alerts": "/alerts",
                "declaration findings": "/findings",
                "review": "/review",
                "passport": "/passport" + (f"?application={application[0]}" if application else ""),
                "cases": "/cases",
                "case": f"/cases/{case_id}",
            }
            with urllib.request.urlopen(f"{base}/trace", timeout=60) as response:
                cookie = response.headers["set-cookie"].split(";", 1)[0]
            form = urllib.parse.urlencode(
                {"sources": account, "rates": rates.read_text(encoding="utf-8")}
            ).encode()
            csrf = {"Cookie": cookie, "X-CSRF-Token": cookie.split("=", 1)[1]}
            results: dict = {"size": args.size, "repeat": args.repeat, "pages": {}}
            for name, path in pages.items():
                timed(base + path)
                times = [timed(base + path) for _ in range(args.repeat)]
                results["pages"][name] = {
                    "median": round(statistics.median(times), 3),
                    "worst": round(max(times), 3),
                }
            # The server prepared the ledger with its rates while it started: by now the
            # first trace costs what the next ones do.
            results["first trace"] = round(timed(f"{base}/trace/run", form, csrf), 3)
            times = [timed(f"{base}/trace/run", form, csrf) for _ in range(args.repeat)]
            results["pages"]["trace, three rules"] = {
                "median": round(statistics.median(times), 3),
                "worst": round(max(times), 3),
            }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"results-{args.size}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
