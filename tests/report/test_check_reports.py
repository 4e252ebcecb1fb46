"""linkwatch check over the local web and archive: four agreeing reports, config, signals."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.errors import ExitCode
from linkwatch.records import Citation, write_citations
from linkwatch.report.jsondoc import schema
from linkwatch.report.model import VERDICT_ORDER
from tests.web import LocalArchive, LocalWeb

from .samples import html_data

runner = CliRunner()

FAST = ["--allow-private", "--host-interval", "0", "--retries", "0", "--timeout", "5"]


def _citations(path: Path, local_web: LocalWeb, local_archive: LocalArchive) -> Path:
    pages = local_archive.pages
    write_citations(
        path,
        [
            Citation(
                id="a1",
                source="Good",
                url=pages["good-near"].url,
                date=pages["good-near"].citation_date,
            ),
            Citation(
                id="a2", source="Never", url=pages["never"].url, date=pages["never"].citation_date
            ),
            Citation(id="w1", source="Web", url=local_web.url("ok-html"), date="2023-01-01"),
            Citation(id="w2", source="Web", url=local_web.url("not-found-404"), date="2023-01-01"),
            Citation(id="u1", source="Interview", date="2023-01-01"),
        ],
    )
    return path


def test_a_run_writes_four_reports_that_agree(
    tmp_path: Path, local_web: LocalWeb, local_archive: LocalArchive
) -> None:
    citations = _citations(tmp_path / "citations.csv", local_web, local_archive)
    result = runner.invoke(
        app,
        [
            "check",
            str(citations),
            *FAST,
            "--archive",
            f"local={local_archive.root}",
            "--archive-only",
            "--confirm-now",
            "--json",
        ],
    )
    assert result.exit_code == ExitCode.PROBLEMS, result.output
    latest = tmp_path / "reports" / "latest"
    assert latest.is_symlink()
    doc = json.loads((latest / "results.json").read_text("utf-8"))
    assert json.loads(result.stdout) == doc
    jsonschema.Draft202012Validator(schema()).validate(doc)
    verdicts = {r["citation"]["id"]: r["verdict"] for r in doc["run"]["results"]}
    assert verdicts == {
        "a1": "healthy",
        "a2": "at-risk",
        "w1": "at-risk",
        "w2": "lost",
        "u1": "unlinked",
    }

    rows = list(csv.DictReader(io.StringIO((latest / "results.csv").read_text("utf-8-sig"))))
    assert {r["id"]: r["verdict"] for r in rows} == verdicts
    assert {r["id"]: r["live_status"] for r in rows}["w2"] == "not-found"

    html_rows = html_data((latest / "report.html").read_text("utf-8"))["decoded"]
    assert {r["id"]: r["verdict"] for r in html_rows} == verdicts

    md = (latest / "report.md").read_text("utf-8")
    for verdict in VERDICT_ORDER:
        count = sum(v == verdict.value for v in verdicts.values())
        assert f"\n## {verdict.value} ({count})\n" in md
    assert "First run on this database" in md


def test_second_run_compares_with_the_first(
    tmp_path: Path, local_web: LocalWeb, local_archive: LocalArchive
) -> None:
    citations = _citations(tmp_path / "citations.csv", local_web, local_archive)
    args = ["check", str(citations), *FAST, "--no-archive"]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert first.exit_code == second.exit_code == ExitCode.OK, second.output
    runs = sorted(p.name for p in (tmp_path / "reports").iterdir() if p.name != "latest")
    assert len(runs) == 2
    assert os.readlink(tmp_path / "reports" / "latest") == runs[1]
    md = (tmp_path / "reports" / "latest" / "report.md").read_text("utf-8")
    assert f"Compared with run {runs[0]}." in md


def test_fail_on_chooses_the_verdicts_that_exit_1(
    tmp_path: Path, local_web: LocalWeb, local_archive: LocalArchive
) -> None:
    citations = _citations(tmp_path / "citations.csv", local_web, local_archive)
    base = ["check", str(citations), *FAST, "--no-archive", "--confirm-now"]
    assert runner.invoke(app, base).exit_code == ExitCode.PROBLEMS
    assert runner.invoke(app, [*base, "--fail-on", "none"]).exit_code == ExitCode.OK
    assert runner.invoke(app, [*base, "--fail-on", "unlinked"]).exit_code == ExitCode.PROBLEMS
    bad = runner.invoke(app, [*base, "--fail-on", "dead"])
    assert bad.exit_code == ExitCode.USAGE
    assert "--fail-on: unknown verdict 'dead'" in bad.output


def test_config_file_sets_options_and_the_command_line_wins(
    tmp_path: Path, local_web: LocalWeb, local_archive: LocalArchive
) -> None:
    citations = _citations(tmp_path / "citations.csv", local_web, local_archive)
    (tmp_path / "linkwatch.toml").write_text(
        'fail-on = ["unlinked"]\nreports = "out"\nallow-private = true\nhost-interval = 0\n'
        "retries = 0\n[archives]\nenabled = false\n",
        encoding="utf-8",
    )
    from_file = runner.invoke(app, ["check", str(citations)])
    assert from_file.exit_code == ExitCode.PROBLEMS, from_file.output
    assert (tmp_path / "out" / "latest" / "report.md").exists()
    doc = json.loads((tmp_path / "out" / "latest" / "results.json").read_text("utf-8"))
    assert all(r["archive"]["status"] == "not-checked" for r in doc["run"]["results"])
    overridden = runner.invoke(app, ["check", str(citations), "--fail-on", "lost"])
    assert overridden.exit_code == ExitCode.OK, overridden.output


def test_unknown_config_key_stops_the_run_before_fetching(
    tmp_path: Path, local_web: LocalWeb
) -> None:
    citations = tmp_path / "citations.csv"
    write_citations(citations, [Citation(id="c1", url=local_web.url("ok-html"))])
    (tmp_path / "linkwatch.toml").write_text("concurency = 4\n", encoding="utf-8")
    local_web.clear_requests()
    result = runner.invoke(app, ["check", str(citations), "--allow-private"])
    assert result.exit_code == ExitCode.USAGE
    assert "linkwatch.toml: unknown key 'concurency'" in result.output
    assert local_web.requests() == []


def test_quiet_and_verbose_conflict(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "c.csv"), "-q", "-v"])
    assert result.exit_code == ExitCode.USAGE
    assert "-q/--quiet and -v/--verbose" in result.output


def test_sigterm_mid_run_writes_incomplete_reports_and_exits_3(
    tmp_path: Path, local_web: LocalWeb
) -> None:
    citations = tmp_path / "citations.csv"
    cases = ["ok-html", "not-found-404", "slow-2s", "trickle"]
    write_citations(
        citations, [Citation(id=f"c{i}", url=local_web.url(c)) for i, c in enumerate(cases)]
    )
    local_web.clear_requests()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "linkwatch",
            "check",
            str(citations),
            "--no-archive",
            "--allow-private",
            "--host-interval",
            "0",
            "--retries",
            "0",
            "--timeout",
            "60",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not any(r.path == "/trickle.html" for r in local_web.requests()):
            assert time.monotonic() < deadline, "the run never reached the trickling page"
            time.sleep(0.1)
        time.sleep(2.5)  # the slow page has answered; the trickle never will
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == ExitCode.INCONCLUSIVE, err
    assert "interrupted" in err
    latest = tmp_path / "reports" / "latest"
    doc = json.loads((latest / "results.json").read_text("utf-8"))
    assert doc["run"]["complete"] is False
    live = {r["citation"]["id"]: r["live"]["status"] for r in doc["run"]["results"]}
    assert live == {"c0": "ok", "c1": "not-found", "c2": "ok", "c3": "not-checked"}
    # A stopped run advances no history, and its results show none.
    failed = next(r["live"] for r in doc["run"]["results"] if r["citation"]["id"] == "c1")
    assert (failed["failing_since"], failed["consecutive_failures"]) == ("", 0)
    assert "INCOMPLETE: the run was interrupted" in (latest / "report.md").read_text("utf-8")
    runs = runner.invoke(app, ["runs", "--citations", str(citations)])
    assert runs.stdout.splitlines()[1].split()[2] == "interrupted"
