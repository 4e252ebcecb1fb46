"""The archive stage's memory in the store (tables of migration 0003)."""

from __future__ import annotations

import datetime as dt
import json

from linkwatch.archives.lookup import CaptureFetch
from linkwatch.archives.memento import Memento
from linkwatch.compare.text import PageText
from linkwatch.results import ArchiveResult, Fingerprint, from_dict, to_dict
from linkwatch.store.db import Store, fingerprint_from_row


def _iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class StoreArchiveCache:
    """Lookups and verified captures kept in a linkwatch database.

    Each write is its own short transaction, so a run killed mid-way keeps
    everything it learned from the archives.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        with self.store.transaction() as conn:
            conn.execute(sql, params)

    def get_lookup(self, archive: str, url: str, target: str, window: int) -> ArchiveResult | None:
        """A remembered lookup that has not expired."""
        row = self.conn.execute(
            "SELECT result_json, expires_at FROM archive_lookups"
            " WHERE archive = ? AND url = ? AND target = ? AND window_days = ?",
            (archive, url, target, window),
        ).fetchone()
        if row is None or (row[1] and row[1] <= _iso(_utcnow())):
            return None
        return from_dict(ArchiveResult, json.loads(row[0]))

    def put_lookup(
        self,
        archive: str,
        url: str,
        target: str,
        window: int,
        result: ArchiveResult,
        expires: dt.datetime | None,
    ) -> None:
        """Remember a lookup until ``expires`` (None: forever)."""
        self._write(
            "INSERT INTO archive_lookups (archive, url, target, window_days, status,"
            " result_json, looked_up_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (archive, url, target, window_days) DO UPDATE SET"
            " status = excluded.status, result_json = excluded.result_json,"
            " looked_up_at = excluded.looked_up_at, expires_at = excluded.expires_at",
            (
                archive,
                url,
                target,
                window,
                result.status.value,
                json.dumps(to_dict(result), ensure_ascii=False),
                _iso(_utcnow()),
                _iso(expires) if expires else "",
            ),
        )

    def get_capture(self, raw_url: str) -> CaptureFetch | None:
        """A capture fetched before, with its judgement and main text."""
        row = self.conn.execute(
            "SELECT memento_json, http_status, content_type, payload_sha1, problem, title,"
            " headings_json, main_text FROM archive_captures WHERE raw_url = ?",
            (raw_url,),
        ).fetchone()
        if row is None:
            return None
        m = json.loads(row[0])
        page = None
        if row[5] or row[7] or not row[4]:
            page = PageText(title=row[5], text=row[7], headings=tuple(json.loads(row[6])))
        return CaptureFetch(
            memento=Memento(
                url=m["url"],
                timestamp=m["timestamp"],
                status=m.get("status"),
                digest=m.get("digest", ""),
                mimetype=m.get("mimetype", ""),
            ),
            raw_url=raw_url,
            http_status=row[1],
            content_type=row[2],
            payload_sha1=row[3],
            page=page,
            problem=row[4],
        )

    def put_capture(self, fetch: CaptureFetch) -> None:
        """Remember a fetched capture and its main text."""
        m = fetch.memento
        page = fetch.page
        self._write(
            "INSERT INTO archive_captures (raw_url, memento_json, http_status,"
            " content_type, payload_sha1, problem, title, headings_json, main_text, fetched_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (raw_url) DO UPDATE SET"
            " memento_json = excluded.memento_json, http_status = excluded.http_status,"
            " content_type = excluded.content_type, payload_sha1 = excluded.payload_sha1,"
            " problem = excluded.problem, title = excluded.title,"
            " headings_json = excluded.headings_json, main_text = excluded.main_text,"
            " fetched_at = excluded.fetched_at",
            (
                fetch.raw_url,
                json.dumps(
                    {
                        "url": m.url,
                        "timestamp": m.timestamp,
                        "status": m.status,
                        "digest": m.digest,
                        "mimetype": m.mimetype,
                    }
                ),
                fetch.http_status,
                fetch.content_type,
                fetch.payload_sha1,
                fetch.problem,
                page.title if page else "",
                json.dumps(list(page.headings) if page else [], ensure_ascii=False),
                page.text if page else "",
                _iso(_utcnow()),
            ),
        )

    def previous_fingerprint(self, url: str) -> Fingerprint | None:
        """The fingerprint of ``url`` from the latest finished run (not the one running now)."""
        row = self.conn.execute(
            "SELECT f.payload_sha1, f.text_simhash, f.title, f.content_type, f.length, f.words"
            " FROM fingerprints f JOIN checks c ON c.id = f.check_id JOIN runs r ON r.id = c.run_id"
            " WHERE f.url = ? AND r.state != 'running' ORDER BY f.check_id DESC LIMIT 1",
            (url,),
        ).fetchone()
        return None if row is None else fingerprint_from_row(row)

    def note_drift(self, url: str, changed: bool, changed_since_last_run: bool | None) -> str:
        """Record this run's drift for ``url``; returns when the change was first seen, or ''."""
        now = _iso(_utcnow())
        row = self.conn.execute(
            "SELECT first_seen_changed, last_changed_between_runs FROM drift WHERE url = ?", (url,)
        ).fetchone()
        first, between = (row[0], row[1]) if row else ("", "")
        first = (first or now) if changed else ""
        if changed_since_last_run:
            between = now
        self._write(
            "INSERT INTO drift (url, first_seen_changed, last_changed_between_runs,"
            " updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET"
            " first_seen_changed = excluded.first_seen_changed,"
            " last_changed_between_runs = excluded.last_changed_between_runs,"
            " updated_at = excluded.updated_at",
            (url, first, between, now),
        )
        return first
