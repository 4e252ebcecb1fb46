"""``report.html``: the run as one self-contained page (no external scripts, fonts or styles).

The summary, the changes since the last run and the per-report table are HTML,
every value escaped by Jinja2's autoescape. The citations table is drawn by the
page's script from one JSON data block, a page of rows at a time, with every
value set as text (``textContent``); the JSON escapes ``<``, ``>`` and ``&`` so no
cited string can close the block. Links are made only for http(s) URLs; a
Content-Security-Policy allows only the page's own inline script and style (by
hash), so even markup that slipped through escaping could not run.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from importlib import resources
from typing import Any

import jinja2

from linkwatch.report.candidates import Candidates
from linkwatch.report.markdown import duration_text, run_state
from linkwatch.report.model import (
    DIFF_LIST_LIMIT,
    PROBLEM_VERDICTS,
    VERDICT_ORDER,
    RunDiff,
    Summary,
    by_report,
    change_text,
    citation_text,
    citation_url,
    counts_line,
    diff_runs,
    host_of,
    page_title,
    report_name,
    safe_href,
    summarize,
    url_of,
)
from linkwatch.results import Capture, CitationResult, RunResult, judged
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

#: Hosts drawn in the chart; the table still holds every citation.
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


def html_row(r: CitationResult, report: str = "") -> dict[str, Any]:
    """The data of one citation's table row: plain values, put in the page as text.

    Values the page can rebuild are sent in short forms (see :data:`DATA_COLUMNS`).
    """
    c = r.citation
    url = citation_url(r)
    live, arch = r.live, r.archive
    archive_words = "not-checked"
    if arch is not None:
        archive_words = arch.status.value + (f": {arch.reason}" if arch.reason else "")
    href = safe_href(url)
    cited = citation_text(r)
    by, ts, pre, post = _capture_fields(arch.capture if arch is not None else None, url)
    return {
        "id": c.id,
        "verdict": VERDICT_ORDER.index(r.verdict),
        "citation": 1 if cited == _citation_text(c.id, c.source, c.date, c.location) else cited,
        "date": c.date,
        "location": c.location,
        "title": page_title(r),
        "source": c.source,
        "host": host_of(url),
        "url": url,
        "href": 1 if href == url else (href or 0),
        "live": live.status.value if live else LiveStatus.NOT_CHECKED.value,
        "http": live.http_status if live and live.http_status is not None else None,
        "reason": live.reason if live else "",
        "capture_by": by,
        "capture_ts": ts,
        "capture_pre": pre,
        "capture_post": post,
        "archive": archive_words,
        "change": change_text(r),
        "action": r.action,
        "report": report,
    }


def _citation_text(cid: str, source: str, date: str, location: str) -> str:
    """:func:`citation_text` as the page rebuilds it from id, source, date and location."""
    parts = [p for p in (source, date, location) if p]
    return f"{cid}: {', '.join(parts)}" if parts else cid


def _capture_fields(capture: Capture | None, url: str) -> tuple[str, str, str, str | int]:
    """Archive name, timestamp, and the capture link split around ``<timestamp>/``.

    A replay link is nearly always ``<replay root><timestamp>/<cited URL>``: the root is
    sent once per archive and the cited URL not again (``1``). ``0`` means the link is
    the third value whole; an empty third value means no link (not http or https).
    """
    if capture is None:
        return "", "", "", 0
    href = safe_href(capture.url) or ""
    marker = f"{capture.timestamp}/"
    at = href.find(marker) if capture.timestamp else -1
    if at < 0:
        return capture.archive, capture.timestamp, href, 0
    rest = href[at + len(marker) :]
    return capture.archive, capture.timestamp, href[:at], 1 if rest == url else rest


#: The fields of each row of the embedded data, in order; ``report.js`` reads them by name.
#: ``citation`` is 1 when it is "id: source, date, location"; ``href`` is 1 when the link is
#: the URL itself, 0 for no link; the capture link is ``capture_pre`` + ``capture_ts`` + "/"
#: + (the URL when ``capture_post`` is 1, else ``capture_post``), or ``capture_pre`` alone
#: when ``capture_post`` is 0.
DATA_COLUMNS: tuple[str, ...] = (
    "id",
    "verdict",
    "citation",
    "date",
    "location",
    "title",
    "source",
    "host",
    "url",
    "href",
    "live",
    "http",
    "reason",
    "capture_by",
    "capture_ts",
    "capture_pre",
    "capture_post",
    "archive",
    "change",
    "action",
    "report",
)

#: Fields that repeat across citations: sent once each in ``lists``, rows hold their index.
CODED_COLUMNS: tuple[str, ...] = (
    "date",
    "location",
    "source",
    "host",
    "live",
    "reason",
    "capture_by",
    "capture_pre",
    "archive",
    "change",
    "action",
    "report",
)

_ROWS_PER_CHUNK = 500

# Inside <script type="application/json"> the text must never hold "</script" or "<!--";
# escaping these characters (as JSON \u escapes, which JSON.parse reads back) rules that out,
# and U+2028/U+2029 are escaped so the text stays valid in any JavaScript parser.
_SCRIPT_ESCAPES = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def script_json(value: Any) -> str:
    """``value`` as compact JSON that is safe inside ``<script type="application/json">``."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)


