import json
from pathlib import Path

import pytest

from nohaven.errors import InputError
from nohaven.ingest import load_paths
from nohaven.ingest.declaration import json_schema
from nohaven.store import Store

DOCS = Path(__file__).parents[2] / "docs"


def test_declarations_keep_versions(store: Store, tiny: Path) -> None:
    [result] = load_paths(store, [tiny / "declarations.jsonl"], dataset="decl")
    assert (result.kind, result.rows) == ("declarations", 2)
    rows = store.fetchall(
        "SELECT declaration_id, version, amends, record FROM declarations ORDER BY version"
    )
    assert rows == [("decl-1", 1, None, 1), ("decl-2", 2, "decl-1", 2)]
    (document,) = store.fetchone("SELECT document FROM declarations WHERE version = 1") or ("",)
    data = json.loads(document)
    assert data["family"][0]["residence_status"] == "none"
    assert data["trips"][0]["from"] == "2001-07-01"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('"kind":"annual","version":1', '"kind":"yearly","version":1'), "kind"),
        (('"relation":"spouse"', '"relation":"wife"'), "family[0].relation"),
        (('"amount":"96000.00"', '"amount":"lots"'), "income[0].amount"),
        (('"amount":"96000.00"', '"amount":"-96000.00"'), "income[0].amount"),
        (('"currency":"CNY"', '"currency":"RMB"'), "income[0].currency"),
        (
            (
                '"filing_date":"2002-01-31","kind":"annual","version":1',
                '"filing_date":"31/01/2002","kind":"annual","version":1',
            ),
            "filing_date",
        ),
    ],
)
def test_bad_declaration_names_line_and_field(
    store: Store, tiny: Path, change: tuple[str, str], field: str
) -> None:
    path = tiny / "declarations.jsonl"
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_paths(store, [path], dataset="decl")
    assert (caught.value.line, caught.value.field) == (1, field)
    assert store.fetchone("SELECT count(*) FROM declarations") == (0,)


def test_published_json_schema_matches_the_model() -> None:
    published = json.loads((DOCS / "declaration.schema.json").read_text(encoding="utf-8"))
    assert published == json_schema()
