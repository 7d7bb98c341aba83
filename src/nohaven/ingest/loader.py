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
    set_aside: tuple[str, ...] = ()  # what was left out, and why (ingest.entities.SetAside)

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


@dataclass
class _Planned:
    """A file on its way in: what it is, where it goes, and what happened so far."""

    path: Path
    dataset: str
    kind: Kind
    sha256: str = ""
    source_id: int | None = None
    rows: int = 0
    skipped: bool = False
    set_aside: tuple[str, ...] = ()

    def result(self) -> LoadResult:
        return LoadResult(
            str(self.path),
            self.dataset,
            self.kind.value,
            self.sha256,
            self.rows,
            self.skipped,
            self.source_id,
            self.set_aside,
        )


STAGED_KINDS = (Kind.FTM, Kind.CSV, Kind.DECLARATIONS)


def _stage(
    store: Store, item: _Planned, mapping: Path | None, reporter: ProgressReporter | None
) -> int:
    """Validate an entity or declaration file into the staging tables; returns records."""
    assert item.source_id is not None
    advance = (
        reporter.track(f"load {item.path.name}", item.path.stat().st_size) if reporter else None
    )
    if item.kind is Kind.DECLARATIONS:
        from nohaven.ingest.declarations import load_declarations

        return load_declarations(store, item.path, item.dataset, item.source_id, advance)
    # Imported here: followthemoney takes a second to import, and ledger loads (the
    # large ones) never need it.
    from nohaven.ingest.entities import StatementWriter
    from nohaven.ingest.ftm import load_ftm
    from nohaven.ingest.mapping import load_mapped_csv, parse_mapping

    writer = StatementWriter(store, item.dataset, item.source_id)
    if item.kind is Kind.FTM:
        rows = load_ftm(item.path, writer, advance)
        item.set_aside = writer.set_aside.messages()
        return rows
    mapping_path = mapping or mapping_for(item.path)
    if mapping_path is None:
        raise InputError(item.path, "a CSV of entities needs a mapping (--mapping FILE.yml)")
    return load_mapped_csv(item.path, parse_mapping(mapping_path), writer, advance)


def _load_table(store: Store, item: _Planned, reporter: ProgressReporter | None) -> int:
    """Load a ledger or account file straight into its table (inside the transaction)."""
    assert item.source_id is not None
    size = item.path.stat().st_size
    advance = reporter.track(f"load {item.path.name}", size) if reporter else None
    last = [0.0]

    def on_percent(percent: float) -> None:
        if advance is not None and percent > last[0]:
            advance((percent - last[0]) * size / 100)
            last[0] = percent

    spec = LEDGER if item.kind is Kind.LEDGER else ACCOUNTS
    return load_table(store, item.path, spec, item.dataset, item.source_id, on_percent)


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

    A bad record anywhere rejects the whole load and the store is left exactly as it
    was, also if the process dies. Files already loaded (same SHA-256, dataset and
    kind) are skipped. Entity and declaration files are validated into staging tables
    first (flat memory); then one transaction registers the sources, loads ledgers and
    accounts, and publishes the staged rows.
    """
    from nohaven.ingest.declarations import check_declaration_versions

    paths = list(paths)
    if (kind or mapping) and any(p.is_dir() for p in paths):
        raise InputError(paths[0], "--kind and --mapping apply to a single file, not a directory")
    plan = [
        _Planned(f, dataset_name(f, dataset), kind or guess_kind(f)) for f in expand_inputs(paths)
    ]
    next_id = store.next_source_id()
    seen: set[tuple[str, str, str]] = set()
    store.reset_staging()
    try:
        for item in plan:
            hashing = (
                reporter.track(f"hash {item.path.name}", item.path.stat().st_size)
                if reporter
                else None
            )
            item.sha256 = sha256_file(item.path, hashing)
            key = (item.sha256, item.dataset, item.kind.value)
            existing = store.find_source(*key)
            if existing is not None or key in seen:
                item.skipped = True
                item.source_id = existing.source_id if existing else None
                item.rows = existing.rows if existing else 0
                continue
            seen.add(key)
            item.source_id = next_id
            next_id += 1
            if item.kind in STAGED_KINDS:
                item.rows = _stage(store, item, mapping, reporter)
        with store.transaction():
            for item in plan:
                if item.skipped:
                    continue
                store.add_source(
                    str(item.path.resolve()),
                    item.sha256,
                    item.dataset,
                    item.kind.value,
                    item.source_id,
                )
                if item.kind not in STAGED_KINDS:
                    item.rows = _load_table(store, item, reporter)
                store.set_source_rows(item.source_id or 0, item.rows)
            store.publish_staging()
            check_declaration_versions(
                store, {i.source_id: i.path for i in plan if i.source_id is not None}
            )
    finally:
        store.drop_staging()
    return [item.result() for item in plan]
