"""The comparator on forms whose systems are documented (not the benchmark's names)."""

import pytest

from nohaven.names.analysis import analyze_name
from nohaven.names.compare import (
    DEFAULT_THRESHOLD,
    PersonRecord,
    compare_names,
    compare_people,
)
from nohaven.names.parts import name_from_parts


@pytest.mark.parametrize(
    ("left", "right", "system"),
    [
        ("许超凡", "Xu Chaofan", "pinyin"),
        ("许超凡", "Chaofan XU", "pinyin"),
        ("许超凡", "XU, Chao Fan", "pinyin"),
        ("許超凡", "Hsu Chao-fan", "wade_giles"),
        ("许超凡", "Hui Chiu Fan", "hk_cantonese"),
        ("许超凡", "Heoi Ciu Faan", "jyutping"),
        ("张国强", "Cheong Kuok Keong", "macau"),
        ("陈志明", "Tan Chee Beng", "regional"),
    ],
)
def test_han_against_each_system(left: str, right: str, system: str) -> None:
    result = compare_names(left, right)
    assert result.match, result.explain()
    assert result.score >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Hsu Chao-fan", "Xu Chaofan"),  # Wade-Giles and pinyin meet at 许超凡
        ("Hui Chiu Fan", "Xu Chaofan"),  # Cantonese and pinyin
        ("Chao Fan Xu", "XU Chaofan"),  # order and joining
        ("Nancy Chiu Fan Hui", "许超凡"),  # a Western given name added
        ("Xu Chaofam", "许超凡"),  # one typo
    ],
)
def test_same_person_across_systems(left: str, right: str) -> None:
    assert compare_names(left, right).match, compare_names(left, right).explain()


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("王伟", "王伟明"),  # one name contained in another
        ("王伟", "Wang Weiming"),
        ("王伟", "Wang Wei-ming"),
        ("张伟", "Zhang Hua"),  # shared surname
        ("刘伟", "柳伟"),  # homophone surname, different character
        ("陈建国", "陈建华"),  # siblings sharing a generation character
        ("Chen Jianguo", "Chen Jianhua"),
        ("许超凡", "Li Ming"),
    ],
)
def test_hard_negatives_stay_below_threshold(left: str, right: str) -> None:
    result = compare_names(left, right)
    assert not result.match, result.explain()


def test_explanation_names_system_and_parts() -> None:
    text = compare_names("许超凡", "Nancy Chiu Fan Hui").explain()
    assert "hk_cantonese" in text and "nancy: extra" in text


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "12345", "\x00\x01", "!!!", "x" * 10_000, "Xu\u200bChaofan", "Иван Петров"],
)
def test_bad_input_scores_zero_or_works_never_raises(bad: str) -> None:
    result = compare_names(bad, "许超凡")
    assert 0.0 <= result.score <= 1.0
    if analyze_name(bad).problem:
        assert result.score == 0.0 and result.reason


def test_qualifiers() -> None:
    same = compare_people(
        PersonRecord("许超凡", "1963-05-02"), PersonRecord("Xu Chaofan", "1963-05-02")
    )
    other_year = compare_people(
        PersonRecord("许超凡", "1963-05-02"), PersonRecord("Xu Chaofan", "1971-05-02")
    )
    swapped = compare_people(
        PersonRecord("许超凡", "1963-05-02"), PersonRecord("Xu Chaofan", "1963-02-05")
    )
    assert same.match and not other_year.match and swapped.match
    assert other_year.score < swapped.score <= same.score
    other_gender = compare_people(
        PersonRecord("许超凡", gender="male"), PersonRecord("Xu Chaofan", gender="female")
    )
    assert not other_gender.match


@pytest.mark.parametrize(
    ("left", "right", "matches"),
    [
        ("ß", "许超凡", False),  # letters only outside the name systems: score 0, no error
        ("Søren Larsen", "Soren Larsen", True),  # ø folds to o
        ("Ｗａｎｇ Ｗｅｉ", "王伟", True),  # full-width Latin letters
    ],
)
def test_unusual_letters(left: str, right: str, matches: bool) -> None:
    result = compare_names(left, right)
    assert result.match is matches, result.explain()


def test_a_rare_mandarin_reading_still_matches_but_ranks_below_the_main_one() -> None:
    # 方 is also read wang and 蕊 juan in dictionaries; names are written from the main
    # reading, so "Chuan Wang" is 王全 before it is 方蕊.
    main = compare_names("CHUAN WANG", "王全")
    rare = compare_names("CHUAN WANG", "方蕊")
    assert main.score == 1.0 and rare.score < main.score
    assert any("rare reading" in step.how for step in rare.steps)
    # A name given from a character's other reading (乐 yue, not le) is still found.
    assert DEFAULT_THRESHOLD <= compare_names("Yue Zhang", "张乐").score < 1.0
    assert compare_names("Le Zhang", "张乐").score == 1.0


