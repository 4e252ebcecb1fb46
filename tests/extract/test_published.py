"""Where the publication date comes from: --published, metadata, dateline, or inference."""

from __future__ import annotations

import datetime as dt

from linkwatch.extract import Format, extract_text
from linkwatch.extract.dates import PartialDate
from linkwatch.extract.published import infer_published

BODY = "A claim (Xinhua, December 21, 2023). Another claim (Tianshan, January 30).\n"


def test_yearless_citations_placed_in_year_after_latest_full_date() -> None:
    inference = infer_published(
        [PartialDate(2023, 12, 21), PartialDate(None, 1, 30), PartialDate(None, 1, 8)], ""
    )
    assert inference is not None
    assert inference.date == dt.date(2024, 1, 30)


def test_past_month_mentions_move_the_publication_date_later() -> None:
    inference = infer_published([PartialDate(2023, 12, 21)], "A March 2024 report said so.")
    assert inference is not None and inference.date == dt.date(2024, 3, 1)


def test_deadlines_are_not_past_mentions() -> None:
    inference = infer_published([PartialDate(2023, 12, 21)], "Quotas run until March 2024.")
    assert inference is not None and inference.date == dt.date(2023, 12, 21)


def test_published_option_wins_and_dates_yearless_citations() -> None:
    out = extract_text(BODY, published=dt.date(2024, 1, 15), fmt=Format.TEXT)
    assert out.published == "2024-01-15" and out.published_from == "--published"
    tianshan = next(c for c in out.citations if c.source == "Tianshan")
    assert tianshan.date == "2023-01-30"  # after the publication date: the year before


def test_html_meta_published_time_is_used() -> None:
    html = (
        '<html><head><meta property="article:published_time" content="2024-02-29T09:00:00Z">'
        f"</head><body><article><p>{BODY}</p></article></body></html>"
    )
    out = extract_text(html, fmt=Format.HTML)
    assert out.published == "2024-02-29"
    assert "article:published_time" in out.published_from


def test_json_ld_date_published_is_used() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@graph": [{"@type": "Article", '
        '"datePublished": "2024-03-04"}]}</script></head>'
        f"<body><main><p>{BODY}</p></main></body></html>"
    )
    assert extract_text(html, fmt=Format.HTML).published == "2024-03-04"


def test_markdown_front_matter_date_is_used() -> None:
    text = f"---\ntitle: T\ndate: 2024-02-10\n---\n\n# T\n\n{BODY}"
    out = extract_text(text, fmt=Format.MARKDOWN)
    assert out.published == "2024-02-10" and out.published_from == "front matter"


def test_dateline_in_the_header_is_used() -> None:
    text = f"Title of the report\n\nBy A. Writer | March 5, 2024\n\n{BODY}"
    out = extract_text(text, fmt=Format.TEXT)
    assert out.published == "2024-03-05" and out.published_from == "dateline"


def test_inferred_date_recorded_with_its_reason() -> None:
    out = extract_text(BODY, fmt=Format.TEXT)
    assert out.published == "2024-01-30"
    assert out.published_from.startswith("inferred")
    assert {c.published for c in out.citations} == {"2024-01-30"}
