"""Ledgers and account lists: columnar files loaded by DuckDB itself.

The fast path is one INSERT ... SELECT over `read_csv`/`read_parquet` (no Python per
row). Only when that fails or a validity check finds a bad row do we rescan the file
with row numbers to name the first bad line and field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from nohaven.errors import InputError
from nohaven.ingest.files import ACCOUNTS_REQUIRED, LEDGER_REQUIRED, read_header, table_format
from nohaven.store import Store

CHANNELS = ("wire", "cash_deposit", "cash_withdrawal", "fx_purchase", "card", "casino", "cheque")
ACCOUNT_KINDS = ("person", "company", "casino", "bank", "unknown")


_TYPE_NAMES = {
    "TIMESTAMPTZ": "ISO 8601 timestamp",
    "DECIMAL(20,2)": "decimal amount",
}


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    required: bool
    # SQL expression over the typed column `v` that must hold, and the complaint if not.
    check: str | None = None
    complaint: str = ""
    # Expression storing the value (normalising case, defaults).
    store_as: str = "{c}"


def _text(name: str, required: bool) -> Column:
    if required:
        return Column(name, "VARCHAR", True, "v IS NOT NULL AND trim(v) <> ''", "is empty")
    return Column(name, "VARCHAR", False)


def _country(name: str) -> Column:
    return Column(
        name,
        "VARCHAR",
        False,
        "v IS NULL OR regexp_full_match(v, '[A-Za-z]{2}')",
        "{value} is not a two-letter ISO country code",
        "lower({c})",
    )


def _one_of(name: str, values: tuple[str, ...], required: bool) -> Column:
    allowed = ", ".join(f"'{v}'" for v in values)
    check = f"lower(v) IN ({allowed})" if required else f"v IS NULL OR lower(v) IN ({allowed})"
    return Column(
        name, "VARCHAR", required, check, "{value} is not one of " + ", ".join(values), "lower({c})"
    )


@dataclass(frozen=True)
class TableSpec:
    """A columnar input format: its columns, checks, unique key and target table."""

    table: str
    columns: tuple[Column, ...]
    key: str

    def by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}


LEDGER = TableSpec(
    "ledger",
    (
        _text("id", True),
        # Read as TIMESTAMPTZ so an explicit offset is honoured; stored as UTC.
        Column("timestamp", "TIMESTAMPTZ", True, "v IS NOT NULL", "is empty", "{c}::TIMESTAMP"),
        _text("from_account", True),
        _text("to_account", True),
        Column(
            "amount",
            "DECIMAL(20,2)",
            True,
            "v IS NOT NULL AND v > 0",
            "{value} is not a positive amount",
        ),
        Column(
            "currency",
            "VARCHAR",
            True,
            "regexp_full_match(v, '[A-Za-z]{3}')",
            "{value} is not a three-letter ISO currency code",
            "upper({c})",
        ),
        _one_of("channel", CHANNELS, False),
        _country("from_country"),
        _country("to_country"),
        _text("memo", False),
    ),
    key="id",
)

ACCOUNTS = TableSpec(
    "accounts",
    (
        _text("account", True),
        _text("holder", False),
        _text("bank", False),
        _country("country"),
        _one_of("kind", ACCOUNT_KINDS, True),
    ),
    key="account",
)

assert {c.name for c in LEDGER.columns if c.required} == set(LEDGER_REQUIRED)
assert {c.name for c in ACCOUNTS.columns} >= set(ACCOUNTS_REQUIRED)


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _scan(path: Path, header: list[str], spec: TableSpec, typed: bool) -> str:
    """The table function reading the file, typed or all-text (for diagnosis)."""
    columns = spec.by_name()
    if table_format(path) == "parquet":
        return f"read_parquet({_quote(path)}, file_row_number = true)"
    types = ", ".join(
        f"'{name}': '{columns[name].sql_type if typed else 'VARCHAR'}'" for name in header
    )
    delim = "\\t" if ".tsv" in path.name else ","
    return (
        f"read_csv({_quote(path)}, header = true, auto_detect = false, delim = '{delim}', "
        f"quote = '\"', escape = '\"', columns = {{{types}}}, strict_mode = true)"
    )


def _check_header(path: Path, header: list[str], spec: TableSpec) -> None:
    known = spec.by_name()
    for position, name in enumerate(header, start=1):
        if name not in known:
            raise InputError(
                path,
                f"unknown column (column {position}); expected {', '.join(known)}",
                line=1,
                field=name,
            )
    if len(set(header)) != len(header):
        dup = next(n for n in header if header.count(n) > 1)
        raise InputError(path, "column appears twice", line=1, field=dup)
    for column in spec.columns:
        if column.required and column.name not in header:
            raise InputError(path, "required column missing", line=1, field=column.name)


def _validity(spec: TableSpec, header: list[str]) -> list[tuple[str, str, str]]:
    """(field, failing-condition SQL, complaint) per checked column, in column order.

    Written over the file's raw values (TRY_CAST first), for the diagnosing rescan.
    """
    checks = []
    for column in spec.columns:
        if column.name not in header:
            continue
        ref = f'"{column.name}"'
        if column.sql_type != "VARCHAR":
            checks.append(
                (
                    column.name,
                    f"{ref} IS NOT NULL AND TRY_CAST({ref} AS {column.sql_type}) IS NULL",
                    f"{{value}} is not a valid {_TYPE_NAMES.get(column.sql_type, column.sql_type)}",
                )
            )
            ref = f"TRY_CAST({ref} AS {column.sql_type})"
        if column.check:
            condition = _bind(column.check, ref)
            checks.append((column.name, f"NOT coalesce({condition}, false)", column.complaint))
    return checks


def _stored(column: Column) -> str:
    """The SELECT expression for a column: checked in the same scan that loads it.

    A failed check raises inside the INSERT (no second pass over the data on the happy
    path); the load then falls back to `_diagnose` to name the line.
    """
    ref = f'"{column.name}"'
    value = column.store_as.format(c=ref)
    if column.check:
        value = (
            f"CASE WHEN coalesce({_bind(column.check, ref)}, false) THEN {value} "
            f"ELSE error('invalid {column.name}') END"
        )
    return f"{value} AS {ref}"


def _bind(check: str, ref: str) -> str:
    """Put a column reference in place of the placeholder `v` of a check expression."""
    return re.sub(r"\bv\b", ref, check)


def _diagnose(
    store: Store,
    path: Path,
    header: list[str],
    spec: TableSpec,
    dataset: str,
    source_id: int,
    aborted: bool = False,
) -> InputError:
    """Rescan with row numbers and name the first bad line and field.

    After a failed INSERT the transaction is aborted, so the rescan runs on its own
    cursor (`aborted`); it then sees only committed rows for the 'already loaded' check.
    """
    is_parquet = table_format(path) == "parquet"
    scan = _scan(path, header, spec, typed=is_parquet)
    rownum = "file_row_number + 1" if is_parquet else "row_number() OVER ()"
    checks = _validity(spec, header)
    cases = " ".join(f"WHEN {cond} THEN {i}" for i, (_, cond, _) in enumerate(checks))
    key = f'"{spec.key}"'
    sql = f"""
        WITH rows AS (
            SELECT {rownum} AS _record, * FROM {scan}
        ), flagged AS (
            SELECT _record, CASE {cases} ELSE NULL END AS _problem, rows.* EXCLUDE (_record)
            FROM rows
        ), dup AS (
            SELECT _record, {key} AS _key,
                   count(*) OVER (PARTITION BY {key} ORDER BY _record) AS _seen
            FROM rows
        )
        SELECT 'check' AS kind, _record, _problem, NULL FROM (
            SELECT * FROM flagged WHERE _problem IS NOT NULL ORDER BY _record LIMIT 1)
        UNION ALL
        SELECT 'dup', _record, NULL, _key FROM (
            SELECT * FROM dup WHERE _seen > 1 ORDER BY _record LIMIT 1)
        UNION ALL
        SELECT 'exists', _record, NULL, _key FROM (
            SELECT rows._record, rows.{key} AS _key FROM rows
            WHERE rows.{key} IN (
                SELECT {spec.key} FROM {spec.table} WHERE dataset = ? AND source_id <> ?)
            ORDER BY rows._record LIMIT 1)
    """
    try:
        found = store.fetchall(sql, [dataset, source_id], isolated=aborted)
    except duckdb.Error as exc:
        return _from_duckdb_error(path, exc)
    line_offset = 0 if is_parquet else 1
    best = min(found, key=lambda r: r[1]) if found else None
    if best is None:
        return InputError(path, "the file could not be loaded, but no bad record was found")
    kind, record, problem, key_value = best
    line = int(record) + line_offset
    where = {"line": line} if not is_parquet else {"record": str(record)}
    if kind == "check":
        name, _, complaint = checks[int(problem)]
        value = store.fetchall(
            f'SELECT "{name}" FROM (SELECT {rownum} AS _record, * FROM {scan}) WHERE _record = ?',
            [record],
            isolated=aborted,
        )[0]
        shown = repr(value[0]) if value and value[0] is not None else "empty"
        return InputError(path, complaint.replace("{value}", shown), field=name, **where)
    if kind == "dup":
        return InputError(
            path, f"{spec.key} {key_value!r} appears twice in the file", field=spec.key, **where
        )
    return InputError(
        path,
        f"{spec.key} {key_value!r} is already loaded in dataset '{dataset}'",
        field=spec.key,
        **where,
    )


_CSV_LINE = re.compile(r"Line:\s*(\d+)")


def _from_duckdb_error(path: Path, exc: duckdb.Error) -> InputError:
    """A structural CSV problem (wrong cell count, bad quoting) as DuckDB reports it."""
    text = str(exc)
    match = _CSV_LINE.search(text)
    first = text.splitlines()[0] if text else "unreadable"
    detail = next(
        (
            ln.strip()
            for ln in text.splitlines()[1:]
            if ln.strip() and not ln.startswith("Original")
        ),
        "",
    )
    message = f"malformed file: {detail or first}"
    return InputError(path, message, line=int(match.group(1)) if match else None)


def _checked_scan(path: Path, spec: TableSpec) -> tuple[list[str], str, str]:
    """The file's header, the SELECT list that checks and stores each column, and the
    typed scan it reads from (Parquet columns cast to the spec's types)."""
    header = read_header(path)
    _check_header(path, header, spec)
    columns = spec.by_name()
    select = ", ".join(_stored(columns[name]) for name in header)
    source = _scan(path, header, spec, typed=True)
    if table_format(path) == "parquet":
        casts = ", ".join(f'CAST("{n}" AS {columns[n].sql_type}) AS "{n}"' for n in header)
        source = f"(SELECT {casts} FROM {source})"
    return header, select, source


def load_table(
    store: Store,
    path: Path,
    spec: TableSpec,
    dataset: str,
    source_id: int,
    on_progress: Callable[[float], None] | None = None,
) -> int:
    """Load a ledger or account file inside the caller's transaction; returns its rows."""
    header, select, source = _checked_scan(path, spec)
    names = ", ".join(f'"{name}"' for name in header)
    insert = (
        f"INSERT INTO {spec.table} ({names}, dataset, source_id) "
        f"SELECT {select}, ?, ? FROM {source}"
    )
    try:
        # Row order in the table carries no meaning (the rescan recovers file order
        # when needed), so DuckDB may write in whatever order its threads finish.
        with store.setting("preserve_insertion_order", "false"):
            if on_progress is not None:
                store.execute_with_progress(insert, [dataset, source_id], on_progress)
            else:
                store.execute(insert, [dataset, source_id])
    except duckdb.Error:
        raise _diagnose(store, path, header, spec, dataset, source_id, aborted=True) from None
    row = store.fetchone(f"SELECT count(*) FROM {spec.table} WHERE source_id = ?", [source_id])
    rows = int(row[0]) if row else 0
    duplicated = store.fetchone(
        f"SELECT 1 FROM {spec.table} WHERE dataset = ? "
        f"GROUP BY {spec.key} HAVING count(*) > 1 LIMIT 1",
        [dataset],
    )
    if duplicated:
        raise _diagnose(store, path, header, spec, dataset, source_id)
    return rows


def read_checked(store: Store, path: Path, spec: TableSpec, into: str, select: str) -> int:
    """A ledger or account file checked like a load, into a table (of a scratch store) in file
    order (its rowid); returns the rows.

    ``select`` is SQL over the checked columns (named as in the file), e.g. converting
    amounts to cents. Bad rows and duplicate keys raise the load's own InputError.
    """
    header, checked, source = _checked_scan(path, spec)
    try:
        store.execute(
            f"CREATE OR REPLACE TABLE {into} AS "
            f"SELECT {select} FROM (SELECT {checked} FROM {source})"
        )
    except duckdb.Error:
        raise _diagnose(store, path, header, spec, "", -1) from None
    if store.fetchone(f"SELECT 1 FROM {into} GROUP BY {spec.key} HAVING count(*) > 1 LIMIT 1"):
        raise _diagnose(store, path, header, spec, "", -1)
    row = store.fetchone(f"SELECT count(*) FROM {into}")
    return int(row[0]) if row else 0
