"""Load files and directories into the store: one transaction, hashed, idempotent."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from nohaven.errors import InputError
from nohaven.ingest.files import Kind, base_name, guess_kind, mapping_for, sha256_file, walk_inputs
from nohaven.ingest.tabular import ACCOUNTS, LEDGER, load_table
from nohaven.store import Store

DATASET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class ProgressReporter(Protocol):
    """What a loader needs from a progress display (the CLI gives a rich one)."""

    def track(self, description: str, total: float) -> Callable[[float], None]:
        """Start a task; the returned function advances it by a delta."""
        ...


@dataclass(frozen=True)
class LoadResult:
    """What happened to one file."""

    path: str
    dataset: str
    kind: str
    sha256: str
    rows: int
    skipped: bool
    source_id: int | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def dataset_name(path: Path, dataset: str | None) -> str:
    """The dataset a file goes to: the one asked for, else the file's base name."""
    name = dataset or re.sub(r"[^a-z0-9_-]+", "_", base_name(path).lower()).strip("_-")
    if not DATASET_NAME.match(name):
        raise InputError(
            path,
            f"bad dataset name {name!r}: lowercase letters, digits, '_' and '-', up to 64",
            field="dataset",
        )
    return name


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus every loadable file under named directories."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = list(walk_inputs(path))
            if not found:
                raise InputError(path, "no loadable files in this directory")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(path, "no such file or directory")
    return files


def _load_one(
    store: Store,
    path: Path,
    dataset: str,
    kind: Kind,
    mapping: Path | None,
    reporter: ProgressReporter | None,
) -> LoadResult:
    size = path.stat().st_size
    hashing = reporter.track(f"hash {path.name}", size) if reporter else None
    sha256 = sha256_file(path, hashing)
    existing = store.find_source(sha256, dataset, kind.value)
    if existing is not None:
        return LoadResult(
            str(path), dataset, kind.value, sha256, existing.rows, True, existing.source_id
        )
    source_id = store.add_source(str(path.resolve()), sha256, dataset, kind.value)
    advance = reporter.track(f"load {path.name}", size) if reporter else None
    if kind in (Kind.LEDGER, Kind.ACCOUNTS):
        spec = LEDGER if kind is Kind.LEDGER else ACCOUNTS
        last = [0.0]

        def on_percent(percent: float) -> None:
            if advance is not None and percent > last[0]:
                advance((percent - last[0]) * size / 100)
                last[0] = percent

        rows = load_table(store, path, spec, dataset, source_id, on_percent)
    elif kind is Kind.DECLARATIONS:
        from nohaven.ingest.declarations import load_declarations

        rows = load_declarations(store, path, dataset, source_id, advance)
    else:
        # Imported here: followthemoney takes a second to import, and ledger loads
        # (the large ones) never need it.
        from nohaven.ingest.entities import StatementWriter
        from nohaven.ingest.ftm import load_ftm
        from nohaven.ingest.mapping import load_mapped_csv, parse_mapping

        writer = StatementWriter(store, dataset, source_id)
        if kind is Kind.FTM:
            rows = load_ftm(path, writer, advance)
        else:
            mapping_path = mapping or mapping_for(path)
            if mapping_path is None:
                raise InputError(path, "a CSV of entities needs a mapping (--mapping FILE.yml)")
            rows = load_mapped_csv(path, parse_mapping(mapping_path), writer, advance)
    store.set_source_rows(source_id, rows)
    return LoadResult(str(path), dataset, kind.value, sha256, rows, False, source_id)


def load_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    dataset: str | None = None,
    kind: Kind | None = None,
    mapping: Path | None = None,
    reporter: ProgressReporter | None = None,
) -> list[LoadResult]:
    """Load files (and directories of files) all or nothing.

    Everything named is loaded in one transaction: a bad record anywhere rejects the
    whole load and the store is left exactly as it was, also if the process dies.
    Files already loaded (same SHA-256, dataset and kind) are skipped.
    """
    paths = list(paths)
    if (kind or mapping) and any(p.is_dir() for p in paths):
        raise InputError(paths[0], "--kind and --mapping apply to a single file, not a directory")
    files = expand_inputs(paths)
    plan = [(f, dataset_name(f, dataset), kind or guess_kind(f)) for f in files]
    results: list[LoadResult] = []
    with store.transaction():
        for path, name, file_kind in plan:
            results.append(_load_one(store, path, name, file_kind, mapping, reporter))
    return results
