"""Laundering alerts over the store's ledger, for the UI's alert queue."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from nohaven.detect import DETECTORS, DetectRequest, detect
from nohaven.errors import NohavenError
from nohaven.web.errors import errors

router = APIRouter(prefix="/api", tags=["detection"])


@router.get("/alerts", responses=errors(409))
def alerts(
    request: Request,
    typology: list[Literal[DETECTORS]] | None = Query(default=None),  # type: ignore[valid-type]
    account: str | None = Query(default=None, min_length=1, max_length=500),
    limit: int = Query(default=100, ge=1, le=10_000),
) -> dict[str, Any]:
    """Alerts (typology, score, accounts, transactions, explanation), highest score
    first, optionally of some typologies or touching one account."""
    with request.app.state.store.reader() as reader:
        try:
            found = detect(DetectRequest(typologies=tuple(typology or DETECTORS)), reader)
        except NohavenError as exc:
            raise HTTPException(status_code=409, detail=str(exc)) from None
    if account is not None:
        found = [a for a in found if account in a.accounts]
    return {"total": len(found), "alerts": [a.as_dict() for a in found[:limit]]}
