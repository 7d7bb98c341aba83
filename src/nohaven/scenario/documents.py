"""Identity documents of the world's people: one HKID or NRIC for life, a passport a decade.

A real person shows the same identity card to every company registry and bank, and the
same passport to every consulate until it expires. Numbers here derive from the world's
seed, the person's true id and (for a passport) the decade of validity the record falls
in, so two datasets recording one person's document write the same number, and a
different number says two people or a renewed passport, as it does in real records.
"""

from __future__ import annotations

import hashlib

from nohaven.scenario.people import Origin

PASSPORT_YEARS = 10  # a Chinese, Hong Kong, Taiwan or Singapore adult passport
_NRIC_WEIGHTS = (2, 7, 6, 5, 4, 3, 2)
_NRIC_CHECK = "JZIHGFEDCBA"
_HKID_LETTERS = "ABCDEGHKMPRVYZ"
_EPASSPORT_FROM = 2012  # mainland e-passports ("E...") replaced the "G..." series


def _number(seed: int, holder: str, document: str, period: int = 0) -> int:
    """A stable 64-bit number for one document of one holder."""
    digest = hashlib.blake2b(f"{seed}:{holder}:{document}:{period}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big")


def hkid(seed: int, holder: str) -> str:
    """The holder's Hong Kong identity card number, with its bracketed check digit
    computed as the Immigration Department's is (weights 9 to 2 over a blank, the letter
    and six digits, modulo 11; 10 is written "A")."""
    n = _number(seed, holder, "hkid")
    letter, digits = _HKID_LETTERS[n % 14], f"{(n // 14) % 1_000_000:06d}"
    return f"{letter}{digits}({hkid_check_digit(letter, digits)})"


def hkid_check_digit(letter: str, digits: str) -> str:
    """The check digit of a one-letter Hong Kong identity card number."""
    values = [36, ord(letter) - ord("A") + 10, *map(int, digits)]
    remainder = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True)) % 11
    return "0" if remainder == 0 else "A" if remainder == 1 else str(11 - remainder)


def nric(seed: int, holder: str) -> str:
    """The holder's Singapore NRIC, check letter computed as the real one is."""
    digits = f"{_number(seed, holder, 'nric') % 10**7:07d}"
    total = sum(int(d) * w for d, w in zip(digits, _NRIC_WEIGHTS, strict=True))
    return f"S{digits}{_NRIC_CHECK[total % 11]}"


def passport(seed: int, holder: str, origin: Origin, year: int) -> str:
    """The passport the holder carried in `year`: each person renews every ten years, in
    a year of their own, and the number changes with each renewal."""
    phase = _number(seed, holder, "passport-phase") % PASSPORT_YEARS
    period = (year - phase) // PASSPORT_YEARS
    n = _number(seed, holder, "passport", period)
    if origin == Origin.MAINLAND:
        issued = period * PASSPORT_YEARS + phase
        return f"{'E' if issued >= _EPASSPORT_FROM else 'G'}{10**7 + n % (9 * 10**7)}"
    if origin == Origin.HONG_KONG:
        return f"K{10**7 + n % (9 * 10**7)}"
    if origin == Origin.TAIWAN:
        return f"{10**8 + n % (9 * 10**8)}"
    return f"E{10**6 + n % (9 * 10**6)}{'ABCDEFGHJK'[(n // 10**7) % 10]}"
