"""The review queue and judgements over HTTP, on a resolved small world."""

from __future__ import annotations

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


def test_review_then_judge_removes_the_pair_from_the_queue(
    client: TestClient, resolved_copy: Path
) -> None:
    queue = client.get("/api/review", params={"limit": 5}).json()
    assert 0 < len(queue) <= 5
    first = queue[0]
    assert {"left_id", "right_id", "match_probability", "evidence"} <= set(first)
    made = client.post(
        "/api/judgements",
        json={
            "left_id": first["right_id"],
            "right_id": first["left_id"],
            "judgement": "different",
            "author": "analyst-1",
            "reason": "different birth places",
        },
    )
    assert made.status_code == 201
    assert (made.json()["left_id"], made.json()["right_id"]) == (
        first["left_id"],
        first["right_id"],
    )
    after = client.get("/api/review", params={"limit": 1000}).json()
    assert (first["left_id"], first["right_id"]) not in {
        (p["left_id"], p["right_id"]) for p in after
    }


def test_bad_judgements_are_4xx_and_store_nothing(client: TestClient) -> None:
    queue = client.get("/api/review", params={"limit": 1}).json()
    known = queue[0]["left_id"]
    unknown = client.post(
        "/api/judgements",
        json={"left_id": known, "right_id": "nope", "judgement": "same", "author": "a"},
    )
    assert unknown.status_code == 404 and "nope" in unknown.json()["detail"]
    invalid = client.post(
        "/api/judgements",
        json={"left_id": known, "right_id": known, "judgement": "maybe", "author": "a"},
    )
    assert invalid.status_code == 422
    with client.app.state.store.reader() as reader:
        assert reader.fetchone("SELECT count(*) FROM judgements")[0] == 0


def test_cluster_members_by_canonical_id(client: TestClient, resolved_copy: Path) -> None:
    with client.app.state.store.reader() as reader:
        canonical, size = reader.fetchone(
            "SELECT canonical_id, count(*) FROM clusters GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
        )
    body = client.get(f"/api/clusters/{canonical}").json()
    assert len(body["members"]) == size > 1
    assert client.get("/api/clusters/nh-nothing").status_code == 404
