"""Memento archives that are not pywb: TimeGate styles, paged and empty TimeMaps, exact URL keys."""

from __future__ import annotations

import pytest

from linkwatch.archives.choose import Target, parse_target
from linkwatch.archives.config import ArchiveConfig, ArchiveKind
from linkwatch.archives.lookup import ArchiveChecker, ArchiveOutcome
from linkwatch.status import ArchiveStatus
from tests.archives.conftest import local_config, run_checker
from tests.web.archive import LocalArchive
from tests.web.memento import MementoArchive


def _target(day: str) -> Target:
    target = parse_target(day, "accessed")
    assert target is not None
    return target


def _config(double: MementoArchive, style: str, *, timemap: bool = False) -> ArchiveConfig:
    return ArchiveConfig(
        name=style,
        kind=ArchiveKind.MEMENTO,
        timegate=double.timegate(style),
        timemap=double.timemap(style) if timemap else "",
        lookups_per_minute=6000.0,
        replays_per_minute=6000.0,
    )


def _check(config: ArchiveConfig, url: str, day: str, **options: object) -> ArchiveOutcome:
    async def body(checker: ArchiveChecker) -> ArchiveOutcome:
        return await checker.check(url, _target(day))

    return run_checker((config,), body, **options)


@pytest.mark.parametrize("style", ["redirect", "content-location", "opaque"])
def test_timegate_without_a_timemap_still_gives_its_memento(
    memento_archive: MementoArchive, local_archive: LocalArchive, style: str
) -> None:
    page = local_archive.pages["good-near"]
    result = _check(_config(memento_archive, style), page.url, page.citation_date).result
    assert result.status is ArchiveStatus.ARCHIVED, result.reason
    assert result.capture is not None
    assert result.capture.timestamp.startswith("202103")
    assert result.capture.original == page.url


def test_paged_timemap_is_read_to_the_page_that_holds_the_target(
    memento_archive: MementoArchive, local_archive: LocalArchive
) -> None:
    page = local_archive.pages["good-near"]
    config = _config(memento_archive, "paged", timemap=True)
    result = _check(config, page.url, page.citation_date).result
    assert result.status is ArchiveStatus.ARCHIVED, result.reason
    assert result.capture is not None and result.capture.timestamp == "20210310093000"
    assert result.captures_seen == 3


def test_first_timemap_page_alone_would_only_give_a_late_capture(
    memento_archive: MementoArchive, local_archive: LocalArchive
) -> None:
    page = local_archive.pages["good-near"]
    config = _config(memento_archive, "paged", timemap=True)
    result = _check(config, page.url, page.citation_date, max_timemap_pages=0).result
    assert result.status is ArchiveStatus.ARCHIVED_LATE


@pytest.mark.parametrize("style", ["empty-200", "empty-404"])
def test_no_mementos_is_not_archived_whether_404_or_an_empty_timemap(
    memento_archive: MementoArchive, local_archive: LocalArchive, style: str
) -> None:
    page = local_archive.pages["good-near"]
    config = _config(memento_archive, style, timemap=True)
    result = _check(config, page.url, page.citation_date, url_variants=False).result
    assert result.status is ArchiveStatus.NOT_ARCHIVED, result.reason


def test_an_html_page_instead_of_a_timemap_is_a_failed_lookup(
    memento_archive: MementoArchive, local_archive: LocalArchive
) -> None:
    page = local_archive.pages["good-near"]
    config = _config(memento_archive, "html", timemap=True)
    result = _check(config, page.url, page.citation_date).result
    assert result.status is ArchiveStatus.LOOKUP_FAILED
    assert "link format" in result.reason


def test_an_excluded_url_is_not_archived_not_a_failed_lookup(
    memento_archive: MementoArchive, local_archive: LocalArchive
) -> None:
    page = local_archive.pages["good-near"]
    config = _config(memento_archive, "excluded", timemap=True)
    result = _check(config, page.url, page.citation_date).result
    assert result.status is ArchiveStatus.NOT_ARCHIVED
    assert "excludes" in result.reason


def test_capture_under_the_other_scheme_is_found(
    memento_archive: MementoArchive, local_archive: LocalArchive
) -> None:
    page = local_archive.pages["good-near"]
    cited = "https://" + page.url.split("://", 1)[1]
    config = _config(memento_archive, "exact", timemap=True)
    memento_archive.clear_requests()
    result = _check(config, cited, page.citation_date).result
    assert result.status is ArchiveStatus.ARCHIVED, result.reason
    asked = [r.path for r in memento_archive.requests()]
    assert asked == [f"/exact/timemap/{cited}", f"/exact/timemap/{page.url}"]
    assert _check(config, cited, page.citation_date, url_variants=False).result.status is (
        ArchiveStatus.NOT_ARCHIVED
    )


def test_captured_redirect_to_a_moved_page_gives_that_pages_capture(
    local_archive: LocalArchive,
) -> None:
    good = local_archive.pages["good-near"]
    old = good.url.replace("/a/good-near.html", "/a/moved-to-good-near.html")
    local_archive.add_capture(
        old, b"", status=301, headers=[("Location", good.url)], timestamp="20210312000000"
    )

    async def body(checker: ArchiveChecker) -> ArchiveOutcome:
        return await checker.check(old, _target("2021-03-15"))

    result = run_checker((local_config(local_archive.root),), body).result
    assert result.status is ArchiveStatus.ARCHIVED, result.reason
    assert result.capture is not None and result.capture.original == old


def test_captured_redirect_to_the_home_page_is_an_error_capture(
    local_archive: LocalArchive,
) -> None:
    good = local_archive.pages["good-near"]
    home = good.url.split("/a/", 1)[0] + "/"
    old = good.url.replace("/a/good-near.html", "/a/deleted-to-home.html")
    local_archive.add_capture(
        old, b"", status=302, headers=[("Location", home)], timestamp="20210312000000"
    )

    async def body(checker: ArchiveChecker) -> ArchiveOutcome:
        return await checker.check(old, _target("2021-03-15"))

    result = run_checker((local_config(local_archive.root),), body).result
    assert result.status is ArchiveStatus.ARCHIVED_ERROR_ONLY
    assert "site root" in result.reason
