"""The real server: `nohaven serve` answers over HTTP on the port it was given."""

from pathlib import Path

import httpx2 as httpx

from nohaven.ingest import load_paths
from nohaven.store import Store


def test_serve_answers_over_http(db_path: Path, tiny: Path, serve) -> None:
    with Store(db_path) as store:
        load_paths(store, [tiny / "persons.ftm.json"])
    server = serve(db_path)
    ready = httpx.get(f"{server.url}/readyz", timeout=5)
    assert ready.status_code == 200
    status = httpx.get(f"{server.url}/api/status", timeout=5).json()
    assert status["datasets"]["persons"]["entities"] == 4
    server.process.terminate()
    server.process.wait(timeout=10)
    assert server.process.stdout is not None
    assert server.url in server.process.stdout.read()
