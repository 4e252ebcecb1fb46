"""The client's httpx engine: per-host pools, connections through the address guard.

:func:`make_client` (also reachable as :func:`linkwatch.client.make_client`) returns an
``httpx.AsyncClient`` under the policy of :mod:`linkwatch.client`, for archive
lookups, Memento and Save Page Now. Its transport keeps one small connection pool per
origin. A single shared pool got slower per request as it grew (httpcore scans its
connections on every request; measured in ``docs/benchmarks.md``), so each host gets
its own, created on first use and closed when idle pools pile up.

Connections are made by :class:`AsyncioBackend`, httpcore's network interface
implemented on plain asyncio (or uvloop) rather than anyio, which costs less CPU
per request. Every connection passes the guard at connect time: the host name is
resolved by :func:`linkwatch.client.resolve`, each resolved address must be public
(not loopback, private, link-local, multicast, reserved), and the connection goes to
that checked address. Checking at connect time covers redirects and names like
``localhost`` without a window between the check and the connection.
``allow_private`` lifts it. Proxies from the environment are ignored, since a proxy
would hide the destination from the guard.
"""

from __future__ import annotations

import asyncio
import collections
import ssl
import typing
from collections.abc import AsyncIterator, Iterable

import httpcore
import httpx
from httpx._types import CookieTypes  # the type httpx's own setter takes

from linkwatch.client import (
    AddressGuard,
    ClientConfig,
    NameNotResolved,
    make_ssl_context,
    resolve,
)
from linkwatch.errors import BlockedAddressError


class DNSResolutionError(httpcore.ConnectError):
    """The host name did not resolve (a ``ConnectError`` so httpx maps it as one)."""


#: Bytes buffered ahead of the reader before the socket stops being read.
_READ_AHEAD = 1 << 18


class _StreamProtocol(asyncio.Protocol):
    """Buffers what a connection receives and wakes the one reader waiting for it."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self.waiter: asyncio.Future[None] | None = None
        self.drained: asyncio.Future[None] | None = None
        self.transport: asyncio.Transport | None = None
        self.paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = typing.cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > _READ_AHEAD and not self.paused and self.transport is not None:
            # A body nobody reads (past the cap) must not pile up in memory.
            self.transport.pause_reading()
            self.paused = True
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake()
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)

    def pause_writing(self) -> None:
        self.drained = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)
        self.drained = None

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())


class AsyncioStream(httpcore.AsyncNetworkStream):
    """A connection read and written straight through an asyncio transport."""

    def __init__(self, transport: asyncio.Transport, protocol: _StreamProtocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def _wait(self, timeout: float | None) -> None:
        protocol = self._protocol
        loop = asyncio.get_running_loop()
        waiter = protocol.waiter = loop.create_future()
        timer = loop.call_later(timeout, _expire, waiter) if timeout is not None else None
        try:
            await waiter
        finally:
            protocol.waiter = None
            if timer is not None:
                timer.cancel()

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.buffer and not protocol.eof:
            try:
                await self._wait(timeout)
            except TimeoutError as exc:
                raise httpcore.ReadTimeout("timed out reading") from exc
        buffer = protocol.buffer
        if buffer:
            data = bytes(buffer[:max_bytes])
            del buffer[:max_bytes]
            if protocol.paused and len(buffer) <= _READ_AHEAD:
                protocol.paused = False
                if not self._transport.is_closing():
                    self._transport.resume_reading()
            return data
        if protocol.error is not None:
            raise httpcore.ReadError(str(protocol.error)) from protocol.error
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        if self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        self._transport.write(buffer)
        drained = self._protocol.drained
        if drained is not None:
            try:
                await asyncio.wait_for(asyncio.shield(drained), timeout)
            except TimeoutError as exc:
                raise httpcore.WriteTimeout("timed out writing") from exc

    async def aclose(self) -> None:
        self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            transport = await asyncio.wait_for(
                loop.start_tls(
                    self._transport,
                    self._protocol,
                    ssl_context,
                    server_hostname=server_hostname,
                ),
                timeout,
            )
        except TimeoutError as exc:
            self._transport.abort()
            raise httpcore.ConnectTimeout("TLS handshake timed out") from exc
        except (ssl.SSLError, OSError) as exc:
            self._transport.abort()
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        if transport is None:
            self._transport.abort()
            raise httpcore.ConnectError("the connection closed during the TLS handshake")
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":
            # Data or EOF on an idle connection: the server is closing it.
            return bool(self._protocol.buffer) or self._protocol.eof
        name = {
            "ssl_object": "ssl_object",
            "client_addr": "sockname",
            "server_addr": "peername",
            "socket": "socket",
        }.get(info)
        return self._transport.get_extra_info(name) if name else None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend on plain asyncio (and so on uvloop).

    httpcore's own backend goes through anyio, whose cancel scopes and stream
    wrappers cost more CPU per request than the rest of the request
    (measured in ``docs/benchmarks.md``).
    """

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            transport, protocol = await asyncio.wait_for(
                loop.create_connection(
                    _StreamProtocol,
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                ),
                timeout,
            )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"connecting to {host}:{port} timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        sock = transport.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return AsyncioStream(transport, protocol)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddressError("unix sockets are not used by linkwatch")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """A network backend that resolves names itself and refuses non-public addresses."""

    def __init__(
        self,
        allow_private: bool,
        inner: httpcore.AsyncNetworkBackend | None = None,
        allowed_networks: tuple[str, ...] = (),
    ) -> None:
        self._guard = AddressGuard(allow_private, allowed_networks)
        self._inner = inner or AsyncioBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await resolve(host, port, timeout)
        except NameNotResolved as exc:
            raise DNSResolutionError(str(exc)) from exc
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc)) from exc
        self._guard.check(host, addresses)
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddressError("unix sockets are not used by linkwatch")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool built on :class:`GuardedBackend`."""

    def __init__(
        self,
        ssl_context: ssl.SSLContext,
        config: ClientConfig,
        backend: GuardedBackend,
        http2: bool,
    ) -> None:
        super().__init__(verify=ssl_context, http2=http2, trust_env=False)
        # httpx has no public way to pass a network backend; its pool is replaced
        # by an identical one that connects through the guard.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=config.connections_per_host,
            max_keepalive_connections=config.connections_per_host,
            keepalive_expiry=30.0,
            http1=True,
            http2=http2,
            network_backend=backend,
        )


