"""What a written person name consists of: scripts, Han part, Latin words and syllables.

Pure and cached: the same name string is analysed once per process, which is what
makes scoring many pairs cheap.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import Any

from normality import ascii_text
from rapidfuzz.distance import OSA
from rigour.names import remove_person_prefixes
from rigour.names.prefix import person_name_prefixes_list

from nohaven.names.burmese import is_burmese_name
from nohaven.names.korean import is_korean_name
from nohaven.names.readings import fold_latin, syllable_index, unbroken_pieces
from nohaven.names.script import to_simplified
from nohaven.names.surnames import lookup_surname
from nohaven.names.western import is_western_given_name

MAX_NAME_LENGTH = 300
# Han characters: CJK unified ideographs (extension A, the main block, compatibility
# ideographs, extensions B onwards).
HAN_CHARACTERS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_HAN = re.compile(f"[{HAN_CHARACTERS}]")
_LATIN_WORD = re.compile(r"[^\W\d_]+(?:['’`-][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Word:
    """One Latin word as written, and the syllables it can be read as."""

    raw: str
    pieces: tuple[str, ...]  # folded, split at hyphens and apostrophes
    syllables: tuple[str, ...]  # pieces further split into known syllables
    syllabic: bool  # every piece is made of known Chinese syllables
    family_hint: bool  # written in capitals in a mixed-case name, or before a comma
    initial: bool  # a single letter, "J." or "J"
    western: bool = False  # a Western given name ("Nancy"), never a Chinese syllable

    def __post_init__(self) -> None:
        # Words key the comparator's caches (tuples of them, per name order): hashed once.
        object.__setattr__(self, "_hash", hash((self.raw, self.pieces, self.family_hint)))

    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined]

    def __setstate__(self, state: dict[str, object]) -> None:
        # String hashes differ between processes: an unpickled word hashes itself anew.
        self.__dict__.update(state)
        self.__post_init__()


# Words that join a name's parts and say nothing about whose it is ("Mohammed bin
# Salman", "Isabel dos Santos", "Ursula von der Leyen"): often dropped in one record.
NAME_PARTICLES = frozenset(
    "al bin bint binti ibn da das de del della der di do dos du el la le van von".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class NameAnalysis:
    """A name taken apart: which scripts, the Han name split, the Latin words."""

    original: str
    scripts: frozenset[str]
    han: str  # the Han characters, folded to simplified
    han_family: str
    han_given: str
    words: tuple[Word, ...]  # Latin words, family first when a comma said so
    problem: str | None  # why nothing can be compared (empty, no letters, too long)

    @property
    def has_han(self) -> bool:
        return bool(self.han)

    @property
    def has_latin(self) -> bool:
        return bool(self.words)

    @cached_property
    def core_words(self) -> tuple[Word, ...]:
        """The Latin words other than initials and Western given names."""
        return tuple(w for w in self.words if not w.western and not w.initial)

    @cached_property
    def korean(self) -> bool:
        """Whether the Latin words are a romanised Korean name (`korean.is_korean_name`)."""
        words = self.words
        if not 2 <= len(words) <= 3 or any(w.initial or w.western for w in words):
            return False
        return is_korean_name([w.raw for w in words], [w.family_hint for w in words])

    @cached_property
    def burmese(self) -> bool:
        """Whether the Latin words are a romanised Burmese name, which has no family
        name (`burmese.is_burmese_name`; a "U" before it is an honorific)."""
        return is_burmese_name([w.raw for w in self.words if w.raw.lower() != "u"])

    @cached_property
    def chinese_name(self) -> bool:
        """Whether the Latin words hold a whole romanised Chinese name: a family and a
        given name of one or two syllables a word ("Hui Chiu Fan", "Xu Chaofan"; a word
        no syllables spell, "Queenie", or of three or more among others, is set aside
        like a Western name), or one word run together ("Xuchaofan") with no Western
        name beside it. Not "Vladimir Putin", "Boris Putin", "Nancy Xu" (a family name
        alone) nor "Gulnara Karimova", nor a name with a particle no Chinese reading
        explains or two particles in a row ("Johan van der Merwe", "Juan de la Cruz"), nor
        a Korean or a Burmese name (`korean`, `burmese`)."""
        if self.korean or self.burmese:
            return False
        core = self.core_words
        particles = [w.pieces[0] in NAME_PARTICLES for w in core]
        if any(p and not w.syllabic for p, w in zip(particles, core, strict=True)):
            return False
        # Two particles in a row that are syllables ("Du De Wei" is 杜德伟) count only
        # before a word no syllables spell ("de la Cruz").
        for k in range(len(core) - 2):
            if particles[k] and particles[k + 1] and not core[k + 2].syllabic:
                return False
        if len(core) == 1:
            word = core[0]
            return word.syllabic and len(word.syllables) >= 2 and len(self.words) == 1
        # A word marked as the family name (capitals, a comma) of three syllables or more
        # is no Chinese family name ("Ali Reza BALALI"), however Chinese the rest reads.
        if any(w.family_hint and w.syllabic and len(w.syllables) > 2 for w in core):
            return False
        chinese = [w.syllabic and len(w.syllables) <= 2 for w in core]
        # One word set aside is a Western name the list does not know, written before or
        # after the Chinese one; more, or one inside it, make a name of another language
        # ("hjt alaslam ly khan mhmdy", an Arabic name transliterated without vowels).
        aside = [i for i, ok in enumerate(chinese) if not ok]
        if len(aside) > 1 or (aside and aside[0] not in (0, len(core) - 1)):
            return False
        return sum(chinese) >= 2

    @cached_property
    def foreign_name(self) -> bool:
        """A name that is not a Chinese one and has a word no Chinese reading explains
        ("Vladimir Putin", "Gulnara Karimova"): its keys pair records only with the same
        birth year (resolve.blocking), for no register here says how rare it is."""
        if self.korean or self.burmese:
            return True
        return not self.chinese_name and any(
            not w.syllabic or (len(w.syllables) > 2 and len(self.core_words) > 1)
            for w in self.core_words
        )

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        """The name's words as folded pieces, once each, initials left out and particles
        between two other words ("Isabel dos Santos", not "Kevin Le") or opening a family
        name written first ("dos Santos, Isabel"; not "Le, Van"): what a name that is not
        Chinese is compared and keyed by."""
        pieces = [
            (piece, word.family_hint)
            for word in self.words
            if not word.initial
            # A Korean word's apostrophes are McCune-Reischauer's marks, not breaks.
            for piece in (unbroken_pieces(word.raw) if self.korean else word.pieces)
            if len(piece) >= 2 or self.korean
        ]

        def particle(k: int) -> bool:
            piece, family = pieces[k]
            if piece not in NAME_PARTICLES or k == len(pieces) - 1:
                return False
            return k > 0 or (family and pieces[k + 1][1])

        return tuple(dict.fromkeys(piece for k, (piece, _) in enumerate(pieces) if not particle(k)))


# Letters of the Latin blocks (to IPA, and Latin Extended Additional) and of any other
# script but Han: three searches, where naming every character's block cost a tenth of
# a name's keys.
_LATIN_LETTER = re.compile("[^\\W\\d_\\u02b0-\\u1dff\\u1f00-\\uffff\\U00010000-\\U0010ffff]")
_NEITHER_LETTER = re.compile(f"[^\\W\\d_\\u0000-\\u02af\\u1e00-\\u1eff{HAN_CHARACTERS}]")


def scripts_of(text: str) -> frozenset[str]:
    """The scripts a string's letters belong to: han, latin, other."""
    found = set()
    if _HAN.search(text):
        found.add("han")
    if _LATIN_LETTER.search(text):
        found.add("latin")
    if _NEITHER_LETTER.search(text):
        found.add("other")
    return frozenset(found)


