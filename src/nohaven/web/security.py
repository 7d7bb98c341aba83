"""The web layer's guard, in front of every route: request size limit, security
headers, who is asking (an API token or a signed session cookie) once any user exists,
and the CSRF token the UI's forms carry.

With no users, nohaven runs in local single-user mode (and `nohaven serve` refuses
any address but loopback); once a user exists, every request but the health checks,
the static files and the login page needs a token or a session, on any address.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from fastapi import HTTPException, Request

from nohaven.access.users import User, any_users, user_by_id, user_for_token
from nohaven.store import Store

SESSION_COOKIE = "nohaven_session"
CSRF_COOKIE = "nohaven_csrf"
SESSION_HOURS = 12
MAX_BODY = 8 * 1024 * 1024
# Seconds a token's user and a user's datasets are remembered: a user added or a
# dataset loaded from the CLI while the server runs is seen within this time.
LOOKUP_SECONDS = 2.0
_OPEN = ("/healthz", "/readyz", "/static/", "/login")
_KEY_IN_URL = ("/reconcile/",)  # the paths that take `?api_key=` (OpenRefine)
_API = (
    "/api/",
    "/match/",
    "/search/",
    "/entities/",
    "/algorithms",
    "/catalog",
    "/reconcile/",
    "/docs",
    "/openapi.json",
)
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
        b"'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
    ),
]


def session_key(store: Store) -> bytes:
    """The key sessions are signed with, made once per store."""
    row = store.fetchone("SELECT value FROM nohaven_meta WHERE key = 'session_key'")
    if row:
        return bytes.fromhex(row[0])
    key = secrets.token_bytes(32)
    store.execute("INSERT OR IGNORE INTO nohaven_meta VALUES ('session_key', ?)", [key.hex()])
    row = store.fetchone("SELECT value FROM nohaven_meta WHERE key = 'session_key'")
    return bytes.fromhex(row[0]) if row else key


def sign_session(key: bytes, user_id: str) -> str:
    expires = int(time.time()) + SESSION_HOURS * 3600
    payload = f"{user_id}.{expires}"
    mac = hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{mac}"


def _session_user(key: bytes, value: str) -> str | None:
    try:
        user_id, expires, mac = value.rsplit(".", 2)
    except ValueError:
        return None
    expected = hmac.new(key, f"{user_id}.{expires}".encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(mac, expected) or not expires.isdigit():
        return None
    return user_id if int(expires) > time.time() else None


class Remembered:
    """Lookups kept for LOOKUP_SECONDS: whether users exist, a token's or a session's
    user, an agency's datasets. At thousands of requests a second, one query each per
    request was half of the server's work. Bounded, so a flood of made-up tokens
    cannot grow it."""

    def __init__(self, size: int = 10_000) -> None:
        self._items: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._size = size

    def get(self, key: Hashable, look_up: Callable[[], Any]) -> Any:
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and now - hit[0] < LOOKUP_SECONDS:
            return hit[1]
        value = look_up()
        with self._lock:
            if len(self._items) >= self._size:
                self._items.clear()
            self._items[key] = (now, value)
        return value


class Guard:
    """Pure ASGI middleware (it must see the body's size before any route reads it)."""

    def __init__(self, app: Any, fastapi_app: Any) -> None:
        self.app = app
        self.fastapi_app = fastapi_app
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}
        self._recent = Remembered()

    def _read(self, look_up: Callable[[Store], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with self.fastapi_app.state.store.reader() as reader:
                return look_up(reader)

        return run

    def _users_exist(self) -> bool:
        # Users are added from the CLI while the server runs.
        return bool(self._recent.get("users", self._read(any_users)))

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY:
            await _reply(send, 413, {"detail": f"request body over {MAX_BODY} bytes"})
            return
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:
            cookies = SimpleCookie()
        state = scope.setdefault("state", {})
        csrf = cookies[CSRF_COOKIE].value if CSRF_COOKIE in cookies else None
        new_csrf = None
        if not csrf:
            csrf = new_csrf = secrets.token_urlsafe(24)
        state["csrf"] = csrf
        state["user"] = None
        path = scope["path"]
        if self._users_exist() and not path.startswith(_OPEN):
            user = self._identify(headers, cookies, path, scope.get("query_string", b""))
            if user is None:
                if path.startswith(_API) or scope["method"] != "GET":
                    await _reply(
                        send, 401, {"detail": "sign in or send Authorization: Bearer TOKEN"}
                    )
                else:
                    await _redirect(send, f"/login?next={path}")
                return
            state["user"] = user
            wait = self._spend(user.user_id)
            if wait:
                await _reply(
                    send,
                    429,
                    {"detail": f"too many requests; try again in {wait:.1f} s"},
                    [(b"retry-after", str(max(1, round(wait))).encode())],
                )
                return

        seen = 0
        started = False

        async def limited() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise HTTPException(status_code=413, detail="request body too large")
            return message

        async def guarded_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = list(_HEADERS)
                if new_csrf:
                    extra.append(
                        (
                            b"set-cookie",
                            f"{CSRF_COOKIE}={new_csrf}; Path=/; SameSite=Strict".encode(),
                        )
                    )
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        timeout = self.fastapi_app.state.settings.request_timeout
        try:
            await asyncio.wait_for(self.app(scope, limited, guarded_send), timeout)
        except TimeoutError:
            # Work in a worker thread runs on to its end (a write still commits whole);
            # the client is told it was not answered, so nothing is acknowledged and lost.
            if not started:
                await _reply(
                    send,
                    503,
                    {"detail": f"the request took longer than {timeout:g} s; try again later"},
                    [(b"retry-after", b"30")],
                )

    def _spend(self, who: str) -> float:
        """Take one request from the user's token bucket; the wait when it is empty."""
        rate, burst = self.fastapi_app.state.settings.rate_limit
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(who, (float(burst), now))
            tokens = min(float(burst), tokens + (now - last) * rate)
            if tokens < 1:
                self._buckets[who] = (tokens, now)
                return (1 - tokens) / rate
            self._buckets[who] = (tokens - 1, now)
            return 0.0

    def _identify(
        self, headers: dict, cookies: SimpleCookie, path: str, query: bytes
    ) -> User | None:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        token = token.strip()
        if not token and path.startswith(_KEY_IN_URL):
            # OpenRefine sends no headers: its service URL carries the key, as
            # OpenSanctions' does, and the manifest passes it on to the suggest and
            # extension services. Never logged: nohaven's read log keeps no URLs.
            scheme = "apikey"
            token = parse_qs(query.decode("latin-1")).get("api_key", [""])[0].strip()
        # "ApiKey" is how OpenSanctions' API and its clients send a key.
        if scheme.lower() in ("bearer", "apikey") and token:
            return self._recent.get(
                ("token", token), self._read(lambda r: user_for_token(r, token))
            )
        if SESSION_COOKIE in cookies:
            key = self.fastapi_app.state.session_key
            user_id = _session_user(key, cookies[SESSION_COOKIE].value)
            if user_id:
                return self._recent.get(
                    ("user", user_id), self._read(lambda r: user_by_id(r, user_id))
                )
        return None


async def _reply(send: Any, status: int, body: dict, extra: list | None = None) -> None:
    data = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
                *_HEADERS,
                *(extra or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})


async def _redirect(send: Any, location: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [(b"location", location.encode()), *_HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": b""})


def current_user(request: Request) -> User | None:
    """Who is asking (None in local single-user mode)."""
    return getattr(request.state, "user", None)


def require(action: str) -> Any:
    """A dependency: the user's role must allow ``action`` (anyone in single-user mode)."""

    def check(request: Request) -> None:
        user = current_user(request)
        if user is not None and not user.may(action):
            raise HTTPException(status_code=403, detail=f"the {user.role} role may not {action}")

    return check


async def check_csrf(request: Request) -> None:
    """A dependency for the UI's form posts: the form (or the htmx header) must carry
    the token of the CSRF cookie, which another site cannot read."""
    expected = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token")


def _reader_name(request: Request) -> str:
    from nohaven.cases import audit

    user = current_user(request)
    return user.name if user else audit.current_actor()


def audit_read(request: Request, what: str, obj: str) -> None:
    """Write a read of personal data (who, what, when) to the hash-chained audit log."""
    from nohaven.cases import audit

    store = request.app.state.store
    with store.transaction():
        audit.append(store, _reader_name(request), f"read.{what}", obj, {"path": request.url.path})


def log_read(request: Request, what: str, obj: str, payload: dict[str, Any]) -> None:
    """Queue a read of personal data for the audit log (batched: the screening API)."""
    request.app.state.read_log.add(_reader_name(request), f"read.{what}", obj, payload)


@contextmanager
def scoped_reader(request: Request) -> Iterator[Store]:
    """A read view of the store holding only the datasets the user may see, so that
    analyses (declaration rules, clusters, dossiers) run within them."""
    from nohaven.access.scope import scoped

    with scoped(request.app.state.store, visible(request)) as view:
        yield view


_VISIBLE = Remembered()


def visible(request: Request) -> frozenset[str] | None:
    """The datasets the signed-in user may see (None: all, in single-user mode); looked
    up once per agency and role every LOOKUP_SECONDS."""
    from nohaven.access import visible_datasets

    user = current_user(request)
    if user is None:
        return None
    store = request.app.state.store

    def look_up() -> frozenset[str] | None:
        with store.reader() as reader:
            return visible_datasets(reader, user)

    return _VISIBLE.get((str(store.path), user.agency, user.role), look_up)


def visible_records(request: Request, ids: list[str]) -> set[str] | None:
    """Of the given record ids, those in datasets the user may see (None: all)."""
    allowed = visible(request)
    if allowed is None:
        return None
    with request.app.state.store.reader() as reader:
        return {
            e
            for (e,) in reader.fetchall(
                "SELECT DISTINCT entity_id FROM statements WHERE entity_id IN (SELECT unnest(?)) "
                "AND dataset IN (SELECT unnest(?))",
                [ids, sorted(allowed)],
            )
        }
