"""Entity resolution for the UI: the review queue, judgements and cluster members."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from nohaven.errors import NohavenError
from nohaven.resolve.judgements import add_judgement
from nohaven.resolve.review import open_pairs
from nohaven.web.errors import errors
from nohaven.web.security import (
    audit_read,
    current_user,
    require,
    scoped_reader,
    visible_records,
)

router = APIRouter(prefix="/api", tags=["resolution"])


class JudgementIn(BaseModel):
    left_id: str = Field(min_length=1, max_length=500)
    right_id: str = Field(min_length=1, max_length=500)
    judgement: Literal["same", "different", "unsure"]
    author: str = Field(min_length=1, max_length=200)
    reason: str | None = Field(default=None, max_length=2000)


@router.get("/review", responses=errors(409))
def review_queue(
    request: Request, limit: int = Query(default=50, ge=1, le=1000)
) -> list[dict[str, Any]]:
    """Pairs awaiting a judgement: an official's family first, then the least certain."""
    with scoped_reader(request) as reader:
        try:
            pairs = open_pairs(reader, limit=limit)
        except NohavenError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from None
    return [p.as_dict() for p in pairs]


@router.post(
    "/judgements",
    status_code=201,
    responses=errors(400, 403, 404),
    dependencies=[Depends(require("judge"))],
)
def judge_pair(request: Request, body: JudgementIn) -> dict[str, Any]:
    """Record a judgement; the next resolve run applies it and never overrides it."""
    user = current_user(request)
    seen = visible_records(request, [body.left_id, body.right_id])
    if seen is not None and not {body.left_id, body.right_id} <= seen:
        raise HTTPException(status_code=404, detail="no such pair of records")
    try:
        made = add_judgement(
            request.app.state.store,
            body.left_id,
            body.right_id,
            body.judgement,
            user.name if user else body.author,
            body.reason,
        )
    except NohavenError as exc:
        status = 404 if "no person or company record" in str(exc) else 400
        raise HTTPException(status_code=status, detail=str(exc)) from None
    return {
        "left_id": made.left_id,
        "right_id": made.right_id,
        "judgement": made.judgement,
        "author": made.author,
        "reason": made.reason,
        "created_at": made.created_at.isoformat(timespec="seconds"),
    }


@router.get("/clusters/{canonical_id}", responses=errors(404))
def cluster_members(request: Request, canonical_id: str) -> dict[str, Any]:
    """The records resolved into one canonical entity."""
    with scoped_reader(request) as reader:
        rows = reader.fetchall(
            "SELECT entity_id, kind FROM clusters WHERE canonical_id = ? ORDER BY entity_id",
            [canonical_id],
        )
    if not rows:
        raise HTTPException(status_code=404, detail=f"no cluster {canonical_id!r}")
    audit_read(request, "cluster", canonical_id)
    return {
        "canonical_id": canonical_id,
        "kind": rows[0][1],
        "members": [row[0] for row in rows],
    }
