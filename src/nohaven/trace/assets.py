"""Which transfers bought which assets: the last hop from accounts into property.

A link comes from an explicit file (``transaction,asset[,label]``) or from the store:
a transfer whose memo names the address of a loaded property record (a deed's
"escrow deposit 9341 Fullerton Rd ..."). Links are found before a trace, so that the
trace keeps the by-source detail of exactly those transfers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from nohaven.errors import InputError
from nohaven.ingest.files import csv_records
from nohaven.store import Store
from nohaven.trace.ledger import TraceLedger

_NORMAL = "' ' || trim(regexp_replace(lower({c}), '[^a-z0-9一-鿿]+', ' ', 'g')) || ' '"


@dataclass
class AssetLinks:
    """Purchase transfers and the assets they paid for."""

    by_transaction: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def add(self, transaction: str, asset: str, label: str | None = None) -> None:
        assets = self.by_transaction.setdefault(transaction, [])
        if asset not in assets:
            assets.append(asset)
        if label:
            self.labels.setdefault(asset, label)

    def merge(self, other: AssetLinks) -> AssetLinks:
        for tx, assets in other.by_transaction.items():
            for asset in assets:
                self.add(tx, asset, other.labels.get(asset))
        return self


def read_asset_links(path: Path) -> AssetLinks:
    """Links from a CSV file with columns transaction,asset and optionally label."""
    links = AssetLinks()
    for number, cells in csv_records(path, ("transaction", "asset"), ("label",)):
        tx, asset = cells[0], cells[1]
        if not tx or not asset:
            field_name = "transaction" if not tx else "asset"
            raise InputError(path, "is empty", line=number, field=field_name)
        links.add(tx, asset, cells[2] if len(cells) == 3 else None)
    return links


def purchase_memo_sql(memos: str) -> str:
    """SQL for (key, entity_id, label): the loaded property records whose address a memo
    names, from `memos`, a query with columns key and memo."""
    # Addresses carry a number (house, lot, building): memos without a digit name none.
    return f"""
        WITH memo AS (
            SELECT key, {_NORMAL.format(c="memo")} AS text
            FROM ({memos}) WHERE memo IS NOT NULL AND regexp_matches(memo, '[0-9]')
        ), token AS (
            SELECT DISTINCT key, text, unnest(string_split(trim(text), ' ')) AS word
            FROM memo
        ), asset AS (
            SELECT entity_id, min(value) AS label, {_NORMAL.format(c="value")} AS address
            FROM statements WHERE schema = 'RealEstate' AND prop = 'address'
            GROUP BY entity_id, address
        ), keyed AS (
            SELECT *, string_split(trim(address), ' ')[1] AS word FROM asset
            WHERE length(trim(address)) >= 8
        )
        SELECT DISTINCT token.key, keyed.entity_id, keyed.label
        FROM token JOIN keyed USING (word)
        WHERE contains(token.text, keyed.address)
    """


def store_asset_links(
    store: Store, ledger: TraceLedger, positions: np.ndarray | None = None
) -> AssetLinks:
    """Links from memos that name a loaded property's address: of the transfers at
    ``positions``, or of the whole ledger (before a trace, to know which transfers'
    detail to keep)."""
    links = AssetLinks()
    if ledger.memos is None:
        return links
    if positions is None:
        positions = np.arange(ledger.size)
    if len(positions) == 0 or not store.fetchone(
        "SELECT 1 FROM statements WHERE schema = 'RealEstate' AND prop = 'address' LIMIT 1"
    ):
        return links
    memos = pa.table({"position": positions, "memo": ledger.memos.take(pa.array(positions))})
    sql = purchase_memo_sql("SELECT position AS key, memo FROM trace_memos") + " ORDER BY 1, 2"
    with store.registered("trace_memos", memos):
        rows = store.fetchall(sql)
    for position, asset, label in rows:
        links.add(ledger.ids[int(position)].as_py(), asset, label)
    return links


def watched(ledger: TraceLedger, links: AssetLinks) -> np.ndarray:
    """A flag per ledger position: is it a purchase of linked property?"""
    flags = np.zeros(ledger.size, dtype=np.bool_)
    found = ledger.positions_of(list(links.by_transaction))
    flags[list(found.values())] = True
    return flags
