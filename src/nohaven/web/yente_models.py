"""yente's response shapes, declared for the OpenAPI document so that clients generated
from it get models, and the API fuzz checks every answer against them.

The routes build plain dicts (serialised at once by orjson on /match); these models only
describe them. Entities allow extra keys: nohaven adds `features` and `relations`, and
nested entities carry what their schema holds.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TotalSpec(BaseModel):
    value: int
    relation: str = Field(examples=["eq"])


class EntityResponse(BaseModel):
    """An entity as yente serves it; nested entities take the place of ids."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = False
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None


class FeatureResult(BaseModel):
    """nomenklatura's explanation of one feature: what it found and on which values."""

    detail: str | None
    score: float
    query: str | None = None
    candidate: str | None = None


class ScoredEntityResponse(EntityResponse):
    score: float
    match: bool
    features: dict[str, float] = {}
    explanations: dict[str, FeatureResult] = {}
    relations: list[dict[str, Any]] = []


class EntityExampleResponse(BaseModel):
    """The query as it was matched, its values cleaned by the FtM model."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = None
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExampleResponse


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, Any] = {}
    limit: int


class SearchFacetItem(BaseModel):
    name: str
    label: str
    count: int


class SearchFacet(BaseModel):
    label: str
    values: list[SearchFacetItem]


class SearchResponse(BaseModel):
    limit: int
    offset: int
    total: TotalSpec
    results: list[EntityResponse]
    facets: dict[str, SearchFacet]


class AdjacentResultsResponse(BaseModel):
    """A page of the entities adjacent to one under one property."""

    limit: int
    offset: int
    total: TotalSpec
    results: list[EntityResponse]


class EntityAdjacentResponse(BaseModel):
    """An entity and, for each property with any, a page of its adjacent entities."""

    entity: EntityResponse
    adjacent: dict[str, AdjacentResultsResponse]


class AlgorithmDocs(BaseModel):
    name: str
    description: str | None = None
    config: dict[str, Any] = {}
    features: dict[str, Any] = {}


class Algorithm(BaseModel):
    name: str
    description: str | None = None
    features: dict[str, Any] = {}
    docs: AlgorithmDocs


class AlgorithmResponse(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str


class CatalogDataset(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str
    title: str
    version: str
    updated_at: str | None = None
    entity_count: int | None = None
    children: list[str] = []
    load: bool | None = None
    index_version: str | None = None
    index_current: bool = False


class DataCatalogModel(BaseModel):
    datasets: list[CatalogDataset]
    current: list[str]
    outdated: list[str]
    index_stale: bool = False


def ok(model: type[BaseModel], description: str = "Successful Response") -> dict[int, Any]:
    """A route's documented 200 answer."""
    return {200: {"model": model, "description": description}}
