"""Users, tokens, sign-in, roles, CSRF and the guard's limits, over the real app."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nohaven import cases
from nohaven.access import add_user, check_password, record_ownership, user_for_token
from nohaven.cases import verify_audit
from nohaven.detect import DetectRequest, detect, save_alerts
from nohaven.ingest import load_paths
from nohaven.resolve.pipeline import resolve
from nohaven.settings import Settings
from nohaven.store import Store
from nohaven.web import create_app
from nohaven.web.security import MAX_BODY


def test_passwords_and_tokens_are_kept_only_hashed(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        user, token = add_user(store, "alice", "cn-ccdi", "investigator", "a long passphrase")
        row = store.fetchone("SELECT password_hash FROM users WHERE name = 'alice'")[0]
        assert row.startswith("scrypt$") and "a long passphrase" not in row
        assert (
            store.fetchone("SELECT count(*) FROM api_tokens WHERE token_hash = ?", [token])[0] == 0
        )
        assert user_for_token(store, token) == user
        assert user_for_token(store, token + "x") is None
        assert check_password(store, "alice", "a long passphrase") == user
        assert check_password(store, "alice", "a wrong passphrase") is None
        assert check_password(store, "nobody", "a long passphrase") is None


def test_users_cli_prints_a_token_once_and_checks_input(cli: Callable, tmp_path: Path) -> None:
    db = tmp_path / "u.duckdb"
    made = cli("users", "add", "bob", "--agency", "hk-icac", "--role", "viewer", "--db", db)
    assert made.code == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("nh_") and len(token) > 40
    listed = cli("users", "list", "--json", "--db", db)
    assert '"bob"' in listed.stdout and token not in listed.stdout
    bad = cli("users", "add", "eve", "--agency", "x", "--role", "god", "--db", db)
    assert bad.code == 1 and "role must be one of" in bad.stderr
    again = cli("users", "add", "bob", "--agency", "x", "--role", "viewer", "--db", db)
    assert again.code == 1 and "already a user" in again.stderr


def test_serving_beyond_loopback_needs_users(cli: Callable, tmp_path: Path) -> None:
    db = tmp_path / "v.duckdb"
    with Store(db):
        pass
    refused = cli("serve", "--host", "0.0.0.0", "--db", db)
    assert refused.code == 1 and "127.0.0.1" in refused.stderr


@pytest.fixture
def guarded(resolved_copy: Path) -> tuple[Path, dict[str, str]]:
    """A resolved store with a viewer, a reviewer and an investigator who can sign in."""
    tokens = {}
    with Store(resolved_copy) as store:
        for name, role in (("vera", "viewer"), ("rex", "reviewer"), ("ivy", "investigator")):
            _, tokens[name] = add_user(store, name, "cn-ccdi", role, f"{name} long password")
        record_ownership(store, sorted(store.datasets()), "cn-ccdi", [])
    return resolved_copy, tokens


def test_once_a_user_exists_every_request_needs_a_token(guarded) -> None:
    db, tokens = guarded
    with TestClient(create_app(Settings(db=db))) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/status").status_code == 401
        assert (
            client.get("/api/status", headers={"Authorization": "Bearer nh_wrong"}).status_code
            == 401
        )
        ok = client.get("/api/status", headers={"Authorization": f"Bearer {tokens['vera']}"})
        assert ok.status_code == 200
        # OpenSanctions' clients send their key as "ApiKey KEY".
        key = client.get("/api/status", headers={"Authorization": f"ApiKey {tokens['vera']}"})
        assert key.status_code == 200
        assert client.get("/api/status", headers={"Authorization": "ApiKey "}).status_code == 401
        page = client.get("/alerts", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_roles_limit_what_a_token_may_do(guarded) -> None:
    db, tokens = guarded
    with TestClient(create_app(Settings(db=db))) as client:
        pair = client.get(
            "/api/review", headers={"Authorization": f"Bearer {tokens['rex']}"}
        ).json()[0]
        body = {
            "left_id": pair["left_id"],
            "right_id": pair["right_id"],
            "judgement": "same",
            "author": "someone else",
        }
        viewer = client.post(
            "/api/judgements", json=body, headers={"Authorization": f"Bearer {tokens['vera']}"}
        )
        assert viewer.status_code == 403
        reviewer = client.post(
            "/api/judgements", json=body, headers={"Authorization": f"Bearer {tokens['rex']}"}
        )
        assert reviewer.status_code == 201
        assert reviewer.json()["author"] == "rex"  # the token says who judged, not the body
        runs = client.post("/api/alerts/runs", headers={"Authorization": f"Bearer {tokens['rex']}"})
        assert runs.status_code == 403


def test_signing_in_to_the_ui_and_csrf(guarded) -> None:
    db, _ = guarded
    with TestClient(create_app(Settings(db=db))) as client:
        form = client.get("/login")
        assert form.status_code == 200
        csrf = client.cookies.get("nohaven_csrf")
        assert csrf
        wrong = client.post("/login", data={"name": "ivy", "password": "nope", "csrf_token": csrf})
        assert wrong.status_code == 401
        forged = client.post("/login", data={"name": "ivy", "password": "ivy long password"})
        assert forged.status_code == 403  # no CSRF token: another site's form
        signed = client.post(
            "/login",
            data={
                "name": "ivy",
                "password": "ivy long password",
                "csrf_token": csrf,
                "next": "//evil.example/",
            },
            follow_redirects=False,
        )
        assert signed.status_code == 303 and signed.headers["location"] == "/"
        assert client.get("/alerts").status_code == 200
        assert "ivy (investigator, cn-ccdi)" in client.get("/cases").text
        no_token = client.post("/trace/run", data={"sources": "x"})
        assert no_token.status_code == 403


def test_the_guard_sets_headers_and_refuses_oversized_bodies(resolved_copy: Path) -> None:
    with TestClient(create_app(Settings(db=resolved_copy))) as client:
        response = client.get("/healthz")
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        big = client.post(
            "/api/trace",
            content=b"x" * (MAX_BODY + 1),
            headers={"content-type": "application/json"},
        )
        assert big.status_code == 413


def test_each_user_has_a_request_budget(guarded) -> None:
    db, tokens = guarded
    app = create_app(Settings(db=db, rate_limit=(0.5, 3)))
    with TestClient(app) as client:
        vera = {"Authorization": f"Bearer {tokens['vera']}"}
        codes = [client.get("/api/status", headers=vera).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/api/status", headers=vera)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        # Another user's budget is their own.
        rex = client.get("/api/status", headers={"Authorization": f"Bearer {tokens['rex']}"})
        assert rex.status_code == 200


def test_reads_of_personal_data_are_in_the_audit_log(guarded) -> None:
    db, tokens = guarded
    with TestClient(create_app(Settings(db=db))) as client:
        vera = {"Authorization": f"Bearer {tokens['vera']}"}
        cluster = client.get("/api/review", headers=vera).json()[0]["left_id"]
        assert client.get(f"/entity/{cluster}", headers=vera).status_code == 200
        assert client.get("/search", params={"q": "Cheung"}, headers=vera).status_code == 200
        query = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Cheung"]}}}}
        assert client.post("/match/default", json=query, headers=vera).status_code == 200
        assert client.get("/search/default", params={"q": "Chan"}, headers=vera).status_code == 200
    with Store(db, read_only=True) as store:
        reads = store.fetchall(
            "SELECT actor, action, object FROM audit_log WHERE action LIKE 'read.%' ORDER BY seq"
        )
    assert ("vera", "read.search", "Cheung") in reads
    assert ("vera", "read.match", "default") in reads  # batched, written by shutdown
    assert ("vera", "read.search", "default") in reads
    assert any(actor == "vera" and action == "read.entity" for actor, action, _ in reads)
    with Store(db) as store:
        assert verify_audit(store).ok


def _officers(db: Path, *agencies: str) -> list[str]:
    """An investigator of each agency ("hk-icac" has "hk-officer"): their tokens."""
    with Store(db) as store:
        return [
            add_user(store, f"{agency.split('-')[0]}-officer", agency, "investigator")[1]
            for agency in agencies
        ]


def test_another_agency_gets_404_not_the_data(
    cli: Callable, tmp_path: Path, resolved_world
) -> None:
    world = resolved_world[0]
    db = tmp_path / "shared.duckdb"
    hk, cn, ca = _officers(db, "hk-icac", "cn-ccdi", "ca-rcmp")
    unowned = cli("load", world / "foreign" / "hk_companies.ftm.json", "--db", db)
    assert unowned.code == 1 and "--agency" in unowned.stderr
    loaded = cli(
        "load",
        world / "foreign" / "hk_companies.ftm.json",
        "--agency",
        "hk-icac",
        "--share-with",
        "cn-ccdi",
        "--db",
        db,
    )
    assert loaded.code == 0, loaded.stderr
    taken = cli(
        "load",
        world / "foreign" / "hk_companies.ftm.json",
        "--dataset",
        "hk_companies",
        "--agency",
        "ca-rcmp",
        "--db",
        db,
    )
    assert taken.code == 1 and "belongs to agency 'hk-icac'" in taken.stderr
    with Store(db, read_only=True) as store:
        entity = store.fetchone(
            "SELECT entity_id FROM statements WHERE schema = 'Person' AND prop = 'name' LIMIT 1"
        )[0]
    with TestClient(create_app(Settings(db=db))) as client:
        for token, sees in ((hk, True), (cn, True), (ca, False)):
            auth = {"Authorization": f"Bearer {token}"}
            status = client.get("/api/status", headers=auth).json()
            assert ("hk_companies" in status["datasets"]) is sees
            got = client.get(f"/entities/{entity}", headers=auth)
            assert got.status_code == (200 if sees else 404)
            search = client.get("/search/hk_companies", params={"q": "Chan"}, headers=auth)
            assert search.status_code == (200 if sees else 404)
            listed = client.get("/catalog", headers=auth).json()["datasets"]
            assert ("hk_companies" in {d["name"] for d in listed}) is sees
            match = client.post(
                "/match/default",
                json={"queries": {"q": {"schema": "Person", "properties": {"name": ["x"]}}}},
                headers=auth,
            )
            assert match.status_code == 200
            page = client.get(f"/entity/{entity}", headers=auth)
            assert page.status_code == (200 if sees else 404)


def test_declarations_ledgers_and_networks_stay_with_their_agency(
    cli: Callable, tmp_path: Path, resolved_world
) -> None:
    world = resolved_world[0]
    db = tmp_path / "agencies.duckdb"
    hk, cn = _officers(db, "hk-icac", "cn-ccdi")
    for path, agency in (
        (world / "registry", "cn-ccdi"),
        (world / "declarations", "cn-ccdi"),
        (world / "ledger", "cn-ccdi"),
        (world / "foreign" / "hk_companies.ftm.json", "hk-icac"),
    ):
        assert cli("load", path, "--agency", agency, "--db", db).code == 0
    with Store(db, read_only=True) as store:
        application = store.fetchone(
            "SELECT declaration_id FROM declarations WHERE kind = 'passport_application' LIMIT 1"
        )[0]
        official = store.fetchone(
            "SELECT value FROM statements WHERE schema = 'Family' AND prop = 'person' LIMIT 1"
        )[0]
        account = store.fetchone("SELECT from_account FROM ledger LIMIT 1")[0]
    with Store(db) as store:
        save_alerts(store, detect(DetectRequest(), store), ("all",))
        case_id = cases.open_case(store, "the branch president", [official], "cli", "cn-ccdi")
        resolve(store)
        canonical = store.fetchone(
            "SELECT canonical_id FROM clusters c JOIN statements s USING (entity_id) "
            "WHERE s.dataset = 'cn_registry' LIMIT 1"
        )[0]
        pair = store.fetchone(
            "SELECT left_id, right_id FROM resolution_pairs "
            "WHERE left_id NOT LIKE 'hk-%' AND right_id NOT LIKE 'hk-%' LIMIT 1"
        )
    with TestClient(create_app(Settings(db=db))) as client:
        mine = {"Authorization": f"Bearer {cn}"}
        theirs = {"Authorization": f"Bearer {hk}"}
        assert client.get("/api/alerts", headers=mine).json()["total"] > 0
        assert client.get("/api/alerts", headers=theirs).json()["total"] == 0
        assert client.get(f"/cases/{case_id}", headers=mine).status_code == 200
        assert client.get(f"/cases/{case_id}", headers=theirs).status_code == 404
        assert case_id not in client.get("/cases", headers=theirs).text
        assert client.get(f"/api/passport/{application}", headers=mine).status_code == 200
        assert client.get(f"/api/passport/{application}", headers=theirs).status_code == 404
        found = client.get("/api/declarations/findings", headers=mine).json()["findings"]
        assert found
        assert client.get("/api/declarations/findings", headers=theirs).json()["findings"] == []
        assert client.get(f"/api/network/{official}", headers=mine).status_code == 200
        assert client.get(f"/api/network/{official}", headers=theirs).status_code == 404
        assert client.get(f"/entity/{official}/network", headers=theirs).status_code == 200
        body = {"rule": "fifo", "source_accounts": [account], "currency": "CNY"}
        rates = [
            {"date": "2000-01-01", "currency": c, "rate_to_usd": 1.0}
            for c in ("CNY", "HKD", "USD", "CAD", "SGD", "MOP")
        ]
        assert (
            client.post("/api/trace", json=body | {"rates": rates}, headers=mine).status_code == 200
        )
        hidden = client.post("/api/trace", json=body | {"rates": rates}, headers=theirs)
        assert hidden.status_code in (400, 404)  # their agency has no ledger at all
        # Resolution: clusters, the review queue and judgements on another agency's records.
        cluster = client.get(f"/api/clusters/{canonical}", headers=mine)
        assert cluster.status_code == 200
        assert client.get(f"/api/clusters/{canonical}", headers=theirs).status_code == 404
        for token, own in ((mine, ("cn-", "ledger-")), (theirs, ("hk-",))):
            queue = client.get("/api/review", headers=token).json()
            assert queue and all(
                p["left_id"].startswith(own) and p["right_id"].startswith(own) for p in queue
            )
        judged = {"left_id": pair[0], "right_id": pair[1], "judgement": "same", "author": "x"}
        assert client.post("/api/judgements", json=judged, headers=theirs).status_code == 404
        # Pages: findings, passport decisions and dossier exports.
        assert official in client.get("/findings", headers=mine).text
        assert official not in client.get("/findings", headers=theirs).text
        decided = client.get("/passport", params={"application": application}, headers=theirs)
        assert decided.status_code == 200 and f"no declaration &#39;{application}" in decided.text
        csrf = client.cookies.get("nohaven_csrf")
        dossier = client.post(f"/cases/{case_id}/dossier", headers=theirs | {"x-csrf-token": csrf})
        assert dossier.status_code == 404


def test_a_request_that_takes_too_long_is_answered_503_and_the_server_goes_on(
    resolved_copy: Path,
) -> None:
    with TestClient(create_app(Settings(db=resolved_copy, request_timeout=0.2))) as client:
        slow = client.post("/api/alerts/runs")  # every detector over the world's ledger
        assert slow.status_code == 503 and "longer than 0.2 s" in slow.json()["detail"]
        assert slow.headers["retry-after"] == "30"
        # The abandoned run still works in the background for a while; the server answers
        # beside it, though on a busy machine not always within the 0.2 s given here.
        deadline = time.monotonic() + 60
        while client.get("/healthz").status_code != 200:
            assert time.monotonic() < deadline, "the server did not answer again"
            time.sleep(0.5)


def test_what_another_agencys_publisher_said_of_a_shared_entity_stays_hidden(
    tmp_path: Path,
) -> None:
    """Two agencies load the same OpenSanctions id; only one's file lists it on a
    watchlist. The other sees its own load of the entity and nothing of that list."""
    mine, theirs = tmp_path / "a.ftm.json", tmp_path / "b.ftm.json"
    person = {"id": "NK-1", "schema": "Person", "properties": {"name": ["Viktor Petrov"]}}
    mine.write_text(json.dumps(person) + "\n")
    published = {
        **person,
        "properties": {
            "name": ["Viktor Petrov", "Ivan Sidorov"],
            "passportNumber": ["P7654321"],
            "nationality": ["ru"],
            "notes": ["informant"],
        },
        "datasets": ["secret_watchlist"],
        "first_seen": "2001-01-01T00:00:00",
        "last_change": "2030-01-01T00:00:00",
    }
    theirs.write_text(json.dumps(published) + "\n")
    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        load_paths(store, [mine], dataset="agency_a_data")
        load_paths(store, [theirs], dataset="agency_b_data")
        _, token = add_user(store, "ann", "agency-a", "investigator", "a long password x")
        _, joint_token = add_user(store, "jo", "joint-unit", "investigator", "a long password y")
        record_ownership(store, ["agency_a_data"], "agency-a", ["joint-unit"])
        record_ownership(store, ["agency_b_data"], "agency-b", ["joint-unit"])
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(Settings(db=db))) as client:
        shown = client.get("/entities/NK-1", headers=auth).json()
        assert shown["datasets"] == ["agency_a_data"]
        # Nor what their file says of the person it shares with ours.
        assert shown["properties"] == {"name": ["Viktor Petrov"]}
        assert "2001" not in shown["first_seen"] and "2030" not in shown["last_change"]
        listed = client.get("/search/default", params={"facets": "datasets"}, headers=auth)
        counted = {v["name"] for v in listed.json()["facets"]["datasets"]["values"]}
        assert counted == {"agency_a_data"}
        for name in ("secret_watchlist", "agency_b_data"):
            by_name = client.get(
                "/search/default", params={"include_dataset": name}, headers=auth
            ).json()
            assert by_name["results"] == [], name
            matched = client.post(
                "/match/default",
                params={"include_dataset": name, "cutoff": 0},
                json={"queries": {"q": {"schema": "Person", "properties": person["properties"]}}},
                headers=auth,
            ).json()
            assert matched["responses"]["q"]["results"] == [], name
        # What only their file says finds nothing: a name, a passport, a country.
        alias = {"name": ["Ivan Sidorov"]}
        queries = {
            "alias": {"schema": "Person", "properties": alias},
            "passport": {"schema": "Person", "properties": {"passportNumber": ["P7654321"]}},
        }
        matched = client.post(
            "/match/default", params={"cutoff": 0}, json={"queries": queries}, headers=auth
        ).json()
        assert {k: r["results"] for k, r in matched["responses"].items()} == {
            "alias": [],
            "passport": [],
        }
        for params in ({"q": "Ivan Sidorov"}, {"filter": "countries:ru"}):
            found = client.get("/search/default", params=params, headers=auth).json()
            assert found["results"] == [], params
        # Whoever may see both loads is answered on both.
        joint = {"Authorization": f"Bearer {joint_token}"}
        matched = client.post("/match/default", json={"queries": queries}, headers=joint).json()
        assert [r["results"][0]["id"] for r in matched["responses"].values()] == ["NK-1"] * 2
        # The one entity both loads hold is counted once in `default`.
        counted = {
            d["name"]: d["entity_count"]
            for d in client.get("/catalog", headers=joint).json()["datasets"]
        }
        assert counted == {"agency_a_data": 1, "agency_b_data": 1, "default": 1}
        # Nor does OpenRefine's data extension give what only their file says.
        asked = {"ids": ["NK-1"], "properties": [{"id": "nationality"}, {"id": "name"}]}
        extended = client.post(
            "/reconcile/default", data={"extend": json.dumps(asked)}, headers=auth
        ).json()
        assert extended["rows"]["NK-1"] == {"nationality": [], "name": [{"str": "Viktor Petrov"}]}


def test_openrefine_sends_its_key_in_the_service_url(tmp_path: Path) -> None:
    """OpenRefine cannot send headers: /reconcile takes `?api_key=`, nothing else does."""
    db = tmp_path / "k.duckdb"
    with Store(db) as store:
        _, token = add_user(store, "ann", "agency-a", "investigator", "a long password x")
    with TestClient(create_app(Settings(db=db))) as client:
        assert client.get("/reconcile/default").status_code == 401
        assert client.get("/reconcile/default", params={"api_key": "nh_wrong"}).status_code == 401
        service = client.get("/reconcile/default", params={"api_key": token})
        assert service.status_code == 200
        # The suggest and extension services OpenRefine calls next carry the key on.
        assert service.json()["suggest"]["entity"]["service_path"].endswith(f"?api_key={token}")
        suggested = client.get(
            "/reconcile/default/suggest/entity", params={"prefix": "x", "api_key": token}
        )
        assert suggested.status_code == 200
        answered = client.post(
            f"/reconcile/default?api_key={token}",
            data={"queries": json.dumps({"q": {"query": "Viktor Petrov"}})},
        )
        assert answered.status_code == 200 and answered.json() == {"q": {"result": []}}
        assert client.get("/catalog", params={"api_key": token}).status_code == 401
        matched = client.post(
            f"/match/default?api_key={token}",
            json={"queries": {"q": {"schema": "Person", "properties": {"name": ["x"]}}}},
        )
        assert matched.status_code == 401
