"""Fetching one URL: HEAD or GET, redirects followed by hand, a capped body, a total deadline.

Redirects are followed here rather than by httpx so that every hop is paced
per host, the chain is recorded, loops are named, and a ``<meta refresh>`` counts
as a hop. Network failures become a :class:`Failure` with a live status and a
reason; nothing here raises for a URL's own trouble.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import email.utils
import errno
import re
import ssl
import time
import urllib.parse
from collections.abc import Awaitable, Callable

import httpx

from linkwatch.client import DNSResolutionError
from linkwatch.errors import BlockedAddressError
from linkwatch.live.urls import origin, url_problem
from linkwatch.status import LiveStatus

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_META_REFRESH = re.compile(
    rb"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*>""", re.IGNORECASE
)
_REFRESH_CONTENT = re.compile(
    rb"""content\s*=\s*["']?\s*(\d+)\s*[;,]\s*(?:url\s*=\s*)?["']?([^"'>\s]+)""", re.IGNORECASE
)
#: A ``<meta refresh>`` with a longer delay is a page that updates itself, not a move.
MAX_REFRESH_DELAY = 5

Pace = Callable[[str], Awaitable[None]]


@dataclasses.dataclass(frozen=True, slots=True)
class Answer:
    """The HTTP answer that ended a chain of redirects."""

    method: str
    url: str
    status: int
    headers: httpx.Headers
    body: bytes
    truncated: bool
    """The body was longer than the cap (or the deadline hit while reading it)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Failure:
    """A request that got no usable HTTP answer."""

    status: LiveStatus
    reason: str
    retryable: bool = False
    network_level: bool = False
    """DNS or connect failure: evidence of an outage rather than of the page."""


@dataclasses.dataclass(frozen=True, slots=True)
class Chain:
    """One request and the redirects it went through."""

    hops: tuple[tuple[int, str], ...]
    """``(status, target URL)`` of each redirect followed, in order."""
    end: Answer | Failure


class Fetcher:
    """Makes requests for the live stage with the shared client, pacing every hop per host."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        pace: Pace,
        *,
        timeout: float,
        max_bytes: int,
        max_redirects: int,
    ) -> None:
        self._client = client
        self._pace = pace
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects

    async def chain(
        self, url: str, method: str = "GET", headers: dict[str, str] | None = None
    ) -> Chain:
        """Request ``url`` and follow redirects (and short meta refreshes on GET)."""
        hops: list[tuple[int, str]] = []
        seen = {url}
        current = url
        for _ in range(self._max_redirects + 1):
            scheme = urllib.parse.urlsplit(current).scheme
            if scheme not in ("http", "https"):
                return Chain(
                    tuple(hops),
                    Failure(LiveStatus.INVALID_URL, f"redirects to a non-web URL ({current})"),
                )
            await self._pace(origin(current))
            end = await self.once(method, current, headers if not hops else None)
            if isinstance(end, Failure):
                return Chain(tuple(hops), end)
            target, code = _next_hop(end)
            if target is None:
                return Chain(tuple(hops), end)
            problem = _redirect_problem(current, target)
            if problem:
                return Chain(
                    tuple(hops),
                    Failure(LiveStatus.INVALID_URL, f"redirects to an invalid URL ({problem})"),
                )
            target = urllib.parse.urljoin(current, target).split("#", 1)[0]
            hops.append((code, target))
            if target in seen:
                return Chain(
                    tuple(hops),
                    Failure(
                        LiveStatus.CONNECTION_ERROR,
                        f"redirect loop ({' → '.join(_short(h[1]) for h in hops)})",
                    ),
                )
            seen.add(target)
            current = target
            if code == 303:
                method = "GET"
        return Chain(
            tuple(hops),
            Failure(LiveStatus.CONNECTION_ERROR, f"too many redirects (more than {len(hops) - 1})"),
        )

    async def once(self, method: str, url: str, headers: dict[str, str] | None) -> Answer | Failure:
        """One request with a total deadline; a GET body is read up to the cap."""
        body = bytearray()
        truncated = False
        response: httpx.Response | None = None
        deadline = time.monotonic() + self._timeout
        try:
            async with asyncio.timeout_at(_loop_time(deadline)):
                request = self._client.build_request(method, url, headers=headers)
                response = await self._client.send(request, stream=True)
                try:
                    if method == "GET" and response.status_code not in _REDIRECTS:
                        async for chunk in response.aiter_bytes():
                            body += chunk
                            if len(body) >= self._max_bytes:
                                del body[self._max_bytes :]
                                truncated = True
                                break
                finally:
                    await response.aclose()
        except TimeoutError:
            if response is not None and body:
                # Headers and part of the body arrived: judge what was read.
                truncated = True
            else:
                return Failure(
                    LiveStatus.TIMEOUT,
                    f"timeout: no complete answer within {self._timeout:g} s",
                    retryable=True,
                )
        except BlockedAddressError as exc:
            return Failure(LiveStatus.SKIPPED, f"not fetched: {exc}")
        except (httpx.InvalidURL, UnicodeError) as exc:
            # A host the URL Standard accepts (UTS #46) that the HTTP client's
            # stricter IDNA 2008 cannot turn into a request, e.g. an emoji domain.
            return Failure(
                LiveStatus.INVALID_URL, f"the HTTP client cannot request this URL ({exc})"
            )
        except httpx.RemoteProtocolError as exc:
            if response is None or not body:
                return _failure(exc, self._timeout)
            # The server closed cleanly before its Content-Length: browsers show what
            # came, and so is it judged (a reset mid-body stays a connection error).
            truncated = True
        except httpx.HTTPError as exc:
            return _failure(exc, self._timeout)
        except (ssl.SSLError, OSError) as exc:
            return _failure(exc, self._timeout)
        assert response is not None
        return Answer(
            method=method,
            url=url,
            status=response.status_code,
            headers=response.headers,
            body=bytes(body),
            truncated=truncated,
        )


