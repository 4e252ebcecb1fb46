"""The web for ``bench_fleet.py``: many hosts, delayed answers, requests in flight counted per host.

Serves every host (127.10.X.Y, one address per host) in one process with the page
and the delay of ``web_server.py``, and counts, per host, the requests it has
received and not yet answered. On SIGTERM it prints one JSON line: the highest
number in flight to any one host at any moment, that host, and the requests served.
Usage: python bench/fleet_web.py HOSTS PORT DELAY_SECONDS
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from web_server import DelayedAnswers


def host_address(n: int) -> str:
    """The loopback address of host ``n`` (0-based): up to 250 hosts per /24."""
    return f"127.10.{n // 250}.{n % 250 + 1}"


class Counts:
    """Requests in flight per host, and the highest count seen."""

    def __init__(self) -> None:
        self.now: dict[str, int] = {}
        self.peak = 0
        self.peak_host = ""
        self.served = 0

    def up(self, host: str) -> None:
        n = self.now.get(host, 0) + 1
        self.now[host] = n
        if n > self.peak:
            self.peak, self.peak_host = n, host

    def down(self, host: str) -> None:
        self.now[host] -= 1
        self.served += 1


class CountedAnswers(DelayedAnswers):
    """:class:`DelayedAnswers` that counts each request from its head to its answer."""

    def __init__(self, delay: float, counts: Counts) -> None:
        super().__init__(delay)
        self.counts = counts

    def data_received(self, data: bytes) -> None:
        before = self.buffer.count(b"\r\n\r\n")
        heads = (self.buffer + data).count(b"\r\n\r\n") - before
        for _ in range(heads):
            self.counts.up(self.host)
        super().data_received(data)

    def _answer(self, response: bytes) -> None:
        self.counts.down(self.host)
        super()._answer(response)


async def serve(hosts: int, port: int, delay: float) -> None:
    loop = asyncio.get_running_loop()
    counts = Counts()
    for n in range(hosts):
        await loop.create_server(
            lambda: CountedAnswers(delay, counts), host_address(n), port, backlog=1024
        )
    print("ready", flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    print(
        json.dumps(
            {"max_in_flight": counts.peak, "host": counts.peak_host, "served": counts.served}
        ),
        flush=True,
    )


if __name__ == "__main__":
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
    else:
        uvloop.run(serve(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
