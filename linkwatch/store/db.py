"""The store: runs, per-URL history, every check, fingerprints and results.

By default one SQLite file per citations list (``.linkwatch.db`` beside it,
see :mod:`linkwatch.store.sqlite`); with a ``postgresql://`` URL one database
shared by many citations files, runs and machines (:mod:`linkwatch.store.postgres`).
The SQL here is written once for both. Writes are short transactions, so a
process killed at any moment leaves a consistent database, and a run holds the
lock that keeps two runs of one citations file apart.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import marshal
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from linkwatch.errors import StoreError
from linkwatch.records import Citation
from linkwatch.results import (
    ArchiveResult,
    ChangeResult,
    CitationResult,
    Fingerprint,
    LiveResult,
    RebuiltResults,
    RunResult,
    from_dict,
    to_dict,
)
from linkwatch.status import ALIVE_LIVE, ArchiveStatus, ChangeStatus, LiveStatus, Verdict
from linkwatch.store.backend import Backend, Connection
from linkwatch.store.history import ConfirmPolicy, UrlHistory, advance, iso, parse_iso, utc_now
from linkwatch.store.migrations import load_migrations

#: The default database file name, created beside the citations file.
DEFAULT_DB_NAME = ".linkwatch.db"

_ALIVE = frozenset(s.value for s in ALIVE_LIVE)

#: Where a store lives: an SQLite file, or a ``postgresql://`` URL.
DbTarget = Path | str


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


def citations_scope(citations_file: Path | str) -> str:
    """The identity of a citations file in a shared database: its absolute path."""
    return str(Path(citations_file).resolve())


def db_target(value: str | Path) -> DbTarget:
    """``value`` as a store location: a ``postgresql://`` URL stays a string, else a path."""
    from linkwatch.store.postgres import is_database_url

    if isinstance(value, Path):
        return value
    return value if is_database_url(value) else Path(value).expanduser()


def is_shared(target: DbTarget | None) -> bool:
    """Whether ``target`` names a shared (PostgreSQL) database."""
    return isinstance(target, str)


def open_backend(target: DbTarget, *, lock: bool) -> Backend:
    """The backend for ``target``: PostgreSQL for a URL, else SQLite (locked when ``lock``)."""
    if isinstance(target, str):
        from linkwatch.store.postgres import PostgresBackend

        return PostgresBackend(target)
    from linkwatch.store.sqlite import SQLiteBackend

    return SQLiteBackend(target, lock=lock)


