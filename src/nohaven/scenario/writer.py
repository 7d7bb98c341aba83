"""All file output of the scenario generator.

One place owns the output directory: it checks that a directory may be
(over)written, writes FtM JSON lines, CSV (through pyarrow, in chunks) and
mapping files, and counts the rows of every file for the summary. Generator
modules hand it plain dicts and column arrays and never open files
themselves.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml

# Top-level entries a scenario directory may contain; nothing else is written.
LAYOUT = ("registry", "foreign", "declarations", "ledger", "truth", "scenario.json")
GENERATOR = "nohaven.scenario"

Entity = dict[str, Any]
PropertyValue = str | Sequence[str] | None


def prepare_out_dir(out: Path) -> None:
    """Make ``out`` ready for a new scenario, or raise ValueError.

    An absent or empty directory is fine; so is a previous scenario (recognised
    by its ``scenario.json``), whose layout is removed first. Anything else is
    refused so the generator never deletes files it did not write.
    """
    if out.exists() and not out.is_dir():
        raise ValueError(f"output path {out} exists and is not a directory")
    if out.exists() and any(out.iterdir()):
        marker = out / "scenario.json"
        if not _is_scenario(marker):
            raise ValueError(
                f"output directory {out} is not empty and does not hold a previous "
                "scenario (no scenario.json written by nohaven); choose another directory"
            )
        for name in LAYOUT:
            path = out / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    out.mkdir(parents=True, exist_ok=True)


def _is_scenario(marker: Path) -> bool:
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("generator") == GENERATOR


def entity(entity_id: str, schema: str, **properties: PropertyValue) -> Entity:
    """An FtM entity dict; empty values are dropped and single values listed."""
    props: dict[str, list[str]] = {}
    for name, value in properties.items():
        if value is None or value == "":
            continue
        values = [value] if isinstance(value, str) else [v for v in value if v]
        if values:
            props[name] = list(dict.fromkeys(values))
    return {"id": entity_id, "schema": schema, "properties": props}


class _ClosedOnExit:
    """Context-manager protocol for writers: leaving the block closes the file."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class FtmWriter(_ClosedOnExit):
    """Writes FtM entities as JSON lines, one entity per line."""

    def __init__(self, path: Path, on_close: Any) -> None:
        self.path = path
        self.rows = 0
        self._on_close = on_close
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("w", encoding="utf-8", newline="\n")

    def write(self, item: Entity) -> None:
        """Write one entity."""
        self._file.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        self._file.write("\n")
        self.rows += 1

    def write_all(self, items: Iterable[Entity]) -> None:
        """Write many entities."""
        for item in items:
            self.write(item)

    def close(self) -> None:
        self._file.close()
        self._on_close(self.path, self.rows)


Column: TypeAlias = Sequence[Any] | np.ndarray | pa.Array


class CsvWriter(_ClosedOnExit):
    """Writes a CSV file chunk by chunk through pyarrow.

    Missing values are given as ``None`` and written as empty, unquoted cells.
    ``quote=False`` writes no quotes at all and fails loudly if a value would
    need them; the ledger uses it because it is large and controls its values.
    """

    def __init__(self, path: Path, columns: Sequence[str], on_close: Any, quote: bool) -> None:
        self.path = path
        self.columns = list(columns)
        self.rows = 0
        self._on_close = on_close
        self._schema = pa.schema([(name, pa.string()) for name in self.columns])
        path.parent.mkdir(parents=True, exist_ok=True)
        # The header is written by hand: pyarrow quotes header names even when
        # asked not to quote, and plain names read better.
        self._file = path.open("wb")
        self._file.write((",".join(self.columns) + "\n").encode("utf-8"))
        options = pacsv.WriteOptions(
            include_header=False, quoting_style="needed" if quote else "none"
        )
        self._writer = pacsv.CSVWriter(self._file, self._schema, write_options=options)

    def write(self, columns: Mapping[str, Column]) -> None:
        """Write one chunk given as column name → values (all the same length)."""
        arrays = [_as_string_array(columns[name]) for name in self.columns]
        table = pa.Table.from_arrays(arrays, schema=self._schema)
        self._writer.write_table(table)
        self.rows += table.num_rows

    def write_rows(self, rows: Sequence[Mapping[str, str | None]]) -> None:
        """Write a chunk given as row dicts (for small planted tables)."""
        if rows:
            self.write({name: [row.get(name) for row in rows] for name in self.columns})

    def close(self) -> None:
        self._writer.close()
        self._file.close()
        self._on_close(self.path, self.rows)


def _as_string_array(values: Column) -> pa.Array:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        array = values if values.type == pa.string() else pc.cast(values, pa.string())
        return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    if isinstance(values, np.ndarray) and values.dtype.kind == "U":
        return pa.array(values.tolist(), pa.string())
    return pa.array(values, pa.string())


def format_cents(cents: np.ndarray) -> pa.Array:
    """Decimal strings with two decimals ("1234.50") from integer cents, vectorised."""
    cents = np.asarray(cents, np.int64)
    whole = pc.cast(pa.array(cents // 100), pa.string())
    frac = pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), 2, "0")
    return pc.binary_join_element_wise(whole, frac, ".")


def cents_str(cents: int) -> str:
    """One decimal string with two decimals from integer cents."""
    return f"{cents // 100}.{cents % 100:02d}"


class Output:
    """The scenario directory being written, with a row count per file."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.counts: dict[str, int] = {}

    def _closed(self, path: Path, rows: int) -> None:
        self.counts[path.relative_to(self.out).as_posix()] = rows

    def ftm(self, relpath: str) -> FtmWriter:
        """A writer for ``relpath`` (must end in ``.ftm.json``)."""
        assert relpath.endswith(".ftm.json"), relpath
        return FtmWriter(self.out / relpath, self._closed)

    def csv(self, relpath: str, columns: Sequence[str], quote: bool = True) -> CsvWriter:
        """A CSV writer for ``relpath`` with the given header."""
        return CsvWriter(self.out / relpath, columns, self._closed, quote)

    def jsonl(self, relpath: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Write plain JSON lines (declarations)."""
        path = self.out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        count = 0
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
                handle.write("\n")
                count += 1
        self._closed(path, count)

    def mapping(self, relpath: str, mapping: Mapping[str, Any]) -> None:
        """Write a CSV's ``.mapping.yml`` (not counted: it holds no records)."""
        path = self.out / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(dict(mapping), sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8")

    def manifest(self, data: Mapping[str, Any]) -> None:
        """Write ``scenario.json``."""
        text = json.dumps(dict(data), ensure_ascii=False, indent=2, sort_keys=False)
        (self.out / "scenario.json").write_text(text + "\n", encoding="utf-8")
