"""The yente-compatible screening API: /match, /search, /entities, /algorithms.

Request and response shapes follow yente (OpenSanctions), so a client written for yente
works against nohaven unchanged; results carry two additions yente clients ignore:
`explanations` (why it matched) and `relations` (how the entity is related to the
listed people around it).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import orjson
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from followthemoney import model
from followthemoney.types import registry
from pydantic import BaseModel, ConfigDict, Field

from nohaven.screen.adjacent import (
    MAX_ADJACENT,
    adjacent_entities,
    adjacent_pages,
    nest_references,
    nesting_property,
    stored_entity,
    without_nesting,
)
from nohaven.screen.catalog import catalog, dataset_counts, distinct_entities
from nohaven.screen.match import (
    ALGORITHM,
    ALGORITHM_UNWEIGHTED,
    DEFAULT_LIMIT,
    DEFAULT_THRESHOLD,
    FEATURES,
    MatchOptions,
)
from nohaven.screen.query import (
    CHANGED_SINCE_PATTERN,
    QueryError,
    changed_since_epoch,
    parse_query,
)
from nohaven.screen.search import (
    DEFAULT_FACETS,
    FACETS,
    MAX_RESULTS,
    SearchError,
    SearchRequest,
    parse_filter,
    parse_sort,
)
from nohaven.screen.search import search as search_index
from nohaven.screen.service import ALL_DATASETS, ScreeningService, UnknownDataset
from nohaven.web.errors import errors
from nohaven.web.params import QueryModel
from nohaven.web.security import audit_read, log_read, visible
from nohaven.web.yente_models import (
    AdjacentResultsResponse,
    AlgorithmResponse,
    DataCatalogModel,
    EntityAdjacentResponse,
    EntityMatchResponse,
    EntityResponse,
    SearchResponse,
    ok,
)

router = APIRouter(tags=["screening"])
# How many entities referring to one /entities/{id}/adjacent nests and pages through.
ADJACENT_CAP = MAX_RESULTS

MAX_BATCH = 100
# yente's algorithm names are accepted, so clients need not change a line; all of them
# are served by nohaven's cross-script matcher.
ALGORITHM_ALIASES = (
    ALGORITHM,
    ALGORITHM_UNWEIGHTED,
    "best",
    "default",
    "logic-v1",
    "logic-v2",
    "name-based",
    "name-qualified",
    "ofac",
    "regression-v1",
    "regression-v2",
)


class EntityExample(BaseModel):
    """One query: an entity sketch with a schema and some properties."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(default=None, max_length=500)
    schema_: str = Field(alias="schema", max_length=100, examples=["Person"])
    properties: dict[str, str | list[str | int | float | None]] = Field(
        examples=[{"name": ["Hui Chiu Fan"], "birthDate": ["1963"]}]
    )


class EntityMatchQuery(BaseModel):
    """A batch of queries keyed by the client's own keys."""

    queries: dict[str, EntityExample]
    weights: dict[str, float] = Field(
        default_factory=dict, description="yente's feature weights: accepted, not used."
    )
    config: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict,
        description="yente's algorithm configuration: accepted, not used (nohaven's "
        "matcher takes none).",
    )


def screening_service(request: Request) -> ScreeningService:
    """The app's screening index and match workers (made on first use in tests)."""
    service = getattr(request.app.state, "screening", None)
    if service is None:
        service = request.app.state.screening = ScreeningService(request.app.state.store)
    return service


def _epoch(moment: str | None) -> float | None:
    """``changed_since`` as epoch seconds (UTC), or a 400 for a date that is not one."""
    try:
        return changed_since_epoch(moment)
    except QueryError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None


def dataset_scope(
    service: ScreeningService, dataset: str, allowed: frozenset[str] | None
) -> frozenset[str] | None:
    """The datasets a path's `{dataset}` stands for (None: all); a dataset the user may
    not see is as unknown as one never loaded. `match_query` keeps results within
    ``allowed``."""
    if allowed is not None and dataset not in ALL_DATASETS and dataset not in allowed:
        raise HTTPException(status_code=404, detail=f"unknown dataset {dataset!r}")
    try:
        return service.datasets(dataset)
    except UnknownDataset as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None


