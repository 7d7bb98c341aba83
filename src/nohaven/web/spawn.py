"""`nohaven serve` in a child process on a free loopback port, for the browser tests
and the UI and load benchmarks: started, waited for, and stopped."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def start(
    db: Path, *, rates: Path | None = None, timeout: float = 300
) -> tuple[subprocess.Popen, str]:
    """Start serving ``db``; returns the process and its base URL once /healthz answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "nohaven.cli", "serve", "--port", str(port), "--db", str(db)]
    if rates is not None:
        command += ["--rates", str(rates)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return server, base
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                message = server.stderr.read().decode() if server.stderr else ""
                if server.stderr is not None:
                    server.stderr.close()
                raise RuntimeError(f"the server did not start: {message}") from None
            time.sleep(0.3)


@contextmanager
def served(db: Path, *, rates: Path | None = None, timeout: float = 300) -> Iterator[str]:
    """Serve ``db``; yields the base URL once /healthz answers, stops it after."""
    server, base = start(db, rates=rates, timeout=timeout)
    try:
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr is not None:
            server.stderr.close()
