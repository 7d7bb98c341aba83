"""Romanised Burmese names, recognised so that they are not read as Chinese ones.

A Burmese name ("Khin Maung Oo", "Aung Hlaing Oo", "Min Aung Hlaing") has no family
name: every word is one syllable of the person's own name, so two people sharing two of
three words are strangers. Read as Chinese, "Oo" was a family name (于) and "Khin Maung
Oo" and "Khin Maung Yi" the same person. A name recognised here is compared word for
word and keyed by all its words together. The table lists the syllables Burmese names
are made of, as Myanmar's own romanisation writes them; honorifics (U, Daw, Ko, Ma) are
among them, since lists write them as part of the name.
"""

from __future__ import annotations

from collections.abc import Sequence

from nohaven.names.readings import fold_latin, syllable_index

BURMESE_NAME_WORDS: frozenset[str] = frozenset(
    """
    aung aye ba bo chan chit cho daw ei gyi hein hla hlaing hlwan hmwe hnin hsan hsu htay
    htein htet htike htin htoo htun htut hwe kan kaung khaing khant khin khine kho ko kyaw
    kyi kyaing kyu lay lin lwin ma maung may min mo moe mya myat myint myo nanda nang naing
    naung nay ngwe nu nwe nyan nyein nyi nyo nyunt ohn oo paing phyo pyae pyi pyone sai san
    sandar saw sein shwe sithu soe su swe than thant thar thaung thein thet thi thida thin
    thu thura thuzar tin tint tun u wai win wint yadanar yan ye yee yi yin yu zan zar zaw
    zayar zeya zin banyar
    """.split()  # noqa: SIM905 (a word list reads and diffs better as text)
)


def is_burmese_name(words: Sequence[str]) -> bool:
    """Whether Latin words (as written) are a romanised Burmese name: two words or
    more, every one a Burmese name syllable, and one at least that no Chinese system
    spells as one syllable (Aung, Maung, Myint, Kyaw, Hlaing, Thant)."""
    if len(words) < 2:
        return False
    folded = []
    for word in words:
        folded.append(fold_latin(word))
        if folded[-1] not in BURMESE_NAME_WORDS:
            return False
    index = syllable_index()
    return any(len(word) > 1 and not index.is_syllable(word) for word in folded)
