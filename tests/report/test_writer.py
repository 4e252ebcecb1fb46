"""Writing reports/<run-id>/ and reports/latest: atomic files, a link swapped in one rename."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from linkwatch.errors import OutputError
from linkwatch.fsutil import atomic_write_chunks
from linkwatch.report.jsondoc import results_document
from linkwatch.report.writer import FILE_NAMES, ReportFormat, render, write_reports

from .samples import every_verdict_run


def test_writes_four_files_and_points_latest_at_them(tmp_path: Path) -> None:
    folder = write_reports(every_verdict_run("r1"), tmp_path)
    assert folder == tmp_path / "r1"
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILE_NAMES.values())
    latest = tmp_path / "latest"
    assert latest.is_symlink() and os.readlink(latest) == "r1"
    assert json.loads((latest / "results.json").read_text())["run"]["run_id"] == "r1"


def test_next_run_moves_latest_and_keeps_the_old_folder(tmp_path: Path) -> None:
    write_reports(every_verdict_run("r1"), tmp_path)
    write_reports(every_verdict_run("r2"), tmp_path, previous=every_verdict_run("r1"))
    assert os.readlink(tmp_path / "latest") == "r2"
    assert (tmp_path / "r1" / "report.md").exists()
    assert "Compared with run r1." in (tmp_path / "latest" / "report.md").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_csv_starts_with_a_byte_order_mark_for_spreadsheets(tmp_path: Path) -> None:
    folder = write_reports(every_verdict_run(), tmp_path, formats=[ReportFormat.CSV])
    assert (folder / "results.csv").read_bytes().startswith(b"\xef\xbb\xbfrun_id,")
    assert [p.name for p in folder.iterdir()] == ["results.csv"]


def test_run_id_that_would_escape_the_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot be used as a report folder"):
        write_reports(every_verdict_run("../evil"), tmp_path)
    with pytest.raises(OutputError):
        write_reports(every_verdict_run("latest"), tmp_path)


def test_a_real_latest_folder_is_never_replaced(tmp_path: Path) -> None:
    (tmp_path / "latest").mkdir()
    (tmp_path / "latest" / "keep.txt").write_text("mine")
    with pytest.raises(OutputError, match="is not a link"):
        write_reports(every_verdict_run("r1"), tmp_path)
    assert (tmp_path / "latest" / "keep.txt").read_text() == "mine"


def test_unwritable_reports_folder_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot create report folder"):
        write_reports(every_verdict_run("r1"), blocker / "reports")


def test_a_writer_that_fails_midway_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("previous run\n", encoding="utf-8")

    def chunks() -> Iterator[bytes]:
        yield b"# half of a report\n"
        raise RuntimeError("renderer broke")

    with pytest.raises(RuntimeError, match="renderer broke"):
        atomic_write_chunks(target, chunks())
    assert target.read_text(encoding="utf-8") == "previous run\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_streamed_files_match_the_whole_renderings(tmp_path: Path) -> None:
    run, previous = every_verdict_run("r2"), every_verdict_run("r1")
    folder = write_reports(run, tmp_path, previous)
    for fmt, name in FILE_NAMES.items():
        assert (folder / name).read_bytes() == render(fmt, run, previous), name
    assert (folder / "results.json").read_text("utf-8") == (
        json.dumps(results_document(run, previous), ensure_ascii=False, indent=2) + "\n"
    )