class ResultFilters(QueryModel):
    """yente's result filters, the same on /match and /search."""

    exclude_schema: list[str] = Field(
        default=[], description="Leave out entities of these schemata."
    )
    topics: list[str] = Field(
        default=[], description="Only results with one of these FtM topics (role.pep, sanction)."
    )
    changed_since: str | None = Field(
        default=None,
        pattern=CHANGED_SINCE_PATTERN,
        description="Only entities changed after this UTC date or time: the publisher's "
        "last_change where the source gives one, else their newest source's load.",
    )


class MatchParams(ResultFilters):
    """/match's query parameters, yente's."""

    deprecated_parameters: ClassVar[tuple[str, ...]] = ("cutoff",)

    limit: int = Field(default=DEFAULT_LIMIT, ge=0, le=500)
    threshold: float = Field(default=DEFAULT_THRESHOLD, ge=0.0)
    algorithm: str = Field(default=ALGORITHM, max_length=100)
    include_dataset: list[str] = Field(default=[])
    exclude_dataset: list[str] = Field(default=[])
    exclude_entity_ids: list[str] = Field(default=[])
    cutoff: float = Field(
        default=DEFAULT_THRESHOLD,
        ge=0.0,
        le=1.0,
        description="Deprecated, as in yente: results scoring at or below it (or the "
        "threshold, when lower) are left out, matches never. Set 0 to see near misses.",
    )


@router.post(
    "/match/{dataset}",
    responses={**ok(EntityMatchResponse), **errors(400, 404)},
    openapi_extra=MatchParams.openapi(),
)
async def match(
    request: Request,
    body: EntityMatchQuery,
    params: Annotated[MatchParams, Depends(MatchParams.from_request)],
    dataset: str = Path(max_length=200),
) -> Response:
    """Match each query against `dataset` (or "default" for all), yente's way.

    Matching is pure CPU work of a few milliseconds, done by the match workers (other
    processes, other cores) or else on the event loop: a thread per request would only
    add switching under the interpreter lock. Waiting for a first index build, which
    takes minutes on a large store, is done off the loop.
    """
    algorithm = params.algorithm.strip().lower()  # yente reads names case-blind
    if algorithm not in ALGORITHM_ALIASES:
        raise HTTPException(
            status_code=400,
            detail=f"unknown algorithm {params.algorithm!r}; "
            f"use one of {', '.join(ALGORITHM_ALIASES)}",
        )
    if len(body.queries) > MAX_BATCH:
        raise HTTPException(
            status_code=400,
            detail=f"too many queries in one batch: {len(body.queries)} (at most {MAX_BATCH})",
        )
    since = _epoch(params.changed_since)
    service = screening_service(request)
    allowed = visible(request)
    scope = dataset_scope(service, dataset, allowed)
    if not body.queries:
        raise HTTPException(status_code=400, detail="no queries provided")
    parsed = {}
    for key, example in body.queries.items():
        try:
            parsed[key] = parse_query(example.model_dump(by_alias=True), key)
        except QueryError as exc:
            raise HTTPException(status_code=400, detail=f"query {key!r}: {exc}") from None
    index = service.ready_index() or await run_in_threadpool(service.index)
    # Loaded datasets narrow the candidates by their bits at once; a name a publisher
    # lists entities in ("us_ofac_sdn") is checked entity by entity.
    include, named = index.dataset_filter(scope, frozenset(params.include_dataset))
    options = MatchOptions(
        limit=params.limit,
        threshold=params.threshold,
        include_datasets=include,
        named_datasets=named,
        exclude_datasets=frozenset(params.exclude_dataset),
        exclude_ids=frozenset(params.exclude_entity_ids),
        exclude_schemata=frozenset(params.exclude_schema),
        topics=frozenset(params.topics),
        changed_since=since,
        cutoff=params.cutoff,
        visible=allowed,
        weigh_namesakes=algorithm != ALGORITHM_UNWEIGHTED,
    )
    matched = await service.match(index, parsed, options)
    responses = {
        key: {
            "status": 200,
            "results": results,
            "total": {"value": total, "relation": "eq"},
            "query": parsed[key].as_dict(),
        }
        for key, (results, total) in matched.items()
    }
    log_read(
        request,
        "match",
        dataset,
        {
            "queries": sorted(parsed),
            "results": sorted({r["id"] for v in responses.values() for r in v["results"]}),
        },
    )
    # Plain JSON types already: serialised at once by orjson, without FastAPI's
    # per-value encoding (a third of a request's time on a large index).
    return Response(
        orjson.dumps({"responses": responses, "matcher": FEATURES, "limit": params.limit}),
        media_type="application/json",
        headers={"x-batch-size": str(len(responses))},  # as yente sends it
    )


