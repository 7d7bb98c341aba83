"""What is loaded: the status page and its JSON twin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from nohaven.web.security import visible

router = APIRouter(tags=["status"])
templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")


def _status(request: Request) -> dict[str, Any]:
    with request.app.state.store.reader() as reader:
        status = reader.status()
        status["sources"] = [
            {
                "source_id": s.source_id,
                "path": s.path,
                "sha256": s.sha256,
                "dataset": s.dataset,
                "kind": s.kind,
                "rows": s.rows,
                "loaded_at": s.loaded_at.isoformat(timespec="seconds"),
            }
            for s in reader.sources()
        ]
    allowed = visible(request)
    if allowed is not None:  # another agency's datasets are not listed, nor counted
        status["datasets"] = {n: c for n, c in status["datasets"].items() if n in allowed}
        status["sources"] = [s for s in status["sources"] if s["dataset"] in allowed]
        status.pop("totals", None)
    return status


@router.get("/api/status")
def api_status(request: Request) -> dict[str, Any]:
    """Counts per dataset and table, and every loaded source file with its hash."""
    return _status(request)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def status_page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "status.html", {"status": _status(request)})