def test_a_surname_read_apart_from_its_word_reading_is_a_main_reading() -> None:
    # 薄 is "bao" in words but Bo as a surname; 乐 as a surname is Yue (and still Le).
    assert compare_names("Bo Xilai", "薄熙来").score == 1.0
    # Hong Kong writes 解 as a surname "Hai", which Cantonese dictionaries leave out.
    assert compare_names("HAI, Chun Wah", "解振华").score == 1.0
    assert compare_names("Yue Jia", "乐嘉").score == compare_names("Le Jia", "乐嘉").score == 1.0
    # Only in the family position: a given name 薄 keeps its word reading first.
    assert compare_names("Wang Bo", "王薄").score < compare_names("Wang Bao", "王薄").score


@pytest.mark.parametrize(
    ("latin", "one_system", "two_systems", "mixed_part"),
    [
        # "chen" is 辰 in pinyin but 珍 only in Wade-Giles, after pinyin's "cong".
        ("Ng Congchen", "黄聪辰", "黄聪珍", "given name"),
        # "hao" is 巧 only in Macau's spelling; "wen" 雯 is Mandarin.
        ("CHANG, HAO-WEN", "张豪文", "张巧雯", "given name"),
        ("WANG, JUNLIN", "王俊林", "王进灵", "given name"),
        # Zhang is Mandarin; "hong" is 康 only in Cantonese, 弘 in pinyin.
        ("ZHANG HONG SHAN", "张弘山", "张康山", "surname and given name"),
        # "Gui" is 魏 in Hokkien; "li" is 磊 only in Hakka, 桂 and 李 in pinyin.
        ("LI GUI", "李桂", "魏磊", "surname and given name"),
    ],
)
def test_a_name_read_in_one_system_ranks_above_one_read_in_two(
    latin: str, one_system: str, two_systems: str, mixed_part: str
) -> None:
    consistent = compare_names(latin, one_system)
    mixed = compare_names(two_systems, latin)
    assert consistent.score == 1.0 and consistent.reason is None
    assert mixed.match and mixed.score < consistent.score
    assert mixed.reason is not None
    assert mixed.reason.startswith(f"{mixed_part} ")
    assert "more than one romanisation system" in mixed.reason


def test_system_consistency_leaves_family_names_and_dialect_mixes_alone() -> None:
    # A surname keeps its family's old spelling ("Ng", Hokkien) over a pinyin given
    # name; Hong Kong, Macau and Jyutping spellings are one family of systems.
    assert compare_names("Ng Congchen", "黄聪辰").score == 1.0
    assert compare_names("Hui Chiu Fan", "许超凡").score == 1.0
    assert compare_names("Li Hsueh Hsiao", "萧莉雪").score == 1.0


def test_a_regional_surname_keeps_a_pinyin_cantonese_or_wade_giles_given_name() -> None:
    # Singapore and Malaysia keep the dialect surname over a pinyin given name, Taiwan
    # its "Lee" over a Wade-Giles one.
    assert compare_names("TEO, Xuequn", "赵学群").score == 1.0
    assert compare_names("Chan Xiaoming", "陈小明").score == 1.0
    lee = compare_names("Lee Teng-hui", "李登辉")
    assert lee.score == 1.0 and lee.read_in == {"wade_giles"}


def test_wade_giles_keeps_the_final_ai() -> None:
    # pypinyin writes lai as "lei" in Wade-Giles; 赖清德 is Lai Ching-te.
    lai = compare_names("Lai Ching-te", "賴清德")
    assert lai.score == 1.0 and lai.read_in == {"wade_giles"}
    assert compare_names("Hai Tao", "海涛").score == 1.0


