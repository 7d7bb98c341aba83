"""Case files: subjects, findings pulled from the analyses, notes and status; every
change made in one transaction with its audit entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from nohaven.cases import audit
from nohaven.errors import NohavenError
from nohaven.store import Store

STATUSES = ("open", "submitted", "closed")
ROLES = ("subject", "family", "associate", "company")
FINDING_KINDS = ("alert", "declaration", "trace", "note")


@dataclass
class Case:
    """A case as read back: its record, subjects, findings and notes."""

    case_id: str
    title: str
    status: str
    created_at: dt.datetime
    created_by: str
    agency: str | None = None  # the agency that owns the case (None: opened locally)
    subjects: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The `nohaven cases list --json` shape."""
        return {
            "id": self.case_id,
            "title": self.title,
            "status": self.status,
            "subjects": [s["entity_id"] for s in self.subjects],
            "findings": [
                {"id": f["finding_id"], "kind": f["kind"], "summary": f["summary"]}
                for f in self.findings
            ],
        }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def open_case(
    store: Store, title: str, subjects: list[str], actor: str, agency: str | None = None
) -> str:
    """A new case with its subjects (records or canonical ids), owned by ``agency``;
    returns its id."""
    if not title.strip():
        raise NohavenError("a case needs a title")
    for entity_id in subjects:
        _check_entity(store, entity_id)
    with store.transaction():
        row = store.fetchone("SELECT count(*) FROM cases")
        case_id = f"case-{(int(row[0]) if row else 0) + 1:04d}"
        store.execute(
            "INSERT INTO cases (case_id, title, status, created_at, created_by, agency) "
            "VALUES (?, ?, 'open', ?, ?, ?)",
            [case_id, title, _now(), actor, agency],
        )
        for entity_id in dict.fromkeys(subjects):
            store.execute(
                "INSERT INTO case_subjects VALUES (?, ?, 'subject', ?, ?)",
                [case_id, entity_id, _now(), actor],
            )
        audit.append(
            store,
            actor,
            "case.open",
            case_id,
            {"title": title, "subjects": subjects, "agency": agency},
        )
    return case_id


def add_subject(store: Store, case_id: str, entity_id: str, role: str, actor: str) -> None:
    """Another person or company the case is about (a relative, a company used);
    one already in the case is left as it is."""
    _check_case(store, case_id)
    _check_entity(store, entity_id)
    if role not in ROLES:
        raise NohavenError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if store.fetchone(
        "SELECT 1 FROM case_subjects WHERE case_id = ? AND entity_id = ?", [case_id, entity_id]
    ):
        return
    with store.transaction():
        store.execute(
            "INSERT INTO case_subjects VALUES (?, ?, ?, ?, ?)",
            [case_id, entity_id, role, _now(), actor],
        )
        audit.append(store, actor, "case.subject", case_id, {"entity_id": entity_id, "role": role})


def add_finding(
    store: Store,
    case_id: str,
    kind: str,
    ref: dict[str, Any],
    summary: str,
    details: dict[str, Any],
    actor: str,
) -> str:
    """A finding pulled into the case, its evidence frozen as it was when added;
    returns its id (stable for the same kind and reference)."""
    _check_case(store, case_id)
    if kind not in FINDING_KINDS:
        raise NohavenError(f"finding kind must be one of {', '.join(FINDING_KINDS)}")
    text = json.dumps(ref, sort_keys=True, ensure_ascii=False)
    finding_id = "f-" + hashlib.sha256(f"{kind}\n{text}".encode()).hexdigest()[:12]
    if store.fetchone(
        "SELECT 1 FROM case_findings WHERE case_id = ? AND finding_id = ?", [case_id, finding_id]
    ):
        return finding_id
    with store.transaction():
        store.execute(
            "INSERT INTO case_findings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                case_id,
                finding_id,
                kind,
                text,
                summary,
                json.dumps(details, ensure_ascii=False, default=str),
                _now(),
                actor,
            ],
        )
        audit.append(
            store,
            actor,
            "case.finding",
            case_id,
            {"finding_id": finding_id, "kind": kind, "ref": ref},
        )
    return finding_id


def add_note(store: Store, case_id: str, text: str, actor: str) -> None:
    """An investigator's note, kept with author and time."""
    _check_case(store, case_id)
    if not text.strip():
        raise NohavenError("a note needs text")
    with store.transaction():
        store.execute("INSERT INTO case_notes VALUES (?, ?, ?, ?)", [case_id, text, actor, _now()])
        audit.append(store, actor, "case.note", case_id, {"text": text})


def set_status(store: Store, case_id: str, status: str, actor: str) -> None:
    """Move a case to open, submitted or closed."""
    _check_case(store, case_id)
    if status not in STATUSES:
        raise NohavenError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    with store.transaction():
        store.execute("UPDATE cases SET status = ? WHERE case_id = ?", [status, case_id])
        audit.append(store, actor, "case.status", case_id, {"status": status})


def get_case(store: Store, case_id: str) -> Case:
    """The whole case."""
    row = store.fetchone(
        "SELECT case_id, title, status, created_at, created_by, agency FROM cases "
        "WHERE case_id = ?",
        [case_id],
    )
    if row is None:
        raise NohavenError(f"no case {case_id!r} (see `nohaven cases list`)")
    case = Case(*row)
    case.subjects = [
        {"entity_id": e, "role": r, "added_at": a, "added_by": b}
        for e, r, a, b in store.fetchall(
            "SELECT entity_id, role, added_at, added_by FROM case_subjects WHERE case_id = ? "
            "ORDER BY added_at, entity_id",
            [case_id],
        )
    ]
    case.findings = [
        {
            "finding_id": f,
            "kind": k,
            "ref": json.loads(ref),
            "summary": s,
            "details": json.loads(d),
            "added_at": a,
            "added_by": b,
        }
        for f, k, ref, s, d, a, b in store.fetchall(
            "SELECT finding_id, kind, ref, summary, details, added_at, added_by "
            "FROM case_findings WHERE case_id = ? ORDER BY added_at, finding_id",
            [case_id],
        )
    ]
    case.notes = [
        {"text": t, "author": a, "created_at": c}
        for t, a, c in store.fetchall(
            "SELECT text, author, created_at FROM case_notes WHERE case_id = ? ORDER BY created_at",
            [case_id],
        )
    ]
    return case


def list_cases(store: Store) -> list[Case]:
    """Every case, oldest first."""
    return [
        get_case(store, case_id)
        for (case_id,) in store.fetchall("SELECT case_id FROM cases ORDER BY case_id")
    ]


def _check_case(store: Store, case_id: str) -> None:
    if not store.fetchone("SELECT 1 FROM cases WHERE case_id = ?", [case_id]):
        raise NohavenError(f"no case {case_id!r} (see `nohaven cases list`)")


def _check_entity(store: Store, entity_id: str) -> None:
    if not store.fetchone(
        "SELECT 1 FROM statements WHERE entity_id = ? UNION ALL "
        "SELECT 1 FROM clusters WHERE canonical_id = ? LIMIT 1",
        [entity_id, entity_id],
    ):
        raise NohavenError(f"no record or resolved entity {entity_id!r} in the store")
