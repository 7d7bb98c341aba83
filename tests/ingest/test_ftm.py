import json
from pathlib import Path

import pytest

from nohaven.errors import InputError
from nohaven.ingest import load_paths
from nohaven.ingest.entities import INCOMPLETE, UNKNOWN_PROPERTY, UNREADABLE
from nohaven.ingest.files import Kind
from nohaven.store import Store


def test_entities_become_statements_with_provenance(store: Store, tiny: Path, values) -> None:
    [result] = load_paths(store, [tiny / "persons.ftm.json"], dataset="registry")
    assert result.rows == 4 and result.kind == "ftm" and not result.skipped
    person = values(store, "cn-p-1")
    assert person["name"] == ["许超凡"]
    assert person["birthDate"] == ["1963-05-02"]
    # "China" is cleaned to the FtM country code, and the original kept.
    row = store.fetchone(
        "SELECT value, original_value, source_id, record FROM statements "
        "WHERE entity_id = 'cn-p-2' AND prop = 'nationality'"
    )
    assert row == ("cn", "China", result.source_id, 2)
    source = store.sources()[0]
    assert source.path == str((tiny / "persons.ftm.json").resolve())
    assert len(source.sha256) == 64 and source.rows == 4


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ('{"id": "x-1", "schema": "Persn", "properties": {}}', "schema", "unknown FtM schema"),
        ('{"id": "x-1", "schema": "Thing", "properties": {}}', "schema", "abstract"),
        ('{"id": "x 1", "schema": "Person", "properties": {}}', "id", "bad entity id"),
        (
            '{"id": "x-1", "schema": "Person", "properties": {"birthDate": ["1963-13-45"]}}',
            "birthDate",
            "not a valid date",
        ),
        (
            '{"id": "x-1", "schema": "Ownership", "properties": {"owner": ["a"]}}',
            "asset",
            "needs a value",
        ),
        (
            '{"id": "x-1", "schema": "Person", "properties": {"birthDate": ["1963"]}}',
            "name",
            "needs a value for 'name' (or its parts: 'firstName', 'lastName')",
        ),
        ('{"id": "x-1", "schema": "Person", "properties": ', None, "invalid JSON"),
        # A passport without its number is set aside, but not one without its holder.
        ('{"id": "x-1", "schema": "Passport", "properties": {}}', "holder", "needs a value"),
        (
            '{"id": "x-1", "schema": "Person", "properties": {"name": ["A"]}, '
            '"referents": "ofac-1"}',
            "referents",
            "must be a list of entity ids",
        ),
        (
            '{"id": "x-1", "schema": "Person", "properties": {"name": ["A"]}, '
            '"referents": ["ofac 1"]}',
            "referents",
            "bad entity id",
        ),
        (
            '{"id": "x-1", "schema": "Person", "properties": {"name": ["A"]}, '
            '"datasets": "us_ofac_sdn"}',
            "datasets",
            "must be a list of dataset names",
        ),
        (
            '{"id": "x-1", "schema": "Person", "properties": {"name": ["A"]}, '
            '"last_change": "last Tuesday"}',
            "last_change",
            "must be a date and time",
        ),
        (
            '{"id": "x-1", "schema": "Person", "properties": {"name": ["A"]}, "target": "yes"}',
            "target",
            "must be true or false",
        ),
    ],
)
def test_bad_entity_names_file_line_and_field(
    store: Store, tmp_path: Path, line: str, field: str | None, message: str
) -> None:
    path = tmp_path / "bad.ftm.json"
    good = '{"id": "ok-1", "schema": "Person", "properties": {"name": ["A"]}}\n'
    path.write_text(good + line + "\n" + good.replace("ok-1", "ok-2"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_paths(store, [path], dataset="bad")
    error = caught.value
    assert error.line == 2 and error.field == field and message in error.message
    assert str(error).startswith(f"{path}, line 2")
    assert store.fetchone("SELECT count(*) FROM statements") == (0,)
    assert store.fetchone("SELECT count(*) FROM referents") == (0,)
    assert store.fetchone("SELECT count(*) FROM entity_meta") == (0,)
    assert store.sources() == []


def test_the_ids_an_entity_was_merged_from_are_kept_with_their_line(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "merged.ftm.json"
    lines = [
        {"id": "NK-1", "schema": "Person", "properties": {"name": ["A"]}},
        {
            "id": "NK-2",
            "schema": "Person",
            "properties": {"name": ["B"]},
            "referents": ["ofac-2", "NK-2", "eu-2", "ofac-2"],
        },
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    [result] = load_paths(store, [path], dataset="sanctions")
    rows = store.fetchall(
        "SELECT referent, entity_id, dataset, source_id, record FROM referents ORDER BY 1"
    )
    assert rows == [
        ("eu-2", "NK-2", "sanctions", result.source_id, 2),
        ("ofac-2", "NK-2", "sanctions", result.source_id, 2),
    ]


def test_what_the_publisher_says_of_an_entity_is_kept_as_given(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "published.ftm.json"
    lines = [
        {
            "id": "NK-1",
            "schema": "Person",
            "properties": {"name": ["A"]},
            "datasets": ["us_ofac_sdn", "eu_fsf", "us_ofac_sdn"],
            "first_seen": "2019-03-01T10:00:00",
            "last_seen": "2026-11-30T02:00:00Z",
            "last_change": "2024-05-01T08:30:00+02:00",
            "target": True,
        },
        {"id": "NK-2", "schema": "Person", "properties": {"name": ["B"]}},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    [result] = load_paths(store, [path], dataset="sanctions")
    rows = store.fetchall(
        "SELECT entity_id, dataset, source_id, record, datasets, "
        "strftime(first_seen, '%Y-%m-%dT%H:%M'), strftime(last_seen, '%Y-%m-%dT%H:%M'), "
        "strftime(last_change, '%Y-%m-%dT%H:%M'), target FROM entity_meta"
    )
    # One row, for the entity that carries any; times in UTC.
    assert rows == [
        (
            "NK-1",
            "sanctions",
            result.source_id,
            1,
            ["us_ofac_sdn", "eu_fsf"],
            "2019-03-01T10:00",
            "2026-11-30T02:00",
            "2024-05-01T06:30",
            True,
        )
    ]


def test_what_an_export_carries_unchecked_is_set_aside_and_counted(
    store: Store, tmp_path: Path, values
) -> None:
    path = tmp_path / "export.ftm.json"
    entities = [
        # Three numbers in one field, as a published list gave them: each is kept.
        {
            "id": "p-1",
            "schema": "Person",
            "properties": {"name": ["A B"], "phone": ["+7 (3412) 43-05-05; +7 (951) 210-81-28"]},
        },
        {
            "id": "p-2",
            "schema": "Person",
            "properties": {"name": ["C D"], "phone": ["call the office"], "shoeSize": ["9"]},
        },
        {"id": "pp-1", "schema": "Passport", "properties": {"holder": ["p-1"]}},  # no number
        {
            "id": "p-3",
            "schema": "Person",
            "properties": {"name": ["E F"], "phone": ["n/a"], "birthDate": ["1960"]},
        },
        # One number that reads beside a note that does not: the number is kept.
        {
            "id": "p-4",
            "schema": "Person",
            "properties": {"name": ["G H"], "phone": ["+375 17 217-22-22; ext. office"]},
        },
    ]
    path.write_text("\n".join(json.dumps(e) for e in entities) + "\n", encoding="utf-8")
    [result] = load_paths(store, [path], dataset="export")
    assert result.rows == 4
    assert result.set_aside == (
        f"3 {UNREADABLE} (first: export.ftm.json, line 2, field 'phone': "
        "'call the office' is not a valid phone)",
        f"1 {UNKNOWN_PROPERTY} (first: export.ftm.json, line 2, field 'shoeSize': "
        "schema Person has none)",
        f"1 {INCOMPLETE} (first: export.ftm.json, line 3, field 'number': Passport without it)",
    )
    assert values(store, "p-1")["phone"] == ["+73412430505", "+79512108128"]
    assert values(store, "p-4")["phone"] == ["+375172172222"]
    assert "phone" not in values(store, "p-2") and values(store, "p-2")["name"] == ["C D"]
    assert store.fetchone("SELECT count(*) FROM statements WHERE entity_id = 'pp-1'") == (0,)


def test_a_person_named_only_in_parts_gets_the_full_name(
    store: Store, tmp_path: Path, values
) -> None:
    path = tmp_path / "parts.ftm.json"
    path.write_text(
        '{"id": "p-1", "schema": "Person", "properties": '
        '{"firstName": ["Isabel"], "lastName": ["dos Santos"]}}\n'
        '{"id": "p-2", "schema": "Person", "properties": '
        '{"firstName": ["超凡"], "lastName": ["许"]}}\n'
        '{"id": "p-3", "schema": "Person", "properties": '
        '{"name": ["Chaofan Xu"], "firstName": ["Chaofan"], "lastName": ["Xu"]}}\n',
        encoding="utf-8",
    )
    load_paths(store, [path], dataset="parts")
    assert values(store, "p-1")["name"] == ["dos Santos, Isabel"]  # family name marked
    assert values(store, "p-2")["name"] == ["许超凡"]  # Han parts run together
    assert values(store, "p-3")["name"] == ["Chaofan Xu"]  # a given name is kept as it is


def test_nested_entities_are_loaded_as_entities_that_refer_to_each_other(
    store: Store, tmp_path: Path, values
) -> None:
    # OpenSanctions' targets.nested.json: a sanction under the person's reverse property
    # (without its back-reference), an ownership whose asset is nested in turn.
    address = {"id": "addr-1", "schema": "Address", "properties": {"full": ["1 Main St"]}}
    person = {
        "id": "Q7747",
        "schema": "Person",
        "properties": {
            "name": ["Vladimir Putin"],
            "sanctions": [{"id": "san-1", "schema": "Sanction", "properties": {"program": ["X"]}}],
            "addressEntity": [address, address],
            "ownershipOwner": [
                {
                    "id": "own-1",
                    "schema": "Ownership",
                    "properties": {
                        "owner": ["Q7747"],
                        "asset": [
                            {"id": "co-1", "schema": "Company", "properties": {"name": ["Acme"]}}
                        ],
                    },
                }
            ],
        },
    }
    path = tmp_path / "targets.nested.json"
    path.write_text(json.dumps(person) + "\n", encoding="utf-8")
    [result] = load_paths(store, [path], dataset="sanctions")
    assert result.rows == 5
    assert values(store, "san-1")["entity"] == ["Q7747"]
    assert values(store, "own-1")["asset"] == ["co-1"]
    assert values(store, "Q7747")["addressEntity"] == ["addr-1"]
    assert "sanctions" not in values(store, "Q7747")
    assert store.fetchone("SELECT count(*) FROM statements WHERE entity_id = 'addr-1'") == (2,)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '{"id": "p", "schema": "Person", "properties": {"name": ["P"], '
            '"sanctions": [{"id": "s", "schema": "Sanktion", "properties": {}}]}}',
            "unknown FtM schema",
        ),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_bad_nesting_is_reported_with_its_line(
    store: Store, tmp_path: Path, line: str, message: str
) -> None:
    path = tmp_path / "nested.ftm.json"
    path.write_text('{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}\n' + line)
    with pytest.raises(InputError) as caught:
        load_paths(store, [path], dataset="bad", kind=Kind.FTM)
    assert caught.value.line == 2 and message in caught.value.message
    assert store.fetchone("SELECT count(*) FROM statements") == (0,)


def test_an_id_with_underscore_or_colon_can_be_referred_to(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "refs.ftm.json"
    lines = [
        {"id": "p_1", "schema": "Person", "properties": {"name": ["A"]}},
        {"id": "c:1", "schema": "Company", "properties": {"name": ["B Ltd"]}},
        {"id": "o-1", "schema": "Ownership", "properties": {"owner": ["p_1"], "asset": ["c:1"]}},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    load_paths(store, [path], dataset="refs")
    assert store.fetchall(
        "SELECT prop, value FROM statements WHERE entity_id = 'o-1' AND prop <> 'id' ORDER BY 1"
    ) == [("asset", "c:1"), ("owner", "p_1")]


def test_a_file_cut_off_inside_a_string_says_where(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "cut.ftm.json"
    path.write_text(
        '{"id": "ok-1", "schema": "Person", "properties": {"name": ["A"]}}\n{"id": "x-1'
    )
    with pytest.raises(InputError) as caught:
        load_paths(store, [path], dataset="cut")
    assert caught.value.line == 2
    assert caught.value.message == "invalid JSON (Unterminated string starting at column 8)"
