"""Verdicts per citation from live, archive and change results."""

from __future__ import annotations

import pytest

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
from linkwatch.verdict import judge

CITE = Citation(id="1", url="https://news.test/a")
OK = LiveResult(url=CITE.url, status=LiveStatus.OK)
DEAD = LiveResult(url=CITE.url, status=LiveStatus.NOT_FOUND, confirmed_dead=True)
FAILING = LiveResult(url=CITE.url, status=LiveStatus.NOT_FOUND, consecutive_failures=1)


def arch(status: ArchiveStatus) -> ArchiveResult:
    return ArchiveResult(status=status, reason="r")


UNCHANGED = ChangeResult(status=ChangeStatus.UNCHANGED)
CHANGED = ChangeResult(status=ChangeStatus.CHANGED)
REPLACED = ChangeResult(status=ChangeStatus.CHANGED, off_topic=True)


@pytest.mark.parametrize(
    ("live", "archive", "change", "verdict"),
    [
        (OK, arch(ArchiveStatus.ARCHIVED), UNCHANGED, Verdict.HEALTHY),
        (OK, arch(ArchiveStatus.ARCHIVED), CHANGED, Verdict.DRIFTED),
        (OK, arch(ArchiveStatus.NOT_ARCHIVED), None, Verdict.AT_RISK),
        (OK, arch(ArchiveStatus.ARCHIVED_ERROR_ONLY), None, Verdict.AT_RISK),
        (OK, arch(ArchiveStatus.ARCHIVED_LATE), None, Verdict.AT_RISK),
        (OK, arch(ArchiveStatus.LOOKUP_FAILED), None, Verdict.UNVERIFIABLE),
        (OK, None, None, Verdict.HEALTHY),
        (OK, arch(ArchiveStatus.ARCHIVED), REPLACED, Verdict.PRESERVED_ONLY),
        (OK, arch(ArchiveStatus.NOT_ARCHIVED), REPLACED, Verdict.LOST),
        (DEAD, arch(ArchiveStatus.ARCHIVED), None, Verdict.PRESERVED_ONLY),
        (DEAD, arch(ArchiveStatus.ARCHIVED_LATE), None, Verdict.PRESERVED_ONLY),
        (DEAD, arch(ArchiveStatus.NOT_ARCHIVED), None, Verdict.LOST),
        (DEAD, arch(ArchiveStatus.ARCHIVED_ERROR_ONLY), None, Verdict.LOST),
        (DEAD, arch(ArchiveStatus.LOOKUP_FAILED), None, Verdict.UNVERIFIABLE),
        (FAILING, arch(ArchiveStatus.NOT_ARCHIVED), None, Verdict.UNVERIFIABLE),
        (None, None, None, Verdict.UNVERIFIABLE),
    ],
)
def test_verdict_combines_live_archive_and_change(
    live: LiveResult | None,
    archive: ArchiveResult | None,
    change: ChangeResult | None,
    verdict: Verdict,
) -> None:
    got, action = judge(CITE, live, archive, change)
    assert got is verdict
    assert action


def test_lookup_failed_is_never_reported_as_no_capture() -> None:
    _, action = judge(CITE, OK, arch(ArchiveStatus.LOOKUP_FAILED), None)
    assert "lookup failed" in action
    assert "archive it now" not in action


def test_late_capture_of_a_dead_page_asks_for_a_check_of_what_it_says() -> None:
    _, action = judge(CITE, DEAD, arch(ArchiveStatus.ARCHIVED_LATE), None)
    assert "well after the citation date" in action


def test_citation_without_url_is_unlinked() -> None:
    assert judge(Citation(id="2"), None, None, None)[0] is Verdict.UNLINKED


def test_truncated_web_archive_url_is_unlinked_with_its_own_action() -> None:
    cite = Citation(id="3", url="https://web.archive.org/web/20230424180048/")
    verdict, action = judge(cite, None, None, None)
    assert verdict is Verdict.UNLINKED
    assert "truncated" in action


def test_failing_but_unconfirmed_says_since_when() -> None:
    failing = LiveResult(
        url=CITE.url,
        status=LiveStatus.TIMEOUT,
        failing_since="2024-01-01T00:00:00Z",
        consecutive_failures=2,
    )
    verdict, action = judge(CITE, failing, arch(ArchiveStatus.ARCHIVED), None)
    assert verdict is Verdict.UNVERIFIABLE
    assert "2024-01-01" in action and "2 failed run(s)" in action


