"""Hand-built runs for report tests: every verdict, and strings an attacker controls."""

from __future__ import annotations

from linkwatch.records import Citation
from linkwatch.results import (
    ArchiveResult,
    Capture,
    ChangeResult,
    CitationResult,
    Fingerprint,
    LiveResult,
    RunResult,
)
from linkwatch.status import ArchiveStatus, ChangeStatus, LiveStatus, Verdict
from linkwatch.verdict import ACTIONS

HOSTILE_TITLE = "<script>window.__lw_pwned = 1; alert(1)</script>"
HOSTILE_REASON = '<img src=x onerror="window.__lw_pwned = 2">'
QUOTED_URL = "http://quotes.example/a\"b'c?q=<x>&y=1"
FORMULA_SOURCE = '=HYPERLINK("http://evil.example/","click")'


def _capture(url: str, ts: str = "20231027120000") -> Capture:
    return Capture(
        archive="ia",
        url=f"https://web.archive.org/web/{ts}/{url}",
        original=url,
        timestamp=ts,
        http_status=200,
    )


def citation_result(
    cid: str,
    verdict: Verdict,
    url: str,
    live: LiveStatus | None,
    archive: ArchiveStatus | None = ArchiveStatus.ARCHIVED,
    change: ChangeStatus | None = ChangeStatus.UNCHANGED,
    *,
    source: str = "Xinhua",
    title: str = "",
    reason: str = "",
    http_status: int | None = 200,
) -> CitationResult:
    """One citation result; the capture is made when ``archive`` is ``archived``."""
    return CitationResult(
        citation=Citation(
            id=cid, source=source, date="2023-10-27", url=url, location=f"note {cid[1:]}"
        ),
        verdict=verdict,
        action=ACTIONS[verdict],
        live=None
        if live is None
        else LiveResult(
            url=url,
            status=live,
            reason=reason,
            http_status=http_status,
            final_url=url,
            checked_at="2024-03-01T00:00:05Z",
            fingerprint=Fingerprint(title=title) if title else None,
        ),
        archive=ArchiveResult(status=ArchiveStatus.NOT_CHECKED, reason="no URL to look up")
        if archive is None
        else ArchiveResult(
            status=archive,
            target_date="2023-10-27",
            capture=_capture(url) if archive is ArchiveStatus.ARCHIVED else None,
            archives=("ia",),
        ),
        change=ChangeResult(status=ChangeStatus.NOT_CHECKED, reason="not compared")
        if change is None
        else ChangeResult(
            status=change, similarity=0.41 if change is ChangeStatus.CHANGED else 0.99
        ),
    )


def every_verdict_run(run_id: str = "20240301T000000Z") -> RunResult:
    """A run holding each verdict at least once, with hostile titles, reasons and cells."""
    results = (
        citation_result(
            "c1",
            Verdict.LOST,
            "http://gov.example.cn/a.html",
            LiveStatus.NOT_FOUND,
            ArchiveStatus.NOT_ARCHIVED,
            None,
            reason="GET 404",
            http_status=404,
        ),
        citation_result(
            "c2",
            Verdict.DRIFTED,
            "http://news.example.com/story",
            LiveStatus.OK,
            change=ChangeStatus.CHANGED,
            title=HOSTILE_TITLE,
            source="People's Daily",
        ),
        citation_result(
            "c3",
            Verdict.AT_RISK,
            QUOTED_URL,
            LiveStatus.OK,
            ArchiveStatus.NOT_ARCHIVED,
            reason=HOSTILE_REASON,
        ),
        citation_result(
            "c4",
            Verdict.PRESERVED_ONLY,
            "http://gov.example.cn/b.html",
            LiveStatus.GONE,
            reason="410",
            http_status=410,
        ),
        citation_result(
            "c5",
            Verdict.UNVERIFIABLE,
            "https://bot-wall.example.org/paper",
            LiveStatus.FORBIDDEN,
            ArchiveStatus.LOOKUP_FAILED,
            None,
            reason="GET 403",
            http_status=403,
            source=FORMULA_SOURCE,
        ),
        citation_result("c6", Verdict.UNLINKED, "", None, None, None, source="Interview, Urumqi"),
        citation_result(
            "c7",
            Verdict.HEALTHY,
            "https://news.example.com/other",
            LiveStatus.OK,
            title="新疆 劳动力转移",
            source="-1 sources say",
        ),
        citation_result(
            "c8",
            Verdict.AT_RISK,
            "javascript:alert(document.domain)",
            LiveStatus.INVALID_URL,
            ArchiveStatus.NOT_ARCHIVED,
            None,
            reason="not an http(s) URL",
            http_status=None,
        ),
    )
    return RunResult(
        run_id=run_id,
        started_at="2024-03-01T00:00:00Z",
        finished_at="2024-03-01T00:03:12Z",
        citations_file="citations.csv",
        results=results,
        skipped=("c6: no URL",),
    )
