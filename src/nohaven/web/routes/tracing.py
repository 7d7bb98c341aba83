"""Fund tracing over the store's ledger, for the UI's tracing view and other systems."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any, Literal, NamedTuple

import numpy as np
from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from nohaven.errors import NohavenError
from nohaven.ingest.rates import Rate
from nohaven.store import Store
from nohaven.trace.assets import AssetLinks, store_asset_links, watched
from nohaven.trace.engine import Rule, run_trace
from nohaven.trace.ledger import Order, TraceLedger, read_store_ledger
from nohaven.trace.report import SCHEDULE_COLUMNS, flow_summary, schedule_rows, to_contract
from nohaven.web.errors import errors
from nohaven.web.security import visible

router = APIRouter(prefix="/api", tags=["tracing"])

ID = Field(min_length=1, max_length=500)
SCHEDULE_LIMIT = 5_000


class RateIn(BaseModel):
    date: dt.date
    currency: str = Field(pattern=r"^[A-Za-z]{3}$")
    rate_to_usd: float = Field(gt=0, lt=1e12)


class TraceIn(BaseModel):
    rule: Literal["libr", "fifo", "prorata"]
    source_accounts: list[str] = Field(default_factory=list, max_length=1000)
    source_txs: list[str] = Field(default_factory=list, max_length=1000)
    order: Literal["file", "favourable", "unfavourable"] = "file"
    rates: list[RateIn] | None = Field(default=None, max_length=100_000)
    currency: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$")
    detail: bool = Field(default=False, description="Include every transfer's traced money.")
    flows: int = Field(default=60, ge=1, le=500, description="Links in the flow summary.")
    schedule_account: str | None = Field(default=None, min_length=1, max_length=500)


class Prepared(NamedTuple):
    """A prepared ledger, its property links, and which transfers keep their detail
    (the purchases of property): all three depend on the ledger only."""

    ledger: TraceLedger
    links: AssetLinks
    keep: np.ndarray


class _LedgerCache:
    """The prepared ledger, reused while the store's ledger and the options are the same
    (preparing ten million transactions takes seconds; comparing rules should not)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._ledger: Prepared | None = None

    def get(self, store: Store, body: TraceIn, datasets: frozenset[str] | None = None) -> Prepared:
        row = store.fetchone("SELECT count(*), max(source_id) FROM ledger")
        rates = tuple((r.date, r.currency.upper(), r.rate_to_usd) for r in body.rates or ())
        key = (row, rates, body.currency, body.order, datasets)
        with self._lock:
            if key != self._key or self._ledger is None:
                ledger = read_store_ledger(
                    store,
                    rates=[Rate(*r) for r in rates] if body.rates else None,
                    currency=body.currency,
                    order=Order(body.order),
                    datasets=datasets,
                )
                links = store_asset_links(store, ledger)
                self._ledger = Prepared(ledger, links, watched(ledger, links))
                self._key = key
            return self._ledger


def ledger_cache(request: Request) -> _LedgerCache:
    """The app's prepared-ledger cache, shared by the API and the tracing page."""
    return _cache_of(request.app.state)


_CACHE_LOCK = threading.Lock()


def warm_ledger(app: Any, rates_text: str) -> threading.Thread:
    """Prepare the store's ledger with the server's rates in the background, so the
    first trace a user asks for is as quick as the next ones."""
    from nohaven.web.routes.pages import parse_rates

    def prepare() -> None:
        try:
            rates = [
                RateIn(date=r.day, currency=r.currency, rate_to_usd=r.rate_to_usd)
                for r in parse_rates(rates_text)
            ]
            with app.state.store.reader() as reader:
                first = reader.fetchone("SELECT from_account FROM ledger LIMIT 1")
                if first is None:
                    return
                body = TraceIn(rule="libr", source_accounts=[first[0]], rates=rates or None)
                ledger, _, keep = _cache_of(app.state).get(reader, body)
            for rule in Rule:  # loads each rule's compiled kernels
                run_trace(ledger, rule, source_accounts=[first[0]], detail=keep).transfers.close()
        except (NohavenError, ValueError):
            pass  # the page reports the same problem when a user traces

    thread = threading.Thread(target=prepare, name="nohaven-trace-warm", daemon=True)
    thread.start()
    return thread


def _cache_of(state: Any) -> _LedgerCache:
    with _CACHE_LOCK:
        if not hasattr(state, "trace_cache"):
            state.trace_cache = _LedgerCache()
    return state.trace_cache


@router.post("/trace", responses=errors(400, 404))
def trace_funds(request: Request, body: TraceIn) -> dict[str, Any]:
    """Trace money from source accounts or transactions through the store's ledger under
    one rule: the JSON contract of `nohaven trace` (per-transfer detail on request), the
    flows for a Sankey diagram and, for one account, its tracing schedule."""
    if not body.source_accounts and not body.source_txs:
        raise HTTPException(status_code=400, detail="give source_accounts or source_txs")
    state = request.app.state
    with state.store.reader() as reader:
        try:
            ledger, links, keep = ledger_cache(request).get(reader, body, visible(request))
            result = run_trace(
                ledger,
                Rule(body.rule),
                source_accounts=body.source_accounts,
                source_txs=body.source_txs,
                detail=True if body.detail else keep,
                schedule=body.schedule_account is not None,
            )
        except NohavenError as exc:
            status = (
                404 if "does not appear" in str(exc) or "not in the ledger" in str(exc) else 400
            )
            raise HTTPException(status_code=status, detail=str(exc)) from None
        try:
            out = to_contract(result, links, transfers=body.detail)
            out["transfers_touched"] = int((result.carried > 0).sum())
            out["flows"] = flow_summary(result, limit=body.flows)
            if body.schedule_account:
                rows = []
                for row in schedule_rows(result, [body.schedule_account]):
                    if len(rows) == SCHEDULE_LIMIT:
                        break
                    rows.append(dict(zip(SCHEDULE_COLUMNS, row, strict=True)))
                out["schedule"] = rows
        finally:
            result.transfers.close()
    return out
