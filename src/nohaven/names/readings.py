"""Every romanised reading of a Han character, per system, and the way back.

A name's characters are read differently by each office that writes them in Latin
letters. This module gives, for one character, its readings in every system nohaven
knows (all name readings of polyphonic characters included), and for one Latin
syllable, the characters it can stand for. Two Latin syllables written in different
systems denote the same character when those sets meet: "hsu" (Wade-Giles) and
"hui" (Hong Kong) meet at 许.

Readings come from the data packages (pypinyin, cantonese-romanisation, ToJyutping,
taibun); Macau spellings are derived from Jyutping by the Macau government's
Portuguese-based conventions; Hakka readings are derived from the Cantonese and
Mandarin ones by regular sound correspondences (`nohaven.names.hakka`); Teochew and
Foochow have no data package, so they reach given names only through the loose key
(shared with Hokkien and Cantonese readings) and surnames through the surname table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache

import ToJyutping
from pypinyin import Style, pinyin
from taibun import Converter
from taibun import taibun as taibun_data

from nohaven.names.hakka import hakka_from_cantonese
from nohaven.names.romanize import (
    cantonese_dictionary,
    hk_spelling,
    passport_pinyin,
    wade_giles_spelling,
)
from nohaven.names.script import to_simplified, to_traditional
from nohaven.names.surnames import SURNAMES, lookup_surname, surname_hk, surname_pinyin

# Systems in the order explanations prefer to name them.
READING_SYSTEMS: tuple[str, ...] = (
    "pinyin",
    "wade_giles",
    "hk_cantonese",
    "jyutping",
    "macau",
    "hokkien",
    "hakka",
    "regional",
)


# Systems with one spelling per sound; Hong Kong, Macau and dialect spellings vary.
REGULAR_SYSTEMS = frozenset({"pinyin", "wade_giles", "jyutping"})


# Latin letters that Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSABLE = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ð": "d",
        "ı": "i",
        "ĸ": "k",
    }
)


@lru_cache(maxsize=1 << 17)
def fold_latin(text: str) -> str:
    """Lower case, no diacritics or tone marks, ü as u, letters only."""
    text = text.lower().replace("ü", "u").replace("ǚ", "u").replace("ǜ", "u")
    text = text.translate(_UNDECOMPOSABLE)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if "a" <= c <= "z")


@lru_cache(maxsize=1 << 16)
def unbroken_pieces(raw: str) -> tuple[str, ...]:
    """A word's folded parts, split at hyphens ("Chun-sop") with apostrophes dropped
    rather than split at: they mark Wade-Giles and McCune-Reischauer aspiration and
    stand for breves ("Ch'ao-fan" → chao, fan; "So'ng" → song)."""
    return tuple(p for p in (fold_latin(x) for x in re.split(r"-", re.sub(r"['’`]", "", raw))) if p)


# Loose key: a second, lossy spelling under which the ad hoc English-style spellings
# of Singapore, Malaysia and Hong Kong (Swee, Keat, Chok, Tsui, Kwok) meet the
# romanisation systems' own (sui, kiat, choh, cheui, gwok).
_LOOSE_RULES: tuple[tuple[str, str], ...] = (
    (r"^qu", "kw"),
    (r"(?<=[^aeiou])ye$", "ai"),
    (r"^ts", "ch"),
    (r"^tz", "ch"),
    (r"^sz", "s"),
    (r"^hs", "s"),
    (r"^chh", "ch"),
    (r"^zh", "ch"),
    (r"^j", "ch"),
    (r"^z", "ch"),
    (r"^c(?!h)", "ch"),
    (r"^q", "ch"),
    (r"^x", "s"),
    (r"^sh", "s"),
    (r"^kh", "k"),
    (r"^th", "t"),
    (r"^ph", "p"),
    (r"^gw", "kw"),
    (r"^g", "k"),
    (r"^b", "p"),
    (r"^d", "t"),
    (r"^v", "w"),
    (r"^i(?=[aeou])", "y"),
    (r"^(?=[aeiou])", ""),
    (r"aw", "oo"),
    (r"nn$", ""),
    (r"^oa", "wa"),
    (r"^ua", "wa"),
    (r"(?<=[^aeiouy])yu", "u"),
    (r"eou", "iu"),
    (r"ew$", "iu"),
    (r"ee", "i"),
    (r"ea", "ia"),
    (r"oo", "u"),
    (r"aa", "a"),
    (r"^(.)w", r"\1u"),
    (r"eu", "u"),
    (r"(?<=.)y", "i"),
    (r"ou$", "u"),
    (r"[hk]$", ""),
    (r"ng$", "n"),
    (r"ii", "i"),
)
_LOOSE = [(re.compile(pattern), repl) for pattern, repl in _LOOSE_RULES]


@lru_cache(maxsize=50_000)
def loose_key(syllable: str) -> str:
    """A lossy spelling shared by dialect and ad hoc forms of one sound."""
    key = syllable
    for pattern, repl in _LOOSE:
        key = pattern.sub(repl, key)
    return key or syllable


@cache
def _hokkien() -> tuple[Converter, Converter]:
    return Converter(system="POJ", format="strip"), Converter(system="Tailo", format="strip")


def _pinyin_readings(char: str) -> set[str]:
    readings = set()
    for reading in pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")[:1]:
        readings.update(reading)
    # Both ü spellings in use: "lu" as written in most records, "lyu" on passports.
    return {r.replace("v", "u") for r in readings} | {passport_pinyin(r) for r in readings}


def _wade_giles_readings(pinyin_readings: Iterable[str]) -> set[str]:
    return {fold_latin(wade_giles_spelling(reading)) for reading in pinyin_readings}


def _hk_readings(char: str) -> set[str]:
    out: set[str] = set()
    for form in {char, to_traditional(char, "hk"), to_traditional(char, "standard")}:
        for reading in cantonese_dictionary().getRoman(form)[0]:
            reading = fold_latin(reading)
            out.update((reading, hk_spelling(reading)))
    return out


# Hong Kong government spellings of Jyutping sounds. The Immigration Department's
# practice is not one-to-one: the short "a" of -an/-at is written "un"/"ut" as often
# as "an"/"at" (振 zan → Chun), -i after sibilants is "ze"/"z" (思 si → Sze), -ei is
# "ei" or "ee" (志 zi → Chee); so each sound yields every spelling in use.
_HK_GOV_INITIALS: dict[str, tuple[str, ...]] = {
    "b": ("p",),
    "p": ("p",),
    "m": ("m",),
    "f": ("f",),
    "d": ("t",),
    "t": ("t",),
    "n": ("n",),
    "l": ("l",),
    "g": ("k",),
    "k": ("k",),
    "ng": ("ng",),
    "h": ("h",),
    "gw": ("kw",),
    "kw": ("kw",),
    "w": ("w",),
    "z": ("ch", "ts", "tz"),
    "c": ("ch", "ts", "tz"),
    "s": ("s", "sh"),
    "j": ("y",),
    "": ("",),
}
_HK_GOV_FINALS: dict[str, tuple[str, ...]] = {
    "aa": ("a", "ah"),
    "aai": ("ai",),
    "aau": ("au",),
    "aam": ("am",),
    "aan": ("an",),
    "aang": ("ang",),
    "aap": ("ap",),
    "aat": ("at",),
    "aak": ("ak",),
    "ai": ("ai",),
    "au": ("au",),
    "am": ("am", "um"),
    "an": ("an", "un"),
    "ang": ("ang",),
    "ap": ("ap",),
    "at": ("at", "ut"),
    "ak": ("ak",),
    "e": ("e",),
    "ei": ("ei", "ee", "i"),
    "eng": ("eng",),
    "ek": ("ek",),
    "i": ("i", "ee", "ze", "z"),
    "iu": ("iu",),
    "im": ("im",),
    "in": ("in",),
    "ing": ("ing",),
    "ip": ("ip",),
    "it": ("it",),
    "ik": ("ik",),
    "o": ("o", "oh"),
    "oi": ("oi", "oy"),
    "ou": ("o", "ou"),
    "on": ("on",),
    "ong": ("ong",),
    "ot": ("ot",),
    "ok": ("ok",),
    "oe": ("oe", "euh"),
    "oeng": ("eung",),
    "oek": ("euk",),
    "eoi": ("ui", "eui"),
    "eon": ("un", "eun"),
    "eot": ("ut", "eut"),
    "u": ("u", "oo"),
    "ui": ("ui", "ooi"),
    "un": ("un", "oon"),
    "ung": ("ung",),
    "ut": ("ut",),
    "uk": ("uk",),
    "yu": ("yu", "u"),
    "yun": ("yun", "uen"),
    "yut": ("yut", "uet"),
    "m": ("m",),
    "ng": ("ng",),
}
_JYUTPING = re.compile(r"^(gw|kw|ng|[bpmfdtnlgkhwzcsj]?)([a-z]+)$")


def hk_from_jyutping(reading: str) -> set[str]:
    """Every Hong Kong government spelling in use for one toneless Jyutping syllable."""
    match = _JYUTPING.match(reading)
    if not match:
        return set()
    initial, final = match.groups()
    if initial == "j" and final.startswith("yu"):
        initial = ""  # 月 jyut: the y is part of the final
    initials = _HK_GOV_INITIALS.get(initial)
    finals = _HK_GOV_FINALS.get(final)
    if not initials or not finals:
        return set()
    spellings = {i + f for i in initials for f in finals}
    if initial in ("g", "k") and final.startswith("o"):
        # 江 gong, 光 gwong: Hong Kong writes both "Kong" and "Kwong".
        spellings |= {"kw" + f for f in finals}
    return spellings


def _jyutping_readings(char: str) -> set[str]:
    out = set()
    for form in {char, to_traditional(char, "hk")}:
        for _, reading in ToJyutping.get_jyutping_list(form):
            if reading:
                out.add(re.sub(r"\d", "", reading))
    return out


# Jyutping candidates after the first are mostly rare literary or colloquial readings.
_HAKKA_CANDIDATES = 1


def _hakka_readings(char: str, pinyins: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for form in {char, to_traditional(char, "hk")}:
        for _, candidates in ToJyutping.get_jyutping_candidates(form):
            for reading in candidates[:_HAKKA_CANDIDATES]:
                out |= hakka_from_cantonese(reading, pinyins)
    return out


# Macau government romanisation, derived from Jyutping: initials are written as in
# Hong Kong, but j- is "i" (一 jat → Iat), w- before a is "v" (黃 wong → Vong),
# -eung is "-eong", -au is "-ao", -ing is "-eng", -ik is "-ek", -ung is "-ong".
_MACAU_INITIALS = (
    ("gw", "ku"),
    ("kw", "ku"),
    ("ng", "ng"),
    ("g", "k"),
    ("b", "p"),
    ("d", "t"),
    ("z", "ch"),
    ("c", "ch"),
    ("j", "i"),
    ("w", "v"),
)
_MACAU_FINALS = (
    ("oeng", "eong"),
    ("oek", "eok"),
    ("eon", "un"),
    ("eung", "eong"),
    ("euk", "eok"),
    ("aau", "ao"),
    ("au", "ao"),
    ("aa", "a"),
    ("ing", "eng"),
    ("ik", "ek"),
    ("ung", "ong"),
    ("uk", "ok"),
    ("eoi", "ui"),
    ("yu", "u"),
    ("oe", "eo"),
)


def _macau_from_jyutping(reading: str) -> str:
    initial, rest = "", reading
    for old, new in _MACAU_INITIALS:
        if reading.startswith(old):
            initial, rest = new, reading[len(old) :]
            break
    if initial == "i" and rest.startswith("i"):
        rest = rest[1:]
    if initial == "i" and rest.startswith("yu"):
        # 月 jyut, 源 jyun: Macau writes "Ut", "Un".
        initial, rest = "", rest[1:]
    for old, new in _MACAU_FINALS:
        if rest.endswith(old):
            rest = rest[: -len(old)] + new
            break
    return initial + rest


# Tâi-lô spellings respelled the way Pe̍h-ōe-jī and Singapore-Malaysia records write
# them (tsh → chh, ts → ch, ua → oa, ing → eng, ik → ek); the nasal "nn" is dropped.
_POJ_RESPELLINGS = (
    ("tsh", "chh"),
    ("ts", "ch"),
    ("ua", "oa"),
    ("ue", "oe"),
    ("ing", "eng"),
    ("ik", "ek"),
    ("nn", ""),
)


def _hokkien_readings(char: str) -> set[str]:
    """Literary and colloquial Hokkien readings (taibun's pronunciation table).

    Names use the literary reading (遠 oán, as in a given name "Wan") more often than the
    colloquial one that taibun's converter picks (hn̄g), so every listed reading counts.
    """
    out = set()
    for form in {char, to_traditional(char, "standard"), to_traditional(char, "hk")}:
        readings = list(taibun_data.prons_dict.get(form, ()))
        if not readings:
            readings = [converter.get(form) for converter in _hokkien()]
        for reading in readings:
            for variant in reading.split("/"):
                text = fold_latin(variant)
                if not text or not text.isascii():
                    continue
                out.add(text)
                respelled = text
                for old, new in _POJ_RESPELLINGS:
                    respelled = respelled.replace(old, new)
                out.add(respelled)
    return out


@lru_cache(maxsize=100_000)
def char_readings(char: str) -> dict[str, frozenset[str]]:
    """All readings of one character, per system, lower case and folded."""
    simplified = to_simplified(char, "standard")
    pinyins = _pinyin_readings(simplified) or _pinyin_readings(char)
    jyutpings = _jyutping_readings(char) | _jyutping_readings(simplified)
    readings = {
        "pinyin": frozenset(pinyins),
        "wade_giles": frozenset(_wade_giles_readings(pinyins)),
        "hk_cantonese": frozenset(
            _hk_readings(char)
            | _hk_readings(simplified)
            | {spelling for r in jyutpings for spelling in hk_from_jyutping(r)}
        ),
        "jyutping": frozenset(jyutpings),
        "macau": frozenset(_macau_from_jyutping(r) for r in jyutpings),
        "hokkien": frozenset(_hokkien_readings(simplified)),
        "hakka": frozenset(_hakka_readings(char, pinyins)),
    }
    return {system: forms for system, forms in readings.items() if forms}


@lru_cache(maxsize=100_000)
def primary_readings(char: str) -> dict[str, frozenset[str]]:
    """Readings without Mandarin's rare heteronyms (过 guo/guo1 but not hua via 划).

    Latin-Latin comparison meets through shared characters; with every heteronym,
    two different pinyin syllables ("guo", "hua") would meet at some rare reading.
    """
    readings = dict(char_readings(char))
    simplified = to_simplified(char, "standard")
    first = pinyin(simplified, style=Style.NORMAL, errors="ignore")
    if first and first[0]:
        main = {first[0][0].replace("v", "u")}
        readings["pinyin"] = frozenset(main)
        readings["wade_giles"] = frozenset(_wade_giles_readings(main))
    return readings


@cache
def surname_forms(han: str) -> dict[str, frozenset[str]]:
    """Table forms of a surname per system (syllables folded), or {} if not in the table.

    A compound surname's forms are given as one syllable each: "au yeung" →
    ("au", "yeung"), so each maps to the surname's two characters in order.
    """
    surname = lookup_surname(han) or lookup_surname(to_simplified(han, "standard"))
    if surname is None:
        reading = surname_pinyin(han) or surname_pinyin(to_simplified(han, "standard"))
        if reading is None:
            return {}
        # A character read apart as a surname (薄 bo, not bao): its Mandarin forms, and
        # Hong Kong's where dictionaries miss it (解 Hai).
        forms = {
            "pinyin": frozenset({" ".join(reading)}),
            "wade_giles": frozenset(_wade_giles_readings(reading)),
        }
        hk = surname_hk(han) or surname_hk(to_simplified(han, "standard"))
        if hk is not None:
            forms["hk_cantonese"] = frozenset({fold_latin(hk)})
        return forms
    forms: dict[str, set[str]] = {
        "pinyin": {" ".join(surname.pinyin)},
        "hk_cantonese": {surname.hk_cantonese},
        "macau": {surname.macau_cantonese},
        "regional": set(surname.regional),
    }
    return {
        system: frozenset(
            " ".join(fold_latin(part) for part in re.split(r"[\s-]+", form)) for form in values
        )
        for system, values in forms.items()
    }


def _name_characters() -> list[str]:
    """The characters names are written with: GB2312 level 1 (3,755 common characters)
    and their traditional forms.

    Python's own gb2312 codec enumerates the set, so no data file is needed. Rare
    characters are left out on purpose: one rare character read "qing" in Mandarin and
    "ying" in Cantonese would make every Qing meet every Ying.
    """
    chars: list[str] = []
    for high in range(0xB0, 0xD8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    traditional = {to_traditional(c, "standard") for c in chars} | {
        to_traditional(c, "hk") for c in chars
    }
    return chars + sorted(traditional - set(chars))


class SyllableIndex:
    """Latin syllable → the characters it can stand for, as bitsets over a character list.

    Built once per process (about a second): every reading of every name character,
    exact and loose, so that Latin-Latin comparison can test "could these two syllables
    be the same character?" with one AND of two integers.
    """

    def __init__(self, chars: list[str]) -> None:
        self.chars = chars
        exact: dict[str, int] = {}
        loose: dict[str, int] = {}
        regular: set[str] = set()
        systems: dict[str, set[str]] = {}
        for position, char in enumerate(chars):
            bit = 1 << position
            for system, forms in primary_readings(char).items():
                if system in REGULAR_SYSTEMS:
                    regular.update(forms)
                for form in forms:
                    exact[form] = exact.get(form, 0) | bit
                    loose[loose_key(form)] = loose.get(loose_key(form), 0) | bit
                    systems.setdefault(form, set()).add(system)
        position_of = {c: i for i, c in enumerate(chars)}
        for surname in SURNAMES:
            for system, forms in surname_forms(surname.simplified).items():
                for form in forms:
                    parts = form.split()
                    # A one-syllable table form stands for the surname's character;
                    # compound forms are handled per syllable only when lengths agree.
                    han = surname.simplified
                    if len(parts) != len(han):
                        continue
                    for part, char in zip(parts, han, strict=True):
                        bits = 0
                        for variant in {char, to_traditional(char, "standard")}:
                            if variant in position_of:
                                bits |= 1 << position_of[variant]
                        exact[part] = exact.get(part, 0) | bits
                        loose[loose_key(part)] = loose.get(loose_key(part), 0) | bits
                        systems.setdefault(part, set()).add(system)
        self.exact = exact
        self.loose = loose
        self.regular = frozenset(regular)
        self.systems = {form: frozenset(names) for form, names in systems.items()}

    def is_syllable(self, text: str) -> bool:
        return text in self.exact

    def is_regular(self, text: str) -> bool:
        """A syllable of a system with one fixed spelling per sound (pinyin, Wade-Giles,
        Jyutping), so a different spelling means a different sound."""
        return text in self.regular

    def chars_of(self, syllable: str) -> int:
        return self.exact.get(syllable, 0)

    def loose_chars_of(self, syllable: str) -> int:
        return self.loose.get(loose_key(syllable), 0)


@cache
def syllable_index() -> SyllableIndex:
    """The process-wide syllable index over the name characters."""
    return SyllableIndex(_name_characters())
