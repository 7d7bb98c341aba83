"""Blocking keys: short strings that two spellings of one person's name share.

Entity resolution cannot compare every record with every other, so it compares only
records that share a key. A key is the family name as Han characters (or, for a family
name outside the surname table, its loose sound), then the given name's syllables in
one of two spaces:

- ``m``, Mandarin: the pinyin each syllable can stand for. Pinyin is itself, Wade-Giles
  is read back ("Tung-yen" → dong yan), and a Cantonese spelling no Mandarin system
  writes is read back through its characters ("Wing Tip" → ying die), so mainland,
  Taiwan and Hong Kong records of one family meet even with no Han record between them;
- ``d``, dialect: the loose sound as written (`readings.loose_key`), where Hong Kong,
  Macau, Hokkien and ad hoc spellings meet;
- ``x``, exact: the syllables exactly as written, under a family name spelt as some
  system or the surname table spells it, which a Han name yields once per romanisation
  system ("Hui Chiu Fan" is 许超凡 read in Hong Kong spelling); sharing one is much
  stronger evidence than sharing a loose sound.

A Han name yields the keys of its characters' readings in both spaces, so 许超凡 meets
"Hui Chiu Fan", "Chaofan Xu" and "Hsu Chao-fan". Two more keys catch spacing and a
typo in the family name: the given name's letters as written, under the family name
(``#``) or its initial (``@``). Pure and cached per name string.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import cache, lru_cache
from itertools import combinations, islice, product

from rigour.text import metaphone

from nohaven.names.analysis import (
    NameAnalysis,
    Word,
    analyze_name,
    corrected_readings,
    segmentations,
    slip_of_the_pen,
)
from nohaven.names.korean import korean_sound
from nohaven.names.readings import (
    char_readings,
    loose_key,
    primary_readings,
    surname_forms,
    syllable_index,
    unbroken_pieces,
)
from nohaven.names.surnames import SURNAMES, lookup_surname

# Polyphonic given names would yield hundreds of keys; past this many per space, only
# the first readings of each syllable are used.
MAX_KEYS_PER_SPACE = 32

# Romanised words without pinyin's apostrophe split more than one way ("Lingai": lin-gai
# or ling-ai); keys are made for the likeliest few readings of each word and of the name.
MAX_SPLITS_PER_WORD = 3
MAX_SPLITS_PER_NAME = 4

# Cantonese spellings are read back into Mandarin; Hokkien ones are not (a Hokkien
# spelling such as "Tan" is also a common Cantonese and Mandarin one, and reading it back
# would pair most names with most others).
_READ_BACK_SYSTEMS = ("wade_giles", "hk_cantonese", "jyutping", "macau")

# Letters that are whole syllables: Wade-Giles "I" (怡, yi), pinyin "E" (娥), "A", "O",
# Macau "U" (余, yu). Written apart ("CHANG I CHUN", "LI E YAN", "U YU") they read as
# initials too, so a name with one gets keys both ways.
_SYLLABLE_LETTERS = frozenset("aeiou")

# A word longer than this is no run of Chinese syllables ("Xuchaofan" is 9 letters, a
# compound surname with a three-syllable given name 18); reading one would try
# thousands of splits ("gagaga...", a transliterated Hangul run).
MAX_SYLLABLE_WORD = 20
MAX_WORD_TOKENS = 6  # words of a name that is not a Chinese one paired for keys (15 pairs)


def _surname_spellings() -> Iterator[tuple[str, str]]:
    """(spelling, surname) for every spelling of every table surname: the table's own
    forms and, for a one-character surname, its character's readings in every system."""
    for surname in SURNAMES:
        spellings: set[str] = set()
        for forms in surname_forms(surname.simplified).values():
            spellings |= forms
        if not surname.is_compound:
            for forms in char_readings(surname.simplified).values():
                spellings |= forms
        for spelling in spellings:
            yield spelling, surname.simplified


@cache
def _surnames_by_sound() -> dict[str, frozenset[str]]:
    """Loose sound of a table surname's spellings (space-joined per syllable) → surnames."""
    index: dict[str, set[str]] = {}
    for spelling, surname in _surname_spellings():
        sound = " ".join(loose_key(part) for part in spelling.split())
        index.setdefault(sound, set()).add(surname)
    return {sound: frozenset(names) for sound, names in index.items()}