def test_a_jyutping_only_spelling_ranks_below_a_documents_spelling() -> None:
    # "zi" is 子 in pinyin, 志 only in Jyutping (Hong Kong writes "Chi").
    documents = compare_names("Zi Liew", "刘子")
    jyutping = compare_names("Zi Liew", "刘志")
    assert documents.score == 1.0
    assert jyutping.match and jyutping.score < documents.score
    assert jyutping.reason is not None and "Jyutping" in jyutping.reason


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Владимир Путин", "PUTIN, Vladimir Vladimirovich"),  # script, order, patronymic
        ("Gulnara Karimova", "Gulnara Karimov"),
        ("Alisher Usmanov", "Alisher Usmanow"),
        ("Muhammad bin Salman", "Mohammed bin Salman"),
        ("Isabel dos Santos", "Isabel Santos"),
        ("Najib Razak", "Najib Abdul Razak"),
        ("Nancy Xu", "Nancy Hsu"),  # 许 in pinyin and Wade-Giles beside a Western name
        ("J. Smith", "John Smith"),
        ("CEHN, YOUYUE", "Chen Youyue"),  # a typo makes the name foreign-looking
        # A particle opening a family name written first, in any case.
        ("dos Santos, Isabel", "Isabel dos Santos"),
        ("DOS SANTOS Isabel", "Isabel dos Santos"),
        ("VAN DER MERWE, Johan", "Johan van der Merwe"),
        ("DE LA CRUZ, Juan", "Juan de la Cruz"),
        # Cyrillic as English-language lists romanise it (BGN/PCGN), each alphabet its own.
        ("Михаил Ходорковский", "Mikhail Khodorkovsky"),
        ("Борис Ельцин", "Boris Yeltsin"),
        ("ЗАХАРОВ Александр", "Aleksandr Zakharov"),
        ("Евгений Пригожин", "Yevgeny Prigozhin"),
        ("Юлія Тимошенко", "Yulia Tymoshenko"),  # Ukrainian
        ("Аляксандр Лукашэнка", "Aliaksandr Lukashenka"),  # Belarusian
        # One Cyrillic word reads one way, whatever the other words' alphabet.
        ("Григоренко Олег", "Григоренко Олег Іванович"),
        ("Гнатюк Григорій", "Гнатюк Григорий"),
    ],
)
def test_names_that_are_not_chinese_match_word_for_word(left: str, right: str) -> None:
    result = compare_names(left, right)
    assert result.match and result.method == "words", result.explain()


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Vladimir Putin", "Boris Putin"),
        ("Ferdinand Marcos", "Imelda Marcos"),
        ("Jose Eduardo dos Santos", "Isabel dos Santos"),
        ("John K. Smith", "John R. Smith"),
        ("Nancy Xu", "Mary Xu"),
        ("Kevin Le", "Kevin Do"),  # Le and Do are surnames here, not particles
        ("Putin", "Vladimir Putin"),  # a family name alone, though it reads as pu-tin
        ("Le Van Thanh", "Thanh"),
    ],
)
def test_other_people_sharing_a_word_do_not(left: str, right: str) -> None:
    result = compare_names(left, right)
    assert result.score < 0.7, result.explain()


@pytest.mark.parametrize("name", ["12345", "---", "☃☃"])
def test_a_name_with_no_letters_is_reported_as_unreadable(name: str) -> None:
    assert analyze_name(name).problem == "no letters that can be read"


def test_other_scripts_are_read_in_latin_letters() -> None:
    analysis = analyze_name("Νίκος Παππάς")
    assert analysis.problem is None
    assert analysis.tokens == ("nikos", "pappas")


def test_word_for_word_scores_the_same_both_ways_round() -> None:
    for left, right in [("John A Smith", "John Smith Brown"), ("Putin Vladimir", "V. Putin")]:
        assert compare_names(left, right).score == compare_names(right, left).score


def test_a_cyrillic_soft_sign_does_not_split_a_word() -> None:
    assert compare_names("Ольга Иванова", "Olga Ivanova").score == 1.0
    assert len(analyze_name("Наталья Петрова").tokens) == 2
    assert compare_names("Наталья Петрова", "Natalya Petrova").match


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("dos Santos, Isabel", ("santos", "isabel")),
        ("VAN DER MERWE, Johan", ("merwe", "johan")),
        ("Le, Van Thanh", ("le", "thanh")),  # a family name alone is not a particle
        ("Kevin Le", ("kevin", "le")),
    ],
)
def test_particles_leave_a_name_only_inside_it(name: str, tokens: tuple[str, ...]) -> None:
    assert analyze_name(name).tokens == tokens


def test_capitals_that_are_a_particle_are_not_initials() -> None:
    words = analyze_name("DOS SANTOS Isabel").words
    assert [w.raw for w in words if w.initial] == []


