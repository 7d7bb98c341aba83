"""A full name composed from FtM's name parts, for records and queries that give only
``firstName``, ``lastName`` and the like."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from nohaven.names.analysis import HAN_CHARACTERS

# FtM's given-name parts, in the order they are written after the first name.
GIVEN_NAME_PROPS = ("firstName", "secondName", "middleName", "fatherName")
FAMILY_NAME_PROP = "lastName"
NAME_PART_PROPS = (*GIVEN_NAME_PROPS, FAMILY_NAME_PROP)
_ALL_HAN = re.compile(f"[{HAN_CHARACTERS}]+")


def _first(parts: Mapping[str, Sequence[str]], prop: str) -> str:
    values = [v.strip() for v in parts.get(prop, ()) if v and v.strip()]
    return values[0] if values else ""


def name_from_parts(parts: Mapping[str, Sequence[str]]) -> str | None:
    """The full name the parts spell, family name first and marked by a comma
    ("dos Santos, Isabel"), so the name engine knows which part is the family name;
    Han parts run together as they are written ("许超凡"). None without any part."""
    family = _first(parts, FAMILY_NAME_PROP)
    given = " ".join(p for p in (_first(parts, prop) for prop in GIVEN_NAME_PROPS) if p)
    if family and given:
        if _ALL_HAN.fullmatch(family) and _ALL_HAN.fullmatch(given.replace(" ", "")):
            return family + given.replace(" ", "")
        return f"{family}, {given}"
    return family or given or None
