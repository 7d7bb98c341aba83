"""Relay typologies: pass-through, gather-scatter, stack and shell conduits, each
beside an ordinary look-alike that must not raise it."""

from __future__ import annotations

from pathlib import Path

from nohaven.detect import DETECTORS, DetectRequest, detect

HEADER = "id,timestamp,from_account,to_account,amount,currency,channel\n"


def ledger(tmp_path: Path, rows: list[str], name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def run(path: Path, typology: str, accounts: Path | None = None, relations: Path | None = None):
    return detect(
        DetectRequest(ledger=path, accounts=accounts, relations=relations, typologies=(typology,))
    )


def test_a_mule_passing_money_straight_on_three_times(tmp_path: Path) -> None:
    rows = []
    for k, month in enumerate(("02", "05", "09")):
        rows.append(f"in{k},2016-{month}-01T10:00:00,BOSS-{k},MULE,50000.00,HKD,wire")
        rows.append(f"out{k},2016-{month}-04T10:00:00,MULE,ABROAD,49000.00,HKD,wire")
    # A saver is paid and spends, but keeps most of it each time.
    for k, month in enumerate(("02", "05", "09")):
        rows.append(f"pay{k},2016-{month}-01T10:00:00,EMPLOYER,SAVER,50000.00,HKD,wire")
        rows.append(f"rent{k},2016-{month}-04T10:00:00,SAVER,LANDLORD,20000.00,HKD,wire")
    alerts = run(ledger(tmp_path, rows), "pass_through")
    assert [a.accounts[0] for a in alerts] == ["MULE"]
    assert sorted(alerts[0].transactions) == sorted(
        [f"in{k}" for k in range(3)] + [f"out{k}" for k in range(3)]
    )
    assert "3 times" in alerts[0].explanation and "keeping 2.0%" in alerts[0].explanation


def test_relays_years_apart_are_not_a_habit(tmp_path: Path) -> None:
    rows = []
    for k, year in enumerate((2010, 2013, 2016)):
        rows.append(f"in{k},{year}-03-01T10:00:00,FRIEND-{k},PERSON,5000.00,HKD,wire")
        rows.append(f"out{k},{year}-03-03T10:00:00,PERSON,SHOP-{k},4900.00,HKD,wire")
    assert run(ledger(tmp_path, rows), "pass_through") == []


def test_a_hub_gathering_from_many_and_scattering_to_many(tmp_path: Path) -> None:
    rows = [f"g{k},2017-01-0{1 + k}T10:00:00,SENDER-{k},HUB,30000.00,USD,wire" for k in range(4)]
    rows += [f"s{k},2017-01-0{6 + k}T10:00:00,HUB,RECEIVER-{k},29500.00,USD,wire" for k in range(4)]
    alerts = run(ledger(tmp_path, rows), "gather_scatter")
    assert len(alerts) == 1 and alerts[0].accounts[0] == "HUB"
    assert len(alerts[0].transactions) == 8
    # A hub that keeps what it gathers is a business, not a relay.
    rows = [r for r in rows if not r.startswith("s")] + [
        "s0,2017-01-06T10:00:00,HUB,X,9.00,USD,wire"
    ]
    assert run(ledger(tmp_path, rows, "kept.csv"), "gather_scatter") == []


def test_money_moved_layer_to_layer_is_a_stack(tmp_path: Path) -> None:
    rows = []
    for a in range(2):
        for m in range(2):
            rows.append(f"a{a}m{m},2018-06-0{1 + a}T10:00:00,TOP-{a},MID-{m},10000.00,EUR,wire")
    for m in range(2):
        for c in range(2):
            rows.append(f"m{m}c{c},2018-06-05T1{c}:00:00,MID-{m},END-{c},9800.00,EUR,wire")
    alerts = run(ledger(tmp_path, rows), "stack")
    assert len(alerts) == 1
    assert alerts[0].details["layer"] == ["MID-0", "MID-1"]
    assert len(alerts[0].transactions) == 8


def test_fronts_and_a_conduit_relaying_for_family_abroad(tmp_path: Path) -> None:
    rows = []
    for k in range(4):
        day = f"2019-0{k + 1}-10"
        rows.append(f"t{k},{day}T09:00:00,BRANCH,FRONT,1000000.00,CNY,wire")
        rows.append(f"f{k},{day}T15:00:00,FRONT,CONDUIT,980000.00,CNY,wire")
        rows.append(f"c{k},{day}T18:00:00,CONDUIT,SPOUSE-CA,700000.00,CNY,wire")
    for k in range(60):  # a trading company: many customers, same amounts
        rows.append(f"b{k},2019-02-{1 + k % 27:02d}T10:00:00,CUST-{k},TRADER,16000.00,CNY,wire")
        rows.append(f"x{k},2019-02-{1 + k % 27:02d}T11:00:00,TRADER,SPOUSE-CA,15000.00,CNY,wire")
    path = ledger(tmp_path, rows)
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "account,holder,bank,country,kind\n"
        "BRANCH,bank-branch,BOC,cn,company\nFRONT,front-co,BOC,cn,company\n"
        "CONDUIT,conduit-co,HSBC,hk,company\nTRADER,trader-co,BOC,cn,company\n"
        "SPOUSE-CA,p-spouse,RBC,ca,person\n",
        encoding="utf-8",
    )
    relations = tmp_path / "relations.csv"
    relations.write_text("person_a,person_b,relation\np-official,p-spouse,spouse\n", "utf-8")
    alerts = run(path, "shell_conduit", accounts, relations)
    assert len(alerts) == 1
    assert alerts[0].details["companies"] == ["CONDUIT", "FRONT"]
    assert "SPOUSE-CA" in alerts[0].accounts
    assert {f"c{k}" for k in range(4)} <= set(alerts[0].transactions)
    # Without family ties there is nobody the conduit relays for.
    assert run(path, "shell_conduit", accounts) == []


def test_every_detector_survives_an_empty_one_account_or_one_day_ledger(tmp_path: Path) -> None:
    cases = {
        "one_account.csv": ["a,2020-01-01T10:00:00,X,X,5.00,USD,wire"],
        "one_day.csv": [
            "a,2020-01-01T10:00:00,X,Y,5.00,USD,wire",
            "b,2020-01-01T11:00:00,Y,X,5.00,USD,wire",
        ],
    }
    for name, rows in cases.items():
        alerts = detect(DetectRequest(ledger=ledger(tmp_path, rows, name), typologies=DETECTORS))
        assert all(a.typology in DETECTORS for a in alerts)
