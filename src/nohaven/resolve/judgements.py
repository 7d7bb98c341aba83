"""Investigators' judgements on record pairs: same, different or unsure.

Judgements are appended, never updated; the latest one per pair applies. The model never
overrides them: every resolve run forces *same* pairs together and keeps *different*
pairs apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from nohaven.errors import NohavenError
from nohaven.resolve.records import COMPANY_SCHEMATA, PERSON_SCHEMATA
from nohaven.store.store import Store

JUDGEMENTS = ("same", "different", "unsure")


@dataclass(frozen=True)
class Judgement:
    left_id: str
    right_id: str
    judgement: str
    author: str
    reason: str | None
    created_at: datetime


def _known_ids(store: Store, ids: list[str]) -> set[str]:
    # Resolved records are found through clusters' primary key (a point lookup); only
    # records loaded since the last resolve need the scan of statements.
    marks = ", ".join("?" for _ in ids)
    known = {
        row[0]
        for row in store.fetchall(
            f"SELECT entity_id FROM clusters WHERE entity_id IN ({marks})", ids
        )
    }
    rest = [i for i in ids if i not in known]
    return known | (_loaded_ids(store, rest) if rest else set())


def _loaded_ids(store: Store, ids: list[str]) -> set[str]:
    schemata = PERSON_SCHEMATA + COMPANY_SCHEMATA
    marks = ", ".join("?" for _ in ids)
    kinds = ", ".join("?" for _ in schemata)
    rows = store.fetchall(
        f"SELECT DISTINCT entity_id FROM statements "
        f"WHERE entity_id IN ({marks}) AND schema IN ({kinds})",
        [*ids, *schemata],
    )
    return {row[0] for row in rows}


def add_judgement(
    store: Store,
    left_id: str,
    right_id: str,
    judgement: str,
    author: str,
    reason: str | None = None,
) -> Judgement:
    """Record a judgement; both ids must name loaded person or company records."""
    if judgement not in JUDGEMENTS:
        raise NohavenError(f"judgement must be one of {', '.join(JUDGEMENTS)}, not {judgement!r}")
    if left_id == right_id:
        raise NohavenError("a judgement needs two different records")
    if not author.strip():
        raise NohavenError("a judgement needs an author")
    missing = sorted({left_id, right_id} - _known_ids(store, [left_id, right_id]))
    if missing:
        raise NohavenError(
            f"no person or company record with id {', '.join(repr(m) for m in missing)}"
        )
    left, right = sorted((left_id, right_id))
    made = Judgement(left, right, judgement, author.strip(), reason, datetime.now(UTC))
    with store.transaction():
        store.execute(
            "INSERT INTO judgements VALUES (?, ?, ?, ?, ?, ?)",
            [left, right, judgement, made.author, reason, made.created_at.replace(tzinfo=None)],
        )
    return made


def judged_same_sql(judgements: str = "judgements") -> str:
    """SQL for (left_id, right_id): the pairs whose latest judgement is *same*. Works
    on views too (a scoped view's judgements have no rowid to break ties on)."""
    return (
        f"SELECT left_id, right_id FROM {judgements} GROUP BY left_id, right_id "
        "HAVING arg_max(judgement, created_at) = 'same'"
    )


def latest_judgements(store: Store) -> list[Judgement]:
    """The judgement that applies to each judged pair (the most recent)."""
    rows = store.fetchall(
        """
        SELECT left_id, right_id, judgement, author, reason, created_at
        FROM judgements
        QUALIFY row_number() OVER (
            PARTITION BY left_id, right_id ORDER BY created_at DESC, rowid DESC) = 1
        ORDER BY left_id, right_id
        """
    )
    return [Judgement(*row) for row in rows]
