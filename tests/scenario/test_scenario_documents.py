"""Identity documents of the synthetic world: one card for life, a passport a decade."""

from __future__ import annotations

import itertools
import re

from nohaven.scenario.documents import PASSPORT_YEARS, hkid, hkid_check_digit, nric, passport
from nohaven.scenario.people import Origin


def test_a_person_shows_the_same_card_everywhere_and_people_differ() -> None:
    assert hkid(7, "bg-1") == hkid(7, "bg-1")
    assert re.fullmatch(r"[A-Z]\d{6}\([0-9A]\)", hkid(7, "bg-1"))
    cards = {hkid(7, f"bg-{i}") for i in range(2_000)}
    assert len(cards) > 1_990  # a few collisions at most in a million numbers
    assert hkid(8, "bg-1") != hkid(7, "bg-1")  # another world, other numbers


def test_nric_check_letter_is_computed_as_singapore_does() -> None:
    number = nric(7, "bg-1")
    assert re.fullmatch(r"S\d{7}[A-Z]", number)
    digits = [int(d) for d in number[1:8]]
    total = sum(d * w for d, w in zip(digits, (2, 7, 6, 5, 4, 3, 2), strict=True))
    assert number[-1] == "JZIHGFEDCBA"[total % 11]


def test_a_passport_is_renewed_every_ten_years_under_a_new_number() -> None:
    numbers = [passport(7, "bg-1", Origin.MAINLAND, year) for year in range(1990, 2030)]
    changes = sum(a != b for a, b in itertools.pairwise(numbers))
    assert changes in (len(numbers) // PASSPORT_YEARS - 1, len(numbers) // PASSPORT_YEARS)
    assert all(re.fullmatch(r"[EG]\d{8}", n) for n in numbers)
    assert numbers[0].startswith("G") and numbers[-1].startswith("E")
    assert re.fullmatch(r"K\d{8}", passport(7, "bg-1", Origin.HONG_KONG, 2010))
    assert re.fullmatch(r"\d{9}", passport(7, "bg-1", Origin.TAIWAN, 2010))


def test_hkid_check_digit_is_the_immigration_departments() -> None:
    assert hkid_check_digit("A", "123456") == "3"  # the department's published example
    assert hkid_check_digit("C", "668668") == "9"
    number = hkid(7, "bg-1")
    assert number[8] == hkid_check_digit(number[0], number[1:7])
