"""``report.md``: the run for a person reading it in a terminal, an editor or a forge.

It leads with what needs action: the summary, the changes since the last run, a
per-report table when the run covers several reports, then one table per problem
verdict, most urgent first. Healthy citations are counted, not listed, so the file
stays readable at 100,000 citations.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from linkwatch.report.candidates import Candidates
from linkwatch.report.model import (
    DIFF_LIST_LIMIT,
    PROBLEM_VERDICTS,
    VERDICT_ORDER,
    DiffEntry,
    ReportCounts,
    RunDiff,
    by_report,
    capture_date,
    change_text,
    citation_text,
    citation_url,
    counts_line,
    diff_runs,
    live_text,
    page_title,
    report_name,
    safe_href,
    summarize,
    verdict_positions,
)
from linkwatch.results import CitationResult, RunResult
from linkwatch.status import ArchiveStatus, LiveStatus, Verdict

# Characters that Markdown (CommonMark and GitHub tables) would read as markup or raw HTML.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
_WHITESPACE = re.compile(r"[\s\x00-\x1f\x7f]+")


def md_text(value: str) -> str:
    """``value`` as literal Markdown text on one line: markup and HTML characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", _WHITESPACE.sub(" ", value).strip())


def md_link(text: str, url: str) -> str:
    """A Markdown link to ``url`` when it is http(s), else the text alone (escaped)."""
    href = safe_href(url)
    if href is None:
        return md_text(text)
    # In a <...> destination only these would end or break it.
    for ch, enc in (("\\", "%5C"), ("<", "%3C"), (">", "%3E"), (" ", "%20")):
        href = href.replace(ch, enc)
    return f"[{md_text(text)}](<{href}>)"


def duration_text(started: str, finished: str) -> str:
    """``"3 min 12 s"`` between two ISO 8601 times, or ``""`` when either cannot be read."""
    try:
        seconds = (
            dt.datetime.fromisoformat(finished.replace("Z", "+00:00"))
            - dt.datetime.fromisoformat(started.replace("Z", "+00:00"))
        ).total_seconds()
    except (ValueError, TypeError):
        return ""
    if seconds < 0:
        return ""
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes else f"{seconds:.1f} s"


def run_state(run: RunResult) -> str:
    """One line saying whether the run is complete, interrupted or inconclusive."""
    if not run.complete:
        return "INCOMPLETE: the run was interrupted; citations it did not reach are not-checked"
    if run.inconclusive:
        return f"INCONCLUSIVE: {run.inconclusive_reason or 'the run could not judge'}"
    return "complete"


def _capture_cell(r: CitationResult) -> str:
    arch = r.archive
    if arch is None:
        return ArchiveStatus.NOT_CHECKED.value
    if arch.capture is None:
        return md_text(arch.status.value + (f": {arch.reason}" if arch.reason else ""))
    cap = arch.capture
    label = f"{cap.archive} {capture_date(cap.timestamp)}".strip()
    return f"{md_link(label, cap.url)} ({md_text(arch.status.value)})"


def _row(r: CitationResult, report: str | None = None) -> str:
    url = citation_url(r)
    title = page_title(r)
    cells = [] if report is None else [report]
    cells += [
        md_text(citation_text(r)) + (f" “{md_text(title)}”" if title else ""),
        md_link(url, url) if url else "(none)",
        md_text(live_text(r)),
        _capture_cell(r),
        md_text(change_text(r)),
        md_text(r.action),
    ]
    return "| " + " | ".join(cells) + " |"


def diff_items(
    entries: tuple[DiffEntry, ...],
    limit: int = DIFF_LIST_LIMIT,
    where: str = "results.json lists all",
    links: bool = True,
) -> list[str]:
    """One Markdown list item per entry, at most ``limit``, then how many more and ``where``."""
    lines = [
        f"- {md_text(e.citation_id)} {md_link(e.url, e.url) if links else md_text(e.url)}: "
        f"{md_text(e.before)} → {md_text(e.after)} (now {e.verdict.value})"
        for e in entries[:limit]
    ]
    if len(entries) > limit:
        lines.append(f"- … and {len(entries) - limit} more ({where})")
    return lines


def _diff_lines(title: str, entries: tuple[DiffEntry, ...]) -> list[str]:
    lines = [f"### {title} ({len(entries)})", ""]
    if not entries:
        return [*lines, "None.", ""]
    return [*lines, *diff_items(entries), ""]


def _since_last_run(diff: RunDiff) -> list[str]:
    lines = ["## Since last run", ""]
    if diff.previous_run_id is None:
        return [*lines, "First run on this database: nothing to compare with.", ""]
    lines += [f"Compared with run {md_text(diff.previous_run_id)}.", ""]
    lines += _diff_lines("Newly failing", diff.newly_failing)
    lines += _diff_lines("Newly changed", diff.newly_changed)
    lines += _diff_lines("Recovered", diff.recovered)
    lines += _diff_lines("Newly archived", diff.newly_archived)
    if diff.added or diff.removed:
        lines += [
            f"Citations added: {_id_list(diff.added)}; removed: {_id_list(diff.removed)}.",
            "",
        ]
    return lines


def _id_list(ids: tuple[str, ...]) -> str:
    if not ids:
        return "none"
    shown = md_text(", ".join(ids[:DIFF_LIST_LIMIT]))
    more = len(ids) - DIFF_LIST_LIMIT
    return f"{len(ids)} ({shown}, … and {more} more)" if more > 0 else shown


