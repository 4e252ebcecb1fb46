"""``linkwatch extract``: bad input, encodings, stable ids and merging into an existing file."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.errors import ExitCode
from linkwatch.records import read_citations, write_citations

runner = CliRunner()

REPORT = """Title of a report

Background

Exports rose sharply (Xinhua, October 27, 2023). Prices fell (Reuters, November 2, 2023).

Quotas were raised again (Tianshan, January 30).

Notes

[1] Halper, E. (2023, September 18). EV makers. The Washington Post. https://www.washingtonpost.com/a
"""


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["extract", *args])
    return result.exit_code, result.output


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def test_extract_writes_citations_csv(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "citations.csv"
    code, output = _run(str(report), "-o", str(out))
    assert code == ExitCode.OK, output
    rows = read_citations(out, strict=True)
    assert [(r.source, r.date) for r in rows] == [
        ("Xinhua", "2023-10-27"),
        ("Reuters", "2023-11-02"),
        ("Tianshan", "2024-01-30"),
        ("The Washington Post", "2023-09-18"),
    ]
    assert {r.report for r in rows} == {"report.txt"}


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("missing.txt", None, "no such file"),
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("binary.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00" * 20, "binary"),
    ],
)
def test_bad_report_exits_2_and_leaves_existing_file_alone(
    tmp_path: Path, name: str, content: bytes | None, problem: str
) -> None:
    out = tmp_path / "citations.csv"
    out.write_text("id,url\nkeep-me,https://a.example/\n", encoding="utf-8")
    before = out.read_bytes()
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, output = _run(str(path), "-o", str(out))
    assert code == ExitCode.USAGE
    lines = output.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and problem in lines[0]
    assert out.read_bytes() == before


def test_directory_as_report_exits_2(tmp_path: Path) -> None:
    code, output = _run(str(tmp_path), "-o", str(tmp_path / "c.csv"))
    assert code == ExitCode.USAGE and "is a directory" in output
    assert not (tmp_path / "c.csv").exists()


def test_malformed_existing_citations_file_exits_2_unchanged(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "citations.csv"
    out.write_text("name,value\na,b\n", encoding="utf-8")
    code, output = _run(str(report), "-o", str(out))
    assert code == ExitCode.USAGE and str(out) in output and "missing column" in output
    assert out.read_text(encoding="utf-8") == "name,value\na,b\n"


def test_hand_edited_invalid_date_names_the_line(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "citations.csv"
    out.write_text("id,url,date\nx,,Oct 2023\n", encoding="utf-8")
    code, output = _run(str(report), "-o", str(out))
    assert code == ExitCode.USAGE and "line 2" in output and "Oct 2023" in output


def test_output_in_missing_folder_exits_2(report: Path, tmp_path: Path) -> None:
    code, output = _run(str(report), "-o", str(tmp_path / "nope" / "c.csv"))
    assert code == ExitCode.USAGE and "does not exist" in output


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_output_file_exits_2(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "citations.csv"
    out.write_text("id,url\n", encoding="utf-8")
    out.chmod(0o000)
    try:
        code, output = _run(str(report), "-o", str(out))
    finally:
        out.chmod(0o644)
    assert code == ExitCode.USAGE and str(out) in output


def test_output_that_is_a_directory_exits_2(report: Path, tmp_path: Path) -> None:
    code, output = _run(str(report), "-o", str(tmp_path))
    assert code == ExitCode.USAGE and "is a directory" in output


def test_bad_published_and_format_values_are_named(report: Path, tmp_path: Path) -> None:
    code, output = _run(str(report), "-o", str(tmp_path / "c.csv"), "--published", "March 2024")
    assert code == ExitCode.USAGE and "--published" in output
    code, output = _run(str(report), "-o", str(tmp_path / "c.csv"), "--format", "odt")
    assert code == ExitCode.USAGE and "--format" in output


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "cp1252"])
def test_detectable_encodings_are_decoded(tmp_path: Path, encoding: str) -> None:
    if encoding == "gbk":
        text = "新疆维吾尔自治区发布了关于转移就业的通知，要求各地加强劳动力转移工作。" * 4
        text += "\n\nExports rose (新华社, October 27, 2023).\n"
    else:
        text = (
            "The “People’s Daily” said – in 2023 – that quotas rose (Xinhua, October 27, 2023).\n"
        )
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    out = tmp_path / "c.csv"
    code, output = _run(str(path), "-o", str(out))
    assert code == ExitCode.OK, output
    rows = read_citations(out)
    assert rows[-1].date == "2023-10-27"
    assert rows[-1].source in ("新华社", "Xinhua")


def test_ids_are_stable_when_the_report_is_edited_elsewhere(report: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert _run(str(report), "-o", str(first))[0] == ExitCode.OK
    edited = REPORT.replace(
        "Background\n\n", "Background\n\nA new opening paragraph (AP, May 1, 2023).\n\n"
    )
    report.write_text(edited, encoding="utf-8")
    assert _run(str(report), "-o", str(second))[0] == ExitCode.OK
    old = {r.source: r.id for r in read_citations(first)}
    new = {r.source: r.id for r in read_citations(second)}
    assert "AP" in new
    for source, cid in old.items():
        assert new[source] == cid


def test_rerun_merges_hand_edits_new_and_removed_citations(report: Path, tmp_path: Path) -> None:
    out = tmp_path / "citations.csv"
    assert _run(str(report), "-o", str(out))[0] == ExitCode.OK
    rows = read_citations(out)
    edited = [
        dataclasses.replace(
            r, url="https://xinhua.example/a", archive_url="https://web.archive.org/web/2023/x"
        )
        if r.source == "Xinhua"
        else r
        for r in rows
    ]
    write_citations(out, edited)
    changed = REPORT.replace(" Prices fell (Reuters, November 2, 2023).", "").replace(
        "Quotas were raised", "Quotas were raised (AP, May 1, 2023) and raised"
    )
    report.write_text(changed, encoding="utf-8")
    code, output = _run(str(report), "-o", str(out))
    assert code == ExitCode.OK, output
    merged = {r.source: r for r in read_citations(out)}
    assert merged["Xinhua"].url == "https://xinhua.example/a"
    assert merged["Xinhua"].archive_url == "https://web.archive.org/web/2023/x"
    assert "removed" not in merged["Xinhua"].flag_set
    assert "removed" in merged["Reuters"].flag_set
    assert "AP" in merged
    assert "1 new" in output and "1 removed" in output


def test_rerun_keeps_values_when_the_cited_sentence_was_reworded(
    report: Path, tmp_path: Path
) -> None:
    out = tmp_path / "citations.csv"
    assert _run(str(report), "-o", str(out))[0] == ExitCode.OK
    rows = read_citations(out)
    write_citations(
        out,
        [
            dataclasses.replace(r, url="https://hand.example/") if r.source == "Reuters" else r
            for r in rows
        ],
    )
    report.write_text(REPORT.replace("Prices fell", "Prices dropped"), encoding="utf-8")
    assert _run(str(report), "-o", str(out))[0] == ExitCode.OK
    reuters = [r for r in read_citations(out) if r.source == "Reuters"]
    assert len(reuters) == 1
    assert reuters[0].url == "https://hand.example/" and "removed" not in reuters[0].flag_set


def test_two_reports_go_into_one_file(report: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.md"
    other.write_text("# Other\n\nA claim ([BBC, 27 October 2023](https://bbc.example/a)).\n")
    out = tmp_path / "c.csv"
    code, output = _run(str(report), str(other), "-o", str(out))
    assert code == ExitCode.OK, output
    assert {r.report for r in read_citations(out)} == {"report.txt", "other.md"}
