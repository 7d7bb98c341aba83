"""Error responses as the OpenAPI document declares them (`{"detail": "..."}`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ErrorResponse(BaseModel):
    """What every 4xx and 5xx answer carries: one message saying what was wrong."""

    detail: str


_MEANINGS = {
    400: "The request cannot be served as asked (the message says which part and why).",
    403: "Your role may not do this.",
    404: "No such dataset, entity or record.",
    409: "The data is not ready for this yet (the message says what to run first).",
    503: "Starting up or out of date.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route that can answer with these error codes."""
    return {code: {"model": ErrorResponse, "description": _MEANINGS[code]} for code in codes}
