"""The audit log: every action on a case, appended, each entry's hash covering the
previous entry's, so that a change, a deletion or a reordering anywhere shows.

Entries are written in the same transaction as the action they record. The hash of
the newest entry is also kept in ``nohaven_meta`` (``audit_head``), so dropping the
newest entries shows too; a dossier's manifest records the head at export, an anchor
outside the store.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyarrow as pa

from nohaven.store import Store

GENESIS = "0" * 64
_COLUMNS = ("seq", "logged_at", "actor", "action", "object", "payload", "prev_hash", "hash")


def current_actor() -> str:
    """Who acts: ``NOHAVEN_USER``, else the operating-system user."""
    return os.environ.get("NOHAVEN_USER") or _system_user()


@cache
def _system_user() -> str:
    # A password-database lookup; the server asked it for every screening request.
    return getpass.getuser()


def _hash(
    seq: int, at: dt.datetime, actor: str, action: str, obj: str, payload: str, prev: str
) -> str:
    text = json.dumps(
        [seq, at.isoformat(), actor, action, obj, payload, prev],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append(store: Store, actor: str, action: str, obj: str, payload: dict[str, Any]) -> str:
    """Add an entry (call inside the action's transaction); returns its hash."""
    return append_many(store, [(actor, action, obj, payload)])


def append_many(store: Store, entries: Sequence[tuple[str, str, str, dict[str, Any]]]) -> str:
    """Add (actor, action, object, payload) entries in order, chained, with one insert
    (call inside a transaction); returns the new head's hash. The screening API logs
    hundreds of reads a second: an insert each could not keep up."""
    seq, prev = _head(store)
    at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows: list[tuple[Any, ...]] = []
    for actor, action, obj, payload in entries:
        seq += 1
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
        digest = _hash(seq, at, actor, action, obj, text, prev)
        rows.append((seq, at, actor, action, obj, text, prev, digest))
        prev = digest
    if entries:
        columns = zip(_COLUMNS, zip(*rows, strict=True), strict=True)
        store.insert_arrow("audit_log", pa.table(dict(columns)))
        store.execute(
            "INSERT OR REPLACE INTO nohaven_meta VALUES ('audit_head', ?)", [f"{seq}:{prev}"]
        )
    return prev


def _head(store: Store) -> tuple[int, str]:
    """The newest entry's number and hash: read from ``audit_head``, not found by
    sorting a log that grows by hundreds of reads a second (a scan of it at every
    flush); a store without the head falls back to the log itself."""
    head = store.fetchone("SELECT value FROM nohaven_meta WHERE key = 'audit_head'")
    if head is not None:
        seq, _, digest = str(head[0]).partition(":")
        return int(seq), digest
    last = store.fetchone("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    return (int(last[0]), str(last[1])) if last else (0, GENESIS)


@dataclass(frozen=True)
class Verdict:
    """What `nohaven audit verify` found: ok, entries checked, the head, and the first
    entry that breaks the chain with why."""

    ok: bool
    entries: int
    head: str | None
    broken_at: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head": self.head,
            "broken_at": self.broken_at,
            "reason": self.reason,
        }


def verify(store: Store) -> Verdict:
    """Recompute the chain from the first entry; stop at the first break."""
    prev, expected, digest = GENESIS, 1, None
    count = 0
    for batch in store.fetch_batches(
        "SELECT seq, logged_at, actor, action, object, payload, prev_hash, hash FROM audit_log "
        "ORDER BY seq"
    ):
        for seq, at, actor, action, obj, payload, prev_hash, digest in zip(
            *(batch.column(i).to_pylist() for i in range(batch.num_columns)), strict=True
        ):
            if seq != expected:
                why = f"entry {expected} is missing" if seq > expected else "duplicate entry"
                return Verdict(False, count, None, expected, why)
            if prev_hash != prev:
                return Verdict(False, count, None, seq, "does not follow the entry before it")
            if _hash(seq, at, actor, action, obj, payload, prev_hash) != digest:
                return Verdict(False, count, None, seq, "was changed after it was written")
            prev, expected, count = digest, expected + 1, count + 1
    head = store.fetchone("SELECT value FROM nohaven_meta WHERE key = 'audit_head'")
    if head is not None and head[0] != f"{count}:{prev}":
        return Verdict(
            False, count, None, count + 1, f"the log ends at entry {count}, the head says {head[0]}"
        )
    if head is None and count:
        return Verdict(False, count, None, count, "the head of the log is missing")
    return Verdict(True, count, prev if count else None)


def entries(store: Store, obj: str | None = None) -> list[dict[str, Any]]:
    """The log (or one object's part of it) in order, for a dossier's audit trail."""
    where, params = ("WHERE object = ?", [obj]) if obj is not None else ("", [])
    rows = store.fetchall(
        "SELECT seq, logged_at, actor, action, object, payload, hash FROM audit_log "
        f"{where} ORDER BY seq",
        params,
    )
    return [
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "object": o,
            "payload": json.loads(payload),
            "hash": digest,
        }
        for seq, at, actor, action, o, payload, digest in rows
    ]