def _loop_time(deadline: float) -> float:
    loop = asyncio.get_running_loop()
    return loop.time() + (deadline - time.monotonic())


def _next_hop(answer: Answer) -> tuple[str | None, int]:
    if answer.status in _REDIRECTS:
        location = answer.headers.get("location", "").strip()
        return (location or None), answer.status
    if answer.method == "GET" and 200 <= answer.status < 300:
        target = meta_refresh_target(answer.body) or refresh_header_target(
            answer.headers.get("refresh", "")
        )
        if target:
            return target, 0
    return None, 0


def meta_refresh_target(body: bytes) -> str:
    """The target of a ``<meta http-equiv=refresh>`` that moves at once (≤ 5 s), or ``""``."""
    head = body[:16384]
    tag = _META_REFRESH.search(head)
    if not tag:
        return ""
    content = _REFRESH_CONTENT.search(tag.group(0))
    if not content or int(content.group(1)) > MAX_REFRESH_DELAY:
        return ""
    return content.group(2).decode("utf-8", "replace").strip()


def refresh_header_target(value: str) -> str:
    """The target of a ``Refresh: 0; url=…`` header that moves at once (≤ 5 s), or ``""``."""
    content = _REFRESH_CONTENT.search(f'content="{value}"'.encode("utf-8", "replace"))
    if not content or int(content.group(1)) > MAX_REFRESH_DELAY:
        return ""
    return content.group(2).decode("utf-8", "replace").strip()


def _redirect_problem(current: str, target: str) -> str:
    """Why a redirect's ``target`` cannot be followed from ``current``, or ``""``."""
    try:
        joined = urllib.parse.urljoin(current, target)
    except ValueError as exc:  # a broken IPv6 host or port
        return f"{target}: {exc}"
    if urllib.parse.urlsplit(joined).scheme not in ("http", "https"):
        return ""  # named "a non-web URL" when the chain reaches it
    problem = url_problem(joined)
    return f"{target}: {problem}" if problem else ""


def _short(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _causes(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(out) < 12:
        out.append(current)
        current = current.__cause__ or current.__context__
    return out


def _failure(exc: Exception, timeout: float) -> Failure:
    """Classify a transport exception as a live status with a reason."""
    chain = _causes(exc)
    if any(isinstance(e, DNSResolutionError) for e in chain):
        return Failure(
            LiveStatus.DNS_ERROR,
            "host name does not resolve (DNS lookup failed)",
            network_level=True,
        )
    cert = next((e for e in chain if isinstance(e, ssl.SSLCertVerificationError)), None)
    if cert is not None:
        detail = getattr(cert, "verify_message", "") or str(cert)
        return Failure(LiveStatus.TLS_ERROR, f"TLS certificate not trusted ({detail})")
    if any(isinstance(e, ssl.SSLError) for e in chain):
        return Failure(LiveStatus.TLS_ERROR, f"TLS handshake failed ({exc})")
    if isinstance(exc, httpx.TimeoutException):
        phase = "connect" if isinstance(exc, httpx.ConnectTimeout) else "read"
        return Failure(
            LiveStatus.TIMEOUT,
            f"timeout while waiting to {phase} (limit {timeout:g} s)",
            retryable=True,
            network_level=isinstance(exc, httpx.ConnectTimeout),
        )
    if isinstance(exc, httpx.ConnectError | ConnectionRefusedError):
        refused = any(
            isinstance(e, ConnectionRefusedError)
            or (isinstance(e, OSError) and e.errno == errno.ECONNREFUSED)
            for e in chain
        )
        what = "connection refused" if refused else f"cannot connect ({exc})"
        return Failure(LiveStatus.CONNECTION_ERROR, what, network_level=True)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return Failure(LiveStatus.INVALID_URL, f"not a URL that can be requested ({exc})")
    if isinstance(exc, httpx.ReadError | httpx.RemoteProtocolError | httpx.WriteError) or any(
        isinstance(e, ConnectionResetError) for e in chain
    ):
        return Failure(
            LiveStatus.CONNECTION_ERROR,
            f"connection reset mid-response ({str(exc) or type(exc).__name__})",
            retryable=True,
        )
    return Failure(LiveStatus.CONNECTION_ERROR, f"request failed ({type(exc).__name__}: {exc})")


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" or no zone: HTTP dates are always GMT
        when = when.replace(tzinfo=dt.UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)
