"""Findings pulled into a case from the analyses: a stored alert, a declaration rule
broken, or a trace to run under every rule when the dossier is written."""

from __future__ import annotations

from typing import Any

from nohaven.cases.records import add_finding
from nohaven.errors import NohavenError
from nohaven.store import Store


def add_alert(store: Store, case_id: str, alert_id: str, actor: str) -> str:
    """A laundering alert from the latest detection run that has it."""
    row = store.fetchone(
        "SELECT typology, score, accounts, transactions, explanation, people FROM alerts "
        "WHERE alert_id = ? ORDER BY run_id DESC LIMIT 1",
        [alert_id],
    )
    if row is None:
        raise NohavenError(f"no stored alert {alert_id!r} (run `nohaven detect` first)")
    typology, score, accounts, transactions, explanation, people = row
    details = {
        "alert_id": alert_id,
        "typology": typology,
        "score": score,
        "accounts": list(accounts),
        "transactions": list(transactions),
        "explanation": explanation,
        "people": people,
    }
    summary = f"{typology.replace('_', ' ')} (score {score:.2f}): {explanation}"
    return add_finding(store, case_id, "alert", {"alert_id": alert_id}, summary, details, actor)


def add_declaration_finding(
    store: Store, case_id: str, rule: str, official_id: str, actor: str
) -> str:
    """A declaration rule the official broke, with the evidence the check cites."""
    from nohaven.declarations.check import check_declarations

    found = [
        f
        for f in check_declarations(store, official=official_id, rules=(rule,))
        if f.official_id == official_id
    ]
    if not found:
        raise NohavenError(f"official {official_id!r} has no {rule} finding")
    finding = found[0]
    summary = f"{rule.replace('_', ' ')} (score {finding.score:.2f}) for {official_id}"
    ref = {"rule": rule, "official_id": official_id}
    return add_finding(store, case_id, "declaration", ref, summary, finding.as_dict(), actor)


def add_trace(
    store: Store,
    case_id: str,
    actor: str,
    *,
    source_accounts: list[str] | None = None,
    source_txs: list[str] | None = None,
    rates: list[tuple[str, str, float]] | None = None,
    label: str | None = None,
) -> str:
    """Money to trace from given accounts or transfers; the dossier runs it under
    LIBR, FIFO and pro rata over the store's ledger. ``rates`` are (date, currency,
    rate to USD) for a ledger in several currencies."""
    if not source_accounts and not source_txs:
        raise NohavenError("a trace needs source accounts or source transactions")
    ref: dict[str, Any] = {
        "source_accounts": sorted(source_accounts or []),
        "source_txs": sorted(source_txs or []),
    }
    details = {"rates": [list(r) for r in rates or []]}
    summary = label or (
        f"money traced from {len(ref['source_accounts'])} account(s) and "
        f"{len(ref['source_txs'])} transfer(s) under LIBR, FIFO and pro rata"
    )
    return add_finding(store, case_id, "trace", ref, summary, details, actor)
