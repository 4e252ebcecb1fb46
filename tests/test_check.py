"""``linkwatch check`` end to end: verdicts over runs, outages, JSON, the lock, and SIGKILL."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from linkwatch.archives.config import ArchiveOptions
from linkwatch.check import CheckOptions, check_citations, exit_code_for, run_check
from linkwatch.compare.text import PageText
from linkwatch.errors import ExitCode, InputError
from linkwatch.live import LiveOptions
from linkwatch.records import Citation, write_citations
from linkwatch.results import (
    SCHEMA_VERSION,
    ArchiveResult,
    ChangeResult,
    HeldResults,
    LiveResult,
    RunResult,
    from_dict,
)
from linkwatch.status import ArchiveStatus, LiveStatus, Verdict
from linkwatch.store import Store
from tests.web import LocalWeb

FAST = LiveOptions(allow_private=True, timeout=3, retries=0, host_interval=0.0, per_host=4)
#: Live checks only: the archive half has its own tests.
NO_ARCHIVE = ArchiveOptions(enabled=False)


def _options(**kw: object) -> CheckOptions:
    return CheckOptions(live=kw.pop("live", FAST), archives=NO_ARCHIVE, **kw)  # type: ignore[arg-type]


def _citations(path: Path, urls: Sequence[str]) -> Path:
    write_citations(
        path, [Citation(id=f"c{i}", url=u, date="2023-01-01") for i, u in enumerate(urls)]
    )
    return path


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linkwatch", "check", "--no-archive", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_failing_url_is_lost_only_after_confirmation(tmp_path: Path, local_web: LocalWeb) -> None:
    csv = _citations(tmp_path / "c.csv", [local_web.url("not-found-404")])
    options = _options(confirm_runs=2, confirm_days=0)
    first = run_check(csv, options)
    (r1,) = first.results
    assert r1.verdict is Verdict.UNVERIFIABLE
    assert r1.live is not None and r1.live.consecutive_failures == 1 and r1.live.failing_since
    assert exit_code_for(first) is ExitCode.OK
    second = run_check(csv, options)
    (r2,) = second.results
    assert r2.live is not None and r2.live.confirmed_dead
    assert r2.live.failing_since == r1.live.failing_since
    assert r2.verdict is Verdict.LOST
    assert exit_code_for(second) is ExitCode.PROBLEMS


def test_confirm_now_calls_a_failing_url_dead_at_once(tmp_path: Path, local_web: LocalWeb) -> None:
    csv = _citations(tmp_path / "c.csv", [local_web.url("gone-410"), local_web.url("ok-html")])
    run = run_check(csv, _options(confirm_now=True))
    verdicts = {r.citation.id: r.verdict for r in run.results}
    # With archives off, a live page has nothing to be at risk against.
    assert verdicts == {"c0": Verdict.LOST, "c1": Verdict.HEALTHY}


def test_shared_url_is_fetched_once_for_all_its_citations(
    tmp_path: Path, local_web: LocalWeb
) -> None:
    local_web.clear_requests()
    url = local_web.url("ok-html")
    csv = _citations(
        tmp_path / "c.csv", [url, url.upper().replace("/OK.HTML", "/ok.html"), url + "#x"]
    )
    run = run_check(csv, _options())
    assert len(run.results) == 3
    assert len([r for r in local_web.requests("main") if r.path == "/ok.html"]) == 1


def test_values_repeated_across_a_run_are_held_once(tmp_path: Path, local_web: LocalWeb) -> None:
    # Two pages answering alike, and a URL cited twice: one string or object for each value,
    # and one packed live result for the URL cited twice.
    urls = [local_web.url("ok-html"), local_web.url("ok-html") + "?again", local_web.url("ok-html")]
    run = run_check(_citations(tmp_path / "c.csv", urls), _options())
    assert isinstance(run.results, HeldResults)
    first, second, third = run.results
    assert first.live is not None and second.live is not None
    assert first.live.url is first.citation.url
    assert first.live.final_url is first.live.url
    assert first.live.reason == second.live.reason and first.live.reason is second.live.reason
    assert first.live.fingerprint is not None and second.live.fingerprint is not None
    assert first.live.fingerprint.content_type is second.live.fingerprint.content_type
    assert first.archive is second.archive and first.change is second.change
    assert first.action is second.action
    assert third.live == first.live
    rows = run.results._rows
    assert isinstance(rows[0][3], bytes) and rows[2][3] is rows[0][3]


def test_outage_is_inconclusive_and_records_no_failures(
    tmp_path: Path, local_web: LocalWeb
) -> None:
    refused = local_web.host("refused")
    urls = [f"http://host{n}.linkwatch-test.invalid/page" for n in range(5)]
    urls += [f"{refused}/a", f"{refused}/b"]
    csv = _citations(tmp_path / "c.csv", urls)
    db = tmp_path / "db"
    started = time.monotonic()
    proc = _cli(str(csv), "--db", str(db), "--allow-private", "--json")
    assert time.monotonic() - started < 20
    assert proc.returncode == ExitCode.INCONCLUSIVE, proc.stderr
    assert "network looks down" in proc.stderr
    document = json.loads(proc.stdout)
    assert document["run"]["inconclusive"] is True
    with Store(db) as store:
        assert store.url_history(urls) == {}
        assert store.list_runs()[-1].state == "inconclusive"


def test_canary_failure_makes_the_run_inconclusive_at_once(
    tmp_path: Path, local_web: LocalWeb
) -> None:
    local_web.clear_requests()
    csv = _citations(tmp_path / "c.csv", [local_web.url("ok-html")])
    live = LiveOptions(allow_private=True, canary=f"{local_web.host('refused')}/")
    run = run_check(csv, _options(live=live, db=tmp_path / "db"))
    assert run.inconclusive and "canary" in run.inconclusive_reason
    assert run.results[0].live is not None
    assert run.results[0].live.status is LiveStatus.NOT_CHECKED
    assert not [r for r in local_web.requests("main") if r.path == "/ok.html"]


def test_json_output_is_the_documented_schema(tmp_path: Path, local_web: LocalWeb) -> None:
    csv = _citations(tmp_path / "c.csv", [local_web.url("redirect-301"), ""])
    proc = _cli(str(csv), "--allow-private", "--json", "--retries", "0")
    assert proc.returncode == ExitCode.OK, proc.stderr
    document = json.loads(proc.stdout)
    assert document["schema_version"] == SCHEMA_VERSION
    run = from_dict(RunResult, document["run"])
    by_id = {r.citation.id: r for r in run.results}
    assert by_id["c1"].verdict is Verdict.UNLINKED
    live = by_id["c0"].live
    assert live is not None and live.status is LiveStatus.REDIRECTED
    assert live.redirects[-1].endswith("/ok.html")
    assert (tmp_path / ".linkwatch.db").exists()


def test_conditional_request_on_the_next_run_gets_304(tmp_path: Path, local_web: LocalWeb) -> None:
    csv = _citations(tmp_path / "c.csv", [local_web.url("conditional-304")])
    first = run_check(csv, _options())
    local_web.clear_requests()
    second = run_check(csv, _options())
    (request,) = [r for r in local_web.requests("main") if r.path == "/conditional.html"]
    assert request.headers.get("if-none-match")
    live = second.results[0].live
    assert live is not None and live.http_status == 304 and live.status is LiveStatus.OK
    assert first.results[0].live is not None
    assert live.fingerprint == first.results[0].live.fingerprint


def test_max_age_skips_recently_checked_urls(tmp_path: Path, local_web: LocalWeb) -> None:
    csv = _citations(tmp_path / "c.csv", [local_web.url("ok-html")])
    run_check(csv, _options())
    local_web.clear_requests()
    run = run_check(csv, _options(max_age="1h"))
    assert not [r for r in local_web.requests("main") if r.path == "/ok.html"]
    live = run.results[0].live
    assert live is not None and live.status is LiveStatus.OK
    assert "not rechecked" in live.reason and run.skipped


def test_excluded_url_is_skipped_with_the_pattern(tmp_path: Path, local_web: LocalWeb) -> None:
    csv = _citations(tmp_path / "c.csv", [local_web.url("ok-html")])
    run = run_check(csv, _options(exclude=(r"/ok\.html$",)))
    live = run.results[0].live
    assert live is not None and live.status is LiveStatus.SKIPPED
    assert "--exclude" in live.reason


class _RecordingArchive:
    """An archive stage that answers from a fixed table and notes what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def check(
        self,
        url: str,
        citations: Sequence[Citation],
        live: LiveResult,
        text: PageText | None = None,
    ) -> Mapping[str, tuple[ArchiveResult | None, ChangeResult | None]]:
        self.asked.append(url)
        await asyncio.sleep(0)
        return {c.id: (ArchiveResult(status=ArchiveStatus.ARCHIVED), None) for c in citations}