def split_han(han: str) -> tuple[str, str]:
    """Family and given parts of a Han name (compound surnames from the table).

    A four-character name whose first two characters are both surnames is a married
    double surname (陳林美玲: Chan, née Lam): both count as family.
    """
    if len(han) <= 1:
        return han, ""
    if len(han) > 2 and lookup_surname(han[:2]) is not None:
        return han[:2], han[2:]
    if len(han) == 4 and lookup_surname(han[0]) and lookup_surname(han[1]):
        return han[:2], han[2:]
    return han[:1], han[1:]


@lru_cache(maxsize=50_000)
def segment(piece: str) -> tuple[str, ...] | None:
    """Split a joined word into known syllables, fewest first ("chaofan" → chao, fan)."""
    index = syllable_index()
    if index.is_syllable(piece) or index.loose_chars_of(piece):
        # A known syllable, or an ad hoc spelling of one ("Loong", "Swee").
        return (piece,)
    # Fewest syllables first; among equally short splits, the one with more pinyin
    # syllables ("qingyun" is qing + yun, not qin + the Jyutping gyun).
    best: list[tuple[int, int, tuple[str, ...]] | None] = [None] * (len(piece) + 1)
    best[0] = (0, 0, ())
    for end in range(1, len(piece) + 1):
        for start in range(max(0, end - 6), end):
            head = best[start]
            syllable = piece[start:end]
            if head is None or not index.is_syllable(syllable):
                continue
            not_pinyin = 0 if "pinyin" in index.systems.get(syllable, ()) else 1
            candidate = (head[0] + 1, head[1] + not_pinyin, (*head[2], syllable))
            current = best[end]
            if current is None or candidate[:2] < current[:2]:
                best[end] = candidate
    found = best[len(piece)]
    return found[2] if found else None


