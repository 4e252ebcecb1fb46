"""Every case of the local web answers a plain httpx client as docs/testing.md says."""

from __future__ import annotations

import concurrent.futures
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from linkwatch.status import LiveStatus
from tests.web import LocalWeb
from tests.web.local_web import BIG_BODY_BYTES, CASE_SPECS, ETAG, LAST_MODIFIED

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

#: Cases whose first answer is a plain status code (no redirects followed).
PLAIN_STATUS = {
    "ok-html": 200,
    "ok-pdf": 200,
    "gbk-meta-charset": 200,
    "head-405-get-200": 200,
    "head-404-get-200": 200,
    "redirect-301": 301,
    "redirect-chain-3": 302,
    "redirect-307": 307,
    "redirect-308": 308,
    "meta-refresh": 200,
    "ua-wall": 403,
    "conditional-304": 200,
    "changing-page": 200,
    "title-change": 200,
    "not-found-404": 404,
    "gone-410": 410,
    "server-error-500": 500,
    "bad-gateway-502": 502,
    "redirect-loop": 302,
    "soft404-english": 200,
    "soft404-redirect-home": 302,
    "soft404-chinese": 200,
    "soft404-error-page": 302,
    "soft404-english-live": 200,
    "soft404-redirect-home-live": 200,
    "soft404-chinese-live": 200,
    "soft404-error-page-live": 200,
    "status-204": 204,
    "status-300": 300,
    "status-304-unsolicited": 304,
    "status-401": 401,
    "status-402": 402,
    "status-407": 407,
    "status-408": 408,
    "status-418": 418,
    "status-451": 451,
    "status-522": 522,
    "status-530": 530,
    "status-999": 999,
    "redirect-no-location": 301,
    "cdn-challenge-403": 403,
    "cdn-challenge-503": 503,
    "redirect-deleted-home": 301,
    "redirect-404-page": 302,
    "redirect-error-query": 302,
    "redirect-section": 301,
    "redirect-login": 302,
    "redirect-relative": 301,
    "redirect-protocol-relative": 301,
    "redirect-non-ascii": 301,
    "refresh-header": 200,
    "meta-refresh-slow": 200,
    "chinese-path": 200,
    "chinese-path-encoded": 200,
    "ok-with-fragment": 200,
    "gzip-body": 200,
    "deflate-body": 200,
    "br-body": 200,
    "gbk-header-charset": 200,
    "big5-meta-charset": 200,
    "soft404-numbered-path": 200,
    "soft404-numbered-path-live": 200,
    "soft404-query-id": 200,
    "soft404-query-id-live": 200,
    "article-about-404": 200,
    "headline-not-found": 200,
}

#: Cases with a test of their own below.
OWN_TESTS = {
    "slow-2s",
    "big-slow-body",
    "first-429",
    "first-503",
    "connection-refused",
    "reset-mid-response",
    "never-answers",
    "trickle",
    "dns-unresolvable",
    "tls-self-signed",
    "tls-test-ca",
    "wrong-content-length",
}


def _trusting(web: LocalWeb) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(web.ca_bundle))


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0, trust_env=False) as c:
        yield c


def test_every_case_is_tested_and_expects_a_live_status_word(local_web: LocalWeb) -> None:
    assert set(local_web.cases) == set(PLAIN_STATUS) | OWN_TESTS
    words = {status.value for status in LiveStatus}
    for case in local_web.cases.values():
        assert case.expected_live in words, case.name
        assert case.url.startswith(("http://", "https://")), case.name


def test_hosts_listen_on_distinct_loopback_addresses(local_web: LocalWeb) -> None:
    addresses = [urlsplit(base).hostname for name, base in local_web.hosts.items() if name != "dns"]
    assert len(addresses) == len(set(addresses))
    assert all(addr is not None and addr.startswith("127.") for addr in addresses)


@pytest.mark.parametrize("name", sorted(PLAIN_STATUS))
def test_case_answers_its_documented_status(
    local_web: LocalWeb, client: httpx.Client, name: str
) -> None:
    assert client.get(local_web.url(name)).status_code == PLAIN_STATUS[name]


def test_pdf_is_served_as_pdf(local_web: LocalWeb, client: httpx.Client) -> None:
    reply = client.get(local_web.url("ok-pdf"))
    assert reply.headers["content-type"] == "application/pdf"
    assert reply.content.startswith(b"%PDF-")


