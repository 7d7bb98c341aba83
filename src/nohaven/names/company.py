"""Company names as keys: the same name whatever its case, script or legal form.

`company_key` sets aside case, punctuation, legal form and the traditional/simplified
split. `romanised_company_key` goes across scripts: a mainland company's English name
is, by convention, the pinyin of its Chinese trade name with its trade words translated
(深圳富华实业有限公司 is "Shenzhen Fuhua Industrial Co., Ltd."), so the Chinese name is
read that way (the trade words from a table, everything else in pinyin) and both sides
are written without spaces ("Fu Hua" and "Fuhua" alike). Pinyin drops tones, so 富华 and
福华 share a key: a lead, weaker than the same characters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from rigour.names import extract_org_types, remove_org_types

from nohaven.names.analysis import HAN_CHARACTERS, has_other_script, romanise_other_scripts
from nohaven.names.script import to_simplified

# Legal-form words that say nothing about which company it is ("private limited" and
# "public limited company" whole: "Pte. Ltd." and "PLC" spelt out).
_COMPANY_NOISE = re.compile(
    r"\b(private limited|public limited company|limited|ltd|llc|inc|incorporated|corp|"
    r"corporation|co|company|plc|pte|pvt|sdn|bhd|gmbh|sa|ag|bv|lp|llp|the)\b"
)
_SPELT_OUT = re.compile(r"\b(private limited|public limited company)\b")  # rigour: "limited"
_LEGAL_FORM = re.compile(_COMPANY_NOISE.pattern.replace("|the)", ")"))
_JOINED_INITIALS = re.compile(r"\b(?:[a-z]\.){2,}")  # "l.l.c." → "llc"
_HAN_COMPANY_NOISE = re.compile(r"(有限责任公司|有限公司|股份|公司|集团|有限)")
_HAN = re.compile(f"[{HAN_CHARACTERS}]")
_HAN_RUN = re.compile(f"[{HAN_CHARACTERS}]+")

# Trade words as mainland companies translate them in their English names, and the
# English spellings of each, to one token. Longest first when read.
_TRADE_WORDS: dict[str, str] = {
    "进出口": "importexport",
    "房地产": "realestate",
    "科技": "technology",
    "技术": "technology",
    "实业": "industrial",
    "工业": "industrial",
    "投资": "investment",
    "贸易": "trading",
    "商贸": "trading",
    "发展": "development",
    "控股": "holdings",
    "国际": "international",
    "置业": "property",
    "地产": "property",
    "电子": "electronics",
    "建设": "construction",
    "工程": "engineering",
    "咨询": "consulting",
    "管理": "management",
    "物流": "logistics",
    "网络": "network",
    "信息": "information",
    "能源": "energy",
    "文化": "culture",
    "传媒": "media",
    "医药": "pharmaceutical",
    "制药": "pharmaceutical",
    "生物": "biotech",
    "环保": "environmental",
    "资产": "asset",
    "金融": "financial",
    "银行": "bank",
    "保险": "insurance",
    "证券": "securities",
    "基金": "fund",
    "资本": "capital",
    "香港": "hongkong",
    "澳门": "macau",
}
_ENGLISH_WORDS: dict[str, str] = {
    "tech": "technology",
    "technologies": "technology",
    "scitech": "technology",
    "industry": "industrial",
    "industries": "industrial",
    "invest": "investment",
    "investments": "investment",
    "trade": "trading",
    "holding": "holdings",
    "intl": "international",
    "properties": "property",
    "electronic": "electronics",
    "pharma": "pharmaceutical",
    "pharmaceuticals": "pharmaceutical",
    "finance": "financial",
    "hk": "hongkong",
    "group": "",  # 集团 is set aside with the legal form
    "macao": "macau",
}
_TRADE_PATTERN = re.compile("|".join(sorted(_TRADE_WORDS, key=len, reverse=True)))
_MIN_ROMANISED = 6  # letters; shorter keys ("hua") match too much to be a lead


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w]+", " ", text).split()


def written_in_han(name: str) -> bool:
    """Whether a company name has Han characters: two such names that differ are two
    names however alike their readings (商贸 and 贸易 are both "trading")."""
    return _HAN.search(name) is not None


def _lower(name: str) -> str:
    return unicodedata.normalize("NFKC", name).lower()


@lru_cache(maxsize=200_000)
def company_text(name: str) -> str:
    """A company name in one form: full-width letters and brackets as ASCII, lower case,
    other scripts than Latin and Han transliterated, initials joined ("L.L.C." → "llc"),
    Han characters simplified (a Hong Kong register writes 富華實業, a mainland one
    富华实业)."""
    text = _lower(name)
    if has_other_script(text):
        text = romanise_other_scripts(text).lower()  # ООО Газпром is "OOO Gazprom"
    text = _JOINED_INITIALS.sub(lambda m: m.group(0).replace(".", ""), text)
    return to_simplified(text) if _HAN.search(text) else text


# Legal-form words as registers and clerks abbreviate them, to one spelling each.
_FORM_SPELLINGS = {
    "ltd": "limited",
    "co": "company",
    "corp": "corporation",
    "inc": "incorporated",
    "pte": "private",
    "plc": "public limited company",
}


@lru_cache(maxsize=200_000)
def legal_name_key(name: str) -> str:
    """A company's full legal name without case, punctuation or abbreviation, legal form
    kept ("HENG TAI CO. LTD." and "Heng Tai Company Limited" → "heng tai company
    limited"; "Heng Tai LLC" stays apart). Han names are only simplified: 有限公司 and
    有限责任公司 are two registered names."""
    words = _words(company_text(name))
    return " ".join(_FORM_SPELLINGS.get(word, word) for word in words)


def has_legal_form(name: str) -> bool:
    """Whether a company name states its legal form ("Limited", "LLC", 有限公司, ООО)."""
    text = company_text(name)
    return bool(
        _HAN_COMPANY_NOISE.search(text)
        or _LEGAL_FORM.search(" ".join(_words(text)))
        or extract_org_types(_lower(name))
    )


@lru_cache(maxsize=200_000)
def _without_legal_form(name: str) -> str:
    """A company name, in its own script, without the legal forms rigour (FtM's
    normalisation library) knows in some forty languages: "Общество с ограниченной
    ответственностью" and "ООО", "Aktiengesellschaft", "společnost s ručením omezeným".
    Before transliteration, where the forms are still words of their language.

    Only at either end, where names carry them, and one Latin word at the front only
    if it is a form that leads names (JSC, OOO): "SAS Institute", "Spa Resort" and "Pay
    As You Go" keep their words."""
    words = _SPELT_OUT.sub(" ", _lower(name)).split()
    stripped = True
    while stripped and len(words) > 1:
        stripped = False
        for size in range(min(_MAX_FORM_WORDS, len(words) - 1), 0, -1):
            if _is_legal_form(words[-size:]):
                words, stripped = words[:-size], True
                break
            if _is_legal_form(words[:size]) and (
                size > 1 or not words[0].isascii() or " ".join(_words(words[0])) in _LEADING_FORMS
            ):
                words, stripped = words[size:], True
                break
    return " ".join(words)


_MAX_FORM_WORDS = 5  # "общество с ограниченной ответственностью": four
# Latin forms that lead a name (Russian and Ukrainian ones, transliterated).
_LEADING_FORMS = frozenset(
    {"jsc", "ojsc", "cjsc", "pjsc", "ooo", "oao", "zao", "pao", "ao", "llc", "tov", "pat", "npo"}
)


def _is_legal_form(words: list[str]) -> bool:
    """Whether the words are, punctuation aside, wholly a legal form rigour knows."""
    text = " ".join(_words(" ".join(words)))
    return bool(text) and not remove_org_types(text, replacement=" ").strip()


@lru_cache(maxsize=200_000)
def company_key(name: str) -> str:
    """A company name without case, script, punctuation or legal form ("Bright Crystal
    Ltd." → "bright crystal"; 富華實業有限公司 → "富华实业"; ООО «Ромашка» → "romashka")."""
    text = _HAN_COMPANY_NOISE.sub("", company_text(_without_legal_form(name)))
    text = re.sub(r"[^\w]+", " ", text)
    text = _COMPANY_NOISE.sub(" ", text)
    return " ".join(text.split())


def _read_han(run: str) -> str:
    """A run of Han characters as its English name would write it."""
    out: list[str] = []
    position = 0
    for found in _TRADE_PATTERN.finditer(run):
        out += lazy_pinyin(run[position : found.start()], style=Style.NORMAL, errors="ignore")
        out.append(_TRADE_WORDS[found.group(0)])
        position = found.end()
    out += lazy_pinyin(run[position:], style=Style.NORMAL, errors="ignore")
    return "".join(out)


@lru_cache(maxsize=200_000)
def romanised_company_key(name: str) -> str:
    """A company name in Latin letters without spaces, legal form or case, Chinese read
    as its English name would be written (深圳富華實業有限公司 and "Shenzhen Fu Hua
    Industry Co. Ltd" → "shenzhenfuhuaindustrial"); "" when too short to be a lead."""
    text = company_text(_without_legal_form(name))
    if _HAN.search(text):
        text = _HAN_COMPANY_NOISE.sub(" ", text)
        text = _HAN_RUN.sub(lambda m: " " + _read_han(m.group(0)) + " ", text)
    words = _COMPANY_NOISE.sub(" ", re.sub(r"[^\w]+", " ", text)).split()
    key = "".join(_ENGLISH_WORDS.get(word, word) for word in words)
    return key if len(key) >= _MIN_ROMANISED and key.isascii() else ""
