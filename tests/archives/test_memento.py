"""Link-format parsing, dates and archive URL shapes."""

from __future__ import annotations

import datetime as dt

from linkwatch.archives.memento import (
    http_date,
    parse_cited_capture,
    parse_link_format,
    parse_timestamp,
    raw_url,
    timemaps_from_links,
    timestamp_from_http_date,
)

TIMEMAP = (
    '<http://a.test/lw/timemap/link/http://x.test/p>; rel="self";'
    ' type="application/link-format",\n'
    '<http://a.test/lw/http://x.test/p>; rel="timegate",\n'
    '<http://x.test/p>; rel="original",\n'
    '<http://a.test/lw/20231020100000mp_/http://x.test/p>; rel="memento";'
    ' datetime="Fri, 20 Oct 2023 10:00:00 GMT",\n'
    '<http://a.test/lw/20231001100000mp_/http://x.test/p>; rel="first memento";'
    ' datetime="Sun, 01 Oct 2023 10:00:00 GMT"\n'
)


def test_timemap_mementos_are_parsed_oldest_first() -> None:
    mementos = timemaps_from_links(parse_link_format(TIMEMAP))
    assert [m.timestamp for m in mementos] == ["20231001100000", "20231020100000"]
    assert mementos[0].url == "http://a.test/lw/20231001100000mp_/http://x.test/p"
    assert mementos[0].status is None


def test_link_header_rels_and_params_are_read() -> None:
    links = parse_link_format(
        '<http://x.test/p>; rel="original", <http://a.test/tm/http://x.test/p>; rel="timemap";'
        ' type="application/link-format"'
    )
    assert [sorted(link.rel) for link in links] == [["original"], ["timemap"]]
    assert links[1].params["type"] == "application/link-format"


def test_http_dates_round_trip_to_timestamps() -> None:
    assert timestamp_from_http_date("Fri, 20 Oct 2023 10:00:00 GMT") == "20231020100000"
    assert http_date(dt.datetime(2023, 10, 20, 10)) == "Fri, 20 Oct 2023 10:00:00 GMT"
    assert parse_timestamp("2023") == dt.datetime(2023, 1, 1)


def test_raw_url_switches_replay_to_identity_mode() -> None:
    assert raw_url("http://a.test/lw/20231020100000mp_/http://x.test/p") == (
        "http://a.test/lw/20231020100000id_/http://x.test/p"
    )
    assert raw_url("https://web.archive.org/web/20231020100000/http://x.test/p") == (
        "https://web.archive.org/web/20231020100000id_/http://x.test/p"
    )
    assert raw_url("https://archive.ph/AbCdE") == "https://archive.ph/AbCdE"


def test_cited_wayback_url_names_its_capture() -> None:
    cited = parse_cited_capture("https://web.archive.org/web/20230424180048/https://nyt.test/a")
    assert cited is not None
    assert (cited.timestamp, cited.original, cited.truncated) == (
        "20230424180048",
        "https://nyt.test/a",
        False,
    )


def test_truncated_cited_wayback_url_is_recognised_as_truncated() -> None:
    cited = parse_cited_capture("https://web.archive.org/web/20230424180048/")
    assert cited is not None and cited.truncated


def test_ordinary_urls_and_unknown_hosts_are_not_captures() -> None:
    assert parse_cited_capture("https://example.test/2023/10/27/story") is None
    assert parse_cited_capture("http://a.test/lw/20231020100000/http://x.test/p") is None
    configured = parse_cited_capture(
        "http://a.test/lw/20231020100000/http://x.test/p", ("http://a.test/lw/",)
    )
    assert configured is not None and configured.original == "http://x.test/p"
