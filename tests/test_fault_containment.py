"""A fault in one URL stays in that URL: it ends not-checked, the others are judged, reports
are written, and the summary line counts it.

The faults are injected into linkwatch's own code (a judging function, an archive stage)
while the pages come from the real local web over loopback.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

import linkwatch.live.run as live_run
from linkwatch.archives.config import ArchiveOptions
from linkwatch.check import CheckOptions, check_citations
from linkwatch.cli import app
from linkwatch.compare.text import PageText
from linkwatch.errors import ExitCode
from linkwatch.live import LiveOptions
from linkwatch.records import Citation, write_citations
from linkwatch.results import ArchiveResult, ChangeResult, LiveResult
from linkwatch.status import ArchiveStatus, ChangeStatus, LiveStatus, Verdict
from linkwatch.store import Store
from tests.web import LocalWeb

CASES = ["ok-html", "not-found-404", "redirect-301", "gone-410", "soft404-english"]


def _inject_judging_fault(monkeypatch: pytest.MonkeyPatch, faulty: str) -> None:
    real = live_run.judge_answer

    def judge(url: str, *args: object, **kwargs: object) -> object:
        if url == faulty:
            raise RuntimeError("the judge tripped over this page")
        return real(url, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(live_run, "judge_answer", judge)


def test_a_fault_judging_one_url_is_contained_and_reported(
    tmp_path: Path, local_web: LocalWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv = tmp_path / "citations.csv"
    write_citations(csv, [Citation(id=name, url=local_web.url(name)) for name in CASES])
    faulty = local_web.url("not-found-404")
    _inject_judging_fault(monkeypatch, faulty)
    result = CliRunner().invoke(
        app,
        [
            "check",
            str(csv),
            "--no-archive",
            "--allow-private",
            "--host-interval",
            "0",
            "--json",
            "-v",
        ],
    )
    assert result.exit_code == ExitCode.OK, result.output
    document = json.loads(result.stdout)
    by_id = {r["citation"]["id"]: r for r in document["run"]["results"]}
    broken = by_id["not-found-404"]
    assert broken["live"]["status"] == "not-checked"
    assert (
        "internal error (RuntimeError: the judge tripped over this page)"
        in (broken["live"]["reason"])
    )
    assert broken["verdict"] == "unverifiable"
    for name in CASES:
        if name != "not-found-404":
            assert by_id[name]["live"]["status"] == local_web.cases[name].expected_live, name
    assert document["run"]["internal_errors"] == 1
    folder = tmp_path / "reports" / "latest"
    for name in ("report.md", "report.html", "results.json", "results.csv"):
        assert (folder / name).is_file(), name
    assert "the judge tripped over this page" in (folder / "report.md").read_text("utf-8")
    assert "1 URL(s) hit an internal error" in result.stderr
    # -v puts the traceback in the log.
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: the judge tripped over this page" in result.stderr


def test_without_verbose_the_fault_is_counted_but_no_traceback_is_printed(
    tmp_path: Path, local_web: LocalWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv = tmp_path / "citations.csv"
    write_citations(csv, [Citation(id="a", url=local_web.url("ok-html"))])
    _inject_judging_fault(monkeypatch, local_web.url("ok-html"))
    result = CliRunner().invoke(app, ["check", str(csv), "--no-archive", "--allow-private", "-q"])
    assert result.exit_code == ExitCode.OK, result.output
    assert "1 URL(s) hit an internal error" in result.stderr
    assert "Traceback" not in result.stderr


class _ArchiveThatFailsOnce:
    """An archive stage answering ``archived`` for every URL but one, where it raises."""

    def __init__(self, faulty: str) -> None:
        self.faulty = faulty

    async def check(
        self,
        url: str,
        citations: Sequence[Citation],
        live: LiveResult,
        text: PageText | None = None,
    ) -> Mapping[str, tuple[ArchiveResult | None, ChangeResult | None]]:
        await asyncio.sleep(0)
        if url == self.faulty:
            raise KeyError("capture index out of step")
        return {
            c.id: (
                ArchiveResult(status=ArchiveStatus.ARCHIVED),
                ChangeResult(status=ChangeStatus.UNCHANGED),
            )
            for c in citations
        }


def test_a_fault_in_the_archive_stage_stays_in_its_url(tmp_path: Path, local_web: LocalWeb) -> None:
    urls = {name: local_web.url(name) for name in ("ok-html", "redirect-301", "gone-410")}
    citations = [Citation(id=name, url=url) for name, url in urls.items()]
    options = CheckOptions(
        live=LiveOptions(allow_private=True, host_interval=0, retries=0),
        archives=ArchiveOptions(enabled=False),
    )
    stage = _ArchiveThatFailsOnce(urls["redirect-301"])
    with Store(tmp_path / "db") as store:
        run = asyncio.run(check_citations(citations, options, store, archive_stage=stage))
    by_id = {r.citation.id: r for r in run.results}
    assert run.internal_errors == 1
    broken = by_id["redirect-301"]
    assert broken.live is not None and broken.live.status is LiveStatus.REDIRECTED
    assert broken.archive is not None and broken.archive.status is ArchiveStatus.NOT_CHECKED
    assert "internal error (KeyError" in broken.archive.reason
    assert broken.change is not None and broken.change.status is ChangeStatus.NOT_CHECKED
    assert broken.verdict is Verdict.HEALTHY
    assert by_id["ok-html"].archive is not None
    assert by_id["ok-html"].archive.status is ArchiveStatus.ARCHIVED
    assert by_id["ok-html"].verdict is Verdict.HEALTHY
