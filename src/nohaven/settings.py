"""Runtime settings, read once from the environment so the CLI and the web app agree."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB = Path("nohaven.duckdb")


def _env_db() -> Path:
    return Path(os.environ.get("NOHAVEN_DB", str(DEFAULT_DB)))


@dataclass(frozen=True)
class Settings:
    """Where the store lives and how much memory DuckDB may use.

    `memory_limit` caps DuckDB's buffer pool so large loads spill to disk instead of
    growing with the input (the load benchmark's memory target depends on it).
    """

    db: Path = field(default_factory=_env_db)
    memory_limit: str = field(default_factory=lambda: os.environ.get("NOHAVEN_MEMORY_LIMIT", "1GB"))
    # Exchange rates (date,currency,rate_to_usd) the UI's tracing view starts from.
    rates: Path | None = field(
        default_factory=lambda: (
            Path(os.environ["NOHAVEN_RATES"]) if os.environ.get("NOHAVEN_RATES") else None
        )
    )
    # Seconds a web request may take before the client is answered 503 (dossier exports
    # and detection runs over a large store take minutes).
    request_timeout: float = field(
        default_factory=lambda: float(os.environ.get("NOHAVEN_REQUEST_TIMEOUT", "300"))
    )
    threads: int | None = field(
        default_factory=lambda: (
            int(os.environ["NOHAVEN_THREADS"]) if os.environ.get("NOHAVEN_THREADS") else None
        )
    )
