"""The live check's page engine keeps the client's policy: guard, User-Agent, cap, deadline."""

from __future__ import annotations

import asyncio
import time

import pytest

from linkwatch.client import DEFAULT_USER_AGENT, ClientConfig
from linkwatch.client_aiohttp import (
    BadURL,
    ConnectFailed,
    DeadlinePassed,
    DNSFailed,
    PageAnswer,
    PageClient,
)
from linkwatch.errors import BlockedAddressError
from tests.web import LocalWeb


async def _fetch(
    config: ClientConfig, url: str, *, max_bytes: int = 1 << 20, timeout: float = 10.0
) -> PageAnswer:
    async with PageClient(config) as pages:
        return await pages.fetch("GET", url, None, max_bytes=max_bytes, timeout=timeout)


def test_name_resolving_to_loopback_is_refused(local_web: LocalWeb) -> None:
    port = local_web.host("main").rsplit(":", 1)[1]
    url = f"http://localhost:{port}/ok.html"
    with pytest.raises(BlockedAddressError, match=r"localhost resolves to 127\.0\.0\.1"):
        asyncio.run(_fetch(ClientConfig(), url))


def test_loopback_address_is_refused_before_connecting(local_web: LocalWeb) -> None:
    local_web.clear_requests()
    with pytest.raises(BlockedAddressError, match="non-public"):
        asyncio.run(_fetch(ClientConfig(), local_web.url("ok-html")))
    assert local_web.requests("main") == []


def test_redirect_from_an_allowed_host_to_loopback_is_refused(local_web: LocalWeb) -> None:
    # Only the DOI resolver's address is let through; the page its redirect names,
    # on another loopback address, must not be fetched.
    resolver = local_web.doi_resolver
    allowed = resolver.split("//", 1)[1].rsplit(":", 1)[0] + "/32"
    config = ClientConfig(allowed_networks=(allowed,))

    async def follow() -> None:
        async with PageClient(config) as pages:
            first = await pages.fetch(
                "GET", f"{resolver}/{local_web.dois['live']}", None, max_bytes=1024, timeout=10
            )
            assert first.status == 302
            await pages.fetch("GET", first.headers["location"], None, max_bytes=1024, timeout=10)

    with pytest.raises(BlockedAddressError, match=r"127\.0\.0\.11"):
        asyncio.run(follow())


def test_user_agent_is_linkwatch_s(local_web: LocalWeb) -> None:
    local_web.clear_requests()
    answer = asyncio.run(_fetch(ClientConfig(allow_private=True), local_web.url("ok-html")))
    assert answer.status == 200
    assert [r.headers.get("user-agent") for r in local_web.requests("main")] == [DEFAULT_USER_AGENT]


def test_body_is_cut_at_the_cap(local_web: LocalWeb) -> None:
    answer = asyncio.run(
        _fetch(ClientConfig(allow_private=True), local_web.url("ok-html"), max_bytes=40)
    )
    assert len(answer.body) == 40 and answer.truncated


def test_brotli_body_arrives_decoded(local_web: LocalWeb) -> None:
    answer = asyncio.run(_fetch(ClientConfig(allow_private=True), local_web.url("br-body")))
    assert b"Compressed page" in answer.body


def test_trickling_server_is_cut_off_at_the_deadline(local_web: LocalWeb) -> None:
    started = time.monotonic()
    try:
        answer = asyncio.run(
            _fetch(ClientConfig(allow_private=True), local_web.url("trickle"), timeout=1.0)
        )
    except DeadlinePassed:
        pass
    else:
        assert answer.truncated
    assert time.monotonic() - started < 3


def test_unresolvable_name_and_refused_port_are_told_apart(local_web: LocalWeb) -> None:
    with pytest.raises(DNSFailed):
        asyncio.run(_fetch(ClientConfig(), "http://linkwatch-no-such-host.invalid/"))
    with pytest.raises(ConnectFailed) as refused:
        asyncio.run(_fetch(ClientConfig(allow_private=True), "http://127.0.0.1:9/"))
    assert refused.value.refused


@pytest.mark.parametrize("url", ["https://xn--n3h/", "https://xn--/", "https://☃/"])
def test_hosts_idna_2008_refuses_are_not_requested(url: str) -> None:
    with pytest.raises(BadURL, match="the HTTP client cannot request this URL"):
        asyncio.run(_fetch(ClientConfig(), url))
