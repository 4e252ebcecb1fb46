"""Hand-built runs for report tests: every verdict, and strings an attacker controls."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from bs4 import BeautifulSoup

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
    report: str = "",
) -> CitationResult:
    """One citation result; the capture is made when ``archive`` is ``archived``."""
    return CitationResult(
        citation=Citation(
            id=cid,
            report=report,
            source=source,
            date="2023-10-27",
            url=url,
            location=f"note {cid[1:]}",
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


def multi_report_run(run_id: str = "20240302T000000Z") -> RunResult:
    """:func:`every_verdict_run` with its citations spread over two reports."""
    base = every_verdict_run(run_id)
    results = tuple(
        dataclasses.replace(
            r,
            citation=dataclasses.replace(
                r.citation, report="brief-a.html" if i % 2 else "brief-b.html"
            ),
        )
        for i, r in enumerate(base.results)
    )
    return dataclasses.replace(base, results=results)


def html_data(html: str) -> dict[str, Any]:
    """The JSON data block of a report.html, with each row decoded to a dict of its values."""
    soup = BeautifulSoup(html, "html.parser")
    block = soup.find("script", id="lw-data")
    assert block is not None and block.get("type") == "application/json"
    data: dict[str, Any] = json.loads(block.string or "")
    rows = []
    for row in data["rows"]:
        values = dict(zip(data["columns"], row, strict=True))
        for name, values_list in data["lists"].items():
            values[name] = values_list[values[name]]
        values["verdict"] = data["verdicts"][values["verdict"]]
        # The short forms, rebuilt as report.js rebuilds them.
        if values["citation"] == 1:
            parts = [values[k] for k in ("source", "date", "location") if values[k]]
            values["citation"] = f"{values['id']}: {', '.join(parts)}" if parts else values["id"]
        pre, post, ts = values["capture_pre"], values["capture_post"], values["capture_ts"]
        values["capture_href"] = (
            ""
            if not pre
            else pre
            if post == 0
            else f"{pre}{ts}/" + (values["url"] if post == 1 else post)
        )
        rows.append(values)
    data["decoded"] = rows
    return data


#: Verdicts of a catalogue run by ``i % 100``: 3 lost, 4 drifted, 8 at-risk, 3 preserved-only,
#: 3 unverifiable, 1 unlinked and 78 healthy in every hundred citations.
_CATALOGUE_MIX: tuple[tuple[int, Verdict, LiveStatus | None, ArchiveStatus | None], ...] = (
    (3, Verdict.LOST, LiveStatus.NOT_FOUND, ArchiveStatus.NOT_ARCHIVED),
    (7, Verdict.DRIFTED, LiveStatus.OK, ArchiveStatus.ARCHIVED),
    (15, Verdict.AT_RISK, LiveStatus.OK, ArchiveStatus.NOT_ARCHIVED),
    (18, Verdict.PRESERVED_ONLY, LiveStatus.GONE, ArchiveStatus.ARCHIVED),
    (21, Verdict.UNVERIFIABLE, LiveStatus.FORBIDDEN, ArchiveStatus.LOOKUP_FAILED),
    (22, Verdict.UNLINKED, None, None),
    (100, Verdict.HEALTHY, LiveStatus.OK, ArchiveStatus.ARCHIVED),
)


def catalogue_run(n: int, reports: int = 250, hosts: int = 1000) -> RunResult:
    """A back-catalogue run: ``n`` citations over ``reports`` reports and ``hosts`` hosts."""
    results = []
    for i in range(n):
        _bound, verdict, live, archive = next(m for m in _CATALOGUE_MIX if i % 100 < m[0])
        url = "" if live is None else f"http://host{i % hosts}.example.org/{i}/page.html"
        results.append(
            citation_result(
                f"c{i}",
                verdict,
                url,
                live,
                archive,
                ChangeStatus.CHANGED if verdict is Verdict.DRIFTED else ChangeStatus.UNCHANGED,
                source=("Xinhua", "People's Daily", "Tianshan")[i % 3],
                title=f"Notice on labour transfer no. {i}",
                reason="GET 404" if live is LiveStatus.NOT_FOUND else "",
                report=f"brief-{i % reports:03d}.html",
            )
        )
    return RunResult(
        run_id="20261201T031700Z",
        started_at="2026-12-01T03:17:00Z",
        finished_at="2026-12-01T04:02:11Z",
        citations_file="catalogue.csv",
        results=tuple(results),
    )
