"""Blocking keys: every spelling of one name shares a key; different names do not."""

from __future__ import annotations

import pytest

from nohaven.names.analysis import corrected_readings, segmentations
from nohaven.names.keys import name_keys


@pytest.mark.parametrize(
    "spelling",
    ["Hui Chiu Fan", "Chaofan Xu", "XU Chaofan", "Hsu Chao-fan", "Hsü Ch'ao-fan", "許超凡"],
)
def test_every_romanisation_of_a_han_name_shares_a_key_with_it(spelling: str) -> None:
    assert name_keys("许超凡") & name_keys(spelling)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("LIU, YINGTIEH", "LAU, WING TIP"),  # Wade-Giles and Hong Kong, no Han between
        ("KUNG, TUNG YEN", "KUNG, DONGYAN"),  # Wade-Giles and pinyin
        ("YANG, HUNG WAN", "YANG, HUNGWAN"),  # spacing
        ("CHUENG, Kevin Pan Leung", "CHEUNG KEVIN PAN LEUNG"),  # typo in the family name
        ("Queenie Shue Huen Lim", "LIM, Shue Huen"),  # unknown Western name
        ("歐陽嵐", "OUYANG, Alice Lan"),  # compound surname, Western given name
        ("欧阳娜娜", "Au Yeung Na Na"),  # compound surname in two words, first
        ("司徒伟文", "Wai Man Sze To"),  # compound surname in two words, last
        # Many characters read "leung" and "kong": past the cap on keys, the readings
        # most characters share (liang, gang) must be the ones kept, not the first
        # alphabetically (jing, lia).
        ("CHEUNG, LEUNGKONG", "Patrick Liang-kang Chang"),
        ("CHEUNG, Leung Kong", "张良港"),
        # Joined given names without pinyin's apostrophe: ling'ai as well as lin-gai,
        # and zi-yan although "ziyan" is also close to one Hakka-like syllable.
        ("方玲爱", "LINGAI FANG"),
        ("黄紫艳", "HUANG, ZIYAN"),
        ("黄紫艳", "Ziyan Huang"),
        # A typo that leaves the family name no syllable at all.
        ("WNG YU CHIU", "WONG, Yu Chiu"),
        ("LNI, RONGHENG", "RONGHENG LIN"),
        # A lone letter that is a whole syllable (Wade-Giles "I", pinyin "E"), written
        # apart, against the same name joined or in Han characters.
        ("CHANG I CHUN", "I-chun Chang"),
        ("CHANG I CHUN", "张怡纯"),
        ("LI E YAN", "Li Eyan"),
        ("OU-YANG, I CHU", "ICHU OU-YANG"),
        ("CHOU, LU I", "周璐仪"),
    ],
)
def test_variants_without_a_han_record_still_meet(left: str, right: str) -> None:
    assert name_keys(left) & name_keys(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("许超凡", "许超明"),
        ("许超凡", "李超凡"),
        ("Chan Tai Man", "Wong Tai Man"),
        ("王伟", "Li Na"),
    ],
)
def test_different_people_share_no_key(left: str, right: str) -> None:
    assert not name_keys(left) & name_keys(right)


def test_a_lone_syllable_letter_is_also_read_as_an_initial() -> None:
    # "CHANG I CHUN" may be Chang Chun with a middle initial: both readings keep keys.
    assert name_keys("CHANG I CHUN") & name_keys("CHANG CHUN")
    assert name_keys("CHANG I CHUN") & name_keys("I-chun Chang")
    # A consonant is only ever an initial.
    assert not name_keys("CHANG K CHUN") & name_keys("Kai-chun Chang")


