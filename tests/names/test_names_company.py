"""Company names as keys: one key whatever the case, script or legal form, and across
scripts the reading a mainland company's English name gives its Chinese one."""

from __future__ import annotations

import pytest

from nohaven.names.company import (
    company_key,
    has_legal_form,
    legal_name_key,
    romanised_company_key,
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Bright Crystal Industrial Limited", "bright crystal industrial"),
        ("BRIGHT CRYSTAL INDUSTRIAL LTD.", "bright crystal industrial"),
        ("光明实业有限公司", "光明实业"),
        ("富華實業有限責任公司", "富华实业"),  # a Hong Kong register's script
        ("長江實業（集團）有限公司", "长江实业"),
        ("Ltd.", ""),
        ("Sun Rich L.L.C.", "sun rich"),
        ("Kowloon Pearl Pte. Ltd.", "kowloon pearl"),
        ("Kowloon Pearl Private Limited", "kowloon pearl"),
        # Legal forms of other languages, spelt out or abbreviated, in their own script.
        ('Общество с ограниченной ответственностью "Ромашка"', "romashka"),
        ("ООО «Ромашка»", "romashka"),
        ("Limited Liability Company “Romashka”", "romashka"),
        ("„Inter Tobacco“, společnost s ručením omezeným", "inter tobacco"),
        ("Дружество с ограничена отговорност „Inter Tobacco“", "inter tobacco"),
        ("Siemens Aktiengesellschaft", "siemens"),
        ("JSC NPO IZHMASH", "izhmash"),
        # Words that are a legal form somewhere, inside or leading a name, stay.
        ("SAS Institute Inc", "sas institute"),
        ("Spa Resort Ltd", "spa resort"),
        ("Pay As You Go Ltd", "pay as you go"),
        ("AB Foods Ltd", "ab foods"),
    ],
)
def test_company_keys_ignore_case_script_punctuation_and_legal_form(name: str, key: str) -> None:
    assert company_key(name) == key


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("深圳富华实业有限公司", "Shenzhen Fuhua Industrial Co., Ltd."),
        ("深圳富華實業有限公司", "SHENZHEN FU HUA INDUSTRY CO LTD"),
        ("北京字节跳动科技有限公司", "Beijing Zijie Tiaodong Technology Co., Ltd."),
        ("恒泰投资(香港)有限公司", "Hengtai Investment (Hong Kong) Limited"),
        ("华为技术有限公司", "Huawei Technologies Co., Ltd."),
    ],
)
def test_a_chinese_name_reads_as_its_english_name(chinese: str, english: str) -> None:
    key = romanised_company_key(chinese)
    assert key and key == romanised_company_key(english)


def test_romanised_keys_keep_different_names_apart_and_refuse_short_ones() -> None:
    assert romanised_company_key("深圳富华实业有限公司") != romanised_company_key(
        "深圳富华投资有限公司"
    )
    assert romanised_company_key("华有限公司") == ""  # "hua": a lead for everything
    assert romanised_company_key("Ltd.") == ""


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ("HENG TAI CO. LTD.", "Heng Tai Company Limited", True),
        (
            "Heng Tai Harvest Investment (Hong Kong) Limited",
            "HENG TAI HARVEST INVESTMENT (HONG KONG) LTD",
            True,
        ),
        ("Sun Rich Resources L.L.C.", "SUN RICH RESOURCES LLC", True),
        ("Kowloon Pearl Pte. Ltd.", "KOWLOON PEARL PRIVATE LIMITED", True),
        ("Kowloon Pearl PLC", "Kowloon Pearl Public Limited Company", True),
        ("Ｇｏｌｄｅｎ Ｃａｐｉｔａｌ Ｉｎｃ．", "Golden Capital Inc", True),
        ("Heng Tai Capital LLC", "Heng Tai Capital Limited", False),
        ("Kai Wah Development Limited", "Kai Wah Development Company Limited", False),
        ("太原新时代投资有限公司", "太原新时代投资有限责任公司", False),
        ("富華實業有限責任公司", "富华实业有限责任公司", True),
    ],
)
def test_legal_names_keep_the_legal_form_and_forgive_its_spelling(
    left: str, right: str, same: bool
) -> None:
    assert (legal_name_key(left) == legal_name_key(right)) is same


def test_a_cyrillic_company_name_meets_its_transliteration() -> None:
    assert company_key("ООО Газпром") == company_key("OOO Gazprom") != ""
    assert company_key("ПАО Сбербанк") != company_key("ПАО Газпром")


@pytest.mark.parametrize(
    ("name", "stated"),
    [("ООО Ромашка", True), ("АО Концерн Калашников", True), ("Ромашка", False)],
)
def test_a_legal_form_in_another_language_is_one(name: str, stated: bool) -> None:
    assert has_legal_form(name) is stated
