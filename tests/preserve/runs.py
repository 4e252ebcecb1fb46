"""Stored check runs built by hand, so archive tests start from known verdicts."""

from __future__ import annotations

from pathlib import Path

from linkwatch.records import Citation, write_citations
from linkwatch.results import (
    ArchiveResult,
    Capture,
    ChangeResult,
    CitationResult,
    LiveResult,
    RunResult,
)
from linkwatch.status import ArchiveStatus, ChangeStatus, LiveStatus, Verdict
from linkwatch.store.db import Store

CHECK_CAPTURE = "https://web.archive.org/web/20190312000000/{url}"


def result(cid: str, url: str, verdict: Verdict, *, archive_url: str = "") -> CitationResult:
    """A citation result with the live/archive parts its verdict implies."""
    citation = Citation(id=cid, url=url, source="Test source", archive_url=archive_url)
    if not url:
        return CitationResult(citation, verdict)
    alive = verdict in (Verdict.AT_RISK, Verdict.DRIFTED, Verdict.HEALTHY)
    live = LiveResult(url, LiveStatus.OK if alive else LiveStatus.NOT_FOUND, http_status=200)
    archive = ArchiveResult(ArchiveStatus.NOT_ARCHIVED)
    change = None
    if verdict in (Verdict.DRIFTED, Verdict.HEALTHY, Verdict.PRESERVED_ONLY):
        cap = Capture("wayback", CHECK_CAPTURE.format(url=url), url, "20190312000000", 200)
        archive = ArchiveResult(ArchiveStatus.ARCHIVED, capture=cap)
    if verdict is Verdict.DRIFTED:
        change = ChangeResult(ChangeStatus.CHANGED, similarity=0.5)
    return CitationResult(citation, verdict, live=live, archive=archive, change=change)


def store_run(folder: Path, results: list[CitationResult]) -> tuple[Path, Path]:
    """Write citations.csv and a store holding one finished run of ``results``."""
    citations = folder / "citations.csv"
    write_citations(citations, [r.citation for r in results])
    db = folder / ".linkwatch.db"
    with Store(db) as store:
        run_id = store.begin_run(str(citations))
        store.finish_run(
            RunResult(run_id=run_id, started_at="2026-01-01T00:00:00Z", results=tuple(results))
        )
    return citations, db
