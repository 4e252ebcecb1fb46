"""Rules that generalise beyond the fixture reports: reference styles, lead-ins, boilerplate."""

from __future__ import annotations

import datetime as dt

import pytest

from linkwatch.extract import Format, extract_text

PUBLISHED = dt.date(2022, 3, 1)


def _notes(*notes: str) -> list[tuple[str, str]]:
    text = "A report\n\nBody text without citations.\n\nNotes\n\n" + "\n".join(notes) + "\n"
    out = extract_text(text, published=PUBLISHED, fmt=Format.TEXT)
    return [(c.source, c.date) for c in out.citations if c.kind == "note" and c.source]


def _body(text: str, fmt: Format = Format.TEXT) -> list[tuple[str, str, str]]:
    out = extract_text(text, published=PUBLISHED, fmt=fmt)
    return [(c.kind, c.source, c.date) for c in out.citations if c.source]


def test_single_quoted_title_gives_the_organisation_before_it() -> None:
    note = (
        "1. Xinjiang Uyghur Autonomous Region People’s Government, ‘Outline of the Region’s "
        "Fourteenth Five-Year Plan’, 19 February 2021, http://www.xinjiang.gov.cn/a.shtml."
    )
    assert _notes(note) == [("Xinjiang Uyghur Autonomous Region People’s Government", "2021-02-19")]


def test_chicago_journal_reference_cites_the_journal_without_volume_or_issue() -> None:
    assert _notes(
        "[1] Meera Iyer, “Downstream Anxieties,” Water Policy Quarterly 12, no. 2 (2021): "
        "44–61, doi:10.5555/wpq.2021.12.2.44.",
        "[2] Liu Hong, “Sediment Transport,” Journal of Hydrology 590 (2020): 125–140.",
    ) == [("Water Policy Quarterly", "2021"), ("Journal of Hydrology", "2020")]


def test_apa_report_with_place_and_publisher_cites_the_organisation_that_wrote_it() -> None:
    assert _notes(
        "Eurasian Development Bank. (2015). Integration Barometer 2015. Almaty: EDB Centre for "
        "Integration Studies. https://eabr.org/barometer-2015/"
    ) == [("Eurasian Development Bank", "2015")]


def test_apa_book_by_a_person_cites_the_publisher_without_its_place() -> None:
    assert _notes("Byler, D. (2021). Terror Capitalism. Durham: Duke University Press.") == [
        ("Duke University Press", "2021")
    ]


@pytest.mark.parametrize(
    "note",
    [
        "[1] Debt figures: Ministry of Finance, “State External Debt Bulletin,” May 2020.",
        "[1] On the intervention’s legal basis, see Ministry of Finance, “Bulletin,” May 2020.",
        "[1] For Tajikistan, Ministry of Finance, May 2020, https://minfin.example/tj.",
    ],
)
def test_labels_and_lead_ins_are_not_part_of_the_source(note: str) -> None:
    assert _notes(note) == [("Ministry of Finance", "2020-05")]


def test_reference_with_an_unquoted_title_between_source_and_date() -> None:
    assert _notes(
        "[3] Government of the Kyrgyz Republic, Decree No. 217, May 19, 2020, https://gov.kg/217"
    ) == [("Government of the Kyrgyz Republic", "2020-05-19")]


def test_running_text_citations_after_a_reference_are_found_too() -> None:
    assert _notes(
        "[2] Ministry of Finance, “Debt Bulletin,” May 2020. Compare the IMF’s request "
        "(IMF, April 2020)."
    ) == [("Ministry of Finance", "2020-05"), ("IMF", "2020-04")]


def test_see_citation_before_a_quoted_reference_gives_both() -> None:
    found = _notes(
        "[7] The episode was reported at the time; see Reuters, August 19, 2017, and, for the "
        "renewal, Ministry of Water Resources, “Data MoU Renewed,” June 9, 2018, "
        "http://www.mwr.gov.cn/a.html, accessed May 3, 2021."
    )
    assert sorted(found) == [
        ("Ministry of Water Resources", "2018-06-09"),
        ("Reuters", "2017-08-19"),
    ]


