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

from nohaven.dates import MISSING, read_date
from nohaven.errors import InputError
from nohaven.ingest.files import text_lines
from nohaven.screen.index import ScreeningIndex
from nohaven.screen.match import Matched, MatchOptions
from nohaven.screen.pool import MatchPool, match_in
from nohaven.screen.query import QueryError, ScreeningQuery, parse_query

# CSV column → FtM property, by the column's letters and digits in lower case, so
# "Date of Birth", "date_of_birth" and "DateOfBirth" are one column: the headers banks'
# and visa offices' exports use.
_COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full_name"),
    "alias": ("alias", "aliases", "other_names"),
    "firstName": ("first_name", "given_name", "given_names", "forename", "forenames"),
    "middleName": ("middle_name", "middle_names"),
    "lastName": ("last_name", "surname", "family_name"),
    "fatherName": ("father_name", "patronymic"),
    "birthDate": ("birth_date", "date_of_birth", "dob"),
    "gender": ("gender", "sex"),
    "nationality": ("nationality", "citizenship"),
    "country": ("country",),
    "idNumber": ("id_number", "national_id"),
    "passportNumber": ("passport_number", "passport", "passport_no"),
    "address": ("address",),
}


def column_key(header: str) -> str:
    """A header's letters and digits in lower case ("Date of Birth" → "dateofbirth")."""
    return "".join(c for c in header.lower() if c.isalnum())


COLUMNS: dict[str, str] = {
    column_key(column): prop for prop, columns in _COLUMN_NAMES.items() for column in columns
}
_NAME_COLUMNS = frozenset(
    key for key, prop in COLUMNS.items() if prop in ("name", "firstName", "lastName")
)

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
        columns = [column_key(h) for h in header]
        if not _NAME_COLUMNS & set(columns):
            raise InputError(
                path,
                "required column missing (or 'first_name' and 'last_name')",
                line=1,
                field="name",
            )
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            cells = dict(zip(columns, row, strict=False))
            properties: dict[str, list[str]] = {}
            for column, value in cells.items():
                prop = COLUMNS.get(column)
                value = value.strip()
                if not prop or not value:
                    continue
                if prop == "birthDate":
                    if value.lower() in MISSING:
                        continue
                    read, value = value, read_date(value) or ""
                    if not value:
                        raise InputError(
                            path,
                            f"{read!r} is not a date (YYYY-MM-DD, DD/MM/YYYY, 15 Feb 1953, ...)",
                            line=line,
                            field=header[columns.index(column)].strip(),
                        )
                properties.setdefault(prop, []).append(value)
            if not any(properties.get(p) for p in ("name", "firstName", "lastName")):
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
                    explanations.get("relation", {}).get("detail", ""),
                    ";".join(result["datasets"]),
                    "; ".join(
                        explanations[k]["detail"]
                        for k in (
                            "name",
                            "identifier",
                            "identity_card",
                            "address",
                            "name_frequency",
                            "known_as",
                            "name_system",
                        )
                        if k in explanations
                    ),
                ]
            )
    return rows
