"""Archive lookups: find the captures of a URL, choose one, and verify it by fetching it raw.

One :class:`ArchiveChecker` serves a run. Each configured archive gets an
:class:`ArchiveSession` with two request budgets (lookups: CDX, TimeGate, TimeMap and
availability; replays: fetching captures), so the run as a whole stays under the
archive's rate limit however many URLs are checked at once. A 429 pauses that budget
for its Retry-After (60 s when absent) before the request is retried.

An archive that cannot answer (refused, reset, timed out, 5xx or 429 after retries,
an unreadable answer) gives ``lookup-failed``, never ``not-archived``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Protocol
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import httpx

from linkwatch.archives.choose import GOOD_STATUSES, Target, candidates, in_window
from linkwatch.archives.config import ArchiveConfig, ArchiveKind, ArchiveOptions
from linkwatch.archives.memento import (
    CitedCapture,
    Link,
    Memento,
    TimeMapPage,
    http_date,
    parse_cited_capture,
    parse_link_format,
    parse_timestamp,
    raw_url,
    timemap_pages,
    timemaps_from_links,
    timestamp_from_http_date,
)
from linkwatch.archives.polite import Clock, RateGate, Sleep, retry_after_seconds
from linkwatch.archives.verify import not_found_reason
from linkwatch.archives.wayback import (
    CdxFormatError,
    availability_body,
    parse_availability,
    parse_cdx,
)
from linkwatch.compare.text import PageText, page_text
from linkwatch.live.soft404 import login_evidence, redirect_evidence
from linkwatch.results import ArchiveResult, Capture
from linkwatch.status import ArchiveStatus

#: Judges a capture's content; returns why it is a not-found page, or "".
NotFoundJudge = Callable[[PageText], str]


class ArchiveUnavailable(Exception):
    """An archive could not answer; becomes ``lookup-failed`` for the URL being looked up."""


class ArchiveExcluded(Exception):
    """The archive refuses to show any capture of the URL (excluded, blocked by its owner)."""


_IP_HOST = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
#: The timestamp in a Wayback-style replay URL (``…/20190506120000/http://…``).
_URL_TIMESTAMP = re.compile(r"/(\d{14}|\d{8,12})(?:[a-z]{2}_)?/")

#: Words of an archive's answer that mean the URL is excluded, not that the archive failed.
_EXCLUDED = re.compile(
    rb"excluded|blocked site|robots\.txt|AdministrativeAccessControl|AccessControlException"
    rb"|not available for replay|has been excluded",
    re.IGNORECASE,
)


@dataclasses.dataclass(frozen=True, slots=True)
class CaptureFetch:
    """A capture fetched raw and judged."""

    memento: Memento
    raw_url: str
    http_status: int | None
    content_type: str = ""
    payload_sha1: str = ""
    page: PageText | None = None
    problem: str = ""
    """Empty for a good capture; else why it is not (``captured 404``, ``soft 404: …``)."""

    @property
    def good(self) -> bool:
        """Whether the capture shows the page itself."""
        return not self.problem


@dataclasses.dataclass(frozen=True, slots=True)
class ArchiveOutcome:
    """The archive result of one URL, with the chosen capture's text for change detection."""

    result: ArchiveResult
    page: PageText | None = None


class ArchiveCache(Protocol):
    """Where lookups and verified captures are remembered between runs."""

    def get_lookup(self, archive: str, url: str, target: str, window: int) -> ArchiveResult | None:
        """A remembered, still valid lookup result."""

    def put_lookup(
        self,
        archive: str,
        url: str,
        target: str,
        window: int,
        result: ArchiveResult,
        expires: dt.datetime | None,
    ) -> None:
        """Remember a lookup result until ``expires`` (None: forever)."""

    def get_capture(self, raw_url: str) -> CaptureFetch | None:
        """A remembered verified capture (captures never change)."""

    def put_capture(self, fetch: CaptureFetch) -> None:
        """Remember a verified capture."""


