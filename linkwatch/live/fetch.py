"""Fetching one URL: HEAD or GET, redirects followed by hand, a capped body, a total deadline.

Requests go through the client's page engine
(:class:`linkwatch.client_aiohttp.PageClient`). Redirects are followed here so
that every hop is paced per host, the chain is recorded, loops are named, and a
``<meta refresh>`` counts as a hop. Network failures become a :class:`Failure`
with a live status and a reason; nothing here raises for a URL's own trouble.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import re
import time
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping

from linkwatch.client_aiohttp import (
    BadURL,
    ConnectFailed,
    ConnectTimedOut,
    DeadlinePassed,
    DNSFailed,
    PageClient,
    ReadTimedOut,
    RequestError,
    TLSFailed,
)
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
    headers: Mapping[str, str]
    """Case-insensitive."""
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
        client: PageClient,
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
        try:
            page = await self._client.fetch(
                method,
                url,
                headers,
                max_bytes=self._max_bytes,
                timeout=self._timeout,
                skip_body_of=_REDIRECTS,
            )
        except BlockedAddressError as exc:
            return Failure(LiveStatus.SKIPPED, f"not fetched: {exc}")
        except RequestError as exc:
            return _failure(exc, self._timeout)
        return Answer(
            method=method,
            url=url,
            status=page.status,
            headers=page.headers,
            body=page.body,
            truncated=page.truncated,
        )


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


def _failure(exc: RequestError, timeout: float) -> Failure:
    """Classify a request that got no usable answer as a live status with a reason."""
    if isinstance(exc, DNSFailed):
        return Failure(
            LiveStatus.DNS_ERROR,
            "host name does not resolve (DNS lookup failed)",
            network_level=True,
        )
    if isinstance(exc, TLSFailed):
        if exc.certificate:
            return Failure(LiveStatus.TLS_ERROR, f"TLS certificate not trusted ({exc.certificate})")
        return Failure(LiveStatus.TLS_ERROR, f"TLS handshake failed ({exc})")
    if isinstance(exc, DeadlinePassed):
        return Failure(
            LiveStatus.TIMEOUT, f"timeout: no complete answer within {timeout:g} s", retryable=True
        )
    if isinstance(exc, ConnectTimedOut | ReadTimedOut):
        connect = isinstance(exc, ConnectTimedOut)
        return Failure(
            LiveStatus.TIMEOUT,
            f"timeout while waiting to {'connect' if connect else 'read'} (limit {timeout:g} s)",
            retryable=True,
            network_level=connect,
        )
    if isinstance(exc, ConnectFailed):
        what = "connection refused" if exc.refused else f"cannot connect ({exc})"
        return Failure(LiveStatus.CONNECTION_ERROR, what, network_level=True)
    if isinstance(exc, BadURL):
        return Failure(LiveStatus.INVALID_URL, str(exc))
    return Failure(
        LiveStatus.CONNECTION_ERROR, f"connection reset mid-response ({exc})", retryable=True
    )


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