@cache
def _surnames_by_spelling() -> dict[str, frozenset[str]]:
    """A table surname's spellings exactly as some system or the table writes them
    (space-joined per syllable) → surnames: the family names an exact key may read."""
    index: dict[str, set[str]] = {}
    for spelling, surname in _surname_spellings():
        index.setdefault(" ".join(spelling.split()), set()).add(surname)
    return {spelling: frozenset(names) for spelling, names in index.items()}


@cache
def _pinyin_of_spelling() -> dict[str, tuple[str, ...]]:
    """A Latin syllable → the pinyin syllables it can stand for, likeliest first.

    Pinyin stands for itself; Wade-Giles and Cantonese spellings that pinyin does not
    also use stand for the pinyin of their characters. The order (how many name
    characters read that way) decides which readings survive when a long name's keys are
    capped: "Leung" is liang for dozens of characters and lia for one.
    """
    pinyin_spellings: set[str] = set()
    read_back: dict[str, Counter[str]] = {}
    for char in syllable_index().chars:
        readings = primary_readings(char)
        pinyins = readings.get("pinyin", frozenset())
        pinyin_spellings |= pinyins
        for system in _READ_BACK_SYSTEMS:
            for form in readings.get(system, ()):
                read_back.setdefault(form, Counter()).update(pinyins)
    for pinyin in pinyin_spellings:
        # A pinyin spelling stands for itself before anything it is read back to.
        read_back.setdefault(pinyin, Counter())[pinyin] += len(syllable_index().chars)
    return {form: _likeliest_first(counts) for form, counts in read_back.items()}


def _likeliest_first(counts: Counter[str]) -> tuple[str, ...]:
    return tuple(sorted(counts, key=lambda value: (-counts[value], value)))


