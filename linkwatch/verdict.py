"""The per-citation verdict: live, archive and change results combined, with an action."""

from __future__ import annotations

from linkwatch.archives.memento import parse_cited_capture
from linkwatch.records import Citation
from linkwatch.results import ArchiveResult, ChangeResult, LiveResult
from linkwatch.status import (
    ALIVE_LIVE,
    FAILING_LIVE,
    ArchiveStatus,
    ChangeStatus,
    LiveStatus,
    Verdict,
)

#: What an editor should do about each verdict.
ACTIONS: dict[Verdict, str] = {
    Verdict.LOST: "replace the link: find another source or a copy",
    Verdict.DRIFTED: "cite the capture: the live page no longer says what was cited",
    Verdict.AT_RISK: "archive it now: no good capture exists",
    Verdict.PRESERVED_ONLY: "point readers to the capture: the live page is gone",
    Verdict.UNVERIFIABLE: "check by hand: the source could not be judged",
    Verdict.UNLINKED: "supply a URL for this citation",
    Verdict.HEALTHY: "nothing to do",
}

#: Archive answers that say nothing about whether a capture exists.
_ARCHIVE_UNKNOWN = frozenset({ArchiveStatus.LOOKUP_FAILED, ArchiveStatus.NOT_CHECKED})


def judge(
    citation: Citation,
    live: LiveResult | None,
    archive: ArchiveResult | None,
    change: ChangeResult | None,
) -> tuple[Verdict, str]:
    """Return the verdict for one citation and the action to take.

    A failing URL counts as dead only once it is confirmed dead (failed in
    enough runs, far enough apart) or when the live page was replaced by
    something else (off-topic); until then it is ``unverifiable``. An archive
    that could not be asked (``lookup-failed``) never turns into "no capture":
    the verdict then waits for a later run instead of saying ``at-risk`` or ``lost``.
    With archives switched off (no archive result), a live page is ``healthy``.
    """
    if not citation.url and not citation.doi:
        return Verdict.UNLINKED, ACTIONS[Verdict.UNLINKED]
    cited = parse_cited_capture(citation.url) if citation.url else None
    if cited is not None and cited.truncated and not citation.original_url:
        return (
            Verdict.UNLINKED,
            "supply the full link: the cited web-archive URL is truncated (no original URL)",
        )
    status = archive.status if archive is not None else ArchiveStatus.NOT_CHECKED
    has_good_capture = status is ArchiveStatus.ARCHIVED
    has_late_capture = status is ArchiveStatus.ARCHIVED_LATE
    off_topic = change is not None and change.off_topic
    if live is None:
        return Verdict.UNVERIFIABLE, "not checked yet: run linkwatch check"
    dead = (live.status in FAILING_LIVE and live.confirmed_dead) or off_topic
    if dead:
        if has_good_capture:
            return Verdict.PRESERVED_ONLY, ACTIONS[Verdict.PRESERVED_ONLY]
        if has_late_capture:
            return (
                Verdict.PRESERVED_ONLY,
                "point readers to the capture, taken well after the citation date:"
                " check it says what was cited",
            )
        if status in _ARCHIVE_UNKNOWN and archive is not None:
            return (
                Verdict.UNVERIFIABLE,
                f"the page is gone and the archive lookup failed ({archive.reason}):"
                " rerun to look for a capture",
            )
        if archive is None or status is ArchiveStatus.NOT_CHECKED:
            return Verdict.LOST, ACTIONS[Verdict.LOST] + " (archives were not checked)"
        return Verdict.LOST, ACTIONS[Verdict.LOST]
    if live.status in ALIVE_LIVE:
        if change is not None and change.status is ChangeStatus.CHANGED and has_good_capture:
            return Verdict.DRIFTED, ACTIONS[Verdict.DRIFTED]
        if archive is None or status is ArchiveStatus.NOT_CHECKED:
            return Verdict.HEALTHY, "nothing to do on the live web (archives not checked)"
        if status is ArchiveStatus.LOOKUP_FAILED:
            return (
                Verdict.UNVERIFIABLE,
                f"the archive lookup failed ({archive.reason}): rerun to learn if a capture exists",
            )
        if has_late_capture:
            return (
                Verdict.AT_RISK,
                "archive it now: good captures exist only well away from the citation date",
            )
        if status is ArchiveStatus.ARCHIVED_ERROR_ONLY:
            return (
                Verdict.AT_RISK,
                "archive it now: the archives hold only errors or redirects for this page",
            )
        if not has_good_capture:
            return Verdict.AT_RISK, ACTIONS[Verdict.AT_RISK]
        if live.status is LiveStatus.REDIRECTED and live.final_url:
            return (
                Verdict.HEALTHY,
                f"nothing to do; the link now redirects to {live.final_url}: consider citing that",
            )
        return Verdict.HEALTHY, ACTIONS[Verdict.HEALTHY]
    capture_note = ""
    if has_good_capture:
        capture_note = "; a good capture exists: cite it if the page stays unreachable"
    elif status in (ArchiveStatus.NOT_ARCHIVED, ArchiveStatus.ARCHIVED_ERROR_ONLY):
        capture_note = "; no good capture exists"
    if live.status in FAILING_LIVE:
        runs = live.consecutive_failures
        return (
            Verdict.UNVERIFIABLE,
            f"failing since {live.failing_since or 'this run'} ({runs} failed run(s));"
            " not yet confirmed dead: recheck later or use --confirm-now" + capture_note,
        )
    if live.status in (LiveStatus.FORBIDDEN, LiveStatus.RATE_LIMITED):
        what = (
            "refused linkwatch" if live.status is LiveStatus.FORBIDDEN else "rate-limited linkwatch"
        )
        advice = "check by hand"
        if status in (ArchiveStatus.NOT_ARCHIVED, ArchiveStatus.ARCHIVED_ERROR_ONLY):
            advice = "check by hand and archive it (Save Page Now may get through)"
        refused = f"the site {what} linkwatch ({live.reason})"
        return Verdict.UNVERIFIABLE, f"{advice}: {refused}{capture_note}"
    if live.status is LiveStatus.SKIPPED:
        return Verdict.UNVERIFIABLE, f"not checked on purpose ({live.reason}){capture_note}"
    if live.status is LiveStatus.INVALID_URL:
        return Verdict.UNVERIFIABLE, f"correct the URL in the citations file: {live.reason}"
    return (
        Verdict.UNVERIFIABLE,
        f"not checked in this run ({live.reason or 'no check made'}): rerun" + capture_note,
    )
