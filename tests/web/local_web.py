"""The local web: several hosts on loopback, each behaviour a named case with its expectation.

Hosts listen on 127.0.0.11, 127.0.0.12, ... with ephemeral ports. `LocalWeb.start()` brings them
all up on one background event loop; `close()` tears everything down, including connections
that are being trickled or never answered.
"""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import json
import re
import shutil
import socket
import tempfile
import time
import zlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import brotli

from tests.web._http import (
    Closing,
    Handler,
    HTTPServer,
    LoopThread,
    Request,
    RequestLog,
    RequestRecord,
    Response,
    abort_with_reset,
    html,
    redirect,
)
from tests.web.tls import self_signed_context, test_ca_context

#: Host name -> loopback address. Each address is a distinct "host" to a checker.
HOST_IPS = {
    "main": "127.0.0.11",
    "rude": "127.0.0.12",
    "soft404-en": "127.0.0.13",
    "soft404-home": "127.0.0.14",
    "soft404-zh": "127.0.0.15",
    "soft404-errorpage": "127.0.0.16",
    "tls-good": "127.0.0.17",
    "tls-self": "127.0.0.18",
    "refused": "127.0.0.19",
    "doi": "127.0.0.20",
    "soft404-ids": "127.0.0.21",
}

UNRESOLVABLE_HOST = "linkwatch-no-such-host.invalid"
BIG_BODY_BYTES = 50 * 1024 * 1024
BIG_CHUNK = 64 * 1024
BIG_CHUNK_INTERVAL = 0.05
LAST_MODIFIED = "Tue, 02 Mar 2021 08:00:00 GMT"
ETAG = '"lw-conditional-1"'
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# Two editions of a cited PDF report: /papers/steady.pdf serves the first, /papers/revised.pdf
# the second, rewritten; the change check compares them by their text.
PAPER_V1_LINES = (
    "The county labour bureau reported that 3.05 million rural workers were transferred in",
    "2019, ten percent more than the year before. Training sessions were held in every",
    "township, and the bureau published the quotas for each village in its annual plan.",
)
PAPER_V2_LINES = (
    "This document has been withdrawn. The statistics office now publishes a different",
    "series on household income, drawn from a survey of urban residents in the provincial",
    "capital, with new definitions that cannot be compared with any earlier publication.",
)


def paper_pdf(lines: tuple[str, ...]) -> bytes:
    """A one-page PDF report with ``lines`` as its text."""
    from tests.web.pdfdoc import make_pdf, paragraph

    return make_pdf([list(paragraph(60, 740, list(lines)))])


LOREM = (
    "The county labour bureau reported that 3.05 million rural workers were transferred in 2019, "
    "10.9 percent more than the year before, and that 1,606 training sessions were held. "
)


@dataclass(frozen=True)
class Case:
    """A named behaviour of the local web and what a live check should make of it."""

    name: str
    url: str
    expected_live: str
    reason_hint: str
    description: str
    host: str = ""


@dataclass(frozen=True)
class _CaseSpec:
    name: str
    host: str
    path: str
    expected_live: str
    reason_hint: str
    description: str


