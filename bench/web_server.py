"""A loopback web for the check benchmark: N hosts (127.0.10.x), each answer delayed.

Run as a subprocess by ``bench_check.py``; prints ``ready`` once every host listens.
Usage: python bench/web_server.py HOSTS PORT DELAY_SECONDS [PROCESSES]

Each URL (host and path) gets a page of its own, so nothing can be computed once
for several of them. The server shares the machine's cores with the checker it serves, so it is
kept cheap: a raw asyncio protocol (no stream objects), uvloop when installed,
and ``PROCESSES`` forked workers (default 2) that each listen on every host
address with ``SO_REUSEPORT``, so the kernel spreads connections between them.
On SIGTERM the first process stops its workers and reaps them, so the CPU time
``wait4`` reports for it covers the whole server.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import typing

PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Bench page {path}</title></head>"
    "<body><main><h1>Bench page {path}</h1><p>A small page for the link-check benchmark, "
    "with a few words of text about {path}.</p></main></body></html>"
)
HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {length}\r\n"
HEAD += "Connection: keep-alive\r\n\r\n"


def free_port(address: str = "127.0.10.1") -> int:
    """A TCP port nothing listens on at ``address``, chosen by the kernel.

    The servers share their port between processes with ``SO_REUSEPORT``, so two
    benches given the same fixed port would silently split each other's requests.
    """
    with socket.socket() as probe:
        probe.bind((address, 0))
        return int(probe.getsockname()[1])


def answer(host: str, request_head: bytes) -> bytes:
    """The answer to one request: every URL (host and path) has a page of its own."""
    path = request_head.split(b" ", 2)[1].decode("ascii", "replace")
    body = PAGE.format(path=f"{host}{path}").encode()
    head = HEAD.format(length=len(body)).encode()
    return head if request_head.startswith(b"HEAD") else head + body


class DelayedAnswers(asyncio.Protocol):
    """Answers each request on a connection ``delay`` seconds after its head arrived, in order."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.buffer = b""
        self.transport: asyncio.WriteTransport | None = None
        self.host = ""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, hence the cast.
        self.transport = typing.cast(asyncio.WriteTransport, transport)
        self.host = str(transport.get_extra_info("sockname")[0])

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        loop = asyncio.get_running_loop()
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            loop.call_later(self.delay, self._answer, answer(self.host, head))

    def _answer(self, response: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(response)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def serve(hosts: int, port: int, delay: float, ready: int | None) -> None:
    """Listen on every host address; announce on fd ``ready`` (or stdout); stop on SIGTERM."""
    loop = asyncio.get_running_loop()
    for n in range(1, hosts + 1):
        await loop.create_server(
            lambda: DelayedAnswers(delay),
            f"127.0.10.{n}",
            port,
            backlog=1024,
            reuse_port=True,
        )
    if ready is None:
        print("ready", flush=True)
    else:
        os.write(ready, b"r")
        os.close(ready)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()


def _run(hosts: int, port: int, delay: float, ready: int | None) -> None:
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(hosts, port, delay, ready))
    else:
        uvloop.run(serve(hosts, port, delay, ready))


def main(hosts: int, port: int, delay: float, processes: int) -> None:
    children = []
    try:
        for _ in range(processes - 1):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read)
                _run(hosts, port, delay, write)
                os._exit(0)
            os.close(write)
            # The worker writes one byte once it listens on every host.
            os.read(read, 1)
            os.close(read)
            children.append(pid)
        _run(hosts, port, delay, None)
    finally:
        for pid in children:
            os.kill(pid, signal.SIGTERM)
        for pid in children:
            os.waitpid(pid, 0)


if __name__ == "__main__":
    main(
        int(sys.argv[1]),
        int(sys.argv[2]),
        float(sys.argv[3]),
        int(sys.argv[4]) if len(sys.argv) > 4 else 2,
    )
