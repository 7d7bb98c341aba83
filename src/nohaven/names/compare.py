"""The person-name comparator: Han and Latin names across romanisation systems.

Each name is aligned to the other, in order, syllable by syllable (a Latin word may
stand for several Han characters: "Chaofan" = 超凡). What a Latin syllable may stand
for comes from `readings`; two Latin spellings meet when they can be the same
character ("Hsu" and "Hui" at 许). The score is the share of the name that aligned,
weighted by match quality, less penalties for syllables one side has and the other
lacks; Western given names ("Nancy") cost little, a missing Chinese syllable costs
as much as a wrong one, so a sibling (陈建国 / 陈建华) or a contained name (王伟 / 王伟明)
stays below the threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA
from rigour.text import metaphone

from nohaven.names.analysis import NameAnalysis, Word, analyze_name, segment
from nohaven.names.korean import korean_sound
from nohaven.names.readings import (
    READING_SYSTEMS,
    char_readings,
    fold_latin,
    loose_key,
    primary_readings,
    surname_forms,
    syllable_index,
)

DEFAULT_THRESHOLD = 0.8
"""Scores at or above this are a match: tuned on bench/names (docs/NAMES.md)."""

# Match qualities, strongest first.
EXACT = 1.0  # the spelling is a reading of the character in a named system
CROSS_SYSTEM = 0.95  # two spellings that can be the same character
RARE_READING = 0.9  # a rare Mandarin reading that names seldom use (方 as "wang")
LOOSE = 0.85  # equal under the loose key (ad hoc dialect spellings)
TYPO = 0.7  # one edit away from a reading
INITIAL = 0.75  # an initial that starts a reading

# A given name whose syllables read exactly only in different systems ("Congchen" as
# 聪珍: "cong" is pinyin, "chen" is 珍 only in Wade-Giles), or only in systems other
# than the surname's ("Zhang Hong Shan" as 张康山): a passport office spells a name in
# one system, so the name that reads in one is the likelier. Small: it orders
# namesakes (only a score at the threshold's very edge falls below it).
MIXED_SYSTEMS = 0.01

# A name spelt with a Jyutping syllable no document system writes ("Zi" for 志, which
# Hong Kong writes "Chi"): Jyutping is the linguists' system, seldom on a record, so
# the name read in a documents' system is the likelier. As small, for the same reason.
JYUTPING_ONLY = 0.01

# Names that are not Chinese ("Vladimir Putin", "Gulnara Karimova") are compared word
# for word, in any order: a spelling (Usmanov, Usmanow) or a sound (Mohammed, Muhammad)
# of one word; a middle name or patronymic one side lacks costs little, but beside a
# one-word name each other word costs more ("Putin" is not yet "Vladimir Putin").
SAME_SOUND = 0.9  # same metaphone, and most letters in common
MIN_SPELLING = 0.8  # edit similarity (a swap is one edit) from which two words are one
EXTRA_WORD = 0.1
EXTRA_WORD_BESIDE_ONE = 0.4  # also each word a Burmese or Korean name lacks (no middle names)

BIRTH_YEAR_DIFFERS = 0.6  # factor on the name score when two known birth dates differ
DATE_PARTLY_DIFFERS = 0.65  # same year, and the same month or the same day only

FAMILY_WEIGHT = 0.4  # share of a Han name carried by the family name
MISSING_FAMILY = 0.6  # factor on a name whose family name matched none of the other's
WESTERN_PENALTY = 0.02  # a Western given name or initial the other side lacks


class Step(NamedTuple):
    """One aligned (or unaligned) part of the two names (a tuple: built per comparison)."""

    left: str
    right: str
    quality: float
    how: str  # "pinyin", "hk_cantonese", "same character", "missing", "extra", ...

    def __str__(self) -> str:
        if not self.right:
            return f"{self.left}: {self.how}"
        if not self.left:
            return f"{self.right}: {self.how}"
        return f"{self.left} ↔ {self.right} ({self.how}, {self.quality:.2f})"


@dataclass(frozen=True)
class NameMatch:
    """A score in [0, 1], the decision at the threshold, and how it was reached."""

    score: float
    match: bool
    method: str
    steps: tuple[Step, ...] = ()
    reason: str | None = None
    qualifiers: tuple[str, ...] = field(default=())
    # Han against Latin: the system families ("pinyin", "cantonese", ...) in which the
    # Latin name's exactly read syllables all read, the surname's when one word spells
    # it exactly; empty if none does.
    read_in: frozenset[str] = frozenset()

    @property
    def systems(self) -> frozenset[str]:
        return frozenset(s.how for s in self.steps if s.how in READING_SYSTEMS)

    def explain(self) -> str:
        lines = [f"score {self.score:.3f} ({'match' if self.match else 'no match'}), {self.method}"]
        if self.reason:
            lines.append(f"  {self.reason}")
        lines += [f"  {step}" for step in self.steps]
        lines += [f"  {q}" for q in self.qualifiers]
        return "\n".join(lines)


# -- syllable-level evidence --------------------------------------------------------


@lru_cache(maxsize=200_000)
def _char_forms(
    char: str, as_family: bool, main_only: bool = False
) -> tuple[tuple[str, frozenset[str]], ...]:
    """(system, spellings) of one character; surname-table forms when it is a surname;
    with `main_only`, Mandarin's rare heteronyms left out."""
    forms = dict(primary_readings(char) if main_only else char_readings(char))
    if as_family:
        for system, spellings in surname_forms(char).items():
            forms[system] = forms.get(system, frozenset()) | spellings
    return tuple(forms.items())


