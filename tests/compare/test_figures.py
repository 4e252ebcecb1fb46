"""Figures from a citation's context, matched across formats."""

from __future__ import annotations

from decimal import Decimal

from linkwatch.compare import figures_present, find_figures

CONTEXT = (
    "State media announced the transfer of 3.05 million person-times rural surplus laborers "
    "between January and September 2023, surpassing the state-mandated quota by 10.9 percent. "
    "All 1,606 villagers; a quota of 82,000 person-times; 157 or 9.8% elsewhere, on January 15."
)


def test_context_figures_are_found_with_their_values() -> None:
    figures = {f.text: (f.value, f.percent) for f in find_figures(CONTEXT)}
    assert figures["3.05 million"] == (Decimal("3.05E+6"), False)
    assert figures["10.9 percent"] == (Decimal("10.9"), True)
    assert figures["1,606"][0] == Decimal(1606)
    assert figures["82,000"][0] == Decimal(82000)
    assert figures["157"][0] == Decimal(157)
    assert figures["9.8%"] == (Decimal("9.8"), True)


def test_years_and_day_numbers_are_not_figures() -> None:
    values = {f.value for f in find_figures(CONTEXT)}
    assert Decimal(2023) not in values
    assert Decimal(15) not in values


def test_figures_match_across_formats() -> None:
    wanted = find_figures(CONTEXT)
    page = "共转移3,050,000人次，超出10.9％；1606名村民，82000人次，157人，占9.8 per cent"
    found, missing = figures_present(wanted, page)
    assert {f.text for f in found} == {
        "3.05 million",
        "10.9 percent",
        "1,606",
        "82,000",
        "157",
        "9.8%",
    }
    assert missing == []


def test_chinese_scale_words_match_english_ones() -> None:
    wanted = find_figures("3.05 million person-times")
    found, missing = figures_present(wanted, "前三季度转移农村富余劳动力305万人次")
    assert [f.text for f in found] == ["3.05 million"]
    assert not missing


def test_missing_figures_are_reported() -> None:
    wanted = find_figures("surpassing the quota by 10.9 percent with 3.05 million")
    found, missing = figures_present(wanted, "The region transferred 2.9 million, 8 percent over.")
    assert found == []
    assert {f.text for f in missing} == {"10.9 percent", "3.05 million"}


def test_a_percent_is_not_the_same_figure_as_a_plain_number() -> None:
    found, _ = figures_present(find_figures("10.9 percent"), "version 10.9 released")
    assert found == []