class _CountedStream(httpx.AsyncByteStream):
    """A response body that tells the transport when it is closed."""

    def __init__(self, stream: httpx.AsyncByteStream, on_close: typing.Callable[[], None]):
        self._stream = stream
        self._on_close: typing.Callable[[], None] | None = on_close

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._on_close is not None:
                self._on_close()
                self._on_close = None


class PerHostTransport(httpx.AsyncBaseTransport):
    """Routes each request to a small pool of its own origin (scheme, host, port)."""

    def __init__(self, config: ClientConfig) -> None:
        self._config = config
        self._ssl_context = make_ssl_context(config.ca_bundle)
        self._backend = GuardedBackend(
            config.allow_private, allowed_networks=config.allowed_networks
        )
        self._pools: collections.OrderedDict[tuple[str, str, int | None], _GuardedTransport] = (
            collections.OrderedDict()
        )
        self._busy: collections.Counter[tuple[str, str, int | None]] = collections.Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.scheme, request.url.host, request.url.port)
        pool = self._pools.get(key)
        if pool is None:
            await self._close_idle_pools()
            # HTTP/2 is only ever negotiated by ALPN during the TLS handshake, so a
            # plain-http origin gets an HTTP/1.1-only pool.
            http2 = self._config.http2 and key[0] == "https"
            pool = _GuardedTransport(self._ssl_context, self._config, self._backend, http2)
            self._pools[key] = pool
        self._pools.move_to_end(key)
        self._busy[key] += 1

        def done() -> None:
            self._busy[key] -= 1

        try:
            response = await pool.handle_async_request(request)
        except BaseException:
            done()
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_CountedStream(response.stream, done),
            extensions=response.extensions,
        )

    async def _close_idle_pools(self) -> None:
        idle = [k for k in self._pools if self._busy[k] <= 0]
        excess = len(idle) - self._config.max_idle_pools + 1
        for key in idle[: max(0, excess)]:
            pool = self._pools.pop(key)
            self._busy.pop(key, None)
            await pool.aclose()

    async def aclose(self) -> None:
        pools = list(self._pools.values())
        self._pools.clear()
        for pool in pools:
            await pool.aclose()


class _Cookies(httpx.Cookies):
    """A cookie jar that skips answers without cookies.

    httpx hands every response to ``http.cookiejar`` through adapter objects,
    which cost more than parsing the response itself; almost none set a cookie.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


class _Client(httpx.AsyncClient):
    """``httpx.AsyncClient`` with the :class:`_Cookies` jar; otherwise the same."""

    def __init__(self, **kwargs: typing.Any) -> None:
        self._jar = _Cookies()
        super().__init__(**kwargs)

    @property
    def cookies(self) -> httpx.Cookies:
        return self._jar

    @cookies.setter
    def cookies(self, cookies: CookieTypes) -> None:
        self._jar = _Cookies(cookies)


def make_client(config: ClientConfig | None = None) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` with per-host pools, the guard, the UA and timeouts.

    Redirects are not followed unless a request asks (``follow_redirects=True``);
    every hop still passes the address guard. Raises :class:`InputError` for an
    unreadable CA bundle.
    """
    config = config or ClientConfig()
    return _Client(
        transport=PerHostTransport(config),
        headers={"User-Agent": config.user_agent},
        timeout=httpx.Timeout(config.timeout, connect=config.connect_timeout, pool=config.timeout),
        follow_redirects=False,
        trust_env=False,
    )
