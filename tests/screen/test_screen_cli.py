"""`nohaven screen FILE.csv` and the contract: load, serve, POST /match/DATASET."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import httpx2 as httpx

from nohaven.screen import batch as batch_module
from nohaven.screen.pool import MatchPool


def _people(tmp_path: Path, text: str, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_screen_writes_one_row_per_result_with_the_relation(
    cli, screening_db: Path, tmp_path: Path
) -> None:
    people = _people(
        tmp_path,
        "id,name,birth_date\nv1,Kwong Yuen Fong,1955-07-01\nv2,Nobody Atall Smithson,\n",
    )
    result = cli("screen", people, "--dataset", "wanted", "--limit", "2", "--db", screening_db)
    assert result.code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    first = rows[0]
    assert first["query_id"] == "v1" and first["rank"] == "1"
    assert first["entity_id"] == "w-spouse" and first["match"] == "true"
    assert first["relation"] == "spouse of 许超凡"
    assert [r["entity_id"] for r in rows if r["query_id"] == "v2"] == [""]
    assert "1 of 2 people matched" in result.stderr


def test_screen_explains_a_shared_or_conflicting_identifier(
    cli, screening_db: Path, tmp_path: Path
) -> None:
    people = _people(tmp_path, "id,name,passport_number\nv1,Hsu C F,G 123 4567\n")
    result = cli("screen", people, "--dataset", "wanted", "--limit", "1", "--db", screening_db)
    assert result.code == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert row["entity_id"] == "w-official"
    assert "shared identifier: G1234567" in row["explanation"]


def test_screen_reads_a_name_in_parts_under_a_banks_headers(
    cli, screening_db: Path, tmp_path: Path
) -> None:
    people = _people(
        tmp_path,
        "Customer ID,First Name,Last Name,Date of Birth\nc1,Chiu Fan,HUI,15/02/1953\n"
        "c2,Jane,Smith,N/A\n",
    )
    result = cli("screen", people, "--format", "json", "--db", screening_db)
    assert result.code == 0, result.stderr
    response, unknown = json.loads(result.stdout)
    assert response["query"]["properties"]["birthDate"] == ["1953-02-15"]
    assert "birthDate" not in unknown["query"]["properties"]  # "N/A" is no date
    top = response["results"][0]
    assert top["id"] == "w-official" and top["match"]


def test_screen_json_to_a_file(cli, screening_db: Path, tmp_path: Path) -> None:
    people = _people(tmp_path, "name\nHSU Chao-fan\n")
    out = tmp_path / "out.json"
    result = cli("screen", people, "--format", "json", "--out", out, "--db", screening_db)
    assert result.code == 0, result.stderr
    responses = json.loads(out.read_text(encoding="utf-8"))
    assert responses[0]["row"] == 2
    assert responses[0]["results"][0]["id"] == "w-official"


def test_screen_bad_input_is_one_message_and_no_output(
    cli, screening_db: Path, tmp_path: Path
) -> None:
    cases = {
        "no-name.csv": ("given,other\nx,y\n", "line 1, field 'name': required column missing"),
        "no-parts.csv": ("first_name,dob\n,1990\n", "line 2, field 'name': empty name"),
        "bad-date.csv": ("name,Date of Birth\nA B,31/02/1990\n", "line 2, field 'Date of Birth'"),
        "empty.csv": ("name,birth_date\n,1990\n", "line 2, field 'name': empty name"),
        "schema.csv": ("name,schema\nX Y,Spaceship\n", "line 2: unknown schema"),
    }
    for file, (text, message) in cases.items():
        out = tmp_path / f"{file}.out"
        result = cli("screen", _people(tmp_path, text, file), "--out", out, "--db", screening_db)
        assert result.code == 1 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and not out.exists()
    broken = tmp_path / "latin1.csv"
    broken.write_bytes("name\nJos\xe9\n".encode("latin-1"))
    result = cli("screen", broken, "--db", screening_db)
    assert result.code == 1 and "line 2" in result.stderr and "not UTF-8" in result.stderr
    people = _people(tmp_path, "name\nXu Chaofan\n")
    result = cli("screen", people, "--dataset", "nowhere", "--db", screening_db)
    assert result.code == 1 and "unknown dataset 'nowhere'" in result.stderr
    result = cli("screen", tmp_path / "missing.csv", "--db", screening_db)
    assert result.code == 1 and "no such file" in result.stderr
    result = cli("screen", people, "--changed-since", "last week", "--db", screening_db)
    assert result.code == 1 and "changed_since: 'last week' is not a date" in result.stderr
    assert "Traceback" not in result.stderr


def test_screen_against_what_changed_or_carries_a_topic(
    cli, screening_db: Path, tmp_path: Path
) -> None:
    people = _people(tmp_path, "id,name\nv1,HSU Chao-fan\n")

    def found(*options: str) -> list[str]:
        result = cli("screen", people, "--dataset", "wanted", *options, "--db", screening_db)
        assert result.code == 0, result.stderr
        return [r["entity_id"] for r in csv.DictReader(io.StringIO(result.stdout))]

    assert "w-official" in found()
    assert found("--changed-since", "2000-01-01") == found()
    assert found("--changed-since", "2999-01-01T00") == [""]  # nothing loaded since
    assert found("--topic", "sanction", "--topic", "crime") == [""]  # nobody carries them


def test_load_then_serve_answers_match_for_the_dataset(
    tmp_path: Path, wanted_file: Path, serve
) -> None:
    """The issue's contract, through the real CLI and a real HTTP server."""
    db = tmp_path / "contract.duckdb"
    loaded = subprocess.run(
        [
            sys.executable,
            "-m",
            "nohaven.cli",
            "load",
            str(wanted_file),
            *("--dataset", "wanted"),
            *("--db", str(db)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    server = serve(db)
    response = httpx.post(
        f"{server.url}/match/wanted",
        json={"queries": {"q1": {"schema": "Person", "properties": {"name": ["Xu Chaofan"]}}}},
        timeout=60,
    )
    assert response.status_code == 200
    top = response.json()["responses"]["q1"]["results"][0]
    assert top["id"] == "w-official" and top["match"] is True


def test_screen_in_match_workers_writes_what_one_process_writes(
    cli, screening_db: Path, tmp_path: Path, monkeypatch
) -> None:
    # More people than one worker's chunk, in their file order, with a namesake weighed.
    names = ["Hui Chiu Fan", "Kwong Yuen Fong", "Xu Ming", "Li Mei Ling", "Wang Wei", "Jo Bloggs"]
    rows = [
        f"p{n},{names[n % len(names)]},{'1953-02-15' if n % 3 == 0 else ''}" for n in range(150)
    ]
    people = _people(tmp_path, "id,name,birth_date\n" + "\n".join(rows) + "\n")
    answered: list[int] = []

    class CountedPool(MatchPool):  # the real pool, counting what its workers answered
        def close(self, timeout: float = 5.0) -> None:
            answered.append(self.answered)
            super().close(timeout)

    monkeypatch.setattr(batch_module, "MatchPool", CountedPool)
    outputs = []
    for workers in ("0", "2"):
        monkeypatch.setenv("NOHAVEN_MATCH_WORKERS", workers)
        result = cli(
            "screen", people, "--dataset", "wanted", "--format", "json", "--db", screening_db
        )
        assert result.code == 0, result.stderr
        outputs.append(json.loads(result.stdout))
    assert [r["row"] for r in outputs[0]] == list(range(2, 152))
    assert outputs[0][0]["results"][0]["id"] == "w-official"
    assert outputs[0] == outputs[1]
    assert answered == [3]  # 150 people in chunks of 64, all three answered by workers
