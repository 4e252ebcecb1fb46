"""Author–date parentheticals: what is a citation and what is not."""

from __future__ import annotations

import datetime as dt

import pytest

from linkwatch.extract import Format, extract_text

PUBLISHED = dt.date(2024, 3, 1)


def _pairs(text: str) -> list[tuple[str, str, str]]:
    out = extract_text(text, published=PUBLISHED, fmt=Format.TEXT)
    return [(c.kind, c.source, c.date) for c in out.citations]


@pytest.mark.parametrize(
    "text",
    [
        "The plan (2021 to 2025) set quotas.",
        "Uzbekistan (until 2021) did too.",
        "The plan (2023-2025) set quotas.",
        "Poverty Alleviation (转移就业脱贫; or simply 转移就业) grew.",
        "Figures in person-times (人次) rose.",
        "The centers (VSETCs) closed, and the Corps (XPCC) grew.",
        "The county of Pishan (Hotan Prefecture) received workers.",
        "Exports rose (from 27,600 in 2022) sharply.",
        "Under the plan (Vision 2030) things change.",
    ],
)
def test_not_citations(text: str) -> None:
    assert _pairs(text) == []


def test_several_citations_in_one_parenthesis() -> None:
    assert _pairs("Claim (Newlines Institute, December 14, 2020; CPCS, May 19, 2023).") == [
        ("inline", "Newlines Institute", "2020-12-14"),
        ("inline", "CPCS", "2023-05-19"),
    ]


def test_second_date_for_the_same_source() -> None:
    assert _pairs("Claim (Xinhua, October 27, 2023; November 2, 2023).") == [
        ("inline", "Xinhua", "2023-10-27"),
        ("inline", "Xinhua", "2023-11-02"),
    ]


def test_day_month_year_iso_and_year_only_forms() -> None:
    assert _pairs("A (BBC, 27 October 2023). B (Kpler, 2023-10-25). C (China Brief, 2022).") == [
        ("inline", "BBC", "2023-10-27"),
        ("inline", "Kpler", "2023-10-25"),
        ("inline", "China Brief", "2022"),
    ]


def test_author_year_without_comma() -> None:
    assert _pairs("As shown before (Zenz 2019; Byler et al. 2022).") == [
        ("inline", "Zenz", "2019"),
        ("inline", "Byler et al.", "2022"),
    ]


def test_source_kept_as_written_with_whitespace_normalised() -> None:
    assert _pairs("Claim (People’s   Daily, September 17, 2023).") == [
        ("inline", "People’s Daily", "2023-09-17")
    ]


def test_lead_in_words_are_not_part_of_the_source() -> None:
    assert _pairs("Claim (see Xinhua, October 27, 2023).") == [("inline", "Xinhua", "2023-10-27")]


def test_photo_credit_is_a_caption() -> None:
    assert _pairs("A press conference. (Source: Xinjiang Government)") == [
        ("caption", "Xinjiang Government", "")
    ]


def test_bare_urls_in_the_body_are_records() -> None:
    out = extract_text("Data at https://data.example.org/a.csv.", fmt=Format.TEXT)
    assert [c.url for c in out.citations] == ["https://data.example.org/a.csv"]
