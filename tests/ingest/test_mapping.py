from pathlib import Path

import pytest

from nohaven.errors import InputError
from nohaven.ingest import load_paths
from nohaven.store import Store


def test_rows_become_linked_entities(store: Store, tiny: Path, values) -> None:
    [result] = load_paths(store, [tiny / "deeds.csv"], dataset="us_deeds")
    assert result.kind == "csv" and result.rows == 3
    assert values(store, "us-o-1")["name"] == ["XU, CHAO FAN"]
    assert values(store, "us-o-1")["country"] == ["us"]
    assert "birthDate" not in values(store, "us-o-2")  # empty cell, no value
    assert values(store, "d-1")["owner"] == ["us-o-1"]
    assert values(store, "d-1")["asset"] == ["apn-1"]
    # Row 3 has no owner: the parcel exists, the ownership (which needs one) does not.
    assert values(store, "apn-3")["address"] == ["12 Pine Rd, Arcadia CA"]
    assert values(store, "d-3") == {}
    line = store.fetchone("SELECT DISTINCT record FROM statements WHERE entity_id = 'us-o-2'")
    assert line == (3,)


def test_keys_hash_to_stable_ids(store: Store, mapped_csv) -> None:
    path = mapped_csv(
        "name,dob\nWong Kar Wai,1958-07-17\n",
        "entities:\n  p:\n    schema: Person\n    keys: [name, dob]\n"
        "    properties:\n      name: {column: name}\n",
    )
    load_paths(store, [path], dataset="people")
    [(first,)] = store.fetchall("SELECT DISTINCT entity_id FROM statements")
    assert first.startswith("people-") and len(first) == len("people-") + 20


def test_bad_value_names_the_csv_column(store: Store, tiny: Path) -> None:
    path = tiny / "deeds.csv"
    path.write_text(path.read_text().replace("1963-05-02", "1963-02-30"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_paths(store, [path], dataset="us_deeds")
    assert (caught.value.line, caught.value.field) == (2, "owner_dob")


def test_mapping_with_unknown_property_is_refused(store: Store, tiny: Path) -> None:
    mapping = tiny / "deeds.mapping.yml"
    mapping.write_text(mapping.read_text().replace("birthDate:", "birthdate:"), encoding="utf-8")
    with pytest.raises(InputError, match="no property 'birthdate'") as caught:
        load_paths(store, [tiny / "deeds.csv"], dataset="us_deeds")
    assert caught.value.path == mapping


def test_missing_column_is_refused(store: Store, tiny: Path) -> None:
    path = tiny / "deeds.csv"
    path.write_text(path.read_text().replace("owner_dob", "dob"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_paths(store, [path], dataset="us_deeds")
    assert (caught.value.line, caught.value.field) == (1, "owner_dob")


@pytest.mark.parametrize(
    ("date_format", "cell", "iso"),
    [("%m/%d/%Y", "04/25/1963", "1963-04-25"), ("auto", "25.04.1963", "1963-04-25")],
)
def test_a_date_column_is_read_by_its_format(
    store: Store, mapped_csv, values, date_format: str, cell: str, iso: str
) -> None:
    path = mapped_csv(
        f"id,name,dob\np-1,Wong Kar Wai,{cell}\n",
        "entities:\n  p:\n    schema: Person\n    id_column: id\n    properties:\n"
        "      name: {column: name}\n"
        f"      birthDate: {{column: dob, format: '{date_format}'}}\n",
    )
    load_paths(store, [path], dataset="people")
    assert values(store, "p-1")["birthDate"] == [iso]


def test_a_date_not_in_its_format_names_line_and_column(store: Store, mapped_csv) -> None:
    path = mapped_csv(
        "id,name,dob\np-1,Wong Kar Wai,04/25/1963\np-2,Chan Tai Man,1963-04-25\n",
        "entities:\n  p:\n    schema: Person\n    id_column: id\n    properties:\n"
        "      name: {column: name}\n      birthDate: {column: dob, format: '%m/%d/%Y'}\n",
    )
    with pytest.raises(InputError) as caught:
        load_paths(store, [path], dataset="people")
    assert (caught.value.line, caught.value.field) == (3, "dob")
    assert store.fetchone("SELECT count(*) FROM statements") == (0,)


def test_a_format_on_a_property_that_is_no_date_is_refused(store: Store, mapped_csv) -> None:
    path = mapped_csv(
        "id,name\np-1,Wong Kar Wai\n",
        "entities:\n  p:\n    schema: Person\n    id_column: id\n    properties:\n"
        "      name: {column: name, format: '%Y'}\n",
    )
    with pytest.raises(InputError, match="'format' is for dates"):
        load_paths(store, [path], dataset="people")


def test_a_hashed_id_is_referred_to_whatever_the_dataset_is_called(
    store: Store, mapped_csv, values
) -> None:
    # A dataset named "us_deeds" gives hashed ids "us_deeds-…", which FtM's own id
    # pattern (no "_") refused as the Ownership's asset.
    path = mapped_csv(
        "deed,owner,parcel\nd-1,Wong Kar Wai,APN 7\n",
        "entities:\n"
        "  owner:\n    schema: Person\n    keys: [owner]\n"
        "    properties:\n      name: {column: owner}\n"
        "  parcel:\n    schema: RealEstate\n    keys: [parcel]\n"
        "    properties:\n      registrationNumber: {column: parcel}\n"
        "  deed:\n    schema: Ownership\n    id_column: deed\n"
        "    properties:\n      owner: {entity: owner}\n      asset: {entity: parcel}\n",
    )
    load_paths(store, [path], dataset="us_deeds")
    deed = values(store, "d-1")
    assert deed["owner"][0].startswith("us_deeds-") and deed["asset"][0].startswith("us_deeds-")
    assert values(store, deed["asset"][0])["registrationNumber"] == ["APN 7"]
