"""Hakka readings derived by sound correspondence, and the comparator using them."""

from nohaven.names import compare_names
from nohaven.names.hakka import hakka_from_cantonese
from nohaven.names.readings import char_readings


def test_voiced_stops_in_the_departing_tone_are_hakka_aspirates() -> None:
    assert hakka_from_cantonese("daai6", ["da"]) == {"thai"}
    assert hakka_from_cantonese("daai3", ["dai"]) == {"tai"}  # voiceless: unaspirated


def test_kh_kept_where_cantonese_has_h_and_mandarin_a_velar() -> None:
    assert hakka_from_cantonese("hoi1", ["kai"]) == {"khoi"}
    assert "hau" in hakka_from_cantonese("hou2", ["hao"])


def test_labial_and_labialised_initials() -> None:
    assert "vun" in hakka_from_cantonese("man4", ["wen"])
    assert "fa" in hakka_from_cantonese("waa4", ["hua"])
    assert "kui" in hakka_from_cantonese("gwai3", ["gui"])


def test_finals_that_cantonese_merged() -> None:
    assert "phin" in hakka_from_cantonese("ping4", ["ping"])
    assert "yong" in hakka_from_cantonese("joeng4", ["yang"])


def test_unparseable_jyutping_gives_nothing() -> None:
    assert hakka_from_cantonese("", []) == set()
    assert hakka_from_cantonese("xyz9", ["x"]) == set()


def test_characters_carry_a_hakka_system() -> None:
    assert "thai" in char_readings("大")["hakka"]


def test_hakka_spelled_names_match_their_characters() -> None:
    assert compare_names("溫文華", "Voon Vun Fa").match
    assert compare_names("黃惠康", "Vong Fui Khong").match
    # A different given name in Hakka spelling stays apart.
    assert not compare_names("黃惠康", "Vong Fui Min").match
