"""Errors the user can cause, each carrying what a clear one-line message needs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class NohavenError(Exception):
    """Base class for errors reported to the user as one message, never a traceback."""


@dataclass
class InputError(NohavenError):
    """A bad input file: names the file and, when known, the line (or record) and field."""

    path: Path | str
    message: str
    line: int | None = None
    field: str | None = None
    record: str | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f", line {self.line}"
        if self.record is not None:
            where += f", record {self.record}"
        if self.field is not None:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class StoreError(NohavenError):
    """The database cannot be opened or used (locked, newer schema, corrupt)."""