@pytest.mark.parametrize("name", ["", "   ", "J. Lee", "12345", "李", "Kevin", "Smith"])
def test_names_without_family_and_given_parts_have_no_keys(name: str) -> None:
    assert name_keys(name) == frozenset()


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Vladimir Putin", "PUTIN, Vladimir Vladimirovich"),
        ("Владимир Путин", "Vladimir Putin"),  # Cyrillic, transliterated
        ("Isabel dos Santos", "SANTOS, Isabel Dos"),
        ("Mohammed bin Salman", "Muhammad Bin Salman"),  # by sound
        ("Νίκος Παππάς", "Nikos Pappas"),
        ("Nancy Xu", "XU, Nancy"),  # a Western given name and a Chinese family name
        ("Smyth, Kevin", "Kevin Smyth"),
        # A family name of three syllables is no Chinese one, whatever the rest reads.
        ("Ali Reza BALALI", "Reza Balali"),
    ],
)
def test_names_that_are_not_chinese_meet_by_their_words(left: str, right: str) -> None:
    shared = name_keys(left) & name_keys(right)
    assert any(key.startswith("w") for key in shared), (left, right)


@pytest.mark.parametrize(
    ("left", "right"),
    [("Vladimir Putin", "Vladimir Popov"), ("Isabel dos Santos", "Maria dos Santos")],
)
def test_other_people_with_one_word_in_common_share_no_word_key(left: str, right: str) -> None:
    shared = name_keys(left) & name_keys(right)
    assert not any(key.startswith("w") for key in shared)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        # A given name and a patronymic, or a rank, are shared by strangers.
        ("Sergei Anatolyevich LEBEDEV", "Sergei Anatolyevich GAVRILOV"),
        ("Major General Ahmed AL-JARROUCHEH", "Major General Ghassan AFIF"),
        # Read as Chinese syllables, foreign words gave Han family names (杜, 余).
        ("Yuriy DUKHIN", "Julia BARANOVSKAYA"),
        ("Alexander Borisovich KOGAN", "Kang Chol Su"),
        # "Ali" alone, beside words that are no Chinese name, is no 阿丽 run together.
        ("Ali GHANEM", "Gholam Ali MOHAMMADI"),
    ],
)
def test_strangers_with_a_different_family_name_share_no_key(left: str, right: str) -> None:
    assert not name_keys(left) & name_keys(right)


def test_an_exact_key_reads_the_family_name_only_as_a_system_spells_it() -> None:
    # "Than" sounds like Tan (陈), so the two share sound keys, but no system writes 陈
    # "Than": they share no exact key, while "Tin" (陈 in Hokkien) keeps its own.
    shared = name_keys("Than Win") & name_keys("Tin Win")
    assert shared and not any("|x:" in key for key in shared)
    assert "陈|x:win" in name_keys("Tin Win")


def test_a_foreign_name_has_no_keys_of_a_chinese_family_name() -> None:
    assert all(key.startswith("w") for key in name_keys("Yuriy DUKHIN"))


def test_romanised_chinese_names_get_no_word_keys() -> None:
    # Their own keys read them; pairs of syllables would only duplicate those.
    for name in ("Xu Chaofan", "Hui Chiu Fan", "LEE Hsien Loong", "T. S. Wong"):
        assert not any(key.startswith("w") for key in name_keys(name)), name


@pytest.mark.parametrize(
    ("word", "reading"),
    [
        ("lingai", ("ling", "ai")),
        ("lingai", ("lin", "gai")),
        ("ziyan", ("zi", "yan")),
        # Hong Kong and Wade-Giles given names are joined too.
        ("chingwoon", ("ching", "woon")),
        ("yuethim", ("yuet", "him")),
        ("tani", ("tan", "i")),
    ],
)
def test_a_joined_word_is_read_every_likely_way(word: str, reading: tuple[str, ...]) -> None:
    assert reading in segmentations(word)


@pytest.mark.parametrize("word", ["lee", "chan", "xian"])
def test_a_known_syllable_is_not_split_further(word: str) -> None:
    assert segmentations(word) == ((word,),)


@pytest.mark.parametrize(
    ("joined", "han"),
    [("TONG, CHINGWOON", "唐菁媛"), ("LAU, YUETHIM", "刘月谦"), ("LI, HSIAOI", "李晓宜")],
)
def test_a_joined_given_name_shares_an_exact_key_with_its_han_form(joined: str, han: str) -> None:
    shared = name_keys(joined) & name_keys(han)
    assert any("|x:" in key for key in shared), shared