@lru_cache(maxsize=50_000)
def segmentations(piece: str, limit: int = 3) -> tuple[tuple[str, ...], ...]:
    """The ways a joined word can be read as syllables, `segment`'s first, then the
    shortest splits into pinyin syllables, then into syllables of any system.

    Romanised names drop pinyin's apostrophe, so "Lingai" is ling'ai as often as
    lin-gai, and a word that is also an ad hoc spelling of one syllable ("Ziyan", close
    to the Hakka "chian") is usually two pinyin ones (zi, yan). Hong Kong and Wade-Giles
    given names are joined too: "Chingwoon" is ching-woon as well as chin-gwoon, "Tani"
    tan-i as well as ta-ni. Blocking keys need every likely reading; comparison keeps
    the first.
    """
    first = segment(piece)
    found: list[tuple[str, ...]] = [first] if first else []
    # A known syllable stays one ("Lee" is not le + e); an ad hoc one may be two.
    ad_hoc = first is not None and len(first) == 1 and not syllable_index().is_syllable(piece)
    for split in (*_fewest_splits(piece, pinyin_only=True), *_fewest_splits(piece)):
        if len(found) >= limit:
            break
        if split not in found and (first is None or ad_hoc or len(split) == len(first)):
            found.append(split)
    return tuple(found)


MAX_CORRECTIONS = 3
# Clerical errors, commonest first (`_edit_rank`).
_SWAPPED, _DROPPED, _DOUBLED, _ADDED, _WRONG, _WRONG_FIRST = range(6)
_SHORTEST_CORRECTED = 3  # "Lnig", "Wnog"; in two letters one edit reaches too many syllables


def corrected_readings(piece: str) -> tuple[tuple[str, ...], ...]:
    """How a word that no one or two syllables spell reads once one clerical error is
    undone: a swapped, dropped, doubled or wrong letter ("Lnig" is ling, "Shulig"
    shu-ling, "Huagn" huang), as one or two syllables, fewest first, then the likeliest
    errors (`_edit_rank`).

    A guess, so only ever added beside the word as written: blocking keys of the
    corrected spelling let a typo meet its person, and the comparator still scores the
    name as written. Empty for a word that reads already, and for a short one."""
    return tuple(reading for reading, _ in _corrections(piece))


def slip_of_the_pen(piece: str) -> bool:
    """Whether the likeliest correction of `piece` undoes one of the commonest errors (two
    letters swapped, one dropped or doubled), rather than a letter any other word would
    need changed: "Shulig" is shu-ling, but "Sandy" is no san-da."""
    found = _corrections(piece)
    return bool(found) and found[0][1] <= _DOUBLED


@lru_cache(maxsize=50_000)
def _corrections(piece: str) -> tuple[tuple[tuple[str, ...], int], ...]:
    if not _SHORTEST_CORRECTED <= len(piece) <= 12:
        return ()
    split = segment(piece)
    if split is not None and len(split) <= 2:
        return ()
    index = syllable_index()
    found: dict[tuple[str, ...], tuple[int, int, int]] = {}

    def add(reading: tuple[str, ...], rank: int) -> None:
        not_pinyin = sum("pinyin" not in index.systems.get(s, ()) for s in reading)
        order = (len(reading), rank, not_pinyin)
        if reading not in found or order < found[reading]:
            found[reading] = order

    for syllable, rank in _near_syllables(piece):
        add((syllable,), rank)
    # The error inside one of two syllables, the other written right.
    for cut in range(2, len(piece) - 1):
        head, tail = piece[:cut], piece[cut:]
        if index.is_syllable(head):
            for syllable, rank in _near_syllables(tail):
                add((head, syllable), rank)
        if index.is_syllable(tail):
            for syllable, rank in _near_syllables(head):
                add((syllable, tail), rank)
    best = sorted(found, key=lambda r: (found[r], r))[:MAX_CORRECTIONS]
    return tuple((reading, found[reading][1]) for reading in best)


