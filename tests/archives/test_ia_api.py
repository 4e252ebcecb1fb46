"""The Wayback path against the Internet Archive double: CDX, bulk availability, cited captures."""

from __future__ import annotations

from linkwatch.archives.choose import Target, parse_target
from linkwatch.archives.config import ArchiveConfig, ArchiveKind
from linkwatch.archives.lookup import ArchiveChecker, ArchiveOutcome
from linkwatch.status import ArchiveStatus
from tests.archives.conftest import local_config, run_checker
from tests.web.archive import LocalArchive
from tests.web.ia_api import IAServer


def ia_config(ia_api: IAServer, *, availability: bool = False) -> ArchiveConfig:
    return ArchiveConfig(
        name="ia",
        kind=ArchiveKind.WAYBACK,
        timegate=ia_api.web_root,
        cdx=ia_api.cdx_url,
        availability=ia_api.available_url if availability else "",
        lookups_per_minute=6000.0,
        replays_per_minute=6000.0,
    )


def _target(day: str) -> Target:
    target = parse_target(day, "accessed")
    assert target is not None
    return target


def test_cdx_lookup_chooses_and_verifies_one_capture(
    ia_api: IAServer, local_archive: LocalArchive
) -> None:
    page = local_archive.pages["good-near"]

    async def body(checker: ArchiveChecker) -> ArchiveOutcome:
        return await checker.check(page.url, _target(page.citation_date))

    ia_api.clear_requests()
    result = run_checker((ia_config(ia_api),), body).result
    assert result.status is ArchiveStatus.ARCHIVED
    assert result.capture is not None
    assert result.capture.url == f"{ia_api.web_root}20210310093000/{page.url}"
    assert result.capture.digest
    paths = [r.path for r in ia_api.requests()]
    assert len(paths) == 2
    assert paths[0].startswith("/cdx/search/cdx")
    assert "20210310093000id_/" in paths[1]


def test_cdx_error_statuses_settle_error_only_without_fetching_captures(
    ia_api: IAServer, local_archive: LocalArchive
) -> None:
    page = local_archive.pages["error-only"]

    async def body(checker: ArchiveChecker) -> ArchiveOutcome:
        return await checker.check(page.url, _target(page.citation_date))

    ia_api.clear_requests()
    result = run_checker((ia_config(ia_api),), body).result
    assert result.status is ArchiveStatus.ARCHIVED_ERROR_ONLY
    assert "404" in result.reason
    assert len(ia_api.requests()) == 1


def test_bulk_availability_saves_the_cdx_request_for_well_archived_urls(
    ia_api: IAServer, local_archive: LocalArchive
) -> None:
    names = ["good-near", "late-only", "never"]
    pages = [local_archive.pages[n] for n in names]
    items = [(p.url, _target(p.citation_date)) for p in pages]

    async def body(checker: ArchiveChecker) -> list[ArchiveOutcome]:
        await checker.prefetch(items)
        return [await checker.check(url, target) for url, target in items]

    ia_api.clear_requests()
    outcomes = run_checker((ia_config(ia_api, availability=True),), body)
    statuses = [o.result.status for o in outcomes]
    assert statuses == [
        ArchiveStatus.ARCHIVED,
        ArchiveStatus.ARCHIVED_LATE,
        ArchiveStatus.NOT_ARCHIVED,
    ]
    paths = [r.path for r in ia_api.requests()]
    assert sum(p.startswith("/wayback/available") for p in paths) == 1
    cdx = [p for p in paths if p.startswith("/cdx/")]
    # good-near was settled by the availability answer; the others still ask CDX.
    assert len(cdx) == 2
    assert not any("good-near" in p for p in cdx)


def test_cited_web_archive_url_is_checked_as_that_capture(
    ia_api: IAServer, local_archive: LocalArchive
) -> None:
    page = local_archive.pages["good-near"]
    cited_url = f"{ia_api.web_root}20230705120000/{page.url}"

    async def body(checker: ArchiveChecker) -> ArchiveOutcome:
        cited = checker.cited_capture(cited_url)
        assert cited is not None and cited.original == page.url
        return await checker.check_cited(cited)

    ia_api.clear_requests()
    outcome = run_checker((ia_config(ia_api),), body)
    assert outcome.result.status is ArchiveStatus.ARCHIVED
    assert outcome.result.capture is not None
    assert outcome.result.capture.timestamp == "20230705120000"
    assert outcome.page is not None and outcome.page.text
    assert len(ia_api.requests()) == 1


def test_cited_capture_of_an_error_is_reported_as_such(
    ia_api: IAServer, local_archive: LocalArchive
) -> None:
    page = local_archive.pages["error-only"]
    cited_url = f"{ia_api.web_root}20200502101010/{page.url}"

    async def body(checker: ArchiveChecker) -> ArchiveOutcome:
        cited = checker.cited_capture(cited_url)
        assert cited is not None
        return await checker.check_cited(cited)

    result = run_checker((ia_config(ia_api),), body).result
    assert result.status is ArchiveStatus.ARCHIVED_ERROR_ONLY
    assert "404" in result.reason


def test_truncated_cited_capture_is_reported_without_a_request(
    ia_api: IAServer, local_archive: LocalArchive
) -> None:
    async def body(checker: ArchiveChecker) -> ArchiveOutcome:
        cited = checker.cited_capture(f"{ia_api.web_root}20230424180048/")
        assert cited is not None
        return await checker.check_cited(cited)

    ia_api.clear_requests()
    result = run_checker((ia_config(ia_api),), body).result
    assert result.status is ArchiveStatus.NOT_CHECKED
    assert "truncated" in result.reason
    assert ia_api.requests() == []


def test_second_archive_is_asked_only_when_the_first_has_no_good_capture(
    ia_api: IAServer, local_archive: LocalArchive
) -> None:
    good = local_archive.pages["good-near"]
    never = local_archive.pages["never"]

    async def body(checker: ArchiveChecker) -> list[ArchiveOutcome]:
        return [
            await checker.check(good.url, _target(good.citation_date)),
            await checker.check(never.url, _target(never.citation_date)),
        ]

    local_archive.clear_requests()
    outcomes = run_checker((ia_config(ia_api), local_config(local_archive.root)), body)
    assert outcomes[0].result.archives == ("ia",)
    assert outcomes[1].result.archives == ("ia", "local")
    assert outcomes[1].result.status is ArchiveStatus.NOT_ARCHIVED
