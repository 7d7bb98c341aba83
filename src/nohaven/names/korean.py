"""Romanised Korean names, recognised so that they are not read as Chinese ones.

A Korean name ("KIM Jong Un", "RI Pyong Chol", "Choe Son Hui") is a family name and a
given name of one or two Sino-Korean syllables, many of which Chinese systems spell too
(Kim, Song, Han) and some of which none does (Chol, Pyong, Kyu). Read as Chinese, those
were set aside and the rest met strangers: "Ko Chol Man" and "Pak Il Kyu" shared the
reading 高/许 + wan and merged. A name recognised here is compared word for word, its
family name first.

No library recognises romanised Korean syllables (korean-romanizer and ICU go from
Hangul to Latin), so their spellings are generated here from the jamo's spellings in
Revised Romanisation and McCune-Reischauer (breves and apostrophes folded away, as
lists write them) and the variants lists use (Lee, Park, Choi, Moon, Hee).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from typing import NamedTuple

from nohaven.names.readings import syllable_index, unbroken_pieces

_INITIALS = (
    "", "g", "k", "kk", "gg", "n", "d", "t", "tt", "r", "l", "m", "b", "p", "pp", "s", "ss",
    "sh", "j", "jj", "ch", "tch", "h",
)  # fmt: skip
_MEDIALS = (
    "a", "ae", "ya", "yae", "eo", "o", "e", "yeo", "yo", "ye", "wa", "wae", "oe", "we", "wo",
    "weo", "wi", "yu", "u", "eu", "ui", "eui", "i", "oo", "ee", "ou", "oi", "ea", "yeu",
)  # fmt: skip
_FINALS = ("", "k", "g", "kk", "n", "t", "d", "l", "r", "m", "p", "b", "ng")

# Korean family names as lists spell them: Revised and McCune-Reischauer forms, the
# variants families chose (Lee, Rhee, Park, Choi, Jung, Yoon, Moon, Roh...) and ICU's
# reading of the Hangul (박 bag, 곽 gwag).
KOREAN_SURNAMES: frozenset[str] = frozenset(
    """
    kim gim lee yi rhee ri rhie li park pak bak choi choe chwe jung jeong chung chong jong
    cheong kang gang cho jo yoon yun jang chang lim im rim han oh o seo so suh shin sin
    kwon gwon kweon hwang ahn an song ryu yu yoo jeon jun chon jon chun hong ko go koh moon
    mun yang ryang son sohn bae pae baek paek paik heo ho hur huh nam sim shim noh no roh ro
    ha kwak gwak sung seong cha joo ju chu woo u koo ku goo min na ra jin chin ji chi eom um
    chae won cheon bang pang gong kong hyun hyon ham byun pyon byeon yeom yom yeo yo choo do
    to seok sok seon sun sul sol ma gil kil yeon yon wi pyo myung myong ki gi ban pan wang
    geum kum keum ok yook yuk in maeng je che mo tak kook kuk thae tae kye gye tong
    bag baeg gwag lyu gu hyeon seog seol myeong og yug tag gug
    """.split()  # noqa: SIM905 (a word list reads and diffs better as text)
)

# Family names that Chinese names do not have in Latin letters (金 is Jin, Kam or Chin,
# rarely Hokkien's Kim): alone they mark a name as Korean.
_KOREAN_ONLY_SURNAMES = frozenset(
    """
    kim rhee ri rhie park choe chwe jeong kweon gwon ryu ryang pae bae baek paek paik roh
    kwak gwak eom chae byun pyon byeon yeom seok maeng thae kye gye gil kil
    """.split()  # noqa: SIM905
)


@cache
def korean_syllables() -> frozenset[str]:
    """Every spelling of a Korean syllable that the jamo tables generate (about 9,000)."""
    return frozenset(i + m + f for i in _INITIALS for m in _MEDIALS for f in _FINALS)


class _Word(NamedTuple):
    """What one written word can be in a Korean name (cached: words repeat, names not)."""

    surname: str | None  # the word as a Korean family name
    syllables: int  # Korean syllables its pieces spell as a given name; 0 if any is none
    marked: bool  # a piece is a Korean syllable no Chinese system spells


@lru_cache(maxsize=1 << 16)
def _word(raw: str) -> _Word:
    pieces = unbroken_pieces(raw)
    surname = pieces[0] if len(pieces) == 1 and pieces[0] in KOREAN_SURNAMES else None
    counts = [_given_syllables(p) for p in pieces]
    index = syllable_index()
    marked = any(n == 1 and not index.is_syllable(p) for p, n in zip(pieces, counts, strict=True))
    return _Word(surname, 0 if 0 in counts or not counts else sum(counts), marked)


def _given_syllables(piece: str) -> int:
    """How many Korean syllables spell a piece of a given name (one, or two run
    together: "Jongun"); 0 when it is none."""
    syllables = korean_syllables()
    if piece in syllables:
        return 1
    return (
        2
        if any(piece[:k] in syllables and piece[k:] in syllables for k in range(1, len(piece)))
        else 0
    )


def is_korean_name(words: Sequence[str], family_hints: Sequence[bool]) -> bool:
    """Whether Latin words (as written, with which ones are marked as the family name)
    are a romanised Korean name: a Korean family name (the marked word, else the first
    or the last) and a given name of one or two Korean syllables, at least one word of
    which no Chinese system spells that way (a family name such as Ri, Pak, Choe, or a
    syllable such as Chol, Pyong, Il)."""
    if not 2 <= len(words) <= 3:
        return False
    hinted = [i for i, hint in enumerate(family_hints) if hint]
    positions = hinted[:1] if hinted else [0, len(words) - 1]
    for position in positions:
        # Most names have no Korean family name where one can stand: the given name is
        # read only beside one.
        family = _word(words[position]).surname
        if family is None:
            continue
        given = [_word(w) for i, w in enumerate(words) if i != position]
        if not all(w.syllables for w in given) or sum(w.syllables for w in given) > 2:
            continue
        if family in _KOREAN_ONLY_SURNAMES or any(w.marked for w in given):
            return True
    return False


# Family names whose spellings no rule below brings together (이 is Lee, Yi, Rhee, Ri).
_SURNAME_SOUNDS = {
    "lee": "ri", "yi": "ri", "rhee": "ri", "rhie": "ri", "li": "ri", "i": "ri",
    "park": "pak", "choi": "choe", "chwe": "choe", "oh": "o", "koh": "ko", "ahn": "an",
    "sohn": "son", "shin": "sin", "shim": "sim", "suh": "so", "roh": "no", "ro": "no",
    "noh": "no", "hur": "ho", "huh": "ho", "lim": "im", "rim": "im", "ryu": "yu", "yoo": "yu",
}  # fmt: skip
_INITIAL_SOUNDS = (
    ("tch", "j"), ("jj", "j"), ("ch", "j"), ("kk", "k"), ("gg", "k"), ("g", "k"), ("tt", "t"),
    ("d", "t"), ("pp", "p"), ("b", "p"), ("ss", "s"), ("sh", "s"), ("rh", "r"), ("l", "r"),
)  # fmt: skip
_VOWEL_SOUNDS = (("eui", "i"), ("ui", "i"), ("ee", "i"), ("eo", "o"), ("eu", "o"), ("oo", "o"))
_FINAL_SOUNDS = {"g": "k", "d": "t", "b": "p", "r": "l"}


def korean_sound(piece: str) -> str:
    """One Korean syllable as it sounds, whichever system or habit spelt it: Jong, Jung,
    Jeong and Chong (정) meet, as do Un and Eun, Pyong and Byeong, Chol and Cheol. Loose
    by design (ㅓ, ㅗ and ㅜ all read "o"): it finds candidates, the words decide."""
    piece = _SURNAME_SOUNDS.get(piece, piece)
    for written, sound in _INITIAL_SOUNDS:
        if piece.startswith(written):
            piece = sound + piece[len(written) :]
            break
    for written, sound in _VOWEL_SOUNDS:
        piece = piece.replace(written, sound)
    piece = piece.replace("u", "o")
    if piece[-1:] in _FINAL_SOUNDS and not piece.endswith("ng"):
        piece = piece[:-1] + _FINAL_SOUNDS[piece[-1]]
    return piece
