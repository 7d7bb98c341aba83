"""Fuzz the whole API from its own OpenAPI document: never a 5xx, always the schema."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from nohaven.access import add_user
from nohaven.ingest import load_paths
from nohaven.settings import Settings
from nohaven.store import Store
from nohaven.web import create_app

# The app is built at import so that schemathesis can read its OpenAPI document; its
# store is filled and opened by the fixture below before any request is made.
HOME = Path(tempfile.mkdtemp(prefix="nohaven-fuzz-"))
# The request budget is lifted so the fuzzer is not rate limited.
APP = create_app(Settings(db=HOME / "fuzz.duckdb", rate_limit=(1e9, 10**9)))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
TOKEN: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def running_app(screening_entities: dict[str, list[dict]]) -> Iterator[None]:
    with Store(HOME / "fuzz.duckdb") as store:
        for dataset, entities in screening_entities.items():
            path = HOME / f"{dataset}.ftm.json"
            path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entities))
            load_paths(store, [path], dataset=dataset)
        # Fuzzed as a signed-in client would be: a user exists, so every request needs
        # the token.
        _, TOKEN["value"] = add_user(store, "fuzzer", "test-agency", "admin")
    with TestClient(APP):  # runs the lifespan: the store stays open while fuzzing
        yield
    shutil.rmtree(HOME, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_request_breaks_the_server(case) -> None:
    # Requests that the schema allows may still name an unknown dataset or schema, or
    # carry no name: a documented 400 or 404 for those is right, not a failure.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN['value']}"},
        excluded_checks=[positive_data_acceptance],
    )
