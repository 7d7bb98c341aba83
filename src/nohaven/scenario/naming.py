"""How a person's name is written in each kind of record.

One renderer serves background and planted people alike, so a record's name
form says nothing about whether the person is part of a planted story. The
romanisation system depends on where the person grew up (pinyin for mainland
people, Hong Kong Cantonese, Hokkien-style surnames in Singapore and
Malaysia, Wade-Giles from Taiwan); the layout (order, case, joined or
hyphenated given names) depends on the dataset; Western given names and typos
are added at dataset-specific rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from nohaven.names.romanize import (
    GivenStyle,
    Order,
    hk_cantonese_syllables,
    pinyin_syllables,
    romanize_surname,
    wade_giles_syllables,
)
from nohaven.names.script import traditional_name
from nohaven.names.surnames import lookup_surname
from nohaven.scenario.people import Origin, PersonView

RecordSystem = Literal["pinyin", "wade_giles", "hk_cantonese", "regional", "macau"]
Case = Literal["title", "upper_family", "upper"]

# Romanisation system by origin, with weights; mainland people abroad mostly keep
# pinyin, but Guangdong emigrants often use Cantonese forms and some pick up
# regional or Wade-Giles spellings in older or overseas records.
SYSTEM_MIX: dict[Origin, tuple[tuple[RecordSystem, float], ...]] = {
    Origin.MAINLAND: (
        ("pinyin", 0.5), ("hk_cantonese", 0.2), ("wade_giles", 0.15), ("regional", 0.15)
    ),
    Origin.HONG_KONG: (("hk_cantonese", 0.9), ("pinyin", 0.1)),
    Origin.SINGAPORE_MALAYSIA: (("regional", 0.85), ("pinyin", 0.15)),
    Origin.TAIWAN: (("wade_giles", 0.9), ("pinyin", 0.1)),
}  # fmt: skip

# The order planted persons' records cycle through, so that every planted
# person with several foreign records is found under more than one system.
PLANTED_SYSTEM_CYCLE: tuple[RecordSystem, ...] = (
    "pinyin",
    "hk_cantonese",
    "pinyin",
    "wade_giles",
    "regional",
)


@dataclass(frozen=True)
class Layout:
    """How a dataset lays a romanised name out."""

    order: Order
    given_style: GivenStyle
    case: Case


@dataclass(frozen=True)
class NameProfile:
    """A dataset's habits in writing names."""

    layouts: tuple[tuple[Layout, float], ...]
    western_rate: float = 0.0  # chance a person's Western name is used when they have one
    typo_rate: float = 0.0
    macau: bool = False  # Macau offices: Macau surname forms instead of Hong Kong ones

    def layout(self, u: float) -> Layout:
        """The layout a uniform draw ``u`` picks."""
        total = sum(weight for _, weight in self.layouts)
        acc = 0.0
        for layout, weight in self.layouts:
            acc += weight / total
            if u < acc:
                return layout
        return self.layouts[-1][0]


@dataclass(frozen=True)
class RenderedName:
    """A name as written in one record, and the system it was written in."""

    name: str
    system: RecordSystem


def _pick(options: tuple[tuple[str, float], ...], u: float) -> str:
    total = sum(weight for _, weight in options)
    acc = 0.0
    for option, weight in options:
        acc += weight / total
        if u < acc:
            return option
    return options[-1][0]


@cache
def _char_syllable(char: str, system: str) -> str:
    if system == "pinyin":
        syllables = pinyin_syllables(char)
    elif system == "wade_giles":
        syllables = wade_giles_syllables(char)
    else:
        syllables = hk_cantonese_syllables(char)
    return syllables[0].capitalize()


def _given_syllables(given: str, system: str) -> tuple[str, ...]:
    """Syllables character by character (cached per character, not per name, to keep
    memory flat over a million people)."""
    return tuple(_char_syllable(char, system) for char in given)


@cache
def _surname(family: str, system: str, variant: int) -> str:
    entry = lookup_surname(family)
    if system == "regional" and entry is not None:
        return entry.regional[variant % len(entry.regional)]
    if system == "macau" and entry is not None:
        return entry.macau_cantonese
    base = system if system in ("pinyin", "wade_giles", "hk_cantonese") else "hk_cantonese"
    return romanize_surname(family, base)


def _given_system(system: RecordSystem, origin: Origin) -> str:
    """Syllable system for the given name: regional and Macau records use Cantonese-
    style syllables except for mainland people, who keep their pinyin ones."""
    if system in ("regional", "macau"):
        return "pinyin" if origin == Origin.MAINLAND and system == "regional" else "hk_cantonese"
    return system


def _join(syllables: tuple[str, ...], style: GivenStyle, system: str) -> str:
    chosen: str = style
    if style == "system":
        chosen = {"pinyin": "joined", "wade_giles": "hyphenated"}.get(system, "spaced")
    if chosen == "spaced":
        return " ".join(syllables)
    if chosen == "joined":
        return "".join(syllables).capitalize()
    return "-".join(syllables).capitalize()


RECORD_SYSTEMS: tuple[RecordSystem, ...] = (
    "pinyin",
    "wade_giles",
    "hk_cantonese",
    "regional",
    "macau",
)


