"""Dates as people write them in forms and exports ("15/02/1953", "Feb 15, 1953",
"1953年2月15日"), read into FtM's ISO form at the precision the text allows.

FtM's own cleaning reads ISO dates only and drops the rest, so a bank's "15/02/1953"
would screen as a person with no birth date at all.
"""

from __future__ import annotations

import re
from datetime import date, datetime

# A time after an ISO date ("1953-02-15T00:00:00", "1953-02-15 00:00:00Z"), left out.
_TIME = re.compile(r"(?<=\d)[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_HAN = re.compile(r"^(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?)?$")
_WITH_MONTH_NAME = (
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%B-%Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d %b, %Y",
    "%b %d, %Y",
    "%B %d, %Y",
)
_MONTH_AND_YEAR = ("%b %Y", "%B %Y")
# What exports write for "not known".
MISSING = frozenset({"", "-", "n/a", "na", "none", "null", "unknown", "?"})


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """The ISO form of a date, or None when no such day exists."""
    if month == 0 or day == 0:
        return None
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def date_with_format(text: str, form: str) -> str | None:
    """The date `text` writes in strptime format `form`, to the precision the format
    carries ("%m/%Y" gives "1953-02", not a first of the month); None when it does not."""
    try:
        parsed = datetime.strptime(text.strip(), form).date().isoformat()
    except ValueError:
        return None
    if not any(code in form for code in ("%d", "%j")):
        parsed = parsed[:7]
    if not any(code in form for code in ("%m", "%b", "%B", "%j")):
        parsed = parsed[:4]
    return parsed


def read_date(text: str) -> str | None:
    """The date `text` writes, as "YYYY", "YYYY-MM" or "YYYY-MM-DD"; None when it
    writes none. Day and month in either order are read when one of them is over 12;
    when both could be either ("05/06/1953"), only the year is kept, which is true
    either way."""
    cleaned = _TIME.sub("", " ".join(text.strip().split()))
    for pattern in (_ISO, _COMPACT, _HAN):
        found = pattern.match(cleaned)
        if found:
            year, month, day = (_int(g) for g in found.groups())
            return _iso(year or 0, month, day)
    found = _NUMERIC.match(cleaned)
    if found:
        first, second, year = (int(g) for g in found.groups())
        if first > 12 >= second:
            return _iso(year, second, first)
        if second > 12 >= first:
            return _iso(year, first, second)
        if first == second:
            return _iso(year, first, first)
        return _iso(year) if first <= 12 and second <= 12 else None
    for formats, precision in ((_WITH_MONTH_NAME, 10), (_MONTH_AND_YEAR, 7)):
        for form in formats:
            try:
                parsed = datetime.strptime(cleaned, form)
            except ValueError:
                continue
            return parsed.date().isoformat()[:precision]
    return None
