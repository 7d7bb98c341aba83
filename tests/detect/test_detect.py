"""`nohaven detect`: structuring found in files and in the store, and bad input."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from nohaven.detect import DetectRequest, detect
from nohaven.store import Store

HEADER = "id,timestamp,from_account,to_account,amount,currency,channel\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A husband and wife depositing cash just under RMB 50,000, and an honest
    neighbour who once deposits just under it too."""
    rows = []
    for day in range(1, 7):
        account = "CN-1" if day % 2 else "CN-2"
        rows.append(
            f"s{day},2015-03-{day:02d}T10:00:00,CASH,{account},49{day}00.00,CNY,cash_deposit"
        )
    rows.append("n1,2015-03-03T10:00:00,CASH,CN-9,48000.00,CNY,cash_deposit")
    rows.append("n2,2015-03-04T10:00:00,CASH,CN-9,52000.00,CNY,cash_deposit")
    rows.append("w1,2015-03-05T10:00:00,CN-1,SHOP,49000.00,CNY,card")
    ledger = write(tmp_path / "ledger.csv", HEADER + "\n".join(rows) + "\n")
    accounts = write(
        tmp_path / "accounts.csv",
        "account,holder,bank,country,kind\nCN-1,p-husband,BOC,cn,person\n"
        "CN-2,p-wife,BOC,cn,person\nCN-9,p-neighbour,BOC,cn,person\n",
    )
    relations = write(
        tmp_path / "relations.csv", "person_a,person_b,relation\np-husband,p-wife,spouse\n"
    )
    return ledger, accounts, relations


def test_a_family_structuring_cash_is_one_alert(files) -> None:
    ledger, accounts, relations = files
    alerts = detect(DetectRequest(ledger=ledger, accounts=accounts, relations=relations))
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.typology == "structuring"
    assert alert.accounts == ["CN-1", "CN-2"]
    assert sorted(alert.transactions) == [f"s{d}" for d in range(1, 7)]
    assert 0 < alert.score <= 1 and "6 cash transactions" in alert.explanation
    # Without the relation each spouse has three deposits: below the count of five.
    assert detect(DetectRequest(ledger=ledger, accounts=accounts)) == []


def test_cli_json_contract(cli: Callable, files, tmp_path: Path) -> None:
    ledger, accounts, relations = files
    result = cli(
        "detect",
        "--ledger",
        ledger,
        "--accounts",
        accounts,
        "--relations",
        relations,
        "--json",
        "--db",
        tmp_path / "none.duckdb",
    )
    assert result.code == 0, result.stderr
    alerts = json.loads(result.stdout)
    assert [
        set(a) >= {"typology", "score", "accounts", "transactions", "explanation"} for a in alerts
    ] == [True]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("", None),
        ("a,2015-01-01T00:00:00,X,X,10.00,USD,cash_deposit\n", None),
        ("a,2015-01-01T00:00:00,X,Y,0.00,USD,cash_deposit\n", "line 2, field 'amount'"),
    ],
)
def test_empty_tiny_and_bad_ledgers(cli: Callable, tmp_path: Path, rows: str, expected) -> None:
    ledger = write(tmp_path / "l.csv", HEADER + rows)
    result = cli("detect", "--ledger", ledger, "--json", "--db", tmp_path / "none.duckdb")
    if expected is None:
        assert result.code == 0, result.stderr
        assert json.loads(result.stdout) == []
    else:
        assert result.code == 1 and expected in result.stderr and "Traceback" not in result.stderr


def test_bad_relations_name_the_line(cli: Callable, files, tmp_path: Path) -> None:
    ledger = files[0]
    relations = write(tmp_path / "r.csv", "person_a,person_b,relation\na,b,cousin\n")
    result = cli(
        "detect", "--ledger", ledger, "--relations", relations, "--db", tmp_path / "none.duckdb"
    )
    assert result.code == 1
    assert "r.csv, line 2, field 'relation'" in result.stderr


