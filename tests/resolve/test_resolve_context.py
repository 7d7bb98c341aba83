"""Relationship context: a spouse found beside the official in a foreign record gains."""

from __future__ import annotations

import json
from pathlib import Path

from nohaven.ingest import load_paths
from nohaven.resolve.pipeline import resolve
from nohaven.store import Store


def _write(path: Path, entities: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n")
    return path


def _entity(entity_id: str, schema: str, **props: str) -> dict:
    return {"id": entity_id, "schema": schema, "properties": {k: [v] for k, v in props.items()}}


def test_a_relative_among_the_co_directors_is_named_in_the_evidence(
    store: Store, tmp_path: Path
) -> None:
    registry = _write(
        tmp_path / "registry.ftm.json",
        [
            _entity("cn-1", "Person", name="许超凡", birthDate="1963-05-02"),
            _entity("cn-2", "Person", name="邝婉芳", birthDate="1965-01-01"),
            _entity("cn-f", "Family", person="cn-1", relative="cn-2", relationship="spouse"),
        ],
    )
    companies = _write(
        tmp_path / "hk.ftm.json",
        [
            _entity("hk-c", "Company", name="Kwong Fat Trading Limited"),
            _entity("hk-1", "Person", name="HUI, Chiu Fan"),
            _entity("hk-2", "Person", name="KWONG, Yuen Fong"),
            _entity("hk-d1", "Directorship", director="hk-1", organization="hk-c"),
            _entity("hk-d2", "Directorship", director="hk-2", organization="hk-c"),
            _entity("hk-3", "Person", name="KWONG, Yuen Fong"),  # a namesake, alone
        ],
    )
    load_paths(store, [registry, companies])
    resolve(store)
    evidence = dict(
        ((left, right), text)
        for left, right, text in store.fetchall(
            "SELECT left_id, right_id, evidence FROM resolution_pairs"
        )
    )
    assert "family: a relative named among the associates" in evidence[("cn-2", "hk-2")]
    assert "family: a relative named among" not in evidence.get(("cn-2", "hk-3"), "")


def _csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


_LEDGER = "id,timestamp,from_account,to_account,amount,currency,memo"
_ACCOUNTS = "account,holder,bank,country,kind"
_HOUSE = "6498 Las Tunas Dr Bellevue WA 98004"


def _odds(probability: float) -> float:
    return probability / (1 - probability) if probability < 1 else float("inf")


def _resolved(tmp_path: Path, name: str, paths: list[Path]) -> Store:
    store = Store(tmp_path / f"{name}.duckdb")
    load_paths(store, paths)
    resolve(store)
    return store


def _bank(tmp_path: Path, customer: str, accounts: list[str], transfer: str) -> list[Path]:
    """A bank's files: its customer "CHOU, VINCENT CHIH-CHEN" (in the US), the accounts
    (account,holder,bank,country,kind rows) and one transfer (timestamp onwards)."""
    holders = _write(
        tmp_path / "holders.ftm.json",
        [_entity(customer, "Person", name="CHOU, VINCENT CHIH-CHEN", country="us")],
    )
    return [
        holders,
        _csv(tmp_path / "accounts.csv", _ACCOUNTS, accounts),
        _csv(tmp_path / "transactions.csv", _LEDGER, [f"tx-1,{transfer}"]),
    ]


def _purchase_world(tmp_path: Path, memo: str) -> list[Path]:
    """A deed's titled owner known by name only, and a bank customer who wired the
    house's price to escrow with `memo`; another deed's owner of the same name."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    deeds = _write(
        tmp_path / "deeds.ftm.json",
        [
            _entity("deed-p1", "Person", name="ZHIZHEN ZHOU"),
            _entity("deed-r1", "RealEstate", address=_HOUSE, country="us"),
            _entity("deed-o1", "Ownership", owner="deed-p1", asset="deed-r1"),
            _entity("deed-p2", "Person", name="ZHIZHEN ZHOU"),
            _entity("deed-r2", "RealEstate", address="12 Pine St Fremont CA 94539", country="us"),
            _entity("deed-o2", "Ownership", owner="deed-p2", asset="deed-r2"),
        ],
    )
    bank = _bank(
        tmp_path,
        "bank-p1",
        ["US-1,bank-p1,CATHAY,us,person", "US-ESCROW,,BOFA,us,company"],
        f"2014-04-20T10:00:00,US-1,US-ESCROW,1068000.00,USD,{memo}",
    )
    return [deeds, *bank]


def test_the_account_that_paid_for_a_house_joins_its_titled_owner(
    tmp_path: Path, scored_pair, canonical_ids
) -> None:
    with _resolved(
        tmp_path, "paid", _purchase_world(tmp_path / "a", f"escrow deposit {_HOUSE}")
    ) as paid:
        probability, evidence = scored_pair(paid, "bank-p1", "deed-p1")
        canonical = canonical_ids(paid)
        namesake = scored_pair(paid, "bank-p1", "deed-p2")
    with _resolved(tmp_path, "unpaid", _purchase_world(tmp_path / "b", "escrow deposit")) as unpaid:
        without, plain = scored_pair(unpaid, "bank-p1", "deed-p1")
    assert "family: paid for the other's property" in evidence
    assert "paid for" not in plain
    assert canonical["bank-p1"] == canonical["deed-p1"]
    # The payment weighs like an identifier: a Bayes factor in the thousands.
    assert _odds(probability) > 1000 * _odds(without)
    # The namesake who owns another house gains nothing from it.
    assert "paid for" not in namesake[1]


def _fed_world(tmp_path: Path, payer: str) -> list[Path]:
    """An official and his son in the registry, the son's namesake, and a foreign bank
    customer named like the son whose account `payer`'s account feeds."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    registry = _write(
        tmp_path / "registry.ftm.json",
        [
            _entity("cn-o", "Person", name="周德明", birthDate="1960-02-01"),
            _entity("cn-c", "Person", name="周之振", birthDate="1991-03-05"),
            _entity("cn-f", "Family", person="cn-o", relative="cn-c", relationship="child"),
            _entity("cn-n", "Person", name="周之振", birthDate="1975-08-19"),
            _entity("cn-s", "Person", name="林美华", birthDate="1962-11-30"),
        ],
    )
    bank = _bank(
        tmp_path,
        "bank-h",
        ["CN-O,cn-o,BOC,cn,person", "CN-S,cn-s,ICBC,cn,person", "US-H,bank-h,CATHAY,us,person"],
        f"2012-09-01T10:00:00,{payer},US-H,48070.00,USD,family support",
    )
    return [registry, *bank]


