"""Every case of the local web gets the right live status and a reason naming why."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time

import pytest

from linkwatch.live import LiveOptions, check_live
from linkwatch.live.run import LiveRun
from linkwatch.status import LiveStatus
from tests.web import LocalWeb
from tests.web.local_web import CASE_SPECS

#: The bot wall lets browser-like User-Agents through, and linkwatch's default is one.
DEFAULT_UA_OVERRIDES = {"ua-wall": ("ok", "")}


def _options(web: LocalWeb, **kw: object) -> LiveOptions:
    base = LiveOptions(
        allow_private=True,
        timeout=3.0,
        retries=1,
        retry_backoff=0.1,
        host_interval=0.02,
        per_host=4,
        concurrency=32,
        ca_bundle=web.ca_bundle,
        doi_resolver=web.doi_resolver,
    )
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def all_cases(local_web: LocalWeb) -> LiveRun:
    local_web.reset()
    urls = sorted({case.url for case in local_web.cases.values()})
    return asyncio.run(check_live(urls, _options(local_web)))


@pytest.mark.parametrize("name", [spec.name for spec in CASE_SPECS])
def test_case_gets_expected_status_and_reason(
    name: str, local_web: LocalWeb, all_cases: LiveRun
) -> None:
    case = local_web.cases[name]
    expected, hint = DEFAULT_UA_OVERRIDES.get(name, (case.expected_live, case.reason_hint))
    live = all_cases.results[case.url].live
    assert live.status.value == expected, live.reason
    assert hint.lower() in live.reason.lower()
    assert live.reason
    assert live.checked_at


def test_a_run_of_every_case_is_not_taken_for_an_outage(all_cases: LiveRun) -> None:
    assert all_cases.outage == ""


def test_bot_wall_is_forbidden_for_a_non_browser_user_agent(local_web: LocalWeb) -> None:
    url = local_web.url("ua-wall")
    run = asyncio.run(check_live([url], _options(local_web, user_agent="linkwatch-test/1.0")))
    live = run.results[url].live
    assert live.status is LiveStatus.FORBIDDEN
    assert "403" in live.reason and "inconclusive" in live.reason


def test_default_user_agent_names_linkwatch_and_looks_like_a_browser(
    local_web: LocalWeb,
) -> None:
    local_web.clear_requests()
    url = local_web.url("ok-html")
    asyncio.run(check_live([url], _options(local_web, probe=False)))
    (request,) = [r for r in local_web.requests("main") if r.path == "/ok.html"]
    agent = request.headers["user-agent"]
    assert agent.startswith("Mozilla/5.0") and "linkwatch/" in agent and "+http" in agent


def test_big_slow_body_is_read_only_up_to_the_cap(local_web: LocalWeb) -> None:
    url = local_web.url("big-slow-body")
    started = time.monotonic()
    run = asyncio.run(check_live([url], _options(local_web, max_bytes=64 * 1024, timeout=10)))
    live = run.results[url].live
    assert live.status is LiveStatus.OK
    assert "read the first 64 KiB" in live.reason
    assert live.fingerprint is not None and live.fingerprint.length == 50 * 1024 * 1024
    assert time.monotonic() - started < 5


def test_trickling_server_is_cut_off_by_the_total_deadline(local_web: LocalWeb) -> None:
    url = local_web.url("trickle")
    started = time.monotonic()
    run = asyncio.run(check_live([url], _options(local_web, timeout=1.0, retries=0)))
    assert run.results[url].live.status is LiveStatus.TIMEOUT
    assert time.monotonic() - started < 3


def test_test_ca_host_fails_tls_without_the_bundle(local_web: LocalWeb) -> None:
    url = local_web.url("tls-test-ca")
    run = asyncio.run(check_live([url], _options(local_web, ca_bundle=None)))
    live = run.results[url].live
    assert live.status is LiveStatus.TLS_ERROR
    assert "certificate" in live.reason


def test_head_405_falls_back_to_get_when_head_is_tried_first(local_web: LocalWeb) -> None:
    url = local_web.url("head-405-get-200")
    run = asyncio.run(check_live([url], _options(local_web, method="head")))
    live = run.results[url].live
    assert live.status is LiveStatus.OK
    assert live.reason.startswith("HEAD 405, GET 200")


def test_pdf_is_asked_with_head_first_then_read_for_its_text(local_web: LocalWeb) -> None:
    local_web.clear_requests()
    url = local_web.url("ok-pdf")
    run = asyncio.run(check_live([url], _options(local_web)))
    live = run.results[url].live
    assert live.status is LiveStatus.OK
    assert live.fingerprint is not None and live.fingerprint.content_type == "application/pdf"
    methods = [r.method for r in local_web.requests("main") if r.path == "/report.pdf"]
    # It fits the body cap, so it is read: the change check compares a PDF by its text.
    assert methods == ["HEAD", "GET"]


def test_rate_limited_page_is_retried_after_retry_after(local_web: LocalWeb) -> None:
    local_web.reset()
    local_web.clear_requests()
    url = local_web.url("first-429")
    run = asyncio.run(check_live([url], _options(local_web)))
    live = run.results[url].live
    assert live.status is LiveStatus.OK
    assert live.reason.startswith("GET 429, GET 200")
    starts = [r.start for r in local_web.requests("main") if r.path == "/rate-limited.html"]
    assert len(starts) == 2
    assert starts[1] - starts[0] >= 0.95


def test_rate_limit_without_retries_is_inconclusive(local_web: LocalWeb) -> None:
    local_web.reset()
    url = local_web.url("first-429")
    run = asyncio.run(check_live([url], _options(local_web, retries=0)))
    assert run.results[url].live.status is LiveStatus.RATE_LIMITED


def test_soft_404_probe_is_made_once_per_host_and_path_shape(local_web: LocalWeb) -> None:
    local_web.clear_requests()
    base = local_web.host("soft404-en")
    urls = [f"{base}/news/2019/article-{n}.html" for n in (1, 2, 3)]
    run = asyncio.run(check_live(urls, _options(local_web)))
    assert {run.results[u].live.status for u in urls} == {LiveStatus.SOFT_404}
    asked = {u[len(base) :] for u in urls}
    probes = [r for r in local_web.requests("soft404-en") if r.path not in asked]
    assert len(probes) == 1
    # A numbered name is probed with other numbers, shaped like a deleted article's URL.
    assert re.fullmatch(r"/news/2019/article-\d{7}\.html", probes[0].path)


def test_honest_host_keeps_a_page_with_not_found_words_alive(local_web: LocalWeb) -> None:
    # The main host answers probes with 404, so even its 404 case's siblings
    # are judged on their own status.
    local_web.clear_requests()
    url = local_web.url("ok-html")
    run = asyncio.run(check_live([url], _options(local_web)))
    assert run.results[url].live.status is LiveStatus.OK
    probes = [r for r in local_web.requests("main") if r.path.startswith("/lw")]
    assert len(probes) == 1


@pytest.mark.parametrize(
    ("which", "status", "words"),
    [
        ("live", LiveStatus.OK, "DOI registered"),
        ("bot-walled", LiveStatus.FORBIDDEN, "DOI registered"),
        ("unregistered", LiveStatus.NOT_FOUND, "not registered"),
    ],
)
def test_doi_is_checked_at_the_resolver_then_the_landing_page(
    local_web: LocalWeb, which: str, status: LiveStatus, words: str
) -> None:
    key = f"https://doi.org/{local_web.dois[which]}"
    # A plain bot User-Agent, so the publisher's wall is up.
    run = asyncio.run(check_live([key], _options(local_web, user_agent="linkwatch-test/1.0")))
    live = run.results[key].live
    assert live.status is status, live.reason
    assert words in live.reason
    if which != "unregistered":
        assert live.redirects and live.redirects[0].startswith("http://127.0.0.")


def test_results_handed_only_to_the_callback_match_the_kept_ones(
    local_web: LocalWeb, all_cases: LiveRun
) -> None:
    local_web.reset()
    urls = [local_web.cases[name].url for name in ("ok-html", "not-found-404", "redirect-301")]
    handed: dict[str, LiveStatus] = {}
    run = asyncio.run(
        check_live(
            urls,
            _options(local_web),
            on_result=lambda checked: handed.update({checked.live.url: checked.live.status}),
            keep_results=False,
        )
    )
    assert run.results == {}
    assert handed == {url: all_cases.results[url].live.status for url in urls}