def test_gbk_page_declares_its_charset_only_in_meta(
    local_web: LocalWeb, client: httpx.Client
) -> None:
    reply = client.get(local_web.url("gbk-meta-charset"))
    assert reply.headers["content-type"] == "text/html"
    assert b"charset=gbk" in reply.content
    assert "转移就业" in reply.content.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        reply.content.decode("utf-8")


@pytest.mark.parametrize(
    ("name", "head_status"), [("head-405-get-200", 405), ("head-404-get-200", 404)]
)
def test_head_lies_while_get_answers(
    local_web: LocalWeb, client: httpx.Client, name: str, head_status: int
) -> None:
    assert client.head(local_web.url(name)).status_code == head_status
    assert client.get(local_web.url(name)).status_code == 200


@pytest.mark.parametrize(
    ("name", "hops"),
    [("redirect-301", 1), ("redirect-chain-3", 3), ("redirect-307", 1), ("redirect-308", 1)],
)
def test_redirects_end_at_a_live_page(
    local_web: LocalWeb, client: httpx.Client, name: str, hops: int
) -> None:
    reply = client.get(local_web.url(name), follow_redirects=True)
    assert reply.status_code == 200
    assert len(reply.history) == hops
    assert reply.url == local_web.url("ok-html")


def test_redirect_loop_never_ends(local_web: LocalWeb, client: httpx.Client) -> None:
    with pytest.raises(httpx.TooManyRedirects):
        client.get(local_web.url("redirect-loop"), follow_redirects=True)


def test_meta_refresh_points_to_a_live_page(local_web: LocalWeb, client: httpx.Client) -> None:
    reply = client.get(local_web.url("meta-refresh"))
    assert 'http-equiv="refresh"' in reply.text
    target = reply.text.split("url=", 1)[1].split('"', 1)[0]
    assert target == local_web.url("ok-html")
    assert client.get(target).status_code == 200


def test_slow_page_answers_after_two_seconds(local_web: LocalWeb, client: httpx.Client) -> None:
    began = time.monotonic()
    reply = client.get(local_web.url("slow-2s"))
    took = time.monotonic() - began
    assert reply.status_code == 200
    assert 1.9 <= took < 4.0


def test_big_body_is_50_mb_and_streams_slowly(local_web: LocalWeb, client: httpx.Client) -> None:
    began = time.monotonic()
    received = 0
    with client.stream("GET", local_web.url("big-slow-body")) as reply:
        assert reply.status_code == 200
        assert int(reply.headers["content-length"]) == BIG_BODY_BYTES
        for chunk in reply.iter_raw():
            received += len(chunk)
            if time.monotonic() - began > 0.5:
                break
    assert 0 < received < 5 * 1024 * 1024


def test_bot_wall_lets_browsers_through(local_web: LocalWeb, client: httpx.Client) -> None:
    assert client.get(local_web.url("ua-wall")).status_code == 403
    reply = client.get(local_web.url("ua-wall"), headers={"User-Agent": BROWSER_UA})
    assert reply.status_code == 200


def test_first_request_is_rate_limited_with_retry_after(
    local_web: LocalWeb, client: httpx.Client
) -> None:
    local_web.reset()
    try:
        first = client.get(local_web.url("first-429"))
        assert first.status_code == 429
        assert first.headers["retry-after"] == "1"
        assert client.get(local_web.url("first-429")).status_code == 200
    finally:
        local_web.reset()
    assert client.get(local_web.url("first-429")).status_code == 429


def test_first_request_is_unavailable_then_ok(local_web: LocalWeb, client: httpx.Client) -> None:
    local_web.reset()
    try:
        assert client.get(local_web.url("first-503")).status_code == 503
        assert client.get(local_web.url("first-503")).status_code == 200
    finally:
        local_web.reset()