class SearchParams(ResultFilters):
    """/search's query parameters, yente's."""

    q: str = Field(
        default="",
        max_length=500,
        description="A name in any script; empty: every entity the filters keep.",
    )
    schema_: str = Field(default="Thing", alias="schema", max_length=100)
    include_dataset: list[str] = Field(default=[])
    exclude_dataset: list[str] = Field(default=[])
    countries: list[str] = Field(
        default=[], description="Only results naming one of these country codes."
    )
    datasets: list[str] = Field(default=[], description="Only results from these datasets.")
    filter: list[str] = Field(
        default=[],
        max_length=50,
        description="field:value, such as properties.birthDate:1963 or topics:sanction.",
    )
    filter_op: Literal["OR", "AND"] = Field(
        default="OR",
        description="Whether an entity needs any (OR) or every (AND) value "
        "given for one field (countries, topics, datasets, filter).",
    )
    target: bool | None = Field(default=None, description="Deprecated: only listed entities.")
    sort: list[str] = Field(
        default=[], description="first_seen, last_seen or last_change, with :asc or :desc."
    )
    facets: list[Literal[FACETS]] = Field(  # type: ignore[valid-type]
        default=list(DEFAULT_FACETS), description="The facets to count."
    )
    fuzzy: bool = Field(default=False, description="Accepted; names always match fuzzily.")
    simple: bool = Field(default=False, description="Accepted; `q` is always a name.")
    limit: int = Field(default=10, ge=0, le=500)
    offset: int = Field(default=0, ge=0, le=MAX_RESULTS - 500)


@router.get(
    "/search/{dataset}",
    response_model=None,
    responses={**ok(SearchResponse), **errors(400, 404)},
    openapi_extra=SearchParams.openapi(),
)
def search(
    request: Request,
    params: Annotated[SearchParams, Depends(SearchParams.from_request)],
    dataset: str = Path(max_length=200),
) -> dict[str, Any]:
    """Find entities by name, in any script: "Hui Chiu Fan" finds 许超凡; with no `q`,
    list the entities the filters keep. yente's filters, sorts and facets."""
    service = screening_service(request)
    allowed = visible(request)
    scope = dataset_scope(service, dataset, allowed)
    filters: dict[str, list[str]] = {}
    for name, values in (
        ("countries", params.countries),
        ("topics", params.topics),
        ("datasets", params.datasets),
    ):
        if values:
            filters[name] = list(values)
    try:
        for text in params.filter:
            name, value = parse_filter(text)
            filters.setdefault(name, []).append(value)
        if params.target is not None:
            filters["target"] = [str(params.target).lower()]
        asked = SearchRequest(
            text=params.q,
            schema=params.schema_,
            datasets_in_scope=scope,
            include_datasets=frozenset(params.include_dataset),
            exclude_datasets=frozenset(params.exclude_dataset),
            exclude_schemata=frozenset(params.exclude_schema),
            changed_since=_epoch(params.changed_since),
            filters={name: tuple(values) for name, values in filters.items()},
            every_value=params.filter_op == "AND",
            sorts=tuple(parse_sort(text) for text in params.sort),
            facets=tuple(params.facets),
            limit=params.limit,
            offset=params.offset,
            visible=allowed,
        )
        page = search_index(service.index(), asked)
    except (SearchError, QueryError) as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    log_read(
        request, "search", dataset, {"q": params.q, "results": [r["id"] for r in page.results]}
    )
    return {
        "limit": params.limit,
        "offset": params.offset,
        "total": {"value": page.total, "relation": page.relation},
        "results": page.results,
        "facets": page.facets,
    }


