"""Retries and backoff over real sockets: Retry-After capped, failing hosts backed off, HEAD → GET.

A small server of its own (one loopback address per behaviour, so each host's
backoff state is its own) answers: always 429 with ``Retry-After: 3600``; always
503; PDFs whose HEAD answers 404 or 405 while GET answers 200. The refusing host
is the local web's ``refused`` address, where nothing listens.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator

import pytest

from linkwatch.live import LiveOptions, check_live
from linkwatch.live.run import Checked, LiveRun
from linkwatch.status import LiveStatus
from tests.web import LocalWeb
from tests.web._http import HTTPServer, LoopThread, Request, RequestLog, RequestRecord, Response

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class Servers:
    """Three loopback hosts: ``throttle`` (429 + Retry-After: 3600), ``broken`` (503), ``files``."""

    def __init__(self) -> None:
        self.log = RequestLog()
        self.loop = LoopThread("linkwatch-retry-tests")
        self.hosts = {
            "throttle": HTTPServer("throttle", "127.0.0.61", self._throttle, self.log),
            "broken": HTTPServer("broken", "127.0.0.62", self._broken, self.log),
            "files": HTTPServer("files", "127.0.0.63", self._files, self.log),
        }

        async def start() -> None:
            for server in self.hosts.values():
                await server.start()

        self.loop.run(start())

    def base(self, name: str) -> str:
        return self.hosts[name].base_url

    def requests(self, name: str) -> list[RequestRecord]:
        return sorted(self.log.snapshot(self.base(name)), key=lambda r: r.start)

    def close(self) -> None:
        async def stop() -> None:
            for server in self.hosts.values():
                await server.stop()

        try:
            self.loop.run(stop(), timeout=10.0)
        finally:
            self.loop.stop()

    @staticmethod
    async def _throttle(request: Request, writer: asyncio.StreamWriter) -> Response:
        return Response(429, [("Retry-After", "3600"), ("Content-Type", "text/plain")], b"slow")

    @staticmethod
    async def _broken(request: Request, writer: asyncio.StreamWriter) -> Response:
        return Response(503, [("Content-Type", "text/plain")], b"down for maintenance")

    @staticmethod
    async def _files(request: Request, writer: asyncio.StreamWriter) -> Response:
        if request.method == "HEAD":
            status = 405 if request.path.endswith("-405.pdf") else 404
            return Response(status, [("Content-Type", "text/html")], b"")
        return Response(200, [("Content-Type", "application/pdf")], PDF)


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    s = Servers()
    try:
        yield s
    finally:
        s.close()


def _options(**kw: object) -> LiveOptions:
    settings: dict[str, object] = {"allow_private": True, "probe": False, "timeout": 5.0}
    settings.update(kw)
    return LiveOptions(**settings)  # type: ignore[arg-type]


def test_retry_after_of_an_hour_is_capped(servers: Servers) -> None:
    url = f"{servers.base('throttle')}/page.html"
    began = time.monotonic()
    run = asyncio.run(check_live([url], _options(retries=1, max_retry_after=1.5)))
    took = time.monotonic() - began
    live = run.results[url].live
    assert live.status is LiveStatus.RATE_LIMITED
    assert live.http_status == 429
    log = servers.requests("throttle")
    assert len(log) == 2
    waited = log[1].start - log[0].start
    # The server asked for 3600 s; the run waited the cap instead, and finished.
    assert 1.4 <= waited < 10, waited
    assert took < 30


def test_default_retry_after_cap_is_at_most_a_minute() -> None:
    assert LiveOptions().max_retry_after <= 60


def test_host_that_keeps_failing_is_spaced_ever_wider(servers: Servers) -> None:
    urls = [f"{servers.base('broken')}/page-{n}.html" for n in range(8)]
    run = asyncio.run(
        check_live(urls, _options(retries=0, per_host=1, concurrency=4, host_interval=0.1))
    )
    assert {run.results[u].live.status for u in urls} == {LiveStatus.SERVER_ERROR}
    log = servers.requests("broken")
    assert len(log) == 8
    gaps = [b.start - a.start for a, b in itertools.pairwise(log)]
    # A 503 is first the page's own trouble; after three in a row (3 × --per-host) the
    # host is failing as a whole, and each further failure doubles its 0.1 s spacing.
    assert max(gaps[:3]) < 0.2, gaps
    assert gaps[-1] >= 0.6, gaps
    assert gaps[-1] > 3 * gaps[0], gaps


def test_host_that_keeps_refusing_connections_is_backed_off_as_a_whole(
    local_web: LocalWeb,
) -> None:
    refused = [f"{local_web.host('refused')}/page.html?n={n}" for n in range(5)]
    answering = [local_web.url("ok-html")]
    landed: dict[str, float] = {}

    def note(checked: Checked) -> None:
        landed[checked.live.url] = time.monotonic()

    async def go() -> LiveRun:
        options = _options(retries=0, per_host=1, concurrency=4, host_interval=0.1)
        return await check_live(refused + answering, options, on_result=note)

    run = asyncio.run(go())
    assert not run.outage
    assert {run.results[u].live.status for u in refused} == {LiveStatus.CONNECTION_ERROR}
    # A refused connection fails at once, so each result lands when its attempt began.
    times = sorted(landed[u] for u in refused)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[-1] >= 0.6, gaps
    assert gaps[-1] > 3 * gaps[0], gaps


@pytest.mark.parametrize("name", ["report-404.pdf", "report-405.pdf"])
def test_pdf_whose_head_fails_is_fetched_with_get_and_ok(servers: Servers, name: str) -> None:
    url = f"{servers.base('files')}/{name}"
    before = len(servers.requests("files"))
    run = asyncio.run(check_live([url], _options()))
    live = run.results[url].live
    assert live.status is LiveStatus.OK, live.reason
    assert live.http_status == 200
    code = name.removesuffix(".pdf").rsplit("-", 1)[1]
    assert f"HEAD {code}" in live.reason
    methods = [(r.method, r.path) for r in servers.requests("files")[before:]]
    assert methods == [("HEAD", f"/{name}"), ("GET", f"/{name}")]
    assert live.fingerprint is not None
    assert live.fingerprint.content_type == "application/pdf"