def spellings_by_system(family: str, given: str, origin: Origin) -> dict[RecordSystem, set[str]]:
    """Each way a record system writes this Han name, as lower-case letters (family name
    then given name; one per regional surname form), before layout, Western name and
    typo: people whose names share one are told apart by nothing such a record shows."""
    entry = lookup_surname(family)
    out: dict[RecordSystem, set[str]] = {}
    for system in RECORD_SYSTEMS:
        given_system = _given_system(system, origin)
        letters = "".join(_given_syllables(given, given_system)).lower()
        variants = len(entry.regional) if entry is not None else 1
        out[system] = {
            "".join(c for c in _surname(family, system, v).lower() if c.isalpha()) + letters
            for v in range(variants if system == "regional" else 1)
        }
    return out


def romanised(
    person: PersonView,
    system: RecordSystem,
    layout: Layout,
    use_western: bool,
    variant: int = 0,
) -> str:
    """The person's name romanised in ``system`` and laid out per ``layout``.

    ``variant`` picks among regional surname forms (Koh/Khoo/Kho for 许).
    With ``use_western`` and a Western name, it goes before the Chinese given
    name ("Nancy Chiu Fan Hui", "HUI, Nancy Chiu Fan").
    """
    family = _surname(person.family, system, variant)
    given_system = _given_system(system, person.origin)
    given = _join(_given_syllables(person.given, given_system), layout.given_style, given_system)
    if use_western and person.western:
        given = f"{person.western} {given}"
    if layout.case == "upper":
        family, given = family.upper(), given.upper()
    elif layout.case == "upper_family":
        family = family.upper()
    if layout.order == "family_first":
        return f"{family} {given}"
    if layout.order == "family_last":
        return f"{given} {family}"
    return f"{family}, {given}"


def han_name(person: PersonView, traditional: bool) -> str:
    """The person's Han name, in traditional script when asked (Hong Kong standard)."""
    if not traditional:
        return person.family + person.given
    family, given = traditional_name(person.family, person.given)
    return family + given


_VOWELS = "aeiou"


def add_typo(name: str, u: float) -> str:
    """Introduce one clerical error, chosen and placed by ``u`` in [0, 1).

    Errors are the ones data entry makes: two letters swapped, one dropped,
    one doubled, or a vowel replaced by a neighbouring one.
    """
    # Never the first letter of a word: clerks rarely get those wrong.
    letters = [i for i, c in enumerate(name) if c.isalpha() and i > 0 and name[i - 1].isalpha()]
    if len(letters) < 3:
        return name
    pick = letters[int(u * 1_000) % (len(letters) - 1)]
    kind = int(u * 4)
    chars = list(name)
    if kind == 0 and chars[pick + 1 : pick + 2] and chars[pick + 1].isalpha():
        chars[pick], chars[pick + 1] = chars[pick + 1], chars[pick]
    elif kind == 1:
        del chars[pick]
    elif kind == 2:
        chars.insert(pick, chars[pick])
    else:
        char = chars[pick]
        lower = char.lower()
        if lower in _VOWELS:
            repl = _VOWELS[(_VOWELS.index(lower) + 1) % len(_VOWELS)]
            chars[pick] = repl.upper() if char.isupper() else repl
        else:
            del chars[pick]
    return "".join(chars)


def render_name(
    person: PersonView,
    profile: NameProfile,
    u: tuple[float, float, float, float, float],
    system: RecordSystem | None = None,
) -> RenderedName:
    """Write ``person``'s name the way a record of this dataset would.

    ``u`` holds five uniform draws (system, layout, Western name, typo, regional
    variant), so callers can draw them in bulk. ``system`` overrides the draw.
    """
    if system is None:
        system = _pick(SYSTEM_MIX[person.origin], u[0])  # type: ignore[assignment]
    assert system is not None
    if profile.macau and system == "hk_cantonese":
        system = "macau"
    layout = profile.layout(u[1])
    use_western = u[2] < profile.western_rate
    name = romanised(person, system, layout, use_western, variant=int(u[4] * 3))
    if u[3] < profile.typo_rate:
        name = add_typo(name, u[3] / profile.typo_rate)
    return RenderedName(name, system)


def layouts(*specs: tuple[str, str, str, float]) -> tuple[tuple[Layout, float], ...]:
    """Build a layout mix from (order, given_style, case, weight) tuples."""
    return tuple(
        (Layout(order, given_style, case), weight)  # type: ignore[arg-type]
        for order, given_style, case, weight in specs
    )


class PlantedSystems:
    """Hands out the romanisation system of each planted person's next record.

    Cycling through :data:`PLANTED_SYSTEM_CYCLE` from a per-person starting
    point guarantees that a planted person with several foreign records is
    written in more than one system, which is the point of the exercise.
    """

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def next(self, true_id: str) -> RecordSystem:
        """The system for ``true_id``'s next record."""
        count = self._seen.get(true_id, 0)
        self._seen[true_id] = count + 1
        start = sum(ord(c) for c in true_id)
        return PLANTED_SYSTEM_CYCLE[(start + count) % len(PLANTED_SYSTEM_CYCLE)]
