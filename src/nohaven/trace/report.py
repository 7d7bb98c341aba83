"""A trace as people read it: the JSON contract, the tracing schedule and the flows.

Amounts leave integer cents only here, as decimal strings ("1234.50"), so nothing a
court reads has passed through floating point.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import jinja2
import numpy as np
import pyarrow as pa

from nohaven.arrays import distinct
from nohaven.errors import NohavenError
from nohaven.output import SafeCsvWriter, atomic_text
from nohaven.trace.assets import AssetLinks
from nohaven.trace.engine import RULE_TEXT, TraceResult

SCHEDULE_COLUMNS = (
    "step",
    "timestamp",
    "transaction",
    "line",
    "from_account",
    "to_account",
    "amount",
    "traced_amount",
    "from_balance",
    "from_traced",
    "to_balance",
    "to_traced",
    "rule",
)
HTML_ROW_LIMIT = 20_000
_STRETCH = 65_536


def money(cents: int) -> str:
    """Cents as a decimal string with two places."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{part:02d}"


def touched_accounts(result: TraceResult) -> np.ndarray:
    """Indices of accounts traced money reached, and the source accounts."""
    reached = result.ledger.dst[result.carried > 0]
    return distinct(np.concatenate((reached, np.asarray(result.source_accounts, dtype=np.int32))))


def _header(result: TraceResult) -> dict[str, Any]:
    held = result.held()
    return {
        "rule": result.rule.value,
        "rule_text": RULE_TEXT[result.rule],
        "order": result.order_text,
        "currency": result.ledger.currency,
        "sources": {
            name: {"injected": money(result.injected[i]), "held": money(held[i])}
            for i, name in enumerate(result.origins)
        },
    }


def _accounts(result: TraceResult) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every touched account: its final balance and the traced money it holds."""
    names = result.ledger.accounts
    origins = result.origins
    for index in touched_accounts(result).tolist():
        origin, cents = result.holdings.of(index)
        yield (
            names[index].as_py(),
            {
                "balance": money(result.balance[index]),
                "traced": {
                    origins[o]: money(c)
                    for o, c in zip(origin.tolist(), cents.tolist(), strict=True)
                },
            },
        )


def _transfers(result: TraceResult) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every transfer that carried traced money, by origin, in ledger order."""
    ids = result.ledger.ids
    origins = result.origins
    for batch in result.transfers.batches():
        position = batch["position"].to_numpy()
        origin = batch["origin"].to_numpy().tolist()
        cents = batch["cents"].to_numpy().tolist()
        names = ids.take(pa.array(position)).to_pylist()
        current: str | None = None
        entry: dict[str, str] = {}
        for tx, o, c in zip(names, origin, cents, strict=True):
            if tx != current:
                if current is not None:
                    yield current, {"traced": entry}
                current, entry = tx, {}
            entry[origins[o]] = money(c)
        if current is not None:
            yield current, {"traced": entry}


def resting(
    result: TraceResult, exclude: list[str], limit: int
) -> tuple[int, list[tuple[str, int]]]:
    """Where traced money rests at the end, the ``exclude`` accounts (the sources)
    aside: how many accounts hold some, and the ``limit`` largest as (account, cents),
    largest first. From the holdings arrays: pro rata leaves a little in tens of
    thousands of accounts, too many to turn into dictionaries first."""
    ledger = result.ledger
    held = result.holdings.by_account(len(ledger.accounts))
    for index in ledger.indices_of(exclude).values():
        held[index] = 0
    holding = np.flatnonzero(held > 0)
    top = holding[np.argsort(-held[holding], kind="stable")[:limit]]
    named = [(ledger.accounts[int(i)].as_py(), int(held[i])) for i in top]
    named.sort(key=lambda item: (-item[1], item[0]))
    return len(holding), named


