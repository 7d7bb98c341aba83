from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nohaven.ingest import load_paths
from nohaven.settings import Settings
from nohaven.store import Store
from nohaven.web import create_app


@pytest.fixture
def client(db_path: Path, tiny: Path) -> Iterator[TestClient]:
    with Store(db_path) as store:
        load_paths(store, [tiny])
    with TestClient(create_app(Settings(db=db_path))) as test_client:
        yield test_client


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"


def test_status_api_lists_datasets_and_sources(client: TestClient) -> None:
    status = client.get("/api/status").json()
    assert status["datasets"]["persons"]["entities"] == 4
    assert len(status["sources"]) == 5
    assert all(len(s["sha256"]) == 64 for s in status["sources"])


def test_status_page_renders_counts(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "<td>persons</td>" in page.text and "declarations" in page.text
    assert client.get("/static/nohaven.css").status_code == 200


def test_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/healthz", "/readyz", "/api/status"} <= set(paths)
