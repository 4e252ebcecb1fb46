"""Dates as reports write them, normalised."""

from __future__ import annotations

import datetime as dt

import pytest

from linkwatch.extract.dates import PartialDate, is_normalised, parse_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("October 27, 2023", "2023-10-27"),
        ("27 October 2023", "2023-10-27"),
        ("Sept. 5, 2021", "2021-09-05"),
        ("Jan 8, 2024", "2024-01-08"),
        ("2023, September 18", "2023-09-18"),
        ("2024, February", "2024-02"),
        ("March 2021", "2021-03"),
        ("2023-10-27", "2023-10-27"),
        ("2022", "2022"),
        ("October 27–28, 2023", "2023-10-27"),
        ("2023年10月27日", "2023-10-27"),
    ],
)
def test_date_forms_normalised(text: str, iso: str) -> None:
    parsed = parse_date(text)
    assert parsed is not None
    assert parsed.iso() == iso


def test_impossible_dates_are_not_dates() -> None:
    assert parse_date("February 30, 2023") is None
    assert parse_date("2021 to 2025") is None


def test_month_day_without_year_takes_publication_year() -> None:
    jan = parse_date("January 30")
    assert jan == PartialDate(None, 1, 30)
    assert jan.with_year_from(dt.date(2024, 3, 1)).iso() == "2024-01-30"


def test_month_day_after_publication_belongs_to_year_before() -> None:
    dec = parse_date("Dec. 5")
    assert dec is not None
    assert dec.with_year_from(dt.date(2024, 3, 1)).iso() == "2023-12-05"


def test_normalised_form_check() -> None:
    assert is_normalised("2023") and is_normalised("2023-02") and is_normalised("2023-02-28")
    assert not is_normalised("2023-02-30") and not is_normalised("Oct 2023")