def test_a_plan_named_with_its_year_is_not_a_citation() -> None:
    assert _body("Targets were set (14th Five-Year Plan, 2021) and met (World Bank, 2022).") == [
        ("inline", "World Bank", "2022")
    ]


def test_narrative_citations_with_a_reporting_verb_or_according_to() -> None:
    text = (
        "Zenz (2019) argues that the system is coercive. According to Byler and Tobin (2021), "
        "quotas rose. Smith et al. (2020, p. 4) found higher numbers."
    )
    assert _body(text) == [
        ("inline", "Zenz", "2019"),
        ("inline", "Byler and Tobin", "2021"),
        ("inline", "Smith et al.", "2020"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The Five-Year Plan (2021) sets targets for every county.",
        "Officials met in Hotan (2019) to review the quotas.",
        "The Census (2020) counted residents.",
    ],
)
def test_a_name_with_a_year_but_no_reporting_verb_is_not_a_narrative_citation(text: str) -> None:
    assert _body(text) == []


def test_a_captions_own_date_is_not_the_credits_date() -> None:
    html = (
        "<html><body><article><p>Text.</p><figure><img src='a.jpg'><figcaption>Burned-out "
        "vehicles in Almaty, January 7, 2022. (Source: Wikimedia Commons)</figcaption></figure>"
        "</article></body></html>"
    )
    assert _body(html, Format.HTML) == [("caption", "Wikimedia Commons", "")]


def test_html_note_label_written_inside_a_list_item_is_not_part_of_the_reference() -> None:
    html = (
        "<html><body><article><p>Claim.</p><h2>Notes</h2><ol><li>[2] Trade figures: Bureau of "
        "National Statistics, “Foreign Trade Turnover,” February 15, 2022.</li></ol>"
        "</article></body></html>"
    )
    out = extract_text(html, published=PUBLISHED, fmt=Format.HTML)
    note = next(c for c in out.citations if c.kind == "note")
    assert (note.source, note.date, note.location) == (
        "Bureau of National Statistics",
        "2022-02-15",
        "Notes [2]",
    )


def test_author_box_links_are_not_citations() -> None:
    html = (
        "<html><body><article><p>Claim (Reuters, January 4, 2022).</p>"
        "<div class='author-box'><p>Follow him on <a href='https://twitter.com/someone'>Twitter"
        "</a> or read <a href='https://example.org/analyst/someone/'>his other articles</a>.</p>"
        "</div></article></body></html>"
    )
    out = extract_text(html, published=PUBLISHED, fmt=Format.HTML)
    assert [(c.source, c.url) for c in out.citations] == [("Reuters", "")]


def test_newsletter_boilerplate_links_are_not_citations() -> None:
    md = (
        "*You are receiving this because you subscribed. [Read it in your browser]"
        "(https://digest.example/issues/41). [Unsubscribe](https://digest.example/u).*\n\n"
        "A claim ([Xinhua, May 19, 2023](https://xinhua.example/a)).\n"
    )
    out = extract_text(md, published=PUBLISHED, fmt=Format.MARKDOWN)
    assert [(c.source, c.url) for c in out.citations] == [("Xinhua", "https://xinhua.example/a")]


def test_a_link_named_in_prose_is_a_url_without_a_source() -> None:
    md = "Revived several times (see our [explainer from last year](https://d.example/29#cku)).\n"
    out = extract_text(md, published=PUBLISHED, fmt=Format.MARKDOWN)
    assert [(c.source, c.url) for c in out.citations] == [("", "https://d.example/29#cku")]


def test_markdown_bare_url_keeps_its_underscores_and_parentheses() -> None:
    md = "Workers at the mine (background: https://en.wikipedia.org/wiki/Kumtor_(mine)) left.\n"
    out = extract_text(md, published=PUBLISHED, fmt=Format.MARKDOWN)
    assert [c.url for c in out.citations] == ["https://en.wikipedia.org/wiki/Kumtor_(mine)"]
