"""Romanised forms of a Han-script name in named systems.

Foreign records name the same person in whichever romanisation the issuing
office used: mainland passports use Hanyu Pinyin ("Xu Chaofan"), Taiwan and
older Western records Wade-Giles ("Hsu Chao-fan"), Hong Kong identity cards
the Hong Kong government Cantonese romanisation ("Hui Chiu Fan"). A matcher
that romanises Han names in every system can compare them with those records.

Every function here is pure (no I/O beyond the dictionaries the libraries load
once) and deterministic. Systems are registered in ``_SYLLABLES`` and
``_GIVEN_JOIN``; adding one means adding a syllable function and a joining
convention, and a surname column in :mod:`nohaven.names.surnames`.

Conventions chosen (each is what the issuing offices print, not the scholarly
form):

* ``pinyin``: no tone marks, no apostrophes, ü written "yu" after l/n as on
  Chinese passports (吕 → "Lyu"); the given name is joined ("Chaofan").
* ``wade_giles``: no aspiration apostrophes and ü written "u", as on Taiwan
  passports and in US court records ("Hsu Chao-fan"); the given name is
  hyphenated with the second syllable in lower case.
* ``hk_cantonese``: Hong Kong government romanisation as printed on identity
  cards; given syllables separated by a space ("Chiu Fan").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal

from cantoroman import Cantonese
from pypinyin import Style, lazy_pinyin
from pypinyin.style import convert

from nohaven.names.script import to_traditional
from nohaven.names.surnames import split_han_name, surname_hk, surname_pinyin

System = Literal["pinyin", "wade_giles", "hk_cantonese"]
SYSTEMS: tuple[System, ...] = ("pinyin", "wade_giles", "hk_cantonese")
"""Romanisation systems this module implements."""

Order = Literal["family_first", "family_last", "comma"]
GivenStyle = Literal["system", "joined", "spaced", "hyphenated"]


@dataclass(frozen=True)
class RomanisedName:
    """A Han name romanised in one system, with its parts kept apart.

    ``given`` is the given name written the way the system's issuing offices
    write it; ``given_syllables`` keeps the syllables so that other common
    writings (joined, spaced, hyphenated) can be produced by :meth:`render`.
    """

    family: str
    given: str
    system: str
    given_syllables: tuple[str, ...]

    def render(
        self,
        order: Order = "family_first",
        given_style: GivenStyle = "system",
        upper_family: bool = False,
    ) -> str:
        """Write the full name in one of the orders and styles found in records.

        ``comma`` gives "XU, Chaofan"-style registry order; ``upper_family``
        capitalises the surname as passports and company registries do.
        """
        family = self.family.upper() if upper_family else self.family
        given = _join_given(self.given_syllables, given_style, self.given)
        if not given:
            return family
        if order == "family_first":
            return f"{family} {given}"
        if order == "family_last":
            return f"{given} {family}"
        return f"{family}, {given}"


def _join_given(syllables: tuple[str, ...], style: GivenStyle, system_form: str) -> str:
    if style == "system":
        return system_form
    if style == "spaced":
        return " ".join(syllables)
    if style == "joined":
        return _capitalise("".join(syllables).lower())
    return _capitalise("-".join(syllables).lower())


def _capitalise(word: str) -> str:
    return word[:1].upper() + word[1:]


# ---------------------------------------------------------------------------
# Syllables per system (lower case, one per Han character)


def _pinyin_syllables(han: str) -> list[str]:
    # lazy_pinyin reads the whole string, so known words get their word reading;
    # characters without a reading are dropped, which the length check catches.
    syllables: list[str] = lazy_pinyin(han, style=Style.NORMAL, errors="ignore")
    if len(syllables) != len(han):
        raise ValueError(f"no pinyin reading for a character in {han!r}")
    return syllables


def passport_pinyin(syllable: str) -> str:
    """Passport spelling of a pinyin syllable: lv → lyu, nve → nyue."""
    if syllable.startswith(("lv", "nv")):
        return syllable[0] + "yu" + syllable[2:]
    return syllable.replace("v", "u")


def wade_giles_spelling(syllable: str) -> str:
    """Wade-Giles as printed on passports: no apostrophes, ü as u."""
    spelt = convert(syllable, Style.WADEGILES, True).replace("'", "").replace("v", "u")
    # pypinyin writes the final -ai as -ei after l, h, m, n, s, sh and w (lai as "lei",
    # hai as "hei"); Wade-Giles keeps it: 来 is "Lai", 海 "Hai".
    if syllable.endswith("ai") and spelt.endswith("ei"):
        spelt = spelt[:-2] + "ai"
    return spelt


def pinyin_syllables(han: str) -> tuple[str, ...]:
    """Pinyin syllables of Han text, lower case, passport spelling."""
    return tuple(passport_pinyin(s) for s in _pinyin_syllables(han))


def wade_giles_syllables(han: str) -> tuple[str, ...]:
    """Wade-Giles syllables of Han text, lower case, passport spelling."""
    return tuple(wade_giles_spelling(s) for s in _pinyin_syllables(han))


@cache
def cantonese_dictionary() -> Cantonese:
    """The cantonese-romanisation dictionary, loaded once per process."""
    return Cantonese()


# Letters that mark a reading as not the Hong Kong government form: "r" as in
# "farn", double vowels as in "faan" and "mooi", Yale-style "oh" endings.
def _hk_penalty(reading: str) -> int:
    penalty = 0
    if "r" in reading[1:] or "ck" in reading or "ll" in reading:
        penalty += 3
    if "aa" in reading or "oo" in reading:
        penalty += 2
    if reading.endswith("oh"):
        penalty += 2
    if reading[:1] in "bdgjz":
        penalty += 1
    return penalty


# Hong Kong government spelling writes unaspirated initials as voiceless ones.
_HK_INITIALS: tuple[tuple[str, str], ...] = (
    ("gw", "kw"),
    ("g", "k"),
    ("b", "p"),
    ("d", "t"),
    ("j", "ch"),
    ("z", "ts"),
)


def hk_spelling(reading: str) -> str:
    """A Cantonese reading respelled with Hong Kong government initials (gw → kw, z → ts)."""
    for old, new in _HK_INITIALS:
        if reading.startswith(old):
            return new + reading[len(old) :]
    return reading


def hk_cantonese_syllable(char: str) -> str:
    """Hong Kong government romanisation of one Han character, lower case.

    The cantonese-romanisation package lists the spellings in use for a
    character alphabetically, without saying which the Immigration Department
    prints; this picks the one closest to its conventions (single vowels,
    voiceless initials) and respells the initial if needed. A character it
    does not know falls back to its pinyin syllable.
    """
    readings: list[str] = []
    for form in (char, to_traditional(char, "hk"), to_traditional(char, "standard")):
        readings = cantonese_dictionary().getRoman(form)[0]
        if readings:
            break
    if not readings:
        return pinyin_syllables(char)[0]
    best = min(range(len(readings)), key=lambda i: (_hk_penalty(readings[i]), i))
    return hk_spelling(readings[best])


def hk_cantonese_syllables(han: str) -> tuple[str, ...]:
    """Hong Kong government romanisation of Han text, one lower-case syllable a character."""
    return tuple(hk_cantonese_syllable(char) for char in han)


_SYLLABLES: dict[str, Callable[[str], tuple[str, ...]]] = {
    "pinyin": pinyin_syllables,
    "wade_giles": wade_giles_syllables,
    "hk_cantonese": hk_cantonese_syllables,
}

# How each system's issuing offices write a given name: "Chaofan", "Chao-fan", "Chiu Fan".
_GIVEN_JOIN: dict[str, GivenStyle] = {
    "pinyin": "joined",
    "wade_giles": "hyphenated",
    "hk_cantonese": "spaced",
}


def _check_system(system: str) -> None:
    if system not in _SYLLABLES:
        raise ValueError(f"unknown romanisation system {system!r}; known: {', '.join(SYSTEMS)}")


def romanize_surname(family: str, system: str) -> str:
    """Romanise a surname, using the surname reading (曾 → Zeng, 单 → Shan, 区 → Ou).

    Surnames in the table use its fixed forms, and a character read apart as a
    surname (薄 → Bo) its surname reading; others are romanised character by character.
    """
    _check_system(system)
    reading = surname_pinyin(family)
    if system == "hk_cantonese" and (hk := surname_hk(family)) is not None:
        return hk
    if reading is not None and system in ("pinyin", "wade_giles"):
        convert_syllable = passport_pinyin if system == "pinyin" else wade_giles_spelling
        syllables = [convert_syllable(s) for s in reading]
    else:
        syllables = list(_SYLLABLES[system](family))
    # Compound surnames are one word in pinyin ("Ouyang"), hyphenated in Wade-Giles.
    joined = "".join(syllables) if system == "pinyin" else "-".join(syllables)
    return _capitalise(joined)


def romanize_name(family: str, given: str, system: str) -> RomanisedName:
    """Romanise a Han name given as family and given parts in one system.

    >>> romanize_name("许", "超凡", "pinyin").render()
    'Xu Chaofan'
    >>> romanize_name("許", "超凡", "hk_cantonese").render()
    'Hui Chiu Fan'
    """
    _check_system(system)
    syllables = tuple(_capitalise(s) for s in _SYLLABLES[system](given)) if given else ()
    system_given = _join_given(syllables, _GIVEN_JOIN[system], "")
    return RomanisedName(
        family=romanize_surname(family, system),
        given=system_given,
        system=system,
        given_syllables=syllables,
    )


def romanize_full_name(full_name: str, system: str) -> RomanisedName:
    """Romanise a Han full name, splitting off the surname (compound ones included)."""
    family, given = split_han_name(full_name)
    return romanize_name(family, given, system)


def all_romanisations(family: str, given: str) -> dict[str, RomanisedName]:
    """The name in every system of :data:`SYSTEMS`, keyed by system."""
    return {system: romanize_name(family, given, system) for system in SYSTEMS}
