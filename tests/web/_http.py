"""A small HTTP/1.1 server on asyncio streams, with full control over misbehaviour.

Every server of the local web, the archive proxy and the Internet Archive double runs on one
event loop in a background thread (`LoopThread`), so synchronous and async tests can both use
them. Handlers get the parsed `Request` and the raw stream writer: they either return a
`Response` or, for misbehaviour (resets, silence, trickles), write to the socket themselves and
return None, after which the connection is closed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import email.utils
import math
import socket
import ssl
import struct
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

T = TypeVar("T")
_C = TypeVar("_C", bound="Closing")

REASONS = {
    200: "OK",
    204: "No Content",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}

MAX_HEAD = 64 * 1024


@dataclass
class RequestRecord:
    """One request a local server received; `end` is `math.inf` while it is still being answered."""

    start: float
    method: str
    path: str
    host: str
    headers: dict[str, str]
    client: str
    end: float = math.inf


@dataclass
class Request:
    """A parsed request: `target` is the raw request target (path and query)."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    client: str
    host: str

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)

    def arg(self, name: str, default: str = "") -> str:
        """The first value of query parameter `name`, or `default`."""
        return self.query.get(name, [default])[0]

    @property
    def client_ip(self) -> str:
        return self.client.rsplit(":", 1)[0]


Body = bytes | Callable[[], AsyncIterator[bytes]]


@dataclass
class Response:
    """A response to send; `body` may be a factory of an async byte iterator (streamed)."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: Body = b""
    content_length: int | None = None

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


Handler = Callable[[Request, asyncio.StreamWriter], Awaitable[Response | None]]


def html(body: str, status: int = 200, charset: str = "utf-8", **headers: str) -> Response:
    """An HTML response encoded in `charset` and declared in Content-Type."""
    extra = [(k.replace("_", "-"), v) for k, v in headers.items()]
    return Response(
        status,
        [("Content-Type", f"text/html; charset={charset}"), *extra],
        body.encode(charset),
    )


def redirect(location: str, status: int = 302) -> Response:
    """A redirect with a tiny HTML body, as most servers send."""
    return Response(
        status,
        [("Location", location), ("Content-Type", "text/html; charset=utf-8")],
        f'<html><body><a href="{location}">moved</a></body></html>'.encode(),
    )


def http_date(ts: float) -> str:
    return email.utils.formatdate(ts, usegmt=True)


def abort_with_reset(writer: asyncio.StreamWriter) -> None:
    """Close the connection with a TCP RST instead of a FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class RequestLog:
    """A thread-safe, ordered log of requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def snapshot(self, host: str | None = None) -> list[RequestRecord]:
        with self._lock:
            return [r for r in self._records if host is None or r.host == host]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()


class HTTPServer:
    """One listening socket answering HTTP/1.1 (keep-alive) with a handler."""

    def __init__(
        self,
        name: str,
        ip: str,
        handler: Handler,
        log: RequestLog,
        ssl_context: ssl.SSLContext | None = None,
        port: int = 0,
    ) -> None:
        self.name = name
        self.ip = ip
        self.port = port
        self.handler = handler
        self.log = log
        self.ssl_context = ssl_context
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def base_url(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{self.ip}:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._serve, self.ip, self.port, ssl=self.ssl_context, limit=MAX_HEAD
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1.0)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        peer = writer.get_extra_info("peername") or ("?", 0)
        client = f"{peer[0]}:{peer[1]}"
        try:
            while True:
                request = await self._read_request(reader, client)
                if request is None:
                    break
                request.host = self.base_url
                record = RequestRecord(
                    start=time.monotonic(),
                    method=request.method,
                    path=request.target,
                    host=self.base_url,
                    headers=request.headers,
                    client=client,
                )
                self.log.add(record)
                try:
                    response = await self.handler(request, writer)
                    if response is None:
                        break
                    keep = await self._write(request, response, writer)
                finally:
                    record.end = time.monotonic()
                if not keep:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            if not writer.transport.is_closing():
                writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 0.5)

    @staticmethod
    async def _read_request(reader: asyncio.StreamReader, client: str) -> Request | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return None
        method, target, _version = parts
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        body = b""
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                if size == 0:
                    break
                chunks.append(chunk[:-2])
            body = b"".join(chunks)
        return Request(method, target, headers, body, client, host="")

    @staticmethod
    async def _write(request: Request, response: Response, writer: asyncio.StreamWriter) -> bool:
        keep = request.headers.get("connection", "").lower() != "close"
        names = {k.lower() for k, _ in response.headers}
        headers = list(response.headers)
        if "date" not in names:
            headers.append(("Date", http_date(time.time())))
        headers.append(("Server", "linkwatch-local-web"))
        streamed = callable(response.body)
        no_body = response.status in (204, 304) or request.method == "HEAD"
        if streamed:
            if response.content_length is not None:
                headers.append(("Content-Length", str(response.content_length)))
            else:
                keep = False
        elif "content-length" not in names:
            assert isinstance(response.body, bytes)
            if response.status not in (204, 304):
                headers.append(("Content-Length", str(len(response.body))))
        headers.append(("Connection", "keep-alive" if keep else "close"))
        reason = REASONS.get(response.status, "Unknown")
        head = f"HTTP/1.1 {response.status} {reason}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers
        )
        writer.write(head.encode("latin-1") + b"\r\n")
        if not no_body:
            if callable(response.body):
                async for chunk in response.body():
                    writer.write(chunk)
                    await writer.drain()
            else:
                writer.write(response.body)
        await writer.drain()
        return keep


class LoopThread:
    """An asyncio event loop running in a daemon thread."""

    def __init__(self, name: str = "linkwatch-local-web") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = 60.0) -> T:
        """Run `coro` on the loop and wait for its result from another thread."""
        future: concurrent.futures.Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout)

    def shutdown(self, stop: Coroutine[Any, Any, None]) -> None:
        """Run a server's `stop` coroutine (10 s at most), then stop the loop in any case."""
        try:
            self.run(stop, timeout=10.0)
        finally:
            self.stop()

    def stop(self) -> None:
        """Cancel what is left on the loop, stop it and join the thread."""

        async def _cancel_rest() -> None:
            current = asyncio.current_task()
            rest = [t for t in asyncio.all_tasks() if t is not current]
            for task in rest:
                task.cancel()
            await asyncio.gather(*rest, return_exceptions=True)

        if self.loop.is_running():
            with contextlib.suppress(Exception):
                self.run(_cancel_rest(), timeout=5.0)
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5.0)
        if not self.loop.is_running():
            self.loop.close()


class Closing:
    """A fixture server usable in a `with` block: leaving it calls `close()`."""

    def close(self) -> None:
        """Stop whatever the server started; subclasses extend it."""

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
