"""PDF reports built line by line (tests/web/pdfdoc.py), one layout feature at a time."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.errors import ExitCode, ReportError
from linkwatch.extract import Format, extract_file
from linkwatch.extract.pdf import read_pdf
from tests.web.pdfdoc import Link, Text, make_pdf, paragraph


def _extract(tmp_path: Path, data: bytes, name: str = "report.pdf") -> list[tuple[str, ...]]:
    path = tmp_path / name
    path.write_bytes(data)
    extraction = extract_file(path)
    assert extraction.format is Format.PDF
    return [(c.kind, c.source, c.date, c.url, c.location) for c in extraction.citations]


def _running(page: int) -> list[Text | Link]:
    return [Text(60, 805, "Water Quarterly | Canal Report", 8), Text(285, 30, f"Page {page}", 8)]


def test_two_column_pages_are_read_column_by_column_without_running_heads(
    tmp_path: Path,
) -> None:
    pages: list[list[Text | Link]] = []
    for n in (1, 2, 3):
        pages.append(
            [
                *_running(n),
                Text(60, 760, f"Part {n}", 16, bold=True),
                *paragraph(
                    60,
                    730,
                    ["Quotas in the valley fell by a fifth (Alpha", "Agency, May 3, 2021)."],
                ),
                *paragraph(
                    60,
                    690,
                    ["Canals ran dry for weeks in the summer (Beta", "News, June 4, 2022)."],
                ),
                *paragraph(
                    320, 730, ["Wheat prices rose across the region (Gamma", "Post, July 5, 2023)."]
                ),
            ]
        )
    rows = _extract(tmp_path, make_pdf(pages))
    assert [r[1] for r in rows] == ["Alpha Agency", "Beta News", "Gamma Post"] * 3
    assert rows[0][4] == "Part 1 ¶1, p. 1" and rows[-1][4] == "Part 3 ¶3, p. 3"
    path = tmp_path / "report.pdf"
    text = " ".join(b.text for b in read_pdf(path.read_bytes(), "report.pdf").blocks)
    assert "Water Quarterly" not in text and "Page" not in text


def test_link_annotations_give_the_exact_url_even_broken_over_lines(tmp_path: Path) -> None:
    uri = "https://water.example.org/council/canal-dispute-2024-annual-statement.html"
    page: list[Text | Link] = [
        *paragraph(60, 730, ["The full account is on the council’s", "site, as filed."]),
        # Word processors and browsers write one annotation per line for a wrapped link.
        Link(230, 726, 300, 740, uri),
        Link(60, 714, 80, 728, uri),
        *paragraph(
            60,
            680,
            [
                "Its text: https://water.example.org/council/canal-dispute-",
                "2024-annual-statement.html",
            ],
        ),
        Link(100, 676, 400, 690, uri),
        Link(60, 664, 200, 678, uri),
    ]
    rows = _extract(tmp_path, make_pdf([page]))
    # Two paragraphs cite it: one record each, neither with a piece of the URL.
    assert [r[3] for r in rows] == [uri, uri]


def test_urls_and_words_broken_at_line_ends_are_rejoined(tmp_path: Path) -> None:
    page: list[Text | Link] = [
        *paragraph(
            60,
            730,
            [
                "The infor-",
                "mation is at https://example.org/reports/",
                "2024/annual.pdf and at www.example.net/a_",
                "b?id=7 for all.",
            ],
        ),
    ]
    rows = _extract(tmp_path, make_pdf([page]))
    assert [r[3] for r in rows] == [
        "https://example.org/reports/2024/annual.pdf",
        "www.example.net/a_b?id=7",
    ]


def test_footnotes_at_the_foot_of_the_page_are_notes_with_their_page(tmp_path: Path) -> None:
    page: list[Text | Link] = [
        *paragraph(60, 730, ["Canals ran dry for three weeks in August, and the farmers of"]),
        *paragraph(60, 718, ["the lower valley lost most of their cotton that season."]),
        Text(310, 722, "1", 6),
        *paragraph(60, 690, ["Wheat failed across the valley, and prices rose in every"]),
        *paragraph(60, 678, ["market town from Osh to Khujand by the end of the year."]),
        Text(320, 682, "2", 6),
        Text(60, 90, "1 Reuters, “Drought deepens,” September 3, 2024,", 8),
        Text(60, 80, "https://reuters.example.com/drought.", 8),
        Text(60, 66, "2 FAO, “Wheat prices,” May 2024.", 8),
        Text(285, 30, "1", 8),
    ]
    rows = _extract(tmp_path, make_pdf([page]))
    assert rows == [
        (
            "note",
            "Reuters",
            "2024-09-03",
            "https://reuters.example.com/drought",
            "Footnotes [1], p. 1",
        ),
        ("note", "FAO", "2024-05", "", "Footnotes [2], p. 1"),
    ]


def _encrypted() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(
        io.BytesIO(make_pdf([paragraph(60, 700, ["Secret (FAO, 2024)."])]))
    ).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda: make_pdf([[], []]), "no text layer: run OCR first"),
        (_encrypted, "encrypted PDF"),
        (lambda: b"%PDF-1.4\n1 0 obj << /Type /Catalog", "damaged PDF"),
    ],
    ids=["scanned", "encrypted", "damaged"],
)
def test_a_scanned_encrypted_or_damaged_pdf_exits_2_naming_it_and_writes_nothing(
    tmp_path: Path, make: object, problem: str
) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(make())  # type: ignore[operator]
    with pytest.raises(ReportError, match=problem):
        extract_file(path)
    out = tmp_path / "citations.csv"
    result = CliRunner().invoke(app, ["extract", str(path), "-o", str(out)])
    assert result.exit_code == ExitCode.USAGE
    assert (
        result.output.count("\n") == 1 and str(path) in result.output and problem in result.output
    )
    assert not out.exists()


def test_format_forced_to_pdf_refuses_what_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Quotas fell (FAO, May 2024).\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["extract", str(path), "--format", "pdf", "-o", str(tmp_path / "c.csv")]
    )
    assert result.exit_code == ExitCode.USAGE and "not a PDF" in result.output


def test_link_words_dates_and_compounds_broken_at_line_ends_keep_their_form(
    tmp_path: Path,
) -> None:
    uri = "https://news.example.org/25/272546"
    page: list[Text | Link] = [
        *paragraph(
            60,
            730,
            [
                "Quotas rose (Kashgar Prefecture",
                "Government, 2015) and fell (Communist and Post-",
                "Communist Studies, 2017-01-",
                "20) again.",
            ],
        ),
        Link(120, 726, 220, 740, uri),
        Link(60, 714, 130, 728, uri),
    ]
    rows = _extract(tmp_path, make_pdf([page]))
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("Kashgar Prefecture Government", "2015", uri),
        ("Communist and Post-Communist Studies", "2017-01-20", ""),
    ]


def test_a_paragraph_or_a_note_broken_by_a_page_goes_on_on_the_next(tmp_path: Path) -> None:
    first: list[Text | Link] = [
        *paragraph(60, 730, ["Canals ran dry for three weeks in August, as reported by"]),
        Text(60, 690, "Notes", 16, bold=True),
        *paragraph(60, 660, ["1. Water Council, “Canal report,” March 23,"]),
    ]
    second: list[Text | Link] = [
        *paragraph(60, 780, ["2020, https://water.example.org/canal."]),
        *paragraph(60, 760, ["2. FAO, “Wheat prices,” May 2024."]),
    ]
    body: list[Text | Link] = [
        *paragraph(60, 760, ["Kashgar Daily (Kashgar Daily, June 4, 2022) and more."]),
    ]
    rows = _extract(tmp_path, make_pdf([first, second]))
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        ("Water Council", "2020-03-23", "https://water.example.org/canal", "Notes [1], p. 1"),
        ("FAO", "2024-05", "", "Notes [2], p. 2"),
    ]
    rows = _extract(tmp_path, make_pdf([first[:1], body]), name="body.pdf")
    path = tmp_path / "body.pdf"
    blocks = read_pdf(path.read_bytes(), "body.pdf").blocks
    assert (
        blocks[0].text.startswith("Canals ran dry") and "Kashgar Daily (Kashgar" in blocks[0].text
    )
    assert [r[1] for r in rows] == ["Kashgar Daily"]


def test_footnote_numbers_raised_against_their_text_are_labels(tmp_path: Path) -> None:
    page: list[Text | Link] = [
        *paragraph(60, 730, ["Canals ran dry for three weeks in August, and the farmers of"]),
        *paragraph(60, 718, ["the lower valley lost most of their cotton that season."]),
        *paragraph(60, 706, ["Wheat failed across the valley, and prices rose in every"]),
        *paragraph(60, 694, ["market town from Osh to Khujand by the end of the year."]),
        Text(60, 93, "1", 5),
        Text(63, 90, "Reuters, “Drought deepens,” September 3, 2024.", 8),
    ]
    rows = _extract(tmp_path, make_pdf([page]))
    assert rows == [("note", "Reuters", "2024-09-03", "", "Footnotes [1], p. 1")]


def test_a_text_report_that_mentions_the_pdf_header_is_still_text(tmp_path: Path) -> None:
    from linkwatch.extract.formats import detect_binary

    text = b"Every PDF file starts with %PDF-1.7 (Adobe, 2008).\n"
    assert detect_binary(text, "report.txt") is None
    assert detect_binary(b"junk\n" + make_pdf([[Text(60, 700, "x")]]), "x.bin") is Format.PDF
