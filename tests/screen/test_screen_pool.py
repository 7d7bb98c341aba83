"""Match workers: forked processes answer exactly as the server's own process does, and
a worker that dies loses no request."""

from __future__ import annotations

import asyncio
import os
import pickle
import signal
import socket
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nohaven.ingest import load_paths
from nohaven.screen import service as service_module
from nohaven.screen.index import ScreeningIndex, build_index
from nohaven.screen.match import MatchOptions, match_batch
from nohaven.screen.pool import SMALL_BATCH, MatchPool, WorkerLost
from nohaven.screen.query import ScreeningQuery, parse_query
from nohaven.screen.service import ScreeningService
from nohaven.settings import Settings
from nohaven.store import Store
from nohaven.web import create_app

OPTIONS = [
    MatchOptions(),
    MatchOptions(limit=2, threshold=0.5, include_datasets=frozenset({"foreign"})),
    MatchOptions(topics=frozenset({"role.pep"}), weigh_namesakes=False),
    MatchOptions(exclude_ids=frozenset({"w-official"}), visible=frozenset({"wanted"})),
]


def _queries() -> dict[str, ScreeningQuery]:
    examples = {
        "hk": {"schema": "Person", "properties": {"name": ["Hui Chiu Fan"]}},
        "dated": {
            "schema": "Person",
            "properties": {"name": ["Xu Chaofan"], "birthDate": ["1953-02-15"]},
        },
        "spouse": {"schema": "Person", "properties": {"name": ["Kwong Yuen Fong"]}},
        "company": {"schema": "Company", "properties": {"name": ["Kwong Fat Trading Ltd"]}},
        "nobody": {"schema": "Person", "properties": {"name": ["Jonas Lindqvist"]}},
    }
    return {key: parse_query(example, key) for key, example in examples.items()}


@pytest.fixture
def index(loaded_store, screening_entities) -> ScreeningIndex:
    db = loaded_store("pool", screening_entities)
    with Store(db, read_only=True) as store:
        return build_index(store)


async def _until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def test_workers_answer_every_batch_as_the_server_process_would(index: ScreeningIndex) -> None:
    queries = _queries()
    expected = [match_batch(index, queries, options) for options in OPTIONS]
    assert expected[0]["hk"][0][0]["id"] == "w-official"  # the fixture matches something

    async def run() -> list:
        pool = MatchPool(index, 2)
        try:
            assert pool.size == 2 and len(set(pool.pids)) == 2
            # More batches at once than the workers hold: the rest wait their turn.
            answers = await asyncio.gather(*(pool.match(queries, o) for o in OPTIONS * 6))
            assert pool.answered == len(OPTIONS) * 6
            return answers
        finally:
            pool.close()
            assert pool.size == 0
            # Each worker read the end of its pipe and left (it was not terminated).
            assert [w.process.exitcode for w in pool._workers] == [0, 0]

    assert asyncio.run(run()) == expected * 6


def test_a_dead_worker_fails_only_its_batches_and_the_others_go_on(
    index: ScreeningIndex,
) -> None:
    queries = _queries()
    expected = match_batch(index, queries, OPTIONS[0])

    async def run() -> None:
        pool = MatchPool(index, 2)
        try:
            assert await pool.match(queries, OPTIONS[0]) == expected
            first, second = pool.pids
            os.kill(first, signal.SIGKILL)
            await _until(lambda: pool.size == 1)
            for _ in range(4):
                assert await pool.match(queries, OPTIONS[0]) == expected
            os.kill(second, signal.SIGKILL)
            with pytest.raises(WorkerLost):
                await pool.match(queries, OPTIONS[0])
            assert pool.size == 0
        finally:
            pool.close()

    asyncio.run(run())


def test_the_service_answers_in_process_until_it_forks_new_workers(
    screening_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "CHECK_EVERY", 0.0)
    monkeypatch.setattr(service_module, "REFORK_EVERY", 0.0)
    queries = _queries()

    async def run(service: ScreeningService) -> None:
        index = service.index()
        expected = match_batch(index, queries, OPTIONS[0])
        assert service.status()["match_workers"] == 2
        before = set(service._pool.pids)
        for pid in before:
            os.kill(pid, signal.SIGKILL)
        # Batches sent before the deaths are noticed, and after: answered all the same.
        for _ in range(3):
            assert await service.match(index, queries, OPTIONS[0]) == expected
        await _until(lambda: service._pool.size == 0)
        assert await service.match(index, queries, OPTIONS[0]) == expected
        service.index()  # notices the lost workers and forks new ones
        await _until(lambda: service.status()["match_workers"] == 2)
        assert not before & set(service._pool.pids)
        assert await service.match(index, queries, OPTIONS[0]) == expected

    with Store(screening_db) as store:
        service = ScreeningService(store, workers=2)
        try:
            asyncio.run(run(service))
        finally:
            service.close()
            assert service.status()["match_workers"] == 0


def test_the_api_answers_the_same_with_match_workers(screening_db: Path) -> None:
    body = {"queries": {key: q.as_dict() for key, q in _queries().items()}}
    answers = []
    for workers in (0, 2):
        app = create_app(Settings(db=screening_db, match_workers=workers))
        with TestClient(app) as client:
            response = client.post("/match/default", json=body, params={"limit": 3})
            assert response.status_code == 200, response.text
            assert client.get("/readyz").json()["screening"]["match_workers"] == workers
            if workers:  # answered by a worker, not by the in-process fallback
                assert app.state.screening._pool.answered == 1
            answers.append(response.json())
    assert answers[0]["responses"]["hk"]["results"][0]["id"] == "w-official"
    assert answers[0] == answers[1]


