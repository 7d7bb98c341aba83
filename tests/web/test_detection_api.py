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


def test_a_run_is_kept_and_read_back_with_the_people_behind_it(client: TestClient) -> None:
    live = client.get("/api/alerts", params={"limit": 10_000}).json()
    assert live["run"] is None
    made = client.post("/api/alerts/runs")
    assert made.status_code == 201, made.text
    run = made.json()
    kept = client.get("/api/alerts", params={"limit": 10_000}).json()
    assert kept["run"]["run_id"] == run["run_id"] and kept["total"] == run["alerts"]
    # The same alerts, in the same order, with the same stable ids.
    assert [a["alert_id"] for a in kept["alerts"]] == [a["alert_id"] for a in live["alerts"]]
    person = next(p for a in kept["alerts"] for p in a["people"] if p["name"])
    assert person["id"].startswith("nh-") or person["accounts"]
    theirs = client.get("/api/alerts", params={"person": person["id"]}).json()
    assert theirs["total"] >= 1
    assert all(person["id"] in {p["id"] for p in a["people"]} for a in theirs["alerts"])
    again = client.post("/api/alerts/runs").json()
    assert again["run_id"] == run["run_id"] + 1
