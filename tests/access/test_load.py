"""A bounded load test on loopback: many clients at once, screening queries and
judgements mixed, for a few seconds. The server keeps answering (every request gets
an answer: 200, 201 or 429), and every judgement acknowledged is stored."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from nohaven.access import add_user
from nohaven.store import Store
from nohaven.web.spawn import start

CLIENTS = 24
SECONDS = 6.0


def test_the_server_keeps_answering_and_loses_no_writes(resolved_world, tmp_path: Path) -> None:
    db = tmp_path / "load.duckdb"
    shutil.copy(resolved_world[1], db)
    with Store(db) as store:
        _, token = add_user(store, "loader", "test-agency", "admin")
    server, base = start(db)
    auth = {"Authorization": f"Bearer {token}", "content-type": "application/json"}
    try:
        request = urllib.request.Request(f"{base}/api/review?limit=1000", headers=auth)
        with urllib.request.urlopen(request, timeout=60) as response:
            pairs = json.loads(response.read())
        statuses: Counter[int] = Counter()
        failures: list[str] = []
        acknowledged: list[tuple[str, str]] = []
        lock = threading.Lock()
        deadline = time.monotonic() + SECONDS
        query = json.dumps(
            {"queries": {"q": {"schema": "Person", "properties": {"name": ["Cheung Kin Sin"]}}}}
        ).encode()

        def client(k: int) -> None:
            n = 0
            while time.monotonic() < deadline:
                n += 1
                if k % 4 == 0 and pairs:  # a quarter of the clients write judgements
                    pair = pairs[(k * 1000 + n) % len(pairs)]
                    body = json.dumps(
                        {
                            "left_id": pair["left_id"],
                            "right_id": pair["right_id"],
                            "judgement": "unsure",
                            "author": "load",
                        }
                    ).encode()
                    url, data = f"{base}/api/judgements", body
                else:
                    url, data = f"{base}/match/default", query
                try:
                    sent = urllib.request.Request(url, data=data, headers=auth)
                    with urllib.request.urlopen(sent, timeout=30) as response:
                        code = response.status
                except urllib.error.HTTPError as exc:
                    code = exc.code
                except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                    with lock:
                        failures.append(repr(exc))
                    continue
                with lock:
                    statuses[code] += 1
                    if code == 201:
                        acknowledged.append((pair["left_id"], pair["right_id"]))

        threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr is not None:
            server.stderr.close()
    answered = sum(statuses.values())
    print(f"load: {answered} answers in {SECONDS} s ({answered / SECONDS:.0f}/s): {dict(statuses)}")
    assert not failures, failures[:3]
    assert set(statuses) <= {200, 201, 429}, statuses
    assert statuses[200] > 0 and statuses[201] > 0
    with Store(db, read_only=True) as store:
        stored = set(
            store.fetchall("SELECT left_id, right_id FROM judgements WHERE author = 'loader'")
        )
    assert set(acknowledged) <= stored