#: Every case: name, host, path, expected live status, reason hint, description.
CASE_SPECS: tuple[_CaseSpec, ...] = (
    # alive
    _CaseSpec("ok-html", "main", "/ok.html", "ok", "", "plain HTML page, 200"),
    _CaseSpec("ok-pdf", "main", "/report.pdf", "ok", "", "a PDF document, 200 application/pdf"),
    _CaseSpec(
        "gbk-meta-charset",
        "main",
        "/gbk.html",
        "ok",
        "",
        "GBK-encoded Chinese HTML; the charset is only in a <meta> tag, not in Content-Type",
    ),
    _CaseSpec(
        "head-405-get-200", "main", "/head-405.html", "ok", "", "HEAD answers 405, GET answers 200"
    ),
    _CaseSpec(
        "head-404-get-200", "main", "/head-404.html", "ok", "", "HEAD answers 404, GET answers 200"
    ),
    _CaseSpec("redirect-301", "main", "/moved-301", "redirected", "301", "301 to /ok.html"),
    _CaseSpec(
        "redirect-chain-3",
        "main",
        "/chain/1",
        "redirected",
        "",
        "three hops (302, 301, 302) ending at /ok.html",
    ),
    _CaseSpec("redirect-307", "main", "/moved-307", "redirected", "307", "307 to /ok.html"),
    _CaseSpec("redirect-308", "main", "/moved-308", "redirected", "308", "308 to /ok.html"),
    _CaseSpec(
        "meta-refresh",
        "main",
        "/refresh.html",
        "redirected",
        "refresh",
        'a 200 page with <meta http-equiv="refresh" content="0; url=/ok.html">',
    ),
    _CaseSpec("slow-2s", "main", "/slow.html", "ok", "", "answers 200 after 2 seconds"),
    _CaseSpec(
        "big-slow-body",
        "rude",
        "/big.html",
        "ok",
        "",
        "200 text/html with a 50 MB body generated on the fly at about 1.3 MB/s "
        "(a checker must stop reading early)",
    ),
    _CaseSpec(
        "ua-wall",
        "main",
        "/botwall.html",
        "forbidden",
        "403",
        "403 unless the User-Agent looks like a browser (contains 'Mozilla/'); 200 then",
    ),
    _CaseSpec(
        "first-429",
        "main",
        "/rate-limited.html",
        "ok",
        "",
        "429 with Retry-After: 1 on a client's first request, 200 afterwards (see reset())",
    ),
    _CaseSpec(
        "first-503",
        "main",
        "/unavailable-once.html",
        "ok",
        "",
        "503 on a client's first request, 200 afterwards (see reset())",
    ),
    _CaseSpec(
        "conditional-304",
        "main",
        "/conditional.html",
        "ok",
        "",
        f"200 with ETag {ETAG} and Last-Modified; 304 to If-None-Match / If-Modified-Since",
    ),
    # content that changes
    _CaseSpec(
        "changing-page",
        "main",
        "/changing.html",
        "ok",
        "",
        "text switches between v1 and v2 with set_version(); serves v2 until told otherwise",
    ),
    _CaseSpec(
        "title-change",
        "main",
        "/title-change.html",
        "ok",
        "",
        "only the <title> differs between v1 and v2 (serves v1 until told otherwise)",
    ),
    # dead
    _CaseSpec("not-found-404", "main", "/missing.html", "not-found", "404", "404"),
    _CaseSpec("gone-410", "main", "/gone.html", "gone", "410", "410"),
    _CaseSpec("server-error-500", "main", "/error-500.html", "server-error", "500", "always 500"),
    _CaseSpec("bad-gateway-502", "main", "/error-502.html", "server-error", "502", "always 502"),
    _CaseSpec(
        "redirect-loop",
        "main",
        "/loop/a",
        "connection-error",
        "redirect",
        "/loop/a and /loop/b redirect to each other forever",
    ),
    _CaseSpec(
        "connection-refused",
        "refused",
        "/page.html",
        "connection-error",
        "refused",
        "nothing listens on this address and port",
    ),
    _CaseSpec(
        "reset-mid-response",
        "rude",
        "/reset.html",
        "connection-error",
        "reset",
        "headers and part of the body, then a TCP reset",
    ),
    _CaseSpec(
        "never-answers",
        "rude",
        "/never.html",
        "timeout",
        "timeout",
        "accepts the connection, reads the request, never answers",
    ),
    _CaseSpec(
        "trickle",
        "rude",
        "/trickle.html",
        "timeout",
        "timeout",
        "sends the response one byte a second, forever (only a total deadline stops it)",
    ),
    _CaseSpec(
        "dns-unresolvable",
        "dns",
        "/page.html",
        "dns-error",
        "resolve",
        f"the name {UNRESOLVABLE_HOST} cannot resolve (.invalid is reserved)",
    ),
    _CaseSpec(
        "tls-self-signed",
        "tls-self",
        "/",
        "tls-error",
        "certificate",
        "HTTPS with a self-signed certificate",
    ),
    # TLS done right
    _CaseSpec(
        "tls-test-ca",
        "tls-good",
        "/",
        "ok",
        "",
        "HTTPS with a certificate from the test CA: trusted when ca_bundle is given",
    ),
    # soft 404s (each host also has live pages and treats random paths the same way)
    _CaseSpec(
        "soft404-english",
        "soft404-en",
        "/news/2019/article-4471.html",
        "soft-404",
        "not found",
        'unknown paths answer 200 with an English "Page not found" page',
    ),
    _CaseSpec(
        "soft404-redirect-home",
        "soft404-home",
        "/policy/2018/doc-88.html",
        "soft-404",
        "home",
        "unknown paths answer 302 to the home page",
    ),
    _CaseSpec(
        "soft404-chinese",
        "soft404-zh",
        "/zwgk/2019/art_1234.html",
        "soft-404",
        "不存在",
        "unknown paths answer 200 with 您访问的页面不存在",
    ),
    _CaseSpec(
        "soft404-error-page",
        "soft404-errorpage",
        "/docs/report-2017.html",
        "soft-404",
        "error",
        "unknown paths redirect 302 to /error.html, which answers 200",
    ),
    _CaseSpec(
        "soft404-english-live",
        "soft404-en",
        "/about.html",
        "ok",
        "",
        "a real page on the English soft-404 host",
    ),
    _CaseSpec(
        "soft404-redirect-home-live",
        "soft404-home",
        "/about.html",
        "ok",
        "",
        "a real page on the redirect-home host",
    ),
    _CaseSpec(
        "soft404-chinese-live",
        "soft404-zh",
        "/zwgk/index.html",
        "ok",
        "",
        "a real page on the Chinese soft-404 host",
    ),
    _CaseSpec(
        "soft404-error-page-live",
        "soft404-errorpage",
        "/about.html",
        "ok",
        "",
        "a real page on the /error.html host",
    ),
    # status codes beyond the common ones
    _CaseSpec("status-204", "main", "/status/204", "ok", "no content", "204 No Content"),
    _CaseSpec(
        "status-300", "main", "/status/300", "ok", "several", "300 Multiple Choices, no Location"
    ),
    _CaseSpec(
        "status-304-unsolicited",
        "main",
        "/status/304",
        "ok",
        "304",
        "304 Not Modified although the request carried no validator",
    ),
    _CaseSpec("status-401", "main", "/status/401", "forbidden", "sign-in", "401 Unauthorized"),
    _CaseSpec("status-402", "main", "/status/402", "forbidden", "payment", "402 (a paywall)"),
    _CaseSpec(
        "status-407", "main", "/status/407", "forbidden", "proxy", "407 Proxy Authentication"
    ),
    _CaseSpec("status-408", "main", "/status/408", "timeout", "408", "always 408 Request Timeout"),
    _CaseSpec("status-418", "main", "/status/418", "forbidden", "418", "418 (a bot wall's joke)"),
    _CaseSpec(
        "status-451",
        "main",
        "/status/451",
        "forbidden",
        "legal",
        "451 Unavailable For Legal Reasons",
    ),
    _CaseSpec(
        "status-522",
        "main",
        "/status/522",
        "server-error",
        "CDN",
        "always 522 (Cloudflare: origin timed out)",
    ),
    _CaseSpec(
        "status-530",
        "main",
        "/status/530",
        "server-error",
        "CDN",
        "always 530 (Cloudflare: origin unreachable)",
    ),
    _CaseSpec("status-999", "main", "/status/999", "forbidden", "999", "999 (LinkedIn's refusal)"),
    _CaseSpec(
        "redirect-no-location",
        "main",
        "/status/301-no-location",
        "connection-error",
        "Location",
        "301 without a Location header",
    ),
    _CaseSpec(
        "cdn-challenge-403",
        "main",
        "/cdn/challenge.html",
        "forbidden",
        "challenge",
        "403 with cf-mitigated: challenge and a 'Just a moment...' page",
    ),
    _CaseSpec(
        "cdn-challenge-503",
        "main",
        "/cdn/challenge-503.html",
        "forbidden",
        "challenge",
        "503 'Just a moment...' from Server: cloudflare (a challenge, not an outage: not retried)",
    ),
    # redirects that say the page is gone, or that need a sign-in
    _CaseSpec(
        "redirect-deleted-home",
        "main",
        "/news/deleted-story.html",
        "soft-404",
        "home",
        "301 to the home page on a host that answers unknown paths with 404",
    ),
    _CaseSpec(
        "redirect-404-page",
        "main",
        "/news/old-story.html",
        "soft-404",
        "error",
        "302 to /404.html, which answers 200",
    ),
    _CaseSpec(
        "redirect-error-query",
        "main",
        "/news/removed-story.html",
        "soft-404",
        "error",
        "302 to /search?error=404, which answers 200",
    ),
    _CaseSpec(
        "redirect-section",
        "main",
        "/news/2019/story-55.html",
        "soft-404",
        "section",
        "301 up to the /news/ section page",
    ),
    _CaseSpec(
        "redirect-login",
        "main",
        "/members/report.html",
        "forbidden",
        "sign-in",
        "302 to another host's /cas/login?service=..., which answers 200 with a login form",
    ),
    _CaseSpec(
        "redirect-relative",
        "main",
        "/rel/old.html",
        "redirected",
        "301",
        "301 with a relative Location (../ok.html)",
    ),
    _CaseSpec(
        "redirect-protocol-relative",
        "main",
        "/moved-scheme-relative",
        "redirected",
        "301",
        "301 with a protocol-relative Location (//host:port/ok.html)",
    ),
    _CaseSpec(
        "redirect-non-ascii",
        "main",
        "/moved-unicode",
        "redirected",
        "301",
        "301 whose Location holds raw UTF-8 Chinese and a space (/文档/报告 2019.html)",
    ),
    _CaseSpec(
        "refresh-header",
        "main",
        "/refresh-header.html",
        "redirected",
        "refresh",
        "200 with a 'Refresh: 0; url=/ok.html' header",
    ),
    _CaseSpec(
        "meta-refresh-slow",
        "main",
        "/refresh-slow.html",
        "ok",
        "",
        "a page that reloads itself every 300 s with <meta refresh> (not a move)",
    ),
    # URLs and bodies in unusual shapes
    _CaseSpec(
        "chinese-path",
        "main",
        "/文档/报告 2019.html",
        "ok",
        "",
        "a path of raw Chinese characters and a space, as cited",
    ),
    _CaseSpec(
        "chinese-path-encoded",
        "main",
        "/%E6%96%87%E6%A1%A3/%E6%8A%A5%E5%91%8A%202019.html",
        "ok",
        "",
        "the same page, its path percent-encoded",
    ),
    _CaseSpec("ok-with-fragment", "main", "/ok.html#section-2", "ok", "", "a URL with a fragment"),
    _CaseSpec(
        "wrong-content-length",
        "main",
        "/short-body.html",
        "ok",
        "",
        "Content-Length 50000 but a 3 KB page, then the connection closes (as browsers accept)",
    ),
    _CaseSpec("gzip-body", "main", "/gzip.html", "ok", "", "Content-Encoding: gzip"),
    _CaseSpec("deflate-body", "main", "/deflate.html", "ok", "", "Content-Encoding: deflate"),
    _CaseSpec("br-body", "main", "/br.html", "ok", "", "Content-Encoding: br (brotli)"),
    _CaseSpec(
        "gbk-header-charset",
        "main",
        "/gbk-header.html",
        "ok",
        "",
        "GBK-encoded Chinese HTML; the charset only in Content-Type, no <meta>",
    ),
    _CaseSpec(
        "big5-meta-charset",
        "main",
        "/big5.html",
        "ok",
        "",
        "Big5-encoded traditional Chinese HTML; the charset only in a <meta> tag",
    ),
    # soft 404s only for URLs shaped like articles
    _CaseSpec(
        "soft404-numbered-path",
        "soft404-ids",
        "/art/2019/art_4471.html",
        "soft-404",
        "删除",
        "unknown art_<number>.html pages answer 200 '该页面已被删除'; other unknown paths 404",
    ),
    _CaseSpec(
        "soft404-numbered-path-live",
        "soft404-ids",
        "/art/2019/art_1001.html",
        "ok",
        "",
        "a real numbered article on that host",
    ),
    _CaseSpec(
        "soft404-query-id",
        "soft404-ids",
        "/view.php?id=4471",
        "soft-404",
        "不存在",
        "unknown view.php?id=<number> answer 200 with a short '对不起，您访问的信息不存在' page",
    ),
    _CaseSpec(
        "soft404-query-id-live",
        "soft404-ids",
        "/view.php?id=1001",
        "ok",
        "",
        "a real article by id on that host",
    ),
    # real pages whose titles mention "404" or "not found"
    _CaseSpec(
        "article-about-404",
        "soft404-en",
        "/articles/404-history.html",
        "ok",
        "",
        "a real article titled 'What is a 404 error? ...' on the host that soft-404s",
    ),
    _CaseSpec(
        "headline-not-found",
        "soft404-en",
        "/news/2020/hikers-not-found.html",
        "ok",
        "",
        "a real news story headlined 'Missing hikers not found after week-long search'",
    ),
)