def _sha1_base32(data: bytes) -> str:
    return base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _is_textual(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return (
        not media
        or media.startswith("text/")
        or media in ("application/xhtml+xml", "application/pdf", "application/x-pdf")
    )


def _same_page(a: str, b: str) -> bool:
    def key(u: str) -> str:
        u = u.split("://", 1)[-1].lower()
        return (u[4:] if u.startswith("www.") else u).rstrip("/")

    return key(a) == key(b)


class ArchiveSession:
    """One archive during one run: its request budgets and the requests it made."""

    def __init__(
        self,
        config: ArchiveConfig,
        options: ArchiveOptions,
        client: httpx.AsyncClient,
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Clock | None = None,
        not_found: NotFoundJudge = not_found_reason,
    ) -> None:
        self.config = config
        self.options = options
        self.client = client
        self._sleep = sleep
        gate_kw = {"sleep": sleep} if clock is None else {"sleep": sleep, "clock": clock}
        self.lookup_gate = RateGate(config.lookups_per_minute, **gate_kw)
        self.replay_gate = RateGate(config.replays_per_minute, **gate_kw)
        self._not_found = not_found
        self._timemap_prefix = config.timemap
        self.hints: dict[str, Memento | None] = {}
        """Closest captures the availability API reported, by URL."""
        self.requests = 0
        self.rate_limited = 0
        self.down = ""
        """Why the archive could not be reached in this run; empty while it can."""

    # -- one request, politely ---------------------------------------------

    async def request(
        self,
        method: str,
        url: str,
        gate: RateGate,
        *,
        headers: dict[str, str] | None = None,
        content: str | None = None,
        captured: bool = False,
    ) -> tuple[httpx.Response, bytes]:
        """Send one request within the budget; retry 429 (after Retry-After), 5xx and resets.

        With ``captured``, an error status carrying ``Memento-Datetime`` is the captured
        page's own and is returned, not retried. Raises :class:`ArchiveUnavailable`.
        """
        opts = self.options
        if self.down:
            raise ArchiveUnavailable(
                f"{self.config.name}: unreachable earlier in this run ({self.down})"
            )
        problem = ""
        for attempt in range(opts.retries + 1):
            await gate.acquire()
            self.requests += 1
            try:
                async with asyncio.timeout(opts.timeout):
                    request = self.client.build_request(
                        method, url, headers=headers, content=content
                    )
                    response = await self.client.send(request, stream=True, follow_redirects=False)
                    try:
                        body = await self._read_capped(response)
                    finally:
                        await response.aclose()
            except httpx.ConnectError as exc:
                # Refused or unresolvable: the archive is not there for this run; asking
                # again for every URL would only slow an offline run down.
                self.down = str(exc) or type(exc).__name__
                raise ArchiveUnavailable(
                    f"{self.config.name}: cannot connect ({self.down})"
                ) from exc
            except (httpx.TransportError, TimeoutError) as exc:
                problem = f"{type(exc).__name__}: {exc}".rstrip(": ") or type(exc).__name__
                if isinstance(exc, TimeoutError | httpx.TimeoutException):
                    problem = f"no answer within {opts.timeout:g} s"
                if attempt < opts.retries:
                    await self._sleep(2.0**attempt)
                continue
            status = response.status_code
            is_capture = captured and "memento-datetime" in response.headers
            if status == 429 and not is_capture:
                self.rate_limited += 1
                wait = retry_after_seconds(
                    response.headers.get("retry-after"), opts.retry_after_default
                )
                problem = f"rate-limited (429, retry after {wait:g} s)"
                if wait > opts.max_retry_after:
                    break
                gate.pause(wait)
                continue
            if status >= 500 and not is_capture:
                problem = f"the archive answered {status}"
                if attempt < opts.retries:
                    await self._sleep(2.0**attempt)
                continue
            return response, body
        raise ArchiveUnavailable(f"{self.config.name}: {problem}")

    async def _read_capped(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= self.options.max_body:
                break
        return b"".join(chunks)[: self.options.max_body]

    # -- finding captures -----------------------------------------------------

    async def mementos(self, url: str, target: Target | None) -> list[Memento]:
        """The captures of ``url`` the archive lists (empty: none). CDX when configured.

        A CDX index matches ``http``/``https`` and ``www.`` forms of a URL by itself; a
        Memento archive that keys URLs exactly is asked for those other forms too when
        it holds nothing under the form cited.
        """
        if self.config.cdx:
            return await self._cdx(url, target)
        found = await self._timemap(url, target)
        if not found and self.options.url_variants:
            for variant in url_variants(url):
                found = await self._timemap(variant, target)
                if found:
                    break
        return found

    async def _cdx(self, url: str, target: Target | None) -> list[Memento]:
        # The captures closest to the target, a bounded number of them: a popular page has
        # hundreds of thousands, far more than the read cap (the rest cannot be chosen anyway).
        when = target.timestamp if target else dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        query = (
            f"{self.config.cdx}?url={quote(url, safe='')}&output=json"
            f"&closest={when}&sort=closest&limit={self.options.cdx_limit}"
        )
        response, body = await self.request("GET", query, self.lookup_gate)
        if response.status_code == 404:
            return []
        self._raise_if_excluded(response.status_code, body)
        if response.status_code != 200:
            raise ArchiveUnavailable(f"{self.config.name}: CDX answered {response.status_code}")
        try:
            return parse_cdx(body.decode("utf-8", "replace"), self.config.replay_root)
        except CdxFormatError as exc:
            raise ArchiveUnavailable(f"{self.config.name}: {exc}") from exc

    def _raise_if_excluded(self, status: int, body: bytes) -> None:
        if status in (403, 451) and _EXCLUDED.search(body[:4096]):
            raise ArchiveExcluded(
                f"{self.config.name} excludes this URL from its archive (answered {status})"
            )

    async def _timemap(self, url: str, target: Target | None) -> list[Memento]:
        timemap = f"{self._timemap_prefix}{url}" if self._timemap_prefix else ""
        gate_memento: list[Memento] = []
        if not timemap:
            timemap, gate_memento = await self._timegate(url, target)
            if not timemap:
                return gate_memento
        response, body = await self.request("GET", timemap, self.lookup_gate)
        if response.status_code in (404, 410):
            return gate_memento
        self._raise_if_excluded(response.status_code, body)
        if response.status_code != 200:
            raise ArchiveUnavailable(f"{self.config.name}: TimeMap answered {response.status_code}")
        links = self._timemap_links(response, body)
        found = {m.url: m for m in timemaps_from_links(links)}
        pages = timemap_pages(links, str(response.url))
        for page in _pages_to_read(pages, target, self.options.max_timemap_pages):
            response, body = await self.request(
                "GET", urljoin(str(response.url), page.url), self.lookup_gate
            )
            if response.status_code != 200:
                continue
            found.update(
                (m.url, m) for m in timemaps_from_links(self._timemap_links(response, body))
            )
        mementos = sorted(found.values(), key=lambda m: m.timestamp)
        return mementos or gate_memento

    def _timemap_links(self, response: httpx.Response, body: bytes) -> list[Link]:
        text = body.decode("utf-8", "replace")
        links = parse_link_format(text)
        media = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        typed = any(link.rel for link in links)
        if not typed and text.strip() and media not in ("application/link-format", "text/plain"):
            # An HTML page or JSON where a link-format TimeMap should be: the archive did
            # not answer the question, which is not the same as "no capture".
            raise ArchiveUnavailable(
                f"{self.config.name}: the TimeMap is not in link format ({media or 'no type'})"
            )
        return links

    async def _timegate(self, url: str, target: Target | None) -> tuple[str, list[Memento]]:
        """The TimeMap URL a TimeGate names, and the memento(s) its answer itself gives.

        A TimeGate may redirect (302) to the memento, or answer 200 with the memento's
        URL in ``Content-Location`` and its date in ``Memento-Datetime``; both may name the
        TimeMap in ``Link``, or not.
        """
        headers = {"Accept-Datetime": http_date(target.end)} if target else {}
        gate = f"{self.config.timegate}{url}"
        response, _ = await self.request("GET", gate, self.lookup_gate, headers=headers)
        status = response.status_code
        if status in (404, 410):
            return "", []
        if status >= 400:
            raise ArchiveUnavailable(f"{self.config.name}: TimeGate answered {status}")
        links = parse_link_format(response.headers.get("link", ""))
        timemap = next((urljoin(gate, k.url) for k in links if "timemap" in k.rel), "")
        if timemap.endswith(url):
            # Later URLs go straight to the TimeMap, saving a TimeGate request each.
            self._timemap_prefix = timemap[: -len(url)]
        mementos = timemaps_from_links(links)
        location = ""
        if 300 <= status < 400:
            location = urljoin(gate, response.headers.get("location", ""))
        elif "memento-datetime" in response.headers:
            location = urljoin(gate, response.headers.get("content-location", "") or gate)
        if location and location not in {m.url for m in mementos}:
            memento = await self._dated(location, response)
            if memento is not None:
                mementos.append(memento)
        return timemap, sorted(mementos, key=lambda m: m.timestamp)

    async def _dated(self, location: str, answer: httpx.Response) -> Memento | None:
        """The memento at ``location`` with its datetime: from the answer, its URL, or itself."""
        value = answer.headers.get("memento-datetime", "")
        if value and 200 <= answer.status_code < 300:
            with contextlib.suppress(ValueError):
                return Memento(url=location, timestamp=timestamp_from_http_date(value))
        stamp = _URL_TIMESTAMP.search(location)
        if stamp is not None:
            return Memento(url=location, timestamp=timestamp_from_http_date(stamp.group(1)))
        response, _ = await self.request("GET", location, self.replay_gate, captured=True)
        with contextlib.suppress(ValueError):
            return Memento(
                url=location,
                timestamp=timestamp_from_http_date(response.headers.get("memento-datetime", "")),
            )
        return None

    async def prefetch_availability(self, items: Sequence[tuple[str, Target | None]]) -> None:
        """Ask the bulk availability API about many URLs in one POST; answers become hints.

        A hint only saves the CDX request when it names a good capture on or before the
        target and within the window; anything else is settled by CDX, because the
        availability API is known to miss captures.
        """
        if not self.config.availability or not items:
            return
        lines = [
            (str(i), url, target.timestamp if target else "")
            for i, (url, target) in enumerate(items)
        ]
        try:
            response, body = await self.request(
                "POST",
                self.config.availability,
                self.lookup_gate,
                headers={
                    "Wayback-Api-Version": "2",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
                content=availability_body(lines),
            )
            if response.status_code != 200:
                return
            answers = parse_availability(body.decode("utf-8", "replace"))
        except (ArchiveUnavailable, CdxFormatError):
            return
        for tag, url, _ in lines:
            if tag in answers:
                self.hints[url] = answers[tag]

    def hinted(self, url: str, target: Target | None) -> Memento | None:
        """The availability API's capture when it settles the choice without CDX."""
        hint = self.hints.get(url)
        if hint is None or target is None or hint.status not in GOOD_STATUSES:
            return None
        if len(hint.timestamp) != 14 or not hint.timestamp.isdigit():
            return None
        memento = Memento(
            url=f"{self.config.replay_root}{hint.timestamp}/{url}",
            timestamp=hint.timestamp,
            status=hint.status,
        )
        if memento.when <= target.end and in_window(memento, target, self.options.window_days):
            return memento
        return None

    # -- verifying a capture --------------------------------------------------

    def raw(self, memento_url: str) -> str:
        """Where a capture is replayed as captured: ``id_`` where the archive has it."""
        if self.config.kind is ArchiveKind.ARCHIVE_TODAY:
            return memento_url
        return raw_url(memento_url)

    async def fetch_capture(self, memento: Memento, original: str = "") -> CaptureFetch:
        """Fetch a capture raw (``id_``) and judge it.

        The archive's own redirects (to the nearest timestamp) are followed. A captured
        redirect is followed to the capture of its target when the target is another
        page (a move), not the site's home, an error page or a sign-in page: then the
        target's capture is what a reader following the link would see.
        """
        target_url = self.raw(memento.url)
        original = original or memento.url.split(f"{memento.timestamp}/", 1)[-1]
        page_url = original
        moved = ""
        for _ in range(4):
            response, body = await self.request("GET", target_url, self.replay_gate, captured=True)
            status = response.status_code
            content_type = response.headers.get("content-type", "")
            if 300 <= status < 400:
                location = urljoin(target_url, response.headers.get("location", ""))
                inner = parse_cited_capture(location, (self.config.replay_root,))
                captured = "memento-datetime" in response.headers
                if not captured and inner is not None and _same_page(inner.original, page_url):
                    target_url = self.raw(location)
                    continue
                goes_to = inner.original if inner is not None else location
                gone = redirect_evidence(page_url, goes_to) or login_evidence(page_url, goes_to)
                if captured and not gone and not moved and goes_to.startswith("http"):
                    moved = f" (captured a redirect ({status}) to {goes_to})"
                    page_url = goes_to
                    # Raw replay keeps the captured Location as it was: ask the archive
                    # for the target at the same moment.
                    replay = (
                        location
                        if inner is not None
                        else (f"{self.config.replay_root}{memento.timestamp}/{goes_to}")
                    )
                    target_url = self.raw(replay)
                    continue
                why = f": {gone}" if gone else ""
                return CaptureFetch(
                    memento,
                    target_url,
                    status,
                    content_type,
                    problem=f"captured a redirect ({status}) to {goes_to}{why}",
                )
            if status == 404 and "memento-datetime" not in response.headers:
                problem = "the archive cannot replay this capture"
                if moved:
                    problem = f"{moved.strip(' ()')}, whose target the archive does not hold"
                return CaptureFetch(memento, target_url, status, problem=problem)
            sha1 = _sha1_base32(body)
            if status not in GOOD_STATUSES:
                return CaptureFetch(
                    memento,
                    target_url,
                    status,
                    content_type,
                    sha1,
                    problem=f"captured error {status}{moved}",
                )
            if not _is_textual(content_type):
                # A captured PDF or image is good as captured; it has no text to judge.
                return CaptureFetch(memento, target_url, status, content_type, sha1)
            page = page_text(body, content_type)
            soft = self._not_found(page)
            return CaptureFetch(
                memento,
                target_url,
                status,
                content_type,
                sha1,
                page,
                problem=f"captured a not-found page (soft 404: {soft}){moved}" if soft else "",
            )
        return CaptureFetch(memento, target_url, None, problem="the archive redirected in a loop")


class ArchiveChecker:
    """The archive stage of a run: every configured archive, shared budgets, optional cache."""

    def __init__(
        self,
        options: ArchiveOptions,
        client: httpx.AsyncClient,
        *,
        cache: ArchiveCache | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock | None = None,
        not_found: NotFoundJudge = not_found_reason,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None),
    ) -> None:
        self.options = options
        self.cache = cache
        self._now = now
        self.sessions = [
            ArchiveSession(a, options, client, sleep=sleep, clock=clock, not_found=not_found)
            for a in options.archives
        ]

    @property
    def requests(self) -> int:
        """Requests sent to every archive so far."""
        return sum(s.requests for s in self.sessions)

    async def prefetch(self, items: Sequence[tuple[str, Target | None]]) -> None:
        """Let archives with a bulk API learn about many URLs at once (uncached ones only)."""
        for session in self.sessions:
            if session.config.kind is not ArchiveKind.WAYBACK or not session.config.availability:
                continue
            todo = [
                (url, target) for url, target in items if self._cached(session, url, target) is None
            ]
            await session.prefetch_availability(todo)

    def _cached(
        self, session: ArchiveSession, url: str, target: Target | None
    ) -> ArchiveResult | None:
        if self.cache is None:
            return None
        key = target.label if target else ""
        return self.cache.get_lookup(session.config.name, url, key, self.options.window_days)

    async def check(self, url: str, target: Target | None) -> ArchiveOutcome:
        """The best capture of ``url`` across archives, asked in order until one is ``archived``."""
        outcomes: list[ArchiveOutcome] = []
        for session in self.sessions:
            outcome = await self._check_one(session, url, target)
            outcomes.append(outcome)
            if outcome.result.status is ArchiveStatus.ARCHIVED:
                break
        names = tuple(s.config.name for s in self.sessions[: len(outcomes)])
        best = _best(outcomes)
        return dataclasses.replace(best, result=dataclasses.replace(best.result, archives=names))

    async def _check_one(
        self, session: ArchiveSession, url: str, target: Target | None
    ) -> ArchiveOutcome:
        name = session.config.name
        target_label = target.label if target else ""
        cached = self._cached(session, url, target)
        if cached is not None:
            page = None
            if cached.capture is not None and self.cache is not None:
                fetch = self.cache.get_capture(session.raw(cached.capture.url))
                page = fetch.page if fetch else None
            return ArchiveOutcome(cached, page)
        try:
            outcome = await self._lookup(session, url, target)
        except ArchiveUnavailable as exc:
            return ArchiveOutcome(
                ArchiveResult(
                    status=ArchiveStatus.LOOKUP_FAILED, reason=str(exc), target_date=target_label
                )
            )
        if self.cache is not None:
            self.cache.put_lookup(
                name,
                url,
                target_label,
                self.options.window_days,
                outcome.result,
                self._expiry(outcome.result, target),
            )
        return outcome

    def _expiry(self, result: ArchiveResult, target: Target | None) -> dt.datetime | None:
        """Good captures are kept forever once no newer capture can fall in the window."""
        now = self._now()
        settled = (
            target is not None and target.end + dt.timedelta(days=self.options.window_days) < now
        )
        if result.status in (ArchiveStatus.ARCHIVED, ArchiveStatus.ARCHIVED_LATE) and settled:
            return None
        if result.status is ArchiveStatus.ARCHIVED and target is None:
            return None
        return now + dt.timedelta(days=self.options.not_archived_ttl_days)

    async def _lookup(
        self, session: ArchiveSession, url: str, target: Target | None
    ) -> ArchiveOutcome:
        label = target.label if target else ""
        hint = session.hinted(url, target)
        if hint is not None:
            fetch = await self._verify(session, hint, url)
            if fetch.good:
                return self._chosen(session, fetch, target, 1, "", url)
        try:
            mementos = await session.mementos(url, target)
        except ArchiveExcluded as exc:
            return ArchiveOutcome(
                ArchiveResult(status=ArchiveStatus.NOT_ARCHIVED, reason=str(exc), target_date=label)
            )
        if not mementos:
            return ArchiveOutcome(
                ArchiveResult(
                    status=ArchiveStatus.NOT_ARCHIVED,
                    reason=f"{session.config.name} holds no capture",
                    target_date=label,
                )
            )
        order = candidates(mementos, target, self.options.window_days)
        problems: list[str] = []
        for memento in order[: self.options.max_verify]:
            fetch = await self._verify(session, memento, url)
            if fetch.good:
                skipped = f"; {len(problems)} closer capture(s) were errors" if problems else ""
                return self._chosen(session, fetch, target, len(mementos), skipped, url)
            problems.append(f"{memento.timestamp}: {fetch.problem}")
        if not order:
            statuses = sorted({str(m.status) for m in mementos})
            reason = (
                f"all {len(mementos)} capture(s) are errors or redirects ({', '.join(statuses)})"
            )
        else:
            reason = f"no good capture among {len(mementos)}: " + "; ".join(problems)
            if len(order) > self.options.max_verify:
                reason += f" (first {self.options.max_verify} of {len(order)} candidates checked)"
        return ArchiveOutcome(
            ArchiveResult(
                status=ArchiveStatus.ARCHIVED_ERROR_ONLY,
                reason=reason,
                target_date=label,
                captures_seen=len(mementos),
            )
        )

    async def _verify(
        self, session: ArchiveSession, memento: Memento, original: str = ""
    ) -> CaptureFetch:
        raw = session.raw(memento.url)
        if self.cache is not None:
            known = self.cache.get_capture(raw)
            if known is not None:
                return known
        fetch = await session.fetch_capture(memento, original)
        if self.cache is not None:
            self.cache.put_capture(fetch)
        return fetch

    def _chosen(
        self,
        session: ArchiveSession,
        fetch: CaptureFetch,
        target: Target | None,
        seen: int,
        note: str,
        url: str = "",
    ) -> ArchiveOutcome:
        memento = fetch.memento
        near = in_window(memento, target, self.options.window_days)
        status = ArchiveStatus.ARCHIVED if near else ArchiveStatus.ARCHIVED_LATE
        when = memento.when.strftime("%Y-%m-%d")
        if target is None:
            reason = f"capture of {when} (no citation date to compare)"
        else:
            days = (memento.when - target.end).days
            side = "after" if memento.when > target.end else "before"
            reason = f"capture of {when}, {abs(days)} day(s) {side} the {target.source} date"
            if target.since is not None and target.since <= memento.when <= target.end:
                reason = (
                    f"capture of {when}, between the citation's date ({target.since_label})"
                    f" and its accessed date"
                )
        return ArchiveOutcome(
            ArchiveResult(
                status=status,
                reason=reason + note,
                target_date=target.label if target else "",
                capture=Capture(
                    archive=session.config.name,
                    url=memento.url,
                    original=url or memento.url.split(f"{memento.timestamp}/", 1)[-1],
                    timestamp=memento.timestamp,
                    http_status=fetch.http_status,
                    mimetype=fetch.content_type.split(";")[0].strip() or memento.mimetype,
                    digest=memento.digest or fetch.payload_sha1,
                ),
                captures_seen=seen,
            ),
            fetch.page,
        )

    # -- a cited capture ------------------------------------------------------

    def cited_capture(self, url: str) -> CitedCapture | None:
        """The capture a cited URL names, when it is a web-archive URL."""
        return parse_cited_capture(url, tuple(s.config.replay_root for s in self.sessions))

    async def check_cited(self, cited: CitedCapture) -> ArchiveOutcome:
        """Check the capture a citation names: it is the version the author saw."""
        if cited.truncated:
            return ArchiveOutcome(
                ArchiveResult(
                    status=ArchiveStatus.NOT_CHECKED,
                    reason="truncated web-archive URL: no original URL after the timestamp",
                )
            )
        session = next(
            (s for s in self.sessions if s.config.replay_root == cited.replay_prefix), None
        )
        if session is None:
            session = ArchiveSession(
                ArchiveConfig(
                    name=cited.replay_prefix.split("/")[2],
                    kind=ArchiveKind.MEMENTO,
                    timegate=cited.replay_prefix,
                    lookups_per_minute=6.0,
                    replays_per_minute=6.0,
                ),
                self.options,
                self.sessions[0].client if self.sessions else httpx.AsyncClient(),
            )
            self.sessions.append(session)
        ts = cited.timestamp
        memento = Memento(url=f"{cited.replay_prefix}{ts}/{cited.original}", timestamp=ts)
        try:
            fetch = await self._verify(session, memento)
        except ArchiveUnavailable as exc:
            return ArchiveOutcome(
                ArchiveResult(status=ArchiveStatus.LOOKUP_FAILED, reason=str(exc))
            )
        capture = Capture(
            archive=session.config.name,
            url=memento.url,
            original=cited.original,
            timestamp=ts,
            http_status=fetch.http_status,
            mimetype=fetch.content_type.split(";")[0].strip(),
            digest=fetch.payload_sha1,
        )
        if not fetch.good:
            return ArchiveOutcome(
                ArchiveResult(
                    status=ArchiveStatus.ARCHIVED_ERROR_ONLY,
                    reason=f"the cited capture is not the page: {fetch.problem}",
                    target_date=ts[:8],
                    capture=capture,
                    captures_seen=1,
                    archives=(session.config.name,),
                )
            )
        return ArchiveOutcome(
            ArchiveResult(
                status=ArchiveStatus.ARCHIVED,
                reason="the cited capture replays the page",
                target_date=ts[:8],
                capture=capture,
                captures_seen=1,
                archives=(session.config.name,),
            ),
            fetch.page,
        )


_RANK = {
    ArchiveStatus.ARCHIVED: 0,
    ArchiveStatus.ARCHIVED_LATE: 1,
    ArchiveStatus.LOOKUP_FAILED: 2,
    ArchiveStatus.ARCHIVED_ERROR_ONLY: 3,
    ArchiveStatus.NOT_ARCHIVED: 4,
    ArchiveStatus.NOT_CHECKED: 5,
}


def _best(outcomes: list[ArchiveOutcome]) -> ArchiveOutcome:
    """The most useful answer: a good capture, else a failed lookup (it may hide one)."""
    if not outcomes:
        return ArchiveOutcome(
            ArchiveResult(status=ArchiveStatus.NOT_CHECKED, reason="no archive configured")
        )
    return min(outcomes, key=lambda o: _RANK[o.result.status])


def url_variants(url: str) -> list[str]:
    """Other forms an archive may hold ``url`` under: the other scheme, with or without ``www.``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return []
    other = "https" if parts.scheme == "http" else "http"
    port = f":{parts.port}" if parts.port else ""
    bare = host.removeprefix("www.")
    alt_host = bare if host.startswith("www.") else f"www.{host}"
    if _IP_HOST.match(host) or ":" in host:
        alt_host = ""
    forms = [(other, host)]
    if alt_host:
        forms += [(parts.scheme, alt_host), (other, alt_host)]
    return [
        urlunsplit((scheme, f"{h}{port}", parts.path, parts.query, parts.fragment))
        for scheme, h in forms
    ]


def _pages_to_read(
    pages: list[TimeMapPage], target: Target | None, limit: int
) -> list[TimeMapPage]:
    """The further TimeMap pages worth reading: those nearest the target, at most ``limit``."""
    if target is None or not all(p.start and p.end for p in pages):
        return pages[:limit]
    goal = target.timestamp

    def distance(page: TimeMapPage) -> float:
        if page.start <= goal <= page.end:
            return 0.0
        edge = page.end if page.end < goal else page.start
        return abs((parse_timestamp(edge) - parse_timestamp(goal)).total_seconds())

    return sorted(pages, key=distance)[:limit]