@cache
def _syllables_by_deletion() -> dict[str, tuple[str, ...]]:
    """Each syllable of two letters or more, and each string one letter short of one, →
    those syllables: two strings one edit apart share an entry (SymSpell's deletion
    neighbourhood), so a word's near syllables are a few lookups, not a scan."""
    near: dict[str, set[str]] = {}
    for syllable in syllable_index().exact:
        if len(syllable) < 2:
            continue
        for variant in {syllable, *_deletions(syllable)}:
            near.setdefault(variant, set()).add(syllable)
    return {variant: tuple(sorted(found)) for variant, found in near.items()}


def _deletions(text: str) -> set[str]:
    return {text[:k] + text[k + 1 :] for k in range(len(text))}


def _near_syllables(text: str) -> list[tuple[str, int]]:
    """Syllables one edit from `text` (a swap of neighbours is one), each with how
    likely that error is (`_edit_rank`)."""
    if len(text) < 2:
        return []
    by_deletion = _syllables_by_deletion()
    candidates = {s for v in (text, *_deletions(text)) for s in by_deletion.get(v, ())}
    return [
        (s, _edit_rank(text, s))
        for s in candidates
        if s != text and OSA.distance(text, s, score_cutoff=1) <= 1
    ]


def _edit_rank(written: str, meant: str) -> int:
    """How common the error that turns `meant` into `written` is, commonest first:
    two letters swapped, one dropped, one doubled, any other letter added, one wrong
    (a wrong first letter last: clerks seldom get those wrong)."""
    if len(written) == len(meant):
        if sorted(written) == sorted(meant):
            return _SWAPPED
        return _WRONG_FIRST if written[0] != meant[0] else _WRONG
    if len(written) < len(meant):
        return _DROPPED
    doubled = any(
        written[k] == written[k - 1] and written[:k] + written[k + 1 :] == meant
        for k in range(1, len(written))
    )
    return _DOUBLED if doubled else _ADDED


_MAX_FEWEST_SPLITS = 4


def _fewest_splits(piece: str, pinyin_only: bool = False) -> list[tuple[str, ...]]:
    """The splits of `piece` into the fewest syllables, of pinyin or of any system (the
    first few)."""
    index = syllable_index()
    # fewest[i]: fewest syllables that spell piece[:i], and the splits doing so.
    fewest: list[tuple[int, list[tuple[str, ...]]] | None] = [None] * (len(piece) + 1)
    fewest[0] = (0, [()])
    for end in range(1, len(piece) + 1):
        for start in range(max(0, end - 6), end):
            head = fewest[start]
            syllable = piece[start:end]
            if head is None:
                continue
            systems = index.systems.get(syllable, ())
            if not systems or (pinyin_only and "pinyin" not in systems):
                continue
            count = head[0] + 1
            current = fewest[end]
            if current is None or count < current[0]:
                splits = [(*split, syllable) for split in head[1]]
                fewest[end] = (count, splits[:_MAX_FEWEST_SPLITS])
            elif count == current[0]:
                room = _MAX_FEWEST_SPLITS - len(current[1])
                current[1].extend((*split, syllable) for split in head[1][:room])
    found = fewest[len(piece)]
    return found[1] if found else []


@lru_cache(maxsize=1 << 17)
def _word(raw: str, family_hint: bool) -> Word:
    """One Latin word taken apart (cached: the words of names repeat far more than the
    names do)."""
    folded = fold_latin(raw)
    if is_western_given_name(folded):
        return Word(raw, (folded,), (folded,), False, False, False, western=True)
    pieces = tuple(p for p in (fold_latin(x) for x in re.split(r"['’`-]", raw)) if p)
    syllables: list[str] = []
    syllabic = True
    for piece in pieces:
        split = segment(piece)
        if split is None:
            syllabic = False
            syllables.append(piece)
        else:
            syllables.extend(split)
    initial = len(pieces) == 1 and len(pieces[0]) == 1
    return Word(raw, pieces, tuple(syllables), syllabic and not initial, family_hint, initial)


