"""Simplified ↔ traditional Han script conversion for names.

Mainland records write names in simplified characters; Hong Kong, Macau and
Taiwan records (and many overseas court and company filings) use traditional
ones. OpenCC converts running text well but picks the wrong character for a
few surnames (于 → 於, 余 → 餘, 范 → 範), so name conversion takes the surname
from the surname table and gives only the given name to OpenCC.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

import opencc

from nohaven.names.surnames import lookup_surname

Region = Literal["hk", "tw", "standard"]

# OpenCC configuration names: simplified → traditional per region, and back.
_TO_TRADITIONAL: dict[str, str] = {"hk": "s2hk", "tw": "s2tw", "standard": "s2t"}
_TO_SIMPLIFIED: dict[str, str] = {"hk": "hk2s", "tw": "tw2s", "standard": "t2s"}


@cache
def _converter(config: str) -> opencc.OpenCC:
    """One OpenCC converter per configuration; loading a dictionary is slow."""
    return opencc.OpenCC(config)


def to_traditional(text: str, region: Region = "hk") -> str:
    """Convert running text to traditional characters in a region's standard."""
    return _converter(_TO_TRADITIONAL[region]).convert(text)


def to_simplified(text: str, region: Region = "hk") -> str:
    """Convert running text from a region's traditional characters to simplified."""
    return _converter(_TO_SIMPLIFIED[region]).convert(text)


def traditional_name(family: str, given: str, region: Region = "hk") -> tuple[str, str]:
    """Traditional-script (family, given), taking the surname from the surname table."""
    surname = lookup_surname(family)
    family_t = surname.traditional if surname else to_traditional(family, region)
    return family_t, to_traditional(given, region)


def simplified_name(family: str, given: str, region: Region = "hk") -> tuple[str, str]:
    """Simplified-script (family, given), taking the surname from the surname table."""
    surname = lookup_surname(family)
    family_s = surname.simplified if surname else to_simplified(family, region)
    return family_s, to_simplified(given, region)
