"""The one class that owns the DuckDB connection and every SQL execution.

Analyses and loaders build SQL or Arrow tables; only `Store` runs them, so one place
decides transactions, memory limits and error translation.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from nohaven.errors import StoreError
from nohaven.settings import Settings
from nohaven.store.schema import LATEST_VERSION, MIGRATIONS

DATA_TABLES = ("statements", "ledger", "accounts", "declarations")
_MEMORY = re.compile(r"\d+(\.\d+)?\s*[KMGT]i?B", re.IGNORECASE)
STAGED_TABLES = ("statements", "declarations", "referents", "entity_meta")
_STAGING_BATCH = 200_000  # rows committed at a time while staging


def staging_table(table: str) -> str:
    """Where rows for `table` wait until their load commits."""
    return f"_staging_{table}"


@dataclass(frozen=True)
class Source:
    """One loaded file: the unit that provenance points back to."""

    source_id: int
    path: str
    sha256: str
    dataset: str
    kind: str
    rows: int
    loaded_at: datetime


class Store:
    """A nohaven database file: schema, transactions, and the queries over it."""

    def __init__(
        self,
        path: Path | str,
        *,
        read_only: bool = False,
        memory_limit: str = "1GB",
        threads: int | None = None,
    ) -> None:
        self.path = Path(path)
        if not _MEMORY.fullmatch(memory_limit):
            raise StoreError(f"memory limit {memory_limit!r} is not a size such as 1GB or 512MB")
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such database (load something first)")
        self._connect(read_only, memory_limit, threads)
        try:
            version = self.schema_version()
            if read_only and version < LATEST_VERSION:
                # A store written by an older nohaven: brought up to date once, read-write,
                # so that reading commands (status, export, screen) work after an upgrade.
                self.con.close()
                Store(self.path, memory_limit=memory_limit, threads=threads).close()
                self._connect(read_only, memory_limit, threads)
                version = self.schema_version()
            self._migrate(version)
        except BaseException:
            self.con.close()
            raise

    def _connect(self, read_only: bool, memory_limit: str, threads: int | None) -> None:
        """Open the database file as this store's connection, with nohaven's settings."""
        try:
            con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"{self.path}: the database is in use by another process "
                    "(is `nohaven serve` running on it?)"
                ) from None
            raise StoreError(f"{self.path}: cannot open the database: {exc}") from None
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open the database: {exc}") from None
        self._adopt(con, read_only)
        try:
            con.execute(f"SET memory_limit = '{memory_limit}'")
            # nohaven draws its own progress bars; DuckDB's would corrupt --json output.
            con.execute("SET enable_progress_bar = false")
            # Timestamps with an offset are stored in UTC whatever the machine's zone.
            con.execute("SET TimeZone = 'UTC'")
            if threads:
                con.execute(f"SET threads = {int(threads)}")
        except BaseException:
            con.close()
            raise

    def _adopt(self, con: duckdb.DuckDBPyConnection, read_only: bool) -> None:
        """Take a connection (or a cursor on one) as this store's."""
        self.con = con
        self.read_only = read_only
        self._lock = threading.RLock()
        self._pending_resets: set[str] = set()
        # Whether queries may run on a cursor of their own (a new connection to the same
        # database). Not in a scoped view: its temporary views live on this connection.
        self.cursors_allowed = True

    @classmethod
    def from_settings(cls, settings: Settings, *, read_only: bool = False) -> Store:
        """Open the store named by the settings."""
        return cls(
            settings.db,
            read_only=read_only,
            memory_limit=settings.memory_limit,
            threads=settings.threads,
        )

    # -- lifecycle ---------------------------------------------------------------

    def close(self, wait: float = 120.0) -> None:
        """Close, after the statements in flight: a web request that timed out may still
        run one, on this connection or a cursor of it, and DuckDB refuses to close then."""
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                try:
                    self.con.close()
                    return
                except duckdb.ResourceInUseException:
                    if time.monotonic() > deadline:
                        raise
            time.sleep(0.05)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        exists = self.fetchone(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'nohaven_meta'"
        )
        if not exists or not exists[0]:
            return 0
        row = self.fetchone("SELECT value FROM nohaven_meta WHERE key = 'schema_version'")
        return int(row[0]) if row else 0

    def _migrate(self, current: int) -> None:
        """Bring a store at schema version `current` up to this nohaven's."""
        if current > LATEST_VERSION:
            raise StoreError(
                f"{self.path}: schema version {current} was written by a newer nohaven "
                f"(this one knows up to {LATEST_VERSION})"
            )
        if current == LATEST_VERSION:
            return
        with self.transaction():
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS nohaven_meta (key VARCHAR PRIMARY KEY, value VARCHAR)"
            )
            for version, statements in MIGRATIONS:
                if version <= current:
                    continue
                for sql in statements:
                    self.con.execute(sql)
            self.con.execute(
                "INSERT OR REPLACE INTO nohaven_meta VALUES ('schema_version', ?)",
                [str(LATEST_VERSION)],
            )

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All or nothing: commit on success, roll back on any exception or interrupt."""
        with self._lock:
            self.con.execute("BEGIN TRANSACTION")
            try:
                yield self
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            else:
                self.con.execute("COMMIT")
            finally:
                for name in self._pending_resets:
                    self.con.execute(f"RESET {name}")
                self._pending_resets.clear()

    @contextmanager
    def setting(self, name: str, value: str) -> Iterator[None]:
        """Change a DuckDB setting for one block.

        Settings are not transactional and an aborted transaction refuses RESET, so a
        reset that fails is retried when the surrounding transaction ends.
        """
        self.con.execute(f"SET {name} = {value}")
        try:
            yield
        finally:
            try:
                self.con.execute(f"RESET {name}")
            except duckdb.TransactionException:
                self._pending_resets.add(name)

    @contextmanager
    def reader(self) -> Iterator[Store]:
        """A read view on its own cursor, so concurrent web requests do not share one."""
        if not self.cursors_allowed:  # a scoped view reads through itself
            yield self
            return
        view = Store.__new__(Store)
        view.path = self.path
        view._adopt(self.con.cursor(), read_only=True)
        try:
            yield view
        finally:
            view.con.close()

    # -- generic execution -------------------------------------------------------

    # One call at a time on a connection: DuckDB refuses a second concurrent call on
    # one connection rather than waiting, and the web app's writers share the store's
    # (readers take cursors of their own, see `reader`).
    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        with self._lock:
            self.con.execute(sql, params or [])

    def fetchall(
        self, sql: str, params: Sequence[Any] | None = None, *, isolated: bool = False
    ) -> list[tuple[Any, ...]]:
        """Run a query; `isolated` uses its own cursor, outside a failed transaction."""
        if isolated and self.cursors_allowed:
            cursor = self.con.cursor()
            try:
                return cursor.execute(sql, params or []).fetchall()
            finally:
                cursor.close()
        with self._lock:
            return self.con.execute(sql, params or []).fetchall()

    def fetchone(self, sql: str, params: Sequence[Any] | None = None) -> tuple[Any, ...] | None:
        """The first row of a query that returns at most a few (an aggregate, LIMIT 1).

        The result is read to its end: DuckDB keeps a half-read result open, and the
        connection can then not register a table until it is finished."""
        with self._lock:
            rows = self.con.execute(sql, params or []).fetchall()
        return rows[0] if rows else None

    def fetch_batches(
        self, sql: str, params: Sequence[Any] | None = None, batch_size: int = 50_000
    ) -> Iterator[pa.RecordBatch]:
        """Stream a query's result as Arrow batches, so exports keep memory flat."""
        reader = self.con.sql(sql, params=params or []).to_arrow_reader(batch_size)
        yield from reader

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """A query's whole result as an Arrow table (for results that fit in memory)."""
        if not self.cursors_allowed:
            with self._lock:
                return self.con.sql(sql, params=params or []).to_arrow_table()
        cursor = self.con.cursor()
        try:
            return cursor.sql(sql, params=params or []).to_arrow_table()
        finally:
            cursor.close()

    @contextmanager
    def registered(self, name: str, data: pa.Table | None) -> Iterator[None]:
        """An Arrow table readable by SQL as `name` for one block (nothing when None)."""
        if data is None:
            yield
            return
        self.con.register(name, data)
        try:
            yield
        finally:
            self.con.unregister(name)

    def insert_arrow(self, table: str, data: pa.Table) -> None:
        """Append an Arrow table whose columns are named like the target's."""
        with self.registered("_nohaven_batch", data):
            cols = ", ".join(data.column_names)
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _nohaven_batch")

    def execute_with_progress(
        self, sql: str, params: Sequence[Any] | None, on_progress: Callable[[float], None]
    ) -> None:
        """Run one long statement while a thread reports DuckDB's own progress (0..100)."""
        done = threading.Event()

        def poll() -> None:
            while not done.wait(0.2):
                try:
                    value = self.con.query_progress()
                except duckdb.Error:
                    continue
                if value >= 0:
                    on_progress(float(value))

        watcher = threading.Thread(target=poll, daemon=True)
        watcher.start()
        try:
            self.con.execute(sql, params or [])
        finally:
            done.set()
            watcher.join()
        on_progress(100.0)

    # -- sources -----------------------------------------------------------------

    def find_source(self, sha256: str, dataset: str, kind: str) -> Source | None:
        row = self.fetchone(
            "SELECT * FROM sources WHERE sha256 = ? AND dataset = ? AND kind = ?",
            [sha256, dataset, kind],
        )
        return Source(*row) if row else None

    def next_source_id(self) -> int:
        row = self.fetchone("SELECT coalesce(max(source_id), 0) + 1 FROM sources")
        return int(row[0]) if row else 1

    def add_source(
        self, path: str, sha256: str, dataset: str, kind: str, source_id: int | None = None
    ) -> int:
        """Register a loaded file; its row count is set when the load finishes."""
        source_id = source_id if source_id is not None else self.next_source_id()
        self.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, 0, ?)",
            [source_id, path, sha256, dataset, kind, datetime.now(UTC).replace(tzinfo=None)],
        )
        return source_id

    # -- staging -------------------------------------------------------------------
    #
    # Rows validated in Python (entities, declarations) arrive in many small batches.
    # Appended inside one transaction, DuckDB keeps them all in memory until commit;
    # so they are first committed batch by batch to staging tables that no reader
    # uses, then published to the real tables by one INSERT ... SELECT inside the load's
    # transaction, which DuckDB writes to disk as it goes. A killed load leaves only
    # staging rows, which the next load discards.

    def reset_staging(self, tables: Iterable[str] = STAGED_TABLES) -> None:
        """Empty staging tables shaped like their targets."""
        self.drop_staging(tables)
        for table in tables:
            self.execute(f"CREATE TABLE {staging_table(table)} AS FROM {table} LIMIT 0")

    def publish_staging(self, tables: Iterable[str] = STAGED_TABLES) -> None:
        """Move staged rows to their tables (call inside the load's transaction)."""
        for table in tables:
            self.execute(f"INSERT INTO {table} FROM {staging_table(table)}")

    def drop_staging(self, tables: Iterable[str] = STAGED_TABLES) -> None:
        for table in tables:
            self.execute(f"DROP TABLE IF EXISTS {staging_table(table)}")

    def replace_rows(
        self, tables: Mapping[str, pa.Table], then: Callable[[Store], None] | None = None
    ) -> None:
        """Replace every row of each table with the given rows, all or nothing; `then`
        runs inside the same transaction. Staged like a load, so millions of rows never
        have to fit in the memory limit at once."""
        try:
            self.reset_staging(tables)
            for table, data in tables.items():
                for batch in data.to_batches(max_chunksize=_STAGING_BATCH):
                    self.insert_arrow(staging_table(table), pa.Table.from_batches([batch]))
            with self.transaction():
                for table in tables:
                    self._swap_in(table)
                if then is not None:
                    then(self)
        finally:
            self.drop_staging(tables)

    def _swap_in(self, table: str) -> None:
        """Replace `table` by a new table of its shape filled from its staging table
        (call inside a transaction). Deleting a million keyed rows and inserting as many
        made DuckDB's commit maintain the key's index row by row: 26 s for the large
        world's clusters, against 1.5 s for a fresh table."""
        row = self.fetchone(
            "SELECT sql FROM duckdb_tables() WHERE table_name = ? "
            "AND database_name = current_database() AND schema_name = 'main'",
            [table],
        )
        if row is None:
            raise StoreError(f"no table {table!r} in the store")
        indexes = [
            r[0]
            for r in self.fetchall(
                "SELECT sql FROM duckdb_indexes() WHERE table_name = ? AND sql IS NOT NULL "
                "AND database_name = current_database()",
                [table],
            )
        ]
        fresh = f"{table}__next"
        self.execute(
            re.sub(rf"^CREATE TABLE {re.escape(table)}\b", f"CREATE TABLE {fresh}", row[0])
        )
        self.execute(f"INSERT INTO {fresh} FROM {staging_table(table)}")
        self.execute(f"DROP TABLE {table}")
        self.execute(f"ALTER TABLE {fresh} RENAME TO {table}")
        for sql in indexes:
            self.execute(sql)

    def set_source_rows(self, source_id: int, rows: int) -> None:
        self.execute("UPDATE sources SET rows = ? WHERE source_id = ?", [rows, source_id])

    def sources(self, dataset: str | None = None) -> list[Source]:
        sql = "SELECT * FROM sources"
        params: list[Any] = []
        if dataset is not None:
            sql += " WHERE dataset = ?"
            params.append(dataset)
        return [Source(*row) for row in self.fetchall(sql + " ORDER BY source_id", params)]

    # -- summaries ---------------------------------------------------------------

    def datasets(self) -> list[str]:
        return [row[0] for row in self.fetchall("SELECT DISTINCT dataset FROM sources ORDER BY 1")]

    def status(self) -> dict[str, Any]:
        """Counts per dataset and table: what `nohaven status` and the status page show."""
        per_dataset: dict[str, dict[str, int]] = {}
        for table in DATA_TABLES:
            for dataset, count in self.fetchall(
                f"SELECT dataset, count(*) FROM {table} GROUP BY dataset ORDER BY dataset"
            ):
                per_dataset.setdefault(dataset, {t: 0 for t in DATA_TABLES})[table] = int(count)
        for dataset, count in self.fetchall(
            "SELECT dataset, count(DISTINCT entity_id) FROM statements GROUP BY dataset"
        ):
            per_dataset[dataset]["entities"] = int(count)
        for dataset, count in self.fetchall(
            "SELECT dataset, count(*) FROM sources GROUP BY dataset"
        ):
            per_dataset.setdefault(dataset, {t: 0 for t in DATA_TABLES})["sources"] = int(count)
        for counts in per_dataset.values():
            counts.setdefault("entities", 0)
        totals = {
            table: int((self.fetchone(f"SELECT count(*) FROM {table}") or (0,))[0])
            for table in (*DATA_TABLES, "sources")
        }
        return {
            "db": str(self.path),
            "schema_version": self.schema_version(),
            "datasets": per_dataset,
            "totals": totals,
        }
