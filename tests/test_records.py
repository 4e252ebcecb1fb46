"""citations.csv: column order, spreadsheet safety, validation and merging."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkwatch.errors import CitationsFileError
from linkwatch.records import (
    COLUMNS,
    Citation,
    merge_citations,
    read_citations,
    write_citations,
)


def test_columns_are_documented(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "citations-csv.md").read_text("utf-8")
    for column in COLUMNS:
        assert f"`{column}`" in doc, column


def test_round_trip_keeps_every_value(tmp_path: Path) -> None:
    rows = [
        Citation(
            id="a", source="People’s Daily", author="Zenz, A.", date="2023-08-11", flags="x;y"
        ),
        Citation(id="b", context='He said "no", then left', kind="note"),
    ]
    path = tmp_path / "c.csv"
    write_citations(path, rows)
    assert read_citations(path) == rows


def test_formulas_are_neutralised_in_the_file_but_not_in_the_records(tmp_path: Path) -> None:
    rows = [Citation(id="a", title='=HYPERLINK("http://evil")', source="+cmd", context="-2 points")]
    path = tmp_path / "c.csv"
    write_citations(path, rows)
    text = path.read_text("utf-8")
    assert "'=HYPERLINK" in text and "'+cmd" in text and "'-2 points" in text
    assert read_citations(path) == rows


def test_repeated_id_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,url\na,\na,\n", encoding="utf-8")
    with pytest.raises(CitationsFileError, match="line 3 repeats the id 'a' of line 2"):
        read_citations(path)


def test_strict_reading_rejects_unknown_kind(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,url,kind\na,,footnote\n", encoding="utf-8")
    assert read_citations(path)[0].kind == "footnote"
    with pytest.raises(CitationsFileError, match="kind 'footnote'"):
        read_citations(path, strict=True)


def test_binary_file_is_not_a_citations_file(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"id,url\n\x00\x01")
    with pytest.raises(CitationsFileError, match="binary"):
        read_citations(path)


def test_merge_leaves_other_reports_untouched() -> None:
    existing = [
        Citation(id="x1", report="other.txt", source="BBC"),
        Citation(id="a1", report="r.txt", source="Xinhua", url="https://hand.example/"),
    ]
    fresh = [Citation(id="a1", report="r.txt", source="Xinhua", context="new context")]
    result = merge_citations(existing, fresh, ["r.txt"])
    assert result.citations[0] == existing[0]
    assert result.citations[1].url == "https://hand.example/"
    assert result.citations[1].context == "new context"
    assert (result.added, result.kept, result.removed) == (0, 1, 0)


def test_merge_drops_url_flags_when_a_person_replaced_the_url() -> None:
    existing = [
        Citation(id="a", report="r", url="https://fixed.example/", flags="truncated;web-archive")
    ]
    fresh = [
        Citation(
            id="a",
            report="r",
            url="https://web.archive.org/web/2023/",
            flags="truncated;web-archive",
        )
    ]
    merged = merge_citations(existing, fresh, ["r"]).citations[0]
    assert merged.url == "https://fixed.example/"
    assert not merged.flag_set & {"truncated", "web-archive"}