@router.get(
    "/entities/{entity_id}",
    response_model=None,
    responses={
        **ok(EntityResponse),
        **errors(404),
        308: {"description": "The id is one the entity was merged from: its own id's URL"},
    },
)
def entity(
    request: Request,
    entity_id: str = Path(max_length=500),
    nested: bool = Query(True, description="Include the family and associates' entities."),
) -> Any:
    """One entity, with its family and associates nested as yente nests adjacent entities
    (`nested=false`: the entity alone). An id the entity was merged from (its
    `referents`) redirects to the entity's own, as yente does. An entity that is no
    person or company (a sanction, an ownership) comes as stored, with the entities it
    refers to nested."""
    found, _ = _entity_or_redirect(request, entity_id, nested, "entity")
    return found


class AdjacentParams(QueryModel):
    """yente's paging of /entities/{id}/adjacent."""

    sort: list[str] = Field(
        default_factory=list, description="yente's sort: accepted; pages are in nesting order."
    )
    limit: int = Field(default=10, ge=0, le=500)
    offset: int = Field(default=0, ge=0, le=MAX_RESULTS - 500)


@router.get(
    "/entities/{entity_id}/adjacent",
    response_model=None,
    responses={**ok(EntityAdjacentResponse), **errors(404), 308: {"description": "merged id"}},
    openapi_extra=AdjacentParams.openapi(),
)
def adjacent(
    request: Request,
    params: Annotated[AdjacentParams, Depends(AdjacentParams.from_request)],
    entity_id: str = Path(max_length=500),
) -> Any:
    """The entities adjacent to one (family, sanctions, ownerships, addresses), a page per
    property, as yente's paginated form of the nesting in /entities/{id}."""
    found, capped = _entity_or_redirect(request, entity_id, True, "adjacent", ADJACENT_CAP)
    if not isinstance(found, dict):
        return found
    pages = adjacent_pages(found, params.limit, params.offset, capped=capped)
    return {"entity": without_nesting(found), "adjacent": pages}


@router.get(
    "/entities/{entity_id}/adjacent/{property_name}",
    response_model=None,
    responses={**ok(AdjacentResultsResponse), **errors(404), 308: {"description": "merged id"}},
    openapi_extra=AdjacentParams.openapi(),
)
def adjacent_by_property(
    request: Request,
    params: Annotated[AdjacentParams, Depends(AdjacentParams.from_request)],
    entity_id: str = Path(max_length=500),
    property_name: str = Path(max_length=100),
) -> Any:
    """A page of the entities adjacent to one under one property ("ownershipOwner",
    "addressEntity"); 404 for a property of no entity type."""
    found, capped = _entity_or_redirect(request, entity_id, True, "adjacent", ADJACENT_CAP)
    if not isinstance(found, dict):
        return found
    schema = model.get(found["schema"])
    prop = schema.get(property_name) if schema else None
    if prop is None or prop.type != registry.entity:
        raise HTTPException(
            status_code=404, detail=f"{found['schema']} has no entity property {property_name!r}"
        )
    pages = adjacent_pages(found, params.limit, params.offset, property_name, capped)
    return pages[property_name]


