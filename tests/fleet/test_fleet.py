"""The worker fleet end to end: real PostgreSQL, real ``linkwatch worker`` processes, the local web.

The faults are subprocess tests: a worker killed by SIGKILL in the middle of a
job, a coordinating ``check`` killed by SIGKILL in the middle of a run, and a
worker started against a database it cannot reach.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg
import pytest

from linkwatch.errors import ExitCode
from linkwatch.records import Citation, write_citations
from tests.web import LocalWeb
from tests.web.archive import LocalArchive
from tests.web.postgres import PostgresServer

FAST = ["--allow-private", "--host-interval", "0", "--retries", "0", "--timeout", "5"]
#: Local-web cases left out: slow or huge by design, or waiting on a timeout.
_SLOW = re.compile(r"slow|big|timeout|hang|drip|stall|tarpit|refused|reset|blackhole")
#: Cases that answer differently the second time they are asked (a local and a distributed
#: run of the same input ask them twice).
_STATEFUL = re.compile(r"rate-limit|flaky|once|retry|first")


def _linkwatch(*args: str, env: dict[str, str] | None = None, timeout: float = 180) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "linkwatch", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
    )


class Workers:
    """``linkwatch worker`` processes started by a test, all killed at its end."""

    def __init__(self, db_url: str, folder: Path) -> None:
        self.db_url = db_url
        self.folder = folder
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, jobs: int = 2) -> subprocess.Popen[bytes]:
        log = open(self.folder / f"worker-{len(self.procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "linkwatch", "worker", "--jobs", str(jobs)],
            env=dict(os.environ, LINKWATCH_DB=self.db_url),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        log.close()
        self.procs.append(proc)
        return proc

    def log(self, index: int) -> str:
        return (self.folder / f"worker-{index}.log").read_text(errors="replace")

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)


@pytest.fixture
def workers(pg_url: str, tmp_path: Path) -> Iterator[Workers]:
    fleet = Workers(pg_url, tmp_path)
    try:
        yield fleet
    finally:
        fleet.close()


def _query(db_url: str, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with psycopg.connect(db_url, autocommit=True) as conn:
        return list(conn.execute(sql, params or None).fetchall())


def _wait_for(what: str, test: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = test()
        except psycopg.Error:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _citations(path: Path, urls: Sequence[str], date: str = "2023-01-01") -> Path:
    write_citations(path, [Citation(id=f"c{i}", url=u, date=date) for i, u in enumerate(urls)])
    return path


def _essentials(doc: dict[str, Any]) -> dict[str, Any]:
    """What a run found per citation, without ids and times."""
    out = {}
    for r in doc["run"]["results"]:
        live = r.get("live") or {}
        archive = r.get("archive") or {}
        change = r.get("change") or {}
        out[r["citation"]["id"]] = (
            r["verdict"],
            re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "<time>", r["action"]),
            live.get("status"),
            live.get("http_status"),
            live.get("final_url"),
            archive.get("status"),
            archive.get("capture_url") or archive.get("url"),
            change.get("status"),
        )
    return out


def _checks_per_url(db_url: str, run_id: str) -> dict[str, int]:
    return dict(
        _query(db_url, "SELECT url, COUNT(*) FROM checks WHERE run_id = %s GROUP BY url", run_id)
    )


def _local_and_distributed(
    tmp_path: Path, citations: list[Citation], args: list[str], pg_url: str
) -> tuple[Any, Any]:
    csv = tmp_path / "citations.csv"
    write_citations(csv, citations)
    args = [str(csv), *FAST, *args, "--json", "--reports", str(tmp_path / "reports")]
    local = _linkwatch("check", *args, "--db", str(tmp_path / "local.db"))
    assert local.returncode in (ExitCode.OK, ExitCode.PROBLEMS), local.stderr
    shared = _linkwatch("check", *args, "--db", pg_url, "--distributed", "--shard-size", "4")
    assert shared.returncode == local.returncode, shared.stderr
    local_doc, shared_doc = json.loads(local.stdout), json.loads(shared.stdout)
    assert _essentials(shared_doc) == _essentials(local_doc)
    assert len(_essentials(shared_doc)) == len(citations)
    return shared_doc, csv


def test_distributed_live_check_reports_what_a_local_run_reports(
    tmp_path: Path, local_web: LocalWeb, workers: Workers, pg_url: str
) -> None:
    names = [n for n in sorted(local_web.cases) if not _SLOW.search(n) and not _STATEFUL.search(n)]
    web = [local_web.url(name) for name in names]
    citations = [Citation(id=f"w{i}", url=u, date="2023-01-01") for i, u in enumerate(web)]
    citations.append(Citation(id="none", source="Interview", date="2023-01-01"))
    citations.append(Citation(id="ftp", url="ftp://example.org/x", date="2023-01-01"))
    workers.start()
    workers.start()
    doc, csv = _local_and_distributed(tmp_path, citations, ["--no-archive"], pg_url)
    run_id = doc["run"]["run_id"]
    shards = _query(pg_url, "SELECT state, worker FROM fleet_shards WHERE run_id = %s", run_id)
    assert len(shards) > 2 and {s for s, _ in shards} == {"done"}
    # Each URL fetched once, stored once, in the shared history.
    counts = _checks_per_url(pg_url, run_id)
    assert counts and set(counts.values()) == {1}
    # The reading commands work the same against the shared database.
    listed = _linkwatch("runs", "--db", pg_url, "--citations", str(csv))
    assert listed.returncode == 0 and run_id in listed.stdout, listed.stderr
    again = _linkwatch("report", "--db", pg_url, "--citations", str(csv), "--format", "json")
    assert again.returncode == 0, again.stderr
    assert _essentials(json.loads(again.stdout)) == _essentials(doc)
    first = doc["run"]["results"][0]["citation"]
    plan = _linkwatch(
        "archive", str(csv), "--db", pg_url, "--to", "warc", "--ids", first["id"], "--dry-run"
    )
    assert plan.returncode == 0, plan.stderr
    assert first["url"] in plan.stdout
    # What only the coordinator needed is gone once the run is complete.
    assert not _query(pg_url, "SELECT 1 FROM fleet_checks WHERE run_id = %s", run_id)


def test_distributed_archive_checks_match_a_local_run(
    tmp_path: Path, local_web: LocalWeb, local_archive: LocalArchive, workers: Workers, pg_url: str
) -> None:
    citations = [
        Citation(id=f"a-{name}", url=page.url, date=page.citation_date)
        for name, page in sorted(local_archive.pages.items())
    ]
    citations.append(Citation(id="w", url=local_web.url("not-found-404"), date="2023-01-01"))
    workers.start()
    archive = ["--archive", f"local={local_archive.root}", "--archive-only"]
    doc, _ = _local_and_distributed(tmp_path, citations, archive, pg_url)
    statuses = {e[5] for e in _essentials(doc).values()}
    assert {"archived", "not-archived"} <= statuses


def _slow_run(tmp_path: Path, local_web: LocalWeb, slow: int = 6) -> tuple[Path, list[str]]:
    """Citations with one slow host (``slow`` pages of 2 s, one at a time) and fast hosts."""
    urls = [f"{local_web.host('main')}/slow.html?n={n}" for n in range(slow)]
    for host in ("soft404-en", "soft404-home", "soft404-zh", "soft404-errorpage", "soft404-ids"):
        urls += [f"{local_web.host(host)}/about.html?n={n}" for n in range(2)]
    urls += [local_web.url("ok-html"), local_web.url("not-found-404")]
    return _citations(tmp_path / "citations.csv", urls), urls


def test_worker_killed_mid_job_has_the_job_retried_by_another(
    tmp_path: Path, local_web: LocalWeb, workers: Workers, pg_url: str
) -> None:
    csv, urls = _slow_run(tmp_path, local_web)
    doomed = workers.start(jobs=4)
    args = [str(csv), *FAST, "--per-host", "1", "--no-archive", "--db", pg_url]
    coordinator = subprocess.Popen(
        [sys.executable, "-m", "linkwatch", "check", *args, "--distributed", "--shard-size", "3"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The slow host's shard is taken by the only worker; kill it in the middle of it.
        _wait_for(
            "the first worker to take every job",
            lambda: (
                _query(pg_url, "SELECT COUNT(*) FROM procrastinate_jobs WHERE status = 'doing'")[0][
                    0
                ]
                >= 1
                and not _query(pg_url, "SELECT 1 FROM procrastinate_jobs WHERE status = 'todo'")
            ),
        )
        time.sleep(1.0)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
        waiting = "SELECT shard FROM fleet_shards WHERE state != 'done'"
        left = {s for (s,) in _query(pg_url, waiting)}
        assert left, "the worker finished everything before it was killed"
        workers.start()
        _, err = coordinator.communicate(timeout=150)
    finally:
        if coordinator.poll() is None:
            coordinator.kill()
            coordinator.wait()
    assert coordinator.returncode == ExitCode.OK, err
    [(run_id, state)] = _query(pg_url, "SELECT id, state FROM runs")
    assert state == "complete"
    assert "left by a worker that stopped answering" in workers.log(1) + err
    counts = _checks_per_url(pg_url, run_id)
    assert sorted(counts) == sorted(urls)
    assert set(counts.values()) == {1}
    (retried,) = _query(pg_url, "SELECT MAX(attempts) FROM procrastinate_jobs")[0]
    assert retried >= 1
    # The shards the killed worker had in hand were stored by the other one.
    stored_by = dict(_query(pg_url, "SELECT shard, worker FROM fleet_shards"))
    assert all(not stored_by[s].endswith(f"-{doomed.pid}") for s in left)
    assert all(stored_by[s].endswith(f"-{workers.procs[1].pid}") for s in left)


def test_killed_coordinator_run_again_resumes_without_redoing_finished_jobs(
    tmp_path: Path, local_web: LocalWeb, workers: Workers, pg_url: str
) -> None:
    csv, urls = _slow_run(tmp_path, local_web, slow=8)
    workers.start(jobs=4)
    args = [str(csv), *FAST, "--per-host", "1", "--no-archive", "--db", pg_url, "--distributed"]
    args += ["--shard-size", "3"]
    first = subprocess.Popen(
        [sys.executable, "-m", "linkwatch", "check", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(
            "some shards to be done",
            lambda: (
                _query(pg_url, "SELECT COUNT(*) FROM fleet_shards WHERE state = 'done'")[0][0] >= 2
            ),
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    [(run_id, state)] = _query(pg_url, "SELECT id, state FROM runs")
    assert state == "running"
    done_before = dict(
        _query(
            pg_url,
            "SELECT shard, finished_at FROM fleet_shards WHERE state = 'done' AND run_id = %s",
            run_id,
        )
    )
    total = _query(pg_url, "SELECT COUNT(*) FROM fleet_shards")[0][0]
    assert 2 <= len(done_before) < total, "the run was over before the coordinator was killed"
    (jobs_before,) = _query(pg_url, "SELECT COUNT(*) FROM procrastinate_jobs")[0]

    again = _linkwatch("check", *args)
    assert again.returncode == ExitCode.OK, again.stderr
    assert f"resuming run {run_id}" in again.stderr
    assert _query(pg_url, "SELECT id, state FROM runs") == [(run_id, "complete")]
    done_after = dict(_query(pg_url, "SELECT shard, finished_at FROM fleet_shards"))
    assert {s: done_after[s] for s in done_before} == done_before
    # No job was queued again: the ones still waiting or running were left to finish.
    assert _query(pg_url, "SELECT COUNT(*) FROM procrastinate_jobs")[0][0] == jobs_before
    counts = _checks_per_url(pg_url, run_id)
    assert sorted(counts) == sorted(urls) and set(counts.values()) == {1}


def test_same_citations_file_twice_at_once_is_refused(
    tmp_path: Path, local_web: LocalWeb, pg_url: str
) -> None:
    csv, _ = _slow_run(tmp_path, local_web)
    args = [str(csv), *FAST, "--no-archive", "--db", pg_url, "--distributed"]
    # No worker: the first run waits for one, holding the citations file's lock.
    first = subprocess.Popen(
        [sys.executable, "-m", "linkwatch", "check", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for("the first run to plan", lambda: _query(pg_url, "SELECT 1 FROM fleet_shards"))
        second = _linkwatch("check", *args)
        assert second.returncode == ExitCode.USAGE
        assert f"another linkwatch run is checking {csv.resolve()}" in second.stderr
        other = _citations(tmp_path / "other.csv", [local_web.url("ok-html")])
        third = _linkwatch("check", str(other), *FAST, "--no-archive", "--db", pg_url)
        assert third.returncode == ExitCode.OK, third.stderr
    finally:
        first.kill()
        first.wait()


def test_coordinator_stopped_by_sigterm_is_resumed_by_the_next_run(
    tmp_path: Path, local_web: LocalWeb, workers: Workers, pg_url: str
) -> None:
    csv = _citations(tmp_path / "c.csv", [local_web.url("ok-html"), local_web.url("gone-410")])
    args = [str(csv), *FAST, "--no-archive", "--db", pg_url, "--distributed"]
    # No worker yet: the run plans its jobs and waits for one.
    first = subprocess.Popen(
        [sys.executable, "-m", "linkwatch", "check", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for("the run to plan", lambda: _query(pg_url, "SELECT 1 FROM fleet_shards"))
    first.send_signal(signal.SIGTERM)
    _, err = first.communicate(timeout=60)
    assert first.returncode == ExitCode.INCONCLUSIVE, err
    [(run_id, state)] = _query(pg_url, "SELECT id, state FROM runs")
    assert state == "interrupted"
    workers.start()
    again = _linkwatch("check", *args)
    assert again.returncode == ExitCode.OK, again.stderr
    assert f"resuming run {run_id}" in again.stderr
    assert _query(pg_url, "SELECT id, state FROM runs") == [(run_id, "complete")]


def test_a_killed_run_is_not_resumed_for_other_input(
    tmp_path: Path, local_web: LocalWeb, workers: Workers, pg_url: str
) -> None:
    csv = _citations(tmp_path / "c.csv", [local_web.url("ok-html")])
    args = [str(csv), *FAST, "--no-archive", "--db", pg_url, "--distributed"]
    first = subprocess.Popen(
        [sys.executable, "-m", "linkwatch", "check", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for("the run to plan", lambda: _query(pg_url, "SELECT 1 FROM fleet_shards"))
    first.kill()
    first.wait()
    [(killed,)] = _query(pg_url, "SELECT id FROM runs")
    workers.start()
    _citations(csv, [local_web.url("ok-html"), local_web.url("redirect-301")])
    changed = _linkwatch("check", *args)
    assert changed.returncode == ExitCode.OK, changed.stderr
    assert "resuming" not in changed.stderr
    states = dict(_query(pg_url, "SELECT id, state FROM runs"))
    assert states.pop(killed) == "interrupted"
    assert list(states.values()) == ["complete"]


def test_worker_that_loses_its_database_backs_off_and_comes_back(
    tmp_path: Path, local_web: LocalWeb
) -> None:
    # A server of its own, stopped and started again under the worker.
    with PostgresServer.start() as server:
        db_url = server.new_database()
        fleet = Workers(db_url, tmp_path)
        try:
            fleet.start()
            _wait_for(
                "the worker to register",
                lambda: _query(db_url, "SELECT 1 FROM procrastinate_workers"),
            )
            server.halt()
            time.sleep(6)
            lost = fleet.log(0)
            server.resume()
            csv = _citations(tmp_path / "c.csv", [local_web.url("ok-html")])
            args = [str(csv), *FAST, "--no-archive", "--db", db_url, "--distributed"]
            done = _linkwatch("check", *args, timeout=120)
            assert done.returncode == ExitCode.OK, done.stderr + fleet.log(0)
            assert fleet.procs[0].poll() is None
        finally:
            fleet.close()
    tries = re.findall(r"linkwatch: WARNING: (?:cannot reach the database|error connecting)", lost)
    assert 1 <= len(tries) <= 5, lost  # a few tries with growing waits, not a tight loop
    assert "Traceback" not in lost


def test_worker_without_its_database_says_so_and_backs_off(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://lw:hunter2@127.0.0.1:{port}/lw"
    proc = subprocess.Popen(
        [sys.executable, "-m", "linkwatch", "worker"],
        env=dict(os.environ, LINKWATCH_DB=url),
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(8)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    tries = re.findall(r"cannot reach the database (\S+) \(.*\); trying again in (\d+) s", err)
    assert 3 <= len(tries) <= 5, err  # about 1 + 2 + 4 s of waiting, not a tight loop
    assert tries[0][0] == f"postgresql://lw:***@127.0.0.1:{port}/lw"
    waits = [int(w) for _, w in tries]
    assert waits == sorted(waits) and waits[-1] >= 3
    assert "hunter2" not in err


def test_distributed_check_needs_a_shared_database(tmp_path: Path, local_web: LocalWeb) -> None:
    csv = _citations(tmp_path / "c.csv", [local_web.url("ok-html")])
    done = _linkwatch("check", str(csv), "--distributed", "--db", str(tmp_path / "x.db"))
    assert done.returncode == ExitCode.USAGE
    assert "--distributed needs a shared database" in done.stderr
