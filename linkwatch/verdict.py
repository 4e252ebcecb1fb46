"""The per-citation verdict: live, archive and change results combined, with an action."""

from __future__ import annotations

from linkwatch.records import Citation
from linkwatch.results import ArchiveResult, ChangeResult, LiveResult
from linkwatch.status import ALIVE_LIVE, FAILING_LIVE, ArchiveStatus, ChangeStatus, Verdict

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


def judge(
    citation: Citation,
    live: LiveResult | None,
    archive: ArchiveResult | None,
    change: ChangeResult | None,
) -> tuple[Verdict, str]:
    """Return the verdict for one citation and the action to take.

    A failing URL counts as dead only once it is confirmed dead (failed in
    enough runs, far enough apart) or when the live page was replaced by
    something else (off-topic); until then it is ``unverifiable``.
    """
    if not citation.url and not citation.doi:
        return Verdict.UNLINKED, ACTIONS[Verdict.UNLINKED]
    has_good_capture = archive is not None and archive.status is ArchiveStatus.ARCHIVED
    off_topic = change is not None and change.off_topic
    if live is None:
        return Verdict.UNVERIFIABLE, "not checked yet: run linkwatch check"
    dead = (live.status in FAILING_LIVE and live.confirmed_dead) or off_topic
    if dead:
        verdict = Verdict.PRESERVED_ONLY if has_good_capture else Verdict.LOST
        return verdict, ACTIONS[verdict]
    if live.status in ALIVE_LIVE:
        if change is not None and change.status is ChangeStatus.CHANGED and has_good_capture:
            return Verdict.DRIFTED, ACTIONS[Verdict.DRIFTED]
        if not has_good_capture:
            return Verdict.AT_RISK, ACTIONS[Verdict.AT_RISK]
        return Verdict.HEALTHY, ACTIONS[Verdict.HEALTHY]
    if live.status in FAILING_LIVE:
        runs = live.consecutive_failures
        return (
            Verdict.UNVERIFIABLE,
            f"failing since {live.failing_since or 'this run'} ({runs} failed run(s));"
            " not yet confirmed dead: recheck later or use --confirm-now",
        )
    return Verdict.UNVERIFIABLE, ACTIONS[Verdict.UNVERIFIABLE]
