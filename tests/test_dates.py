"""Dates as forms and exports write them, read at the precision the text allows."""

from __future__ import annotations

import pytest

from nohaven.dates import date_with_format, read_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("1953-02-15", "1953-02-15"),
        ("1953-2-5", "1953-02-05"),
        ("1953/02/15", "1953-02-15"),
        ("19530215", "1953-02-15"),
        ("1953", "1953"),
        ("1953-02", "1953-02"),
        ("15/02/1953", "1953-02-15"),  # the day is over 12: day first
        ("02/15/1953", "1953-02-15"),  # month first
        ("15.02.1953", "1953-02-15"),
        ("05/06/1953", "1953"),  # either order: only the year is certain
        ("06/06/1953", "1953-06-06"),
        ("15 Feb 1953", "1953-02-15"),
        ("15-FEB-1953", "1953-02-15"),
        ("February 15, 1953", "1953-02-15"),
        ("Feb 1953", "1953-02"),
        ("1953年2月15日", "1953-02-15"),
        ("1953年2月", "1953-02"),
        ("1953-02-15T00:00:00", "1953-02-15"),  # a time after the date is left out
        ("1953-02-15 10:11:12+08:00", "1953-02-15"),
    ],
)
def test_dates_are_read_in_iso_form(text: str, iso: str) -> None:
    assert read_date(text) == iso


@pytest.mark.parametrize(
    "text",
    ["31/02/1953", "1953-13-01", "garbage", "", "15/02/53", "0000", "1953-00-10", "00/00/1953"],
)
def test_what_is_no_date_reads_as_none(text: str) -> None:
    assert read_date(text) is None


@pytest.mark.parametrize(
    ("text", "form", "iso"),
    [
        ("04/25/1963", "%m/%d/%Y", "1963-04-25"),
        ("02/1963", "%m/%Y", "1963-02"),
        ("1963", "%Y", "1963"),
    ],
)
def test_a_format_gives_the_precision_it_carries(text: str, form: str, iso: str) -> None:
    assert date_with_format(text, form) == iso
    assert date_with_format("1963-04-25", "%m/%d/%Y") is None
