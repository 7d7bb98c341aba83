"""The real server: `nohaven serve` answers over HTTP on the port it was given."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx

from nohaven.ingest import load_paths
from nohaven.store import Store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_over_http(db_path: Path, tiny: Path) -> None:
    with Store(db_path) as store:
        load_paths(store, [tiny / "persons.ftm.json"])
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "nohaven.cli", "serve", "--port", str(port), "--db", str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert ready.status_code == 200
        status = httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=5).json()
        assert status["datasets"]["persons"]["entities"] == 4
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            output = proc.stdout.read()
            proc.stdout.close()
            assert f"http://127.0.0.1:{port}" in output
