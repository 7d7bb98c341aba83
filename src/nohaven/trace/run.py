"""One trace from a request: read the ledger, opening balances and asset links, run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nohaven.errors import NohavenError
from nohaven.ingest.rates import Rate
from nohaven.store import Store
from nohaven.trace.assets import AssetLinks, read_asset_links, store_asset_links, watched
from nohaven.trace.engine import Rule, TraceResult, run_trace
from nohaven.trace.ledger import (
    Order,
    TraceLedger,
    read_ledger_file,
    read_opening,
    read_store_ledger,
)


@dataclass(frozen=True)
class TraceRequest:
    """Everything `nohaven trace` and the API take."""

    rule: Rule
    source_accounts: tuple[str, ...] = ()
    source_txs: tuple[str, ...] = ()
    ledger: Path | None = None  # default: the store's ledger
    opening: Path | None = None
    rates: Path | tuple[Rate, ...] | None = None
    currency: str | None = None
    order: Order = Order.FILE
    asset_links: Path | None = None
    detail: bool = True  # keep every transfer's traced money by source
    schedule: bool = True  # keep the tracing schedule's balances


def prepare_ledger(request: TraceRequest, store: Store | None) -> TraceLedger:
    """The request's ledger: its file, or else the store's."""
    if request.ledger is not None:
        return read_ledger_file(
            request.ledger,
            rates=request.rates,
            currency=request.currency,
            order=request.order,
            memos=store is not None,  # to find property named in purchase memos
        )
    if store is None:
        raise NohavenError("no ledger: give --ledger FILE or load a ledger into the store")
    return read_store_ledger(
        store, rates=request.rates, currency=request.currency, order=request.order
    )


def trace(
    request: TraceRequest, store: Store | None, ledger: TraceLedger | None = None
) -> tuple[TraceResult, AssetLinks]:
    """Run the request's rule. Asset links come from its file and, with a store, from
    property addresses named in transfer memos; without ``detail`` only those transfers
    keep their traced money by source."""
    ledger = ledger or prepare_ledger(request, store)
    opening = read_opening(request.opening, ledger) if request.opening else None
    links = read_asset_links(request.asset_links) if request.asset_links else AssetLinks()
    if store is not None:
        links.merge(store_asset_links(store, ledger))
    result = run_trace(
        ledger,
        request.rule,
        source_accounts=list(request.source_accounts),
        source_txs=list(request.source_txs),
        opening=opening,
        detail=True if request.detail else watched(ledger, links),
        schedule=request.schedule,
    )
    return result, links
