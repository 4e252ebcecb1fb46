"""The CPU floor of linkwatch's HTTP stack alone: GETs, no judging or fingerprints.

Starts ``bench/web_server.py`` like ``bench_check.py`` (HOSTS hosts, PER_HOST URLs each,
every answer delayed) and fetches every URL at the same concurrency, either through
``make_client`` (``httpx.AsyncClient`` over the per-host transport: what the live
check uses) or through the per-host transport directly (httpcore and h11 only).
Whatever the live check spends above this is its own work.

Usage: .venv/bin/python bench/bench_http_floor.py [--via client|transport]
       [--loop auto|asyncio] [--hosts 100] [--per-host-urls 30] [--delay 0.1] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from linkwatch.client import ClientConfig, PerHostTransport, make_client, run_async

ROOT = Path(__file__).resolve().parent.parent


async def fetch_all(urls: list[str], via: str, concurrency: int) -> tuple[float, float]:
    """Wall and CPU seconds to GET every URL and read its body."""
    config = ClientConfig(allow_private=True, connections_per_host=10)
    pending = list(reversed(urls))
    client = make_client(config)
    transport = PerHostTransport(config)
    timeout = {"connect": 10.0, "read": 20.0, "write": 20.0, "pool": 20.0}
    headers = {"user-agent": config.user_agent}

    async def through_client(url: str) -> None:
        response = await client.send(client.build_request("GET", url), stream=True)
        async for _ in response.aiter_bytes():
            pass
        await response.aclose()

    async def through_transport(url: str) -> None:
        request = httpx.Request("GET", url, headers=headers, extensions={"timeout": timeout})
        response = await transport.handle_async_request(request)
        async for _ in response.aiter_raw():
            pass
        await response.aclose()

    get: Callable[[str], Awaitable[None]] = through_client if via == "client" else through_transport

    async def worker() -> None:
        while pending:
            await get(pending.pop())

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    await client.aclose()
    await transport.aclose()
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--via", choices=["client", "transport"], default="client")
    parser.add_argument("--loop", choices=["auto", "asyncio"], default="auto")
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--per-host-urls", type=int, default=30)
    parser.add_argument("--delay", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    port = 18081
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
        print(
            f"{len(urls)} GETs via {args.via} ({args.loop} loop): wall {wall:.2f} s,"
            f" cpu {cpu:.2f} s ({cpu / len(urls) * 1000:.2f} ms per request)"
        )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
