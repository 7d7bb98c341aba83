import json
from pathlib import Path

from nohaven.cli import app


def test_load_status_export(cli, tiny: Path, db_path: Path, tmp_path: Path) -> None:
    result = cli("load", tiny, "--db", db_path, "--json")
    assert result.code == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert {r["dataset"] for r in loaded} == {
        "accounts",
        "declarations",
        "deeds",
        "ledger",
        "persons",
    }
    status = json.loads(cli("status", "--db", db_path, "--json").stdout)
    assert status["datasets"]["persons"]["entities"] == 4
    assert status["datasets"]["ledger"]["ledger"] == 3
    assert status["totals"]["declarations"] == 2
    out = tmp_path / "persons.json"
    result = cli("export", "--dataset", "persons", "--db", db_path, "--out", out)
    assert result.code == 0 and "exported 4 entities" in result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4


def test_bad_file_is_one_message_and_exit_1(cli, tiny: Path, db_path: Path) -> None:
    ledger = tiny / "ledger.csv"
    ledger.write_text(ledger.read_text().replace(",USD,", ",usdollar,"), encoding="utf-8")
    result = cli("load", ledger, "--db", db_path)
    assert result.code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: {ledger}, line 4, field 'currency': 'usdollar' is not a three-letter ISO "
        "currency code"
    )
    assert "Traceback" not in result.stderr


def test_what_a_load_set_aside_is_said(cli, db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "list.ftm.json"
    phones = ["x", "[/bold] call me"]  # what a file holds is never read as markup
    person = {"id": "p-1", "schema": "Person", "properties": {"name": ["A B"], "phone": phones}}
    path.write_text(json.dumps(person) + "\n", encoding="utf-8")
    result = cli("load", path, "--db", db_path)
    assert result.code == 0, result.stderr
    assert (
        f"{path}: 2 values FtM cannot read were left out (first: list.ftm.json, line 1, "
        "field 'phone': 'x' is not a valid phone)"
    ) in " ".join(result.stderr.split())
    loaded = json.loads(cli("load", path, "--db", tmp_path / "other.duckdb", "--json").stdout)
    assert len(loaded[0]["set_aside"]) == 1


def test_usage_errors_exit_2(cli, tiny: Path, db_path: Path) -> None:
    assert cli("load", tiny, "--kind", "spreadsheet", "--db", db_path).code == 2
    assert cli("nonsense").code == 2


def test_missing_file_and_database(cli, tmp_path: Path) -> None:
    result = cli("load", tmp_path / "nope.csv", "--db", tmp_path / "x.duckdb")
    assert result.code == 1 and "no such file or directory" in result.stderr
    result = cli("status", "--db", tmp_path / "none.duckdb")
    assert result.code == 1 and "no such database" in result.stderr


def test_every_command_has_help(cli) -> None:
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    for name in names:
        result = cli(name, "--help")
        assert result.code == 0 and "Usage" in result.stdout
    assert cli("scenario", "generate", "--help").code == 0


def test_schema_command_prints_the_declaration_schema(cli) -> None:
    schema = json.loads(cli("schema").stdout)
    assert schema["title"] == "nohaven declaration"
    assert "official_id" in schema["required"]


def test_names_score_csv(cli, tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        "id,left,right\n1,许超凡,Hui Chiu Fan\n2,许超凡,Wang Wei\n3,,\n", encoding="utf-8"
    )
    result = cli("names", "score", pairs)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "left,right,score,match"
    assert [line.split(",")[0:2] for line in lines[1:]] == [
        ["许超凡", "Hui Chiu Fan"],
        ["许超凡", "Wang Wei"],
        ["", ""],
    ]
    assert [line.split(",")[3] for line in lines[1:]] == ["true", "false", "false"]


def test_names_score_bad_files(cli, tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    missing.write_text("a,b\nx,y\n", encoding="utf-8")
    result = cli("names", "score", missing)
    assert result.code == 1 and "field 'left': required column missing" in result.stderr
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"left,right\n\xff\xfe,x\n")
    result = cli("names", "score", binary)
    assert result.code == 1 and "line 2: not UTF-8 text" in result.stderr


def test_names_explain_and_romanize(cli) -> None:
    explained = cli("names", "explain", "许超凡", "Hsu Chao-fan")
    assert explained.code == 0 and "wade_giles" in explained.stdout
    forms = cli("names", "romanize", "许超凡").stdout
    assert "Hui Chiu Fan" in forms and "Xu Chaofan" in forms and "Hsu Chao-fan" in forms
    assert cli("names", "romanize", "Xu").code == 1


def test_a_bad_rate_limit_setting_is_one_message(
    cli, tiny: Path, db_path: Path, monkeypatch
) -> None:
    assert cli("load", tiny, "--db", db_path).code == 0
    for value in ("fast", "50", "0,10", "50,0"):
        monkeypatch.setenv("NOHAVEN_RATE_LIMIT", value)
        result = cli("status", "--db", db_path)
        assert result.code == 1, value
        assert result.stderr.strip() == (
            "error: NOHAVEN_RATE_LIMIT must be RATE,BURST with a positive rate and a burst of "
            f"at least 1 (such as 50,200), not {value!r}"
        )
    monkeypatch.setenv("NOHAVEN_RATE_LIMIT", "20,50")
    assert cli("status", "--db", db_path).code == 0
