"""A loopback web for the check benchmark: N hosts (127.0.10.x), each answer delayed.

Run as a subprocess by ``bench_check.py``; prints ``ready`` once every host listens.
Usage: python bench/web_server.py HOSTS PORT DELAY_SECONDS
"""

from __future__ import annotations

import asyncio
import sys

BODY = (
    b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Bench page</title></head>"
    b"<body><main><h1>Bench page</h1><p>A small page for the link-check benchmark, "
    b"with a few words of text.</p></main></body></html>"
)
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    + f"Content-Length: {len(BODY)}\r\n".encode()
    + b"Connection: keep-alive\r\n\r\n"
    + BODY
)
HEAD_RESPONSE = RESPONSE[: RESPONSE.index(b"\r\n\r\n") + 4]


async def serve(delay: float, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            await asyncio.sleep(delay)
            writer.write(HEAD_RESPONSE if head.startswith(b"HEAD") else RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def main(hosts: int, port: int, delay: float) -> None:
    servers = []
    for n in range(1, hosts + 1):
        servers.append(
            await asyncio.start_server(
                lambda r, w: serve(delay, r, w), f"127.0.10.{n}", port, backlog=1024
            )
        )
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