#: Pages whose content the tests switch, and their default version.
DEFAULT_VERSIONS = {"changing-page": "v2", "title-change": "v1"}

#: DOIs the resolver double knows (and one it does not).
DOIS = {
    "live": "10.5555/linkwatch.live",
    "bot-walled": "10.5555/linkwatch.botwall",
    "unregistered": "10.5555/linkwatch.unregistered",
}


def _page(title: str, body: str, lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<title>{title}</title></head>\n<body><nav><a href="/">Home</a></nav>'
        f"<main><h1>{title}</h1>\n{body}\n</main><footer>Local web</footer></body></html>\n"
    )


def _article(title: str, topic: str) -> str:
    paragraphs = "\n".join(f"<p>{topic}: paragraph {i}. {LOREM}</p>" for i in range(1, 6))
    return _page(title, paragraphs)


CHANGING_TEXT = {
    "v1": _page(
        "Labour transfer notice",
        "<p>In 2019 the prefecture transferred 3.05 million rural workers, 10.9 percent more than "
        "the year before. Officials held 1,606 vocational training sessions and placed 82,000 "
        "workers in factories in other provinces.</p>",
    ),
    "v2": _page(
        "Labour transfer notice",
        "<p>This notice has been withdrawn. The prefecture's employment office now publishes "
        "quarterly summaries of vocational education and poverty alleviation work instead, "
        "without figures for individual counties.</p>",
    ),
}

