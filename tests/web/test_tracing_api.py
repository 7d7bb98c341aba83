"""POST /api/trace over a resolved small world's ledger."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nohaven.settings import Settings
from nohaven.web import create_app


@pytest.fixture
def client(resolved_copy: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=resolved_copy))) as test_client:
        yield test_client


@pytest.fixture
def world_rates(resolved_world) -> list[dict]:
    per_unit = json.loads((resolved_world[0] / "scenario.json").read_text())["fx_rates_cny"]
    return [
        {"date": "2000-01-01", "currency": code, "rate_to_usd": cny / per_unit["USD"]}
        for code, cny in per_unit.items()
    ]


def truth_rows(world: Path, name: str) -> list[dict[str, str]]:
    with (world / "truth" / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_trace_reaches_planted_property_under_each_rule(
    client: TestClient, resolved_world, world_rates: list[dict]
) -> None:
    world = resolved_world[0]
    embezzled = [
        r["transaction_id"]
        for r in truth_rows(world, "schemes.csv")
        if r["typology"] == "embezzlement"
    ]
    planted = {r["asset_id"] for r in truth_rows(world, "assets.csv")}
    reached = {}
    for rule in ("libr", "fifo", "prorata"):
        response = client.post(
            "/api/trace",
            json={"rule": rule, "source_txs": embezzled, "rates": world_rates, "flows": 10},
        )
        assert response.status_code == 200, response.text
        out = response.json()
        assert out["rule"] == rule and out["currency"] == "USD"
        assert "transfers" not in out and out["transfers_touched"] > 0
        assert 0 < len(out["flows"]["links"]) <= 10
        assert set(out["assets"]) <= planted
        reached[rule] = set(out["assets"])
    assert reached["prorata"], "pro rata follows some embezzled money into property"


def test_schedule_and_detail_on_request(client: TestClient, world_rates: list[dict]) -> None:
    first = client.post(
        "/api/trace", json={"rule": "libr", "source_accounts": [], "source_txs": []}
    )
    assert first.status_code == 400
    ledger = client.app.state.store.fetchall(
        "SELECT from_account, to_account FROM ledger ORDER BY amount DESC LIMIT 1"
    )[0]
    response = client.post(
        "/api/trace",
        json={
            "rule": "fifo",
            "source_accounts": [ledger[0]],
            "rates": world_rates,
            "detail": True,
            "schedule_account": ledger[1],
        },
    )
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["transfers"] and all(
        set(t["traced"]) == {ledger[0]} for t in out["transfers"].values()
    )
    assert out["schedule"] and all(
        ledger[1] in (row["from_account"], row["to_account"]) for row in out["schedule"]
    )


def test_bad_requests_are_4xx(client: TestClient, world_rates: list[dict]) -> None:
    unknown = client.post(
        "/api/trace", json={"rule": "libr", "source_accounts": ["nobody"], "rates": world_rates}
    )
    assert unknown.status_code == 404 and "nobody" in unknown.json()["detail"]
    no_rates = client.post("/api/trace", json={"rule": "libr", "source_accounts": ["x"]})
    assert no_rates.status_code == 400 and "exchange rates" in no_rates.json()["detail"]
    bad_rule = client.post("/api/trace", json={"rule": "lifo", "source_accounts": ["x"]})
    assert bad_rule.status_code == 422
