"""What a file is and its fingerprint: kind guessing, hashing, and directory walking."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO

import pyarrow.parquet as pq

from nohaven.errors import InputError


class Kind(StrEnum):
    """The input formats nohaven loads (docs/FORMATS.md describes each)."""

    FTM = "ftm"
    CSV = "csv"
    LEDGER = "ledger"
    ACCOUNTS = "accounts"
    DECLARATIONS = "declarations"


LEDGER_REQUIRED = ("id", "timestamp", "from_account", "to_account", "amount", "currency")
ACCOUNTS_REQUIRED = ("account", "holder", "bank", "country", "kind")
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson", ".ijson")
TABLE_SUFFIXES = (".csv", ".tsv", ".parquet")
MAPPING_SUFFIXES = (".mapping.yml", ".mapping.yaml")
# Files a directory load passes over: ground truth, generator manifests, mappings, notes.
SKIPPED_DIRS = {"truth"}
SKIPPED_SUFFIXES = (".yml", ".yaml", ".md", ".txt")
SKIPPED_NAMES = {"scenario.json"}


def sha256_file(path: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    """SHA-256 of the file's bytes, as cited in dossiers and used for idempotent loads."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            if on_bytes is not None:
                on_bytes(len(chunk))
    return digest.hexdigest()


def base_name(path: Path) -> str:
    """The file name without compression and format suffixes: `a.ftm.json.gz` → `a`."""
    name = path.name
    for suffix in (".gz", *JSON_SUFFIXES, *TABLE_SUFFIXES, ".ftm"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


@contextmanager
def text_lines(path: Path) -> Iterator[Iterator[str]]:
    """The lines of a UTF-8 text file (`.gz` read transparently, a BOM allowed).

    Each line is decoded on its own, so a bad byte is reported with its line number,
    and a broken gzip stream as one message naming the file.
    """
    try:
        # Closed in the finally below; a with-block cannot span the yield of lines().
        raw: IO[bytes] = gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(path, f"cannot read the file ({exc.strerror or exc})") from None

    def lines() -> Iterator[str]:
        try:
            for number, data in enumerate(raw, start=1):
                try:
                    yield data.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    raise InputError(path, "not UTF-8 text", line=number) from None
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise InputError(path, f"not a readable gzip file ({exc})") from None

    try:
        yield lines()
    finally:
        raw.close()


def table_format(path: Path) -> str:
    """'csv' or 'parquet' for a tabular file."""
    return "parquet" if path.name.endswith(".parquet") else "csv"


def read_header(path: Path) -> list[str]:
    """Column names of a CSV or Parquet file, stripped of whitespace."""
    if table_format(path) == "parquet":
        try:
            return [name.strip() for name in pq.read_schema(path).names]
        except Exception as exc:
            raise InputError(path, f"not a readable Parquet file ({exc})") from None
    delimiter = "\t" if ".tsv" in path.name else ","
    with text_lines(path) as lines:
        row = next(csv.reader(lines, delimiter=delimiter), None)
    if not row:
        raise InputError(path, "the file is empty; expected a header row", line=1)
    return [name.strip() for name in row]


def mapping_for(path: Path) -> Path | None:
    """The sibling mapping of a CSV file: `deeds.csv` → `deeds.mapping.yml`."""
    for suffix in MAPPING_SUFFIXES:
        candidate = path.with_name(base_name(path) + suffix)
        if candidate.exists():
            return candidate
    return None


def _first_json_object(path: Path) -> dict[str, object]:
    with text_lines(path) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(path, f"not JSON lines ({exc.msg})", line=number) from None
            except RecursionError:
                raise InputError(path, "not JSON lines (nested too deeply)", line=number) from None
            if not isinstance(data, dict):
                raise InputError(path, "each line must be a JSON object", line=number)
            return data
    raise InputError(path, "the file is empty")


def guess_kind(path: Path) -> Kind:
    """Tell the format from the name and first record; ask for --kind when unsure."""
    name = path.name.removesuffix(".gz")
    if name.endswith(JSON_SUFFIXES):
        first = _first_json_object(path)
        if "schema" in first and "id" in first:
            return Kind.FTM
        if "declaration_id" in first or "official_id" in first:
            return Kind.DECLARATIONS
        raise InputError(
            path, "cannot tell the kind of this JSON file; give --kind ftm or declarations"
        )
    if name.endswith(TABLE_SUFFIXES):
        header = set(read_header(path))
        if set(LEDGER_REQUIRED) <= header:
            return Kind.LEDGER
        if set(ACCOUNTS_REQUIRED) <= header:
            return Kind.ACCOUNTS
        if mapping_for(path) is not None:
            return Kind.CSV
        raise InputError(
            path,
            "cannot tell the kind of this table: it has neither the ledger nor the accounts "
            "columns and no sibling .mapping.yml; give --kind and --mapping",
        )
    raise InputError(
        path, "unknown file type; give --kind (ftm, csv, ledger, accounts, declarations)"
    )


def walk_inputs(root: Path) -> Iterator[Path]:
    """Loadable files under a directory, in a stable order, skipping truth and mappings."""
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in relative.parts):
            continue
        if not path.is_file() or path.name in SKIPPED_NAMES:
            continue
        if path.name.endswith(SKIPPED_SUFFIXES):
            continue
        yield path


def csv_records(
    path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Iterator[tuple[int, list[str]]]:
    """(line number, stripped cells) of a small CSV whose header is exactly ``columns``
    followed by any leading part of ``optional``; blank lines are skipped. A wrong header
    or a row with another number of cells is one InputError naming the line."""
    with text_lines(path) as lines:
        reader = csv.reader(lines)
        header = [h.strip() for h in next(reader, [])]
        allowed = [list(columns) + list(optional[:k]) for k in range(len(optional) + 1)]
        if header not in allowed:
            extra = "".join(f"[,{name}]" for name in optional)
            raise InputError(path, f"the header must be {','.join(columns)}{extra}", line=1)
        for number, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise InputError(
                    path, f"expected {len(header)} columns, got {len(row)}", line=number
                )
            yield number, [cell.strip() for cell in row]
