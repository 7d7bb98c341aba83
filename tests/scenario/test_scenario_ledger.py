"""The ledger: accounts, transactions and their link to entities."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from scenario_helpers import read_csv

TX_HEADER = (
    "id,timestamp,from_account,to_account,amount,currency,channel,from_country,to_country,memo"
)
ACCOUNT_HEADER = "account,holder,bank,country,kind"
CHANNELS = {"wire", "cash_deposit", "cash_withdrawal", "fx_purchase", "card", "casino", "cheque"}
CURRENCIES = {"CNY", "HKD", "USD", "CAD", "MOP", "SGD"}
KINDS = {"person", "company", "casino", "bank", "unknown"}


@pytest.fixture(scope="module")
def accounts(scenario: Path) -> dict[str, dict[str, str]]:
    rows = read_csv(scenario / "ledger" / "accounts.csv")
    by_id = {row["account"]: row for row in rows}
    assert len(by_id) == len(rows), "duplicate account ids"
    return by_id


@pytest.fixture(scope="module")
def transactions(scenario: Path) -> list[dict[str, str]]:
    return read_csv(scenario / "ledger" / "transactions.csv")


def test_headers(scenario: Path) -> None:
    ledger = scenario / "ledger"
    assert (ledger / "transactions.csv").read_text().splitlines()[0] == TX_HEADER
    assert (ledger / "accounts.csv").read_text().splitlines()[0] == ACCOUNT_HEADER


def test_accounts(accounts: dict[str, dict[str, str]], all_entities: dict[str, Any]) -> None:
    for account, row in accounts.items():
        assert row["kind"] in KINDS
        assert row["holder"] in all_entities, f"{account}: holder {row['holder']} not loaded"
        assert row["country"] in {"cn", "hk", "mo", "sg", "us", "ca"}
        if account.startswith("CASH-"):
            assert row["kind"] == "unknown"
            assert account == f"CASH-{row['bank']}"


def test_transactions(
    transactions: list[dict[str, str]], accounts: dict[str, dict[str, str]]
) -> None:
    ids = [tx["id"] for tx in transactions]
    assert len(ids) == len(set(ids))
    timestamps = [tx["timestamp"] for tx in transactions]
    assert timestamps == sorted(timestamps)
    for tx in transactions:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", tx["timestamp"]), tx
        assert re.fullmatch(r"\d+\.\d\d", tx["amount"]), tx
        assert float(tx["amount"]) > 0, tx
        assert tx["currency"] in CURRENCIES, tx
        assert tx["channel"] in CHANNELS, tx
        assert tx["from_account"] and tx["to_account"], tx
        assert tx["from_account"] != tx["to_account"], tx
        assert tx["from_country"] == accounts[tx["from_account"]]["country"], tx
        assert tx["to_country"] == accounts[tx["to_account"]]["country"], tx


def test_cash_moves_through_counters(
    transactions: list[dict[str, str]], accounts: dict[str, dict[str, str]]
) -> None:
    for tx in transactions:
        if tx["channel"] == "cash_deposit":
            assert tx["from_account"].startswith("CASH-"), tx
        if tx["channel"] == "cash_withdrawal":
            assert tx["to_account"].startswith("CASH-"), tx
        if tx["channel"] == "casino":
            kinds = {accounts[tx["from_account"]]["kind"], accounts[tx["to_account"]]["kind"]}
            assert "casino" in kinds, tx


def test_background_has_look_alikes(transactions: list[dict[str, str]]) -> None:
    channels = Counter(tx["channel"] for tx in transactions)
    assert set(channels) == CHANNELS
    near_threshold = [
        tx
        for tx in transactions
        if tx["channel"] == "cash_deposit"
        and tx["currency"] == "USD"
        and 8_000 <= float(tx["amount"]) < 10_000
    ]
    assert near_threshold, "expected cash deposits just under the US reporting threshold"


def test_sg_bank_accounts_are_ledger_accounts(
    all_entities: dict[str, Any], accounts: dict[str, dict[str, str]]
) -> None:
    numbers = [
        e["properties"]["accountNumber"][0]
        for e in all_entities.values()
        if e["schema"] == "BankAccount"
    ]
    assert numbers
    assert all(number in accounts for number in numbers)
