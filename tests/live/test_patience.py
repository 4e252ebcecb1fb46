"""Waits are bounded: a URL's patience budget, and a mixed host's healthy pages not stalled.

One loopback host of its own serves, side by side, pages that hang, pages that always
answer 503, a page that answers 429 with ``Retry-After: 3600``, a three-hop redirect chain
and plain pages, as a real site with a few broken corners does.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from linkwatch.live import LiveOptions, check_live
from linkwatch.live.run import Checked, LiveRun
from linkwatch.status import LiveStatus
from tests.web._http import HTTPServer, LoopThread, Request, RequestLog, RequestRecord, Response

HTML = [("Content-Type", "text/html; charset=utf-8")]


class MixedHost:
    """``/hang-*`` never answer, ``/error-*`` 503, ``/throttle`` 429 for an hour,
    ``/chain/1`` → ``/chain/2`` → ``/chain/3`` → ``/ok-0``, ``/ok-*`` 200."""

    def __init__(self) -> None:
        self.log = RequestLog()
        self.loop = LoopThread("linkwatch-patience-tests")
        self.server = HTTPServer("mixed", "127.0.0.64", self._handle, self.log)
        self.loop.run(self.server.start())

    @property
    def base(self) -> str:
        return self.server.base_url

    def requests(self, path: str) -> list[RequestRecord]:
        return [r for r in self.log.snapshot(self.base) if r.path == path]

    def close(self) -> None:
        try:
            self.loop.run(self.server.stop(), timeout=10.0)
        finally:
            self.loop.stop()

    @staticmethod
    async def _handle(request: Request, writer: asyncio.StreamWriter) -> Response | None:
        path = request.path
        if path.startswith("/hang-"):
            await asyncio.sleep(3600)
            return None
        if path.startswith("/error-"):
            return Response(503, HTML, b"<html><body>down for maintenance</body></html>")
        if path == "/throttle":
            return Response(429, [("Retry-After", "3600"), *HTML], b"<html>slow down</html>")
        if path.startswith("/chain/"):
            step = int(path.rsplit("/", 1)[1])
            target = f"/chain/{step + 1}" if step < 3 else "/ok-0"
            return Response(302 if step != 2 else 301, [("Location", target)])
        body = f"<html><head><title>{path}</title></head><body><p>{path} " + "text " * 60
        return Response(200, HTML, (body + "</p></body></html>").encode())


@pytest.fixture(scope="module")
def mixed() -> Iterator[MixedHost]:
    host = MixedHost()
    try:
        yield host
    finally:
        host.close()


def _options(**kw: object) -> LiveOptions:
    settings: dict[str, object] = {
        "allow_private": True,
        "probe": False,
        "per_host": 2,
        "host_interval": 0.2,
        "retry_backoff": 0.5,
    }
    settings.update(kw)
    return LiveOptions(**settings)  # type: ignore[arg-type]


def _run(urls: list[str], options: LiveOptions) -> tuple[LiveRun, dict[str, float]]:
    landed: dict[str, float] = {}
    began = time.monotonic()

    def note(checked: Checked) -> None:
        landed[checked.live.url] = time.monotonic() - began

    async def go() -> LiveRun:
        return await check_live(urls, options, on_result=note)

    return asyncio.run(go()), landed


def test_healthy_pages_of_a_mixed_host_are_judged_within_a_few_intervals_of_their_turn(
    mixed: MixedHost,
) -> None:
    broken = ["/hang-0", "/hang-1", "/error-0", "/error-1", "/throttle"]
    healthy = ["/chain/1", "/ok-1", "/ok-2", "/ok-3", "/ok-4"]
    urls = [mixed.base + p for p in broken + healthy]
    run, landed = _run(urls, _options(timeout=8.0, retries=2, patience=30))
    status = {p: run.results[mixed.base + p].live.status for p in broken + healthy}
    assert status["/hang-0"] is status["/hang-1"] is LiveStatus.TIMEOUT
    assert status["/error-0"] is status["/error-1"] is LiveStatus.SERVER_ERROR
    assert status["/throttle"] is LiveStatus.RATE_LIMITED
    assert status["/chain/1"] is LiveStatus.REDIRECTED
    assert all(status[p] is LiveStatus.OK for p in healthy[1:])
    # Eight requests of the broken pages and the chain's four come before the last healthy
    # page at 0.2 s spacing (0.4 s while the host is slowed): its turn is within about 5 s,
    # long before the hanging pages' 8 s deadline, the 503 retries or the hour-long 429.
    for path in healthy:
        assert landed[mixed.base + path] < 6.0, (path, landed)
    assert max(landed[mixed.base + p] for p in healthy) < min(
        landed[mixed.base + p] for p in ("/hang-0", "/hang-1")
    )


def test_a_retry_after_beyond_the_patience_ends_the_url_at_once(mixed: MixedHost) -> None:
    url = mixed.base + "/throttle"
    before = len(mixed.requests("/throttle"))
    began = time.monotonic()
    run, _ = _run([url], _options(timeout=5.0, retries=3, patience=10))
    took = time.monotonic() - began
    live = run.results[url].live
    assert live.status is LiveStatus.RATE_LIMITED
    assert "patience of 10 s" in live.reason
    assert len(mixed.requests("/throttle")) - before == 1
    assert took < 3


def test_the_patience_bounds_retries_of_a_hanging_page(mixed: MixedHost) -> None:
    url = mixed.base + "/hang-patience"
    began = time.monotonic()
    run, _ = _run([url], _options(timeout=1.0, retries=10, retry_backoff=0.1, patience=4))
    took = time.monotonic() - began
    live = run.results[url].live
    assert live.status is LiveStatus.TIMEOUT
    attempts = len(mixed.requests("/hang-patience"))
    assert 2 <= attempts < 11
    assert "patience of 4 s" in live.reason
    assert took < 4 + 1.5


def test_patience_must_be_positive() -> None:
    assert LiveOptions(patience=0).problems() == ["--patience: must be positive"]
