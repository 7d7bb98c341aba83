"""Korean and Burmese names in Latin letters: recognised, and never read as Chinese."""

from __future__ import annotations

import pytest

from nohaven.names import compare_names
from nohaven.names.analysis import analyze_name
from nohaven.names.keys import name_keys
from nohaven.names.korean import korean_sound

# Pairs of different people from the EU's sanctions lists (North Korea, Myanmar) that
# merged when their names were read as Chinese syllables.
STRANGERS = [
    ("Ko Chol Man", "Pak Il Kyu"),
    ("Choe Song Il", "CHOE Song Chol"),
    ("KIM Chun-sop", "Kim Chol Sam"),
    ("Ri Pyong Chul", "Min Byong Chol"),
    ("RI Sin Song", "Ri U’n So’ng"),
    ("Khin Maung Oo", "Khin Maung Yi"),
    ("Aung Hlaing Oo", "Aung Lwin Oo"),
    ("Thant Zin Oo", "Kan Zaw"),
    ("Moe Aung", "Aung Moe Myint"),
]


@pytest.mark.parametrize(
    "name", ["Ko Chol Man", "RI Pyong Chol", "Choe Son Hui", "KIM Chun-sop", "Park Bong Ju"]
)
def test_korean_names_are_recognised_and_not_chinese(name: str) -> None:
    analysis = analyze_name(name)
    assert analysis.korean
    assert not analysis.chinese_name
    assert analysis.foreign_name


@pytest.mark.parametrize("name", ["Khin Maung Oo", "Min Aung Hlaing", "U Thant Zin Oo"])
def test_burmese_names_are_recognised_and_not_chinese(name: str) -> None:
    analysis = analyze_name(name)
    assert analysis.burmese
    assert not analysis.chinese_name


@pytest.mark.parametrize(
    "name", ["Hui Chiu Fan", "Chan Tai Man", "Lee Hsien Loong", "Xu Chaofan", "Tan Ah Kow"]
)
def test_chinese_names_are_neither(name: str) -> None:
    analysis = analyze_name(name)
    assert not analysis.korean
    assert not analysis.burmese
    assert analysis.chinese_name


@pytest.mark.parametrize(("left", "right"), STRANGERS)
def test_strangers_with_korean_or_burmese_names_do_not_match(left: str, right: str) -> None:
    assert not compare_names(left, right).match
    # Nothing but the whole name, or a family name with one given word, may pair them.
    assert not {k for k in name_keys(left) & name_keys(right) if not k.startswith("w:")}


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Kim Jong Un", "KIM Jong-un"),
        ("Kim Jong Un", "Kim Jeong Eun"),
        ("KIM Jong Un", "Jong-Un Kim"),
        ("Ri Pyong Chul", "Ri Byong Chol"),
        ("Park Bong Ju", "PARK Pong-ju"),
        ("Min Aung Hlaing", "MIN AUNG HLAING"),
    ],
)
def test_spellings_of_one_korean_or_burmese_name_match_and_share_a_key(
    left: str, right: str
) -> None:
    assert compare_names(left, right).match
    assert any(key.startswith(("w=", "w~")) for key in name_keys(left) & name_keys(right))


def test_a_burmese_name_has_only_whole_name_keys() -> None:
    # No family name: two of its words are two strangers' too.
    assert all(key.startswith(("w=", "w~")) for key in name_keys("Khin Maung Oo"))


def test_a_korean_name_is_keyed_whole_with_its_given_name_joined_or_not() -> None:
    # A Korean name has no middle name: "Ri Song Hyok" and "Ri Chun Song" share two
    # words and nothing else.
    assert not name_keys("Ri Song Hyok") & name_keys("Ri Chun Song")
    assert name_keys("Kim Jong Un") & name_keys("Kim Jongun")
    assert name_keys("Kim Jong Un") & name_keys("Jong-Un KIM")


@pytest.mark.parametrize(
    ("spellings", "sound"),
    [
        (("jong", "jung", "jeong", "chong"), "jong"),
        (("un", "eun"), "on"),
        (("lee", "yi", "rhee", "ri"), "ri"),
        (("park", "pak", "bak"), "pak"),
        (("chol", "cheol", "chul"), "jol"),
    ],
)
def test_korean_spellings_of_one_syllable_sound_alike(
    spellings: tuple[str, ...], sound: str
) -> None:
    assert {korean_sound(s) for s in spellings} == {sound}


@pytest.mark.parametrize(
    ("hangul", "latin"),
    [
        ("김정은", "Kim Jong Un"),
        ("리병철", "Ri Pyong Chol"),
        ("최선희", "Choe Son Hui"),
        ("이병철", "Lee Byung-chul"),
        ("박봉주", "Pak Pong Ju"),
    ],
)
def test_a_name_in_hangul_matches_its_romanisations(hangul: str, latin: str) -> None:
    # Each syllable a word, as romanised names write them (ICU alone ran them together).
    assert analyze_name(hangul).korean
    assert compare_names(hangul, latin).match


def test_a_korean_given_name_missing_a_syllable_is_another_name() -> None:
    assert not compare_names("Kim Jong Un", "Kim Jong").match
    assert not compare_names("김정은", "김여정").match
