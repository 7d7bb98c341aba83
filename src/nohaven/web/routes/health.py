"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from nohaven.store.schema import LATEST_VERSION
from nohaven.web.errors import errors

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses=errors(503))
def readyz(request: Request) -> JSONResponse:
    """The store is open and its schema is current."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    with store.reader() as reader:
        version = reader.schema_version()
    if version != LATEST_VERSION:
        return JSONResponse({"status": "schema out of date", "schema_version": version}, 503)
    screening = getattr(request.app.state, "screening", None)
    index = screening.status() if screening is not None else None
    return JSONResponse({"status": "ok", "schema_version": version, "screening": index})
