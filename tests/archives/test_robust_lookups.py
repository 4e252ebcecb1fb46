"""Archive answers as real archives give them: bounded CDX, cut-off rows, dates, URL forms."""

from __future__ import annotations

import json

import pytest

from linkwatch.archives.choose import Target, parse_target
from linkwatch.archives.lookup import ArchiveChecker, ArchiveOutcome, url_variants
from linkwatch.archives.memento import (
    parse_link_format,
    raw_url,
    timemap_pages,
    timestamp_from_http_date,
)
from linkwatch.archives.verify import not_found_reason
from linkwatch.archives.wayback import CdxFormatError, parse_cdx
from linkwatch.compare.text import PageText
from linkwatch.status import ArchiveStatus
from tests.archives.conftest import run_checker
from tests.archives.test_ia_api import ia_config
from tests.web.archive import LocalArchive
from tests.web.ia_api import IAServer

HEADER = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


def _target(day: str) -> Target:
    target = parse_target(day, "accessed")
    assert target is not None
    return target


def _ia_check(ia_api: IAServer, url: str, day: str, **options: object) -> ArchiveOutcome:
    async def body(checker: ArchiveChecker) -> ArchiveOutcome:
        return await checker.check(url, _target(day))

    return run_checker((ia_config(ia_api),), body, **options)


def test_cdx_asks_only_for_the_captures_closest_to_the_target(
    ia_api: IAServer, local_archive: LocalArchive
) -> None:
    page = local_archive.pages["good-near"]
    ia_api.clear_requests()
    result = _ia_check(ia_api, page.url, page.citation_date, cdx_limit=2).result
    assert result.status is ArchiveStatus.ARCHIVED
    (cdx,) = [r.path for r in ia_api.requests() if r.path.startswith("/cdx/")]
    assert "closest=20210315235959" in cdx and "sort=closest" in cdx and "limit=2" in cdx
    # The two closest of three captures: the 2023 one is not listed.
    assert result.captures_seen == 2


def test_cdx_answer_cut_off_by_the_read_cap_still_gives_the_closest_capture(
    ia_api: IAServer, local_archive: LocalArchive
) -> None:
    page = local_archive.pages["good-near"]
    result = _ia_check(ia_api, page.url, page.citation_date, max_body=400).result
    # Only the rows read before the cap are known, nearest first: one near the target.
    assert result.status is ArchiveStatus.ARCHIVED, result.reason
    assert 1 <= result.captures_seen < 3


def test_cut_off_wayback_array_keeps_its_complete_rows() -> None:
    rows = [HEADER] + [
        ["x)/p", f"2021031{i}000000", "http://x.test/p", "text/html", "200", f"D{i}", "9"]
        for i in range(5)
    ]
    text = "[" + ",\n".join(json.dumps(r) for r in rows) + "]"
    cut = text[: text.index('"D3"')]
    assert [m.digest for m in parse_cdx(cut, "https://wb.test/web/")] == ["D0", "D1", "D2"]


def test_cut_off_pywb_json_lines_keep_their_complete_lines() -> None:
    line = '{"timestamp": "20210310093000", "url": "http://x.test/p", "status": "200"}'
    assert len(parse_cdx(line + "\n" + line[:30], "http://a.test/lw/")) == 1
    with pytest.raises(CdxFormatError):
        parse_cdx("not json\n" + line, "http://a.test/lw/")


def test_short_cdx_timestamps_are_read_as_the_start_of_their_period() -> None:
    text = json.dumps(
        [HEADER, ["x)/p", "20210315", "http://x.test/p", "text/html", "200", "A", "1"]]
    )
    (memento,) = parse_cdx(text, "https://wb.test/web/")
    assert memento.timestamp == "20210315000000"
    assert memento.url == "https://wb.test/web/20210315/http://x.test/p"


def test_revisit_without_its_original_in_the_answer_stays_unknown() -> None:
    text = json.dumps(
        [HEADER, ["x)/p", "20210315000000", "http://x.test/p", "warc/revisit", "-", "Z", "1"]]
    )
    (memento,) = parse_cdx(text, "https://wb.test/web/")
    assert memento.status is None


@pytest.mark.parametrize(
    "value",
    [
        "Wed, 10 Mar 2021 09:30:00 GMT",
        "Wednesday, 10-Mar-21 09:30:00 GMT",
        "Wed Mar 10 09:30:00 2021",
        "2021-03-10T09:30:00Z",
        "2021-03-10T10:30:00+01:00",
        "20210310093000",
    ],
)
def test_memento_datetimes_in_every_form_archives_send(value: str) -> None:
    assert timestamp_from_http_date(value) == "20210310093000"


def test_timemap_links_with_combined_relations_and_pages() -> None:
    text = (
        '<http://x.test/p>; rel="original",\n'
        '<http://a.test/tm/p>; rel="self"; type="application/link-format",\n'
        '<http://a.test/20200101000000/http://x.test/p>; rel="first memento";'
        ' datetime="Wed, 01 Jan 2020 00:00:00 GMT",\n'
        '<http://a.test/20230101000000/http://x.test/p>; rel="last memento";'
        ' datetime="Sun, 01 Jan 2023 00:00:00 GMT",\n'
        '<http://a.test/tm/2/p>; rel="timemap"; type="application/link-format";'
        ' from="Tue, 01 Jan 2019 00:00:00 GMT"; until="Tue, 31 Dec 2019 00:00:00 GMT"\n'
    )
    links = parse_link_format(text)
    (page,) = timemap_pages(links, "http://a.test/tm/p")
    assert (page.url, page.start, page.end) == (
        "http://a.test/tm/2/p",
        "20190101000000",
        "20191231000000",
    )


def test_url_variants_cover_scheme_and_www() -> None:
    assert url_variants("http://www.x.test/a?b=1") == [
        "https://www.x.test/a?b=1",
        "http://x.test/a?b=1",
        "https://x.test/a?b=1",
    ]
    assert url_variants("https://127.0.0.1:8080/a") == ["http://127.0.0.1:8080/a"]


def test_archive_today_captures_are_fetched_as_they_are() -> None:
    url = "https://archive.ph/20190506120000/http://x.test/p"
    assert raw_url(url) == url
    assert raw_url("https://web.archive.org/web/20190506120000/http://x.test/p").endswith(
        "20190506120000id_/http://x.test/p"
    )


def test_a_captured_article_about_404_is_a_good_capture() -> None:
    page = PageText(title="What is a 404 error? A short history", text="Essay. " * 100)
    assert not_found_reason(page) == ""
    assert not_found_reason(PageText(title="Site", text="该页面已被删除 返回首页"))
