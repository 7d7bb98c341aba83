"""Laundering alerts over the store's ledger, for the UI's alert queue."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from nohaven.detect import DETECTORS, DetectRequest, detect, latest_run, save_alerts, stored_alerts
from nohaven.errors import NohavenError
from nohaven.web.errors import errors
from nohaven.web.security import require, scoped_reader, visible

router = APIRouter(prefix="/api", tags=["detection"])


@router.get("/alerts", responses=errors(409))
def alerts(
    request: Request,
    typology: list[Literal[DETECTORS]] | None = Query(default=None),  # type: ignore[valid-type]
    account: str | None = Query(default=None, min_length=1, max_length=500),
    person: str | None = Query(default=None, min_length=1, max_length=500),
    limit: int = Query(default=100, ge=1, le=10_000),
) -> dict[str, Any]:
    """Alerts (typology, score, accounts, transactions, explanation, people), highest
    score first, optionally of some typologies, touching one account or involving one
    resolved person. The latest stored run is read; before any run, alerts are
    computed for this request and not kept."""
    wanted = tuple(typology or DETECTORS)
    with request.app.state.store.reader() as reader:
        run = latest_run(reader)
        if run is not None:
            found = stored_alerts(reader, wanted, account, person, visible(request))
    if run is None:  # computed within the datasets the user may see
        with scoped_reader(request) as reader:
            try:
                found = detect(DetectRequest(typologies=wanted), reader)
            except NohavenError as exc:
                raise HTTPException(status_code=409, detail=str(exc)) from None
            if account is not None:
                found = [a for a in found if account in a.accounts]
            if person is not None:
                found = [a for a in found if any(p["id"] == person for p in a.people)]
    return {
        "run": run,
        "total": len(found),
        "alerts": [a.as_dict() for a in found[:limit]],
    }


@router.post(
    "/alerts/runs",
    status_code=201,
    responses=errors(403, 409),
    dependencies=[Depends(require("analyse"))],
)
def run_detection(request: Request) -> dict[str, Any]:
    """Run every detector over the store and keep the alerts as the latest run."""
    store = request.app.state.store
    try:
        found = detect(DetectRequest(), store)
    except NohavenError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    run_id = save_alerts(store, found, DETECTORS)
    return {"run_id": run_id, "alerts": len(found)}