class _CharEvidence(NamedTuple):
    """What one character can be spelled as, indexed for the comparator's lookups.

    Each spelling (and loose key) maps to the first system that writes it, in
    `_char_forms` order, so one dict lookup replaces a loop over systems.
    """

    exact: dict[str, str]
    rare: frozenset[str]  # spellings only of a rare Mandarin reading (蕊 as "juan")
    loose: dict[str, str]
    initials: frozenset[str]
    typo_targets: list[str]  # spellings long enough for a one-edit typo to be telling
    typo_systems: list[str]


@lru_cache(maxsize=200_000)
def _char_evidence(char: str, as_family: bool) -> _CharEvidence:
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for system, spellings in _char_forms(char, as_family):
        for spelling in sorted(spellings):
            exact.setdefault(spelling, system)
            loose.setdefault(loose_key(spelling), system)
    # Dictionaries list every reading a character ever had; a name is romanised from its
    # main one (surnames from the surname table), so the others count for less.
    main = {
        spelling for _, spellings in _char_forms(char, as_family, True) for spelling in spellings
    }
    targets = [spelling for spelling in exact if len(spelling) >= 3]
    return _CharEvidence(
        exact,
        frozenset(exact.keys() - main),
        loose,
        frozenset(spelling[0] for spelling in exact),
        targets,
        [exact[spelling] for spelling in targets],
    )


@lru_cache(maxsize=200_000)
def _piece_reads_as_char(piece: str, char: str, as_family: bool) -> tuple[float, str]:
    """How well one Latin piece spells one character: quality and system."""
    evidence = _char_evidence(char, as_family)
    system = evidence.exact.get(piece)
    if system is not None:
        if piece in evidence.rare:
            return RARE_READING, f"{system}, rare reading"
        return EXACT, system
    if len(piece) == 1:
        if piece in evidence.initials:
            return INITIAL, "initial"
        return 0.0, ""
    system = evidence.loose.get(loose_key(piece))
    if system is not None:
        return LOOSE, f"{system}, loose"
    if syllable_index().is_regular(piece):
        # A regular syllable of some system that is not a reading of this character,
        # nor a near spelling of one, is another character ("lin" is not 龍).
        return 0.0, ""
    if len(piece) >= 3:
        found = process.extractOne(
            piece, evidence.typo_targets, scorer=OSA.distance, score_cutoff=1
        )
        if found is not None:
            return TYPO, f"{evidence.typo_systems[found[2]]}, typo"
    return 0.0, ""


@lru_cache(maxsize=200_000)
def _piece_reads_as(piece: str, chars: str, family_len: int) -> tuple[float, str]:
    """How well a Latin piece spells a run of characters (joined words: "chaofan")."""
    if len(chars) == 1:
        return _piece_reads_as_char(piece, chars, family_len > 0)
    if family_len == len(chars):
        # A whole compound surname in one word: "Auyong", "Szeto", "Ouyang".
        for system, spellings in surname_forms(chars).items():
            if piece in {s.replace(" ", "") for s in spellings}:
                return EXACT, system
    # Split the word after each possible first syllable; one part may be a typo or a
    # loose spelling, the rest must read exactly ("Chaofen" for 超凡 is one typo).
    best: tuple[float, str] = (0.0, "")
    for cut in range(1, len(piece)):
        head_quality, how = _piece_reads_as_char(piece[:cut], chars[0], family_len > 0)
        if head_quality < TYPO or (head_quality == INITIAL):
            continue
        rest_quality, _ = _piece_reads_as(piece[cut:], chars[1:], max(0, family_len - 1))
        if rest_quality < TYPO or (head_quality < EXACT and rest_quality < EXACT):
            continue
        quality = (head_quality + rest_quality * (len(chars) - 1)) / len(chars)
        if quality > best[0]:
            best = (quality, how)
            if quality == EXACT:
                break
    return best


@lru_cache(maxsize=200_000)
def _syllables_match(
    left: str, right: str, left_syllabic: bool, right_syllabic: bool
) -> tuple[float, str]:
    """How well two Latin syllables (or whole Western words) can be the same."""
    if left == right:
        return EXACT, "same spelling"
    index = syllable_index()
    if left_syllabic and right_syllabic and index.chars_of(left) & index.chars_of(right):
        return CROSS_SYSTEM, "same character, other system"
    if index.is_regular(left) and index.is_regular(right):
        # Two regular syllables with no character in common are different syllables
        # ("wen" and "yung" of two brothers), unless only spelling habits part them
        # (Taiwan's "ming" for 民 min, "tseng" for 贞 chen).
        if loose_key(left) == loose_key(right):
            return LOOSE, "loose"
        return 0.0, ""
    if (
        left_syllabic
        and right_syllabic
        and (
            loose_key(left) == loose_key(right)
            or index.loose_chars_of(left) & index.loose_chars_of(right)
        )
    ):
        return LOOSE, "loose"
    if min(len(left), len(right)) >= 3 and OSA.distance(left, right, score_cutoff=1) <= 1:
        return TYPO, "typo"
    if (len(left) == 1 or len(right) == 1) and left[0] == right[0]:
        return INITIAL, "initial"
    return 0.0, ""


