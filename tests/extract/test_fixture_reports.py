"""Precision and recall on reports in other styles (HTML, Markdown, other outlets and years).

Each fixture report in tests/fixtures/reports has a hand-written list of the citations
and URLs it holds; the extractor must find them with F1 >= 0.97 on (source, date)
pairs and on URLs, as on reports it has never seen.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from linkwatch.extract import extract_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reports"
REPORTS = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".md", ".html"))


def _f1(found: Counter[object], expected: Counter[object]) -> tuple[float, float, float]:
    hits = sum((found & expected).values())
    precision = hits / max(1, sum(found.values()))
    recall = hits / max(1, sum(expected.values()))
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def _expected(report: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        (report.parent / (report.stem + ".expected.json")).read_text(encoding="utf-8")
    )
    return data


def test_there_are_fixture_reports_in_three_formats() -> None:
    assert {p.suffix for p in REPORTS} == {".txt", ".md", ".html"}


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_source_date_pairs_found_with_high_precision_and_recall(report: Path) -> None:
    expected = _expected(report)
    extraction = extract_file(report)
    # Every record with a source counts, alternates included (they repeat their reference).
    found_pairs = Counter((c.kind, c.source, c.date) for c in extraction.citations if c.source)
    wanted_pairs = Counter(
        (kind, source, date)
        for kind, source, date in expected["citations"]  # type: ignore[attr-defined]
        if source
    )
    precision, recall, f1 = _f1(found_pairs, wanted_pairs)
    missing = wanted_pairs - found_pairs
    extra = found_pairs - wanted_pairs
    assert f1 >= 0.97, (
        f"precision {precision:.2f} recall {recall:.2f}; missing {missing}; extra {extra}"
    )


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_urls_found_exactly_as_cited(report: Path) -> None:
    expected = _expected(report)
    extraction = extract_file(report)
    found = Counter(c.url for c in extraction.citations if c.url)
    wanted = Counter(expected["urls"])  # type: ignore[arg-type]
    precision, recall, f1 = _f1(found, wanted)
    assert f1 >= 0.97, (
        f"p {precision:.2f} r {recall:.2f}; missing {wanted - found}; extra {found - wanted}"
    )


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_publication_date_recorded_on_every_row(report: Path) -> None:
    expected = _expected(report)
    extraction = extract_file(report)
    assert extraction.published == expected["published"]
    assert {c.published for c in extraction.citations} == {expected["published"]}


def test_html_navigation_sidebar_and_footer_are_not_read() -> None:
    extraction = extract_file(FIXTURES / "harbor-review-2022.html")
    urls = {c.url for c in extraction.citations}
    sources = {c.source for c in extraction.citations}
    assert not any("twitter" in u or "/related/" in u or "/rail/" in u for u in urls)
    assert "AP" not in sources and "Harbor Review" not in sources
    assert not any(c.date == "2022-05-03" for c in extraction.citations)  # Reuters in the nav


def test_html_link_inside_parenthesis_gives_that_citation_its_url() -> None:
    extraction = extract_file(FIXTURES / "harbor-review-2022.html")
    by_source = {(c.source, c.date): c for c in extraction.citations}
    assert (
        by_source[("Financial Times", "2022-09-02")].url
        == "https://www.ft.com/content/insurers-black-sea"
    )
    assert by_source[("Lloyd’s List", "2022-08-12")].kind in ("inline", "note")
    caption = next(c for c in extraction.citations if c.kind == "caption")
    assert caption.source == "Wikimedia Commons"
    assert caption.url == "https://commons.example.org/odesa-cranes"


def test_markdown_reference_links_and_footnotes() -> None:
    extraction = extract_file(FIXTURES / "steppe-monitor-brief.md")
    by_source = {c.source: c for c in extraction.citations if c.kind == "inline" and c.source}
    assert by_source["Eurasianet"].url == "https://eurasianet.example/reservoirs-low-2021"
    assert by_source["Ministry of Water Resources"].url.endswith("/quota-compensation")
    notes = [c for c in extraction.citations if c.kind == "note"]
    alternate = next(c for c in notes if "alternate" in c.flag_set)
    assert alternate.url == "https://www.researchgate.example/publication/342187112"
    journal = next(c for c in notes if c.doi)
    assert journal.doi == "10.5555/irrsci.2020.38.301"
    assert journal.author == "Karimov, B., Ahmedov, S., & Petrova, N."
    assert journal.title == "Canal seepage in the Fergana Valley"


def test_chicago_note_records_accessed_date_and_title() -> None:
    extraction = extract_file(FIXTURES / "delta-observer-2019.txt")
    mrc = next(c for c in extraction.citations if c.kind == "note" and c.accessed)
    assert mrc.source == "Mekong River Commission"
    assert mrc.accessed == "2019-09-03"
    assert mrc.date == "2019-07-30"
    archived = next(c for c in extraction.citations if "web-archive" in c.flag_set)
    assert archived.original_url.startswith("https://www.nationalgeographic.example/environment/")
    assert archived.archived_at == "2019-09-01T00:00:00Z"
