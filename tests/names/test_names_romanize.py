"""Romanisation of Han names in the systems foreign records use."""

from __future__ import annotations

import pytest

from nohaven.names import (
    SURNAMES,
    SYSTEMS,
    RomanisedName,
    all_romanisations,
    romanize_full_name,
    romanize_name,
    romanize_surname,
)


@pytest.mark.parametrize(
    ("system", "expected"),
    [
        ("pinyin", "Xu Chaofan"),
        ("wade_giles", "Hsu Chao-fan"),
        ("hk_cantonese", "Hui Chiu Fan"),
    ],
)
def test_xu_chaofan_in_every_system(system: str, expected: str) -> None:
    assert romanize_name("许", "超凡", system).render() == expected


def test_traditional_input_romanises_like_simplified() -> None:
    for system in SYSTEMS:
        assert romanize_full_name("許超凡", system) == romanize_full_name("许超凡", system)


def test_parts_are_kept() -> None:
    name = romanize_name("许", "超凡", "pinyin")
    assert name == RomanisedName("Xu", "Chaofan", "pinyin", ("Chao", "Fan"))


@pytest.mark.parametrize(
    ("order", "given_style", "upper", "expected"),
    [
        ("family_first", "system", False, "Xu Chaofan"),
        ("family_last", "system", False, "Chaofan Xu"),
        ("comma", "system", True, "XU, Chaofan"),
        ("family_last", "spaced", False, "Chao Fan Xu"),
        ("family_first", "hyphenated", True, "XU Chao-fan"),
    ],
)
def test_render_layouts(order: str, given_style: str, upper: bool, expected: str) -> None:
    name = romanize_name("许", "超凡", "pinyin")
    assert name.render(order, given_style, upper) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("han", "pinyin", "wade_giles", "hk"),
    [
        ("曾", "Zeng", "Tseng", "Tsang"),  # not "ceng"
        ("单", "Shan", "Shan", "Sin"),  # not "dan"
        ("区", "Ou", "Ou", "Au"),  # not "qu"
        ("欧阳", "Ouyang", "Ou-yang", "Au Yeung"),
        ("司马", "Sima", "Ssu-ma", "Sze Ma"),
        ("吕", "Lyu", "Lu", "Lui"),  # ü as on passports
        ("陈", "Chen", "Chen", "Chan"),
    ],
)
def test_surname_readings(han: str, pinyin: str, wade_giles: str, hk: str) -> None:
    assert romanize_surname(han, "pinyin") == pinyin
    assert romanize_surname(han, "wade_giles") == wade_giles
    assert romanize_surname(han, "hk_cantonese") == hk


@pytest.mark.parametrize(
    ("full", "pinyin", "wade_giles", "hk"),
    [
        ("薄熙来", "Bo Xilai", "Po Hsi-lai", "Pok Hay Loi"),  # converters read 薄 "bao"
        ("解振华", "Xie Zhenhua", "Hsieh Chen-hua", "Hai Chan Wa"),  # not "jie", "Kai"
        ("仇和", "Qiu He", "Chiu Ho", "Sau Wo"),  # not "chou", "Chau"
        ("樂嘉", "Yue Jia", "Yueh Chia", "Ngok Ka"),  # traditional form, not "le", "Lok"
    ],
)
def test_characters_read_apart_as_surnames(
    full: str, pinyin: str, wade_giles: str, hk: str
) -> None:
    assert romanize_full_name(full, "pinyin").render() == pinyin
    assert romanize_full_name(full, "wade_giles").render() == wade_giles
    assert romanize_full_name(full, "hk_cantonese").render() == hk


def test_compound_surname_split_from_full_name() -> None:
    name = romanize_full_name("欧阳修", "pinyin")
    assert (name.family, name.given) == ("Ouyang", "Xiu")
    assert romanize_full_name("司馬光", "wade_giles").render() == "Ssu-ma Kuang"


def test_hk_cantonese_prefers_government_spellings() -> None:
    # The package lists "faan", "fan", "farn"; Hong Kong identity cards print "Fan".
    assert romanize_name("陈", "国华", "hk_cantonese").render() == "Chan Kwok Wa"
    assert romanize_name("李", "嘉诚", "hk_cantonese").render() == "Lee Ka Shing"


def test_every_table_surname_romanises_in_every_system() -> None:
    for surname in SURNAMES:
        for system in SYSTEMS:
            assert romanize_surname(surname.simplified, system)
            assert romanize_surname(surname.traditional, system) == romanize_surname(
                surname.simplified, system
            )


def test_all_romanisations_covers_systems() -> None:
    forms = all_romanisations("许", "超凡")
    assert set(forms) == set(SYSTEMS)
    assert {form.system for form in forms.values()} == set(SYSTEMS)


def test_unknown_system_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown romanisation system"):
        romanize_name("许", "超凡", "klingon")


def test_non_han_given_name_is_refused() -> None:
    with pytest.raises(ValueError, match="no pinyin reading"):
        romanize_name("许", "Bob", "pinyin")
