"""One report, written once in Markdown, converted by real tools into text, HTML, Word and
PDF: every format yields the same citations.

pandoc writes the HTML, the DOCX and the plain text (a Lua filter keeps each link's target
after its words, as a writer of a text report would); headless Chromium prints the HTML to
PDF with its own running header and footer, once as it is and once set in two columns by a
style sheet. scripts/test.sh installs both.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from linkwatch.extract import extract_file

FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.skipif(
    shutil.which("pandoc") is None or not Path(CHROMIUM).exists(),
    reason="pandoc and chromium convert the report (scripts/test.sh installs them)",
)


def _convert(folder: Path) -> dict[str, Path]:
    source = folder / "report.md"
    shutil.copy(FORMATS / "report.md", source)
    out = {"markdown": source}
    out["html"] = folder / "report.html"
    subprocess.run(
        [
            "pandoc",
            str(source),
            "-s",
            "--metadata",
            "pagetitle=Water Rights",
            "-o",
            str(out["html"]),
        ],
        check=True,
        timeout=120,
    )
    out["docx"] = folder / "report.docx"
    subprocess.run(["pandoc", str(source), "-o", str(out["docx"])], check=True, timeout=120)
    out["text"] = folder / "report.txt"
    subprocess.run(
        [
            "pandoc",
            str(source),
            "-t",
            "plain",
            "--lua-filter",
            str(FORMATS / "links-in-text.lua"),
            "-o",
            str(out["text"]),
        ],
        check=True,
        timeout=120,
    )
    out["pdf"] = folder / "report.pdf"
    _print(out["html"], out["pdf"], folder)
    # The same page set in two columns (CSS), printed: read column by column.
    columns = folder / "report-columns.html"
    subprocess.run(
        [
            "pandoc",
            str(source),
            "-s",
            "--metadata",
            "pagetitle=Water Rights",
            "-H",
            str(FORMATS / "two-columns.html"),
            "-o",
            str(columns),
        ],
        check=True,
        timeout=120,
    )
    out["pdf-two-columns"] = folder / "report-columns.pdf"
    _print(columns, out["pdf-two-columns"], folder)
    return out


def _print(html: Path, pdf: Path, folder: Path) -> None:
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={folder / 'chromium'}",
            f"--print-to-pdf={pdf}",
            html.as_uri(),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _convert(tmp_path_factory.mktemp("formats"))


def _citations(path: Path) -> list[tuple[str, str, str, str, str]]:
    extraction = extract_file(path)
    assert extraction.published == "2025-03-04"
    # In reading order: a two-column page read across the columns would change it.
    return [(c.kind, c.source, c.date, c.url, c.doi) for c in extraction.citations]


def test_every_format_of_the_report_yields_the_same_citations(converted: dict[str, Path]) -> None:
    found = {fmt: _citations(path) for fmt, path in converted.items()}
    wanted = found["markdown"]
    assert len(wanted) == 14
    for fmt, citations in found.items():
        assert citations == wanted, fmt


def test_no_format_takes_the_byline_share_or_about_links(converted: dict[str, Path]) -> None:
    for path in converted.values():
        urls = " ".join(c.url for c in extract_file(path).citations)
        assert "linkedin" not in urls and "twitter" not in urls and "about" not in urls
        assert "mailto" not in urls


def test_the_pdf_gives_pages_and_the_docx_keeps_footnote_numbers(
    converted: dict[str, Path],
) -> None:
    for key in ("pdf", "pdf-two-columns"):
        assert all(", p. " in c.location for c in extract_file(converted[key]).citations)
    docx = extract_file(converted["docx"]).citations
    assert [c.location for c in docx if c.source == "Reuters"] == ["Footnotes [1]"]


SEED = Path(__file__).resolve().parents[3] / "shared" / "seed"
SEED_REPORT = SEED / "china-brief-v24-i5-xinjiang-labor-transfers.txt"


@pytest.mark.skipif(not SEED_REPORT.is_file(), reason=f"the seed report is not at {SEED_REPORT}")
def test_the_seed_report_as_word_and_pdf_yields_its_text_citations(tmp_path: Path) -> None:
    # A plain-text report sets "Notes" as an ordinary line: converted, it stays one, and the
    # notes under it must still be read as notes.
    docx, html, pdf = tmp_path / "seed.docx", tmp_path / "seed.html", tmp_path / "seed.pdf"
    subprocess.run(["pandoc", "-f", "markdown", str(SEED_REPORT), "-o", str(docx)], check=True)
    standalone = ["pandoc", "-f", "markdown", "-s", "--metadata", "pagetitle=Seed"]
    subprocess.run([*standalone, str(SEED_REPORT), "-o", str(html)], check=True)
    _print(html, pdf, tmp_path)

    def rows(path: Path) -> list[tuple[str, str, str, str, str]]:
        return [(c.kind, c.source, c.date, c.url, c.doi) for c in extract_file(path).citations]

    wanted = rows(SEED_REPORT)
    assert len(wanted) == 69
    assert rows(docx) == wanted
    assert rows(pdf) == wanted
