"""The local pywb archive answers CDX, Memento TimeGate/TimeMap and raw replay as documented."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.web import LocalArchive, LocalWeb

REQUIRED_PAGES = {
    "good-near",
    "late-only",
    "error-only",
    "redirect-capture",
    "changed",
    "gbk",
    "never",
    "soft404-capture",
}


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0, trust_env=False) as c:
        yield c


def _cdx(client: httpx.Client, archive: LocalArchive, url: str) -> list[dict[str, str]]:
    reply = client.get(archive.cdx_url, params={"url": url, "output": "json"})
    assert reply.status_code == 200
    return [json.loads(line) for line in reply.text.splitlines() if line.strip()]


def test_archive_has_every_named_page(local_archive: LocalArchive, local_web: LocalWeb) -> None:
    assert set(local_archive.pages) >= REQUIRED_PAGES
    for page in local_archive.pages.values():
        assert page.url.startswith("http://127.0.0.")
        assert len(page.citation_date) == 10


def test_cdx_lists_each_page_with_its_back_dated_captures(
    local_archive: LocalArchive, client: httpx.Client
) -> None:
    kinds_status = {"good": "200", "v1": "200", "gbk": "200", "soft-404": "200"}
    kinds_status |= {"error-404": "404", "redirect": "301"}
    for page in local_archive.pages.values():
        rows = _cdx(client, local_archive, page.url)
        assert [r["timestamp"] for r in rows] == [ts for ts, _ in page.captures], page.name
        assert [r["status"] for r in rows] == [kinds_status[k] for _, k in page.captures]
        assert all(r["url"] == page.url for r in rows)


def test_never_captured_page_has_no_cdx_rows(
    local_archive: LocalArchive, client: httpx.Client
) -> None:
    assert _cdx(client, local_archive, local_archive.pages["never"].url) == []


def test_timegate_redirects_to_the_closest_capture(
    local_archive: LocalArchive, client: httpx.Client
) -> None:
    page = local_archive.pages["good-near"]
    reply = client.get(
        local_archive.root + page.url,
        headers={"Accept-Datetime": "Fri, 12 Mar 2021 00:00:00 GMT"},
    )
    assert reply.status_code in (302, 307)
    assert reply.headers["location"] == f"{local_archive.root}20210310093000/{page.url}"
    assert "accept-datetime" in reply.headers["vary"].lower()
    assert 'rel="memento"' in reply.headers["link"]


def test_timegate_after_the_last_capture_picks_the_latest(
    local_archive: LocalArchive, client: httpx.Client
) -> None:
    page = local_archive.pages["late-only"]
    reply = client.get(
        local_archive.root + page.url,
        headers={"Accept-Datetime": "Sat, 01 Jun 2019 00:00:00 GMT"},
    )
    assert reply.headers["location"] == f"{local_archive.root}20240115080000/{page.url}"


def test_timemap_lists_every_memento(local_archive: LocalArchive, client: httpx.Client) -> None:
    page = local_archive.pages["good-near"]
    reply = client.get(local_archive.timemap_url(page.url))
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/link-format")
    assert reply.text.count('rel="memento"') == len(page.captures)
    assert f'<{page.url}>; rel="original"' in reply.text


def test_raw_replay_returns_the_captured_bytes(
    local_archive: LocalArchive, local_web: LocalWeb, client: httpx.Client
) -> None:
    page = local_archive.pages["good-near"]
    raw = client.get(f"{local_archive.root}20210310093000id_/{page.url}")
    assert raw.status_code == 200
    assert raw.text == client.get(page.url).text


def test_raw_replay_of_error_and_redirect_captures(
    local_archive: LocalArchive, client: httpx.Client
) -> None:
    error = local_archive.pages["error-only"]
    reply = client.get(f"{local_archive.root}{error.captures[0][0]}id_/{error.url}")
    assert reply.status_code == 404
    moved = local_archive.pages["redirect-capture"]
    reply = client.get(f"{local_archive.root}{moved.captures[0][0]}id_/{moved.url}")
    assert reply.status_code == 301
    assert reply.headers["location"].endswith("/a/redirect-target.html")


def test_changed_page_was_captured_as_v1_while_live_serves_v2(
    local_archive: LocalArchive, local_web: LocalWeb, client: httpx.Client
) -> None:
    page = local_archive.pages["changed"]
    assert page.url == local_web.url("changing-page")
    archived = client.get(f"{local_archive.root}{page.captures[0][0]}id_/{page.url}").text
    assert "3.05 million" in archived
    assert "3.05 million" not in client.get(page.url).text


def test_gbk_capture_keeps_its_encoding(local_archive: LocalArchive, client: httpx.Client) -> None:
    page = local_archive.pages["gbk"]
    reply = client.get(f"{local_archive.root}{page.captures[0][0]}id_/{page.url}")
    assert "charset=gbk" in reply.content.decode("ascii", "replace")
    assert "转移就业" in reply.content.decode("gbk")


def test_soft_404_capture_is_a_200_not_found_page(
    local_archive: LocalArchive, client: httpx.Client
) -> None:
    page = local_archive.pages["soft404-capture"]
    reply = client.get(f"{local_archive.root}{page.captures[0][0]}id_/{page.url}")
    assert reply.status_code == 200
    assert "Page not found" in reply.text


def test_requests_are_logged_and_failures_injected(
    local_archive: LocalArchive, client: httpx.Client
) -> None:
    page = local_archive.pages["good-near"]
    local_archive.clear_requests()
    local_archive.fail_next(1)
    first = client.get(local_archive.cdx_url, params={"url": page.url})
    assert first.status_code == 429
    assert first.headers["retry-after"] == "1"
    assert client.get(local_archive.cdx_url, params={"url": page.url}).status_code == 200
    local_archive.fail_next(1, status=503, retry_after=None)
    third = client.get(local_archive.cdx_url, params={"url": page.url})
    assert third.status_code == 503
    assert "retry-after" not in third.headers
    local_archive.fail_next(1, status=0)
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(local_archive.cdx_url, params={"url": page.url})
    paths = [r.path for r in local_archive.requests()]
    assert len(paths) == 4
    assert all(p.startswith("/lw/cdx?") for p in paths)
    local_archive.clear_requests()
    assert local_archive.requests() == []


def test_added_capture_can_be_looked_up_and_replayed(
    local_archive: LocalArchive, local_web: LocalWeb, client: httpx.Client
) -> None:
    url = local_web.host("main") + "/a/added-by-test.html"
    ts = local_archive.add_capture(url, b"<html>added</html>", timestamp="20220202020202")
    assert [r["timestamp"] for r in _cdx(client, local_archive, url)] == [ts]
    assert client.get(f"{local_archive.root}{ts}id_/{url}").text == "<html>added</html>"


def test_record_mode_captures_a_live_page(
    local_archive: LocalArchive, local_web: LocalWeb, client: httpx.Client
) -> None:
    url = local_web.url("soft404-chinese-live")
    recorded = client.get(f"{local_archive.record_root}id_/{url}")
    assert recorded.status_code == 200
    assert "305万" in recorded.text
    local_archive.reindex_recordings()
    rows = client.get(local_archive.record_cdx_url, params={"url": url, "output": "json"})
    assert [json.loads(line)["url"] for line in rows.text.splitlines()] == [url]
