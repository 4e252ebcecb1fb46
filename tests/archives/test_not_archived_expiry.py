"""A "not archived" answer is reused for not_archived_ttl_days, then the archive is asked again."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

from linkwatch.archives.config import ArchiveOptions
from linkwatch.archives.stage import ArchiveStage
from linkwatch.check import CheckOptions, check_citations
from linkwatch.live import LiveOptions
from linkwatch.records import Citation
from linkwatch.results import RunResult
from linkwatch.status import ArchiveStatus
from linkwatch.store.db import Store
from tests.archives.conftest import Sleeps, local_config
from tests.web import LocalWeb
from tests.web.archive import LocalArchive

TTL_DAYS = 2.0
FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _run(db: Path, cites: list[Citation], local_archive: LocalArchive) -> RunResult:
    archives = ArchiveOptions(
        archives=(local_config(local_archive.root),), not_archived_ttl_days=TTL_DAYS
    )
    options = CheckOptions(
        live=LiveOptions(allow_private=True, host_interval=0.0, retries=0, timeout=5.0),
        db=db,
        archives=archives,
    )

    async def main() -> RunResult:
        async with ArchiveStage(archives, db=db, citations=cites, sleep=Sleeps()) as stage:
            with Store(db) as store:
                return await check_citations(cites, options, store, archive_stage=stage)

    return asyncio.run(main())


def _lookups(db: Path) -> dict[str, tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT url, status, looked_up_at, expires_at FROM archive_lookups")
        return {url: (status, looked, expires) for url, status, looked, expires in rows}


def _age(db: Path, days: float) -> None:
    """Move every remembered lookup ``days`` into the past, as if that time had gone by."""

    def back(stamp: str) -> str:
        if not stamp:
            return stamp
        return (dt.datetime.strptime(stamp, FORMAT) - dt.timedelta(days=days)).strftime(FORMAT)

    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT rowid, looked_up_at, expires_at FROM archive_lookups"
        ).fetchall()
        for rowid, looked, expires in rows:
            conn.execute(
                "UPDATE archive_lookups SET looked_up_at = ?, expires_at = ? WHERE rowid = ?",
                (back(looked), back(expires), rowid),
            )


def _asked_about(local_archive: LocalArchive, path: str) -> bool:
    return any(path in r.path for r in local_archive.requests())


def test_not_archived_answer_expires_after_the_configured_days(
    local_web: LocalWeb, local_archive: LocalArchive, tmp_path: Path
) -> None:
    db = tmp_path / "lw.db"
    never = local_archive.pages["never"]
    good = local_archive.pages["good-near"]
    cites = [
        Citation(id="never", url=never.url, date=never.citation_date),
        Citation(id="good", url=good.url, accessed=good.citation_date),
    ]
    local_web.reset()
    first = {r.citation.id: r for r in _run(db, cites, local_archive).results}
    never_archive = first["never"].archive
    assert never_archive is not None and never_archive.status is ArchiveStatus.NOT_ARCHIVED

    rows = _lookups(db)
    status, looked, expires = rows[never.url]
    assert status == "not-archived"
    kept = dt.datetime.strptime(expires, FORMAT) - dt.datetime.strptime(looked, FORMAT)
    assert kept == dt.timedelta(days=TTL_DAYS)
    assert rows[good.url][2] == ""  # a found capture is kept for good

    # Within the time: nothing is asked again.
    local_archive.clear_requests()
    _run(db, cites, local_archive)
    assert local_archive.requests() == []

    # Just short of the time: still nothing.
    _age(db, TTL_DAYS - 0.1)
    local_archive.clear_requests()
    _run(db, cites, local_archive)
    assert local_archive.requests() == []

    # Past it: the archive is asked again about the uncaptured page, and only about it.
    _age(db, 0.2)
    local_archive.clear_requests()
    again = {r.citation.id: r for r in _run(db, cites, local_archive).results}
    assert _asked_about(local_archive, "/a/never.html")
    assert not _asked_about(local_archive, "/a/good-near.html")
    again_archive = again["never"].archive
    assert again_archive is not None and again_archive.status is ArchiveStatus.NOT_ARCHIVED
    renewed = dt.datetime.strptime(_lookups(db)[never.url][2], FORMAT)
    assert renewed > dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)
