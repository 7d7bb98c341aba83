"""GET /api/alerts over a resolved small world."""

from __future__ import annotations

import csv
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


def test_alerts_cover_the_planted_schemes(client: TestClient, resolved_world) -> None:
    response = client.get("/api/alerts")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["alerts"]) > 0
    scores = [a["score"] for a in body["alerts"]]
    assert scores == sorted(scores, reverse=True)
    with (resolved_world[0] / "truth" / "schemes.csv").open(encoding="utf-8") as handle:
        structuring = {
            r["transaction_id"] for r in csv.DictReader(handle) if r["typology"] == "structuring"
        }
    only = client.get("/api/alerts", params={"typology": "structuring"}).json()
    assert {a["typology"] for a in only["alerts"]} == {"structuring"}
    assert structuring & {tx for a in only["alerts"] for tx in a["transactions"]}
    account = only["alerts"][0]["accounts"][0]
    mine = client.get("/api/alerts", params={"account": account}).json()
    assert mine["alerts"] and all(account in a["accounts"] for a in mine["alerts"])


def test_unknown_typology_is_422(client: TestClient) -> None:
    assert client.get("/api/alerts", params={"typology": "smurfing"}).status_code == 422