def test_archive_stage_is_asked_once_per_url_and_feeds_the_verdict(
    tmp_path: Path, local_web: LocalWeb
) -> None:
    url = local_web.url("ok-html")
    citations = [Citation(id="a", url=url), Citation(id="b", url=url)]
    stage = _RecordingArchive()
    with Store(tmp_path / "db") as store:
        run = asyncio.run(check_citations(citations, _options(), store, archive_stage=stage))
    assert stage.asked == [url]
    assert {r.verdict for r in run.results} == {Verdict.HEALTHY}


def test_second_run_on_a_locked_database_exits_2(tmp_path: Path, local_web: LocalWeb) -> None:
    csv = _citations(tmp_path / "c.csv", [local_web.url("ok-html")])
    with Store(tmp_path / ".linkwatch.db"):
        proc = _cli(str(csv), "--allow-private")
    assert proc.returncode == ExitCode.USAGE
    assert "another linkwatch run is using this database" in proc.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--per-host", "0"], "--per-host"),
        (["--max-age", "soon"], "--max-age"),
        (["--exclude", "("], "--exclude"),
        (["--confirm-now", "--confirm-runs", "2"], "--confirm-now"),
    ],
)
def test_bad_options_exit_2_naming_the_option(tmp_path: Path, args: list[str], words: str) -> None:
    csv = _citations(tmp_path / "c.csv", ["http://example.invalid/"])
    proc = _cli(str(csv), *args)
    assert proc.returncode == ExitCode.USAGE
    assert words in proc.stderr