def _is_initials(raw: str, mixed_case: bool) -> bool:
    """Two or three capitals that are not a syllable: initials run together ("KM")."""
    if not (mixed_case and raw.isupper() and 2 <= len(raw) <= 3 and raw.isalpha()):
        return False
    folded = fold_latin(raw)
    return folded not in NAME_PARTICLES and not syllable_index().is_syllable(folded)


# A letter of neither Latin (to Latin Extended Additional) nor Han: Cyrillic, Greek,
# Arabic, Hangul, kana.
_OTHER_LETTER = re.compile(f"[^\\W\\d_\\u0000-\\u024f\\u1e00-\\u1eff{HAN_CHARACTERS}]")


def has_other_script(text: str) -> bool:
    """Whether the text has a letter of a script other than Latin and Han."""
    return _OTHER_LETTER.search(text) is not None


def romanise_other_scripts(text: str, hangul_syllables: bool = False) -> str:
    """The text with every run of Cyrillic, Greek, Arabic, Hangul or kana letters
    transliterated to Latin (ICU, through normality): Владимир Путин is "Vladimir
    Putin" in a foreign register. Han and Latin are left as written, for the
    comparator's own readings. With `hangul_syllables` (a person's name), each Hangul
    syllable is a word of its own, as romanised Korean names write them: 김정은 is
    "gim jeong eun", not ICU's "gimjeong-eun"."""
    if hangul_syllables and _HANGUL_NAME.search(text):
        text = _HANGUL_NAME.sub(
            lambda m: " ".join(_HANGUL_WORDS.get(c, c) for c in m.group()).join("  "), text
        )
    out: list[str] = []
    run: list[str] = []
    for char in text:
        if _OTHER_LETTER.match(char) or (run and unicodedata.category(char).startswith("M")):
            run.append(char)
            continue
        if run:
            out.append(_transliterate("".join(run)))
            run = []
        out.append(char)
    if run:
        out.append(_transliterate("".join(run)))
    return "".join(out)


def _transliterate(run: str) -> str:
    # Cyrillic as English-language registers, deeds and sanctions lists romanise it
    # (BGN/PCGN): Ходорковский is "Khodorkovskiy", not ICU's scholarly "Hodorkovskij".
    # Russian's table for every Cyrillic word, so that one word always reads one way
    # (Григоренко beside Іванович as beside Иванович); letters only other alphabets have
    # (і, ї, є, ґ, ў, қ) are left to ICU's general table and the ASCII folding below.
    if _CYRILLIC.search(run):
        run = _transform("Russian-Latin/BGN; Any-Latin").transliterate(run)
    # The soft and hard signs come out as ʹ ʺ (BGN) or ' " (ICU), ICU marks қ as kˌ, and
    # BGN separates letters that would read as one with a dot: marks, not letters, and
    # they would split the word (Ольга → Olʹga).
    return ascii_text(_SIGNS.sub("", run)).replace("'", "").replace('"', "")


_CYRILLIC = re.compile("[\u0400-\u04ff]")
# A run of two to four Hangul syllables, a Korean name's length; a longer run is no name.
_HANGUL_NAME = re.compile("(?<![\uac00-\ud7a3])[\uac00-\ud7a3]{2,4}(?![\uac00-\ud7a3])")
# Syllables ICU reads as one vowel letter, which would be taken for an initial: as the
# family names 이, 오, 우 are written (Yi, Oh, Woo).
_HANGUL_WORDS = {"이": "Yi", "오": "Oh", "우": "Woo"}
_SIGNS = re.compile("[\u02b0-\u02ff\u00b7'\"]")  # modifier letters, middle dot, quotes


@cache
def _transform(transform_id: str) -> Any:
    import icu  # PyICU, which normality's transliteration already needs

    return icu.Transliterator.createInstance(transform_id)


_ASIDE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")


def _without_asides(text: str) -> str:
    """A name without what a list put in brackets beside it: another spelling
    ("AKSYONOV (АКСЬОНОВ)"), aliases ("Mohammad (a.k.a. Mohamed) Ali JAFARI"), a
    note; read as part of the name they were words it does not have. Kept when
    nothing else has letters."""
    bare = _ASIDE.sub(" ", text).strip()
    return " ".join(bare.split()) if any(c.isalpha() for c in bare) else text


