"""The client's guard refuses non-public addresses at connect time, after redirects too."""

from __future__ import annotations

import asyncio
import signal

import httpx
import pytest

from linkwatch.client import ClientConfig, is_public_address, make_client, run_async
from linkwatch.errors import BlockedAddressError
from linkwatch.live import LiveOptions, check_live
from linkwatch.status import LiveStatus
from tests.web import LocalWeb


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("fe80::1", False),
        ("2606:4700::1111", True),
    ],
)
def test_public_addresses_are_told_from_private_ones(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_loopback_url_is_skipped_by_default(local_web: LocalWeb) -> None:
    local_web.clear_requests()
    url = local_web.url("ok-html")
    run = asyncio.run(check_live([url], LiveOptions()))
    live = run.results[url].live
    assert live.status is LiveStatus.SKIPPED
    assert "non-public" in live.reason and "--allow-private" in live.reason
    assert local_web.requests("main") == []


def test_name_resolving_to_loopback_is_refused(local_web: LocalWeb) -> None:
    port = local_web.host("main").rsplit(":", 1)[1]

    async def fetch() -> None:
        async with make_client() as client:
            await client.get(f"http://localhost:{port}/ok.html")

    with pytest.raises(BlockedAddressError, match=r"localhost resolves to 127\.0\.0\.1"):
        asyncio.run(fetch())


def test_redirect_from_an_allowed_host_to_loopback_is_refused(local_web: LocalWeb) -> None:
    # Only the DOI resolver's address is let through; its redirect to the
    # landing page on another loopback address must be stopped.
    resolver = local_web.doi_resolver
    allowed = resolver.split("//", 1)[1].rsplit(":", 1)[0] + "/32"
    config = ClientConfig(allowed_networks=(allowed,))

    async def fetch() -> httpx.Response:
        async with make_client(config) as client:
            first = await client.get(f"{resolver}/{local_web.dois['live']}")
            assert first.status_code == 302
            return await client.get(f"{resolver}/{local_web.dois['live']}", follow_redirects=True)

    with pytest.raises(BlockedAddressError, match=r"127\.0\.0\.11"):
        asyncio.run(fetch())


def test_run_async_hands_back_the_result_without_ever_formatting_it() -> None:
    formatted: list[str] = []

    class Whole:
        """Stands for a run's results: far too large to be written out as text."""

        def __repr__(self) -> str:
            formatted.append("repr")
            return "Whole()"

    async def main() -> Whole:
        return Whole()

    # asyncio.Runner installs its own SIGINT handler only over Python's default one.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        assert isinstance(run_async(main()), Whole)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)
    assert formatted == []
