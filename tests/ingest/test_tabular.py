from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from nohaven.errors import InputError
from nohaven.ingest import Kind, load_paths
from nohaven.store import Store


def test_ledger_loads_typed_and_normalised(store: Store, tiny: Path) -> None:
    [result] = load_paths(store, [tiny / "ledger.csv"], dataset="bank")
    assert (result.kind, result.rows) == ("ledger", 3)
    rows = store.fetchall(
        "SELECT id, timestamp, amount, currency, channel, from_country, to_country, memo "
        "FROM ledger ORDER BY id"
    )
    assert rows[0] == (
        "t1",
        datetime(2001, 3, 1, 9),
        Decimal("5000000.00"),
        "HKD",
        "wire",
        "cn",
        "hk",
        "loan 88",
    )
    # An explicit offset is converted to UTC; 'Z' is UTC.
    assert rows[1][1] == datetime(2001, 3, 2, 2, 30)
    assert rows[2][1] == datetime(2001, 3, 5, 15)
    assert rows[2][5:] == ("hk", "us", "purchase, deposit")
    assert rows[1][7] is None


def test_accounts_load(store: Store, tiny: Path) -> None:
    [result] = load_paths(store, [tiny / "accounts.csv"], dataset="bank")
    assert (result.kind, result.rows) == ("accounts", 4)
    assert store.fetchone("SELECT holder, kind FROM accounts WHERE account = 'MO-CASINO-1'") == (
        None,
        "casino",
    )


def test_parquet_ledger_loads_and_names_bad_record(
    store: Store, tiny: Path, tmp_path: Path
) -> None:
    con = duckdb.connect()
    good = tmp_path / "ledger.parquet"
    con.execute(
        f"COPY (SELECT * FROM read_csv('{tiny / 'ledger.csv'}', all_varchar=true)) TO '{good}'"
    )
    [result] = load_paths(store, [good], dataset="pq")
    assert (result.kind, result.rows) == ("ledger", 3)
    bad = tmp_path / "bad.parquet"
    con.execute(
        f"COPY (SELECT * REPLACE (CASE WHEN id = 't2' THEN 'lots' ELSE amount END AS amount) "
        f"FROM read_csv('{tiny / 'ledger.csv'}', all_varchar=true)) TO '{bad}'"
    )
    with pytest.raises(InputError) as caught:
        load_paths(store, [bad], dataset="pq2")
    assert (caught.value.record, caught.value.field) == ("2", "amount")


def corrupt(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "old", "new", "field", "message"),
    [
        (3, "2000000.00", "2.000.000", "amount", "not a valid decimal"),
        (4, "300000.00", "-1.00", "amount", "not a positive amount"),
        (2, "2001-03-01T09:00:00", "01/03/2001", "timestamp", "not a valid ISO 8601"),
        (3, ",HKD,", ",HK$,", "currency", "three-letter"),
        (4, ",wire,", ",hawala,", "channel", "not one of"),
        (2, ",cn,", ",China,", "from_country", "two-letter"),
        (3, "HK-CONDUIT-1,MO", ",MO", "from_account", "is empty"),
        (4, "t3,", "t1,", "id", "appears twice"),
        (3, ",casino,hk,mo,", ",casino,hk,", None, "malformed"),
    ],
)
def test_bad_ledger_row_names_line_and_field(
    store: Store, tiny: Path, line: int, old: str, new: str, field: str | None, message: str
) -> None:
    path = tiny / "ledger.csv"
    corrupt(path, line, old, new)
    with pytest.raises(InputError) as caught:
        load_paths(store, [path], dataset="bank")
    assert caught.value.line == line
    assert caught.value.field == field
    assert message in caught.value.message
    assert store.fetchone("SELECT count(*) FROM ledger") == (0,)
    assert store.sources() == []


def test_header_problems(store: Store, tiny: Path) -> None:
    path = tiny / "ledger.csv"
    corrupt(path, 1, "memo", "notes")
    with pytest.raises(InputError, match="unknown column") as caught:
        load_paths(store, [path], dataset="bank", kind=Kind.LEDGER)
    assert (caught.value.line, caught.value.field) == (1, "notes")
    corrupt(path, 1, ",notes", "")
    with pytest.raises(InputError):
        load_paths(store, [path], dataset="bank", kind=Kind.LEDGER)


def test_transaction_id_already_in_dataset(store: Store, tiny: Path) -> None:
    load_paths(store, [tiny / "ledger.csv"], dataset="bank")
    second = tiny / "ledger2.csv"
    second.write_text(
        (tiny / "ledger.csv").read_text().replace("t1,", "t9,").replace("t2,", "t8,"),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="already loaded") as caught:
        load_paths(store, [second], dataset="bank")
    assert (caught.value.line, caught.value.field) == (4, "id")
    assert store.fetchone("SELECT count(*) FROM ledger") == (3,)
    # The same ids in another dataset are another bank's ledger.
    load_paths(store, [second], dataset="other")
    assert store.fetchone("SELECT count(*) FROM ledger") == (6,)


def test_settings_changed_for_a_load_are_restored_after_failure(store: Store, tiny: Path) -> None:
    path = tiny / "ledger.csv"
    corrupt(path, 3, "2000000.00", "lots")
    with pytest.raises(InputError):
        load_paths(store, [path], dataset="bank")
    order = store.fetchone("SELECT current_setting('preserve_insertion_order')")
    assert order == (True,)
