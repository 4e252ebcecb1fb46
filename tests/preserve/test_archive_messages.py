"""``linkwatch archive`` says what it did, even when that is nothing, and -q/-v work as on check."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.errors import ExitCode
from linkwatch.records import Citation, write_citations
from linkwatch.status import Verdict
from tests.preserve.runs import result, store_run
from tests.web import LocalWeb

runner = CliRunner()


def test_dry_run_after_an_inconclusive_check_says_why_nothing_is_archived(
    tmp_path: Path, local_web: LocalWeb
) -> None:
    citations = tmp_path / "citations.csv"
    write_citations(citations, [Citation(id="a", url=local_web.url("ok-html"))])
    checked = runner.invoke(
        app,
        [
            "check",
            str(citations),
            "--no-archive",
            "--allow-private",
            "--canary",
            local_web.url("connection-refused"),
        ],
    )
    assert checked.exit_code == ExitCode.INCONCLUSIVE, checked.output
    out = runner.invoke(app, ["archive", str(citations), "--dry-run"])
    assert out.exit_code == ExitCode.OK, out.output
    (line,) = out.stdout.splitlines()
    assert line.startswith("nothing to archive: the latest run ")
    assert "was inconclusive (the network looks down: the canary" in line
    assert line.endswith("; run check again, or name --ids / --only")


def test_nothing_at_risk_is_said_with_the_verdicts_found(tmp_path: Path) -> None:
    citations, _ = store_run(
        tmp_path,
        [
            result("h1", "http://example.com/a", Verdict.HEALTHY),
            result("l1", "http://example.com/b", Verdict.LOST),
        ],
    )
    out = runner.invoke(app, ["archive", str(citations), "--dry-run"])
    assert out.exit_code == ExitCode.OK, out.output
    assert out.stdout.strip().startswith("nothing to archive: no citation in the latest run")
    assert "is at-risk or drifted (1 healthy, 1 lost)" in out.stdout
    assert "--only all preserves every cited source" in out.stdout
    # A real run says the same instead of an empty summary.
    real = runner.invoke(app, ["archive", str(citations), "--to", "warc"])
    assert real.exit_code == ExitCode.OK, real.output
    assert "nothing to archive: no citation" in real.stdout


def test_only_all_preserves_every_cited_source_whatever_its_verdict(tmp_path: Path) -> None:
    verdicts = [Verdict.HEALTHY, Verdict.LOST, Verdict.UNVERIFIABLE, Verdict.PRESERVED_ONLY]
    rows = [result(f"c{i}", f"http://example.com/{i}", v) for i, v in enumerate(verdicts)]
    citations, _ = store_run(tmp_path, [*rows, result("u", "", Verdict.UNLINKED)])
    out = runner.invoke(
        app, ["archive", str(citations), "--only", "all", "--to", "warc", "--dry-run"]
    )
    assert out.exit_code == ExitCode.OK, out.output
    lines = out.stdout.splitlines()
    assert len(lines) == len(verdicts)
    for i, verdict in enumerate(verdicts):
        assert any(f"http://example.com/{i} [{verdict.value}" in line for line in lines), lines


def test_quiet_prints_nothing_when_all_is_well_and_verbose_logs(tmp_path: Path) -> None:
    citations, _ = store_run(tmp_path, [result("a", "http://example.com/a", Verdict.AT_RISK)])
    quiet = runner.invoke(app, ["archive", str(citations), "--to", "warc", "--dry-run", "-q"])
    assert quiet.exit_code == ExitCode.OK and quiet.stdout == "" and quiet.stderr == ""
    loud = runner.invoke(app, ["archive", str(citations), "--to", "warc", "--dry-run", "-v"])
    assert loud.exit_code == ExitCode.OK
    assert "would request" in loud.stdout
    assert "linkwatch: INFO: archive: run " in loud.stderr
    both = runner.invoke(app, ["archive", str(citations), "-q", "-v"])
    assert both.exit_code == ExitCode.USAGE
    assert "-q/--quiet and -v/--verbose cannot be used together" in both.stderr