def test_an_account_fed_by_the_official_joins_his_son_not_the_namesake(
    tmp_path: Path, scored_pair, canonical_ids
) -> None:
    with _resolved(tmp_path, "fed", _fed_world(tmp_path / "a", "CN-O")) as fed:
        probability, evidence = scored_pair(fed, "bank-h", "cn-c")
        canonical = canonical_ids(fed)
        namesake = scored_pair(fed, "bank-h", "cn-n")
    with _resolved(tmp_path, "stranger", _fed_world(tmp_path / "b", "CN-S")) as stranger:
        without, plain = scored_pair(stranger, "bank-h", "cn-c")
    assert "family: a relative named among the counterparties" in evidence
    # Money between strangers says nothing either way.
    assert "family:" not in plain
    assert canonical["bank-h"] == canonical["cn-c"] != canonical["cn-n"]
    assert "counterparties" not in namesake[1]
    assert _odds(probability) > 50 * _odds(without)


def test_the_household_counts_a_spouse_beside_her_child_is_found(
    store: Store, tmp_path: Path, scored_pair
) -> None:
    """The registry names the head and each member; the spouse and the child are two
    edges apart, and still each other's family."""
    registry = _write(
        tmp_path / "registry.ftm.json",
        [
            _entity("cn-o", "Person", name="许超凡", birthDate="1963-05-02"),
            _entity("cn-s", "Person", name="陈惠惠", birthDate="1965-01-19"),
            _entity("cn-c", "Person", name="许文杰", birthDate="1990-03-04"),
            _entity("cn-f1", "Family", person="cn-o", relative="cn-s", relationship="spouse"),
            _entity("cn-f2", "Family", person="cn-o", relative="cn-c", relationship="child"),
        ],
    )
    companies = _write(
        tmp_path / "hk.ftm.json",
        [
            _entity("hk-c", "Company", name="Fortune Rich Holdings Limited"),
            _entity("hk-s", "Person", name="Hui-hui Chen"),
            _entity("hk-k", "Person", name="HUI, Man Kit"),
            _entity("hk-d1", "Directorship", director="hk-s", organization="hk-c"),
            _entity("hk-d2", "Directorship", director="hk-k", organization="hk-c"),
        ],
    )
    load_paths(store, [registry, companies])
    resolve(store)
    assert "a relative named among the associates" in scored_pair(store, "cn-s", "hk-s")[1]