@lru_cache(maxsize=20_000)
def _char_spaces(char: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A given-name character's pinyin readings and the loose sounds of all readings,
    main readings first (they are the ones kept when a long name's keys are capped)."""
    readings = char_readings(char)
    main = primary_readings(char).get("pinyin", frozenset())
    pinyins = tuple(sorted(readings.get("pinyin", ()), key=lambda p: (p not in main, p)))
    main_sounds = {loose_key(p) for p in main}
    sounds = tuple(
        sorted(
            {loose_key(r) for forms in readings.values() for r in forms},
            key=lambda sound: (sound not in main_sounds, sound),
        )
    )
    return pinyins, sounds


@lru_cache(maxsize=20_000)
def _char_system_readings(char: str) -> dict[str, tuple[str, ...]]:
    """A given-name character's readings per system, Mandarin's rare heteronyms left to
    the sound keys (蕊 is rui here, not also juan: names are written from the main one)."""
    return {system: tuple(sorted(forms)) for system, forms in primary_readings(char).items()}


def _combine(heads: set[str], space: str, options: list[list[str]]) -> set[str]:
    combos = 1
    for choice in options:
        combos *= max(1, len(choice))
    if combos > MAX_KEYS_PER_SPACE:
        options = [choice[:2] for choice in options]
    if not all(options):
        return set()
    tails = {" ".join(parts) for parts in product(*options)}
    return {f"{head}|{space}:{tail}" for head in heads for tail in tails}


def _han_keys(analysis: NameAnalysis) -> set[str]:
    family, given = analysis.han_family, analysis.han_given
    if not family or not given:
        return set()
    if lookup_surname(family) is not None:
        heads = {family}
    else:
        heads = {"~" + " ".join(_char_spaces(c)[1][0] for c in family)}
        if len(family) == 1:
            heads |= {"~" + sound for sound in _char_spaces(family)[1]}
    spaces = [_char_spaces(c) for c in given]
    keys = _combine(heads, "m", [list(s[0]) for s in spaces]) | _combine(
        heads, "d", [list(s[1]) for s in spaces]
    )
    # Exact readings, one system at a time: "Hui Chiu Fan" is 许超凡 in Hong Kong spelling.
    per_char = [_char_system_readings(c) for c in given]
    for system in set().union(*per_char):
        keys |= _combine(heads, "x", [list(r.get(system, ())) for r in per_char])
    return keys


def _word_splits(word: Word) -> list[list[str]]:
    """The ways a word can be read as Chinese syllables, likeliest first, with
    Wade-Giles apostrophes dropped rather than split at ("Ch'ao-fan" → chao, fan); empty
    for a word that is not made of them."""
    if word.western or word.initial or len(word.raw) > MAX_SYLLABLE_WORD:
        return []
    per_piece: list[tuple[tuple[str, ...], ...]] = []
    for folded in unbroken_pieces(word.raw):
        options = segmentations(folded)
        if not options:
            return []
        per_piece.append(options)
    if not per_piece:
        return []
    combos = islice(product(*per_piece), MAX_SPLITS_PER_WORD)
    return [[syllable for split in combo for syllable in split] for combo in combos]


def _surname_heads(syllables: list[str]) -> set[str]:
    sound = " ".join(loose_key(s) for s in syllables)
    heads = set(_surnames_by_sound().get(sound, ()))
    if len(syllables) == 1:
        heads.add("~" + sound)
    return heads


def _latin_keys(analysis: NameAnalysis) -> set[str]:
    keys = _keys_of_words(analysis.words)
    if any(_syllable_letter(word) for word in analysis.words):
        read_whole = tuple(
            replace(word, initial=False, syllabic=True) if _syllable_letter(word) else word
            for word in analysis.words
        )
        keys |= _keys_of_words(read_whole)
    return keys


def _syllable_letter(word: Word) -> bool:
    return word.initial and word.pieces[0] in _SYLLABLE_LETTERS


def _keys_of_words(all_words: tuple[Word, ...]) -> set[str]:
    parsed = [(w, _word_splits(w)) for w in all_words]
    keys = _keys_of_parsed(parsed)
    # A word with a typo reads as no syllables, or as more than a name's word has
    # ("Lnig", "Shulig"): the name with it read as corrected meets the person too, in the
    # sound spaces only (a guess is no exact spelling).
    unread = [k for k, (w, splits) in enumerate(parsed) if _typo_candidate(w, splits, parsed)]
    if len(unread) == 1:
        k = unread[0]
        corrected = _corrected_splits(parsed[k][0])
        if corrected:
            keys |= _keys_of_parsed(_with_splits(parsed, k, corrected), exact=False)
    # A slip in a family name may still read as syllables ("Guoo" gu-o, "Zhaung"
    # zha-ung): the name with the surname it slipped from meets the person too.
    readable = [k for k, (_, splits) in enumerate(parsed) if splits]
    if len(readable) > 1:
        # Family positions among the words read as syllables, as `_keys_of_syllables`
        # counts them ("John Guoo Ni": Guoo is first).
        for position in _family_positions([parsed[k][0] for k in readable]):
            k = readable[position]
            for surname in _unslipped_surnames(parsed[k][0]):
                keys |= _keys_of_parsed(_with_splits(parsed, k, [surname.split()]), exact=False)
    return keys


def _with_splits(
    parsed: list[tuple[Word, list[list[str]]]], k: int, splits: list[list[str]]
) -> list[tuple[Word, list[list[str]]]]:
    """`parsed` with word k read as `splits` instead."""
    return [(word, splits if i == k else options) for i, (word, options) in enumerate(parsed)]


@cache
def _surnames_unspaced() -> dict[str, str]:
    """A table surname's spelling with its syllables run together → as the table spaces it."""
    return {spelling.replace(" ", ""): spelling for spelling in _surnames_by_spelling()}


@lru_cache(maxsize=50_000)
def _unslipped_surnames(word: Word) -> tuple[str, ...]:
    """The surname spellings a word that spells none is one slip of the pen from: a
    doubled letter ("Huangg") or two letters swapped ("Zhaung")."""
    piece = None if word.western or word.initial else _correctable_piece(word)
    spellings = _surnames_unspaced()
    if piece is None or len(piece) < 3 or piece in spellings:
        return ()
    undone = {piece[:i] + piece[i + 1 :] for i in range(len(piece) - 1) if piece[i] == piece[i + 1]}
    undone |= {
        piece[:i] + piece[i + 1] + piece[i] + piece[i + 2 :]
        for i in range(len(piece) - 1)
        if piece[i] != piece[i + 1]
    }
    return tuple(sorted(spellings[u] for u in undone if u in spellings))


def _typo_candidate(word: Word, splits: list[list[str]], parsed: list) -> bool:
    if word.western or word.initial:
        return False
    return not _fits_a_name(splits, among_others=len(parsed) > 1)


def _fits_a_name(splits: list[list[str]], among_others: bool) -> bool:
    """Whether a word reads as part of a Chinese name: as syllables, one or two of them
    beside other words (three or more there are a Western name the given-name list does
    not know, "Queenie", or another language's word: "Gholam Ali MOHAMMADI")."""
    return bool(splits) and (len(splits[0]) <= 2 or not among_others)


def _correctable_piece(word: Word) -> str | None:
    """The word as the one piece a clerical error is undone in (not a hyphenated one)."""
    pieces = unbroken_pieces(word.raw)
    return pieces[0] if len(pieces) == 1 and len(word.raw) <= MAX_SYLLABLE_WORD else None


def _corrected_splits(word: Word) -> list[list[str]]:
    """`_word_splits` of a word with one clerical error undone (`corrected_readings`)."""
    piece = _correctable_piece(word)
    return [list(reading) for reading in corrected_readings(piece)] if piece else []


def _keys_of_parsed(parsed: list[tuple[Word, list[list[str]]]], exact: bool = True) -> set[str]:
    words = [w for w, splits in parsed if splits]
    splits = [options for _, options in parsed if options]
    if len(words) > 1:
        kept = [i for i, options in enumerate(splits) if _fits_a_name(options, True)]
        words = [words[i] for i in kept]
        splits = [splits[i] for i in kept]
    if not words or (len(words) == 1 and max(len(s) for s in splits[0]) < 2):
        return set()
    if len(words) == 1 and len(parsed) > 1 and not any(w.western or w.initial for w, _ in parsed):
        # One word read as a whole name ("Xuchaofan") only when nothing but a Western
        # given name or an initial stands beside it: "Ali" of "Ali GHANEM" is no 阿丽.
        return _misspelt_family_keys(parsed) if exact else set()
    keys: set[str] = set()
    for syllables in islice(product(*splits), MAX_SPLITS_PER_NAME):
        keys |= _keys_of_syllables(words, list(syllables), exact)
    if exact:
        keys |= _misspelt_family_keys(parsed)
    return keys


def _misspelt_family_keys(parsed: list[tuple[Word, list[list[str]]]]) -> set[str]:
    """A family name with a typo is no syllable ("WNG YU CHIU", "LNI, RONGHENG") and
    drops out of the other keys; its initial with the given name's letters (the `@` key
    of the spelling without the typo) still meets it."""
    if len(parsed) < 2:
        return set()
    keys: set[str] = set()
    for position in _family_positions([word for word, _ in parsed]):
        word, splits = parsed[position]
        letters = "".join(word.pieces)
        if splits or word.western or word.initial or not 2 <= len(letters) <= 7:
            continue
        others = [options for i, (_, options) in enumerate(parsed) if i != position]
        if all(others):
            keys.add(_initial_key(letters, [s for options in others for s in options[0]]))
    return keys


def _family_positions(words: list[Word]) -> list[int]:
    """Where a one-word family name can stand: the word marked as the family (a comma,
    capitals), else the first or the last."""
    hinted = [i for i, w in enumerate(words) if w.family_hint]
    return hinted[:1] if hinted else sorted({0, len(words) - 1})


def _initial_key(family: str, given: list[str]) -> str:
    """The family name's initial and the given name's letters: meets a typo in the
    family name and any spacing of the given name."""
    return f"@{family[0]}#{''.join(given)}"


def _keys_of_syllables(
    words: list[Word], syllables: list[list[str]], exact: bool = True
) -> set[str]:
    """Keys of Latin words read as the given syllables, for each place the family name
    can stand (with `exact` off, the sound keys only)."""
    candidates: list[tuple[int, ...]] = [(i,) for i in _family_positions(words)]
    if len(words) >= 3:
        # A compound surname written as two words, first or last ("Au Yeung Na Na").
        for pair in ((0, 1), (len(words) - 2, len(words) - 1)):
            parts = [syllables[i] for i in pair]
            if all(len(p) == 1 for p in parts) and any(
                len(head) == 2 for head in _surname_heads([p[0] for p in parts])
            ):
                candidates.append(pair)
    pinyin_of = _pinyin_of_spelling()
    keys: set[str] = set()
    for positions in candidates:
        if len(words) == 1:
            # One run-together word ("Xuchaofan"): the first syllable is the family.
            family, given = syllables[0][:1], syllables[0][1:]
        else:
            family = [s for i in positions for s in syllables[i]]
            given = [s for i, parts in enumerate(syllables) if i not in positions for s in parts]
        if not given:
            continue
        heads = _surname_heads(family)
        mandarin = [list(pinyin_of.get(s, ())) for s in given]
        keys |= _combine(heads, "m", mandarin)
        keys |= _combine(heads, "d", [[loose_key(s)] for s in given])
        if not exact:
            continue
        # An exact key reads the family name only as a system spells it: "Than" sounds
        # like Tan (陈) but no system writes 陈 so, and "Than Win" is not "Tin Win".
        spelt = _surnames_by_spelling().get(" ".join(family), frozenset())
        exact_heads = {head for head in heads if head[0] == "~" or head in spelt}
        keys |= _combine(exact_heads, "x", [[s] for s in given])
        letters = "".join(given)
        keys |= {f"{head}#{letters}" for head in heads}
        keys.add(_initial_key(family[0], given))
    return keys


def _sounds(tokens: Sequence[str], korean: bool = False) -> str:
    """The sound of some words of a name: metaphones, or a Korean name's syllables'
    sounds (metaphone keeps a leading vowel: "Un" and "Eun" would not meet)."""
    if korean:
        return " ".join(sorted(korean_sound(token) for token in tokens))
    return " ".join(sorted(metaphone(token) or token for token in tokens))


def _word_keys(analysis: NameAnalysis) -> set[str]:
    """Keys of a Latin name that is not a romanised Chinese one ("Vladimir Putin",
    "Isabel dos Santos", "Nancy Xu"), in any word order: all its words as written
    (``w=``, the whole name) and as they sound (``w~``, metaphone: Mohammed and
    Muhammad); and every two of its words one of which is its family name, written and
    sounded (``w:``, a part of the name, where "Vladimir Vladimirovich Putin" meets
    "Vladimir Putin"); and the same with two given names joined (`_joined_keys`). A
    Korean or Burmese name has its whole-name keys only (a Korean one by
    `korean_sound`).

    A Chinese name with a Western given name ("Raymond Lam Ka Ming") has the keys of its
    Chinese part and no word keys: two of its syllables are not its name."""
    if analysis.chinese_name:
        return set()
    tokens = sorted(analysis.tokens[:MAX_WORD_TOKENS])
    if len(tokens) < 2:
        return set()
    keys = {f"w={' '.join(tokens)}", f"w~{_sounds(tokens, analysis.korean)}"}
    if analysis.burmese or analysis.korean:
        # A Burmese name has no family name and a Korean one no middle name: two of its
        # words are two strangers' too ("Khin Maung Oo", "Khin Maung Yi"; "Ri Song
        # Hyok", "Ri Chun Song"). Only the whole name pairs them, given names joined or not.
        return keys | _joined_keys(analysis, _family_tokens(analysis) if analysis.korean else set())
    family = _family_tokens(analysis)
    for pair in combinations(tokens, 2):
        # Two given names ("Sergei Anatolyevich", "Major General") are shared by
        # strangers: a part of the name that pairs records holds its family name.
        if family and family.isdisjoint(pair):
            continue
        keys |= {f"w:{' '.join(pair)}", f"w:~{_sounds(pair, analysis.korean)}"}
    return keys | _joined_keys(analysis, family)


def _joined_keys(analysis: NameAnalysis, family: set[str]) -> set[str]:
    """Keys of a name with two adjacent given names (words not in `family`) joined, as
    another record may write them ("Ali Reza BALALI", "Alireza Balali"; "Kim Jong Un",
    "Kim Jongun"): the whole name, and, where it has more words than those two, each
    family word with the joined one."""
    keys: set[str] = set()
    written = analysis.tokens[:MAX_WORD_TOKENS]
    for k in range(len(written) - 1):
        if family & {written[k], written[k + 1]}:
            continue
        joined = sorted([*written[:k], written[k] + written[k + 1], *written[k + 2 :]])
        keys |= {f"w={' '.join(joined)}", f"w~{_sounds(joined, analysis.korean)}"}
        if len(joined) > 2:  # two words are the whole name, keyed above
            keys |= {f"w:{' '.join(sorted([written[k] + written[k + 1], f]))}" for f in family}
    return keys


def _family_tokens(analysis: NameAnalysis) -> set[str]:
    """The tokens of a name's family name: its word marked as one (a comma, capitals),
    else its last word (its first in a Korean name)."""
    hinted = [w for w in analysis.words if w.family_hint and not w.initial]
    named = [w for w in analysis.words if not w.initial]
    words = hinted or (named[:1] if analysis.korean else named[-1:])
    if analysis.korean:
        return {piece for word in words for piece in unbroken_pieces(word.raw)}
    return {piece for word in words for piece in word.pieces} & set(analysis.tokens)


def _reads_as_chinese(analysis: NameAnalysis) -> bool:
    """Whether a Latin name can be a romanised Chinese one: `chinese_name`, or syllables
    enough for a family and a given name beside at most one short word no syllable
    spells (a typo: "LNI, RONGHENG"; apostrophes read as Wade-Giles: "Hsü Ch'ao-fan")
    or one that reads with a clerical error undone ("Kwok Wai Lnig"), not a word such
    as "Yuriy" or "Borisovich"."""
    if analysis.chinese_name:
        return True
    if analysis.korean or analysis.burmese:
        return False
    readable: list[int] = []
    unreadable: list[tuple[Word, int]] = []
    core = analysis.core_words
    for position, word in enumerate(core):
        splits = _word_splits(word)
        if _fits_a_name(splits, among_others=len(core) > 1):  # as in `chinese_name`
            readable.append(len(splits[0]))
        else:
            unreadable.append((word, position))
    if len(unreadable) == 1 and readable and (piece := _correctable_piece(unreadable[0][0])):
        # One word with a typo that reads once corrected, beside a family and a given
        # syllable ("Kwok Wai Lnig") or, for a common slip, beside one ("HON, SHULIG";
        # not "Sandy Lin", whose Western name is one changed letter from san-da).
        fixed = corrected_readings(piece)
        if fixed and (sum(readable) >= 2 or (slip_of_the_pen(piece) and len(fixed[0]) == 2)):
            return True
    # A letter that is a whole syllable is one of the name's: "YU, I" is 余义.
    readable.extend(1 for word in analysis.words if _syllable_letter(word))
    # A typo stands where a family name does, first or last; one inside is another
    # language's word ("ly yzdy khwah").
    return (
        sum(readable) >= 2
        and len(unreadable) <= 1
        and all(len(w.raw) <= 4 and p in (0, len(core) - 1) for w, p in unreadable)
    )


def keys_of(analysis: NameAnalysis) -> frozenset[str]:
    """Blocking keys of an analysed name."""
    if analysis.problem:
        return frozenset()
    # A Latin name that is not a Chinese one ("Yuriy DUKHIN", "Samer FOZ") has only its
    # word keys: read as Chinese syllables, its words give Han family names (杜, 沈) that
    # met other foreigners' and made "the same family name" of nothing.
    latin = _latin_keys(analysis) if _reads_as_chinese(analysis) else set()
    return frozenset(_han_keys(analysis) | latin | _word_keys(analysis))


@lru_cache(maxsize=200_000)
def name_keys(name: str) -> frozenset[str]:
    """Blocking keys of one person name (Han, Latin or both); empty when it has no
    usable family and given name."""
    return keys_of(analyze_name(name))


def bulk_analysis(name: str) -> NameAnalysis:
    """`analyze_name` for indexing many distinct names once each: nothing is cached per
    name (a cache of a million names' keys would hold gigabytes and never be hit)."""
    return analyze_name.__wrapped__(name)


def bulk_name_keys(name: str) -> frozenset[str]:
    """`name_keys` without per-name caches (see `bulk_analysis`)."""
    return keys_of(bulk_analysis(name))
