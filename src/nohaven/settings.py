"""Runtime settings, read once from the environment so the CLI and the web app agree."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from nohaven.errors import NohavenError

DEFAULT_DB = Path("nohaven.duckdb")
DEFAULT_RATE_LIMIT = (50.0, 200)  # requests a second per user or token, and the burst
RATE_LIMIT_VARIABLE = "NOHAVEN_RATE_LIMIT"
MATCH_WORKERS_VARIABLE = "NOHAVEN_MATCH_WORKERS"


def _env_db() -> Path:
    return Path(os.environ.get("NOHAVEN_DB", str(DEFAULT_DB)))


def _env_rate_limit() -> tuple[float, int]:
    """``NOHAVEN_RATE_LIMIT`` as RATE,BURST ("50,200"), or the default."""
    text = os.environ.get(RATE_LIMIT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_RATE_LIMIT
    try:
        rate_text, burst_text = text.split(",")
        rate, burst = float(rate_text), int(burst_text)
        if rate > 0 and burst >= 1:
            return rate, burst
    except ValueError:
        pass
    raise NohavenError(
        f"{RATE_LIMIT_VARIABLE} must be RATE,BURST with a positive rate and a burst of "
        f"at least 1 (such as 50,200), not {text!r}"
    )


def _env_match_workers() -> int | None:
    """``NOHAVEN_MATCH_WORKERS``: a number of processes, or "auto" (None)."""
    text = os.environ.get(MATCH_WORKERS_VARIABLE, "").strip().lower()
    if text in ("", "auto"):
        return None
    if text.isdigit():
        return int(text)
    raise NohavenError(
        f"{MATCH_WORKERS_VARIABLE} must be a number of processes (0: match in the server's "
        f"own process) or auto, not {text!r}"
    )


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
    # Each signed-in user's or token's request budget: a token bucket refilled at this
    # many requests a second, holding at most the burst (429 with Retry-After past it).
    rate_limit: tuple[float, int] = field(default_factory=_env_rate_limit)
    # Origins whose pages may read the API's answers (CORS), comma-separated; yente's
    # "*" by default. Never with credentials: a browser sends no session cookie across
    # origins, so a page elsewhere must hold a token. Empty: no CORS headers at all.
    cors_origins: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            origin.strip()
            for origin in os.environ.get("NOHAVEN_CORS_ORIGINS", "*").split(",")
            if origin.strip()
        )
    )
    # Processes /match runs its queries in (None: one per core once the index holds
    # 100,000 entities; 0: the server's own process).
    match_workers: int | None = field(default_factory=_env_match_workers)
    threads: int | None = field(
        default_factory=lambda: (
            int(os.environ["NOHAVEN_THREADS"]) if os.environ.get("NOHAVEN_THREADS") else None
        )
    )