@pytest.mark.parametrize(
    ("parts", "name"),
    [
        ({"firstName": ["Isabel"], "lastName": ["dos Santos"]}, "dos Santos, Isabel"),
        (
            {"firstName": ["Vladimir"], "fatherName": ["Vladimirovich"], "lastName": ["Putin"]},
            "Putin, Vladimir Vladimirovich",
        ),
        ({"firstName": ["超凡"], "lastName": ["许"]}, "许超凡"),
        ({"lastName": ["Xu"]}, "Xu"),
        ({"firstName": [" "], "middleName": []}, None),
    ],
)
def test_a_name_is_composed_from_its_parts(parts: dict, name: str | None) -> None:
    assert name_from_parts(parts) == name


@pytest.mark.parametrize("name", ["Du De Wei", "Du De-Wei", "Le Da Ming"])
def test_syllables_that_are_also_particles_leave_a_chinese_name_chinese(name: str) -> None:
    assert analyze_name(name).chinese_name


def test_a_score_never_counts_more_than_the_names_hold() -> None:
    # "chol" and "cheol" are no Chinese syllables; their match once added to the score
    # without adding to what it was out of, and "Kim Chol Sam" scored 2.4 of 2 against
    # "SHIN Geum Cheol".
    result = compare_names("Kim Chol Sam", "SHIN Geum Cheol")
    matched = [step.quality for step in result.steps if step.left and step.right]
    assert result.score <= sum(matched) / len(matched) + 1e-9


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Jo Chol Song", "Kim Song Chol"),  # two given names alike, two family names not
        ("Wang Mei Lin", "Lin Mei Chen"),
    ],
)
def test_latin_names_whose_family_names_meet_nothing_are_not_matches(left: str, right: str) -> None:
    assert not compare_names(left, right).match


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Xu Chaofan", "Chaofan Xu"),
        ("Sunny Lau Ka-ming", "LAU, Ka Ming"),
        ("Frank Chenfei Wang", "WANG, CHEN FEI"),
        ("CHAN Tai Man", "Tai Man Chan"),
    ],
)
def test_a_family_name_may_stand_first_or_last(left: str, right: str) -> None:
    assert compare_names(left, right).score >= 0.95


@pytest.mark.parametrize(
    ("listed", "asked"),
    [
        # A sanctions list's name with its own spelling, or its aliases, in brackets.
        ("Serhiy Valeriyovych AKSYONOV (Сергiй Валерiйович АКСЬОНОВ)", "Serhiy Aksyonov"),
        ("Mohammad (a.k.a. Mohamed, Muhammad) Ali JAFARI", "JAFARI Mohammad-Ali"),
        ("(Xu Chaofan)", "许超凡"),  # nothing outside the brackets: they are the name
    ],
)
def test_what_a_list_puts_in_brackets_is_not_part_of_the_name(listed: str, asked: str) -> None:
    assert compare_names(listed, asked).match


@pytest.mark.parametrize(
    ("titled", "bare"),
    [
        ("Major General Ahmed AL-JARROUCHEH", "Ahmed AL-JARROUCHEH"),
        ("Dr. Lubana MUSHAWEH", "Lubana Mushaweh"),
        ("Colonel-General Alexander DVORNIKOV", "Alexander Dvornikov"),
        ("Sir Run Run Shaw", "Run Run Shaw"),
    ],
)
def test_titles_and_ranks_are_no_words_of_a_name(titled: str, bare: str) -> None:
    assert analyze_name(titled).tokens == analyze_name(bare).tokens
    assert compare_names(titled, bare).score == 1.0


@pytest.mark.parametrize("name", ["Hon Chi Keung", "Gen Li Wei", "Dr. Wong"])
def test_a_title_that_is_a_chinese_syllable_or_all_there_is_stays(name: str) -> None:
    # Hon is 韓 and Gen 根 in some spellings; "Dr. Wong" without the title is no name.
    assert len(analyze_name(name).words) == len(name.split())


def test_two_officers_of_one_rank_do_not_match() -> None:
    assert not compare_names(
        "Major General Ahmed AL-JARROUCHEH", "Major General Ghassan AFIF"
    ).match


@pytest.mark.parametrize(
    ("joined", "apart"),
    [("Alireza Balali", "Ali Reza BALALI"), ("JAFARI Mohammadali", "Mohammad-Ali JAFARI")],
)
def test_two_given_names_written_as_one_word_match(joined: str, apart: str) -> None:
    assert compare_names(joined, apart).score == 1.0
    assert compare_names(apart, joined).score == 1.0


def test_two_given_names_written_as_one_word_with_a_typo_match() -> None:
    assert compare_names("HON, SHULIG", "HON, SHU LING").match
    assert compare_names("Alirezo Balali", "Ali Reza BALALI").match
