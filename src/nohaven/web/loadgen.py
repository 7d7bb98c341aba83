"""An open-loop load generator for `nohaven serve` on loopback, for the load test and
benchmark: requests are sent on a fixed schedule whether or not answers have come
back (so a slow server faces the whole offered rate, as it would from many clients),
pipelined over keep-alive connections, and every answer is matched to its request.

Written on asyncio streams rather than an HTTP client library because a Python
client library costs more per request than the server does, and this machine's two
cores are shared by both.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Call:
    """One request to send: method, path, JSON body, and a bearer token (empty: none)."""

    method: str
    path: str
    token: str
    body: bytes = b""

    def encode(self, host: str) -> bytes:
        # No token, no Authorization header: a server without users asks for none.
        authorization = f"Authorization: Bearer {self.token}\r\n" if self.token else ""
        head = (
            f"{self.method} {self.path} HTTP/1.1\r\nHost: {host}\r\n{authorization}"
            f"Content-Type: application/json\r\nContent-Length: {len(self.body)}\r\n\r\n"
        )
        return head.encode() + self.body


@dataclass
class Answer:
    call: Call
    status: int
    seconds: float
    body: bytes


@dataclass
class LoadReport:
    """What was offered, what came back, and how long answers took."""

    offered: int = 0
    seconds: float = 0.0
    answers: list[Answer] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def statuses(self) -> Counter[int]:
        return Counter(a.status for a in self.answers)

    def percentile(self, p: float) -> float:
        times = sorted(a.seconds for a in self.answers)
        return times[min(len(times) - 1, int(p / 100 * len(times)))] if times else 0.0


async def _connection(
    host: str, port: int, calls: list[tuple[float, Call]], start: float, report: LoadReport
) -> None:
    loop = asyncio.get_running_loop()
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as exc:
        report.failures.append(f"connect: {exc}")
        return
    sent: asyncio.Queue[tuple[float, Call]] = asyncio.Queue()

    async def send() -> None:
        for at, call in calls:
            delay = start + at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            writer.write(call.encode(host))
            sent.put_nowait((loop.time(), call))
            await writer.drain()

    async def receive() -> None:
        for _ in calls:
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length, chunked = 0, False
            for line in head.split(b"\r\n"):
                name = line[:18].lower()
                if name.startswith(b"content-length:"):
                    length = int(line[15:])
                elif name.startswith(b"transfer-encoding:"):
                    chunked = b"chunked" in line.lower()
            body = await (_chunks(reader) if chunked else reader.readexactly(length))
            began, call = await sent.get()
            report.answers.append(Answer(call, status, loop.time() - began, body))

    try:
        await asyncio.gather(send(), receive())
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
        report.failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        writer.close()


async def _chunks(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        parts.append(await reader.readexactly(size + 2))
        if size == 0:
            return b"".join(p[:-2] for p in parts)


async def _run(
    base: str, calls: list[Call], rate: float, connections: int, wait: float
) -> LoadReport:
    url = urlsplit(base)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    report = LoadReport(offered=len(calls))
    per: list[list[tuple[float, Call]]] = [[] for _ in range(connections)]
    for i, call in enumerate(calls):
        per[i % connections].append((i / rate, call))
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    began = time.perf_counter()
    work = asyncio.gather(*(_connection(host, port, c, start, report) for c in per if c))
    try:
        await asyncio.wait_for(work, wait)
    except TimeoutError:
        report.failures.append(f"{report.offered - len(report.answers)} unanswered after {wait} s")
    report.seconds = time.perf_counter() - began
    return report


def offer(
    base: str, calls: list[Call], rate: float, connections: int = 32, wait: float = 300
) -> LoadReport:
    """Send ``calls`` at ``rate`` a second over ``connections`` keep-alive connections
    and wait (at most ``wait`` seconds) for every answer."""
    return asyncio.run(_run(base, calls, rate, connections, wait))


def screening_mix(
    tokens: list[str], names: list[str], pairs: list[tuple[str, str]], count: int
) -> list[Call]:
    """The load test's and the benchmark's mix: three requests in four screen a name
    (`/match/default`), the fourth judges a pair *unsure*; users, names and pairs in turn."""
    queries = [
        json.dumps({"queries": {"q": {"schema": "Person", "properties": {"name": [n]}}}}).encode()
        for n in names
    ]
    calls = []
    for n in range(count):
        token = tokens[n % len(tokens)]
        if n % 4 == 3:
            left, right = pairs[n % len(pairs)]
            body = {"left_id": left, "right_id": right, "judgement": "unsure", "author": "load"}
            calls.append(Call("POST", "/api/judgements", token, json.dumps(body).encode()))
        else:
            calls.append(Call("POST", "/match/default", token, queries[n % len(queries)]))
    return calls


def acknowledged_judgements(report: LoadReport) -> Counter[tuple[str, str]]:
    """How many judgements of each pair the server acknowledged (201)."""
    made = (json.loads(a.body) for a in report.answers if a.status == 201)
    return Counter((m["left_id"], m["right_id"]) for m in made)
