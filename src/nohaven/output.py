"""Files nohaven writes for users: whole or not at all."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from nohaven.errors import NohavenError


@contextmanager
def atomic_text(path: Path) -> Iterator[TextIO]:
    """A UTF-8 text file written beside `path` and renamed into place on success, so a
    failed or interrupted export never leaves half a file."""
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            yield handle
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise NohavenError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """A CSV cell a spreadsheet will not run as a formula: text starting with = + - @
    or a tab is prefixed with an apostrophe (OWASP's advice); numbers, negative ones
    included, are left as they are."""
    if not isinstance(cell, str) or not cell.startswith(_FORMULA_START):
        return cell
    try:
        float(cell)
    except ValueError:
        return "'" + cell
    return cell


class SafeCsvWriter:
    """A csv.writer whose cells are neutralised: every CSV nohaven writes may hold names,
    memos or ids that came from someone else's file."""

    def __init__(self, handle: TextIO, **options: object) -> None:
        self._writer = csv.writer(handle, **options)  # type: ignore[arg-type]

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