def test_conditional_get_answers_304(local_web: LocalWeb, client: httpx.Client) -> None:
    url = local_web.url("conditional-304")
    first = client.get(url)
    assert first.headers["etag"] == ETAG
    assert first.headers["last-modified"] == LAST_MODIFIED
    assert client.get(url, headers={"If-None-Match": ETAG}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": LAST_MODIFIED}).status_code == 304
    older = "Mon, 01 Mar 2021 08:00:00 GMT"
    assert client.get(url, headers={"If-Modified-Since": older}).status_code == 200


def test_changing_page_switches_versions(local_web: LocalWeb, client: httpx.Client) -> None:
    url = local_web.url("changing-page")
    try:
        assert "withdrawn" in client.get(url).text
        local_web.set_version("changing-page", "v1")
        assert "3.05 million" in client.get(url).text
    finally:
        local_web.reset()
    assert "3.05 million" not in client.get(url).text


def test_title_change_changes_only_the_title(local_web: LocalWeb, client: httpx.Client) -> None:
    url = local_web.url("title-change")
    try:
        v1 = client.get(url).text
        local_web.set_version("title-change", "v2")
        v2 = client.get(url).text
    finally:
        local_web.reset()
    assert "<title>Annual work report 2019</title>" in v1
    assert "<title>Annual work report 2019 (revised)</title>" in v2
    assert v1.split("</title>", 1)[1] == v2.split("</title>", 1)[1]


def test_set_version_rejects_unknown_case(local_web: LocalWeb) -> None:
    with pytest.raises(KeyError, match="ok-html"):
        local_web.set_version("ok-html", "v1")
    with pytest.raises(ValueError, match="v3"):
        local_web.set_version("changing-page", "v3")


def test_refused_connection(local_web: LocalWeb, client: httpx.Client) -> None:
    with pytest.raises(httpx.ConnectError):
        client.get(local_web.url("connection-refused"))


def test_reset_mid_response_raises_read_error(local_web: LocalWeb, client: httpx.Client) -> None:
    with pytest.raises(httpx.ReadError):
        client.get(local_web.url("reset-mid-response"))


def test_never_answering_host_times_out(local_web: LocalWeb) -> None:
    with (
        httpx.Client(timeout=httpx.Timeout(0.5), trust_env=False) as quick,
        pytest.raises(httpx.ReadTimeout),
    ):
        quick.get(local_web.url("never-answers"))


def test_trickle_sends_bytes_but_never_finishes(local_web: LocalWeb) -> None:
    parts = urlsplit(local_web.url("trickle"))
    assert parts.hostname is not None and parts.port is not None
    with socket.create_connection((parts.hostname, parts.port), timeout=3.0) as sock:
        sock.sendall(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
        assert sock.recv(100) == b"H"
    with (
        httpx.Client(timeout=httpx.Timeout(0.5), trust_env=False) as quick,
        pytest.raises(httpx.ReadTimeout),
    ):
        quick.get(local_web.url("trickle"))


def test_unresolvable_name_fails_to_connect(local_web: LocalWeb, client: httpx.Client) -> None:
    assert urlsplit(local_web.url("dns-unresolvable")).hostname.endswith(".invalid")  # type: ignore[union-attr]
    with pytest.raises(httpx.ConnectError):
        client.get(local_web.url("dns-unresolvable"))


def test_self_signed_certificate_fails_verification(
    local_web: LocalWeb, client: httpx.Client
) -> None:
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        client.get(local_web.url("tls-self-signed"))
    with (
        httpx.Client(verify=_trusting(local_web), trust_env=False) as trusting,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        trusting.get(local_web.url("tls-self-signed"))


def test_test_ca_certificate_is_trusted_only_with_the_bundle(
    local_web: LocalWeb, client: httpx.Client
) -> None:
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        client.get(local_web.url("tls-test-ca"))
    with httpx.Client(verify=_trusting(local_web), trust_env=False) as trusting:
        assert trusting.get(local_web.url("tls-test-ca")).status_code == 200


@pytest.mark.parametrize(
    ("name", "live"),
    [
        ("soft404-english", "soft404-english-live"),
        ("soft404-chinese", "soft404-chinese-live"),
    ],
)
def test_soft_404_hosts_answer_random_paths_like_the_case(
    local_web: LocalWeb, client: httpx.Client, name: str, live: str
) -> None:
    case = client.get(local_web.url(name))
    base = local_web.host(local_web.cases[name].host)
    probe = client.get(f"{base}/zz-probe-{time.monotonic_ns()}.html")
    assert probe.status_code == case.status_code == 200
    assert probe.text == case.text
    assert client.get(local_web.url(live)).text != case.text


def test_soft_404_texts(local_web: LocalWeb, client: httpx.Client) -> None:
    assert "Page not found" in client.get(local_web.url("soft404-english")).text
    assert "您访问的页面不存在" in client.get(local_web.url("soft404-chinese")).text


def test_unknown_paths_redirect_home(local_web: LocalWeb, client: httpx.Client) -> None:
    base = local_web.host("soft404-home")
    for url in (local_web.url("soft404-redirect-home"), f"{base}/zz-probe.html"):
        reply = client.get(url)
        assert reply.status_code == 302
        assert reply.headers["location"] == f"{base}/"
    assert client.get(f"{base}/", follow_redirects=True).status_code == 200


def test_unknown_paths_redirect_to_an_error_page_that_answers_200(
    local_web: LocalWeb, client: httpx.Client
) -> None:
    base = local_web.host("soft404-errorpage")
    for url in (local_web.url("soft404-error-page"), f"{base}/zz-probe.html"):
        reply = client.get(url, follow_redirects=True)
        assert reply.status_code == 200
        assert reply.url == f"{base}/error.html"


def test_doi_handle_api_and_redirects(local_web: LocalWeb, client: httpx.Client) -> None:
    base = local_web.doi_resolver
    live = client.get(f"{base}/api/handles/{local_web.dois['live']}").json()
    assert live["responseCode"] == 1
    urls = [v["data"]["value"] for v in live["values"] if v["type"] == "URL"]
    assert urls == [local_web.url("ok-html")]
    walled = client.get(f"{base}/{local_web.dois['bot-walled']}")
    assert walled.status_code == 302
    assert walled.headers["location"] == local_web.url("ua-wall")
    missing = client.get(f"{base}/api/handles/{local_web.dois['unregistered']}")
    assert missing.status_code == 404
    assert missing.json()["responseCode"] == 100
    assert client.get(f"{base}/{local_web.dois['unregistered']}").status_code == 404


def test_requests_are_logged_per_host_with_timing(local_web: LocalWeb) -> None:
    local_web.clear_requests()
    soft = local_web.host("soft404-en")
    with httpx.Client(timeout=5.0, trust_env=False) as c:
        c.get(local_web.url("ok-html"), headers={"X-Probe": "yes"})
        c.get(f"{soft}/about.html")
    main = local_web.requests("main")
    assert [(r.method, r.path) for r in main] == [("GET", "/ok.html")]
    assert main[0].headers["x-probe"] == "yes"
    assert main[0].host == local_web.host("main")
    assert main[0].client.startswith("127.")
    assert main[0].start <= main[0].end
    assert [r.path for r in local_web.requests(soft)] == ["/about.html"]
    assert len(local_web.requests()) == 2
    local_web.clear_requests()
    assert local_web.requests() == []


def test_concurrent_requests_overlap_in_the_log(local_web: LocalWeb) -> None:
    local_web.clear_requests()
    url = local_web.url("ok-html")

    def fetch(_: int) -> int:
        with httpx.Client(timeout=5.0, trust_env=False) as c:
            return c.get(url).status_code

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        assert list(pool.map(fetch, range(4))) == [200] * 4
    records = local_web.requests("main")
    assert len(records) == 4
    assert len({r.client for r in records}) == 4


def test_specs_name_every_case_once() -> None:
    names = [spec.name for spec in CASE_SPECS]
    assert len(names) == len(set(names))


def test_start_and_close_leave_nothing_listening() -> None:
    began = time.monotonic()
    web = LocalWeb.start()
    started = time.monotonic() - began
    url = web.url("ok-html")
    assert httpx.get(url, trust_env=False).status_code == 200
    web.close()
    assert started < 3.0
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, trust_env=False)


def test_python_dash_m_tests_web_prints_the_case_table() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.web", "--no-archive", "--seconds", "0.1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    for spec in CASE_SPECS:
        assert spec.name in proc.stdout
    assert "CA bundle" in proc.stdout


def test_docs_list_every_case_with_its_expected_status() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "testing.md").read_text()
    for spec in CASE_SPECS:
        row = f"| `{spec.name}` | {spec.host} | `{spec.path}` |"
        assert row in doc, spec.name
        line = next(line for line in doc.splitlines() if line.startswith(row))
        assert f"| `{spec.expected_live}` |" in line, spec.name


def test_wrong_content_length_promises_more_than_it_sends(local_web: LocalWeb) -> None:
    with (
        httpx.Client(timeout=5.0, trust_env=False) as c,
        pytest.raises(httpx.RemoteProtocolError, match="expected 50000"),
    ):
        c.get(local_web.url("wrong-content-length"))
