"""Hakka readings of a character, derived from its Cantonese and Mandarin readings.

No data package reads characters in Hakka, yet Hakka spellings fill the company and
land registers of Malaysia, Singapore, Indonesia and Taiwan ("Phang Thiam Kui",
"Voon Fui Min"). Hakka and Cantonese descend from the same Middle Chinese sounds
along regular, documented correspondences, so a Cantonese reading (with its tone,
which keeps the Middle Chinese voicing) and the Mandarin reading (which keeps the
velar that Cantonese lost in h-/f-) determine the Hakka syllable well enough for
matching. The spellings are those of Malaysian and Singaporean records, close to
Pha̍k-fa-sṳ without tone marks: aspirates written ph, th, kh, chh.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_JYUTPING_TONED = re.compile(r"^(gw|kw|ng|[bpmfdtnlgkhwzcsj]?)([a-z]+)([1-6])$")

# Middle Chinese voiced stops and affricates: aspirated in Hakka in every tone, but in
# Cantonese only in the level and rising tones (4, 5); in the departing and entering
# tones (6) Cantonese writes them unaspirated. So b/d/g/z in tone 6 are Hakka aspirates.
_UNASPIRATED = {"b": "p", "d": "t", "g": "k", "gw": "kw", "z": "ch"}
_ASPIRATED = {"b": "ph", "d": "th", "g": "kh", "gw": "khw", "z": "chh"}
_INITIALS = {
    "p": ("ph",),
    "t": ("th",),
    "k": ("kh",),
    "kw": ("khw",),
    "c": ("chh",),
    "m": ("m",),
    "n": ("n",),
    "l": ("l",),
    "ng": ("ng",),
    "h": ("h",),
    "f": ("f",),
    "s": ("s",),
    "w": ("v", "w"),
    "j": ("y",),
    "": ("",),
}

# Cantonese finals → the Hakka finals they correspond to (several where Middle Chinese
# rhymes merged in Cantonese but not in Hakka: 高 gou → kau, 路 lou → lu).
_FINALS: dict[str, tuple[str, ...]] = {
    "aa": ("a",),
    "aai": ("ai",),
    "aau": ("au",),
    "aam": ("am",),
    "aan": ("an",),
    "aang": ("ang",),
    "aap": ("ap",),
    "aat": ("at",),
    "aak": ("ak",),
    "ai": ("ai", "e"),
    "au": ("eu", "iu"),
    "am": ("am", "em"),
    "an": ("en", "an"),
    "ang": ("en",),
    "ap": ("ap", "ep"),
    "at": ("at", "it"),
    "ak": ("et", "ak"),
    "e": ("e", "ia"),
    "ei": ("i",),
    "eng": ("iang", "in"),
    "ek": ("iak", "it"),
    "i": ("i",),
    "iu": ("iau", "iu"),
    "im": ("im",),
    "in": ("ien", "in"),
    "ing": ("in", "en"),
    "ip": ("ip",),
    "it": ("iet", "it"),
    "ik": ("it", "et"),
    "o": ("o",),
    "oi": ("oi",),
    "ou": ("au", "u"),
    "on": ("on",),
    "ong": ("ong",),
    "ot": ("ot",),
    "ok": ("ok",),
    "oe": ("io",),
    "oeng": ("iong", "ong"),
    "oek": ("iok", "ok"),
    "eoi": ("i", "ui"),
    "eon": ("un", "in"),
    "eot": ("ut", "it"),
    "u": ("u",),
    "ui": ("ui", "oi"),
    "un": ("un",),
    "ung": ("ung",),
    "uk": ("uk",),
    "yu": ("i", "u"),
    "yun": ("ien", "on"),
    "yut": ("iet", "ot"),
    "m": ("m",),
    "ng": ("ng",),
}

# Cantonese h- and f- are often Middle Chinese kh- (開 hoi, 科 fo), which Hakka keeps as
# kh-; Mandarin keeps the velar too (kai, ke), and tells them from true h- (好 hao).
# Likewise Mandarin w- marks the Middle Chinese initials that Hakka writes v- where
# Cantonese has m- (文) and the hu- that Hakka writes f- where Cantonese has w- (華).
_VELAR_IN_MANDARIN = ("k", "q", "g", "j")


def hakka_from_cantonese(jyutping: str, pinyin_readings: Iterable[str]) -> set[str]:
    """Hakka spellings for one toned Jyutping syllable ('daai6' → {'thai'})."""
    match = _JYUTPING_TONED.match(jyutping)
    if not match:
        return set()
    initial, final, tone = match.groups()
    finals = _FINALS.get(final)
    if finals is None:
        return set()
    if initial in ("w", "gw", "kw") and final in ("ai", "ei"):
        finals = ("ui", "i")  # 貴 gwai → kui, 威 wai → vui, 惠 wai → fi
    elif initial in ("f", "m", "w") and final in ("an", "at"):
        finals = (*finals, "u" + final[1:])  # 分 fan → fun, 文 man → vun, 佛 fat → fut
    if initial in _UNASPIRATED:
        initials: tuple[str, ...] = (
            (_ASPIRATED[initial],) if tone == "6" else (_UNASPIRATED[initial],)
        )
    elif initial in ("h", "f") and any(p.startswith(_VELAR_IN_MANDARIN) for p in pinyin_readings):
        initials = ("kh",)
    elif initial == "m" and any(p.startswith("w") for p in pinyin_readings):
        initials = ("v", "m")  # 文 man, Mandarin wen: Hakka vun
    elif initial == "w" and any(p.startswith("h") for p in pinyin_readings):
        initials = ("f", "v")  # 華 waa, Mandarin hua: Hakka fa
    else:
        initials = _INITIALS.get(initial, ())
    spellings = set()
    for start in initials:
        for end in finals:
            if start == "y" and end[:1] == "i" and end[1:2] in ("a", "e", "o", "u"):
                spellings.add("y" + end[1:])  # 陽 joeng → yong, not yiong
            elif start.endswith("w") and end.startswith(("u", "o")):
                spellings.add(start[:-1] + end)  # 光 gwong → kong
            else:
                spellings.add(start + end)
            if final == "i" and start in ("ch", "chh", "s"):
                spellings.add("sze" if start == "s" else "tze")  # 士 si → sṳ
    return spellings
