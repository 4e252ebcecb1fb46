"""A cited PDF reduced to its text, the way a page is, so captures and live copies compare."""

from __future__ import annotations

from linkwatch.compare.text import page_text
from tests.web.local_web import PAPER_V1_LINES, paper_pdf


def test_a_pdf_body_gives_the_text_of_its_text_layer() -> None:
    text = page_text(paper_pdf(PAPER_V1_LINES), "application/pdf").text
    assert text.startswith("The county labour bureau reported that 3.05 million rural workers")
    assert "\n" not in text


def test_a_pdf_sent_as_octet_stream_is_read_but_a_page_mentioning_the_header_is_not() -> None:
    assert "3.05 million" in page_text(paper_pdf(PAPER_V1_LINES), "application/octet-stream").text
    page = b"<html><body><p>%PDF- is how a PDF starts.</p></body></html>"
    assert page_text(page, "text/html").text == "%PDF- is how a PDF starts."


def test_a_pdf_cut_short_or_damaged_gives_no_text_rather_than_an_error() -> None:
    body = paper_pdf(PAPER_V1_LINES)
    assert page_text(body[: len(body) // 3], "application/pdf").text == ""
    assert page_text(b"%PDF-1.4\ngarbage", "application/pdf").text == ""
