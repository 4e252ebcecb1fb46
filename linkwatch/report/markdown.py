"""``report.md``: the run for a person reading it in a terminal, an editor or a forge."""

from __future__ import annotations

import datetime as dt
import re

from linkwatch.report.candidates import Candidates
from linkwatch.report.model import (
    DiffEntry,
    RunDiff,
    by_verdict,
    capture_date,
    change_text,
    citation_text,
    citation_url,
    counts_line,
    diff_runs,
    live_text,
    page_title,
    safe_href,
    summarize,
)
from linkwatch.results import CitationResult, RunResult
from linkwatch.status import ArchiveStatus, LiveStatus

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


def _row(r: CitationResult) -> str:
    url = citation_url(r)
    title = page_title(r)
    cells = [
        md_text(citation_text(r)) + (f" “{md_text(title)}”" if title else ""),
        md_link(url, url) if url else "(none)",
        md_text(live_text(r)),
        _capture_cell(r),
        md_text(change_text(r)),
        md_text(r.action),
    ]
    return "| " + " | ".join(cells) + " |"


def _diff_lines(title: str, entries: tuple[DiffEntry, ...]) -> list[str]:
    lines = [f"### {title} ({len(entries)})", ""]
    if not entries:
        return [*lines, "None.", ""]
    for e in entries:
        lines.append(
            f"- {md_text(e.citation_id)} {md_link(e.url, e.url)}: "
            f"{md_text(e.before)} → {md_text(e.after)} (now {e.verdict.value})"
        )
    return [*lines, ""]


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
            f"Citations added: {md_text(', '.join(diff.added)) or 'none'}; "
            f"removed: {md_text(', '.join(diff.removed)) or 'none'}.",
            "",
        ]
    return lines


def _candidate_lines(candidates: Candidates) -> list[str]:
    total = sum(len(v) for v in candidates.values())
    lines = [f"## Candidates for unlinked citations ({total})", ""]
    lines += [
        "Proposed by `linkwatch find`; accept one with `linkwatch find --accept ID:RANK`.",
        "",
    ]
    for cid, group in candidates.items():
        lines.append(f"- {md_text(cid)}:")
        lines += [
            f"  {c.rank}. {md_link(c.url, c.url)}, score {c.score:.2f}"
            f" ({md_link('capture ' + c.capture_date[:10], c.capture_url)}): {md_text(c.evidence)}"
            for c in group
        ]
    return [*lines, ""]


def render_markdown(
    run: RunResult, previous: RunResult | None = None, candidates: Candidates | None = None
) -> str:
    """``report.md`` text for ``run``, with a "since last run" section against ``previous``
    and ``linkwatch find``'s candidates for unlinked citations when given."""
    summary = summarize(run)
    lines = [f"# linkwatch report: run {md_text(run.run_id)}", ""]
    lines += [
        f"- State: **{md_text(run_state(run))}**",
        f"- Citations file: {md_text(run.citations_file) or '(not recorded)'}",
        f"- Started: {md_text(run.started_at)}"
        + (f"; finished: {md_text(run.finished_at)}" if run.finished_at else ""),
    ]
    took = duration_text(run.started_at, run.finished_at)
    if took:
        lines.append(f"- Took: {took}")
    lines += [
        f"- {summary.citations} citations, {summary.urls} distinct URLs: "
        f"{counts_line(summary.verdicts)}",
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
        lines += [f"- {md_text(s)}" for s in run.skipped] or ["- (no reason recorded)"]
        lines.append("")
    lines += _since_last_run(diff_runs(run, previous))
    for verdict, rows in by_verdict(run).items():
        lines += [f"## {verdict.value} ({len(rows)})", ""]
        if not rows:
            lines += ["None.", ""]
            continue
        lines += [
            "| citation | URL | live | capture | change | action |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        lines += [_row(r) for r in rows]
        lines.append("")
    if candidates:
        lines += _candidate_lines(candidates)
    return "\n".join(lines).rstrip("\n") + "\n"