@pytest.mark.parametrize(
    "typology",
    [
        "structuring",
        "quota_splitting",
        "fan_out",
        "fan_in",
        "cycle",
        "casino_cashout",
        "scatter_gather",
        "gather_scatter",
        "stack",
        "shell_conduit",
        # Mules that also live ordinary lives are sometimes missed: the target is 0.9.
        pytest.param("pass_through", marks=pytest.mark.recall(0.9)),
    ],
)
def test_the_store_finds_every_planted_scheme(
    resolved_copy: Path, resolved_world, typology: str, request: pytest.FixtureRequest
) -> None:
    with (resolved_world[0] / "truth" / "schemes.csv").open(encoding="utf-8") as handle:
        planted: dict[str, set[str]] = {}
        for row in csv.DictReader(handle):
            if row["typology"] == typology:
                planted.setdefault(row["scheme_id"], set()).add(row["transaction_id"])
    with Store(resolved_copy, read_only=True) as store:
        alerts = detect(DetectRequest(typologies=(typology,)), store)
    assert planted
    floor = marker.args[0] if (marker := request.node.get_closest_marker("recall")) else 1.0
    found = [
        any(len(txs & set(a.transactions)) * 2 >= len(txs) for a in alerts)
        for txs in planted.values()
    ]
    assert sum(found) >= floor * len(found), (sum(found), len(found))
    # Precision as the benchmark counts it: half an alert's transactions are one scheme's.
    correct = [
        any(len(txs & set(a.transactions)) * 2 >= len(a.transactions) for txs in planted.values())
        for a in alerts
    ]
    assert sum(correct) >= 0.8 * len(correct), (sum(correct), len(correct))


def test_mules_paid_in_a_burst_and_forwarding_raise_fan_out_and_fan_in(tmp_path: Path) -> None:
    rows = []
    for k in range(6):  # a company pays six new people within a day...
        rows.append(f"o{k},2016-05-02T1{k}:00:00,FRONT-CO,MULE-{k},100000.00,HKD,wire")
        # ...who pass 98% on to one student abroad within a week
        rows.append(f"i{k},2016-05-0{4 + k % 3}T09:00:00,MULE-{k},STUDENT,98000.00,HKD,wire")
    for k in range(6):  # an employer pays six staff who keep their pay
        rows.append(f"p{k},2016-05-02T09:00:00,EMPLOYER,STAFF-{k},20000.00,HKD,wire")
        rows.append(f"c{k},2016-05-09T09:00:00,STAFF-{k},SHOP,300.00,HKD,card")
    ledger = write(tmp_path / "l.csv", HEADER + "\n".join(rows) + "\n")
    alerts = {a.typology: a for a in detect(DetectRequest(ledger=ledger))}
    # Seen whole, the same money is a scatter-gather: one source, six mules, one target.
    assert set(alerts) == {"fan_out", "fan_in", "scatter_gather"}
    gathered = alerts["scatter_gather"]
    assert gathered.accounts[0] == "FRONT-CO" and gathered.accounts[-1] == "STUDENT"
    assert len(gathered.transactions) == 12
    assert alerts["fan_out"].accounts[0] == "FRONT-CO"
    assert sorted(alerts["fan_out"].transactions) == [f"o{k}" for k in range(6)]
    assert alerts["fan_in"].accounts[0] == "STUDENT"
    assert sorted(alerts["fan_in"].transactions) == [f"i{k}" for k in range(6)]
    assert "6 new counterparties" in alerts["fan_out"].explanation