def data_chunks(run: RunResult, several: bool) -> Iterator[str]:
    """The page's data block as JSON text in pieces: columns, rows, then the shared lists.

    Rows are encoded as they are written; only the distinct values of
    :data:`CODED_COLUMNS` are held, not the rows.
    """
    codes: dict[str, dict[str, int]] = {name: {} for name in CODED_COLUMNS}
    yield (
        '{"columns":'
        + script_json(DATA_COLUMNS)
        + ',"verdicts":'
        + script_json([v.value for v in VERDICT_ORDER])
        + ',"several":'
        + script_json(several)
        + ',"rows":['
    )
    batch: list[str] = []
    first = True
    for r in run.results:
        row = html_row(r, report_name(r, run))
        for name in CODED_COLUMNS:
            value = row[name]
            table = codes[name]
            code = table.get(value)
            if code is None:
                code = table[value] = len(table)
            row[name] = code
        batch.append(("" if first else ",") + script_json([row[c] for c in DATA_COLUMNS]))
        first = False
        if len(batch) >= _ROWS_PER_CHUNK:
            yield "\n".join(batch)
            batch = []
    if batch:
        yield "\n".join(batch)
    lists = {name: list(table) for name, table in codes.items()}
    yield '],"lists":' + script_json(lists) + "}"


def _options(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: kv[0].lower())


def _diff_sections(diff: RunDiff) -> list[tuple[str, Any, int]]:
    """Title, the entries shown (at most :data:`DIFF_LIST_LIMIT`) and how many were left out."""
    sections = [
        ("Newly failing", diff.newly_failing),
        ("Newly changed", diff.newly_changed),
        ("Recovered", diff.recovered),
        ("Newly archived", diff.newly_archived),
    ]
    return [
        (title, entries[:DIFF_LIST_LIMIT], max(0, len(entries) - DIFF_LIST_LIMIT))
        for title, entries in sections
    ]


def _candidate_rows(candidates: Candidates | None) -> list[dict[str, Any]]:
    return [
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
    ]


def html_chunks(
    run: RunResult, previous: RunResult | None = None, candidates: Candidates | None = None
) -> Iterator[str]:
    """``report.html`` for ``run`` in pieces, written as they come (see :func:`render_html`);
    ``linkwatch find``'s candidates for unlinked citations follow the table when given."""
    summary = summarize(run)
    reports = by_report(run)
    several = len(reports) > 1
    css, js = _asset("report.css"), _asset("report.js")
    csp = (
        f"default-src 'none'; script-src '{_sha256(js)}'; style-src '{_sha256(css)}';"
        " img-src data:; base-uri 'none'; form-action 'none'"
    )
    diff = diff_runs(run, previous)
    state = run_state(run)
    # Both filters' counts in one reading of the results.
    sources: Counter[str] = Counter()
    hosts: Counter[str] = Counter()
    for c, _verdict in judged(run.results):
        sources[c.source] += 1
        hosts[host_of(url_of(c))] += 1
    context = {
        "run": run,
        "summary": summary,
        "counts": counts_line(summary.verdicts),
        "problems": sum(summary.verdicts[v] for v in PROBLEM_VERDICTS),
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
        "several": several,
        "reports": reports,
        "verdict_order": [v.value for v in VERDICT_ORDER],
        "filter_verdicts": [(v.value, n) for v, n in summary.verdicts.items() if n],
        "filter_sources": _options(sources),
        "filter_hosts": _options(hosts),
        "filter_reports": sorted(
            ((rc.report, rc.citations) for rc in reports), key=lambda kv: kv[0].lower()
        ),
        "skipped": run.skipped[:DIFF_LIST_LIMIT],
        "skipped_more": max(0, len(run.skipped) - DIFF_LIST_LIMIT),
        "data": data_chunks(run, several),
        "candidates": _candidate_rows(candidates),
        "css": css,
        "js": js,
        "csp": csp,
    }
    yield from _environment().get_template("report.html.j2").generate(context)


def render_html(
    run: RunResult, previous: RunResult | None = None, candidates: Candidates | None = None
) -> str:
    """``report.html`` text for ``run``, with a "since last run" section against ``previous``.

    The citations travel as one JSON block that the page's script draws a page at a
    time, so the page opens quickly however many citations the run has.
    """
    return "".join(html_chunks(run, previous, candidates))
