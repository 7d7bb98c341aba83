"""kill -9 in the middle of judgements and of a load, then a restart: the store opens
and everything that was acknowledged is there."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from nohaven.store import Store
from nohaven.web.spawn import start


def test_acknowledged_judgements_survive_kill_9(resolved_world, tmp_path: Path) -> None:
    db = tmp_path / "crash.duckdb"
    shutil.copy(resolved_world[1], db)
    server, base = start(db)
    with urllib.request.urlopen(f"{base}/api/review?limit=400", timeout=60) as response:
        pairs = json.loads(response.read())
    assert len(pairs) >= 20
    acknowledged: list[tuple[str, str]] = []
    stop = threading.Event()

    def judge() -> None:
        for pair in pairs:
            if stop.is_set():
                return
            body = json.dumps(
                {
                    "left_id": pair["left_id"],
                    "right_id": pair["right_id"],
                    "judgement": "unsure",
                    "author": "crash-test",
                }
            ).encode()
            request = urllib.request.Request(
                f"{base}/api/judgements", data=body, headers={"content-type": "application/json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    if response.status == 201:
                        acknowledged.append((pair["left_id"], pair["right_id"]))
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return

    writer = threading.Thread(target=judge)
    writer.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    if server.stderr is not None:
        server.stderr.close()
    stop.set()
    writer.join()
    assert len(acknowledged) >= 10
    with Store(db, read_only=True) as store:
        kept = set(
            store.fetchall("SELECT left_id, right_id FROM judgements WHERE author = 'crash-test'")
        )
    assert set(acknowledged) <= kept


def test_a_load_killed_midway_leaves_the_store_as_it_was(resolved_world, tmp_path: Path) -> None:
    db = tmp_path / "load.duckdb"
    world = resolved_world[0]
    command = [sys.executable, "-m", "nohaven.cli", "load", str(world), "--db", str(db)]
    first = [*command[:4], str(world / "registry"), "--db", str(db)]
    subprocess.run(first, check=True, capture_output=True)
    with Store(db, read_only=True) as store:
        before = store.fetchone("SELECT count(*) FROM statements")[0]
        sources = store.fetchone("SELECT count(*) FROM sources")[0]
    loading = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    loading.kill()
    loading.wait()
    with Store(db, read_only=True) as store:
        after_sources = store.fetchone("SELECT count(*) FROM sources")[0]
        statements = store.fetchone("SELECT count(*) FROM statements")[0]
        ledger = store.fetchone("SELECT count(*) FROM ledger")[0]
    # All or nothing: either the load committed whole, or the store is as it was.
    if after_sources == sources:
        assert statements == before and ledger == 0
    else:
        assert statements > before
    finished = subprocess.run(command, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    with Store(db, read_only=True) as store:
        assert store.fetchone("SELECT count(*) FROM ledger")[0] > 0
