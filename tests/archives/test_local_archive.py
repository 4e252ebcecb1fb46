"""Archive lookups against the real pywb collection of the local web (Memento path)."""

from __future__ import annotations

from pathlib import Path

from linkwatch.archives.cache import StoreArchiveCache
from linkwatch.archives.choose import Target, parse_target
from linkwatch.archives.lookup import ArchiveChecker, ArchiveOutcome
from linkwatch.status import ArchiveStatus
from linkwatch.store.db import Store
from tests.archives.conftest import Sleeps, local_config, run_checker
from tests.web.archive import LocalArchive


def _target(day: str) -> Target:
    target = parse_target(day, "accessed")
    assert target is not None
    return target


def check_page(
    local_archive: LocalArchive, name: str, day: str | None = None, **options: object
) -> ArchiveOutcome:
    page = local_archive.pages[name]
    target = _target(day or page.citation_date)

    async def body(checker: ArchiveChecker) -> ArchiveOutcome:
        return await checker.check(page.url, target)

    return run_checker((local_config(local_archive.root),), body, **options)


def test_good_capture_before_the_citation_date_is_archived(local_archive: LocalArchive) -> None:
    outcome = check_page(local_archive, "good-near")
    result = outcome.result
    assert result.status is ArchiveStatus.ARCHIVED
    assert result.capture is not None
    assert result.capture.timestamp == "20210310093000"
    assert result.capture.http_status == 200
    assert result.captures_seen == 3
    assert "before the accessed date" in result.reason
    assert outcome.page is not None and outcome.page.text


def test_capture_after_the_target_is_chosen_when_none_is_before(
    local_archive: LocalArchive,
) -> None:
    result = check_page(local_archive, "good-near", "2021-03-01").result
    assert result.status is ArchiveStatus.ARCHIVED
    assert result.capture is not None and result.capture.timestamp == "20210310093000"
    assert "after" in result.reason


def test_closest_before_wins_over_a_closer_one_after(local_archive: LocalArchive) -> None:
    result = check_page(local_archive, "good-near", "2021-03-19").result
    assert result.capture is not None and result.capture.timestamp == "20210318141500"


def test_capture_only_long_after_is_archived_late(local_archive: LocalArchive) -> None:
    result = check_page(local_archive, "late-only").result
    assert result.status is ArchiveStatus.ARCHIVED_LATE
    assert result.capture is not None and result.capture.timestamp == "20240115080000"


def test_wider_window_makes_a_late_capture_representative(local_archive: LocalArchive) -> None:
    result = check_page(local_archive, "late-only", window_days=2000).result
    assert result.status is ArchiveStatus.ARCHIVED


def test_only_an_archived_404_is_error_only(local_archive: LocalArchive) -> None:
    result = check_page(local_archive, "error-only").result
    assert result.status is ArchiveStatus.ARCHIVED_ERROR_ONLY
    assert "captured error 404" in result.reason


def test_only_a_captured_redirect_is_error_only(local_archive: LocalArchive) -> None:
    result = check_page(local_archive, "redirect-capture").result
    assert result.status is ArchiveStatus.ARCHIVED_ERROR_ONLY
    assert "redirect" in result.reason and "redirect-target" in result.reason


def test_archived_soft_404_is_not_a_good_capture(local_archive: LocalArchive) -> None:
    result = check_page(local_archive, "soft404-capture").result
    assert result.status is ArchiveStatus.ARCHIVED_ERROR_ONLY
    assert "soft 404" in result.reason


def test_never_captured_page_is_not_archived(local_archive: LocalArchive) -> None:
    result = check_page(local_archive, "never").result
    assert result.status is ArchiveStatus.NOT_ARCHIVED
    assert result.archives == ("local",)


def test_unreachable_archive_is_lookup_failed_not_not_archived(
    local_archive: LocalArchive,
) -> None:
    local_archive.fail_next(3, status=0)
    try:
        result = check_page(local_archive, "never", retries=2).result
    finally:
        local_archive.fail_next(0)
    assert result.status is ArchiveStatus.LOOKUP_FAILED
    assert result.reason.startswith("local:")


def test_gbk_capture_is_decoded(local_archive: LocalArchive) -> None:
    outcome = check_page(local_archive, "gbk")
    assert outcome.result.status is ArchiveStatus.ARCHIVED
    assert outcome.page is not None
    text = outcome.page.title + outcome.page.text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert "\ufffd" not in text


def test_429_is_honoured_with_its_retry_after(local_archive: LocalArchive) -> None:
    sleeps = Sleeps()
    local_archive.clear_requests()
    local_archive.fail_next(1, status=429, retry_after="7")
    result = check_page(local_archive, "never", sleeps=sleeps, url_variants=False).result
    assert result.status is ArchiveStatus.NOT_ARCHIVED
    assert any(abs(s - 7.0) < 0.5 for s in sleeps.calls)
    assert len(local_archive.requests()) == 2


def test_429_without_retry_after_waits_sixty_seconds(local_archive: LocalArchive) -> None:
    sleeps = Sleeps()
    local_archive.fail_next(1, status=429, retry_after=None)
    result = check_page(local_archive, "never", sleeps=sleeps).result
    assert result.status is ArchiveStatus.NOT_ARCHIVED
    assert any(abs(s - 60.0) < 0.5 for s in sleeps.calls)


def test_persistent_429_ends_in_lookup_failed(local_archive: LocalArchive) -> None:
    local_archive.fail_next(5, status=429, retry_after="1")
    try:
        result = check_page(local_archive, "never", retries=2).result
    finally:
        local_archive.fail_next(0)
    assert result.status is ArchiveStatus.LOOKUP_FAILED
    assert "429" in result.reason


def test_timemap_prefix_is_learned_so_later_urls_skip_the_timegate(
    local_archive: LocalArchive,
) -> None:
    pages = [local_archive.pages[n] for n in ("good-near", "late-only", "error-only")]

    async def body(checker: ArchiveChecker) -> None:
        for page in pages:
            await checker.check(page.url, _target(page.citation_date))

    local_archive.clear_requests()
    run_checker((local_config(local_archive.root),), body)
    paths = [r.path for r in local_archive.requests()]
    timegates = [p for p in paths if "/timemap/" not in p and "id_/" not in p]
    assert len(timegates) == 1, paths
    assert sum("/timemap/" in p for p in paths) == 3


def test_rerun_makes_no_archive_request_for_known_captures(
    local_archive: LocalArchive, tmp_path: Path
) -> None:
    names = ["good-near", "late-only", "error-only", "gbk", "changed"]
    pages = [local_archive.pages[n] for n in names]

    async def body(checker: ArchiveChecker) -> list[ArchiveOutcome]:
        return [await checker.check(p.url, _target(p.citation_date)) for p in pages]

    with Store(tmp_path / "lw.db") as store:
        cache = StoreArchiveCache(store)
        local_archive.clear_requests()
        first = run_checker((local_config(local_archive.root),), body, cache=cache)
        first_requests = len(local_archive.requests())
        local_archive.clear_requests()
        second = run_checker((local_config(local_archive.root),), body, cache=cache)
        assert local_archive.requests() == []
    assert first_requests > 0
    assert [o.result for o in first] == [o.result for o in second]
    # The cited capture's text comes back from the store for change detection.
    assert second[0].page is not None and second[0].page.text == first[0].page.text
