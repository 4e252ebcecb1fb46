"""Servers that behave unusually, checked over the local web: what was read, and how often."""

from __future__ import annotations

import asyncio

import pytest

from linkwatch.live import check_live
from linkwatch.status import LiveStatus
from tests.live.test_local_web_cases import _options
from tests.web import LocalWeb


@pytest.mark.parametrize(
    ("case", "title"),
    [
        ("gzip-body", "Compressed page"),
        ("deflate-body", "Compressed page"),
        ("br-body", "Compressed page"),
        ("gbk-header-charset", "新疆劳动力转移就业工作情况"),
        ("gbk-meta-charset", "新疆劳动力转移就业工作情况"),
        ("big5-meta-charset", "勞動力轉移就業工作情況"),
        ("wrong-content-length", "Short body"),
        ("chinese-path", "报告 2019"),
    ],
)
def test_body_is_decoded_whatever_its_encoding_or_length(
    local_web: LocalWeb, case: str, title: str
) -> None:
    url = local_web.url(case)
    run = asyncio.run(check_live([url], _options(local_web, probe=False)))
    live = run.results[url].live
    assert live.status is LiveStatus.OK, live.reason
    assert live.fingerprint is not None and live.fingerprint.title == title


def test_cdn_challenge_503_is_asked_once_not_retried(local_web: LocalWeb) -> None:
    local_web.clear_requests()
    url = local_web.url("cdn-challenge-503")
    run = asyncio.run(check_live([url], _options(local_web, retries=2)))
    assert run.results[url].live.status is LiveStatus.FORBIDDEN
    asked = [r for r in local_web.requests("main") if r.path == "/cdn/challenge-503.html"]
    assert len(asked) == 1


def test_server_error_522_is_retried_before_it_is_reported(local_web: LocalWeb) -> None:
    local_web.clear_requests()
    url = local_web.url("status-522")
    run = asyncio.run(check_live([url], _options(local_web, retries=1)))
    assert run.results[url].live.status is LiveStatus.SERVER_ERROR
    assert len([r for r in local_web.requests("main") if r.path == "/status/522"]) == 2


def test_raw_and_percent_encoded_chinese_paths_reach_the_same_page(local_web: LocalWeb) -> None:
    local_web.clear_requests()
    urls = [local_web.url("chinese-path"), local_web.url("chinese-path-encoded")]
    run = asyncio.run(check_live(urls, _options(local_web, probe=False)))
    assert {run.results[u].live.status for u in urls} == {LiveStatus.OK}
    paths = {r.path for r in local_web.requests("main")}
    assert paths == {"/%E6%96%87%E6%A1%A3/%E6%8A%A5%E5%91%8A%202019.html"}


def test_id_shaped_probe_catches_soft_404s_that_random_names_miss(local_web: LocalWeb) -> None:
    local_web.clear_requests()
    urls = [local_web.url("soft404-numbered-path"), local_web.url("soft404-query-id")]
    run = asyncio.run(check_live(urls, _options(local_web)))
    for url in urls:
        live = run.results[url].live
        assert live.status is LiveStatus.SOFT_404, live.reason
    probes = [
        r.path
        for r in local_web.requests("soft404-ids")
        if r.path not in ("/art/2019/art_4471.html", "/view.php?id=4471")
    ]
    assert len(probes) == 2
    assert any(p.startswith("/art/2019/art_") for p in probes)
    assert any(p.startswith("/view.php?id=") for p in probes)