def test_a_bad_match_workers_setting_is_one_message(
    cli, screening_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOHAVEN_MATCH_WORKERS", "many")
    result = cli("status", "--db", screening_db)
    assert result.code == 1
    assert result.stderr.strip() == (
        "error: NOHAVEN_MATCH_WORKERS must be a number of processes (0: match in the "
        "server's own process) or auto, not 'many'"
    )
    monkeypatch.setenv("NOHAVEN_MATCH_WORKERS", "auto")
    assert cli("status", "--db", screening_db).code == 0


def test_a_load_forks_workers_with_the_new_index_and_the_old_ones_leave(
    screening_db: Path, write_ftm, entity, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "CHECK_EVERY", 0.0)
    late = write_ftm("late.ftm.json", [entity("late-1", "Person", name="欧阳娜娜")])
    query = {"late": parse_query({"schema": "Person", "properties": {"name": "Au Yeung Na Na"}})}

    async def run(service: ScreeningService, store: Store) -> None:
        first = service.index()
        old = service._pool
        assert old is not None
        before = await service.match(first, query, OPTIONS[0])
        assert all(r["id"] != "late-1" for r in before["late"][0])
        load_paths(store, [late], dataset="late")
        service.index()  # notices the load; the rebuild runs in a thread
        await asyncio.to_thread(lambda: [t.join() for t in service._threads])
        fresh = service.index()
        assert fresh is not first and service._pool is not old
        after = await service.match(fresh, query, OPTIONS[0])
        assert after["late"][0][0]["id"] == "late-1"
        assert service._pool.generation == fresh.generation
        # The old workers answered what they had, left by themselves and were waited
        # for: no zombie stays in the process table (is_alive() would reap it itself).
        pids = [w.process.pid for w in old._workers]
        await _until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in pids))
        # The waiter records the exit code just after the process is gone.
        await asyncio.to_thread(lambda: [w.reaper.join(10) for w in old._workers if w.reaper])
        assert [w.process.exitcode for w in old._workers] == [0, 0]

    with Store(screening_db) as store:
        service = ScreeningService(store, workers=2)
        try:
            asyncio.run(run(service, store))
        finally:
            service.close()


def test_batches_larger_than_a_pipe_holds_wait_for_an_idle_worker(index: ScreeningIndex) -> None:
    # A batch is sent only where it is read at once: a blocked send on a busy worker's
    # pipe, while that worker blocks sending its own large answer, would hang both.
    names = [f"Xu Chaofan {'x' * 200} {n}" for n in range(20)]
    large = {
        f"q{n}": parse_query({"schema": "Person", "properties": {"name": names}}, f"q{n}")
        for n in range(100)
    }
    assert len(pickle.dumps((large, OPTIONS[0]))) > SMALL_BATCH
    expected = match_batch(index, large, OPTIONS[0])

    async def run() -> list:
        pool = MatchPool(index, 1)
        try:
            return await asyncio.wait_for(
                asyncio.gather(*(pool.match(large, OPTIONS[0]) for _ in range(4))), 120
            )
        finally:
            pool.close()

    assert asyncio.run(run()) == [expected] * 4


def test_workers_keep_none_of_the_servers_connections_open(index: ScreeningIndex) -> None:
    # A client connection open when the workers are forked must still end when the
    # server closes it: a worker's inherited copy would keep the client waiting.
    server_side, client_side = socket.socketpair()
    pool = MatchPool(index, 2)
    try:
        server_side.close()
        client_side.settimeout(10)
        assert client_side.recv(1) == b""  # the end of the connection, not a timeout
    finally:
        client_side.close()
        pool.close()


def test_stopping_the_workers_answers_every_batch_they_held(index: ScreeningIndex) -> None:
    queries = _queries()
    expected = match_batch(index, queries, OPTIONS[0])

    async def run(service: ScreeningService) -> None:
        pool = service._pool
        requests = [
            asyncio.ensure_future(service.match(index, queries, OPTIONS[0])) for _ in range(8)
        ]
        await asyncio.sleep(0)  # all eight sent or waiting in the server
        pool.close()  # held and waiting batches fail over to the server's process
        assert await asyncio.wait_for(asyncio.gather(*requests), 30) == [expected] * 8

    service = ScreeningService.__new__(ScreeningService)
    service._pool = MatchPool(index, 2)
    asyncio.run(run(service))


def test_a_refused_fork_leaves_screening_in_process(
    screening_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(index: ScreeningIndex, size: int) -> MatchPool:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(service_module, "MatchPool", refused)
    queries = _queries()
    with Store(screening_db) as store:
        service = ScreeningService(store, workers=2)
        index = service.index()
        status = service.status()
        assert status["match_workers"] == 0 and "forking the match workers failed" in (
            status["error"] or ""
        )
        answer = asyncio.run(service.match(index, queries, OPTIONS[0]))
        assert answer == match_batch(index, queries, OPTIONS[0])
        service.close()
