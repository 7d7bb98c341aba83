"""The OpenRefine reconciliation API at /reconcile/{dataset}, as yente serves it: thin
over `nohaven.screen.reconcile` and the screening matcher."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from nohaven.screen.adjacent import stored_entity
from nohaven.screen.index import ScreeningIndex
from nohaven.screen.match import MatchOptions
from nohaven.screen.query import QueryError
from nohaven.screen.reconcile import (
    BASE_SCHEMA,
    ReconcileError,
    candidate,
    completions,
    extension_properties,
    extension_rows,
    manifest,
    query_limit,
    read_batch,
    read_extension,
    screening_query,
    suggest_properties,
    suggest_types,
)
from nohaven.screen.search import SearchError, SearchRequest, search
from nohaven.web.errors import errors
from nohaven.web.routes.screening import dataset_scope, screening_service
from nohaven.web.security import log_read, visible

router = APIRouter(tags=["reconciliation"])
DatasetPath = Path(max_length=200)


@router.get("/reconcile/{dataset}", responses=errors(400, 404))
async def reconcile_manifest(
    request: Request,
    dataset: str = DatasetPath,
    queries: str | None = Query(default=None, max_length=200_000),
    extend: str | None = Query(default=None, max_length=200_000),
) -> dict[str, Any]:
    """The service manifest OpenRefine reads (or, with `queries`, their answers; with
    `extend`, the reconciled entities' properties)."""
    if extend:
        return await _extend(request, dataset, extend)
    if queries is not None:
        return await _answer(request, dataset, queries)
    dataset_scope(screening_service(request), dataset, visible(request))
    query_string = f"?{request.url.query}" if request.url.query else ""
    return manifest(str(request.base_url), dataset, query_string)


@router.post("/reconcile/{dataset}", responses=errors(400, 404))
async def reconcile_queries(request: Request, dataset: str = DatasetPath) -> dict[str, Any]:
    """Reconcile a batch (form field `queries`, JSON): each query's candidates, best first,
    scored as /match scores them, with whether each is a match. With the form field
    `extend` instead, OpenRefine's data extension: the asked properties of entities."""
    form = await request.form()
    extend = form.get("extend")
    if isinstance(extend, str) and extend.strip():
        return await _extend(request, dataset, extend)
    queries = form.get("queries")
    if not isinstance(queries, str):
        raise HTTPException(status_code=400, detail="no queries provided (form field 'queries')")
    return await _answer(request, dataset, queries)


@router.api_route(
    "/reconcile/{dataset}",
    methods=["PUT", "PATCH", "DELETE", "OPTIONS"],
    include_in_schema=False,
)
def reconcile_other_methods(dataset: str = DatasetPath) -> Response:
    """405 naming both methods the path serves (the router would name the first alone)."""
    return JSONResponse(
        {"detail": "Method Not Allowed"}, status_code=405, headers={"Allow": "GET, POST"}
    )


async def _answer(request: Request, dataset: str, text: str) -> dict[str, Any]:
    service = screening_service(request)
    allowed = visible(request)
    scope = dataset_scope(service, dataset, allowed)
    try:
        batch = read_batch(text)
        limits = {key: query_limit(query) for key, query in batch.items()}
        parsed = {key: screening_query(key, query) for key, query in batch.items()}
    except (ReconcileError, QueryError) as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    index = service.ready_index() or await run_in_threadpool(service.index)
    options = MatchOptions(
        limit=max(limits.values()), include_datasets=scope, visible=allowed, cutoff=0.0
    )
    matched = await service.match(index, parsed, options)
    log_read(
        request,
        "reconcile",
        dataset,
        {
            "queries": sorted(parsed),
            "results": sorted({r["id"] for v, _ in matched.values() for r in v}),
        },
    )
    return {
        key: {"result": [candidate(r) for r in results[: limits[key]]]}
        for key, (results, _) in matched.items()
    }


async def _extend(request: Request, dataset: str, text: str) -> dict[str, Any]:
    service = screening_service(request)
    allowed = visible(request)
    dataset_scope(service, dataset, allowed)
    try:
        extension = read_extension(text)
    except ReconcileError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    index = service.ready_index() or await run_in_threadpool(service.index)
    entities = await run_in_threadpool(_entities, request, index, extension.ids, allowed)
    log_read(request, "extend", dataset, {"ids": list(extension.ids)})
    return extension_rows(extension, entities)


def _entities(
    request: Request, index: ScreeningIndex, ids: Iterable[str], allowed: frozenset[str] | None
) -> dict[str, dict[str, Any] | None]:
    """Each id's entity as the caller may see it (None: none); an id an entity was merged
    from is refused, as yente refuses it: the column should hold the entity's own."""
    rows = {entity_id: index.row_for(entity_id, allowed) for entity_id in ids}
    for entity_id, row in rows.items():
        if row is not None and index.ids[row] != entity_id:
            raise HTTPException(
                status_code=400,
                detail=f"{entity_id!r} was merged into {index.ids[row]!r}: extend that id",
            )
    found = {e: index.entity(row, allowed) for e, row in rows.items() if row is not None}
    stored = [entity_id for entity_id, row in rows.items() if row is None]
    if stored:  # one reader for the batch, not one per id the index does not hold
        with request.app.state.store.reader() as reader:
            found.update({e: stored_entity(reader, e, allowed) for e in stored})
    return found


@router.get("/reconcile/{dataset}/extend/property", responses=errors(400, 404))
def extend_properties(
    request: Request,
    dataset: str = DatasetPath,
    type: str = Query(default=BASE_SCHEMA, max_length=100),
    limit: int = Query(default=0, ge=0, le=1000),
) -> dict[str, Any]:
    """The properties OpenRefine may add as columns for reconciled entities of a type."""
    dataset_scope(screening_service(request), dataset, visible(request))
    try:
        return extension_properties(type, limit)
    except ReconcileError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None


def _suggested(prefix: str, result: list[dict[str, Any]]) -> dict[str, Any]:
    return {"code": "/api/status/ok", "status": "200 OK", "prefix": prefix, "result": result}


@router.get("/reconcile/{dataset}/suggest/entity", responses=errors(404))
def suggest_entity(
    request: Request,
    dataset: str = DatasetPath,
    prefix: str = Query(default="", max_length=500),
    limit: int = Query(default=10, ge=1, le=100),
) -> dict[str, Any]:
    """Entities whose names start like `prefix`, in any script (OpenRefine's suggest)."""
    service = screening_service(request)
    allowed = visible(request)
    scope = dataset_scope(service, dataset, allowed)
    found: dict[str, dict[str, Any]] = {}
    if prefix.strip():
        index = service.index()
        # The prefix as whole words first, then with its last word completed.
        for text in [prefix, *completions(index, prefix, allowed)]:
            if len(found) >= limit:
                break
            try:
                page = search(
                    index,
                    SearchRequest(
                        text=text, datasets_in_scope=scope, limit=limit, visible=allowed, facets=()
                    ),
                )
            except (SearchError, QueryError):
                continue  # nothing readable in it
            for result in page.results[: limit - len(found)]:
                found.setdefault(result["id"], candidate(result))
        log_read(request, "suggest", dataset, {"q": prefix, "results": list(found)})
    return _suggested(prefix, list(found.values()))


_SCHEMA_SUGGESTIONS = {"type": suggest_types, "property": suggest_properties}


@router.get("/reconcile/{dataset}/suggest/{kind}", responses=errors(404))
def suggest_schema(
    request: Request,
    kind: Literal["type", "property"],
    dataset: str = DatasetPath,
    prefix: str = Query(default="", max_length=100),
) -> dict[str, Any]:
    """The types (FtM schemata) a column may be reconciled as, or the properties other
    columns may be matched as (birthDate, nationality, ...)."""
    dataset_scope(screening_service(request), dataset, visible(request))
    return _suggested(prefix, _SCHEMA_SUGGESTIONS[kind](prefix))