# Systems a given name is spelled in as one: Hong Kong, Macau and Jyutping spellings
# mix in practice; Mandarin's two systems and the dialects are each their own.
_SYSTEM_FAMILY = {
    "pinyin": "pinyin",
    "wade_giles": "wade_giles",
    "hk_cantonese": "cantonese",
    "jyutping": "cantonese",
    "macau": "cantonese",
    "hokkien": "hokkien",
    "hakka": "hakka",
}
_ALL_FAMILIES = frozenset(_SYSTEM_FAMILY.values())
# A surname's Singapore/Malaysia/Taiwan table form ("Ng", "Teo", "Lee") is kept by
# families who write the given name in pinyin, Cantonese or Wade-Giles ("Lee Tung-ming"),
# or in the surname's own dialect.
_REGIONAL = "regional"
_BESIDE_REGIONAL = frozenset({"pinyin", "cantonese", "wade_giles"})


@lru_cache(maxsize=200_000)
def _spelling_families(piece: str, chars: str) -> frozenset[str]:
    """The system families in which `piece` spells the given-name run `chars` exactly."""
    if not chars:
        return frozenset() if piece else _ALL_FAMILIES
    found: set[str] = set()
    for system, spellings in char_readings(chars[0]).items():
        family = _SYSTEM_FAMILY.get(system)
        if family is None or family in found:
            continue
        for spelling in spellings:
            if piece.startswith(spelling) and family in _spelling_families(
                piece[len(spelling) :], chars[1:]
            ):
                found.add(family)
                break
    return frozenset(found)


@lru_cache(maxsize=100_000)
def _surname_families(piece: str, family: str) -> frozenset[str]:
    """The system families (and `_REGIONAL`) in which `piece` spells the surname exactly."""
    found = {
        _SYSTEM_FAMILY.get(system, _REGIONAL)
        for system, spellings in surname_forms(family).items()
        if piece in {spelling.replace(" ", "") for spelling in spellings}
    }
    return frozenset(found) | _spelling_families(piece, family)


@lru_cache(maxsize=200_000)
def _spelt_as_documents_do(piece: str, chars: str, family_len: int) -> bool:
    """Whether `piece` spells `chars` exactly in systems other than Jyutping alone."""
    if not chars:
        return not piece
    if family_len == len(chars) and piece in {
        spelling.replace(" ", "")
        for spellings in surname_forms(chars).values()
        for spelling in spellings
    }:
        return True
    spellings = {
        spelling
        for system, forms in _char_forms(chars[0], family_len > 0)
        if system != "jyutping"
        for spelling in forms
    }
    return any(
        piece.startswith(spelling)
        and _spelt_as_documents_do(piece[len(spelling) :], chars[1:], max(0, family_len - 1))
        for spelling in spellings
    )


def _reading_families(
    chars: str, family_len: int, pieces: Sequence[tuple[str, Word]], pairs: Sequence[tuple]
) -> tuple[frozenset[str], frozenset[str] | None] | None:
    """The system families the exactly read syllables of the given name share, and those
    the surname's spelling is in (None when it was not read exactly); None when no
    given-name syllable was read exactly."""
    given, surname, read = _ALL_FAMILIES, None, False
    for start, end, j, quality, _ in pairs:
        if quality not in (EXACT, RARE_READING):
            continue
        if start >= family_len:
            given &= _spelling_families(pieces[j][0], chars[start:end])
            read = True
        elif start == 0 and end == family_len:
            surname = _surname_families(pieces[j][0], chars[:family_len])
    return (given, surname) if read else None


def _whole_name_systems(families: tuple[frozenset[str], frozenset[str] | None]) -> frozenset[str]:
    """The system families the whole name reads in: the given name's, with the surname's
    spelling when one word spells it exactly; a regional surname form ("Teo", "Lee")
    goes with a pinyin, Cantonese or Wade-Giles given name."""
    given, surname = families
    if surname is None:
        return given
    if given & surname or _REGIONAL not in surname:
        return given & surname
    return given & _BESIDE_REGIONAL


def _mixes_systems(
    chars: str, family_len: int, families: tuple[frozenset[str], frozenset[str] | None] | None
) -> str | None:
    """What reads in more than one system: the given name's exactly read syllables share
    no system family ("given name"), or the whole name reads in none ("surname and given
    name": 张康山 as "Zhang Hong Shan", where hong is 康 only in Cantonese); else None. A
    passport office writes a name in one system."""
    if families is None:
        return None
    if not families[0]:
        return "given name" if len(chars) - family_len >= 2 else None
    return None if _whole_name_systems(families) else "surname and given name"


