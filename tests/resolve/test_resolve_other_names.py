"""Names that are not Chinese: a register's and a bank's records of the same people
(Western, Russian, Portuguese names, one written in Cyrillic) resolve together, and
namesakes born on other days stay apart. A list of politically exposed persons gives
only birth years, and some names only in parts."""

from __future__ import annotations

import random

import pytest

from nohaven.resolve.pipeline import resolve
from nohaven.store import Store

_FIRST = [
    "Vladimir", "Isabel", "Oleg", "Maria", "John", "Sergei", "Ana", "Peter", "Elena",
    "Carlos", "Dmitry", "Sofia", "Miguel", "Irina", "Thomas", "Natalia",
]  # fmt: skip
_LAST = [
    "Putin", "Santos", "Deripaska", "Ferreira", "Smith", "Ivanov", "Costa", "Brown",
    "Petrova", "Oliveira", "Sokolov", "Almeida", "Fischer", "Volkova", "Pereira",
]  # fmt: skip


@pytest.fixture(scope="module")
def resolved(tmp_path_factory: pytest.TempPathFactory, resolve_entities, person) -> Store:
    """Each person in a register ("SURNAME, Given Middle") and a bank ("Given Surname"),
    born the same day in both; some namesakes in the bank born on another day."""
    rng = random.Random(11)
    names = [(f, s) for f in _FIRST for s in _LAST]
    rng.shuffle(names)
    register, bank, peps, sanctioned = [], [], [], []
    for i, (first, last) in enumerate(names[:120]):
        born = f"19{50 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        middle = rng.choice(_FIRST)
        register.append(person(f"reg-{i}", f"{last.upper()}, {first} {middle}", birthDate=born))
        bank.append(person(f"bank-{i}", f"{first} {last}", birthDate=born))
        if i % 4 == 0:  # in the PEP list by year of birth; every other one by name parts
            pep = person(f"pep-{i}", f"{first} {last}", birthDate=born[:4])
            if i % 8 == 0:
                pep["properties"] = {
                    "firstName": [first],
                    "lastName": [last],
                    "birthDate": [born[:4]],
                }
            peps.append(pep)
            # A sanctions list's "DOB 1960-03-04; alt. DOB 1959-03-04": either may be right.
            alternative = f"{int(born[:4]) - 1}{born[4:]}"
            sanctioned.append(
                {
                    "id": f"sdn-{i}",
                    "schema": "Person",
                    "properties": {
                        "name": [f"{last.upper()}, {first}"],
                        "birthDate": [alternative, born],
                    },
                }
            )
        if i % 4 == 0:
            bank.append(person(f"other-{i}", f"{first} {last}", birthDate=f"19{49 + i % 40}-07-04"))
    # The same Western name twice, with nothing else: two Alice Millers, as likely as one.
    register.append(person("miller-register", "MILLER, Alice"))
    bank.append(person("miller-bank", "Alice Miller"))
    register.append(person("putin", "PUTIN, Vladimir Vladimirovich", birthDate="1952-10-07"))
    bank.append(person("putin-cyrillic", "Владимир Путин", birthDate="1952-10-07"))
    # Another Putin, undated: "Putin" reads as the Chinese syllables pu-tin too, but a
    # foreign name's keys pair records only with the same birth year.
    bank.append(person("boris", "Boris Putin"))
    return resolve_entities(
        tmp_path_factory.mktemp("other-names"),
        {"register": register, "bank": bank, "peps": peps, "sdn": sanctioned},
    )


def test_the_same_people_resolve_together_in_other_name_orders(
    resolved: Store, canonical_ids
) -> None:
    clusters = canonical_ids(resolved)
    together = sum(clusters[f"reg-{i}"] == clusters[f"bank-{i}"] for i in range(120))
    assert together >= 114, together
    assert clusters["putin"] == clusters["putin-cyrillic"]
    assert clusters["boris"] != clusters["putin"]


def test_namesakes_born_on_other_days_stay_apart(resolved: Store, canonical_ids) -> None:
    clusters = canonical_ids(resolved)
    others = [i for i in range(0, 120, 4)]
    assert all(clusters[f"other-{i}"] != clusters[f"reg-{i}"] for i in others)


@pytest.mark.parametrize(
    "source",
    [
        "pep",  # a birth year alone places the record
        "sdn",  # a record giving several birth dates joins on any of them
    ],
)
def test_birth_dates_as_lists_give_them_place_a_record_and_keep_namesakes_out(
    resolved: Store, canonical_ids, source: str
) -> None:
    # Each one has a namesake in the bank born the year before.
    clusters = canonical_ids(resolved)
    listed = range(0, 120, 4)
    joined = sum(clusters[f"{source}-{i}"] == clusters[f"reg-{i}"] for i in listed)
    assert joined >= len(listed) - 2, joined
    assert all(clusters[f"{source}-{i}"] != clusters[f"other-{i}"] for i in listed)


def test_a_name_given_only_in_parts_is_composed_and_resolved(
    resolved: Store, canonical_ids
) -> None:
    names = dict(
        resolved.fetchall(
            "SELECT entity_id, value FROM statements WHERE prop = 'name' AND entity_id = 'pep-0'"
        )
    )
    first, last = (
        resolved.fetchall(
            "SELECT value FROM statements WHERE entity_id = 'pep-0' AND prop = ?", [prop]
        )[0][0]
        for prop in ("firstName", "lastName")
    )
    assert names["pep-0"] == f"{last}, {first}"
    assert canonical_ids(resolved)["pep-0"] == canonical_ids(resolved)["bank-0"]


def test_a_foreign_name_is_not_paired_through_a_chinese_reading_of_it(
    resolved: Store, scored_pair
) -> None:
    # "Putin" is also the syllables pu-tin, a key both Putins share; undated, the two are
    # not even compared.
    assert scored_pair(resolved, "boris", "putin") == (0.0, "")
    assert scored_pair(resolved, "boris", "putin-cyrillic") == (0.0, "")


def test_a_western_name_alone_merges_nobody(resolved: Store, canonical_ids) -> None:
    # Unique in this store says nothing of a name with no population register here:
    # word keys pair records only with the same birth year.
    assert canonical_ids(resolved)["miller-register"] != canonical_ids(resolved)["miller-bank"]


def test_no_record_with_a_name_is_skipped_as_having_none(resolved: Store) -> None:
    summary = resolve(resolved)
    assert "persons without a usable name" not in summary.skipped
