"""The store on a real PostgreSQL server: the same migrations and API, a lock across machines."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from linkwatch.errors import StoreError, StoreLockedError
from linkwatch.records import Citation
from linkwatch.results import CitationResult, Fingerprint, LiveResult, RunResult
from linkwatch.status import LiveStatus, Verdict
from linkwatch.store import ConfirmPolicy, Store, UrlHistory, advance
from linkwatch.store.history import parse_iso
from linkwatch.store.migrations import load_migrations
from linkwatch.store.postgres import lock_key, redact


def _live(url: str, status: LiveStatus = LiveStatus.OK, **kw: object) -> LiveResult:
    return LiveResult(url=url, status=status, checked_at="2024-05-01T00:00:00Z", **kw)  # type: ignore[arg-type]


def test_every_migration_is_applied_in_order_with_the_engine_variants(pg_url: str) -> None:
    with Store(pg_url, lock=False) as store:
        assert store.schema_version == len(load_migrations("postgresql"))
        tables = {
            r[0]
            for r in store.conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )
        }
        assert {"runs", "urls", "checks", "fingerprints", "results", "preserve_requests"} <= tables
        assert {"archive_lookups", "drift", "fleet_shards", "fleet_checks"} <= tables
        versions = [v for (v,) in store.conn.execute("SELECT version FROM linkwatch_schema")]
        assert versions == list(range(1, len(load_migrations("postgresql")) + 1))
    # Opened again: nothing is applied twice.
    with Store(pg_url, lock=False) as store:
        (n,) = store.conn.execute("SELECT COUNT(*) FROM linkwatch_schema").fetchone()
        assert n == len(load_migrations("postgresql"))


def test_variants_replace_only_the_steps_they_name() -> None:
    sqlite = load_migrations("sqlite")
    postgres = load_migrations("postgresql")
    assert [(m.number, m.name) for m in sqlite] == [(m.number, m.name) for m in postgres]
    assert postgres[0].sql == sqlite[0].sql
    assert "ADD COLUMN seq" in postgres[4].sql and "ADD COLUMN" not in sqlite[4].sql


def test_processes_opening_a_new_database_at_once_migrate_it_once(pg_url: str) -> None:
    code = f"from linkwatch.store import Store; Store({pg_url!r}, lock=False).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(4)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0, 0]
    with Store(pg_url, lock=False) as store:
        (n,) = store.conn.execute("SELECT COUNT(*) FROM linkwatch_schema").fetchone()
        assert n == len(load_migrations("postgresql"))


def test_run_round_trips_with_checks_fingerprints_and_results(pg_url: str) -> None:
    citation = Citation(id="c1", url="http://a.example/x", date="2023-01-02")
    fp = Fingerprint(payload_sha1="abc", text_simhash="0f", title="T", length=10, words=2)
    live = _live("http://a.example/x", fingerprint=fp, http_status=200)
    with Store(pg_url, scope="/r/c.csv") as store:
        run_id = store.begin_run("c.csv", {"per_host": 2})
        store.record_check(run_id, live, etag='"e1"')
        run = RunResult(
            run_id=run_id,
            started_at=store.started_at(run_id),
            finished_at="2024-05-01T00:01:00Z",
            citations_file="c.csv",
            results=(CitationResult(citation=citation, verdict=Verdict.HEALTHY, live=live),),
        )
        store.finish_run(run, [UrlHistory(url=live.url, first_seen="2024-05-01T00:00:00Z")])
        assert store.load_run(None) == run
        assert store.load_run(run_id[:10]).run_id == run_id
        assert store.last_fingerprint(live.url) == fp
        assert store.run_checks(run_id)[live.url] == live
        assert store.url_history([live.url])[live.url].first_seen == "2024-05-01T00:00:00Z"
        [summary] = store.list_runs()
        assert (summary.state, summary.total, summary.verdicts) == ("complete", 1, {"healthy": 1})


def test_runs_of_other_citations_files_stay_apart(pg_url: str) -> None:
    with Store(pg_url, scope="/a/c.csv") as a:
        done = a.begin_run("c.csv")
        a.finish_run(RunResult(run_id=done, started_at=a.started_at(done)))
        running = a.begin_run("c.csv")
        with Store(pg_url, scope="/b/c.csv") as b:
            b_run = b.begin_run("c.csv")
            # b has no finished run of its own, and beginning one left a's running run alone.
            with pytest.raises(StoreError, match="no finished run"):
                b.load_run(None)
        states = {r.run_id: r.state for r in a.list_runs()}
        assert states == {done: "complete", running: "running"}
        assert a.load_run(None).run_id == done
    with Store(pg_url, lock=False) as everything:
        assert {r.run_id for r in everything.list_runs()} == {done, running, b_run}
    assert done < running < b_run


def test_one_citations_file_is_locked_across_connections_others_are_not(pg_url: str) -> None:
    with Store(pg_url, scope="/r/c.csv"):
        with pytest.raises(StoreLockedError, match=r"another linkwatch run is checking /r/c\.csv"):
            Store(pg_url, scope="/r/c.csv")
        Store(pg_url, scope="/r/other.csv").close()
        Store(pg_url, lock=False, scope="/r/c.csv").close()
    Store(pg_url, scope="/r/c.csv").close()


def test_lock_of_a_killed_process_is_released_by_the_server(pg_url: str) -> None:
    code = (
        "import sys, time; from linkwatch.store import Store\n"
        f"s = Store({pg_url!r}, scope='/r/c.csv'); print('locked', flush=True); time.sleep(60)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        with pytest.raises(StoreLockedError):
            Store(pg_url, scope="/r/c.csv")
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 10
    while True:
        try:
            Store(pg_url, scope="/r/c.csv").close()
            break
        except StoreLockedError:
            assert time.monotonic() < deadline, "the lock outlived its process"
            time.sleep(0.1)


def test_concurrent_runs_of_two_files_both_count_in_a_shared_url_history(pg_url: str) -> None:
    url = "http://gone.example/page"
    policy = ConfirmPolicy(runs=3, days=0)
    stores = [Store(pg_url, scope=f"/r/{n}.csv") for n in ("a", "b")]
    try:
        # Both runs read the history before either finishes: neither saw the other.
        seen = [s.url_history([url]).get(url) for s in stores]
        assert seen == [None, None]
        runs = []
        for n, (store, before) in enumerate(zip(stores, seen, strict=True)):
            run_id = store.begin_run(f"{n}.csv")
            at = parse_iso(f"2024-05-0{n + 1}T00:00:00Z")
            assert at is not None
            runs.append((store, run_id, advance(before, url, LiveStatus.NOT_FOUND, at, policy)))
        barrier = threading.Barrier(2)

        def finish(store: Store, run_id: str, step: UrlHistory) -> None:
            barrier.wait()
            run = RunResult(run_id=run_id, started_at=store.started_at(run_id))
            store.finish_run(run, [step], policy=policy)

        threads = [threading.Thread(target=finish, args=r) for r in runs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        h = stores[0].url_history([url])[url]
        assert h.consecutive_failures == 2
        assert h.counted_failures == 2
        (rows,) = stores[0].conn.execute("SELECT COUNT(*) FROM urls").fetchone()
        assert rows == 1
    finally:
        for s in stores:
            s.close()


def test_messages_never_show_the_password() -> None:
    assert (
        redact("postgresql://lw:s3cret@db.example:5433/lw")
        == "postgresql://lw:***@db.example:5433/lw"
    )
    assert redact("postgresql://lw@db/lw") == "postgresql://lw@db/lw"
    assert lock_key("/a.csv") != lock_key("/b.csv")
    assert -(2**63) <= lock_key("/a.csv") < 2**63


def test_unreachable_database_is_a_one_line_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"127\.0\.0\.1:1/x: cannot connect to the database"):
        Store("postgresql://u:pw@127.0.0.1:1/x")


def test_config_db_may_be_a_database_url_or_a_path_beside_the_file(tmp_path: Path) -> None:
    from linkwatch.check import CheckOptions
    from linkwatch.config import load_config

    toml = tmp_path / "linkwatch.toml"
    toml.write_text('db = "postgresql://lw@db.example/lw"\n', encoding="utf-8")
    assert load_config(toml).build(CheckOptions).db == "postgresql://lw@db.example/lw"
    toml.write_text('db = "history.db"\n', encoding="utf-8")
    assert load_config(toml).build(CheckOptions).db == tmp_path / "history.db"