ALL_LIVE = [
    LiveResult(url=CITE.url, status=s, confirmed_dead=dead, final_url="https://news.test/b")
    for s in LiveStatus
    for dead in ((False, True) if s in FAILING_LIVE else (False,))
]
ALL_ARCHIVE: list[ArchiveResult | None] = [None, *(arch(s) for s in ArchiveStatus)]
ALL_CHANGE: list[ChangeResult | None] = [
    None,
    UNCHANGED,
    CHANGED,
    REPLACED,
    ChangeResult(status=ChangeStatus.UNKNOWN),
]


@pytest.mark.parametrize("live", ALL_LIVE, ids=lambda r: f"{r.status}-{r.confirmed_dead}")
def test_every_combination_gets_a_verdict_an_editor_can_act_on(live: LiveResult) -> None:
    for archive in ALL_ARCHIVE:
        for change in ALL_CHANGE:
            verdict, action = judge(CITE, live, archive, change)
            astatus = archive.status if archive else ArchiveStatus.NOT_CHECKED
            alive = live.status in ALIVE_LIVE
            off_topic = change is not None and change.off_topic
            dead = (live.status in FAILING_LIVE and live.confirmed_dead) or off_topic
            assert action
            # "At risk", "healthy" and "drifted" need a live page; "lost" a dead one.
            if verdict in (Verdict.AT_RISK, Verdict.HEALTHY, Verdict.DRIFTED):
                assert alive and not off_topic
            if verdict in (Verdict.LOST, Verdict.PRESERVED_ONLY):
                assert dead
            # A failed lookup is never reported as "no capture".
            if astatus is ArchiveStatus.LOOKUP_FAILED:
                assert verdict not in (Verdict.LOST, Verdict.AT_RISK)
            # Drifted only when there is a capture to cite.
            if verdict is Verdict.DRIFTED:
                assert astatus is ArchiveStatus.ARCHIVED
            # An inconclusive or unconfirmed failure never becomes a loss.
            if not dead and not alive:
                assert verdict is Verdict.UNVERIFIABLE
            if dead and astatus is ArchiveStatus.ARCHIVED:
                assert verdict is Verdict.PRESERVED_ONLY


@pytest.mark.parametrize(
    ("live", "archive", "words"),
    [
        (LiveStatus.FORBIDDEN, ArchiveStatus.ARCHIVED, "a good capture exists"),
        (LiveStatus.FORBIDDEN, ArchiveStatus.NOT_ARCHIVED, "Save Page Now"),
        (LiveStatus.RATE_LIMITED, ArchiveStatus.NOT_ARCHIVED, "rate-limited"),
        (LiveStatus.SKIPPED, ArchiveStatus.NOT_CHECKED, "on purpose"),
        (LiveStatus.NOT_CHECKED, ArchiveStatus.NOT_CHECKED, "rerun"),
        (LiveStatus.SOFT_404, ArchiveStatus.ARCHIVED, "a good capture exists"),
    ],
)
def test_inconclusive_answers_say_what_to_do_and_what_the_archive_holds(
    live: LiveStatus, archive: ArchiveStatus, words: str
) -> None:
    result = LiveResult(url=CITE.url, status=live, reason="GET 403")
    verdict, action = judge(CITE, result, arch(archive), None)
    assert verdict is Verdict.UNVERIFIABLE
    assert words in action


def test_alive_page_with_only_late_or_error_captures_says_why_it_is_at_risk() -> None:
    assert "well away" in judge(CITE, OK, arch(ArchiveStatus.ARCHIVED_LATE), None)[1]
    assert "only errors" in judge(CITE, OK, arch(ArchiveStatus.ARCHIVED_ERROR_ONLY), None)[1]


def test_dead_page_with_archives_off_is_lost_and_says_archives_were_not_checked() -> None:
    verdict, action = judge(CITE, DEAD, None, None)
    assert verdict is Verdict.LOST and "archives were not checked" in action


def test_redirected_healthy_page_suggests_the_new_address() -> None:
    moved = LiveResult(url=CITE.url, status=LiveStatus.REDIRECTED, final_url="https://news.test/b")
    verdict, action = judge(CITE, moved, arch(ArchiveStatus.ARCHIVED), UNCHANGED)
    assert verdict is Verdict.HEALTHY and "https://news.test/b" in action
