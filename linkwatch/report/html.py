"""``report.html``: the run as one self-contained page (no external scripts, fonts or styles).

Every value is escaped by Jinja2's autoescape; links are made only for http(s)
URLs; a Content-Security-Policy allows only the page's own inline script and
style (by hash), so even markup that slipped through escaping could not run.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from importlib import resources
from typing import Any

import jinja2

from linkwatch.report.candidates import Candidates
from linkwatch.report.markdown import duration_text, run_state
from linkwatch.report.model import (
    VERDICT_ORDER,
    RunDiff,
    Summary,
    capture_date,
    change_text,
    citation_text,
    citation_url,
    counts_line,
    diff_runs,
    host_of,
    page_title,
    safe_href,
    summarize,
)
from linkwatch.results import CitationResult, RunResult
from linkwatch.status import LiveStatus, Verdict

VERDICT_COLOURS: dict[Verdict, str] = {
    Verdict.LOST: "#b91c1c",
    Verdict.DRIFTED: "#c2410c",
    Verdict.AT_RISK: "#b45309",
    Verdict.PRESERVED_ONLY: "#7c3aed",
    Verdict.UNVERIFIABLE: "#4b5563",
    Verdict.UNLINKED: "#0e7490",
    Verdict.HEALTHY: "#15803d",
}

LIVE_COLOURS: dict[LiveStatus, str] = {
    LiveStatus.OK: "#15803d",
    LiveStatus.REDIRECTED: "#65a30d",
    LiveStatus.SOFT_404: "#ea580c",
    LiveStatus.NOT_FOUND: "#b91c1c",
    LiveStatus.GONE: "#7f1d1d",
    LiveStatus.FORBIDDEN: "#6b7280",
    LiveStatus.RATE_LIMITED: "#9ca3af",
    LiveStatus.CLIENT_ERROR: "#be123c",
    LiveStatus.SERVER_ERROR: "#9f1239",
    LiveStatus.TIMEOUT: "#a16207",
    LiveStatus.DNS_ERROR: "#581c87",
    LiveStatus.CONNECTION_ERROR: "#6d28d9",
    LiveStatus.TLS_ERROR: "#1d4ed8",
    LiveStatus.INVALID_URL: "#374151",
    LiveStatus.SKIPPED: "#cbd5e1",
    LiveStatus.NOT_CHECKED: "#e5e7eb",
}

#: Hosts drawn in the chart; the table still lists every citation.
MAX_CHART_HOSTS = 25
_BAR_WIDTH = 320
_ROW = 22


def _asset(name: str) -> str:
    return resources.files("linkwatch.report").joinpath("templates", name).read_text("utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("linkwatch.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["href"] = lambda url: safe_href(str(url)) or ""
    return env


def _verdict_chart(summary: Summary) -> dict[str, Any]:
    peak = max(summary.verdicts.values(), default=0) or 1
    label_width = 110
    bars = [
        {
            "label": v.value,
            "count": n,
            "y": i * _ROW,
            "width": round(_BAR_WIDTH * n / peak) if n else 0,
            "colour": VERDICT_COLOURS[v],
        }
        for i, (v, n) in enumerate(summary.verdicts.items())
    ]
    return {
        "bars": bars,
        "label_width": label_width,
        "width": label_width + _BAR_WIDTH + 40,
        "height": len(bars) * _ROW,
    }


def _host_chart(summary: Summary) -> dict[str, Any]:
    ranked = sorted(summary.hosts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    shown = ranked[:MAX_CHART_HOSTS]
    peak = max((sum(c.values()) for _h, c in shown), default=0) or 1
    label_width = 200
    hosts = []
    seen: set[LiveStatus] = set()
    for i, (name, counts) in enumerate(shown):
        x = float(label_width)
        segments = []
        for status in LiveStatus:
            n = counts.get(status, 0)
            if not n:
                continue
            seen.add(status)
            width = _BAR_WIDTH * n / peak
            segments.append(
                {
                    "x": round(x, 1),
                    "width": round(width, 1),
                    "colour": LIVE_COLOURS[status],
                    "status": status.value,
                    "count": n,
                }
            )
            x += width
        hosts.append(
            {
                "name": name,
                "label": name if len(name) <= 30 else name[:29] + "…",
                "y": i * _ROW,
                "segments": segments,
                "end": round(x, 1),
                "total": sum(counts.values()),
            }
        )
    legend_y = len(hosts) * _ROW + 6
    legend = []
    x = 0
    for status in LiveStatus:
        if status in seen:
            legend.append({"x": x, "status": status.value, "colour": LIVE_COLOURS[status]})
            x += 20 + 7 * len(status.value)
    width = max(label_width + _BAR_WIDTH + 40, x)
    return {
        "hosts": hosts,
        "legend": legend,
        "legend_y": legend_y,
        "width": width,
        "height": legend_y + 16,
        "shown": len(shown),
        "hidden_hosts": len(ranked) - len(shown),
    }


def html_row(r: CitationResult) -> dict[str, Any]:
    """The table row for one citation: plain strings, escaped later by the template."""
    url = citation_url(r)
    live, arch = r.live, r.archive
    capture = arch.capture if arch is not None else None
    title = page_title(r)
    archive_words = "not-checked"
    if arch is not None:
        archive_words = arch.status.value + (f": {arch.reason}" if arch.reason else "")
    return {
        "id": r.citation.id,
        "verdict": r.verdict.value,
        "rank": VERDICT_ORDER.index(r.verdict),
        "citation": citation_text(r),
        "title": title,
        "source": r.citation.source,
        "host": host_of(url),
        "url": url,
        "href": safe_href(url) or "",
        "live_status": live.status.value if live else LiveStatus.NOT_CHECKED.value,
        "http_status": live.http_status if live and live.http_status is not None else "",
        "live_reason": live.reason if live else "",
        "capture_href": (safe_href(capture.url) or "") if capture else "",
        "capture_label": (
            f"{capture.archive} {capture_date(capture.timestamp)}".strip() if capture else ""
        ),
        "capture_key": capture.timestamp if capture else "",
        "archive": archive_words,
        "change": change_text(r),
        "action": r.action,
    }


def _options(values: list[str]) -> list[tuple[str, int]]:
    return sorted(Counter(values).items(), key=lambda kv: kv[0].lower())


def _diff_sections(diff: RunDiff) -> list[tuple[str, Any]]:
    return [
        ("Newly failing", diff.newly_failing),
        ("Newly changed", diff.newly_changed),
        ("Recovered", diff.recovered),
        ("Newly archived", diff.newly_archived),
    ]


def render_html(
    run: RunResult, previous: RunResult | None = None, candidates: Candidates | None = None
) -> str:
    """``report.html`` text for ``run``, with a "since last run" section against ``previous``
    and ``linkwatch find``'s candidates for unlinked citations when given."""
    summary = summarize(run)
    rows = [html_row(r) for r in run.results]
    css, js = _asset("report.css"), _asset("report.js")
    csp = (
        f"default-src 'none'; script-src '{_sha256(js)}'; style-src '{_sha256(css)}';"
        " img-src data:; base-uri 'none'; form-action 'none'"
    )
    diff = diff_runs(run, previous)
    state = run_state(run)
    context = {
        "run": run,
        "summary": summary,
        "counts": counts_line(summary.verdicts),
        "state": state,
        "state_bad": state != "complete",
        "took": duration_text(run.started_at, run.finished_at),
        "verdict_chart": _verdict_chart(summary),
        "host_chart": _host_chart(summary),
        "live_counts": ", ".join(f"{s.value} {n}" for s, n in summary.live.items() if n) or "none",
        "archive_counts": ", ".join(f"{s.value} {n}" for s, n in summary.archive.items() if n)
        or "none",
        "change_counts": ", ".join(f"{s.value} {n}" for s, n in summary.change.items() if n)
        or "none",
        "diff": diff,
        "diff_sections": _diff_sections(diff),
        "rows": rows,
        "candidates": [
            {
                "id": cid,
                "rank": c.rank,
                "score": f"{c.score:.2f}",
                "url": c.url,
                "href": safe_href(c.url) or "",
                "capture": c.capture_date[:10],
                "capture_href": safe_href(c.capture_url) or "",
                "evidence": c.evidence,
            }
            for cid, group in (candidates or {}).items()
            for c in group
        ],
        "filter_verdicts": [(v.value, n) for v, n in summary.verdicts.items() if n],
        "filter_sources": _options([r["source"] for r in rows]),
        "filter_hosts": _options([r["host"] for r in rows]),
        "css": css,
        "js": js,
        "csp": csp,
    }
    return _environment().get_template("report.html.j2").render(context)
