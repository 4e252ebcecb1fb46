"""The archive stage of ``linkwatch check``: lookups and change detection beside the live check.

:class:`ArchiveStage` fits :class:`linkwatch.check.ArchiveStage`: the run calls
:meth:`ArchiveStage.check` for each distinct URL as soon as its live result is in, and
the lookups run concurrently with the live checks still going. Everything learned is
kept in the run's store (migration 0003): a rerun asks no archive about captures
it already knows.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence
from types import TracebackType

import httpx

from linkwatch.archives.cache import StoreArchiveCache
from linkwatch.archives.choose import Target, target_for
from linkwatch.archives.config import ArchiveOptions
from linkwatch.archives.lookup import ArchiveChecker, ArchiveOutcome
from linkwatch.archives.polite import Sleep
from linkwatch.client import DEFAULT_USER_AGENT, ClientConfig, make_client
from linkwatch.compare.drift import (
    DEFAULT_THRESHOLDS,
    MAX_COMPARE_CHARS,
    Thresholds,
    changed_since,
    compare_pages,
    compare_with_fingerprint,
)
from linkwatch.compare.text import PageText
from linkwatch.records import Citation
from linkwatch.results import ArchiveResult, ChangeResult, LiveResult
from linkwatch.status import ALIVE_LIVE, ArchiveStatus, ChangeStatus
from linkwatch.store.db import DbTarget, Store

StageAnswer = Mapping[str, tuple[ArchiveResult | None, ChangeResult | None]]


class ArchiveStage:
    """Archive lookups and change detection for one run; use as an async context manager.

    ``db`` is the run's store (opened here without the run lock, which the run holds).
    ``citations``, when given, lets archives with a bulk API (the Wayback availability
    POST) learn about every URL in one request before the per-URL lookups start.
    Archive endpoints are configured by the operator, so the archive client may reach
    private addresses; it never follows redirects on its own.
    """

    def __init__(
        self,
        options: ArchiveOptions,
        *,
        db: DbTarget | None = None,
        citations: Sequence[Citation] = (),
        user_agent: str = DEFAULT_USER_AGENT,
        concurrency: int = 4,
        sleep: Sleep = asyncio.sleep,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
    ) -> None:
        self.options = options
        self._db = db
        self._citations = list(citations)
        self._user_agent = user_agent
        self._sleep = sleep
        self._thresholds = thresholds
        self._slots = asyncio.Semaphore(concurrency)
        self._prefetched = False
        self._prefetch_lock = asyncio.Lock()
        self._store: Store | None = None
        self._client: httpx.AsyncClient | None = None
        self.checker: ArchiveChecker | None = None
        self.cache: StoreArchiveCache | None = None

    async def __aenter__(self) -> ArchiveStage:
        self._client = make_client(
            ClientConfig(
                user_agent=self._user_agent, timeout=self.options.timeout, allow_private=True
            )
        )
        if self._db is not None:
            self._store = Store(self._db, lock=False)
            self.cache = StoreArchiveCache(self._store)
        self.checker = ArchiveChecker(
            self.options, self._client, cache=self.cache, sleep=self._sleep
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
        if self._store is not None:
            self._store.close()

    @property
    def requests(self) -> int:
        """Requests this stage sent to archives."""
        return self.checker.requests if self.checker is not None else 0

    async def check(
        self,
        url: str,
        citations: Sequence[Citation],
        live: LiveResult,
        text: PageText | None = None,
    ) -> StageAnswer:
        """Archive and change results for each citation of ``url`` (by citation id).

        ``text`` is the live page's main text when the live stage kept it; without it
        the live page is compared by its fingerprint only.
        """
        if text is not None and len(text.text) > MAX_COMPARE_CHARS:
            text = dataclasses.replace(text, text=text.text[:MAX_COMPARE_CHARS])
        checker = self.checker
        if checker is None:
            raise RuntimeError("ArchiveStage.check called outside 'async with'")
        if not self.options.enabled or not checker.sessions:
            return {c.id: (None, None) for c in citations}
        await self._prefetch_once(checker)
        out: dict[str, tuple[ArchiveResult | None, ChangeResult | None]] = {}
        outcomes: dict[str, ArchiveOutcome] = {}
        async with self._slots:
            for citation in citations:
                cited = checker.cited_capture(citation.url) if citation.url else None
                target = target_for(citation)
                key = (
                    f"cited:{citation.url}" if cited else f"target:{target.label if target else ''}"
                )
                if key not in outcomes:
                    if cited is not None:
                        outcomes[key] = await checker.check_cited(cited)
                    else:
                        outcomes[key] = await checker.check(url, target)
                outcome = outcomes[key]
                out[citation.id] = (
                    outcome.result,
                    self._change(url, citation, live, outcome, text),
                )
        return out

    async def _prefetch_once(self, checker: ArchiveChecker) -> None:
        async with self._prefetch_lock:
            if self._prefetched:
                return
            self._prefetched = True
            items: list[tuple[str, Target | None]] = []
            seen: set[str] = set()
            for c in self._citations:
                if c.url and c.url not in seen and checker.cited_capture(c.url) is None:
                    seen.add(c.url)
                    items.append((c.url, target_for(c)))
            if len(items) > 1:
                await checker.prefetch(items)

    def _change(
        self,
        url: str,
        citation: Citation,
        live: LiveResult,
        outcome: ArchiveOutcome,
        text: PageText | None,
    ) -> ChangeResult | None:
        if live.status not in ALIVE_LIVE:
            return None
        previous = self.cache.previous_fingerprint(url) if self.cache is not None else None
        since = changed_since(previous, live.fingerprint, self._thresholds)
        result = outcome.result
        if outcome.page is None or result.status not in (
            ArchiveStatus.ARCHIVED,
            ArchiveStatus.ARCHIVED_LATE,
        ):
            reason = "no good capture to compare with"
            if result.status in (ArchiveStatus.ARCHIVED, ArchiveStatus.ARCHIVED_LATE):
                reason = "the capture is not a text page"
            change = ChangeResult(status=ChangeStatus.UNKNOWN, reason=reason)
        elif text is not None:
            change = compare_pages(outcome.page, text, citation.context, self._thresholds)
        elif live.fingerprint is not None:
            change = compare_with_fingerprint(
                outcome.page, live.fingerprint, citation.context, self._thresholds
            )
        else:
            change = ChangeResult(status=ChangeStatus.UNKNOWN, reason="the live page has no text")
        first_seen = ""
        if self.cache is not None:
            first_seen = self.cache.note_drift(url, change.status is ChangeStatus.CHANGED, since)
        if since:
            note = "changed since the previous run"
            change = dataclasses.replace(
                change, reason=f"{change.reason}; {note}" if change.reason else note
            )
        return dataclasses.replace(
            change, changed_since_last_run=since, first_seen_changed=first_seen
        )
