"""Exchange-rate files: read whole, refused line by line, turned into yuan rates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from nohaven.errors import InputError
from nohaven.ingest.rates import latest_cny_rates, read_rates

GOOD = "date,currency,rate_to_usd\n2015-01-01,CNY,0.16\n2016-01-01,CNY,0.15\n2016-01-01,CAD,0.75\n"


def test_latest_rate_per_currency_in_yuan(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(GOOD)
    rates = read_rates(path)
    assert len(rates) == 3 and (rates[0].day, rates[0].currency) == (date(2015, 1, 1), "CNY")
    cny = latest_cny_rates(rates)
    assert cny == {"CNY": 1.0, "CAD": pytest.approx(5.0)}


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("2016-13-01,CAD,0.75", "date"),
        ("2016-01-01,RMB,0.15", "currency"),
        ("2016-01-01,CAD,-1", "rate_to_usd"),
        ("2016-01-01,CAD,many", "rate_to_usd"),
    ],
)
def test_bad_rows_name_line_and_field(tmp_path: Path, line: str, field: str) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(GOOD + line + "\n")
    with pytest.raises(InputError) as caught:
        read_rates(path)
    assert (caught.value.line, caught.value.field) == (5, field)


def test_a_wrong_header_or_no_yuan_rate_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("day,code,rate\n2016-01-01,CAD,0.75\n")
    with pytest.raises(InputError, match="header"):
        read_rates(path)
    path.write_text("date,currency,rate_to_usd\n2016-01-01,CAD,0.75\n")
    with pytest.raises(ValueError, match="no CNY rate"):
        latest_cny_rates(read_rates(path))