def _per_report(reports: list[ReportCounts]) -> list[str]:
    """The per-report table: one row per report, most problems first."""
    lines = [
        f"## Per report ({len(reports)})",
        "",
        "| report | citations | " + " | ".join(v.value for v in VERDICT_ORDER) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in VERDICT_ORDER) + " |",
    ]
    for rc in reports:
        counts = " | ".join(str(rc.verdicts[v]) for v in VERDICT_ORDER)
        lines.append(f"| {md_text(rc.report)} | {rc.citations} | {counts} |")
    return [*lines, ""]


def _candidate_lines(candidates: Candidates) -> list[str]:
    total = sum(len(v) for v in candidates.values())
    lines = [f"## Candidates for unlinked citations ({total})", ""]
    lines += ["Proposed by `linkwatch find`; accept one with `linkwatch find --accept ID:RANK`."]
    lines.append("")
    for cid, group in candidates.items():
        lines.append(f"- {md_text(cid)}:")
        lines += [
            f"  {c.rank}. {md_link(c.url, c.url)}, score {c.score:.2f}"
            f" ({md_link('capture ' + c.capture_date[:10], c.capture_url)}): {md_text(c.evidence)}"
            for c in group
        ]
    return [*lines, ""]


def markdown_chunks(
    run: RunResult, previous: RunResult | None = None, candidates: Candidates | None = None
) -> Iterator[str]:
    """``report.md`` in pieces, problems first: written as they come, never held whole.

    Healthy citations are counted (per report when the run covers several), not
    listed; results.csv, results.json and report.html list every citation. ``linkwatch
    find``'s candidates for unlinked citations close the report when given.
    """
    summary = summarize(run)
    reports = by_report(run)
    several = len(reports) > 1
    lines = [f"# linkwatch report: run {md_text(run.run_id)}", ""]
    lines += [
        f"- State: **{md_text(run_state(run))}**",
        f"- Citations file: {md_text(run.citations_file) or '(not recorded)'}",
    ]
    if several:
        lines.append(f"- Reports: {len(reports)}")
    lines.append(
        f"- Started: {md_text(run.started_at)}"
        + (f"; finished: {md_text(run.finished_at)}" if run.finished_at else "")
    )
    took = duration_text(run.started_at, run.finished_at)
    if took:
        lines.append(f"- Took: {took}")
    problems = sum(summary.verdicts[v] for v in PROBLEM_VERDICTS)
    lines += [
        f"- {summary.citations} citations, {summary.urls} distinct URLs: "
        f"{counts_line(summary.verdicts)}",
        f"- Need action: {problems}" + (" (listed below, most urgent first)" if problems else ""),
        "",
        "## Summary",
        "",
        "| verdict | citations |",
        "| --- | ---: |",
    ]
    lines += [f"| {v.value} | {n} |" for v, n in summary.verdicts.items()]
    live = ", ".join(f"{s.value} {n}" for s, n in summary.live.items() if n) or "none"
    archive = ", ".join(f"{s.value} {n}" for s, n in summary.archive.items() if n) or "none"
    change = ", ".join(f"{s.value} {n}" for s, n in summary.change.items() if n) or "none"
    lines += ["", f"Live: {live}.", "", f"Archive: {archive}.", "", f"Change: {change}.", ""]
    not_checked = summary.live[LiveStatus.NOT_CHECKED] + summary.live[LiveStatus.SKIPPED]
    if run.skipped or not_checked:
        lines += [f"### Skipped ({not_checked} citation(s) not fetched)", ""]
        lines += [f"- {md_text(s)}" for s in run.skipped[:DIFF_LIST_LIMIT]] or [
            "- (no reason recorded)"
        ]
        if len(run.skipped) > DIFF_LIST_LIMIT:
            lines.append(f"- … and {len(run.skipped) - DIFF_LIST_LIMIT} more")
        lines.append("")
    lines += _since_last_run(diff_runs(run, previous))
    if several:
        lines += _per_report(reports)
    yield "\n".join(lines) + "\n"
    groups = verdict_positions(run)
    results = run.results
    for verdict in PROBLEM_VERDICTS:
        rows = groups[verdict]
        head = [f"## {verdict.value} ({len(rows)})", ""]
        if not rows:
            yield "\n".join([*head, "None.", ""]) + "\n"
            continue
        columns = ["citation", "URL", "live", "capture", "change", "action"]
        if several:
            columns.insert(0, "report")
            rows = sorted(rows, key=lambda i: report_name(results[i], run))
        head += ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
        yield "\n".join(head) + "\n"
        for i in rows:
            r = results[i]
            yield _row(r, md_text(report_name(r, run)) if several else None) + "\n"
        yield "\n"
    healthy = summary.verdicts[Verdict.HEALTHY]
    tail = [f"## healthy ({healthy})", ""]
    if healthy:
        where = " (per report: see Per report above)" if several else ""
        tail.append(
            f"{healthy} citation(s) healthy: nothing to do{where}. They are not listed here;"
            " results.csv, results.json and report.html list every citation."
        )
    else:
        tail.append("None.")
    yield "\n".join(tail) + "\n"
    if candidates:
        yield "\n" + "\n".join(_candidate_lines(candidates))


def render_markdown(
    run: RunResult, previous: RunResult | None = None, candidates: Candidates | None = None
) -> str:
    """``report.md`` text for ``run``, with a "since last run" section against ``previous``."""
    return "".join(markdown_chunks(run, previous, candidates))
