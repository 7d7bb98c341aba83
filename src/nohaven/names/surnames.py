"""Chinese surnames and the forms they take in foreign records.

A surname is the most stable part of a Chinese name across scripts and
romanisation systems, but it is also where general-purpose converters go
wrong: 曾 is read *Zeng* as a surname (not *ceng*), 单 *Shan* (not *dan*),
区 *Ou* (not *qu*); OpenCC turns the surname 于 into 於 and 范 into 範. This
table fixes the surname forms by hand so the rest of the name engine can rely
on them. It is data, kept as one literal table so that adding a surname is a
one-line change.

Columns: simplified, traditional, pinyin syllables (space separated for
compound surnames), Hong Kong government Cantonese, Macau government
Cantonese, and "/"-separated regional forms used in Singapore, Malaysia and
the overseas diaspora (Hokkien, Teochew, Hakka; commonest first).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Surname:
    """One Chinese surname and its conventional forms in foreign records."""

    simplified: str
    traditional: str
    pinyin: tuple[str, ...]  # syllables of the surname reading, lowercase, ü as "v"
    hk_cantonese: str  # Hong Kong government romanisation, e.g. "Au Yeung"
    macau_cantonese: str  # Macau government romanisation, e.g. "Ao Ieong"
    regional: tuple[str, ...]  # Hokkien / Teochew / Hakka / SG-MY forms, commonest first

    @property
    def is_compound(self) -> bool:
        """True for two-character surnames such as 欧阳 or 司马."""
        return len(self.simplified) > 1


# simplified, traditional, pinyin, Hong Kong, Macau, regional forms separated by "/"
_TABLE: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("王", "王", "wang", "Wong", "Wong", "Ong/Heng/Wong"),
    ("李", "李", "li", "Lee", "Lei", "Lee/Li"),
    ("张", "張", "zhang", "Cheung", "Cheong", "Teo/Teoh/Chong/Chang"),
    ("刘", "劉", "liu", "Lau", "Lao", "Lau/Liew/Low"),
    ("陈", "陳", "chen", "Chan", "Chan", "Tan/Chin/Chan"),
    ("杨", "楊", "yang", "Yeung", "Ieong", "Yeo/Yeoh/Yong"),
    ("黄", "黃", "huang", "Wong", "Vong", "Ng/Ooi/Wee/Wong"),
    ("赵", "趙", "zhao", "Chiu", "Chio", "Teo/Chew/Chiu"),
    ("吴", "吳", "wu", "Ng", "Ng", "Goh/Ng/Woo"),
    ("周", "周", "zhou", "Chow", "Chao", "Chew/Chow/Chiu"),
    ("徐", "徐", "xu", "Tsui", "Choi", "Chee/Chi/Tsui"),
    ("孙", "孫", "sun", "Suen", "Sun", "Soon/Sng/Suen"),
    ("马", "馬", "ma", "Ma", "Ma", "Beh/Mah/Ma"),
    ("朱", "朱", "zhu", "Chu", "Chu", "Choo/Chu"),
    ("胡", "胡", "hu", "Wu", "Wu", "Oh/Aw/Foo/Hu"),
    ("郭", "郭", "guo", "Kwok", "Kuok", "Kuek/Quek/Kwek/Kok"),
    ("何", "何", "he", "Ho", "Ho", "Ho/Hoh/Hor"),
    ("林", "林", "lin", "Lam", "Lam", "Lim/Lum/Lam"),
    ("罗", "羅", "luo", "Law", "Lo", "Loh/Lo/Law"),
    ("高", "高", "gao", "Ko", "Kou", "Koh/Kho/Ko"),
    ("郑", "鄭", "zheng", "Cheng", "Cheang", "Tay/Teh/Cheng/Chang/Chung"),
    ("梁", "梁", "liang", "Leung", "Leong", "Neo/Nio/Leong"),
    ("谢", "謝", "xie", "Tse", "Che", "Chia/Seah/Cheah"),
    ("宋", "宋", "song", "Sung", "Song", "Song/Soong"),
    ("唐", "唐", "tang", "Tong", "Tong", "Tng/Tong"),
    ("许", "許", "xu", "Hui", "Hoi", "Koh/Khoo/Kho/Khaw"),
    ("邓", "鄧", "deng", "Tang", "Tang", "Teng/Then/Tang"),
    ("冯", "馮", "feng", "Fung", "Fong", "Pang/Fong/Foong"),
    ("韩", "韓", "han", "Hon", "Hon", "Han/Hon"),
    ("曹", "曹", "cao", "Tso", "Chou", "Chow/Cho/Tsao"),
    ("曾", "曾", "zeng", "Tsang", "Chang", "Chan/Tsen/Chang"),
    ("彭", "彭", "peng", "Pang", "Pang", "Phang/Pang/Phung"),
    ("萧", "蕭", "xiao", "Siu", "Sio", "Seow/Siow/Siew"),
    ("蔡", "蔡", "cai", "Choi", "Choi", "Chua/Chai/Tsai"),
    ("潘", "潘", "pan", "Poon", "Pun", "Phua/Phoon/Pan"),
    ("田", "田", "tian", "Tin", "Tin", "Thian/Tian"),
    ("董", "董", "dong", "Tung", "Tong", "Tang/Tung"),
    ("袁", "袁", "yuan", "Yuen", "Un", "Wan/Yuen/Woon"),
    ("于", "于", "yu", "Yu", "U", "Ee/Yu/Yee"),
    ("余", "余", "yu", "Yu", "U", "Yee/Ee/Yu"),
    ("叶", "葉", "ye", "Yip", "Ip", "Yap/Yeap/Yip"),
    ("蒋", "蔣", "jiang", "Cheung", "Cheong", "Chiang/Chiong"),
    ("杜", "杜", "du", "To", "Tou", "Toh/Too/Tu"),
    ("苏", "蘇", "su", "So", "Sou", "Soh/Saw/Soo"),
    ("魏", "魏", "wei", "Ngai", "Ngai", "Gui/Ngui/Wei"),
    ("程", "程", "cheng", "Ching", "Cheng", "Teng/Ching"),
    ("吕", "呂", "lv", "Lui", "Loi", "Lu/Lui/Loo"),
    ("丁", "丁", "ding", "Ting", "Teng", "Teng/Ting"),
    ("沈", "沈", "shen", "Shum", "Sam", "Sim/Shum/Sin"),
    ("姚", "姚", "yao", "Yiu", "Io", "Yeow/Iau/Yao"),
    ("卢", "盧", "lu", "Lo", "Lou", "Loh/Lo/Lu"),
    ("钟", "鍾", "zhong", "Chung", "Chong", "Chong/Chng/Choong"),
    ("江", "江", "jiang", "Kong", "Kong", "Kang/Kong"),
    ("范", "范", "fan", "Fan", "Fan", "Huan/Fan/Fam"),
    ("邝", "鄺", "kuang", "Kwong", "Kuong", "Khong/Kwong"),
    ("单", "單", "shan", "Sin", "Sin", "Sin/Shan"),
    ("区", "區", "ou", "Au", "Au", "Au/Ow/Ou"),
    ("欧阳", "歐陽", "ou yang", "Au Yeung", "Ao Ieong", "Aw Yong/Auyong/Owyang"),
    ("司马", "司馬", "si ma", "Sze Ma", "Si Ma", "See Ma/Sima"),
    ("司徒", "司徒", "si tu", "Sze To", "Si Tou", "Seetoh/Szeto/See Toh"),
    ("上官", "上官", "shang guan", "Sheung Kwun", "Seong Kun", "Siang Kuan"),
    ("诸葛", "諸葛", "zhu ge", "Chu Kot", "Chu Kot", "Choo Kat"),
    ("东方", "東方", "dong fang", "Tung Fong", "Tong Fong", "Tang Hong"),
    # Added after the generator's frequency list; keep new rows at the end.
    ("孔", "孔", "kong", "Hung", "Hong", "Khong/Kung/Kong"),
    ("洪", "洪", "hong", "Hung", "Hong", "Ang/Hong/Foong"),
    ("庄", "莊", "zhuang", "Chong", "Chong", "Chng/Chuang/Ching"),
    ("方", "方", "fang", "Fong", "Fong", "Png/Hong/Fang"),
    ("温", "溫", "wen", "Wan", "Van", "Woon/Boon/Voon"),
    ("傅", "傅", "fu", "Fu", "Fu", "Poh/Foo/Hu"),
    ("邱", "邱", "qiu", "Yau", "Iao", "Khoo/Hew/Khew/Chiu"),
    ("黎", "黎", "li", "Lai", "Lai", "Lay/Le/Loy"),
    ("严", "嚴", "yan", "Yim", "Im", "Giam/Yam/Ngiam"),
    ("石", "石", "shi", "Shek", "Sek", "Chioh/Shih/Seok"),
    ("薛", "薛", "xue", "Sit", "Sit", "Seet/Hsueh/Siek"),
    ("龚", "龔", "gong", "Kung", "Kong", "Keng/Kung/Kiong"),
    ("廖", "廖", "liao", "Liu", "Lio", "Liew/Liow/Liau/Leow"),
    ("赖", "賴", "lai", "Lai", "Lai", "Lai/Lua/Nai"),
    ("丘", "丘", "qiu", "Yau", "Iao", "Khoo/Hew/Khew/Hiew"),
    ("巫", "巫", "wu", "Mo", "Mou", "Boo/Voo/Woo"),
)


# Characters read one way as a surname and another in ordinary words, where Mandarin
# converters give the word reading (薄 "bao", 解 "jie", 长 "zhang"): simplified,
# traditional, surname reading, and Hong Kong's spelling where Cantonese dictionaries
# lack it or put a word reading first (仇 is "Chau" in words, "Sau" as a surname).
_SURNAME_READINGS: tuple[tuple[str, str, str, str], ...] = (
    ("薄", "薄", "bo", ""),
    ("仇", "仇", "qiu", "Sau"),
    ("查", "查", "zha", ""),
    ("解", "解", "xie", "Hai"),
    ("朴", "朴", "piao", ""),
    ("盖", "蓋", "ge", ""),
    ("乐", "樂", "yue", "Ngok"),
    ("覃", "覃", "qin", ""),
    ("缪", "繆", "miao", "Miu"),
    ("翟", "翟", "zhai", ""),
    ("种", "種", "chong", ""),
    ("秘", "秘", "bi", ""),
    ("繁", "繁", "po", ""),
    ("员", "員", "yun", ""),
    ("召", "召", "shao", ""),
    ("句", "句", "gou", ""),
    ("折", "折", "she", ""),
    ("阚", "闞", "kan", ""),
    ("能", "能", "nai", ""),
    ("便", "便", "pian", ""),
    ("祭", "祭", "zhai", ""),
    ("都", "都", "du", ""),
    ("洗", "洗", "xian", "Sin"),
    ("藏", "藏", "zang", ""),
    ("长", "長", "chang", ""),
    ("重", "重", "chong", ""),
    ("卜", "卜", "bu", ""),
    ("隗", "隗", "wei", ""),
)


def _build(row: tuple[str, str, str, str, str, str]) -> Surname:
    simplified, traditional, pinyin, hk, macau, regional = row
    return Surname(
        simplified=simplified,
        traditional=traditional,
        pinyin=tuple(pinyin.split()),
        hk_cantonese=hk,
        macau_cantonese=macau,
        regional=tuple(regional.split("/")),
    )


SURNAMES: tuple[Surname, ...] = tuple(_build(row) for row in _TABLE)
"""Every surname in the table, commonest (mainland frequency) roughly first."""


@cache
def _index() -> dict[str, Surname]:
    index: dict[str, Surname] = {}
    for surname in SURNAMES:
        # Keyed by Han script in both forms; setdefault keeps the first entry if a
        # traditional form ever coincides with another row's simplified one.
        index.setdefault(surname.simplified, surname)
        index.setdefault(surname.traditional, surname)
    return index


@cache
def _readings_index() -> dict[str, tuple[str, str]]:
    """Both script forms of each polyphonic surname → (pinyin reading, Hong Kong's)."""
    index: dict[str, tuple[str, str]] = {}
    for simplified, traditional, reading, hk in _SURNAME_READINGS:
        index[simplified] = index[traditional] = (reading, hk)
    return index


def surname_hk(han: str) -> str | None:
    """Hong Kong's spelling of `han` read as a surname: the table's, or a polyphonic
    character's that dictionaries miss (解 → Hai); None when neither says."""
    surname = lookup_surname(han)
    if surname is not None:
        return surname.hk_cantonese
    _, hk = _readings_index().get(han, ("", ""))
    return hk or None


def surname_pinyin(han: str) -> tuple[str, ...] | None:
    """Pinyin syllables of `han` read as a surname, where that differs from a
    converter's word reading: the table's, or a polyphonic character's (薄 → bo)."""
    surname = lookup_surname(han)
    if surname is not None:
        return surname.pinyin
    found = _readings_index().get(han)
    return (found[0],) if found else None


def lookup_surname(han: str) -> Surname | None:
    """Return the table entry for a surname in simplified or traditional script."""
    return _index().get(han)


def split_han_name(full_name: str) -> tuple[str, str]:
    """Split a Han-script full name into (family, given).

    Compound surnames from the table (欧阳, 司马, …) take two characters; any
    other name takes its first character as the surname. This is the usual
    convention for mainland names and is wrong only for rare compound
    surnames missing from the table, which is why the table is easy to extend.
    """
    name = full_name.strip().replace(" ", "").replace("·", "")
    if len(name) < 2:
        raise ValueError(f"not a Han-script full name: {full_name!r}")
    if len(name) > 2 and lookup_surname(name[:2]) is not None:
        return name[:2], name[2:]
    return name[:1], name[1:]


def regional_forms(han: str) -> tuple[str, ...]:
    """Regional (Hokkien/Teochew/Hakka, Singapore-Malaysia) forms of a surname, or ()."""
    surname = lookup_surname(han)
    return surname.regional if surname else ()
