"""Fuzz every parser through the loader: ledgers, accounts, FtM entities, mapped CSV
and declarations. Whatever the bytes, a load either succeeds or raises one InputError
(file, line, field) or NohavenError, and a refused load leaves the store as it was."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nohaven.errors import NohavenError
from nohaven.ingest import load_paths
from nohaven.ingest.files import Kind
from nohaven.store import Store

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "2020-01-01T10:00:00",
            "2020-13-45",
            "1.50",
            "-3",
            "0",
            "1e400",
            "USD",
            "usd",
            "wire",
            "person",
            "casino",
            "=cmd",
            "\x00",
            "ä中",
            "nan",
            "9" * 30,
        ]
    ),
)
TABLES = ("sources", "statements", "ledger", "accounts", "declarations")


def counts(store: Store) -> dict[str, int]:
    return {t: store.fetchone(f"SELECT count(*) FROM {t}")[0] for t in TABLES}


def attempt(path: Path, **options: object) -> None:
    with tempfile.TemporaryDirectory() as home, Store(Path(home) / "f.duckdb") as store:
        before = counts(store)
        try:
            load_paths(store, [path], **options)  # type: ignore[arg-type]
        except NohavenError as exc:
            assert str(exc)  # one message, not a traceback
            assert counts(store) == before
        else:
            assert counts(store)["sources"] == before["sources"] + 1


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=6, max_size=8), max_size=6))
def test_ledgers(rows: list[list[str]]) -> None:
    header = ["id", "timestamp", "from_account", "to_account", "amount", "currency", "channel"]
    with tempfile.TemporaryDirectory() as folder:
        rows = [r[: len(header)] for r in rows]
        attempt(write_csv(Path(folder) / "ledger.csv", header, rows), kind=Kind.LEDGER)


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=5, max_size=5), max_size=6))
def test_accounts(rows: list[list[str]]) -> None:
    header = ["account", "holder", "bank", "country", "kind"]
    with tempfile.TemporaryDirectory() as folder:
        attempt(write_csv(Path(folder) / "accounts.csv", header, rows), kind=Kind.ACCOUNTS)


JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
ENTITY = st.fixed_dictionaries(
    {
        "id": st.one_of(st.text(max_size=10), st.integers()),
        "schema": st.sampled_from(["Person", "Company", "Family", "Nothing", "", "Ownership"]),
        "properties": st.dictionaries(
            st.sampled_from(["name", "birthDate", "nationality", "person", "relative", "x"]),
            st.lists(st.one_of(st.text(max_size=10), st.integers()), max_size=2),
            max_size=3,
        ),
    }
)


@FUZZ
@given(lines=st.lists(st.one_of(ENTITY, JSONISH), max_size=5), raw=st.text(max_size=30))
def test_ftm_entities(lines: list[object], raw: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "entities.ftm.json"
        text = "\n".join(json.dumps(line) for line in lines) + "\n" + raw
        path.write_text(text, encoding="utf-8")
        attempt(path, kind=Kind.FTM)


@FUZZ
@given(
    lines=st.lists(
        st.one_of(
            JSONISH,
            st.fixed_dictionaries(
                {
                    "declaration_id": st.text(max_size=6),
                    "official_id": st.text(max_size=6),
                    "filing_date": st.sampled_from(["2020-01-01", "2020-02-30", "", "x"]),
                    "kind": st.sampled_from(["annual", "passport_application", "other"]),
                    "family": JSONISH,
                }
            ),
        ),
        max_size=4,
    )
)
def test_declarations(lines: list[object]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "declarations.jsonl"
        path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
        attempt(path, kind=Kind.DECLARATIONS)


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=6))
def test_mapped_csv(rows: list[list[str]]) -> None:
    mapping = (
        "entities:\n"
        "  person:\n"
        "    schema: Person\n"
        "    keys: [ref]\n"
        "    properties:\n"
        "      name: {column: name}\n"
        "      birthDate: {column: born}\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder) / "people.csv", ["ref", "name", "born"], rows)
        (Path(folder) / "people.mapping.yml").write_text(mapping, encoding="utf-8")
        attempt(path, kind=Kind.CSV, mapping=Path(folder) / "people.mapping.yml")
