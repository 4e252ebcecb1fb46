"""The store's record of preservation: every request and outcome, and the links written back.

A request is inserted as ``pending`` *before* it is sent and its job id stored
as soon as the target gives one, each in its own short transaction, so a run
killed at any moment leaves rows the next run can resume instead of asking
again. The latest row per (URL, target) is that pair's state.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from linkwatch.preserve.model import PreserveResult, PreserveStatus
from linkwatch.store.db import Store
from linkwatch.store.history import iso, utc_now


@dataclasses.dataclass(frozen=True, slots=True)
class StoredRequest:
    """One row of ``preserve_requests``."""

    id: int
    result: PreserveResult
    run_id: str
    requested_at: str
    updated_at: str


@dataclasses.dataclass(frozen=True, slots=True)
class StoredLink:
    """What linkwatch wrote into one citation's ``archive_url``."""

    citation_id: str
    url: str
    archive_url: str
    version_date: str
    origin: str


class Ledger:
    """Preservation rows in a :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def begin(self, url: str, target: str, run_id: str) -> int:
        """Insert a ``pending`` request and return its row id."""
        now = iso(utc_now())
        with self.store.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO preserve_requests (url, target, status, run_id, requested_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (url, target, PreserveStatus.PENDING.value, run_id, now, now),
            )
            return int(cur.fetchone()[0])

    def set_job(self, row_id: int, job_id: str) -> None:
        """Remember the target's job id, so a killed run can resume polling it."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE preserve_requests SET job_id = ?, updated_at = ? WHERE id = ?",
                (job_id, iso(utc_now()), row_id),
            )

    def finish(self, row_id: int, result: PreserveResult) -> None:
        """Store a request's outcome."""
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE preserve_requests SET status = ?, reason = ?, capture_url = ?,"
                " timestamp = ?, job_id = CASE WHEN ? = '' THEN job_id ELSE ? END,"
                " updated_at = ? WHERE id = ?",
                (
                    result.status.value,
                    result.reason,
                    result.capture_url,
                    result.timestamp,
                    result.job_id,
                    result.job_id,
                    iso(utc_now()),
                    row_id,
                ),
            )

    def latest(self, urls: Iterable[str] | None = None) -> dict[tuple[str, str], StoredRequest]:
        """The latest request per (URL, target), for ``urls`` or for every URL."""
        rows = self.store.conn.execute(
            "SELECT id, url, target, status, reason, capture_url, timestamp, job_id, run_id,"
            " requested_at, updated_at FROM preserve_requests"
            " WHERE id IN (SELECT MAX(id) FROM preserve_requests GROUP BY url, target)"
        ).fetchall()
        wanted = None if urls is None else set(urls)
        out: dict[tuple[str, str], StoredRequest] = {}
        for rid, url, target, status, reason, cap, ts, job, run_id, req_at, upd_at in rows:
            if wanted is not None and url not in wanted:
                continue
            result = PreserveResult(target, url, PreserveStatus(status), reason, cap, ts, job)
            out[(url, target)] = StoredRequest(int(rid), result, run_id, req_at, upd_at)
        return out

    def links(self, citations_file: str) -> dict[str, StoredLink]:
        """What linkwatch wrote into ``archive_url`` for each citation of ``citations_file``."""
        return {
            cid: StoredLink(cid, url, link, date, origin)
            for cid, url, link, date, origin in self.store.conn.execute(
                "SELECT citation_id, url, archive_url, version_date, origin FROM archive_links"
                " WHERE citations_file = ?",
                (citations_file,),
            )
        }

    def save_links(self, citations_file: str, links: Iterable[StoredLink]) -> None:
        """Remember the links written into ``citations_file`` (replacing earlier ones)."""
        now = iso(utc_now())
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT INTO archive_links (citations_file, citation_id, url, archive_url,"
                " version_date, origin, written_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (citations_file, citation_id) DO UPDATE SET url = excluded.url,"
                " archive_url = excluded.archive_url, version_date = excluded.version_date,"
                " origin = excluded.origin, written_at = excluded.written_at",
                [
                    (
                        citations_file,
                        k.citation_id,
                        k.url,
                        k.archive_url,
                        k.version_date,
                        k.origin,
                        now,
                    )
                    for k in links
                ],
            )
