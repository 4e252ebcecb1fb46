"""The SQLite store: runs, per-URL history, every check, fingerprints and results.

One file per citations list (by default ``.linkwatch.db`` beside it), in WAL
mode so a reader (``linkwatch report``) never waits for a running check, and
written in short transactions so a process killed at any moment leaves a
consistent database. A run holds an exclusive lock file (``<db>.lock``, an
``flock`` the kernel releases when the process dies) so two runs cannot write
the same history at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from linkwatch.errors import StoreError, StoreLockedError
from linkwatch.results import CitationResult, Fingerprint, LiveResult, RunResult, from_dict, to_dict
from linkwatch.store.history import UrlHistory, iso, utc_now
from linkwatch.store.migrations import load_migrations

#: The default database file name, created beside the citations file.
DEFAULT_DB_NAME = ".linkwatch.db"


@dataclasses.dataclass(frozen=True, slots=True)
class RunSummary:
    """One stored run, with its verdict counts, for ``linkwatch runs``."""

    run_id: str
    started_at: str
    finished_at: str
    citations_file: str
    state: str
    """``running``, ``complete``, ``inconclusive`` or ``interrupted``."""
    total: int
    verdicts: dict[str, int]


def default_db_path(citations_file: Path) -> Path:
    """The database used for ``citations_file`` when ``--db`` is not given."""
    return Path(citations_file).resolve().parent / DEFAULT_DB_NAME


class Store:
    """An open linkwatch database; use as a context manager or call :meth:`close`."""

    def __init__(self, path: Path, *, lock: bool = True) -> None:
        """Open (creating and migrating) the database at ``path``.

        With ``lock`` the store takes the run lock first and raises
        :class:`StoreLockedError` when another run holds it.
        """
        self.path = Path(path)
        self._lock_fd: int | None = None
        if lock:
            self._lock_fd = _take_lock(self.path)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
        except sqlite3.Error as exc:
            self._release_lock()
            raise StoreError(f"{self.path}: cannot open database ({exc})") from exc
        try:
            self.conn.execute("PRAGMA busy_timeout = 10000")
            self.conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL keeps WAL consistent after a crash; only the last commits
            # may be lost on power failure, never on a killed process.
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreError(f"{self.path}: not a usable linkwatch database ({exc})") from exc

    # -- lifecycle -----------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection and release the run lock."""
        with contextlib.suppress(sqlite3.Error, AttributeError):
            self.conn.close()
        self._release_lock()

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                os.close(self._lock_fd)
            self._lock_fd = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``), committed on success, rolled back on error."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _migrate(self) -> None:
        migrations = load_migrations()
        with self.transaction() as conn:
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current > len(migrations):
                raise StoreError(
                    f"{self.path}: database schema {current} is newer than this linkwatch"
                    f" ({len(migrations)}); upgrade linkwatch"
                )
            for migration in migrations[current:]:
                for statement in _statements(migration.sql):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {migration.number}")

    @property
    def schema_version(self) -> int:
        """The number of the last migration applied."""
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    # -- runs ----------------------------------------------------------------

    def begin_run(self, citations_file: str, options: Mapping[str, Any] | None = None) -> str:
        """Record the start of a run and return its id.

        Runs left ``running`` by a process that died are marked ``interrupted``
        first (the caller holds the lock, so they cannot still be running).
        """
        now = utc_now()
        with self.transaction() as conn:
            # The sequence number keeps ids (and the report folders named after
            # them) in start order even for runs begun within the same second.
            (seq,) = conn.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM runs").fetchone()
            run_id = f"{now.strftime('%Y%m%dT%H%M%SZ')}-{int(seq):04d}"
            conn.execute("UPDATE runs SET state = 'interrupted' WHERE state = 'running'")
            conn.execute(
                "INSERT INTO runs (id, started_at, citations_file, options_json)"
                " VALUES (?, ?, ?, ?)",
                (run_id, iso(now), citations_file, json.dumps(dict(options or {}), default=str)),
            )
        return run_id

    def started_at(self, run_id: str) -> str:
        """When run ``run_id`` began (ISO 8601); ``""`` for an unknown run."""
        row = self.conn.execute("SELECT started_at FROM runs WHERE id = ?", (run_id,)).fetchone()
        return str(row[0]) if row else ""

    def record_check(
        self, run_id: str, live: LiveResult, *, etag: str = "", last_modified: str = ""
    ) -> int:
        """Store one live check (and its fingerprint) as soon as it is made; returns its id."""
        with self.transaction() as conn:
            return _insert_check(conn, run_id, live, etag, last_modified)

    def record_checks(self, run_id: str, checks: Iterable[tuple[LiveResult, str, str]]) -> None:
        """Store several live checks ``(result, etag, last_modified)`` in one transaction.

        One commit per check costs more than the check's rows (0.2 ms of a run's loop
        each, measured in ``docs/benchmarks.md``); a busy run stores them in small batches.
        """
        with self.transaction() as conn:
            for live, etag, last_modified in checks:
                _insert_check(conn, run_id, live, etag, last_modified)

    def finish_run(self, run: RunResult, histories: Iterable[UrlHistory] = ()) -> None:
        """Store a run's results and, unless it was inconclusive, advance the URL histories.

        Everything is written in one transaction: a run is either finished
        with all its results and history, or still ``running`` (then
        ``interrupted``) with its checks only.
        """
        state = "complete" if run.complete else "interrupted"
        if run.inconclusive:
            state = "inconclusive"
        with self.transaction() as conn:
            conn.execute(
                "UPDATE runs SET finished_at = ?, state = ?, inconclusive_reason = ?,"
                " skipped_json = ? WHERE id = ?",
                (
                    run.finished_at or iso(utc_now()),
                    state,
                    run.inconclusive_reason,
                    json.dumps(list(run.skipped), ensure_ascii=False),
                    run.run_id,
                ),
            )
            conn.execute("DELETE FROM results WHERE run_id = ?", (run.run_id,))
            conn.executemany(
                "INSERT INTO results (run_id, position, citation_id, url, verdict, live_status,"
                " archive_status, change_status, data_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                # A generator: the rows (each result's JSON) are made one at a time, not
                # held all at once beside the run (some 115 MB at 100,000 citations).
                (_result_row(run.run_id, i, r) for i, r in enumerate(run.results)),
            )
            if not run.inconclusive:
                conn.executemany(
                    "INSERT INTO urls (url, first_seen, last_checked, last_status, last_success,"
                    " failing_since, consecutive_failures, counted_failures,"
                    " last_counted_failure, confirmed_dead, etag, last_modified)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT(url) DO UPDATE SET last_checked = excluded.last_checked,"
                    " last_status = excluded.last_status, last_success = excluded.last_success,"
                    " failing_since = excluded.failing_since,"
                    " consecutive_failures = excluded.consecutive_failures,"
                    " counted_failures = excluded.counted_failures,"
                    " last_counted_failure = excluded.last_counted_failure,"
                    " confirmed_dead = excluded.confirmed_dead, etag = excluded.etag,"
                    " last_modified = excluded.last_modified",
                    [
                        (
                            h.url,
                            h.first_seen,
                            h.last_checked,
                            h.last_status,
                            h.last_success,
                            h.failing_since,
                            h.consecutive_failures,
                            h.counted_failures,
                            h.last_counted_failure,
                            int(h.confirmed_dead),
                            h.etag,
                            h.last_modified,
                        )
                        for h in histories
                    ],
                )

    def load_run(self, run_id: str | None = None) -> RunResult:
        """The stored run ``run_id`` (a unique prefix is enough), or the latest finished run.

        Raises :class:`StoreError` when there is no such run.
        """
        if run_id is None:
            row = self.conn.execute(
                "SELECT * FROM runs WHERE state IN ('complete', 'inconclusive')"
                " ORDER BY started_at DESC, rowid DESC LIMIT 1"
            ).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: no finished run stored yet")
        else:
            rows = self.conn.execute(
                "SELECT * FROM runs WHERE id = ? OR id LIKE ? ORDER BY id",
                (run_id, run_id.replace("%", "").replace("_", "") + "%"),
            ).fetchall()
            exact = [r for r in rows if r[0] == run_id]
            if exact:
                rows = exact
            if not rows:
                raise StoreError(f"{self.path}: no run {run_id!r}")
            if len(rows) > 1:
                raise StoreError(f"{self.path}: run id {run_id!r} is ambiguous ({len(rows)} runs)")
            row = rows[0]
        cols = [d[0] for d in self.conn.execute("SELECT * FROM runs LIMIT 0").description]
        run = dict(zip(cols, row, strict=True))
        results = tuple(
            from_dict(CitationResult, json.loads(data))
            for (data,) in self.conn.execute(
                "SELECT data_json FROM results WHERE run_id = ? ORDER BY position", (run["id"],)
            )
        )
        return RunResult(
            run_id=run["id"],
            started_at=run["started_at"],
            finished_at=run["finished_at"] or "",
            citations_file=run["citations_file"],
            complete=run["state"] in ("complete", "inconclusive"),
            inconclusive=run["state"] == "inconclusive",
            inconclusive_reason=run["inconclusive_reason"],
            results=results,
            skipped=tuple(json.loads(run["skipped_json"])),
        )

    def list_runs(self) -> list[RunSummary]:
        """Every stored run, oldest first, with verdict counts."""
        counts: dict[str, dict[str, int]] = {}
        for run_id, verdict, n in self.conn.execute(
            "SELECT run_id, verdict, COUNT(*) FROM results GROUP BY run_id, verdict"
        ):
            counts.setdefault(run_id, {})[verdict] = int(n)
        out = []
        for run_id, started, finished, cfile, state in self.conn.execute(
            "SELECT id, started_at, finished_at, citations_file, state FROM runs"
            " ORDER BY started_at, rowid"
        ):
            verdicts = counts.get(run_id, {})
            out.append(
                RunSummary(
                    run_id=run_id,
                    started_at=started,
                    finished_at=finished or "",
                    citations_file=cfile,
                    state=state,
                    total=sum(verdicts.values()),
                    verdicts=verdicts,
                )
            )
        return out

    # -- per-URL history ---------------------------------------------------

    def url_history(self, urls: Iterable[str]) -> dict[str, UrlHistory]:
        """The stored history of each of ``urls`` that has one."""
        wanted = list(dict.fromkeys(urls))
        out: dict[str, UrlHistory] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                "SELECT url, first_seen, last_checked, last_status, last_success, failing_since,"
                " consecutive_failures, counted_failures, last_counted_failure, confirmed_dead,"
                f" etag, last_modified FROM urls WHERE url IN ({marks})",
                chunk,
            ):
                h = UrlHistory(
                    url=row[0],
                    first_seen=row[1],
                    last_checked=row[2],
                    last_status=row[3],
                    last_success=row[4],
                    failing_since=row[5],
                    consecutive_failures=int(row[6]),
                    counted_failures=int(row[7]),
                    last_counted_failure=row[8],
                    confirmed_dead=bool(row[9]),
                    etag=row[10],
                    last_modified=row[11],
                )
                out[h.url] = h
        return out

    def last_live(self, url: str, *, before_run: str | None = None) -> LiveResult | None:
        """The latest stored live check of ``url`` (from a run other than ``before_run``)."""
        row = self.conn.execute(
            "SELECT c.live_json FROM checks c JOIN runs r ON r.id = c.run_id"
            " WHERE c.url = ? AND r.state IN ('complete', 'inconclusive') AND c.run_id != ?"
            " ORDER BY c.id DESC LIMIT 1",
            (url, before_run or ""),
        ).fetchone()
        return None if row is None else from_dict(LiveResult, json.loads(row[0]))

    def last_fingerprint(self, url: str, *, before_run: str | None = None) -> Fingerprint | None:
        """The fingerprint of ``url``'s latest stored fetch outside run ``before_run``."""
        row = self.conn.execute(
            "SELECT f.payload_sha1, f.text_simhash, f.title, f.content_type, f.length, f.words"
            " FROM fingerprints f JOIN checks c ON c.id = f.check_id"
            " WHERE f.url = ? AND c.run_id != ? ORDER BY f.check_id DESC LIMIT 1",
            (url, before_run or ""),
        ).fetchone()
        return None if row is None else fingerprint_from_row(row)

    def run_checks(self, run_id: str) -> dict[str, LiveResult]:
        """The live checks recorded by one run, by URL (also for an interrupted run)."""
        return {
            url: from_dict(LiveResult, json.loads(data))
            for url, data in self.conn.execute(
                "SELECT url, live_json FROM checks WHERE run_id = ? ORDER BY id", (run_id,)
            )
        }


