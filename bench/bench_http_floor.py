"""The CPU floor of an HTTP engine alone: GETs, no judging or fingerprints.

Starts ``bench/web_server.py`` like ``bench_check.py`` (HOSTS hosts, PER_HOST URLs each,
every answer delayed) and fetches every URL at the same concurrency through one engine,
reading each body:

- ``pages``: :class:`linkwatch.client_aiohttp.PageClient`, what the live check uses
  (aiohttp under linkwatch's policy: guard, User-Agent, timeouts, 1 MiB cap);
- ``client``: ``make_client`` (``httpx.AsyncClient`` over the per-host transport), what
  archive lookups and Save Page Now use;
- ``transport``: that per-host transport directly (httpcore and h11 only);
- ``aiohttp``: a bare ``aiohttp.ClientSession``;
- ``httpx-aiohttp``: ``httpx.AsyncClient`` over ``httpx_aiohttp.AiohttpTransport``;
- ``curl_cffi``: ``curl_cffi.requests.AsyncSession`` (libcurl).

The last three are for comparison only (``pip install aiohttp httpx-aiohttp curl_cffi``).
Whatever the live check spends above its engine's figure is its own work.

Usage: .venv/bin/python bench/bench_http_floor.py [--via pages|client|transport|aiohttp|
       httpx-aiohttp|curl_cffi] [--loop auto|asyncio] [--hosts 100] [--per-host-urls 30]
       [--delay 0.1] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import time
import typing
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
from web_server import free_port

from linkwatch.client import ClientConfig, make_client, run_async
from linkwatch.client_httpx import PerHostTransport

ROOT = Path(__file__).resolve().parent.parent
VIAS = ("pages", "client", "transport", "aiohttp", "httpx-aiohttp", "curl_cffi")

Get = Callable[[str], Awaitable[None]]


@contextlib.asynccontextmanager
async def engine(via: str, config: ClientConfig) -> AsyncIterator[Get]:
    """A coroutine function that GETs one URL and reads its body through ``via``."""
    if via == "pages":
        from linkwatch.client_aiohttp import PageClient

        async with PageClient(config) as pages:

            async def through_pages(url: str) -> None:
                await pages.fetch("GET", url, None, max_bytes=1 << 20, timeout=20.0)

            yield through_pages
    elif via in ("client", "httpx-aiohttp"):
        if via == "client":
            client = make_client(config)
        else:
            from httpx_aiohttp import AiohttpTransport

            client = httpx.AsyncClient(transport=AiohttpTransport())
        async with client:

            async def through_client(url: str) -> None:
                response = await client.send(client.build_request("GET", url), stream=True)
                async for _ in response.aiter_bytes():
                    pass
                await response.aclose()

            yield through_client
    elif via == "transport":
        transport = PerHostTransport(config)
        timeout = {"connect": 10.0, "read": 20.0, "write": 20.0, "pool": 20.0}
        headers = {"user-agent": config.user_agent}

        async def through_transport(url: str) -> None:
            request = httpx.Request("GET", url, headers=headers, extensions={"timeout": timeout})
            response = await transport.handle_async_request(request)
            async for _ in response.aiter_raw():
                pass
            await response.aclose()

        try:
            yield through_transport
        finally:
            await transport.aclose()
    elif via == "aiohttp":
        import aiohttp

        connector = aiohttp.TCPConnector(limit=0, limit_per_host=config.connections_per_host)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def through_aiohttp(url: str) -> None:
                async with session.get(url) as response:
                    await response.read()

            yield through_aiohttp
    else:
        from curl_cffi.requests import AsyncSession

        async with AsyncSession(max_clients=64) as curl:

            async def through_curl(url: str) -> None:
                # curl_cffi's session is untyped.
                await typing.cast(typing.Any, curl).get(url)

            yield through_curl


async def fetch_all(urls: list[str], via: str, concurrency: int) -> tuple[float, float]:
    """Wall and CPU seconds to GET every URL and read its body."""
    config = ClientConfig(allow_private=True, connections_per_host=10)
    pending = list(reversed(urls))
    async with engine(via, config) as get:

        async def worker() -> None:
            while pending:
                await get(pending.pop())

        wall, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--via", choices=VIAS, default="pages")
    parser.add_argument("--loop", choices=["auto", "asyncio"], default="auto")
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--per-host-urls", type=int, default=30)
    parser.add_argument("--delay", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    port = free_port()
    server_script = str(ROOT / "bench" / "web_server.py")
    server = subprocess.Popen(
        [sys.executable, server_script, str(args.hosts), str(port), str(args.delay)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        if server.stdout.readline().strip() != "ready":
            raise SystemExit("bench web server did not start")
        urls = [
            f"http://127.0.10.{h}:{port}/p/{n}.html"
            for n in range(args.per_host_urls)
            for h in range(1, args.hosts + 1)
        ]
        runner = asyncio.run if args.loop == "asyncio" else run_async
        wall, cpu = runner(fetch_all(urls, args.via, args.concurrency))
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"{len(urls)} GETs via {args.via} ({args.loop} loop): wall {wall:.2f} s,"
            f" cpu {cpu:.2f} s ({cpu / len(urls) * 1000:.2f} ms per request); load {load}"
        )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