# -- alignment ----------------------------------------------------------------------


def _align(
    n: int,
    m: int,
    cumulative: Sequence[float],
    extras: Sequence[float],
    match: Callable[[int, int, int], tuple[float, str]],
    spans: Sequence[int],
) -> tuple[float, list[tuple[int, int, int, float, str]]]:
    """Order-preserving alignment of n left units to m right units.

    Right unit j may cover up to `spans[j]` consecutive left units, earning its match
    quality times the covered weight (`cumulative` are prefix sums of left weights);
    an unmatched right unit costs its `extras` penalty. Returns the best total and the
    matched (left start, left end, right index, quality, how) tuples. Sizes are tiny
    (names), so this is a plain table on flat lists; it is the comparator's hot loop.
    """
    width = m + 1
    neg = -1e9
    size = (n + 1) * width
    best = [neg] * size
    back: list[tuple[int, float, str] | None] = [None] * size
    best[0] = 0.0
    skip = (0, 0.0, "")
    for i in range(n + 1):
        row = i * width
        done = cumulative[i]
        for j in range(width):
            cell = row + j
            here = best[cell]
            if here == neg:
                continue
            if i < n and here > best[cell + width]:  # left unit i unmatched
                best[cell + width] = here
                back[cell + width] = (cell, 0.0, "")
            if j < m:
                skipped = here - extras[j]  # right unit j unmatched
                if skipped > best[cell + 1]:
                    best[cell + 1] = skipped
                    back[cell + 1] = (cell, 0.0, "")
                hi = i + spans[j]
                if hi > n:
                    hi = n
                for stop in range(i + 1, hi + 1):
                    quality, how = match(i, stop, j)
                    if quality <= 0:
                        continue
                    target = stop * width + j + 1
                    value = here + quality * (cumulative[stop] - done)
                    if value > best[target]:
                        best[target] = value
                        back[target] = (cell, quality, how)
    pairs = []
    cell = n * width + m
    while cell:
        previous, quality, how = back[cell] or skip
        if quality > 0:
            pairs.append((previous // width, cell // width, previous % width, quality, how))
        cell = previous
    pairs.reverse()
    return best[n * width + m], pairs


@lru_cache(maxsize=100_000)
def _pieces(
    order: tuple[Word, ...], given_weight: float, leading: Word | None
) -> tuple[list[tuple[str, Word]], list[float], list[int]]:
    """A word order's pieces, what leaving each unmatched costs, and how far each reaches."""
    pieces = [(piece, word) for word in order for piece in word.pieces]
    extras = [_unit_penalty(word, given_weight, word is leading) for _, word in pieces]
    spans = [_piece_span(piece) for piece, _ in pieces]
    return pieces, extras, spans


@lru_cache(maxsize=100_000)
def _piece_span(piece: str) -> int:
    """How many characters one Latin word may spell: its syllables, or two if unknown."""
    syllables = segment(piece)
    count = len(syllables) if syllables else 2
    return max(count, 2) if len(piece) >= 4 else count


def _prefix(weights: Sequence[float]) -> list[float]:
    total, sums = 0.0, [0.0]
    for weight in weights:
        total += weight
        sums.append(total)
    return sums


@lru_cache(maxsize=100_000)
def _orderings(words: tuple[Word, ...]) -> list[tuple[Word, ...]]:
    """Word orders to try: as written, family name moved first, last word first."""
    orders = [tuple(words)]
    hinted = [w for w in words if w.family_hint]
    if hinted and not words[0].family_hint:
        orders.append((*hinted, *(w for w in words if not w.family_hint)))
    if len(words) >= 2 and not words[0].family_hint:
        orders.append((words[-1], *words[:-1]))
    return list(dict.fromkeys(orders))


def _exact_reading(
    chars: str, family_len: int, pieces: list[tuple[str, Word]], spans: list[int]
) -> tuple[list[tuple[int, int, int, float, str]], list[int]] | None:
    """The common case in one pass: each Chinese piece spells the next characters exactly.

    Returns the alignment and the unmatched (Western or initial) pieces, or None when
    the names need the full alignment.
    """
    i, pairs, skipped = 0, [], []
    for j, (piece, word) in enumerate(pieces):
        if word.western or word.initial or not word.syllabic:
            skipped.append(j)
            continue
        found = None
        for stop in range(i + 1, min(len(chars), i + spans[j]) + 1):
            if i < family_len < stop:
                break
            quality, how = _piece_reads_as(
                piece, chars[i:stop], family_len - i if i < family_len else 0
            )
            if quality == EXACT:
                found = (i, stop, j, EXACT, how)
                break
        if found is None:
            return None
        pairs.append(found)
        i = found[1]
    return (pairs, skipped) if i == len(chars) else None


def _leading_word(words: tuple[Word, ...]) -> Word | None:
    """The first of three or more words, where records put a Western given name
    ("Sunny Lau Ka-ming"); left unmatched it costs like one, whatever it spells."""
    if len(words) >= 3 and not words[0].family_hint:
        return words[0]
    return None


def _unit_penalty(word: Word, given_weight: float, leading: bool = False) -> float:
    """What an unmatched piece of this word costs."""
    if word.initial or word.western or not word.syllabic:
        return WESTERN_PENALTY
    if leading:
        return 2 * WESTERN_PENALTY
    return given_weight


def _compare_han_latin(han: NameAnalysis, latin: NameAnalysis) -> NameMatch:
    chars = han.han_family + han.han_given
    family_len = len(han.han_family)
    given_len = len(han.han_given)
    if given_len:
        weights = [FAMILY_WEIGHT / family_len] * family_len
        weights += [(1 - FAMILY_WEIGHT) / given_len] * given_len
        given_weight = (1 - FAMILY_WEIGHT) / given_len
    else:
        weights = [1.0 / family_len] * family_len
        given_weight = 0.5
    best_score = -1.0
    best: tuple[tuple[Word, ...], list, list, set[int]] = ((), [], [], set())
    cumulative = _prefix(weights)
    # What each run of characters is, once: its text and how much of it is family
    # name; runs that straddle family and given name are never one word.
    runs: dict[tuple[int, int], tuple[str, int]] = {}
    for i in range(len(chars)):
        for stop in range(i + 1, len(chars) + 1):
            if not i < family_len < stop:
                runs[(i, stop)] = (chars[i:stop], family_len - i if i < family_len else 0)
    orders = _orderings(latin.words)
    leading = _leading_word(latin.words)
    for order in orders:
        pieces, extras, spans = _pieces(order, given_weight, leading)
        exact = _exact_reading(chars, family_len, pieces, spans)
        if exact is not None:
            # Every character spelled exactly, in order: no alignment can do better.
            total = 1.0 - sum(extras[j] for j in exact[1])
            best_score, best = total, (order, pieces, exact[0], set(range(len(chars))))
            orders = []
            break
    for order in orders:
        pieces, extras, spans = _pieces(order, given_weight, leading)

        def match(i: int, end: int, j: int, pieces=pieces) -> tuple[float, str]:
            run = runs.get((i, end))
            if run is None:
                return 0.0, ""
            return _piece_reads_as(pieces[j][0], run[0], run[1])

        total, pairs = _align(len(chars), len(pieces), cumulative, extras, match, spans)
        if not pairs and best_score == -1.0:
            # Other orders only permute the same words: nothing will match there either.
            best_score, best = total, (order, pieces, pairs, set())
            break
        matched = {k for start, end, _, _, _ in pairs for k in range(start, end)}
        if family_len and not any(k < family_len for k in matched):
            total *= MISSING_FAMILY
        if total > best_score:
            best_score, best = total, (order, pieces, pairs, matched)
            if total >= 1.0:
                break
    order, pieces, pairs, matched = best
    reason = None
    families = _reading_families(chars, family_len, pieces, pairs)
    mixed = _mixes_systems(chars, family_len, families)
    if mixed:
        best_score -= MIXED_SYSTEMS
        named = han.han_given if mixed == "given name" else chars
        reason = f"{mixed} {named} read in more than one romanisation system"
    # A one-character step names the first system that spells it, and every system
    # before Jyutping is a documents' one: a step named otherwise is spelt as documents
    # spell it; a Jyutping one, or a run of characters, needs the check.
    jyutping = [
        pieces[j][0]
        for start, end, j, quality, how in pairs
        if quality == EXACT
        and (end - start > 1 or how == "jyutping")
        and not _spelt_as_documents_do(pieces[j][0], chars[start:end], max(0, family_len - start))
    ]
    if jyutping:
        best_score -= JYUTPING_ONLY
        spelt = f"{', '.join(jyutping)} spelt as only Jyutping spells it"
        reason = f"{reason}; {spelt}" if reason else spelt
    used = {j for _, _, j, _, _ in pairs}
    steps = [Step(chars[start:end], pieces[j][0], q, how) for start, end, j, q, how in pairs]
    steps += [Step(c, "", 0.0, "missing") for k, c in enumerate(chars) if k not in matched]
    steps += [
        Step("", piece, 0.0, "extra" if word.syllabic else "extra (Western name or initial)")
        for j, (piece, word) in enumerate(pieces)
        if j not in used
    ]
    best_order = "as written" if order == tuple(latin.words) else "family name first"
    score = max(0.0, min(1.0, best_score))
    read_in = _whole_name_systems(families) if families is not None else frozenset()
    return NameMatch(
        round(score, 4),
        round(score, 4) >= DEFAULT_THRESHOLD,
        f"han-latin, {best_order}",
        tuple(steps),
        reason,
        read_in=read_in,
    )


def _compare_han_han(left: NameAnalysis, right: NameAnalysis) -> NameMatch:
    a, b = left.han, right.han
    total, pairs = _align(
        len(a),
        len(b),
        range(len(a) + 1),
        [1.0] * len(b),
        lambda i, end, j: (EXACT, "same character") if a[i] == b[j] else (0.0, ""),
        [1] * len(b),
    )
    score = max(0.0, total / max(len(a), len(b)))
    matched_a = {p[0] for p in pairs}
    matched_b = {p[2] for p in pairs}
    steps = [Step(a[i], b[j], q, how) for i, _, j, q, how in pairs]
    steps += [Step(c, "", 0.0, "missing") for i, c in enumerate(a) if i not in matched_a]
    steps += [Step("", c, 0.0, "extra") for j, c in enumerate(b) if j not in matched_b]
    return NameMatch(round(score, 4), round(score, 4) >= DEFAULT_THRESHOLD, "han-han", tuple(steps))


def _core_length(words: Sequence[Word]) -> int:
    return (
        sum(len(w.syllables) for w in words if w.syllabic)
        or sum(1 for w in words if not w.initial)
        or 1
    )


def _family_words(words: Sequence[Word]) -> set[int]:
    """Where each side's family name can stand (ids of its words): the word marked as
    the family (a comma, capitals), else the first and the last word of syllables that
    is not a Western given name or an initial; every word of a one-word name."""
    hinted = [id(w) for w in words if w.family_hint]
    if hinted:
        return set(hinted[:1])
    chinese = [w for w in words if w.syllabic and not w.western and not w.initial]
    if len(chinese) < 2:
        return {id(w) for w in words}
    return {id(chinese[0]), id(chinese[-1])}


def _compare_latin_latin(left: NameAnalysis, right: NameAnalysis) -> NameMatch:
    cores = (_core_length(left.words), _core_length(right.words))
    families = (_family_words(left.words), _family_words(right.words))
    best_score = -1.0
    best: tuple[list, list, list, set[int]] = ([], [], [], set())
    left_orders, right_orders = _orderings(left.words), _orderings(right.words)
    left_leading, right_leading = _leading_word(left.words), _leading_word(right.words)
    # Only the relative order matters: reorder one side at a time.
    combos = [(left_orders[0], r) for r in right_orders]
    combos += [(lo, right_orders[0]) for lo in left_orders[1:]]
    for left_order, right_order in combos:
        a = [(s, w) for w in left_order for s in w.syllables]
        b = [(s, w) for w in right_order for s in w.syllables]

        def match(i: int, end: int, j: int, a=a, b=b) -> tuple[float, str]:
            return _syllables_match(a[i][0], b[j][0], a[i][1].syllabic, b[j][1].syllabic)

        total, pairs = _align(
            len(a),
            len(b),
            range(len(a) + 1),
            [_unit_penalty(word, 1.0, word is right_leading) for _, word in b],
            match,
            [1] * len(b),
        )
        matched_a = {p[0] for p in pairs}
        # A word that is no syllable counts in the length once it is matched, or its
        # match would add to the score without adding to what the score is out of
        # ("Kim Chol Sam" and "SHIN Geum Cheol" scored 2.4 of 2).
        denominator = max(
            cores[0] + sum(not a[i][1].syllabic for i, _, _, _, _ in pairs),
            cores[1] + sum(not b[j][1].syllabic for _, _, j, _, _ in pairs),
        )
        if not pairs:
            # Other orders only permute the same syllables: nothing matches there either.
            total -= sum(_unit_penalty(w, 1.0, w is left_leading) for _, w in a)
            best_score, best = total / denominator, (a, b, pairs, matched_a)
            break
        # Left syllables left over cost like right ones do.
        total -= sum(
            _unit_penalty(w, 1.0, w is left_leading)
            for k, (_, w) in enumerate(a)
            if k not in matched_a
        )
        score = total / denominator
        if not any(
            id(a[i][1]) in families[0] and id(b[j][1]) in families[1] for i, _, j, _, _ in pairs
        ):
            score *= MISSING_FAMILY  # as for Han against Latin: no family name met its own
        if score > best_score:
            best_score, best = score, (a, b, pairs, matched_a)
        if best_score >= 1.0:
            break
    a, b, pairs, matched_a = best
    matched_b = {p[2] for p in pairs}
    steps = [Step(a[i][0], b[j][0], q, how) for i, _, j, q, how in pairs]
    steps += [Step(s, "", 0.0, "missing") for k, (s, _) in enumerate(a) if k not in matched_a]
    steps += [Step("", s, 0.0, "extra") for k, (s, _) in enumerate(b) if k not in matched_b]
    best_steps = tuple(steps)
    score = max(0.0, min(1.0, best_score))
    return NameMatch(
        round(score, 4), round(score, 4) >= DEFAULT_THRESHOLD, "latin-latin", best_steps
    )


@lru_cache(maxsize=200_000)
def _words_match(left: str, right: str) -> tuple[float, str]:
    """How well two words of names that are not Chinese can be one (initials end "*")."""
    if left == right:
        return EXACT, "same word"
    if left.endswith("*") or right.endswith("*"):
        return (INITIAL, "initial") if left[0] == right[0] else (0.0, "")
    edits = OSA.distance(left, right)  # a swap of two letters is one edit
    similarity = 1 - edits / max(len(left), len(right))
    if similarity >= 0.6 and metaphone(left) == metaphone(right):
        return max(SAME_SOUND, similarity), "same sound"
    if similarity >= MIN_SPELLING:
        return similarity, "spelling"
    if edits == 1 and min(len(left), len(right)) >= 4:
        return max(TYPO, similarity), "typo"  # "Cehn" for Chen
    # A Chinese family name beside a Western given name: "Nancy Xu" is "Nancy Hsu".
    index = syllable_index()
    if index.is_syllable(left) and index.is_syllable(right):
        quality, how = _syllables_match(left, right, True, True)
        if quality >= CROSS_SYSTEM:
            return quality, how
    return 0.0, ""


@lru_cache(maxsize=20_000)
def _korean_words_match(left: str, right: str) -> tuple[float, str]:
    """How well two syllables of Korean names can be one: the same sound in any of
    their systems ("Jong", "Jeong"; "Un", "Eun"; "Chol", "Chul"). Spelling similarity
    says nothing more: "Pyong" and "Hyong" are one letter apart and two syllables."""
    if left == right:
        return EXACT, "same word"
    if korean_sound(left) == korean_sound(right):
        return SAME_SOUND, "same Korean syllable"
    return 0.0, ""


_MIN_JOINED_TYPO = 6  # letters of two joined words that one edit may still call one word


def _rejoined(units: list[str], other: list[str]) -> list[str]:
    """`units` with two adjacent words joined where the other name writes them as one
    ("Ali Reza" for "Alireza", "Mohammad-Ali" for "Mohammadali"), a typo in it or not
    ("Shu Ling" for "Shulig")."""
    whole = set(other)

    def written_as_one(joined: str) -> bool:
        if joined in whole:
            return True
        return len(joined) >= _MIN_JOINED_TYPO and any(
            OSA.distance(joined, word, score_cutoff=1) <= 1 for word in whole
        )

    out: list[str] = []
    k = 0
    while k < len(units):
        pair = units[k : k + 2]
        if (
            len(pair) == 2
            and not any(u.endswith("*") for u in pair)
            and written_as_one("".join(pair))
        ):
            out.append("".join(pair))
            k += 2
        else:
            out.append(units[k])
            k += 1
    return out


def _word_units(analysis: NameAnalysis) -> list[str]:
    return [*analysis.tokens, *(w.pieces[0] + "*" for w in analysis.words if w.initial)]


def _compare_words(left: NameAnalysis, right: NameAnalysis) -> NameMatch:
    """Two names that are not Chinese, word for word in any order (each word of one
    paired with at most one of the other, the best pairs first)."""
    a, b = _word_units(left), _word_units(right)
    if not a or not b:
        return NameMatch(0.0, False, "words", reason="no words to compare")
    a = _rejoined(a, b)
    b = _rejoined(b, a)
    match = _korean_words_match if left.korean or right.korean else _words_match
    scored = sorted(
        ((*match(x, y), i, j) for i, x in enumerate(a) for j, y in enumerate(b)),
        reverse=True,
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    steps: list[Step] = []
    total = 0.0
    for quality, how, i, j in scored:
        if quality <= 0 or i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        total += quality
        steps.append(Step(a[i].rstrip("*"), b[j].rstrip("*"), quality, how))
    words = min(sum(not u.endswith("*") for u in a), sum(not u.endswith("*") for u in b))
    # Burmese and Korean names have no middle names: a word one side lacks is another
    # person's name ("Moe Aung", "Aung Moe Myint"; "Ko Man", "Ko Chol Man").
    whole = words < 2 or any(n.burmese or n.korean for n in (left, right))
    extra = EXTRA_WORD_BESIDE_ONE if whole else EXTRA_WORD

    def leftovers(units: list[str], used: set[int]) -> float:
        # A word left over is a middle name or patronymic; an initial costs little.
        return sum(
            WESTERN_PENALTY if unit.endswith("*") else extra
            for k, unit in enumerate(units)
            if k not in used
        )

    # The share of the shorter name aligned, less the larger side's leftovers (the
    # shorter side's are lost from the share already): the same both ways round.
    score = total / min(len(a), len(b)) - max(leftovers(a, used_a), leftovers(b, used_b))
    steps += [Step(u.rstrip("*"), "", 0.0, "missing") for k, u in enumerate(a) if k not in used_a]
    steps += [Step("", u.rstrip("*"), 0.0, "extra") for k, u in enumerate(b) if k not in used_b]
    score = round(max(0.0, min(1.0, score)), 4)
    return NameMatch(score, score >= DEFAULT_THRESHOLD, "words", tuple(steps))


def compare_names(left: str, right: str, threshold: float = DEFAULT_THRESHOLD) -> NameMatch:
    """Score two person names written in any mix of Han and Latin scripts.

    Never raises on bad input: an unusable name gives score 0 with the reason.
    """
    a, b = analyze_name(left), analyze_name(right)
    for side, analysis in (("left", a), ("right", b)):
        if analysis.problem:
            return NameMatch(0.0, False, "none", reason=f"{side}: {analysis.problem}")
    results = []
    if a.has_han and b.has_han:
        results.append(_compare_han_han(a, b))
    if a.has_han and b.has_latin:
        results.append(_compare_han_latin(a, b))
    if b.has_han and a.has_latin:
        flipped = _compare_han_latin(b, a)
        steps = tuple(Step(s.right, s.left, s.quality, s.how) for s in flipped.steps)
        results.append(
            NameMatch(
                flipped.score,
                flipped.match,
                flipped.method,
                steps,
                flipped.reason,
                flipped.qualifiers,
                flipped.read_in,
            )
        )
    if a.has_latin and b.has_latin:
        # Two names that are not Chinese are compared word for word only: the syllable
        # aligner reads "Boris" as a Western given name and "Putin" as pu-tin. So is a
        # foreign name ("Vladimir Putin") against any other ("Putin", which reads as a
        # Chinese name run together). One that is Chinese ("Chan Ka-ming") against one
        # that may be ("Kenny Chan Ka-ming"): both.
        if (a.chinese_name or b.chinese_name) and not (a.foreign_name or b.foreign_name):
            results.append(_compare_latin_latin(a, b))
        if not (a.chinese_name and b.chinese_name):
            results.append(_compare_words(a, b))
    if not results:
        return NameMatch(0.0, False, "none", reason="no letters that can be compared")
    best = max(results, key=lambda r: r.score)
    if threshold != DEFAULT_THRESHOLD:
        best = replace(best, match=best.score >= threshold)
    return best


@dataclass(frozen=True)
class PersonRecord:
    """A name with the qualifiers records often carry."""

    name: str
    birth_date: str | None = None  # ISO: YYYY, YYYY-MM or YYYY-MM-DD
    gender: str | None = None  # "male" / "female"
    nationality: str | None = None


def _parse_date(text: str | None) -> tuple[int, int | None, int | None] | None:
    if not text:
        return None
    parts = text.strip()[:10].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else None
        day = int(parts[2]) if len(parts) > 2 else None
        if month and day:
            date(year, month, day)
    except ValueError:
        return None
    return year, month, day


def birth_year_of(text: str | None) -> int | None:
    """The year of a birth date as `qualify` reads it (None when it reads none)."""
    parsed = _parse_date(text)
    return parsed[0] if parsed else None


def compare_people(
    left: PersonRecord, right: PersonRecord, threshold: float = DEFAULT_THRESHOLD
) -> NameMatch:
    """The name score adjusted by birth date and gender when both sides have them.

    Nationality never lowers a score (emigrants change it); a different birth year
    or gender does, strongly; an equal full birth date raises it a little.
    """
    return qualify(compare_names(left.name, right.name, threshold), left, right, threshold)


def qualify(
    result: NameMatch, left: PersonRecord, right: PersonRecord, threshold: float = DEFAULT_THRESHOLD
) -> NameMatch:
    """A name comparison adjusted by the two records' birth dates and genders (the
    same for every pair of their names, so callers comparing many names qualify once)."""
    score, notes = result.score, []
    a, b = _parse_date(left.birth_date), _parse_date(right.birth_date)
    if a and b:
        if a[0] != b[0]:
            # Below yente's default threshold (0.7) even for an identical name.
            score *= BIRTH_YEAR_DIFFERS
            notes.append(f"birth year differs ({a[0]} / {b[0]}): x{BIRTH_YEAR_DIFFERS}")
        elif a[1] and b[1] and a[2] and b[2]:
            if (a[1], a[2]) == (b[1], b[2]):
                score = min(1.0, score + 0.05)
                notes.append("same birth date: +0.05")
            elif (a[1], a[2]) == (b[2], b[1]):
                score = min(1.0, score + 0.02)
                notes.append("birth day and month swapped: +0.02")
            elif a[1] == b[1] or a[2] == b[2]:
                # A typo, or one of the many people born in the same year and month:
                # among a million records the coincidence is the likelier, so alone it
                # keeps even an identical name just under yente's threshold.
                score *= DATE_PARTLY_DIFFERS
                notes.append(
                    f"same birth year and month or day, the other differs: x{DATE_PARTLY_DIFFERS}"
                )
            else:
                # Two full dates of one year that differ in both day and month are two
                # people (a typo changes one of them), as surely as another birth year.
                score *= BIRTH_YEAR_DIFFERS
                notes.append(f"birth day and month differ: x{BIRTH_YEAR_DIFFERS}")
    if left.gender and right.gender and left.gender[:1].lower() != right.gender[:1].lower():
        score *= 0.5
        notes.append("gender differs: x0.5")
    if (
        left.nationality
        and right.nationality
        and fold_latin(left.nationality) == fold_latin(right.nationality)
    ):
        notes.append("same nationality (no change to score)")
    score = round(score, 4)
    # Built, not `dataclasses.replace`d: this runs for every candidate a query scores.
    return NameMatch(
        score,
        score >= threshold,
        result.method,
        result.steps,
        result.reason,
        tuple(notes),
        result.read_in,
    )
