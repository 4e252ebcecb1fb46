"""Precision and recall on blind reports: outlets, years and layouts the extractor was not built on.

Each ``tests/fixtures/reports/blind-*`` report has a hand-annotated list beside it
(``<name>.expected.json``, the same format as the other fixture reports): every citation as
``[kind, source, date]`` and every cited URL exactly as cited. The lists record what a careful
editor would call a citation:

- one entry per author–date segment, per caption credit and per reference in a note (a note
  holding two references gives two entries); the source as written, the date normalised to
  ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, a year-less date placed in the publication year, or
  the year before when it would fall after the publication date;
- in a reference, the source is the outlet, journal or series it appeared in; for a report
  or statement, the organisation that wrote it, else its publisher; the date is the item's,
  never the accessed date; labels before it (``see``, ``Debt figures:``) and places of
  publication are not part of the source;
- bare links in prose and unnamed URLs have an empty source and count only as URLs;
- a ``doi:10.…`` reference is cited as ``https://doi.org/10.…``;
- navigation, breadcrumbs, share buttons, author boxes, tags, sidebars, footers, image
  files, footnote back-links and newsletter boilerplate are not citations.

The bar is F1 >= 0.97 on the (source, date) pairs and on the URLs, for each report.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from linkwatch.extract import extract_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reports"
BLIND = sorted(p for p in FIXTURES.glob("blind-*") if p.suffix in (".txt", ".md", ".html"))
BAR = 0.97


def _scores(found: Counter[object], wanted: Counter[object]) -> tuple[float, float, float]:
    """Return precision, recall and F1 of ``found`` against ``wanted`` (multisets)."""
    hits = sum((found & wanted).values())
    precision = hits / max(1, sum(found.values()))
    recall = hits / max(1, sum(wanted.values()))
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def _gold(report: Path) -> dict[str, object]:
    path = report.with_name(report.stem + ".expected.json")
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _gold_pairs(report: Path) -> Counter[tuple[str, str]]:
    rows: list[list[str]] = _gold(report)["citations"]  # type: ignore[assignment]
    return Counter((source, date) for _kind, source, date in rows if source)


def _gold_urls(report: Path) -> Counter[str]:
    urls: list[str] = _gold(report)["urls"]  # type: ignore[assignment]
    return Counter(urls)


def _failure(what: str, found: Counter[object], wanted: Counter[object]) -> str:
    precision, recall, f1 = _scores(found, wanted)
    missing = sorted(map(str, (wanted - found).elements()))
    extra = sorted(map(str, (found - wanted).elements()))
    return (
        f"{what}: precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f} < {BAR}\n"
        f"  missing ({len(missing)}): {missing}\n"
        f"  extra ({len(extra)}): {extra}"
    )


def test_blind_reports_cover_text_markdown_and_html() -> None:
    assert len(BLIND) >= 6
    assert {p.suffix for p in BLIND} == {".txt", ".md", ".html"}
    for report in BLIND:
        gold = _gold(report)
        assert gold["citations"] and gold["urls"], report.name


@pytest.mark.parametrize("report", BLIND, ids=lambda p: p.name)
def test_blind_report_source_date_pairs_reach_the_bar(report: Path) -> None:
    extraction = extract_file(report)
    found: Counter[object] = Counter((c.source, c.date) for c in extraction.citations if c.source)
    wanted: Counter[object] = Counter(_gold_pairs(report))
    assert _scores(found, wanted)[2] >= BAR, _failure("pairs", found, wanted)


@pytest.mark.parametrize("report", BLIND, ids=lambda p: p.name)
def test_blind_report_urls_reach_the_bar(report: Path) -> None:
    extraction = extract_file(report)
    found: Counter[object] = Counter(c.url for c in extraction.citations if c.url)
    wanted: Counter[object] = Counter(_gold_urls(report))
    assert _scores(found, wanted)[2] >= BAR, _failure("urls", found, wanted)


@pytest.mark.parametrize("report", BLIND, ids=lambda p: p.name)
def test_blind_report_publication_date_read_from_the_document(report: Path) -> None:
    extraction = extract_file(report)
    assert extraction.published == _gold(report)["published"]


def test_scores_count_repeated_items_as_a_multiset() -> None:
    wanted: Counter[object] = Counter({("Xinhua", "2022-01-07"): 2, ("TASS", "2022-01-06"): 1})
    found: Counter[object] = Counter({("Xinhua", "2022-01-07"): 1, ("Caixin", "2022-01-12"): 1})
    precision, recall, f1 = _scores(found, wanted)
    assert (precision, round(recall, 3), round(f1, 3)) == (0.5, 0.333, 0.4)
    assert _scores(Counter(), wanted) == (0.0, 0.0, 0.0)
