"""citations.csv as spreadsheets save it: every dialect read, and written back unchanged.

Each file here is built byte by byte as the spreadsheet writes it (not by linkwatch), so a
write-back is compared with what the spreadsheet itself would hold after the same edit.
"""

from __future__ import annotations

import codecs
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.errors import CitationsFileError, ExitCode
from linkwatch.preserve.writeback import write_back
from linkwatch.records import (
    COLUMNS,
    CsvDialect,
    read_citations,
    read_citations_file,
    write_citations,
)

SAVED_AS = {
    # Excel "CSV UTF-8 (Comma delimited)"
    "excel-csv-utf8": CsvDialect(",", "utf-8", True, "\r\n"),
    # Excel "CSV (semicolon)" as German, French and many other locales save it
    "excel-semicolon": CsvDialect(";", "utf-8", False, "\r\n"),
    # Excel "Unicode Text": UTF-16LE with a byte-order mark, tab-separated
    "excel-unicode-text": CsvDialect("\t", "utf-16-le", True, "\r\n"),
    # LibreOffice's defaults
    "libreoffice": CsvDialect(",", "utf-8", False, "\n"),
    "semicolon-bom-lf": CsvDialect(";", "utf-8", True, "\n"),
    "tab-utf8": CsvDialect("\t", "utf-8", False, "\n"),
    "utf16-be-comma": CsvDialect(",", "utf-16-be", True, "\r\n"),
}

BOMS = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
}


def _saved(dialect: CsvDialect, archive_url: str = "") -> bytes:
    """A two-row citations file as the spreadsheet writes it; ``archive_url`` of row c2."""
    d = dialect.delimiter
    values = {
        "c1": {
            "url": "http://www.gov.cn/zhengce/2019/content_1.htm",
            "source": "国务院",
            "title": f'Notice on "transfer"{d} 2019',
            "date": "2019-03-01",
        },
        "c2": {
            "url": "https://example.org/a b",
            "source": "Xinhua",
            "title": "平安",
            "date": "2020",
            "archive_url": archive_url,
        },
    }

    def cell(value: str) -> str:
        return f'"{value.replace(chr(34), 2 * chr(34))}"' if d in value or '"' in value else value

    lines = [d.join(COLUMNS)]
    for cid, row in values.items():
        lines.append(d.join(cell({"id": cid, "kind": "inline", **row}.get(c, "")) for c in COLUMNS))
    text = "".join(line + dialect.newline for line in lines)
    return (BOMS[dialect.encoding] if dialect.bom else b"") + text.encode(dialect.encoding)


@pytest.mark.parametrize("name", sorted(SAVED_AS))
def test_each_dialect_is_read_and_named(tmp_path: Path, name: str) -> None:
    path = tmp_path / "citations.csv"
    path.write_bytes(_saved(SAVED_AS[name]))
    found = read_citations_file(path)
    assert found.dialect == SAVED_AS[name]
    first, second = found.citations
    assert first.source == "国务院"
    assert first.title == f'Notice on "transfer"{SAVED_AS[name].delimiter} 2019'
    assert second.url == "https://example.org/a b"


@pytest.mark.parametrize("name", sorted(SAVED_AS))
def test_rewriting_the_records_keeps_the_file_byte_for_byte(tmp_path: Path, name: str) -> None:
    path = tmp_path / "citations.csv"
    path.write_bytes(_saved(SAVED_AS[name]))
    found = read_citations_file(path)
    write_citations(path, found.citations, found.dialect)
    assert path.read_bytes() == _saved(SAVED_AS[name])
    # Without a dialect, an existing file keeps its own too.
    write_citations(path, found.citations)
    assert path.read_bytes() == _saved(SAVED_AS[name])


@pytest.mark.parametrize("name", sorted(SAVED_AS))
def test_archive_write_back_changes_only_the_edited_cell(tmp_path: Path, name: str) -> None:
    path = tmp_path / "citations.csv"
    path.write_bytes(_saved(SAVED_AS[name]))
    link = "https://web.archive.org/web/20200101000000/https://example.org/a%20b"
    done = write_back(path, {"c2": link}, {})
    assert done.written == {"c2": link}
    assert path.read_bytes() == _saved(SAVED_AS[name], archive_url=link)
    assert read_citations_file(path).dialect == SAVED_AS[name]


