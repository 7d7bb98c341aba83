"""Exchange-rate files: ``date,currency,rate_to_usd``, one row per currency and day.

Checked whole before use: a bad date, an unknown currency or a rate that is not a
positive number is one error naming the file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from nohaven.errors import InputError
from nohaven.ingest.declaration import known_currency
from nohaven.ingest.files import csv_records

COLUMNS = ("date", "currency", "rate_to_usd")


@dataclass(frozen=True)
class Rate:
    day: date
    currency: str
    rate_to_usd: float  # US dollars for one unit of the currency


def read_rates(path: Path) -> list[Rate]:
    """Every rate in the file, in file order."""
    rates: list[Rate] = []
    for number, (day, currency, rate) in csv_records(path, COLUMNS):
        try:
            parsed_day = date.fromisoformat(day)
        except ValueError:
            raise InputError(
                path, f"{day!r} is not a date (YYYY-MM-DD)", line=number, field="date"
            ) from None
        try:
            code = known_currency(currency.upper())
        except ValueError as exc:
            raise InputError(path, str(exc), line=number, field="currency") from None
        try:
            value = float(rate)
        except ValueError:
            value = -1.0
        if not value > 0 or value == float("inf"):
            raise InputError(
                path, f"{rate!r} is not a positive rate", line=number, field="rate_to_usd"
            )
        rates.append(Rate(parsed_day, code, value))
    if not rates:
        raise InputError(path, "no rates")
    return rates


def latest_cny_rates(rates: list[Rate]) -> dict[str, float]:
    """Yuan per unit of each currency, from each currency's latest rate (and the yuan's)."""
    latest: dict[str, Rate] = {}
    for rate in rates:
        if rate.currency not in latest or rate.day >= latest[rate.currency].day:
            latest[rate.currency] = rate
    if "CNY" not in latest:
        raise ValueError("the rates give no CNY rate, so nothing converts to yuan")
    cny = latest["CNY"].rate_to_usd
    return {code: rate.rate_to_usd / cny for code, rate in latest.items()}