def _gaps(result: TraceResult) -> list[dict[str, Any]]:
    ledger = result.ledger
    names = ledger.accounts
    gaps = []
    gap_lists = (x.tolist() for x in result.gap_rows)
    for p, a, c in zip(*gap_lists, strict=True):
        gap = {
            "account": names[a].as_py(),
            "transaction": ledger.ids[p].as_py(),
            "amount": money(c),
        }
        line = ledger.line_of(p)
        if line is not None:
            gap["line"] = line
        gaps.append(gap)
    return gaps


def to_contract(
    result: TraceResult, links: AssetLinks | None = None, *, transfers: bool = True
) -> dict[str, Any]:
    """The issue's JSON contract, plus rule text, currency, sources, notes and assets
    (without the per-transfer detail when ``transfers`` is false)."""
    out = _header(result)
    out["accounts"] = dict(_accounts(result))
    if transfers:
        out["transfers"] = dict(_transfers(result))
    out["gaps"] = _gaps(result)
    out["notes"] = list(result.ledger.notes)
    if links is not None:
        out["assets"] = asset_destinations(result, links)
    return out


def write_contract(result: TraceResult, handle: IO[str], links: AssetLinks | None = None) -> None:
    """The same JSON as `to_contract`, written as it is produced: a trace can touch
    millions of transfers, which need never be in memory at once."""
    head = json.dumps(_header(result), ensure_ascii=False)
    handle.write(head[:-1])
    for key, entries in (("accounts", _accounts(result)), ("transfers", _transfers(result))):
        handle.write(f', "{key}": {{')
        for n, (name, entry) in enumerate(entries):
            handle.write((", " if n else "") + json.dumps(name, ensure_ascii=False) + ": ")
            handle.write(json.dumps(entry, ensure_ascii=False))
        handle.write("}")
    tail = {"gaps": _gaps(result), "notes": list(result.ledger.notes)}
    if links is not None:
        tail["assets"] = asset_destinations(result, links)
    handle.write(", " + json.dumps(tail, ensure_ascii=False)[1:] + "\n")


def asset_destinations(result: TraceResult, links: AssetLinks) -> dict[str, Any]:
    """Per linked asset: the purchase transfers and the traced money they carried."""
    found = result.ledger.positions_of(list(links.by_transaction))
    carrying = {tx: p for tx, p in found.items() if result.carried[p] > 0}
    if not carrying:
        return {}
    position, origin, cents = result.transfers.at(np.fromiter(carrying.values(), np.int64))
    by_position: dict[int, list[tuple[int, int]]] = {}
    for p, o, c in zip(position.tolist(), origin.tolist(), cents.tolist(), strict=True):
        by_position.setdefault(p, []).append((o, c))
    assets: dict[str, Any] = {}
    totals: dict[str, dict[str, int]] = {}
    for tx, position_of_tx in sorted(carrying.items(), key=lambda item: item[1]):
        for asset_id in links.by_transaction[tx]:
            entry = assets.setdefault(
                asset_id, {"label": links.labels.get(asset_id, asset_id), "transfers": []}
            )
            entry["transfers"].append(tx)
            sums = totals.setdefault(asset_id, {})
            for o, c in by_position[position_of_tx]:
                name = result.origins[o]
                sums[name] = sums.get(name, 0) + c
    for asset_id, sums in totals.items():
        assets[asset_id]["traced"] = {name: money(c) for name, c in sums.items()}
    return assets


