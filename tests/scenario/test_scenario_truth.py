"""The ground truth agrees with the data, and the data is as hard as promised."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from scenario_helpers import read_csv

from nohaven.names import SYSTEMS, lookup_surname, romanize_name, split_han_name

TYPOLOGIES = {
    "embezzlement",
    "quota_splitting",
    "structuring",
    "casino_cashout",
    "fan_out",
    "fan_in",
    "cycle",
    "scatter_gather",
    "pass_through",
    "shell_conduit",
    "gather_scatter",
    "stack",
}
RULES = {"naked_official", "incomplete_family", "undeclared_foreign_asset", "unexplained_wealth"}
LEGAL_ENTITIES = {"Person", "Company", "PublicBody"}

Truth = dict[str, list[dict[str, str]]]


@pytest.fixture(scope="module")
def true_id(truth: Truth) -> dict[str, str]:
    rows = truth["identities"]
    mapping = {row["entity_id"]: row["true_id"] for row in rows}
    assert len(mapping) == len(rows), "an entity appears twice in identities.csv"
    return mapping


@pytest.fixture(scope="module")
def records_of(true_id: dict[str, str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for entity_id, real in true_id.items():
        grouped[real].append(entity_id)
    return grouped


def test_identities_cover_every_person_and_company(
    true_id: dict[str, str], all_entities: dict[str, Any]
) -> None:
    legal = {e["id"] for e in all_entities.values() if e["schema"] in LEGAL_ENTITIES}
    assert set(true_id) == legal


def test_planted_people_have_records_in_several_datasets(
    records_of: dict[str, list[str]], all_entities: dict[str, Any]
) -> None:
    planted = {k: v for k, v in records_of.items() if k.startswith("tp-")}
    assert len(planted) >= 20
    spread = [len({all_entities[r]["_file"] for r in records}) for records in planted.values()]
    assert max(spread) >= 4
    assert sum(n >= 2 for n in spread) >= 10


def test_schemes(truth: Truth, scenario: Path) -> None:
    tx_ids = {row["id"] for row in read_csv(scenario / "ledger" / "transactions.csv")}
    typology_of: dict[str, str] = {}
    for row in truth["schemes"]:
        assert row["transaction_id"] in tx_ids, row
        assert row["typology"] in TYPOLOGIES, row
        assert typology_of.setdefault(row["scheme_id"], row["typology"]) == row["typology"]
    assert set(typology_of.values()) == TYPOLOGIES
    pairs = [(row["scheme_id"], row["transaction_id"]) for row in truth["schemes"]]
    assert len(pairs) == len(set(pairs))


def test_scheme_transactions_carry_currency(truth: Truth, scenario: Path) -> None:
    planted = {row["transaction_id"] for row in truth["schemes"]}
    for tx in read_csv(scenario / "ledger" / "transactions.csv"):
        if tx["id"] in planted:
            assert tx["currency"], tx


def test_quota_splitting_looks_like_ants_moving_house(truth: Truth, scenario: Path) -> None:
    planted = {r["transaction_id"] for r in truth["schemes"] if r["typology"] == "quota_splitting"}
    buys = [
        tx
        for tx in read_csv(scenario / "ledger" / "transactions.csv")
        if tx["id"] in planted and tx["channel"] == "fx_purchase"
    ]
    by_target: dict[str, set[str]] = defaultdict(set)
    for tx in buys:
        assert tx["currency"] == "USD" and float(tx["amount"]) <= 50_000, tx
        by_target[tx["to_account"]].add(tx["from_account"])
    assert max(len(buyers) for buyers in by_target.values()) >= 5


def test_structuring_stays_under_thresholds(truth: Truth, scenario: Path) -> None:
    planted = {r["transaction_id"] for r in truth["schemes"] if r["typology"] == "structuring"}
    deposits = [
        tx for tx in read_csv(scenario / "ledger" / "transactions.csv") if tx["id"] in planted
    ]
    assert deposits
    limits = {"USD": 10_000, "CNY": 50_000}
    for tx in deposits:
        assert tx["channel"] == "cash_deposit", tx
        assert float(tx["amount"]) < limits[tx["currency"]], tx


def test_findings(truth: Truth, all_entities: dict[str, Any], declarations: list[Any]) -> None:
    filers = {d["official_id"] for d in declarations}
    rules = set()
    for row in truth["findings"]:
        assert row["rule"] in RULES
        rules.add(row["rule"])
        official = all_entities[row["official_id"]]
        assert official["_file"] == "registry/cn_registry.ftm.json"
        assert "position" in official["properties"]
        assert row["official_id"] in filers
    assert rules == RULES


def test_assets(truth: Truth, all_entities: dict[str, Any]) -> None:
    schemes = {row["scheme_id"] for row in truth["schemes"]}
    assert truth["assets"]
    kinds = set()
    for row in truth["assets"]:
        kinds.add(all_entities[row["asset_id"]]["schema"])
        assert row["official_id"] in all_entities
        assert row["source_scheme_id"] in schemes
    assert kinds == {"RealEstate", "Company"}


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _systems_matching(han: str, written: str) -> set[str]:
    """Which romanisations of ``han`` the written name contains (surname and given name)."""
    family, given = split_han_name(han)
    letters = _letters(written)
    matched = set()
    surname = lookup_surname(family)
    for system in SYSTEMS:
        name = romanize_name(family, given, system)
        families = {_letters(name.family)}
        if surname is not None and system != "wade_giles":
            families |= {_letters(f) for f in (*surname.regional, surname.macau_cantonese)}
        given_letters = _letters("".join(name.given_syllables))
        if given_letters in letters and any(f in letters for f in families):
            matched.add(system)
    return matched


def test_same_person_written_in_several_romanisations(
    records_of: dict[str, list[str]], all_entities: dict[str, Any]
) -> None:
    diverse = 0
    for real, records in records_of.items():
        if not real.startswith("tp-"):
            continue
        registry = [all_entities[r] for r in records if r.startswith("cn-reg-")]
        han = registry[0]["properties"]["name"][0]
        seen = [
            _systems_matching(han, all_entities[r]["properties"]["name"][0])
            for r in records
            if not r.startswith("cn-reg-") and all_entities[r]["schema"] == "Person"
        ]
        seen = [systems for systems in seen if systems]
        if len(set().union(*seen)) >= 2 and not set.intersection(*seen):
            diverse += 1
    assert diverse >= 3


def test_namesakes_make_names_ambiguous(
    records_of: dict[str, list[str]], true_id: dict[str, str], all_entities: dict[str, Any]
) -> None:
    registry_names: dict[str, set[str]] = defaultdict(set)
    for entity_id, real in true_id.items():
        item = all_entities[entity_id]
        if item["_file"].startswith("registry") and item["schema"] == "Person":
            registry_names[item["properties"]["name"][0]].add(real)
    planted_names = {
        all_entities[r]["properties"]["name"][0]
        for real, records in records_of.items()
        if real.startswith("tp-")
        for r in records
        if r.startswith("cn-reg-")
    }
    shared = [name for name in planted_names if len(registry_names[name]) >= 2]
    assert shared, "expected planted people to share their Han name with someone else"


def test_planted_purchases_are_funded_by_planted_money(truth: Truth, scenario: Path) -> None:
    """Before a house is paid for, scheme money covering the price has reached the payer,
    so tracing the stolen money into the property has an answer."""
    rates = json.loads((scenario / "scenario.json").read_text())["fx_rates_cny"]
    planted = {row["transaction_id"] for row in truth["schemes"]}
    flows = [tx for tx in read_csv(scenario / "ledger" / "transactions.csv") if tx["id"] in planted]
    purchases = [tx for tx in flows if tx["memo"].startswith(("escrow deposit", "purchase "))]
    assert len(purchases) >= 3
    for purchase in purchases:
        payer, paid_at = purchase["from_account"], purchase["timestamp"]
        received = sum(
            float(tx["amount"]) * rates[tx["currency"]]
            for tx in flows
            if tx["to_account"] == payer and tx["timestamp"] < paid_at
        )
        price = float(purchase["amount"]) * rates[purchase["currency"]]
        assert received >= price * 0.99, purchase
