"""`nohaven trace`: the JSON contract, schedules, currencies, ordering and bad input."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

HEADER = "id,timestamp,from_account,to_account,amount,currency,memo\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def trace(cli: Callable, tmp_path: Path) -> Callable:
    """`nohaven trace ARGS` with no store (the ledger comes from a file)."""

    def run(*args: object):
        return cli("trace", *args, "--db", tmp_path / "none.duckdb")

    return run


@pytest.fixture
def hops(tmp_path: Path) -> Path:
    """Victim → front (mixed) → conduit → abroad, in cents that floats get wrong."""
    return write(
        tmp_path / "ledger.csv",
        HEADER
        + "t1,2015-01-01T09:00:00,employer,front,0.10,CNY,salary\n"
        + "t2,2015-01-02T09:00:00,victim,front,0.20,CNY,loan\n"
        + "t3,2015-01-02T10:00:00,victim,front,1000000.10,CNY,loan\n"
        + "t4,2015-01-03T09:00:00,front,conduit,700000.30,CNY,trade\n"
        + "t5,2015-01-04T09:00:00,conduit,abroad,0.30,CNY,fees\n"
        + "t6,2015-01-05T09:00:00,conduit,abroad,699999.00,CNY,purchase 12 Elm Road\n",
    )


def test_contract_amounts_are_exact_decimal_strings(
    trace: Callable, hops: Path, tmp_path: Path
) -> None:
    result = trace(
        "--ledger",
        hops,
        "--rule",
        "libr",
        "--source-account",
        "victim",
        "--json",
    )
    assert result.code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["rule"] == "libr"
    assert "file order" in out["order"]
    assert out["currency"] == "CNY"
    # front: own 0.10 spent first, so 700,000.20 of the 1,000,000.30 traced leaves.
    assert out["accounts"]["front"] == {"balance": "300000.10", "traced": {"victim": "300000.10"}}
    assert out["transfers"]["t4"] == {"traced": {"victim": "700000.20"}}
    # conduit: own 0.10 pays first for t5, then 0.20 traced; t6 is all traced.
    assert out["accounts"]["abroad"]["traced"] == {"victim": "699999.20"}
    assert out["accounts"]["conduit"]["traced"] == {"victim": "1.00"}
    assert out["sources"]["victim"] == {"injected": "1000000.30", "held": "1000000.30"}
    assert "t1" not in out["transfers"]
    assert out["gaps"] == []


def test_source_transactions_are_reported_separately(
    trace: Callable, hops: Path, tmp_path: Path
) -> None:
    result = trace(
        "--ledger",
        hops,
        "--rule",
        "fifo",
        "--source-tx",
        "t2",
        "--source-tx",
        "t3",
        "--json",
    )
    assert result.code == 0, result.stderr
    out = json.loads(result.stdout)
    # FIFO: front's queue is own 0.10, t2 0.20, t3 1,000,000.10; t4 takes them in order.
    assert out["transfers"]["t4"]["traced"] == {"t2": "0.20", "t3": "700000.00"}
    assert out["accounts"]["front"]["traced"] == {"t3": "300000.10"}


def test_opening_balances_are_own_money(trace: Callable, hops: Path, tmp_path: Path) -> None:
    opening = write(tmp_path / "opening.csv", "account,balance\nconduit,500000.00\n")
    result = trace(
        "--ledger",
        hops,
        "--rule",
        "libr",
        "--source-account",
        "victim",
        "--opening",
        opening,
        "--json",
    )
    assert result.code == 0, result.stderr
    out = json.loads(result.stdout)
    # The conduit's own 500,000.10 pays first: only 199,999.20 of the traced money leaves.
    assert out["accounts"]["abroad"]["traced"] == {"victim": "199999.20"}
    assert out["accounts"]["conduit"]["traced"] == {"victim": "500001.00"}


def test_a_shortfall_at_a_traced_account_is_a_gap(trace: Callable, tmp_path: Path) -> None:
    ledger = write(
        tmp_path / "l.csv",
        HEADER
        + "a,2015-01-01T00:00:00,victim,mule,100.00,USD,\n"
        + "b,2015-01-02T00:00:00,mule,abroad,250.00,USD,\n",
    )
    result = trace(
        "--ledger",
        ledger,
        "--rule",
        "prorata",
        "--source-account",
        "victim",
        "--json",
    )
    out = json.loads(result.stdout)
    assert out["gaps"] == [{"account": "mule", "transaction": "b", "amount": "150.00", "line": 3}]
    assert out["accounts"]["abroad"]["traced"] == {"victim": "100.00"}


def test_several_currencies_need_rates(trace: Callable, tmp_path: Path) -> None:
    ledger = write(
        tmp_path / "l.csv",
        HEADER
        + "a,2015-01-01T00:00:00,victim,hk,1000.00,HKD,\n"
        + "b,2015-02-01T00:00:00,hk,us,100.00,USD,\n",
    )
    no_rates = trace(
        "--ledger",
        ledger,
        "--rule",
        "libr",
        "--source-account",
        "victim",
    )
    assert no_rates.code == 1
    assert "--rates" in no_rates.stderr and "HKD" in no_rates.stderr
    rates = write(
        tmp_path / "rates.csv",
        "date,currency,rate_to_usd\n2015-01-01,HKD,0.129\n2015-01-20,HKD,0.128\n",
    )
    result = trace(
        "--ledger",
        ledger,
        "--rule",
        "libr",
        "--source-account",
        "victim",
        "--rates",
        rates,
        "--json",
    )
    assert result.code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["currency"] == "USD"
    assert out["sources"]["victim"]["injected"] == "129.00"  # the rate on its date
    assert out["accounts"]["us"]["traced"] == {"victim": "100.00"}
    late = write(tmp_path / "late.csv", "date,currency,rate_to_usd\n2016-01-01,HKD,0.129\n")
    missing = trace(
        "--ledger",
        ledger,
        "--rule",
        "libr",
        "--source-account",
        "victim",
        "--rates",
        late,
    )
    assert missing.code == 1
    assert "late.csv" in missing.stderr and "no HKD rate on or before 2015-01-01" in missing.stderr


def test_equal_timestamps_follow_the_chosen_order(trace: Callable, tmp_path: Path) -> None:
    ledger = write(
        tmp_path / "l.csv",
        HEADER
        + "s,2015-01-01T00:00:00,victim,a,100.00,USD,\n"
        + "out,2015-01-02T00:00:00,a,shop,80.00,USD,\n"
        + "in,2015-01-02T00:00:00,employer,a,50.00,USD,\n",
    )

    def traced_in_shop(order: str) -> dict:
        result = trace(
            "--ledger",
            ledger,
            "--rule",
            "libr",
            "--source-account",
            "victim",
            "--order",
            order,
            "--json",
        )
        assert result.code == 0, result.stderr
        out = json.loads(result.stdout)
        return out["order"], out["accounts"]["shop"]["traced"]

    order, shop = traced_in_shop("file")
    assert "file order" in order and shop == {"victim": "80.00"}
    order, shop = traced_in_shop("favourable")
    assert "most favourable" in order and shop == {"victim": "30.00"}
    order, shop = traced_in_shop("unfavourable")
    assert "least favourable" in order and shop == {"victim": "80.00"}


def test_unsorted_ledger_is_sorted_and_said_so(trace: Callable, tmp_path: Path) -> None:
    ledger = write(
        tmp_path / "l.csv",
        HEADER
        + "b,2015-01-02T00:00:00,a,abroad,60.00,USD,\n"
        + "s,2015-01-01T00:00:00,victim,a,100.00,USD,\n",
    )
    result = trace(
        "--ledger",
        ledger,
        "--rule",
        "libr",
        "--source-account",
        "victim",
        "--json",
    )
    out = json.loads(result.stdout)
    assert out["accounts"]["abroad"]["traced"] == {"victim": "60.00"}
    assert any("not in time order" in note and "line 3" in note for note in out["notes"])


@pytest.mark.parametrize(
    ("rows", "args", "expected"),
    [
        ("s,2015-01-01T00:00:00,victim,a,0.00,USD,\n", [], "l.csv, line 2, field 'amount'"),
        ("s,2015-01-01T00:00:00,victim,a,-5.00,USD,\n", [], "l.csv, line 2, field 'amount'"),
        (
            "s,2015-01-01T00:00:00,victim,a,5.00,USD,\ns,2015-01-02T00:00:00,a,b,1.00,USD,\n",
            [],
            "l.csv, line 3, field 'id': id 's' appears twice",
        ),
        ("s,yesterday,victim,a,5.00,USD,\n", [], "l.csv, line 2, field 'timestamp'"),
        (
            "s,2015-01-01T00:00:00,victim,a,5.00,USD,\n",
            ["--source-account", "nobody"],
            "source account 'nobody' does not appear in the ledger",
        ),
        (
            "s,2015-01-01T00:00:00,victim,a,5.00,USD,\n",
            ["--source-tx", "zz"],
            "source transaction 'zz' is not in the ledger",
        ),
    ],
)
def test_bad_input_is_one_clear_error(
    trace: Callable, tmp_path: Path, rows: str, args: list[str], expected: str
) -> None:
    ledger = write(tmp_path / "l.csv", HEADER + rows)
    sources = args or ["--source-account", "victim"]
    result = trace("--ledger", ledger, "--rule", "fifo", *sources)
    assert result.code == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_opening_for_an_unknown_account_names_the_line(
    trace: Callable, hops: Path, tmp_path: Path
) -> None:
    opening = write(tmp_path / "opening.csv", "account,balance\nfront,1.00\nfornt,2.00\n")
    result = trace(
        "--ledger",
        hops,
        "--rule",
        "libr",
        "--source-account",
        "victim",
        "--opening",
        opening,
    )
    assert result.code == 1
    assert "opening.csv, line 3, field 'account'" in result.stderr


def test_schedule_csv_and_html(trace: Callable, hops: Path, tmp_path: Path) -> None:
    schedule = tmp_path / "schedule.csv"
    result = trace(
        "--ledger",
        hops,
        "--rule",
        "prorata",
        "--source-account",
        "victim",
        "--schedule",
        schedule,
    )
    assert result.code == 0, result.stderr
    with schedule.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["transaction"] for r in rows] == ["t2", "t3", "t4", "t5", "t6"]
    assert rows[0]["line"] == "3" and rows[0]["rule"] == "prorata"
    last = rows[-1]
    assert last["to_account"] == "abroad" and last["to_balance"] == "699999.30"
    assert Decimal("0") <= Decimal(last["from_traced"]) <= Decimal(last["from_balance"])
    page = tmp_path / "schedule.html"
    result = trace(
        "--ledger",
        hops,
        "--rule",
        "prorata",
        "--source-account",
        "victim",
        "--schedule",
        page,
        "--schedule-account",
        "abroad",
    )
    assert result.code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert "rolling charge" in html and "CNY" in html
    assert html.count("<tr>") == 1 + 2  # the header and the two transfers into abroad


def test_traces_the_store_ledger_and_follows_money_into_property(
    cli: Callable, resolved_copy: Path, resolved_world
) -> None:
    world = resolved_world[0]
    rates = world.parent / "rates.csv"
    per_unit = json.loads((world / "scenario.json").read_text())["fx_rates_cny"]
    rates.write_text(
        "date,currency,rate_to_usd\n"
        + "".join(f"2000-01-01,{c},{v / per_unit['USD']}\n" for c, v in per_unit.items()),
        encoding="utf-8",
    )
    with (world / "truth" / "assets.csv").open(encoding="utf-8") as handle:
        planted = {row["asset_id"] for row in csv.DictReader(handle)}
    with (world / "truth" / "schemes.csv").open(encoding="utf-8") as handle:
        embezzled = [
            r["transaction_id"] for r in csv.DictReader(handle) if r["typology"] == "embezzlement"
        ]
    result = cli(
        "trace",
        "--rule",
        "libr",
        "--source-tx",
        embezzled[0],
        "--rates",
        rates,
        "--json",
        "--db",
        resolved_copy,
    )
    assert result.code == 0, result.stderr
    out = json.loads(result.stdout)
    assert "transaction id" in " ".join(out["notes"])
    assert out["transfers"][embezzled[0]]["traced"]
    sources = [tx for tx in embezzled]
    result = cli(
        "trace",
        "--rule",
        "prorata",
        *[a for tx in sources for a in ("--source-tx", tx)],
        "--rates",
        rates,
        "--json",
        "--db",
        resolved_copy,
    )
    assert result.code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["assets"], "the embezzled money reaches no property"
    assert set(out["assets"]) <= planted
    for asset in out["assets"].values():
        assert asset["transfers"] and all(float(v) > 0 for v in asset["traced"].values())


def test_a_parquet_ledger_traces_like_its_csv(trace: Callable, hops: Path, tmp_path: Path) -> None:
    import duckdb

    parquet = tmp_path / "ledger.parquet"
    duckdb.sql(
        f"COPY (SELECT * FROM read_csv('{hops}', all_varchar = true)) TO '{parquet}' "
        "(FORMAT parquet)"
    )
    outputs = []
    for ledger in (hops, parquet):
        result = trace(
            "--ledger",
            ledger,
            "--rule",
            "fifo",
            "--source-account",
            "victim",
            "--json",
        )
        assert result.code == 0, result.stderr
        outputs.append(json.loads(result.stdout))
    assert outputs[0]["accounts"] == outputs[1]["accounts"]
    assert outputs[0]["transfers"] == outputs[1]["transfers"]
