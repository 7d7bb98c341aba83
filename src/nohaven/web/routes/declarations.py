"""Declaration findings and the passport gate, for the UI and other agencies' systems."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from nohaven.declarations.check import check_declarations, risk_ranking
from nohaven.declarations.passport import check_passport
from nohaven.declarations.rules import RULES, RuleConfig
from nohaven.errors import NohavenError
from nohaven.web.errors import errors
from nohaven.web.security import scoped_reader

router = APIRouter(prefix="/api", tags=["declarations"])

Variant = Literal["2010", "2014"]


@router.get("/declarations/findings", responses=errors(404))
def declaration_findings(
    request: Request,
    official: str | None = Query(default=None, max_length=255),
    rule: list[Literal[RULES]] | None = Query(default=None),  # type: ignore[valid-type]
    naked_variant: Variant = "2010",
    wealth_ratio: float = Query(default=10.0, gt=0, le=1e6),
) -> dict[str, Any]:
    """Findings (rule, official_id, score, evidence) and officials ranked by risk."""
    config = RuleConfig(naked_variant=naked_variant, wealth_ratio=wealth_ratio)
    with scoped_reader(request) as reader:
        try:
            findings = check_declarations(
                reader, official=official, config=config, rules=tuple(rule or RULES)
            )
        except NohavenError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from None
        ranking = risk_ranking(reader, findings)
    return {
        "findings": [f.as_dict() for f in findings],
        "officials": [r.as_dict() for r in ranking],
    }


@router.get("/passport/{application_id}", responses=errors(404))
def passport_decision(request: Request, application_id: str) -> dict[str, Any]:
    """approve or hold one passport application, with the reasons and findings."""
    with scoped_reader(request) as reader:
        try:
            decision = check_passport(reader, application_id)
        except NohavenError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from None
    return decision.as_dict()
