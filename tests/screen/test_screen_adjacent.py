"""The entities that refer to one, read from the store and counted past the cap."""

from __future__ import annotations

from pathlib import Path

from nohaven.screen.adjacent import adjacent_entities
from nohaven.store import Store


def test_the_cap_counts_what_is_shown_and_says_when_there_is_more(screening_db: Path) -> None:
    with Store(screening_db, read_only=True) as reader:
        every, more = adjacent_entities(reader, "w-official")
        assert {prop: [e["id"] for e in edges] for prop, edges in every.items()} == {
            "sanctions": ["w-notice"],
            "ownershipOwner": ["w-own"],
            "familyPerson": ["w-f1", "w-f2"],
        }
        assert more is False
        first, more = adjacent_entities(reader, "w-official", cap=1)
        assert sum(map(len, first.values())) == 1 and more is True
        # What the caller nests itself (the family ties) is left out before the cap.
        kept, more = adjacent_entities(reader, "w-official", skip={"w-f1", "w-f2"}, cap=2)
        assert sorted(kept) == ["ownershipOwner", "sanctions"] and more is False
        hidden, _ = adjacent_entities(reader, "w-official", frozenset({"foreign"}))
        assert hidden == {}
