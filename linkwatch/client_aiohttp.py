"""The client's engine for the live check: one GET or HEAD at a time, on aiohttp, under
linkwatch's policy.

:class:`PageClient` is what the live stage fetches pages with. It takes its policy from
:mod:`linkwatch.client` (the :class:`~linkwatch.client.ClientConfig`, the User-Agent, the
address guard, the TLS context with ``--ca-bundle``) and runs it on aiohttp, whose HTTP
parser and connection pool are written in C and cost a fraction of httpx's CPU per
request (``docs/benchmarks.md``). Archive lookups and Save Page Now keep the httpx
client of :mod:`linkwatch.client`: they make few requests.

- **Guard**: names are resolved by :class:`GuardedResolver`, which refuses any answer
  with a non-public address; the connector connects to exactly the addresses it
  returned. aiohttp does not ask a resolver about IP literals, so those are checked
  before the request. Every request (each redirect hop is one) passes both.
- **Pools**: aiohttp keeps one pool per origin; ``connections_per_host`` caps each.
- **Body**: streamed, decompressed (gzip, deflate, brotli), read up to ``max_bytes``.
- **Deadline**: the whole request, body included, must finish within ``timeout``.
- **HTTP/2**: aiohttp speaks HTTP/1.1 only, so pages are fetched over HTTP/1.1.

Outcomes are an :class:`PageAnswer` or one of the :class:`RequestError` subclasses;
a body cut short by the deadline or by a clean close comes back ``truncated``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import errno
import ipaddress
import socket
import ssl
from collections.abc import Container, Mapping

import aiohttp
import aiohttp.abc
import yarl

from linkwatch.client import AddressGuard, ClientConfig, make_ssl_context, resolve

#: aiohttp's default line and header limits (8 KiB) refuse real sites' long cookies and
#: security policies; httpx allowed about 100 KiB.
_MAX_HEADER = 64 * 1024


@dataclasses.dataclass(frozen=True, slots=True)
class PageAnswer:
    """An HTTP answer and its body, read up to the cap."""

    status: int
    headers: Mapping[str, str]
    """Case-insensitive."""
    body: bytes
    truncated: bool
    """The body was longer than the cap, or the deadline or a clean close cut it short."""


class RequestError(Exception):
    """A request that got no usable HTTP answer; the subclass says where it failed."""


class DNSFailed(RequestError):
    """The host name does not resolve."""


class ConnectFailed(RequestError):
    """No connection could be made."""

    def __init__(self, message: str, refused: bool) -> None:
        super().__init__(message)
        self.refused = refused


class ConnectTimedOut(RequestError):
    """Connecting (or the TLS handshake) took longer than the connect timeout."""


class ReadTimedOut(RequestError):
    """The server stopped sending for longer than the read timeout."""


class DeadlinePassed(RequestError):
    """The whole request took longer than its deadline before any body arrived."""


class TLSFailed(RequestError):
    """The TLS handshake failed; ``certificate`` has the verifier's message when the
    certificate was not trusted."""

    def __init__(self, message: str, certificate: str = "") -> None:
        super().__init__(message)
        self.certificate = certificate


class ConnectionBroken(RequestError):
    """The connection was reset or closed before a whole answer arrived."""


class BadURL(RequestError):
    """The URL cannot be requested."""


class GuardedResolver(aiohttp.abc.AbstractResolver):
    """Resolves names like the httpx engine does and refuses non-public answers."""

    def __init__(self, guard: AddressGuard, timeout: float) -> None:
        self._guard = guard
        self._timeout = timeout

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[aiohttp.abc.ResolveResult]:
        try:
            # A NameNotResolved is an OSError, which aiohttp reports as a DNS failure.
            addresses = await resolve(host, port, self._timeout)
        except TimeoutError as exc:
            raise ConnectTimedOut(str(exc)) from exc
        self._guard.check(host, addresses)
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for address in addresses
        ]

    async def close(self) -> None:
        return None


class PageClient:
    """Fetches pages for the live check; use as ``async with PageClient(config) as pages``."""

    def __init__(self, config: ClientConfig) -> None:
        self._config = config
        self._guard = AddressGuard(config.allow_private, config.allowed_networks)
        self._ssl = make_ssl_context(config.ca_bundle)
        self._literal_ok: dict[str, bool] = {}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> PageClient:
        config = self._config
        connector = aiohttp.TCPConnector(
            limit=0,
            limit_per_host=config.connections_per_host,
            ssl=self._ssl,
            resolver=GuardedResolver(self._guard, config.connect_timeout),
            keepalive_timeout=30.0,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": config.user_agent},
            timeout=aiohttp.ClientTimeout(
                total=None, sock_connect=config.connect_timeout, sock_read=config.timeout
            ),
            # httpx kept cookies for IP hosts as well; aiohttp only when told to.
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            max_line_size=_MAX_HEADER,
            max_field_size=_MAX_HEADER,
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _check_literal(self, host: str) -> None:
        ok = self._literal_ok.get(host)
        if ok is None:
            literal = host.strip("[]")
            try:
                ipaddress.ip_address(literal.split("%", 1)[0])
            except ValueError:
                ok = True  # a name: the resolver checks what it resolves to
            else:
                ok = self._guard.permitted(literal)
            self._literal_ok[host] = ok
        if not ok:
            self._guard.check(host, [host.strip("[]")])

    async def fetch(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        *,
        max_bytes: int,
        timeout: float,
        skip_body_of: Container[int] = (),
    ) -> PageAnswer:
        """One request, redirects not followed, finished within ``timeout`` seconds.

        The body is read up to ``max_bytes``, except for a status in ``skip_body_of``
        (redirects: the connection is closed instead of reading it). Raises
        a :class:`RequestError` subclass, or :class:`BlockedAddressError` when the
        guard refuses the address.
        """
        session = self._session
        assert session is not None, "PageClient used outside 'async with'"
        try:
            target = _url(url)
            host = target.raw_host or ""
        except (ValueError, TypeError) as exc:
            raise BadURL(f"not a URL that can be requested ({exc})") from exc
        if "xn--" in host.lower():
            _check_idna(host)
        self._check_literal(host)
        body = bytearray()
        truncated = False
        response: aiohttp.ClientResponse | None = None
        try:
            async with asyncio.timeout(timeout):
                response = await session.request(
                    method, target, headers=headers, allow_redirects=False, ssl=self._ssl
                )
                skip = method == "HEAD" or response.status in skip_body_of
                finished = False
                try:
                    if not skip:
                        truncated = await _read(response.content, body, max_bytes)
                    finished = True
                except aiohttp.ClientPayloadError as exc:
                    # Asked before the response is closed: the connection knows why it ended.
                    if not body or _reset(exc, response):
                        raise ConnectionBroken(_message(exc)) from exc
                    # The server closed cleanly before its Content-Length: browsers show what
                    # came, and so is it judged (a reset mid-body stays a broken connection).
                    truncated = True
                finally:
                    if finished and not truncated and (method == "HEAD" or not skip):
                        response.release()
                    else:
                        response.close()
        except TimeoutError as exc:
            if response is not None and body:
                truncated = True  # headers and part of the body arrived: judge what came
            elif isinstance(exc, aiohttp.ServerTimeoutError):
                if isinstance(exc, aiohttp.ConnectionTimeoutError):
                    raise ConnectTimedOut(str(exc) or "connect timed out") from exc
                raise ReadTimedOut(str(exc) or "read timed out") from exc
            else:
                raise DeadlinePassed(f"no complete answer within {timeout:g} s") from exc
        except aiohttp.ClientError as exc:
            raise _request_error(exc) from exc
        except (ssl.SSLError, OSError) as exc:
            raise _request_error(exc) from exc
        assert response is not None
        return PageAnswer(
            status=response.status,
            headers=response.headers,
            body=bytes(body),
            truncated=truncated,
        )


async def _read(content: aiohttp.StreamReader, body: bytearray, max_bytes: int) -> bool:
    """Read ``content`` into ``body`` up to ``max_bytes``; whether there was more."""
    while True:
        chunk = await content.readany()
        if not chunk:
            return False
        body += chunk
        if len(body) >= max_bytes:
            del body[max_bytes:]
            return True


def _url(url: str) -> yarl.URL:
    """``url`` as yarl takes it, kept byte for byte when it is already plain ASCII."""
    if url.isascii() and " " not in url:
        # Re-quoting would change what was cited (``%7E`` → ``~``), so an ASCII URL is
        # sent as written; others are percent-encoded as browsers do.
        return yarl.URL(url, encoded=True)
    return yarl.URL(url)


def _check_idna(host: str) -> None:
    """Raise :class:`BadURL` when an ``xn--`` label of ``host`` is not valid IDNA 2008.

    The URL Standard's IDNA processing (UTS #46) accepts some hosts that IDNA 2008 does
    not (``xn--n3h``, a snowman); no such name can be registered, and httpx refused to
    request them, so the live check does too.
    """
    import idna  # only for the rare host that needs it: its tables are large

    for label in host.split("."):
        if label.lower().startswith("xn--"):
            try:
                idna.decode(label)
            except (idna.IDNAError, UnicodeError) as exc:
                raise BadURL(f"the HTTP client cannot request this URL ({exc})") from exc


def _reset(exc: BaseException, response: aiohttp.ClientResponse | None = None) -> bool:
    """Whether a reset (not a clean close) lies under ``exc`` or ended ``response``."""
    connection = response.connection if response is not None else None
    protocol = connection.protocol if connection is not None else None
    # aiohttp records why the connection was lost on its protocol, not on the payload error.
    lost = protocol.exception() if protocol is not None else None
    current: BaseException | None = lost or exc
    for _ in range(12):
        if current is None:
            return False
        if isinstance(current, ConnectionResetError | BrokenPipeError) or (
            isinstance(current, OSError) and current.errno in (errno.ECONNRESET, errno.EPIPE)
        ):
            return True
        current = current.__cause__ or current.__context__
    return False


def _message(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _request_error(exc: BaseException) -> RequestError:
    """The :class:`RequestError` for an aiohttp or socket exception."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return DNSFailed(_message(exc))
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        cert = exc.certificate_error
        detail = getattr(cert, "verify_message", "") or str(cert)
        return TLSFailed(_message(exc), certificate=detail)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return TLSFailed(_message(exc), certificate=exc.verify_message or str(exc))
    if isinstance(exc, aiohttp.ClientConnectorSSLError | aiohttp.ClientSSLError | ssl.SSLError):
        return TLSFailed(_message(exc))
    if isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        return BadURL(f"not a URL that can be requested ({exc})")
    if isinstance(exc, aiohttp.ClientConnectorError):
        os_error = exc.os_error
        refused = isinstance(os_error, ConnectionRefusedError) or (
            os_error.errno == errno.ECONNREFUSED
        )
        return ConnectFailed(str(os_error) or _message(exc), refused=refused)
    if isinstance(exc, ConnectionRefusedError):
        return ConnectFailed(_message(exc), refused=True)
    return ConnectionBroken(_message(exc))