GBK_PAGE = (
    '<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" '
    'content="text/html; charset=gbk"><title>新疆劳动力转移就业工作情况</title></head>\n'
    "<body><h1>新疆劳动力转移就业工作情况</h1>\n"
    "<p>2019年全区农村富余劳动力转移就业305万人次，同比增长10.9%。</p>\n"
    "<p>共举办职业技能培训1606期，转移到区外就业8.2万人。</p></body></html>\n"
)

SOFT404_EN = _page(
    "Page not found",
    "<p>Sorry, the page you requested could not be found. It may have been moved or deleted. "
    'Please return to the <a href="/">home page</a> or use the search box.</p>',
)
SOFT404_ZH = (
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>提示信息</title>'
    '</head>\n<body><div class="err"><h1>您访问的页面不存在</h1>\n'
    '<p>对不起，您访问的页面不存在或已被删除。请<a href="/">返回首页</a>。</p>'
    "</div></body></html>\n"
)
ERROR_PAGE = _page(
    "Error",
    "<p>An error occurred: the document you asked for is not available on this site. "
    'Go back to the <a href="/">start page</a>.</p>',
)

SOFT404_DELETED = (
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>市人民政府网站</title>'
    '</head>\n<body><div class="tip">该页面已被删除</div>'
    '<p><a href="/">返回首页</a></p></body></html>\n'
)
SOFT404_QUERY = (
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>市人民政府网站</title>'
    '</head>\n<body><div class="msg">对不起，您访问的信息不存在！</div></body></html>\n'
)
CHALLENGE_PAGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    "<noscript>Enable JavaScript and cookies to continue</noscript></body></html>"
)
CHINESE_PATH = "/文档/报告 2019.html"
CHINESE_REPORT = "2019年全区农村富余劳动力转移就业305万人次。"
BIG5_PAGE = (
    '<!DOCTYPE html>\n<html><head><meta charset="big5"><title>勞動力轉移就業工作情況</title>'
    "</head>\n<body><h1>勞動力轉移就業工作情況</h1>\n"
    "<p>2019年全區農村富餘勞動力轉移就業305萬人次，同比增長10.9%。</p></body></html>\n"
)
#: Paths of the main host's unusual answers (some answer nothing, closing the connection).
QUIRK_PATHS = frozenset({"/short-body.html"})