class Store:
    """An open linkwatch database; use as a context manager or call :meth:`close`."""

    def __init__(self, target: DbTarget, *, lock: bool = True, scope: str = "") -> None:
        """Open (creating and migrating) the database at ``target``.

        ``scope`` is the identity of the citations file the caller works on
        (:func:`citations_scope`); in a shared database it keeps each file's runs
        apart. With ``lock`` the store takes the run lock first (of the SQLite
        file; in a shared database, of ``scope``) and raises
        :class:`linkwatch.errors.StoreLockedError` when another run holds it.
        """
        self.backend = open_backend(db_target(target), lock=lock)
        self.label = self.backend.label
        self.scope = scope
        self.conn: Connection = self.backend.conn
        try:
            self.backend.migrate(load_migrations(self.backend.dialect))
            if lock:
                self.backend.lock_run(scope)
        except BaseException:
            self.close()
            raise

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
        with contextlib.suppress(AttributeError):
            self.backend.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction, committed on success, rolled back on error."""
        with self.backend.transaction() as conn:
            yield conn

    @property
    def schema_version(self) -> int:
        """The number of the last migration applied."""
        return self.backend.schema_version()

    def _scope_filter(self) -> tuple[str, tuple[str, ...]]:
        """The ``AND scope = ?`` that keeps a shared database's runs to this scope."""
        if self.backend.shared and self.scope:
            return " AND scope = ?", (self.scope,)
        return "", ()

    # -- runs ----------------------------------------------------------------

    def begin_run(self, citations_file: str, options: Mapping[str, Any] | None = None) -> str:
        """Record the start of a run and return its id.

        Runs left ``running`` by a process that died are marked ``interrupted``
        first (the caller holds the lock, so they cannot still be running; in a
        shared database only this scope's runs).
        """
        now = utc_now()
        with self.transaction() as conn:
            # The sequence number keeps ids (and the report folders named after
            # them) in start order even for runs begun within the same second.
            seq = self.backend.next_run_seq(conn)
            run_id = f"{now.strftime('%Y%m%dT%H%M%SZ')}-{seq:04d}"
            if self.backend.shared:
                conn.execute(
                    "UPDATE runs SET state = 'interrupted' WHERE state = 'running' AND scope = ?",
                    (self.scope,),
                )
            else:
                conn.execute("UPDATE runs SET state = 'interrupted' WHERE state = 'running'")
            options_json = json.dumps(dict(options or {}), default=str)
            if self.backend.run_order == "rowid":
                conn.execute(
                    "INSERT INTO runs (id, started_at, citations_file, options_json, scope)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (run_id, iso(now), citations_file, options_json, self.scope),
                )
            else:
                conn.execute(
                    "INSERT INTO runs (id, started_at, citations_file, options_json, scope,"
                    f" {self.backend.run_order}) VALUES (?, ?, ?, ?, ?, ?)",
                    (run_id, iso(now), citations_file, options_json, self.scope, seq),
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
            return insert_check(conn, run_id, live, etag=etag, last_modified=last_modified)

    def record_checks(self, run_id: str, checks: Iterable[tuple[LiveResult, str, str]]) -> None:
        """Store several live checks ``(result, etag, last_modified)`` in one transaction.

        One commit per check costs more than the check's rows (0.2 ms of a run's loop
        each, measured in ``docs/benchmarks.md``); a busy run stores them in small batches.
        """
        with self.transaction() as conn:
            for live, etag, last_modified in checks:
                insert_check(conn, run_id, live, etag=etag, last_modified=last_modified)

    def finish_run(
        self,
        run: RunResult,
        histories: Iterable[UrlHistory] = (),
        *,
        policy: ConfirmPolicy | None = None,
        ordered: bool = False,
    ) -> None:
        """Store a run's results and, unless it was inconclusive, advance the URL histories.

        Everything is written in one transaction: a run is either finished
        with all its results and history, or still ``running`` (then
        ``interrupted``) with its checks only. With ``policy`` each history is
        taken as this run's step (its last check's status, time and validators)
        and applied again to the row as it stands now, under a row lock: another
        run that advanced the same URL meanwhile (in a shared database) keeps its
        step, and none is counted twice. With ``ordered`` the histories come in URL order
        and are taken a few hundred at a time (never all held at once).
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
            if run.inconclusive:
                return
            steps = iter(histories if ordered else sorted(histories, key=lambda h: h.url))
            # In chunks of URLs, in URL order (so rows are still locked in that order): the
            # rows of a 100,000-URL run are never all built at once.
            while chunk := list(itertools.islice(steps, _HISTORY_CHUNK)):
                if policy is not None:
                    chunk = self._reapply(conn, chunk, policy)
                conn.executemany(_UPSERT_URL, [_url_row(h) for h in chunk])

    def _reapply(
        self, conn: Connection, steps: list[UrlHistory], policy: ConfirmPolicy
    ) -> list[UrlHistory]:
        """Each step applied to its URL's row as stored now (rows locked, in URL order)."""
        # A row for every URL first, so a URL new to two concurrent runs is
        # locked like any other instead of being inserted twice from nothing.
        conn.executemany(
            "INSERT INTO urls (url, first_seen) VALUES (?, ?) ON CONFLICT(url) DO NOTHING",
            [(h.url, h.first_seen) for h in steps],
        )
        current = self._histories(conn, [h.url for h in steps], lock=True)
        out = []
        for h in steps:
            at = parse_iso(h.last_checked)
            try:
                status = LiveStatus(h.last_status)
            except ValueError:
                status = None
            if at is None or status is None:
                out.append(h)
                continue
            now = current.get(h.url)
            stored_at = parse_iso(now.last_checked) if now is not None else None
            if now is not None and stored_at is not None and stored_at > at:
                # Another run stored a later check first. A later success is newer
                # evidence than this run's step; anything else takes the step as of then.
                if now.last_status in _ALIVE:
                    out.append(now)
                    continue
                at = stored_at
            out.append(
                advance(
                    now,
                    h.url,
                    status,
                    at,
                    policy,
                    etag=h.etag,
                    last_modified=h.last_modified,
                )
            )
        return out

    def load_run(self, run_id: str | None = None, *, outline: bool = False) -> RunResult:
        """The stored run ``run_id`` (a unique prefix is enough), or the latest finished run.

        With ``outline`` each result holds only what a "since last run" comparison reads
        (:func:`linkwatch.report.model.diff_runs`): the citation's id, URL and DOI, the
        verdict, and the live, archive and change statuses (with ``off_topic``); a previous
        run of 100,000 citations then takes a fraction of the memory and time of the whole.
        Raises :class:`StoreError` when there is no such run.
        """
        where, params = self._scope_filter()
        if run_id is None:
            row = self.conn.execute(
                f"SELECT * FROM runs WHERE state IN ('complete', 'inconclusive'){where}"
                f" ORDER BY started_at DESC, {self.backend.run_order} DESC LIMIT 1",
                params,
            ).fetchone()
            if row is None:
                raise StoreError(f"{self.label}: no finished run stored yet")
        else:
            rows = self.conn.execute(
                f"SELECT * FROM runs WHERE (id = ? OR id LIKE ?){where} ORDER BY id",
                (run_id, run_id.replace("%", "").replace("_", "") + "%", *params),
            ).fetchall()
            exact = [r for r in rows if r[0] == run_id]
            if exact:
                rows = exact
            if not rows:
                raise StoreError(f"{self.label}: no run {run_id!r}")
            if len(rows) > 1:
                raise StoreError(f"{self.label}: run id {run_id!r} is ambiguous ({len(rows)} runs)")
            row = rows[0]
        cols = [d[0] for d in self.conn.execute("SELECT * FROM runs LIMIT 0").description]
        run = dict(zip(cols, row, strict=True))
        stored = self.conn.execute(
            "SELECT data_json FROM results WHERE run_id = ? ORDER BY position", (run["id"],)
        )
        results: Sequence[CitationResult]
        if outline:
            kept = _Outline()
            for (data,) in stored:
                kept.add(json.loads(data))
            results = kept
        else:
            results = tuple(from_dict(CitationResult, json.loads(data)) for (data,) in stored)
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
        """Every stored run (in a shared database: of this scope, when set), oldest first."""
        where, params = self._scope_filter()
        counts: dict[str, dict[str, int]] = {}
        for run_id, verdict, n in self.conn.execute(
            "SELECT run_id, verdict, COUNT(*) FROM results"
            + (" WHERE run_id IN (SELECT id FROM runs WHERE scope = ?)" if where else "")
            + " GROUP BY run_id, verdict",
            params,
        ):
            counts.setdefault(run_id, {})[verdict] = int(n)
        out = []
        for run_id, started, finished, cfile, state in self.conn.execute(
            "SELECT id, started_at, finished_at, citations_file, state FROM runs"
            f" WHERE 1 = 1{where} ORDER BY started_at, {self.backend.run_order}",
            params,
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
        return self._histories(self.conn, urls)

    def _histories(
        self, conn: Connection, urls: Iterable[str], *, lock: bool = False
    ) -> dict[str, UrlHistory]:
        wanted = sorted(set(urls)) if lock else list(dict.fromkeys(urls))
        suffix = f" ORDER BY url{self.backend.for_update}" if lock else ""
        out: dict[str, UrlHistory] = {}
        # The caller's own URL strings, and one string per distinct timestamp or status word:
        # a run of 100,000 URLs holds their histories until it is stored.
        shared: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            mine = {u: u for u in chunk}
            marks = ",".join("?" * len(chunk))
            for row in conn.execute(
                "SELECT url, first_seen, last_checked, last_status, last_success, failing_since,"
                " consecutive_failures, counted_failures, last_counted_failure, confirmed_dead,"
                f" etag, last_modified FROM urls WHERE url IN ({marks}){suffix}",
                chunk,
            ):
                first_seen, last_checked, last_status, last_success, failing_since = (
                    shared.setdefault(v, v) for v in row[1:6]
                )
                h = UrlHistory(
                    url=mine.get(row[0], row[0]),
                    first_seen=first_seen,
                    last_checked=last_checked,
                    last_status=last_status,
                    last_success=last_success,
                    failing_since=failing_since,
                    consecutive_failures=int(row[6]),
                    counted_failures=int(row[7]),
                    last_counted_failure=shared.setdefault(row[8], row[8]),
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


class _Outline(RebuiltResults):
    """Stored results in outline (see :meth:`Store.load_run`): per result one ``marshal``
    string of its citation's id, URL and DOI and the places of its verdict and status
    objects, one object per distinct verdict or status shared by every result that has it.
    A previous run of 100,000 citations, read for "since last run", takes 11.6 MB
    where it took 40.1 MB as objects."""

    __slots__ = ("_index", "_shared")

    def __init__(self) -> None:
        super().__init__([])
        self._shared: list[Any] = [None]
        self._index: dict[tuple[Any, ...], int] = {}

    def _at(self, key: tuple[Any, ...], make: Any) -> int:
        at = self._index.get(key)
        if at is None:
            at = self._index[key] = len(self._shared)
            self._shared.append(make())
        return at

    def add(self, data: dict[str, Any]) -> None:
        """Keep the outline of one stored result (its ``to_dict`` form)."""
        c = data["citation"]
        live, archive, change = data.get("live"), data.get("archive"), data.get("change")
        self._rows.append(
            marshal.dumps(
                (
                    c["id"],
                    c.get("url", ""),
                    c.get("doi", ""),
                    self._at(("verdict", data["verdict"]), lambda: Verdict(data["verdict"])),
                    0
                    if live is None
                    else self._at(
                        ("live", live["status"]),
                        lambda: LiveResult(url="", status=LiveStatus(live["status"])),
                    ),
                    0
                    if archive is None
                    else self._at(
                        ("archive", archive["status"]),
                        lambda: ArchiveResult(status=ArchiveStatus(archive["status"])),
                    ),
                    0
                    if change is None
                    else self._at(
                        ("change", change["status"], bool(change.get("off_topic"))),
                        lambda: ChangeResult(
                            status=ChangeStatus(change["status"]),
                            off_topic=bool(change.get("off_topic")),
                        ),
                    ),
                )
            )
        )

    def _result(self, row: bytes) -> CitationResult:
        cid, url, doi, verdict, live, archive, change = marshal.loads(row)
        shared = self._shared
        return CitationResult(
            citation=Citation(id=cid, url=url, doi=doi),
            verdict=shared[verdict],
            live=shared[live],
            archive=shared[archive],
            change=shared[change],
        )


#: URL histories written per statement when a run is stored.
_HISTORY_CHUNK = 500

_UPSERT_URL = (
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
    " last_modified = excluded.last_modified"
)


def _url_row(h: UrlHistory) -> tuple[Any, ...]:
    return (
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


def insert_check(
    conn: Connection, run_id: str, live: LiveResult, *, etag: str = "", last_modified: str = ""
) -> int:
    """Insert one live check and its fingerprint inside the caller's transaction; returns its id."""
    cur = conn.execute(
        "INSERT INTO checks (run_id, url, checked_at, status, http_status, final_url,"
        " reason, etag, last_modified, live_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING id",
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
    check_id = int(cur.fetchone()[0])
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
