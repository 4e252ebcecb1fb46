"""The client's asyncio network backend over real loopback sockets: bodies, timeouts, closes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
import pytest

from linkwatch.client import ClientConfig, make_client

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _serve(handler: Handler) -> tuple[asyncio.Server, str]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


def _client(timeout: float = 5.0) -> httpx.AsyncClient:
    return make_client(ClientConfig(allow_private=True, timeout=timeout, http2=False))


def test_body_larger_than_the_read_ahead_arrives_whole() -> None:
    body = bytes(range(256)) * (3 * 4096)  # 3 MiB, past the 256 KiB read-ahead

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()
        writer.close()

    async def main() -> bytes:
        server, base = await _serve(handler)
        async with server, _client() as client:
            chunks = []
            async with client.stream("GET", base + "/big") as response:
                async for chunk in response.aiter_raw():
                    chunks.append(chunk)
                    await asyncio.sleep(0)  # a slow reader, so the socket has to be paused
            return b"".join(chunks)

    assert asyncio.run(main()) == body


def test_server_that_never_answers_raises_read_timeout() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()

    async def main() -> None:
        server, base = await _serve(handler)
        async with server, _client(timeout=0.3) as client:
            await client.get(base + "/silent")

    with pytest.raises(httpx.ReadTimeout):
        asyncio.run(main())


def test_connection_closed_mid_body_is_a_protocol_error() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly ten b")
        await writer.drain()
        writer.close()

    async def main() -> None:
        server, base = await _serve(handler)
        async with server, _client() as client:
            await client.get(base + "/cut")

    with pytest.raises(httpx.RemoteProtocolError):
        asyncio.run(main())


def test_connection_the_server_closed_while_idle_is_not_reused() -> None:
    connections = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        # Promises keep-alive, then closes: the client must notice before reusing it.
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()
        writer.close()

    async def main() -> list[int]:
        server, base = await _serve(handler)
        async with server, _client() as client:
            first = await client.get(base + "/one")
            await asyncio.sleep(0.1)
            second = await client.get(base + "/two")
            return [first.status_code, second.status_code]

    assert asyncio.run(main()) == [200, 200]
    assert connections == 2


def test_refused_connection_is_a_connect_error() -> None:
    async def main() -> None:
        server, base = await _serve(lambda r, w: asyncio.sleep(0))
        server.close()
        await server.wait_closed()
        async with _client() as client:
            await client.get(base + "/gone")

    with pytest.raises(httpx.ConnectError):
        asyncio.run(main())


def test_cookie_set_by_one_answer_is_sent_with_the_next_request() -> None:
    seen: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                break
            cookie = [line for line in head.split(b"\r\n") if line.lower().startswith(b"cookie:")]
            seen.append(cookie[0] if cookie else b"")
            extra = b"" if cookie else b"Set-Cookie: consent=yes; Path=/\r\n"
            writer.write(b"HTTP/1.1 200 OK\r\n" + extra + b"Content-Length: 2\r\n\r\nok")
            await writer.drain()
        writer.close()

    async def main() -> None:
        server, base = await _serve(handler)
        async with server, _client() as client:
            await client.get(base + "/first")
            await client.get(base + "/second")
            await client.get(base + "/third")

    asyncio.run(main())
    assert seen == [b"", b"Cookie: consent=yes", b"Cookie: consent=yes"]