def test_missing_citations_file_exits_2(tmp_path: Path) -> None:
    proc = _cli(str(tmp_path / "nope.csv"))
    assert proc.returncode == ExitCode.USAGE
    assert "nope.csv" in proc.stderr


def test_invalid_options_raise_input_error() -> None:
    with pytest.raises(InputError, match="--timeout"):
        CheckOptions(live=LiveOptions(timeout=0)).validate()


def test_sigkill_mid_run_leaves_a_consistent_database(tmp_path: Path, local_web: LocalWeb) -> None:
    base = local_web.host("main")
    slow = [f"{base}/slow.html?n={n}" for n in range(8)]
    fast = [f"{local_web.host('soft404-en')}/about.html?n={n}" for n in range(20)]
    csv = _citations(tmp_path / "c.csv", slow + fast)
    db = tmp_path / "db"
    args = [str(csv), "--db", str(db), "--allow-private", "--per-host", "1"]
    args += ["--host-interval", "0", "--retries", "0"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "linkwatch", "check", "--no-archive", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    checks = 0
    while time.monotonic() < deadline and checks < 5:
        time.sleep(0.2)
        if db.exists():
            try:
                conn = sqlite3.connect(db, timeout=1)
                checks = conn.execute("SELECT COUNT(*) FROM checks").fetchone()[0]
                conn.close()
            except sqlite3.Error:
                checks = 0
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert checks >= 5
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    fast_args = [str(csv), "--db", str(db), "--allow-private", "--host-interval", "0"]
    again = _cli(*fast_args, "--per-host", "8", "--retries", "0", timeout=60)
    assert again.returncode == ExitCode.OK, again.stderr
    with Store(db) as store:
        states = [r.state for r in store.list_runs()]
        assert states == ["interrupted", "complete"]
        assert len(store.load_run(None).results) == 28