def _entity_or_redirect(
    request: Request, entity_id: str, nested: bool, action: str, cap: int = MAX_ADJACENT
) -> tuple[dict[str, Any] | RedirectResponse, bool]:
    """The entity the caller may see, nested or not, or the redirect from an id it was
    merged from (404 when there is none); and whether more entities may refer to it
    than the `cap` nested."""
    index = screening_service(request).index()
    allowed = visible(request)
    row = index.row_for(entity_id, allowed)
    if row is None:
        # Not a person or company: a sanction, an ownership, an address, as stored.
        with request.app.state.store.reader() as reader:
            stored = stored_entity(reader, entity_id, allowed)
        if stored is None:
            raise HTTPException(status_code=404, detail=f"no entity {entity_id!r}")
        audit_read(request, action, entity_id)
        return stored, False
    if index.ids[row] != entity_id:
        # A path, as yente gives: a URL built from the Host header would send the
        # client wherever the header pointed.
        route = request.scope["route"].name
        url = request.scope.get("root_path", "") + request.app.url_path_for(
            route, **{**request.path_params, "entity_id": index.ids[row]}
        )
        query = request.url.query
        return RedirectResponse(f"{url}?{query}" if query else url, status_code=308), False
    audit_read(request, action, entity_id)
    data = index.entity(row, allowed)
    if not nested:
        return data, False
    ties = index.related_in(row, allowed)
    with request.app.state.store.reader() as reader:
        # What the entity refers to (its addressEntity, ...) nested as yente nests it.
        nest_references(reader, [data], allowed)
        # Everything else that refers to it (sanctions, ownerships, directorships) but the
        # ties nested from the index below; one the index holds but does not show this
        # user (its other end is in a dataset they may not see) comes as stored.
        adjacent, more = adjacent_entities(
            reader, entity_id, allowed, skip={r.edge_id for r in ties}, cap=cap
        )
    for relation in ties:
        other = index.entity(relation.other, allowed)
        this_end, other_end = relation.this_end, relation.other_end
        edge = {
            "id": relation.edge_id,
            "schema": relation.edge_schema,
            "caption": f"{other['caption']}: {relation.other_is}",
            "properties": {
                this_end: [entity_id],
                other_end: [other],
                # As recorded: what the edge's relative is to its person.
                "relationship": [relation.other_is if this_end == "person" else relation.this_is],
            },
        }
        data["properties"].setdefault(nesting_property(relation.edge_schema, this_end), []).append(
            edge
        )
    for prop, edges in adjacent.items():
        data["properties"].setdefault(prop, []).extend(edges)
    return data, more


@router.get("/catalog", response_model=None, responses=ok(DataCatalogModel))
def data_catalog(request: Request) -> dict[str, Any]:
    """The datasets queries may be scoped to (yente's catalog): each loaded dataset the
    caller may see, and `default`, all of them."""
    service = screening_service(request)
    # Counted once per index (a load or a resolution run makes a new one).
    cached = getattr(request.app.state, "catalog_counts", None)
    generation = service.index().generation
    if cached is None or cached[0] != generation:
        cached = request.app.state.catalog_counts = (
            generation,
            dataset_counts(request.app.state.store),
            {},  # entities of each set of datasets together, once per set
        )
    totals: dict[frozenset[str], int] = cached[2]

    def together(names: frozenset[str]) -> int:
        if names not in totals:
            totals[names] = distinct_entities(request.app.state.store, names)
        return totals[names]

    return catalog(cached[1], visible(request), together)


@router.get("/algorithms", response_model=None, responses=ok(AlgorithmResponse))
def algorithms() -> dict[str, Any]:
    """The matching algorithm and its features (yente's shape)."""
    described = [
        (
            ALGORITHM,
            "nohaven's cross-script person-name matcher (Han, pinyin, Wade-Giles, "
            "Cantonese, Macau, Hokkien, Hakka), qualified by birth date, gender and "
            "identifiers; yente's algorithm names are served by it too.",
            FEATURES,
        ),
        (
            ALGORITHM_UNWEIGHTED,
            "The same matcher without the name-frequency weight: a name alone is a match "
            "against every namesake of a listed person.",
            {k: v for k, v in FEATURES.items() if k != "name_frequency"},
        ),
    ]
    return {
        # yente's shape: `features` (deprecated there) and `docs` with the same features
        # and the algorithm's configuration, of which nohaven's matcher takes none.
        "algorithms": [
            {
                "name": name,
                "description": description,
                "features": features,
                "docs": {
                    "name": name,
                    "description": description,
                    "config": {},
                    "features": features,
                },
            }
            for name, description, features in described
        ],
        "default": ALGORITHM,
        "best": ALGORITHM,
    }