def test_money_going_round_shells_twice_is_a_cycle(tmp_path: Path) -> None:
    rows = ["in,2017-01-02T09:00:00,OFFICIAL,SHELL-A,1000000.00,HKD,wire"]
    amount, when = 1_000_000.0, 3
    hops = [("SHELL-A", "SHELL-B"), ("SHELL-B", "SHELL-C"), ("SHELL-C", "SHELL-A")] * 2
    for k, (a, b) in enumerate(hops):
        amount = round(amount * 0.99, 2)
        rows.append(f"h{k},2017-01-{when:02d}T09:00:00,{a},{b},{amount:.2f},HKD,wire")
        when += 2
    rows.append(f"out,2017-01-{when:02d}T09:00:00,SHELL-A,SPOUSE-US,{amount * 0.98:.2f},HKD,wire")
    # Two firms that once pay each other back a similar sum: commerce, not a cycle.
    rows.append("b1,2017-03-01T09:00:00,FIRM-1,FIRM-2,5000.00,HKD,wire")
    rows.append("b2,2017-03-03T09:00:00,FIRM-2,FIRM-1,4900.00,HKD,wire")
    ledger = write(tmp_path / "l.csv", HEADER + "\n".join(rows) + "\n")
    alerts = detect(DetectRequest(ledger=ledger, typologies=("cycle",)))
    assert len(alerts) == 1
    assert alerts[0].accounts == ["SHELL-A", "SHELL-B", "SHELL-C"]
    assert set(alerts[0].transactions) == {"in", "out", *(f"h{k}" for k in range(6))}


def test_relatives_buying_near_the_quota_for_one_account_abroad(tmp_path: Path) -> None:
    rows = []
    for k in range(5):  # five people, days apart, each just under USD 50,000, one payee
        rows.append(
            f"q{k},2014-06-{10 + k}T10:00:00,CN-{k},US-SON,4{8 - k % 2}000.00,USD,fx_purchase"
        )
    for k in range(4):  # four parents supporting four different children: no alert
        rows.append(f"f{k},2014-06-1{k}T10:00:00,CN-P{k},US-KID-{k},45000.00,USD,fx_purchase")
    ledger = write(tmp_path / "l.csv", HEADER + "\n".join(rows) + "\n")
    accounts = write(
        tmp_path / "a.csv",
        "account,holder,bank,country,kind\n"
        + "".join(f"CN-{k},p{k},BOC,cn,person\n" for k in range(5)),
    )
    relations = write(tmp_path / "r.csv", "person_a,person_b,relation\np0,p1,spouse\n")
    alerts = detect(
        DetectRequest(
            ledger=ledger, accounts=accounts, relations=relations, typologies=("quota_splitting",)
        )
    )
    assert len(alerts) == 1
    assert alerts[0].accounts[0] == "US-SON"
    assert sorted(alerts[0].transactions) == [f"q{k}" for k in range(5)]
    assert "family of one another" in alerts[0].explanation


def test_chips_bought_by_one_and_paid_out_to_another_again_and_again(tmp_path: Path) -> None:
    rows = []
    for k in range(5):  # a company buys chips; the casino pays the official's son
        rows.append(f"b{k},2015-0{k + 1}-03T10:00:00,CONDUIT,CASINO,100000.00,HKD,casino")
        rows.append(f"p{k},2015-0{k + 1}-05T10:00:00,CASINO,SON,93000.00,HKD,casino")
    for k in range(5):  # a gambler who wins back to himself
        rows.append(f"g{k},2015-0{k + 1}-10T10:00:00,GAMBLER,CASINO,5000.00,HKD,casino")
        rows.append(f"w{k},2015-0{k + 1}-11T10:00:00,CASINO,GAMBLER,7000.00,HKD,casino")
    ledger = write(tmp_path / "l.csv", HEADER + "\n".join(rows) + "\n")
    accounts = write(
        tmp_path / "a.csv", "account,holder,bank,country,kind\nCASINO,c-1,BNU,mo,casino\n"
    )
    alerts = detect(DetectRequest(ledger=ledger, accounts=accounts, typologies=("casino_cashout",)))
    assert len(alerts) == 1
    assert alerts[0].accounts[:2] == ["CONDUIT", "SON"]
    assert sorted(alerts[0].transactions) == sorted(
        [f"b{k}" for k in range(5)] + [f"p{k}" for k in range(5)]
    )