def schedule_rows(result: TraceResult, accounts: list[str] | None = None) -> Iterator[list[str]]:
    """One row per transaction that moved or touched traced money, in processing order
    (restricted to transactions of the given accounts when some are given)."""
    if not result.scheduled:
        raise NohavenError("this trace kept no schedule; run it with schedule=True")
    ledger = result.ledger
    names = ledger.accounts
    positions = result.step_positions
    values = result.step_values
    keep = np.ones(len(positions), dtype=bool)
    if accounts:
        wanted = np.asarray(list(ledger.indices_of(accounts).values()), dtype=np.int32)
        keep = np.isin(ledger.src[positions], wanted) | np.isin(ledger.dst[positions], wanted)
    carried = result.carried
    rule = result.rule.value
    rows = np.flatnonzero(keep)
    step = 0
    # Ids and names are taken from Arrow a stretch at a time, not one scalar per cell.
    for lo in range(0, len(rows), _STRETCH):
        chunk = rows[lo : lo + _STRETCH]
        at = positions[chunk]
        ids = ledger.ids.take(pa.array(at)).to_pylist()
        payers = names.take(pa.array(ledger.src[at])).to_pylist()
        payees = names.take(pa.array(ledger.dst[at])).to_pylist()
        whens = ledger.timestamps[at].astype("datetime64[us]").tolist()
        for j, row in enumerate(chunk.tolist()):
            p = int(at[j])
            step += 1
            yield [
                str(step),
                whens[j].isoformat(),
                ids[j],
                str(ledger.line_of(p) or ""),
                payers[j],
                payees[j],
                money(ledger.cents[p]),
                money(carried[p]),
                money(values[row, 0]),
                money(values[row, 1]),
                money(values[row, 2]),
                money(values[row, 3]),
                rule,
            ]


def write_schedule_csv(result: TraceResult, path: Path, accounts: list[str] | None = None) -> int:
    """The schedule as CSV; returns its rows."""
    rows = 0
    with atomic_text(path) as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow(SCHEDULE_COLUMNS)
        for row in schedule_rows(result, accounts):
            writer.writerow(row)
            rows += 1
    return rows


def flow_summary(result: TraceResult, limit: int = 60) -> dict[str, Any]:
    """Traced money between accounts, summed per (payer, payee), largest first: the links
    of a Sankey diagram. Flows past ``limit`` are summed into one 'other' figure."""
    ledger = result.ledger
    position = np.flatnonzero(result.carried > 0)
    cents = result.carried[position]
    if len(position) == 0:
        return {"currency": ledger.currency, "nodes": [], "links": [], "other": money(0)}
    n_accounts = len(ledger.accounts)
    key = ledger.src[position].astype(np.int64) * n_accounts + ledger.dst[position]
    unique, inverse = np.unique(key, return_inverse=True)
    total = np.zeros(len(unique), dtype=np.int64)
    np.add.at(total, inverse, cents)
    order = np.argsort(-total, kind="stable")
    shown, rest = order[:limit], order[limit:]
    names = ledger.accounts
    links = []
    nodes: dict[str, None] = {}
    for i in shown.tolist():
        source = names[int(unique[i] // n_accounts)].as_py()
        target = names[int(unique[i] % n_accounts)].as_py()
        nodes.setdefault(source)
        nodes.setdefault(target)
        links.append({"source": source, "target": target, "amount": money(total[i])})
    return {
        "currency": ledger.currency,
        "nodes": list(nodes),
        "links": links,
        "other": money(int(total[rest].sum())),
    }


def write_schedule(result: TraceResult, path: Path, accounts: list[str] | None = None) -> int:
    """The schedule as CSV, or as a self-contained HTML page when the name ends .html."""
    if path.suffix.lower() not in (".html", ".htm"):
        return write_schedule_csv(result, path, accounts)
    rows = list(itertools.islice(schedule_rows(result, accounts), HTML_ROW_LIMIT + 1))
    if len(rows) > HTML_ROW_LIMIT:
        raise NohavenError(
            f"the schedule has more than {HTML_ROW_LIMIT:,} steps, too many for a page; "
            "limit it with --schedule-account or write CSV"
        )
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("nohaven.trace", "templates"), autoescape=True
    )
    page = environment.get_template("schedule.html").render(
        rule=result.rule.value,
        rule_text=RULE_TEXT[result.rule],
        order=result.order_text,
        currency=result.ledger.currency,
        ledger=result.ledger.path or "the store's ledger",
        sources=result.origins,
        accounts=accounts or [],
        columns=SCHEDULE_COLUMNS,
        rows=rows,
        notes=result.ledger.notes,
    )
    with atomic_text(path) as handle:
        handle.write(page)
    return len(rows)
