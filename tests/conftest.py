"""Shared fixtures: tiny named datasets, a fresh store, and the CLI run in-process."""

from __future__ import annotations

import csv
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from nohaven.ingest import load_paths
from nohaven.resolve.pipeline import ResolveSummary, resolve
from nohaven.scenario import generate
from nohaven.store import Store

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Server:
    """A `nohaven serve` process on a free loopback port."""

    url: str
    process: subprocess.Popen[str]


@pytest.fixture
def serve() -> Iterator[Callable[[Path], Server]]:
    """Start the real server on a database; it answers /healthz before this returns."""
    import httpx2 as httpx

    started: list[Server] = []

    def start(db: Path) -> Server:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        process = subprocess.Popen(
            [sys.executable, "-m", "nohaven.cli", "serve", "--port", str(port), "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        server = Server(f"http://127.0.0.1:{port}", process)
        started.append(server)
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{server.url}/healthz", timeout=1)
                return server
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)

    yield start
    for server in started:
        server.process.terminate()
        server.process.wait(timeout=30)
        if server.process.stdout:
            server.process.stdout.close()


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A private copy of the tiny dataset (tests may corrupt it)."""
    target = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", target)
    return target


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as opened:
        yield opened


@pytest.fixture
def values() -> Callable[[Store, str], dict[str, list[str]]]:
    """An entity's loaded values, property by property, as a test wants to compare them."""

    def read(store: Store, entity_id: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for prop, value in store.fetchall(
            "SELECT prop, value FROM statements WHERE entity_id = ? ORDER BY prop, value",
            [entity_id],
        ):
            out.setdefault(prop, []).append(value)
        return out

    return read


@pytest.fixture
def mapped_csv(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write people.csv and its people.mapping.yml; returns the CSV's path."""

    def write(rows: str, mapping: str) -> Path:
        (tmp_path / "people.mapping.yml").write_text(mapping, encoding="utf-8")
        path = tmp_path / "people.csv"
        path.write_text(rows, encoding="utf-8")
        return path

    return write


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """Run `nohaven ARGS` through the real entry point, returning exit code and output."""
    from nohaven.cli import main

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["nohaven", *map(str, args)])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


# -- the small world, loaded and resolved once per session (tests/resolve, tests/web)


@pytest.fixture(scope="session")
def resolved_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, ResolveSummary]:
    """(world directory, resolved database, summary of the run)."""
    root = tmp_path_factory.mktemp("resolve")
    world = root / "world"
    generate(world, seed=7, size="small")
    db = root / "resolved.duckdb"
    with Store(db) as store:
        load_paths(store, [world])
        summary = resolve(store)
    return world, db, summary


@pytest.fixture
def resolved_copy(resolved_world: tuple[Path, Path, ResolveSummary], tmp_path: Path) -> Path:
    """A private copy of the resolved database."""
    target = tmp_path / "copy.duckdb"
    shutil.copy(resolved_world[1], target)
    return target


@pytest.fixture(scope="session")
def truth(resolved_world: tuple[Path, Path, ResolveSummary]) -> dict[str, str]:
    with (resolved_world[0] / "truth" / "identities.csv").open(encoding="utf-8") as handle:
        return {row["entity_id"]: row["true_id"] for row in csv.DictReader(handle)}