# Ranks and titles lists put before a name, beside those rigour knows ("Dr", "General").
_RANKS = """
    major lieutenant lt commander marshal colonel army vice rear sheikh shaikh haji hajji
    mullah ayatollah hojatoleslam hodjatoleslam brig maj col capt gen
""".split()  # noqa: SIM905 (a word list reads and diffs better as text)
_TITLES = re.compile(rf"^\W*(({'|'.join(_RANKS)})\.?[\s-]+)+", re.IGNORECASE)
_FIRST_WORD = re.compile(r"\W*([^\W\d_]+)")
# The words titles begin with, rigour's and `_RANKS`: a name starting with none of them
# has no title.
_TITLE_WORDS = frozenset(
    m.group(1).lower() for p in person_name_prefixes_list() if (m := _FIRST_WORD.match(p))
) | frozenset(_RANKS)


def _without_titles(text: str) -> str:
    """A name without the titles and ranks before it ("Dr. Lubana MUSHAWEH", "Major
    General Ahmed AL-JARROUCHEH"): read as words of the name, two officers of one rank
    shared half a name. Kept when a title is also a Chinese syllable ("Hon Chi Keung":
    Hon is 韓 in Hong Kong) or when nothing else would be left."""
    first = _FIRST_WORD.match(text)
    if first is None or first.group(1).lower() not in _TITLE_WORDS:
        return text  # most names: decided without the prefix patterns
    bare = text
    while True:
        stripped = _TITLES.sub("", remove_person_prefixes(bare))
        if stripped == bare:
            break
        removed = _LATIN_WORD.findall(bare[: len(bare) - len(stripped)])
        if any(syllable_index().is_syllable(fold_latin(word)) for word in removed):
            break
        bare = stripped
    named = _HAN.search(bare) or len(_LATIN_WORD.findall(bare)) >= 2
    return bare if named else text


_ASCII_LETTER = re.compile("[a-z]")


@lru_cache(maxsize=100_000)
def analyze_name(text: str) -> NameAnalysis:
    """Take a person's name apart; never raises, reports what is wrong instead."""
    original = text
    # NFKC first: full-width letters (Ｗａｎｇ, common in CJK records) become ASCII.
    text = unicodedata.normalize("NFKC", text)
    if not text.isprintable():  # only then can it hold a control or format character
        text = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    text = text.strip()
    text = _without_titles(_without_asides(text))
    scripts = scripts_of(text)
    problem = None
    if not text:
        problem = "empty name"
    elif len(text) > MAX_NAME_LENGTH:
        problem = f"name longer than {MAX_NAME_LENGTH} characters"
    elif has_other_script(text):
        text = romanise_other_scripts(text, hangul_syllables=True)
        if not scripts_of(text) & {"han", "latin"}:
            problem = "no letters that can be read"
        elif len(text) > MAX_NAME_LENGTH:
            problem = f"name longer than {MAX_NAME_LENGTH} characters once transliterated"
    elif not scripts & {"han", "latin"}:
        problem = "no letters that can be read"
    if problem:
        return NameAnalysis(original, scripts, "", "", "", (), problem)
    han = to_simplified("".join(_HAN.findall(text)), "standard")
    family, given = split_han(han)
    latin_text = _HAN.sub(" ", text)
    before_comma, comma, after_comma = latin_text.partition(",")
    ordered = [(before_comma, True), (after_comma, False)] if comma else [(latin_text, False)]
    raw_words = [(w, hint) for part, hint in ordered for w in _LATIN_WORD.findall(part)]
    raw_words = [(w, h) for w, h in raw_words if _ASCII_LETTER.search(fold_latin(w))]
    mixed_case = any(not w.isupper() for w, _ in raw_words)
    words: list[Word] = []
    for raw, hint in raw_words:
        if _is_initials(raw, mixed_case):
            # "KM Chan", "T. S. Wong": capitals standing for given-name syllables.
            words += [
                Word(letter, (letter.lower(),), (letter.lower(),), False, False, True)
                for letter in raw
            ]
            continue
        words.append(_word(raw, hint or (mixed_case and raw.isupper() and len(raw) > 1)))
    words = tuple(words)
    return NameAnalysis(original, scripts, han, family, given, words, None)
