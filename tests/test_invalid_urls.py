"""A mistyped URL is ``invalid-url`` with a reason naming the problem, and the run goes on.

The first two tests are the crashes reported against 0.1: a port out of range raised
``OverflowError`` from the socket layer, a broken IPv6 literal ``ValueError`` while URLs
were grouped by host; either ended ``linkwatch check`` with a traceback and no report.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from linkwatch.records import Citation, write_citations
from tests.web import LocalWeb


def _check(csv: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "linkwatch",
            "check",
            str(csv),
            "--no-archive",
            "--allow-private",
            "--host-interval",
            "0",
            "--json",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _live_by_id(stdout: str) -> dict[str, dict[str, object]]:
    document = json.loads(stdout)
    return {r["citation"]["id"]: r["live"] for r in document["run"]["results"]}


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("http://127.0.0.1:99999/news/", "port 99999 is out of range"),
        ("http://2001::1", "an IPv6 address must be in brackets"),
        ("http://[::1", "is not closed with ']'"),
        ("http://[::1]:80x/", "port '80x' is not a number"),
    ],
)
def test_a_mistyped_url_is_invalid_and_the_others_are_checked(
    tmp_path: Path, local_web: LocalWeb, bad: str, reason: str
) -> None:
    csv = tmp_path / "citations.csv"
    good = local_web.url("ok-html")
    write_citations(csv, [Citation(id="bad", url=bad), Citation(id="good", url=good)])
    done = _check(csv)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
    lives = _live_by_id(done.stdout)
    assert lives["bad"]["status"] == "invalid-url"
    assert reason in str(lives["bad"]["reason"])
    assert lives["good"]["status"] == "ok"
    assert (tmp_path / "reports" / "latest" / "report.html").is_file()


def test_invalid_urls_are_counted_in_the_reports(tmp_path: Path, local_web: LocalWeb) -> None:
    csv = tmp_path / "citations.csv"
    rows = [
        Citation(id="port", url="http://127.0.0.1:99999/news/"),
        Citation(id="space", url="http://exa mple.com/page"),
        Citation(id="scheme", url="ftp://example.com/file.txt"),
        Citation(id="idna", url="http://xn--ls8h.la/"),
        Citation(id="ok", url=local_web.url("ok-html")),
    ]
    write_citations(csv, rows)
    done = _check(csv)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["summary"]["live"]["invalid-url"] == 3 + (
        _live_by_id(done.stdout)["idna"]["status"] == "invalid-url"
    )
    markdown = (tmp_path / "reports" / "latest" / "report.md").read_text("utf-8")
    assert "port 99999 is out of range" in markdown
    assert "host 'exa mple.com' contains a space" in markdown
    assert "scheme 'ftp' is not http or https" in markdown


def test_invalid_urls_given_straight_to_the_live_stage_are_judged_there(
    local_web: LocalWeb,
) -> None:
    import asyncio

    from linkwatch.live import LiveOptions, check_live

    bad = ["http://[::1", "http://2001::1", "http://127.0.0.1:99999/", "mailto:a@b.c"]
    good = local_web.url("ok-html")
    for workers in (1, 2):
        options = LiveOptions(allow_private=True, host_interval=0, workers=workers)
        run = asyncio.run(check_live([*bad, good], options))
        assert {run.results[u].live.status.value for u in bad} == {"invalid-url"}, workers
        assert run.results[good].live.status.value == "ok"


def test_the_action_for_an_invalid_url_is_to_correct_it() -> None:
    from linkwatch.live.run import invalid_url
    from linkwatch.status import Verdict
    from linkwatch.verdict import judge

    live = invalid_url("http://127.0.0.1:99999/", "port 99999 is out of range")
    verdict, action = judge(Citation(id="c", url=live.url), live, None, None)
    assert verdict is Verdict.UNVERIFIABLE
    assert action == "correct the URL in the citations file: port 99999 is out of range"
