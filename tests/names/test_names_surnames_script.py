"""The surname table and simplified/traditional conversion of names."""

from __future__ import annotations

import pytest

from nohaven.names import (
    SURNAMES,
    lookup_surname,
    regional_forms,
    simplified_name,
    split_han_name,
    to_simplified,
    to_traditional,
    traditional_name,
)


def test_table_is_large_and_unique() -> None:
    assert len(SURNAMES) >= 40
    simplified = [s.simplified for s in SURNAMES]
    assert len(simplified) == len(set(simplified))
    assert sum(s.is_compound for s in SURNAMES) >= 4


@pytest.mark.parametrize(
    ("han", "form"),
    [
        ("陈", "Tan"),
        ("王", "Ong"),
        ("王", "Heng"),
        ("黄", "Ng"),
        ("黄", "Ooi"),
        ("张", "Teo"),
        ("许", "Koh"),
        ("许", "Khoo"),
        ("吴", "Goh"),
        ("林", "Lim"),
        ("郑", "Tay"),
        ("蔡", "Chua"),
        ("杨", "Yeo"),
        ("刘", "Liew"),
        ("欧阳", "Aw Yong"),
    ],
)
def test_regional_forms(han: str, form: str) -> None:
    assert form in regional_forms(han)


def test_lookup_accepts_both_scripts() -> None:
    assert lookup_surname("許") is lookup_surname("许")
    assert lookup_surname("歐陽") is lookup_surname("欧阳")
    assert lookup_surname("X") is None
    assert regional_forms("X") == ()


@pytest.mark.parametrize(
    ("full", "parts"),
    [
        ("许超凡", ("许", "超凡")),
        ("欧阳修", ("欧阳", "修")),
        ("司馬光", ("司馬", "光")),
        ("王伟", ("王", "伟")),
        ("欧阳", ("欧", "阳")),  # two characters: a surname and a given name
    ],
)
def test_split_han_name(full: str, parts: tuple[str, str]) -> None:
    assert split_han_name(full) == parts


def test_split_refuses_single_character() -> None:
    with pytest.raises(ValueError, match="not a Han-script full name"):
        split_han_name("许")


def test_text_conversion() -> None:
    assert to_traditional("许超凡") == "許超凡"
    assert to_simplified("歐陽修") == "欧阳修"


def test_surnames_opencc_gets_wrong_are_fixed() -> None:
    # OpenCC alone would write 於, 餘 and 範.
    assert traditional_name("于", "建国") == ("于", "建國")
    assert traditional_name("余", "华") == ("余", "華")
    assert traditional_name("范", "冰冰") == ("范", "冰冰")
    assert simplified_name("歐陽", "修") == ("欧阳", "修")


def test_surname_readings_are_readings_of_their_characters() -> None:
    # Each surname reading must be one the dictionary knows, so that no typo in the
    # table invents a sound the character never has.
    from pypinyin import Style, pinyin

    from nohaven.names.surnames import _SURNAME_READINGS, surname_pinyin

    for simplified, traditional, reading, _ in _SURNAME_READINGS:
        assert reading in pinyin(simplified, style=Style.NORMAL, heteronym=True)[0]
        assert surname_pinyin(simplified) == surname_pinyin(traditional) == (reading,)
        assert lookup_surname(simplified) is None  # the table's own rows win
    assert surname_pinyin("曾") == ("zeng",)
    assert surname_pinyin("王") == ("wang",)
    assert surname_pinyin("超") is None


def test_hong_kong_surname_readings_are_of_surnames_read_apart() -> None:
    from nohaven.names.surnames import _SURNAME_READINGS, surname_hk, surname_pinyin

    spelt = [(s, t, hk) for s, t, _, hk in _SURNAME_READINGS if hk]
    assert len(spelt) == 5
    for simplified, traditional, hk in spelt:
        assert surname_pinyin(simplified) is not None  # a Mandarin surname reading too
        assert surname_hk(simplified) == surname_hk(traditional) == hk
    assert surname_hk("陈") == "Chan" and surname_hk("超") is None
