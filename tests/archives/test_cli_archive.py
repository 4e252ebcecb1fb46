"""The archive options of ``linkwatch check``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.errors import ExitCode
from linkwatch.records import Citation, write_citations
from tests.web import LocalWeb
from tests.web.archive import LocalArchive

runner = CliRunner()


def _citations(tmp_path: Path, local_archive: LocalArchive) -> Path:
    pages = local_archive.pages
    path = tmp_path / "citations.csv"
    write_citations(
        path,
        [
            Citation(id="1", url=pages["good-near"].url, date=pages["good-near"].citation_date),
            Citation(id="2", url=pages["never"].url, date=pages["never"].citation_date),
        ],
    )
    return path


def test_check_asks_the_archive_given_on_the_command_line(
    local_web: LocalWeb, local_archive: LocalArchive, tmp_path: Path
) -> None:
    citations = _citations(tmp_path, local_archive)
    local_archive.clear_requests()
    result = runner.invoke(
        app,
        [
            "check",
            str(citations),
            "--allow-private",
            "--host-interval",
            "0",
            "--archive",
            f"local={local_archive.root}",
            "--archive-only",
            "--json",
        ],
    )
    assert result.exit_code == ExitCode.OK, result.output
    doc = json.loads(result.stdout)
    by_id = {r["citation"]["id"]: r for r in doc["run"]["results"]}
    assert by_id["1"]["archive"]["status"] == "archived"
    assert by_id["1"]["archive"]["archives"] == ["local"]
    assert by_id["1"]["verdict"] == "healthy"
    assert by_id["2"]["archive"]["status"] == "not-archived"
    assert by_id["2"]["verdict"] == "at-risk"
    assert local_archive.requests()


def test_no_archive_skips_archives(
    local_web: LocalWeb, local_archive: LocalArchive, tmp_path: Path
) -> None:
    citations = _citations(tmp_path, local_archive)
    local_archive.clear_requests()
    result = runner.invoke(
        app, ["check", str(citations), "--allow-private", "--no-archive", "--json"]
    )
    assert result.exit_code == ExitCode.OK, result.output
    doc = json.loads(result.stdout)
    assert all(r["archive"]["status"] == "not-checked" for r in doc["run"]["results"])
    assert local_archive.requests() == []


def test_no_archive_conflicts_with_archive_options(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["check", str(tmp_path / "c.csv"), "--no-archive", "--archive", "x=http://a.test/"]
    )
    assert result.exit_code == ExitCode.USAGE
    assert "--no-archive cannot be combined with --archive" in result.output


def test_malformed_archive_option_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "c.csv"), "--archive", "nourl"])
    assert result.exit_code == ExitCode.USAGE
    assert "--archive 'nourl': expected NAME=URL" in result.output


def test_archive_only_needs_an_archive(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "c.csv"), "--archive-only"])
    assert result.exit_code == ExitCode.USAGE
    assert "--archive-only needs" in result.output