@pytest.mark.parametrize(("latin", "han"), [("YU, I", "余义"), ("U YU", "余裕")])
def test_a_letter_that_is_a_syllable_makes_a_name_of_two(latin: str, han: str) -> None:
    # Wade-Giles "I" and Macau "U" are whole syllables, not initials, beside one word.
    assert any("|x:" in key for key in name_keys(latin) & name_keys(han))


def test_rare_mandarin_readings_make_sound_keys_not_exact_ones() -> None:
    exact = {key for key in name_keys("张蕊") if "|x:" in key}
    assert any(key.endswith(":rui") for key in exact)
    assert not any(key.endswith(":juan") for key in exact)  # 蕊 is read juan only rarely
    assert name_keys("张蕊") & name_keys("Zhang Juan")  # still met, in the sound space


def test_names_of_western_given_names_alone_have_word_keys() -> None:
    assert name_keys("Paul Martin") & name_keys("MARTIN, Paul")


def test_a_long_word_in_another_script_makes_few_keys_quickly() -> None:
    # Transliterated Hangul runs together ("gagaga..."): no reading of it as syllables.
    assert len(name_keys("가" * 30)) <= 2


def test_two_given_names_written_as_one_word_share_a_key() -> None:
    assert name_keys("Alireza Balali") & name_keys("Ali Reza BALALI")
    # Joining never reaches the family name: "Reza Balali" is no "Rezabalali".
    assert not name_keys("Ali Rezabalali") & name_keys("Ali Reza BALALI")


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("lnig", ("ling",)),  # two letters swapped
        ("huagn", ("huang",)),
        ("shulig", ("shu", "ling")),  # a letter dropped from the second of two syllables
        ("shhuk", ("shuk",)),  # a letter doubled
        ("chaofna", ("chao", "fan")),
    ],
)
def test_a_word_with_one_clerical_error_reads_as_corrected_first(
    written: str, meant: tuple[str, ...]
) -> None:
    assert corrected_readings(written)[0] == meant


@pytest.mark.parametrize("word", ["chaofan", "ling", "vladimir", "karimova", "li"])
def test_words_that_read_or_are_far_from_any_syllable_are_not_corrected(word: str) -> None:
    assert corrected_readings(word) == ()


@pytest.mark.parametrize(
    ("typo", "han"),
    [
        ("KWOK, Wai Lnig", "郭伟玲"),  # the given name's last syllable
        ("HON, SHULIG", "韩淑玲"),  # a given name of two syllables run together
        ("LEE, SHHUK CHUNG", "李淑中"),
        ("Wnog Shue Tai", "王树泰"),  # the family name
        # A family name whose slip still reads as syllables: gu-o, huang-g, zha-ung.
        ("Guoo Ni", "郭妮"),
        ("HUANGG FEN", "黄芬"),
        ("ZHAUNG, YUNYU", "庄芸裕"),
    ],
)
def test_a_name_with_a_typo_shares_a_sound_key_with_its_han_form(typo: str, han: str) -> None:
    shared = name_keys(typo) & name_keys(han)
    assert shared
    # A corrected spelling is a guess: it makes sound keys, never exact ones.
    assert not any("|x:" in key for key in shared)


def test_a_family_name_that_is_a_surname_is_not_taken_for_a_slip() -> None:
    # "Liu" (刘) swapped is "Lui" (吕 in Hong Kong): a surname as written is no slip.
    assert not any(key.startswith("吕|") for key in name_keys("Liu Wei"))
    # A Western given name before the slip does not move where the family name stands.
    assert name_keys("John Guoo Ni") & name_keys("郭妮")


def test_a_foreign_name_is_not_corrected_into_a_chinese_one() -> None:
    # "Sandy" is one changed letter from san-da, "Lopez" one letter more than lo-pe: not
    # the slips that make a typo likelier than another language's word.
    for name in ("Maria Lopez", "Yuriy DUKHIN", "Vladimir Putin", "Sandy Lin", "Lopez Tan"):
        assert all(key.startswith("w") for key in name_keys(name)), name
