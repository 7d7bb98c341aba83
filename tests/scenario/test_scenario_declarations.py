"""Declarations follow the documented format, and their lies are checkable."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from scenario_helpers import read_csv

KEYS = {
    "declaration_id",
    "official_id",
    "official_name",
    "filing_date",
    "kind",
    "version",
    "amends",
    "family",
    "income",
    "assets",
    "passports",
    "trips",
}
FAMILY_KEYS = {
    "person_id",
    "name",
    "relation",
    "birth_date",
    "nationality",
    "residence_country",
    "residence_status",
    "job",
}
ASSET_KINDS = {
    "real_estate",
    "securities",
    "funds",
    "insurance",
    "company_interest",
    "bank_account",
    "vehicle",
    "cash",
}
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
AMOUNT = re.compile(r"^\d+\.\d\d$")


def test_format(declarations: list[dict[str, Any]], all_entities: dict[str, Any]) -> None:
    ids = [d["declaration_id"] for d in declarations]
    assert len(ids) == len(set(ids))
    by_id = {d["declaration_id"]: d for d in declarations}
    for d in declarations:
        assert set(d) == KEYS
        assert d["kind"] in {"annual", "passport_application", "change_of_post"}
        assert DATE.match(d["filing_date"])
        assert all_entities[d["official_id"]]["properties"]["name"] == [d["official_name"]]
        members = {"self"}
        for member in d["family"]:
            assert set(member) == FAMILY_KEYS
            assert member["relation"] in {"spouse", "child", "child_spouse"}
            assert member["residence_status"] in {
                "citizen",
                "permanent_resident",
                "long_term_resident",
                "none",
            }
            assert all_entities[member["person_id"]]["properties"]["name"] == [member["name"]]
            members.add(member["person_id"])
        for row in d["income"]:
            assert AMOUNT.match(row["amount"]) and row["currency"]
            assert row["member"] in members
        for asset in d["assets"]:
            assert asset["kind"] in ASSET_KINDS
            assert AMOUNT.match(asset["value"]) and asset["currency"]
            assert asset["member"] in members
        for passport in d["passports"]:
            assert passport["number"] and DATE.match(passport["issued"])
        for trip in d["trips"]:
            assert trip["from"] <= trip["to"]
        if d["version"] == 1:
            assert d["amends"] is None
        else:
            earlier = by_id[d["amends"]]
            assert earlier["official_id"] == d["official_id"]
            assert earlier["filing_date"] == d["filing_date"]
            assert earlier["version"] == d["version"] - 1


def test_sorted_by_filing_date(declarations: list[dict[str, Any]]) -> None:
    dates = [d["filing_date"] for d in declarations]
    assert dates == sorted(dates)


def test_omitted_child_is_in_the_registry(
    declarations: list[dict[str, Any]], all_entities: dict[str, Any], truth: Any
) -> None:
    relatives: dict[str, set[str]] = defaultdict(set)
    for item in all_entities.values():
        if item["schema"] == "Family" and item["_file"].startswith("registry"):
            relatives[item["properties"]["person"][0]].add(item["properties"]["relative"][0])
    latest: dict[str, dict[str, Any]] = {}
    for d in declarations:
        if d["kind"] == "annual":
            latest[d["official_id"]] = d
    flagged = {r["official_id"] for r in truth["findings"] if r["rule"] == "incomplete_family"}
    assert flagged
    for official_id, declaration in latest.items():
        declared = {m["person_id"] for m in declaration["family"]}
        missing = relatives[official_id] - declared
        assert bool(missing) == (official_id in flagged), official_id


def test_hidden_emigration_shows_in_visa_records(
    declarations: list[dict[str, Any]], truth: Any, scenario: Path
) -> None:
    naked = {r["official_id"] for r in truth["findings"] if r["rule"] == "naked_official"}
    hidden = {
        d["official_id"]
        for d in declarations
        if d["official_id"] in naked
        and d["family"]
        and all(m["residence_status"] == "none" for m in d["family"])
    }
    assert hidden, "expected a naked official who declares the family at home"
    true_id = {r["entity_id"]: r["true_id"] for r in truth["identities"]}
    settled: set[str] = set()
    for stem in ("ca_visas", "us_visas"):
        for row in read_csv(scenario / "foreign" / f"{stem}.csv"):
            if row["status"] in {"permanent resident", "citizen", "lawful permanent resident"}:
                settled.add(true_id[row["person_id"]])
    for d in declarations:
        if d["official_id"] in hidden:
            spouses = [m for m in d["family"] if m["relation"] == "spouse"]
            assert spouses and true_id[spouses[0]["person_id"]] in settled
