"""The SQLite store keeps runs, checks and per-URL history, and guards itself with a lock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from linkwatch.errors import StoreError, StoreLockedError
from linkwatch.records import Citation
from linkwatch.results import CitationResult, Fingerprint, LiveResult, RunResult
from linkwatch.status import LiveStatus, Verdict
from linkwatch.store import Store, UrlHistory
from linkwatch.store.migrations import load_migrations


def _live(url: str, status: LiveStatus = LiveStatus.OK, **kw: object) -> LiveResult:
    return LiveResult(url=url, status=status, checked_at="2024-05-01T00:00:00Z", **kw)  # type: ignore[arg-type]


def _run(run_id: str, *results: CitationResult, **kw: object) -> RunResult:
    return RunResult(run_id=run_id, started_at="2024-05-01T00:00:00Z", results=results, **kw)  # type: ignore[arg-type]


def test_new_database_gets_every_migration_and_wal(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        assert store.schema_version == len(load_migrations())
        mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert {"runs", "urls", "checks", "fingerprints", "results"} <= tables


def test_reopening_does_not_rerun_migrations(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        run_id = store.begin_run("c.csv")
    with Store(tmp_path / "db") as store:
        assert [r.run_id for r in store.list_runs()] == [run_id]


def test_second_writer_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    with Store(tmp_path / "db"), pytest.raises(StoreLockedError, match="another linkwatch run"):
        Store(tmp_path / "db")
    # The lock goes with the first store.
    Store(tmp_path / "db").close()


def test_reader_without_lock_can_open_while_a_run_holds_it(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as writer:
        run_id = writer.begin_run("c.csv")
        with Store(tmp_path / "db", lock=False) as reader:
            assert reader.list_runs()[0].state == "running"
            assert reader.list_runs()[0].run_id == run_id


def test_finished_run_round_trips_with_its_results(tmp_path: Path) -> None:
    citation = Citation(id="c1", url="http://a.example/x", date="2023-01-02")
    live = _live(
        "http://a.example/x",
        http_status=200,
        fingerprint=Fingerprint(payload_sha1="AAAA", title="T", words=12),
    )
    with Store(tmp_path / "db") as store:
        run_id = store.begin_run("c.csv", {"concurrency": 4})
        store.record_check(run_id, live, etag='"e1"')
        result = CitationResult(citation=citation, verdict=Verdict.AT_RISK, action="x", live=live)
        store.finish_run(_run(run_id, result, finished_at="2024-05-01T00:01:00Z", skipped=("s",)))
        loaded = store.load_run(run_id)
        assert loaded.results == (result,)
        assert loaded.skipped == ("s",)
        assert loaded.complete and not loaded.inconclusive
        assert store.load_run(None).run_id == run_id
        assert store.load_run(run_id[:12]).run_id == run_id
        (summary,) = store.list_runs()
        assert summary.state == "complete"
        assert summary.verdicts == {"at-risk": 1}
        assert store.last_fingerprint("http://a.example/x") == live.fingerprint
        assert store.last_live("http://a.example/x") == live
        assert store.last_live("http://a.example/x", before_run=run_id) is None


def test_inconclusive_run_does_not_advance_history(tmp_path: Path) -> None:
    history = UrlHistory(url="http://a.example/", first_seen="x", consecutive_failures=1)
    with Store(tmp_path / "db") as store:
        run_id = store.begin_run("c.csv")
        store.finish_run(_run(run_id, inconclusive=True, inconclusive_reason="down"), [history])
        assert store.url_history(["http://a.example/"]) == {}
        assert store.list_runs()[0].state == "inconclusive"
        run2 = store.begin_run("c.csv")
        store.finish_run(_run(run2), [history])
        assert store.url_history(["http://a.example/"]) == {"http://a.example/": history}


def test_run_left_running_by_a_dead_process_is_marked_interrupted(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        first = store.begin_run("c.csv")
        store.record_check(first, _live("http://a.example/"))
    with Store(tmp_path / "db") as store:
        store.begin_run("c.csv")
        states = {r.run_id: r.state for r in store.list_runs()}
        assert states[first] == "interrupted"
        assert set(store.run_checks(first)) == {"http://a.example/"}
        with pytest.raises(StoreError, match="no finished run"):
            store.load_run(None)


def test_unknown_run_id_is_an_error_naming_it(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store, pytest.raises(StoreError, match="no run 'nope'"):
        store.load_run("nope")


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "db"
    bad.write_text("hello, this is not a database" * 100)
    with pytest.raises(StoreError, match="not a usable linkwatch database"):
        Store(bad)


def test_database_from_a_newer_linkwatch_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(StoreError, match="newer than this linkwatch"):
        Store(path)


def test_run_ids_sort_in_start_order_within_one_second(tmp_path: Path) -> None:
    with Store(tmp_path / "db") as store:
        ids = [store.begin_run("citations.csv") for _ in range(12)]
    assert sorted(ids) == ids
    assert len(set(ids)) == 12


def test_checks_stored_in_one_batch_keep_their_fingerprints_and_validators(
    tmp_path: Path,
) -> None:
    pages = [
        _live(f"http://a.example/{n}", http_status=200, fingerprint=Fingerprint(title=f"P{n}"))
        for n in range(3)
    ]
    with Store(tmp_path / "db") as store:
        run_id = store.begin_run("c.csv")
        store.record_checks(run_id, [(live, f'"e{n}"', "") for n, live in enumerate(pages)])
        assert store.run_checks(run_id) == {live.url: live for live in pages}
        for live in pages:
            assert store.last_fingerprint(live.url) == live.fingerprint
        etags = [r[0] for r in store.conn.execute("SELECT etag FROM checks ORDER BY id")]
        assert etags == ['"e0"', '"e1"', '"e2"']