def _looks_like_browser(user_agent: str) -> bool:
    return "Mozilla/" in user_agent


def _free_port(ip: str) -> int:
    """A port on `ip` that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind((ip, 0))
        port: int = sock.getsockname()[1]
        return port


class LocalWeb(Closing):
    """Every host of the local web, running; see the module docstring."""

    def __init__(self, workdir: Path | None = None) -> None:
        self._own_dir = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="linkwatch-web-"))
        self._log = RequestLog()
        self._loop: LoopThread | None = None
        self._servers: dict[str, HTTPServer] = {}
        self._bases: dict[str, str] = {}
        self._versions = dict(DEFAULT_VERSIONS)
        self._first_seen: set[tuple[str, str]] = set()
        self._stopping = asyncio.Event()
        self._ca_bundle: Path | None = None
        self.cases: dict[str, Case] = {}
        self.startup_seconds = 0.0

    # -- life cycle ---------------------------------------------------------------------

    @classmethod
    def start(cls, workdir: Path | None = None) -> LocalWeb:
        """A started local web (all hosts listening)."""
        web = cls(workdir)
        try:
            web._start()
        except BaseException:
            web.close()
            raise
        return web

    def _start(self) -> None:
        began = time.monotonic()
        good_ctx, self._ca_bundle = test_ca_context(HOST_IPS["tls-good"], self.workdir)
        self_ctx = self_signed_context(HOST_IPS["tls-self"], self.workdir)
        handlers: dict[str, Handler] = {
            "main": self._main,
            "rude": self._rude,
            "soft404-en": self._soft404_en,
            "soft404-home": self._soft404_home,
            "soft404-zh": self._soft404_zh,
            "soft404-errorpage": self._soft404_errorpage,
            "tls-good": self._tls_page,
            "tls-self": self._tls_page,
            "doi": self._doi,
            "soft404-ids": self._soft404_ids,
        }
        contexts = {"tls-good": good_ctx, "tls-self": self_ctx}
        self._loop = LoopThread()
        for name, handler in handlers.items():
            self._servers[name] = HTTPServer(
                name, HOST_IPS[name], handler, self._log, ssl_context=contexts.get(name)
            )

        async def _start_all() -> None:
            self._stopping = asyncio.Event()
            await asyncio.gather(*(s.start() for s in self._servers.values()))

        self._loop.run(_start_all())
        self._bases = {name: s.base_url for name, s in self._servers.items()}
        self._bases["refused"] = f"http://{HOST_IPS['refused']}:{_free_port(HOST_IPS['refused'])}"
        self._bases["dns"] = f"http://{UNRESOLVABLE_HOST}"
        for spec in CASE_SPECS:
            self.cases[spec.name] = Case(
                name=spec.name,
                url=self._bases[spec.host] + spec.path,
                expected_live=spec.expected_live,
                reason_hint=spec.reason_hint,
                description=spec.description,
                host=spec.host,
            )
        self.startup_seconds = time.monotonic() - began

    def close(self) -> None:
        """Stop every server and connection, and remove the working directory."""
        if self._loop is not None:

            async def _stop_all() -> None:
                self._stopping.set()
                await asyncio.gather(*(s.stop() for s in self._servers.values()))

            loop, self._loop = self._loop, None
            loop.shutdown(_stop_all())
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # -- the contract -------------------------------------------------------------------

    def url(self, case: str) -> str:
        """Absolute URL of the named case."""
        try:
            return self.cases[case].url
        except KeyError:
            raise KeyError(
                f"no local-web case named {case!r}; known: {sorted(self.cases)}"
            ) from None

    def host(self, name: str) -> str:
        """Base URL (scheme://ip:port) of the named host."""
        try:
            return self._bases[name]
        except KeyError:
            raise KeyError(
                f"no local-web host named {name!r}; known: {sorted(self._bases)}"
            ) from None

    @property
    def hosts(self) -> dict[str, str]:
        """Host name -> base URL."""
        return dict(self._bases)

    def requests(self, host: str | None = None) -> list[RequestRecord]:
        """Every request received, in arrival order; `host` is a host name or a base URL."""
        if host is not None and host in self._bases:
            host = self._bases[host]
        return self._log.snapshot(host)

    def clear_requests(self) -> None:
        self._log.clear()

    def set_version(self, case: str, version: str) -> None:
        """Switch a content-changing page ("changing-page", "title-change") to "v1" or "v2"."""
        if case not in DEFAULT_VERSIONS:
            raise KeyError(
                f"{case!r} is not a content-changing case; use {sorted(DEFAULT_VERSIONS)}"
            )
        if version not in ("v1", "v2"):
            raise ValueError(f"version must be 'v1' or 'v2', not {version!r}")
        self._versions[case] = version

    def reset(self) -> None:
        """Forget which clients were seen (first-429, first-503) and restore default versions."""
        self._first_seen.clear()
        self._versions = dict(DEFAULT_VERSIONS)

    @property
    def ca_bundle(self) -> Path:
        assert self._ca_bundle is not None
        return self._ca_bundle

    @property
    def doi_resolver(self) -> str:
        return self._bases["doi"]

    @property
    def dois(self) -> dict[str, str]:
        """Role ("live", "bot-walled", "unregistered") -> DOI."""
        return dict(DOIS)

    def doi_landing(self, doi: str) -> str | None:
        """The landing URL the resolver gives for `doi`, or None when it is unregistered."""
        landing = {
            DOIS["live"]: self.url("ok-html"),
            DOIS["bot-walled"]: self.url("ua-wall"),
        }
        return landing.get(doi)

    # -- handlers -----------------------------------------------------------------------

    def _first_time(self, request: Request) -> bool:
        key = (request.path, request.client_ip)
        if key in self._first_seen:
            return False
        self._first_seen.add(key)
        return True

    async def _main(self, request: Request, writer: asyncio.StreamWriter) -> Response | None:
        path = request.path
        base = request.host
        routes: dict[str, Callable[[], Response]] = {
            "/": lambda: html(_page("Local web", "<p>The main host of the local web.</p>")),
            "/ok.html": lambda: html(_article("A plain page", "Plain page")),
            "/report.pdf": lambda: Response(200, [("Content-Type", "application/pdf")], PDF_BYTES),
            "/papers/steady.pdf": lambda: Response(
                200, [("Content-Type", "application/pdf")], paper_pdf(PAPER_V1_LINES)
            ),
            "/papers/revised.pdf": lambda: Response(
                200, [("Content-Type", "application/pdf")], paper_pdf(PAPER_V2_LINES)
            ),
            "/gbk.html": lambda: Response(
                200, [("Content-Type", "text/html")], GBK_PAGE.encode("gbk")
            ),
            "/moved-301": lambda: redirect(f"{base}/ok.html", 301),
            "/moved-307": lambda: redirect(f"{base}/ok.html", 307),
            "/moved-308": lambda: redirect(f"{base}/ok.html", 308),
            "/chain/1": lambda: redirect(f"{base}/chain/2", 302),
            "/chain/2": lambda: redirect("/chain/3", 301),
            "/chain/3": lambda: redirect(f"{base}/ok.html", 302),
            "/loop/a": lambda: redirect(f"{base}/loop/b", 302),
            "/loop/b": lambda: redirect(f"{base}/loop/a", 302),
            "/refresh.html": lambda: html(
                '<!DOCTYPE html><html><head><meta http-equiv="refresh" '
                f'content="0; url={base}/ok.html"><title>Moved</title></head>'
                "<body>This page has moved.</body></html>"
            ),
            "/gone.html": lambda: html(_page("Gone", "<p>This page was removed.</p>"), 410),
            "/error-500.html": lambda: html(_page("Server error", "<p>Internal error.</p>"), 500),
            "/error-502.html": lambda: html(_page("Bad gateway", "<p>Upstream failed.</p>"), 502),
            "/a/good-near.html": lambda: html(_article("Good near", "Archived often")),
            "/a/late-only.html": lambda: html(_article("Late only", "Archived late")),
            "/a/redirect-capture.html": lambda: redirect(f"{base}/a/redirect-target.html", 301),
            "/a/redirect-target.html": lambda: html(_article("Redirect target", "Target")),
            "/a/never.html": lambda: html(_article("Never archived", "Never archived")),
        }
        if path in routes:
            return routes[path]()
        if path == "/head-405.html":
            if request.method == "HEAD":
                return Response(405, [("Allow", "GET"), ("Content-Type", "text/html")])
            return html(_article("HEAD not allowed", "HEAD 405"))
        if path == "/head-404.html":
            if request.method == "HEAD":
                return Response(404, [("Content-Type", "text/html")])
            return html(_article("HEAD says missing", "HEAD 404"))
        if path == "/slow.html":
            await asyncio.sleep(2.0)
            return html(_article("A slow page", "Slow"))
        if path == "/botwall.html":
            if _looks_like_browser(request.headers.get("user-agent", "")):
                return html(_article("Behind a bot wall", "Bot wall"))
            return html(_page("Access denied", "<p>Automated access is not allowed.</p>"), 403)
        if path == "/rate-limited.html":
            if self._first_time(request):
                return html(_page("Too many requests", "<p>Slow down.</p>"), 429, Retry_After="1")
            return html(_article("Rate limited once", "Rate limit"))
        if path == "/unavailable-once.html":
            if self._first_time(request):
                return html(_page("Unavailable", "<p>Try again.</p>"), 503)
            return html(_article("Unavailable once", "Unavailable"))
        if path == "/conditional.html":
            return self._conditional(request)
        if path == "/changing.html":
            return html(CHANGING_TEXT[self._versions["changing-page"]])
        if path == "/title-change.html":
            titles = {"v1": "Annual work report 2019", "v2": "Annual work report 2019 (revised)"}
            page = _page("Annual work report 2019", f"<p>{LOREM * 3}</p>")
            title = titles[self._versions["title-change"]]
            return html(
                page.replace("<title>Annual work report 2019</title>", f"<title>{title}</title>")
            )
        quirk = await self._quirk(request, writer)
        if quirk is not None or request.path in QUIRK_PATHS:
            return quirk
        return html(_page("Not Found", "<p>The requested URL was not found.</p>"), 404)

    async def _quirk(self, request: Request, writer: asyncio.StreamWriter) -> Response | None:
        """The main host's unusual status codes, redirects, encodings and bodies."""
        path = unquote(request.path)
        base = request.host
        if path.startswith("/status/"):
            code = path[len("/status/") :]
            if code == "301-no-location":
                return Response(301, [("Content-Type", "text/html")], b"<html>moved</html>")
            if code == "300":
                return html(_page("Multiple choices", "<p>Choose: English or 中文.</p>"), 300)
            if code in ("204", "304"):
                return Response(int(code), [])
            if code == "407":
                return Response(407, [("Proxy-Authenticate", 'Basic realm="proxy"')], b"")
            if code.isdigit():
                return html(_page(f"Status {code}", f"<p>This answer is {code}.</p>"), int(code))
        if path == "/cdn/challenge.html":
            return html(CHALLENGE_PAGE, 403, cf_mitigated="challenge", Server="cloudflare")
        if path == "/cdn/challenge-503.html":
            return html(CHALLENGE_PAGE, 503, Server="cloudflare")
        moves = {
            "/news/deleted-story.html": (f"{base}/", 301),
            "/news/old-story.html": ("/404.html", 302),
            "/news/removed-story.html": ("/search?error=404", 302),
            "/news/2019/story-55.html": (f"{base}/news/", 301),
            "/members/report.html": (
                f"{self._bases['soft404-ids']}/cas/login?service={base}/members/report.html",
                302,
            ),
            "/rel/old.html": ("../ok.html", 301),
            "/moved-scheme-relative": ("//" + base.split("://", 1)[1] + "/ok.html", 301),
            # Raw UTF-8 in the header, as some servers send it.
            "/moved-unicode": (CHINESE_PATH.encode().decode("latin-1"), 301),
        }
        if path in moves:
            return redirect(*moves[path])
        if path == "/404.html":
            return html(SOFT404_EN)
        if path == "/search":
            return html(_page("Search", "<p>Search this site.</p><p>No results.</p>"))
        if path == "/news/":
            return html(_article("News", "News index"))
        if path == CHINESE_PATH:
            return html(_page("报告 2019", f"<p>{CHINESE_REPORT}</p>", "zh"))
        if path == "/refresh-header.html":
            return html(
                _page("Moved", "<p>This page has moved.</p>"), Refresh=f"0; url={base}/ok.html"
            )
        if path == "/refresh-slow.html":
            page = _article("Live ticker", "Ticker")
            return html(
                page.replace(
                    "<head>", f'<head><meta http-equiv="refresh" content="300; url={base}/ok.html">'
                )
            )
        if path == "/short-body.html":
            body = _article("Short body", "Wrong length").encode()
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                "Content-Length: 50000\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + body)
            await writer.drain()
            return None
        if path in ("/gzip.html", "/deflate.html", "/br.html"):
            raw = _article("Compressed page", "Compressed").encode()
            coding = path[1:].split(".")[0]
            packed = {
                "gzip": gzip.compress,
                "deflate": zlib.compress,
                "br": lambda data: brotli.compress(data),
            }[coding](raw)
            return Response(
                200,
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", coding)],
                packed,
            )
        if path == "/gbk-header.html":
            page = GBK_PAGE.replace(
                '<meta http-equiv="Content-Type" content="text/html; charset=gbk">', ""
            )
            return Response(200, [("Content-Type", "text/html; charset=GBK")], page.encode("gbk"))
        if path == "/big5.html":
            return Response(200, [("Content-Type", "text/html")], BIG5_PAGE.encode("big5"))
        return None

    @staticmethod
    def _conditional(request: Request) -> Response:
        headers = [("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)]
        if_none = request.headers.get("if-none-match")
        if if_none is not None:
            tags = [t.strip() for t in if_none.split(",")]
            if ETAG in tags or "*" in tags:
                return Response(304, headers)
        elif "if-modified-since" in request.headers:
            since = email.utils.parsedate_to_datetime(request.headers["if-modified-since"])
            if since >= email.utils.parsedate_to_datetime(LAST_MODIFIED):
                return Response(304, headers)
        response = html(_article("Conditional", "Conditional GET"))
        response.headers.extend(headers)
        return response

    async def _rude(self, request: Request, writer: asyncio.StreamWriter) -> Response | None:
        path = request.path
        if path == "/big.html":

            async def chunks() -> AsyncIterator[bytes]:
                unit = (b"<p>" + LOREM.encode() + b"</p>\n") * 400
                sent = 0
                first = b"<!DOCTYPE html><html><head><title>Big</title></head><body>\n"
                yield first
                sent += len(first)
                while sent < BIG_BODY_BYTES:
                    piece = unit[: min(BIG_CHUNK, BIG_BODY_BYTES - sent)]
                    yield piece
                    sent += len(piece)
                    await asyncio.sleep(BIG_CHUNK_INTERVAL)

            return Response(
                200,
                [("Content-Type", "text/html; charset=utf-8")],
                chunks,
                content_length=BIG_BODY_BYTES,
            )
        if path == "/reset.html":
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                "Content-Length: 100000\r\n\r\n"
            )
            writer.write(head.encode() + b"<html><body><p>" + b"x" * 2000)
            await writer.drain()
            await asyncio.sleep(0.05)
            abort_with_reset(writer)
            return None
        if path == "/never.html":
            await self._stopping.wait()
            return None
        if path == "/trickle.html":
            text = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body>" + b"." * 1000
            i = 0
            while not self._stopping.is_set():
                writer.write(text[i % len(text) : i % len(text) + 1])
                await writer.drain()
                i += 1
                try:
                    await asyncio.wait_for(self._stopping.wait(), 1.0)
                except TimeoutError:
                    continue
            return None
        if path == "/":
            return html(_page("Rude host", "<p>Misbehaving pages live here.</p>"))
        return html(_page("Not Found", "<p>Nothing here.</p>"), 404)

    @staticmethod
    async def _soft404_en(request: Request, writer: asyncio.StreamWriter) -> Response | None:
        pages = {
            "/": _article("City news", "City news front page"),
            "/about.html": _article("About the city office", "About us"),
            "/articles/404-history.html": _article(
                "What is a 404 error? The history of the missing page", "Web history"
            ),
            "/news/2020/hikers-not-found.html": _article(
                "Missing hikers not found after week-long search", "Mountain rescue"
            ),
        }
        return html(pages.get(request.path, SOFT404_EN))

    @staticmethod
    async def _soft404_home(request: Request, writer: asyncio.StreamWriter) -> Response | None:
        pages = {
            "/": _article("Policy portal", "Policy portal front page"),
            "/about.html": _article("About the policy portal", "About us"),
        }
        if request.path in pages:
            return html(pages[request.path])
        return redirect(f"{request.host}/", 302)

    @staticmethod
    async def _soft404_zh(request: Request, writer: asyncio.StreamWriter) -> Response | None:
        pages = {
            "/": _page("人民政府门户网站", "<p>政务公开 新闻动态 政策文件</p>" * 5, "zh-CN"),
            "/zwgk/index.html": _page(
                "政务公开", "<p>2019年全区农村富余劳动力转移就业305万人次。</p>" * 5, "zh-CN"
            ),
        }
        return html(pages.get(request.path, SOFT404_ZH))

    @staticmethod
    async def _soft404_errorpage(request: Request, writer: asyncio.StreamWriter) -> Response | None:
        pages = {
            "/": _article("Statistics bureau", "Statistics front page"),
            "/about.html": _article("About the bureau", "About us"),
            "/error.html": ERROR_PAGE,
        }
        if request.path in pages:
            return html(pages[request.path])
        return redirect(f"{request.host}/error.html", 302)

    async def _soft404_ids(self, request: Request, writer: asyncio.StreamWriter) -> Response | None:
        path = request.path
        if path == "/":
            return html(_page("市人民政府网站", "<p>政务公开 新闻动态 政策文件</p>" * 5, "zh-CN"))
        if path == "/cas/login":
            return html(
                _page(
                    "统一身份认证",
                    '<form method="post"><input name="username"><input name="password" '
                    'type="password"><button>登录</button></form>',
                    "zh-CN",
                )
            )
        article = re.fullmatch(r"/art/2019/art_(\d+)\.html", path)
        if article:
            if article.group(1) == "1001":
                return html(_article("2019年劳动力转移就业工作总结", "Numbered article"))
            return html(SOFT404_DELETED)
        if path == "/view.php" and request.arg("id").isdigit():
            if request.arg("id") == "1001":
                return html(_article("关于做好职业技能培训工作的通知", "Article by id"))
            return html(SOFT404_QUERY)
        return html(_page("Not Found", "<p>Nothing here.</p>"), 404)

    @staticmethod
    async def _tls_page(request: Request, writer: asyncio.StreamWriter) -> Response | None:
        if request.path == "/":
            return html(_article("Served over TLS", "TLS"))
        return html(_page("Not Found", "<p>Nothing here.</p>"), 404)

    async def _doi(self, request: Request, writer: asyncio.StreamWriter) -> Response | None:
        path = unquote(request.path)
        if path.startswith("/api/handles/"):
            doi = path[len("/api/handles/") :]
            landing = self.doi_landing(doi)
            if landing is None:
                body = {"responseCode": 100, "handle": doi}
                return Response(
                    404, [("Content-Type", "application/json")], json.dumps(body).encode()
                )
            body = {
                "responseCode": 1,
                "handle": doi,
                "values": [
                    {
                        "index": 1,
                        "type": "URL",
                        "data": {"format": "string", "value": landing},
                        "ttl": 86400,
                        "timestamp": "2019-03-12T09:15:41Z",
                    },
                    {
                        "index": 100,
                        "type": "HS_ADMIN",
                        "data": {
                            "format": "admin",
                            "value": {"handle": "0.na/10.5555", "index": 200},
                        },
                        "ttl": 86400,
                        "timestamp": "2019-03-12T09:15:41Z",
                    },
                ],
            }
            return Response(200, [("Content-Type", "application/json")], json.dumps(body).encode())
        doi = path.lstrip("/")
        landing = self.doi_landing(doi)
        if landing is None:
            return html(_page("DOI Not Found", f"<p>{doi} is not registered.</p>"), 404)
        return redirect(landing, 302)
