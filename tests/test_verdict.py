"""Verdicts per citation from live, archive and change results."""

from __future__ import annotations

import pytest

from linkwatch.records import Citation
from linkwatch.results import ArchiveResult, ChangeResult, LiveResult
from linkwatch.status import ArchiveStatus, ChangeStatus, LiveStatus, Verdict
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