@pytest.mark.parametrize("name", ["excel-semicolon", "excel-unicode-text"])
def test_extract_merging_into_a_spreadsheet_file_keeps_its_dialect(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / "citations.csv"
    path.write_bytes(_saved(SAVED_AS[name]))
    report = tmp_path / "report.txt"
    report.write_text(
        "A report\n\nNotes\n\n[1] Xinhua. (2021, May 4). Quotas raised. https://example.com/q\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["extract", str(report), "-o", str(path)])
    assert result.exit_code == ExitCode.OK, result.output
    found = read_citations_file(path)
    assert found.dialect == SAVED_AS[name]
    assert [c.id for c in found.citations][:2] == ["c1", "c2"]
    assert any(c.url == "https://example.com/q" for c in found.citations)


def test_verbose_check_names_the_dialect_found(tmp_path: Path) -> None:
    path = tmp_path / "citations.csv"
    path.write_bytes(_saved(SAVED_AS["excel-unicode-text"]))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "linkwatch",
            "check",
            str(path),
            "--no-archive",
            "-v",
            "--exclude",
            ".",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "tab-separated, UTF-16LE with BOM, CRLF line endings" in done.stderr


def test_a_stray_control_character_spoils_its_row_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "citations.csv"
    path.write_text(
        "id,url,title\nc1,http://example.com/a\x00b,One\nc2,http://example.com/c,Tw\x01o\n",
        encoding="utf-8",
    )
    first, second = read_citations(path)
    assert first.url == "http://example.com/a\x00b"
    assert second.title == "Tw\x01o"


def test_a_file_of_control_characters_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "citations.csv"
    path.write_bytes(b"id,url\n" + bytes(range(1, 9)) * 20)
    with pytest.raises(CitationsFileError, match="binary"):
        read_citations(path)


def test_utf16_without_a_byte_order_mark_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "citations.csv"
    path.write_bytes("id\turl\nc1\thttp://example.com/\n".encode("utf-16-le"))
    with pytest.raises(CitationsFileError, match="binary"):
        read_citations(path)


@pytest.mark.parametrize("name", ["excel-semicolon", "excel-unicode-text"])
def test_find_accepting_a_url_keeps_the_dialect(tmp_path: Path, name: str) -> None:
    from linkwatch.find.candidates import Candidate, candidates_path, write_candidates
    from linkwatch.records import Citation

    dialect = SAVED_AS[name]
    path = tmp_path / "citations.csv"
    rows = [
        Citation(id="c1", url="http://www.gov.cn/a.htm", source="国务院", date="2019-03-01"),
        Citation(id="c2", source="Xinhua", date="2020-05-04", title="平安新疆"),
    ]
    write_citations(path, rows, dialect)
    found = "http://www.xinhuanet.com/2020-05/04/c_1.htm"
    write_candidates(
        candidates_path(path),
        {"c2": [Candidate("c2", 1, 0.93, found, "", "2020-05-04T00:00:00Z", "title matches")]},
        ["c1", "c2"],
    )
    result = CliRunner().invoke(app, ["find", str(path), "--accept", "c2:1"])
    assert result.exit_code == ExitCode.OK, result.output
    after = read_citations_file(path)
    assert after.dialect == dialect
    assert {c.id: c.url for c in after.citations} == {"c1": rows[0].url, "c2": found}


def test_a_unicode_text_file_given_to_check_is_taken_for_citations_not_a_report(
    tmp_path: Path,
) -> None:
    from linkwatch.extract.tocsv import is_citations_file

    path = tmp_path / "citations.txt"  # Excel names "Unicode Text" files .txt
    path.write_bytes(_saved(SAVED_AS["excel-unicode-text"]))
    assert is_citations_file(path)
    report = tmp_path / "report.txt"
    report.write_text("A report\n\nIt cites a url, and more.\n", encoding="utf-16")
    assert not is_citations_file(report)


# Files larger than the blocks the reader takes at a time (64 KiB): what it finds must not
# depend on where a block ends.
def _long_file(dialect: CsvDialect, rows: int = 3000) -> bytes:
    lines = [dialect.delimiter.join(("id", "url", "source"))]
    lines += [
        dialect.delimiter.join((f"c{n}", f"https://example.com/{n}/é€", f"Outlet {n % 7}"))
        for n in range(rows)
    ]
    return dialect.encode("".join(line + dialect.newline for line in lines))


@pytest.mark.parametrize("name", sorted(SAVED_AS))
def test_a_file_longer_than_a_block_is_read_whole_in_its_dialect(tmp_path: Path, name: str) -> None:
    path = tmp_path / "citations.csv"
    path.write_bytes(_long_file(SAVED_AS[name]))
    assert path.stat().st_size > 2 * 65536
    found = read_citations_file(path)
    assert found.dialect == SAVED_AS[name]
    assert len(found.citations) == 3000
    assert found.citations[2999].url == "https://example.com/2999/é€"
    # A value repeated from row to row is one string, not one per row.
    assert found.citations[7].source is found.citations[14].source


def test_a_bad_byte_far_into_the_file_is_named_by_its_offset(tmp_path: Path) -> None:
    good = _long_file(CsvDialect())
    # In the second block, after the BOM: the offset counts from the start of the text.
    cut = good.index("€".encode(), 65534)
    bad = good[:cut] + b"\xff" + good[cut:]
    path = tmp_path / "citations.csv"
    path.write_bytes(codecs.BOM_UTF8 + bad)
    with pytest.raises(CitationsFileError, match=rf"not UTF-8 text \(byte {cut}\)"):
        read_citations(path)


def test_a_file_that_turns_binary_after_its_first_block_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "citations.csv"
    path.write_bytes(_long_file(CsvDialect(), rows=1000) + bytes(range(1, 9)) * 40000)
    with pytest.raises(CitationsFileError, match="binary"):
        read_citations(path)
