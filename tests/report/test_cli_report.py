"""linkwatch report and linkwatch runs: stored runs rendered again without fetching anything."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.errors import ExitCode
from linkwatch.report.jsondoc import schema
from linkwatch.store.db import Store

from .samples import every_verdict_run

runner = CliRunner()


def _stored(tmp_path: Path, runs: int = 2) -> tuple[Path, list[str]]:
    db = tmp_path / "lw.db"
    ids = []
    with Store(db) as store:
        for _ in range(runs):
            run_id = store.begin_run("citations.csv")
            store.finish_run(dataclasses.replace(every_verdict_run(run_id)))
            ids.append(run_id)
    return db, ids


def test_report_prints_a_stored_run_as_json_that_validates(tmp_path: Path) -> None:
    db, ids = _stored(tmp_path)
    result = runner.invoke(app, ["report", "--db", str(db), "--format", "json"])
    assert result.exit_code == ExitCode.OK, result.output
    doc = json.loads(result.stdout)
    jsonschema.Draft202012Validator(schema()).validate(doc)
    assert doc["run"]["run_id"] == ids[-1]
    assert doc["since_last_run"]["previous_run_id"] == ids[0]


def test_report_renders_an_older_run_by_id(tmp_path: Path) -> None:
    db, ids = _stored(tmp_path)
    result = runner.invoke(app, ["report", ids[0], "--db", str(db), "-f", "md"])
    assert result.exit_code == ExitCode.OK
    assert f"# linkwatch report: run {ids[0]}" in result.stdout
    assert "First run on this database" in result.stdout


def test_report_without_format_writes_all_four_files(tmp_path: Path) -> None:
    db, ids = _stored(tmp_path, runs=1)
    out = tmp_path / "reports"
    result = runner.invoke(app, ["report", "--db", str(db), "--reports", str(out)])
    assert result.exit_code == ExitCode.OK, result.output
    names = sorted(p.name for p in (out / ids[0]).iterdir())
    assert names == ["report.html", "report.md", "results.csv", "results.json"]


def test_report_writes_one_format_to_a_file(tmp_path: Path) -> None:
    db, _ids = _stored(tmp_path, runs=1)
    target = tmp_path / "out.csv"
    result = runner.invoke(app, ["report", "--db", str(db), "-f", "csv", "-o", str(target)])
    assert result.exit_code == ExitCode.OK
    assert target.read_bytes().startswith(b"\xef\xbb\xbfrun_id,id,verdict")


def test_report_of_unknown_run_is_a_usage_error(tmp_path: Path) -> None:
    db, _ids = _stored(tmp_path, runs=1)
    result = runner.invoke(app, ["report", "nope", "--db", str(db)])
    assert result.exit_code == ExitCode.USAGE
    assert "no run 'nope'" in result.output


def test_report_rejects_bad_and_conflicting_options(tmp_path: Path) -> None:
    db, _ids = _stored(tmp_path, runs=1)
    bad = runner.invoke(app, ["report", "--db", str(db), "--format", "pdf"])
    assert bad.exit_code == ExitCode.USAGE and "--format: 'pdf'" in bad.output
    both = runner.invoke(app, ["report", "--db", str(db), "-f", "md", "--reports", "x"])
    assert both.exit_code == ExitCode.USAGE and "--reports and --format" in both.output
    orphan = runner.invoke(app, ["report", "--db", str(db), "-o", "x.md"])
    assert orphan.exit_code == ExitCode.USAGE and "needs --format" in orphan.output


def test_report_without_a_database_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--citations", str(tmp_path / "citations.csv")])
    assert result.exit_code == ExitCode.USAGE
    assert "no linkwatch database" in result.output


def test_runs_lists_each_run_with_counts(tmp_path: Path) -> None:
    db, ids = _stored(tmp_path)
    result = runner.invoke(app, ["runs", "--db", str(db)])
    assert result.exit_code == ExitCode.OK
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "run",
        "started",
        "state",
        "citations",
        "lost",
        "drifted",
        "at-risk",
        "preserved-only",
        "unverifiable",
        "unlinked",
        "healthy",
    ]
    assert [line.split()[0] for line in lines[1:]] == ids
    assert lines[1].split()[2:] == ["complete", "8", "1", "1", "2", "1", "1", "1", "1"]