def fingerprint_from_row(row: Sequence[Any]) -> Fingerprint:
    """A :class:`Fingerprint` from a row of ``fingerprints`` columns selected in this order:
    payload_sha1, text_simhash, title, content_type, length, words."""
    return Fingerprint(
        payload_sha1=row[0],
        text_simhash=row[1],
        title=row[2],
        content_type=row[3],
        length=int(row[4]),
        words=int(row[5]),
    )


def _result_row(run_id: str, position: int, r: CitationResult) -> tuple[Any, ...]:
    return (
        run_id,
        position,
        r.citation.id,
        r.live.url if r.live is not None else (r.citation.url or r.citation.doi),
        r.verdict.value,
        r.live.status.value if r.live is not None else "",
        r.archive.status.value if r.archive is not None else "",
        r.change.status.value if r.change is not None else "",
        json.dumps(to_dict(r), ensure_ascii=False),
    )


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (``executescript`` would commit early)."""
    out: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf)
            buf = ""
    if buf.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buf.splitlines()
    ):
        raise StoreError(f"incomplete SQL statement in a store migration: {buf.strip()[:60]}")
    return out


def _take_lock(db_path: Path) -> int:
    lock_path = db_path.with_name(db_path.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"{db_path}: cannot create lock file ({exc.strerror or exc})") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        holder = ""
        with contextlib.suppress(OSError, ValueError):
            holder = os.pread(fd, 32, 0).decode().strip()
        os.close(fd)
        who = f" (pid {holder})" if holder else ""
        raise StoreLockedError(
            f"{db_path}: another linkwatch run is using this database{who}; wait for it to"
            " finish or choose another with --db"
        ) from exc
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _insert_check(
    conn: sqlite3.Connection, run_id: str, live: LiveResult, etag: str, last_modified: str
) -> int:
    """Insert one check row and its fingerprint row; returns the check's id."""
    cur = conn.execute(
        "INSERT INTO checks (run_id, url, checked_at, status, http_status, final_url,"
        " reason, etag, last_modified, live_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            run_id,
            live.url,
            live.checked_at,
            live.status.value,
            live.http_status,
            live.final_url,
            live.reason,
            etag,
            last_modified,
            json.dumps(to_dict(live), ensure_ascii=False),
        ),
    )
    check_id = int(cur.lastrowid or 0)
    fp = live.fingerprint
    if fp is not None:
        conn.execute(
            "INSERT INTO fingerprints (check_id, url, payload_sha1, text_simhash, title,"
            " content_type, length, words) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                check_id,
                live.url,
                fp.payload_sha1,
                fp.text_simhash,
                fp.title,
                fp.content_type,
                fp.length,
                fp.words,
            ),
        )
    return check_id
