"""Batch screening of a CSV file of people (visa applicants, bank customers).

Every row is checked before any is screened, so a bad file is one message naming its
line and column, and no half-screened output is written.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nohaven.errors import InputError
from nohaven.ingest.files import text_lines
from nohaven.screen.index import ScreeningIndex
from nohaven.screen.match import Matched, MatchOptions
from nohaven.screen.pool import MatchPool, match_in
from nohaven.screen.query import QueryError, ScreeningQuery, parse_query

# CSV column → FtM property; either spelling of a column is accepted.
COLUMNS: dict[str, str] = {
    "name": "name",
    "alias": "alias",
    "birth_date": "birthDate",
    "birthdate": "birthDate",
    "gender": "gender",
    "nationality": "nationality",
    "country": "country",
    "id_number": "idNumber",
    "idnumber": "idNumber",
    "passport_number": "passportNumber",
    "passportnumber": "passportNumber",
    "address": "address",
}

CHUNK = 64  # queries a worker is given at a time

OUTPUT_COLUMNS = (
    "row",
    "query_id",
    "query_name",
    "rank",
    "entity_id",
    "caption",
    "schema",
    "score",
    "match",
    "relation",
    "datasets",
    "explanation",
)


def read_queries(path: Path) -> list[tuple[int, ScreeningQuery]]:
    """(line, query) for every data row; InputError on the first bad one."""
    if not path.is_file():
        raise InputError(path, "no such file")
    queries: list[tuple[int, ScreeningQuery]] = []
    with text_lines(path) as lines:
        reader = csv.reader(lines)
        header = next(reader, None)
        if header is None:
            raise InputError(path, "the file is empty; expected a header with a name column")
        columns = [h.strip().lower() for h in header]
        if "name" not in columns:
            raise InputError(path, "required column missing", line=1, field="name")
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            cells = dict(zip(columns, row, strict=False))
            properties: dict[str, list[str]] = {}
            for column, value in cells.items():
                prop = COLUMNS.get(column)
                if prop and value.strip():
                    properties.setdefault(prop, []).append(value.strip())
            if not properties.get("name"):
                raise InputError(path, "empty name", line=line, field="name")
            example = {
                "schema": cells.get("schema", "").strip() or "Person",
                "properties": properties,
            }
            try:
                query = parse_query(example, (cells.get("id") or "").strip() or str(line))
            except QueryError as exc:
                raise InputError(path, str(exc), line=line) from None
            queries.append((line, query))
    return queries


def screen_queries(
    index: ScreeningIndex,
    queries: list[tuple[int, ScreeningQuery]],
    *,
    datasets: frozenset[str] | None,
    limit: int,
    threshold: float,
    advance: Callable[[float], None] | None = None,
    weigh_namesakes: bool = True,
    topics: frozenset[str] = frozenset(),
    changed_since: float | None = None,
    workers: int = 0,
) -> list[dict[str, Any]]:
    """One response per query, in yente's per-query shape plus the input line (only
    results carrying one of ``topics``, or changed after ``changed_since``, when given).
    With ``workers``, the queries are matched in that many forked match workers
    (`nohaven.screen.pool`), a chunk at a time, and answered exactly as in-process."""
    options = MatchOptions(
        limit=limit,
        threshold=threshold,
        include_datasets=datasets,
        topics=topics,
        changed_since=changed_since,
        weigh_namesakes=weigh_namesakes,
    )
    chunks = [
        {str(line): query for line, query in queries[start : start + CHUNK]}
        for start in range(0, len(queries), CHUNK)
    ]
    matched = asyncio.run(_match_chunks(index, chunks, options, workers, advance))
    responses = []
    for chunk, answers in zip(chunks, matched, strict=True):
        for key, query in chunk.items():
            results, total = answers[key]
            responses.append(
                {
                    "row": int(key),
                    "status": 200,
                    "results": results,
                    "total": {"value": total, "relation": "eq"},
                    "query": query.as_dict(),
                }
            )
    return responses


async def _match_chunks(
    index: ScreeningIndex,
    chunks: list[dict[str, ScreeningQuery]],
    options: MatchOptions,
    workers: int,
    advance: Callable[[float], None] | None,
) -> list[Matched]:
    """Every chunk matched, in order: by the workers when there are any."""
    pool = MatchPool(index, workers) if workers else None

    async def one(chunk: dict[str, ScreeningQuery]) -> Matched:
        answers = await match_in(pool, index, chunk, options)
        if advance:
            advance(len(chunk))
        return answers

    try:
        return await asyncio.gather(*(one(chunk) for chunk in chunks))
    finally:
        if pool is not None:
            pool.close()


def csv_rows(responses: list[dict[str, Any]]) -> list[list[str]]:
    """One output row per result (or one with no result), columns OUTPUT_COLUMNS."""
    rows = []
    for response in responses:
        query = response["query"]
        name = (query["properties"].get("name") or [""])[0]
        head = [str(response["row"]), query["id"] or "", name]
        if not response["results"]:
            rows.append([*head, "", "", "", "", "0", "false", "", "", ""])
        for rank, result in enumerate(response["results"], start=1):
            explanations = result["explanations"]
            rows.append(
                [
                    *head,
                    str(rank),
                    result["id"],
                    result["caption"],
                    result["schema"],
                    f"{result['score']:.4f}",
                    "true" if result["match"] else "false",
                    explanations.get("relation", ""),
                    ";".join(result["datasets"]),
                    "; ".join(
                        explanations[k]
                        for k in ("name", "address", "name_frequency")
                        if k in explanations
                    ),
                ]
            )
    return rows
