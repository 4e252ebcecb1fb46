"""A self-hosted archive: a pywb collection in record mode.

pywb records whatever is fetched through ``<collection>/record/<url>`` into the
collection's WARCs. The capture is then looked up in the collection's CDX
server (``<collection>/cdx``) before it counts, exactly as a Wayback capture is
confirmed; the reader's link is the collection's replay URL.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
from collections.abc import Awaitable, Callable

import httpx

from linkwatch.preserve.model import PreserveResult, PreserveStatus

Sleep = Callable[[float], Awaitable[None]]


@dataclasses.dataclass(frozen=True, slots=True)
class RecordTarget:
    """A named pywb collection that records on request."""

    name: str
    record_root: str
    """URL prefix that records a page: ``http://host:port/<coll>/record/``."""
    replay_root: str = ""
    """Collection root for replay and lookup; derived from ``record_root`` when empty."""

    @property
    def collection_root(self) -> str:
        """The collection's replay root, ending in ``/``."""
        if self.replay_root:
            return self.replay_root.rstrip("/") + "/"
        root = self.record_root.rstrip("/")
        if root.endswith("/record"):
            root = root[: -len("/record")]
        return root + "/"


class PywbRecorder:
    """Asks one pywb collection in record mode to capture URLs."""

    def __init__(
        self,
        target: RecordTarget,
        *,
        client: httpx.AsyncClient | None = None,
        timeout: float = 60.0,
        confirm_attempts: int = 5,
        confirm_interval: float = 1.0,
        sleep: Sleep | None = None,
    ) -> None:
        self.target = target
        self.name = target.name
        self._own_client = client is None
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=10.0), follow_redirects=True
        )
        self._confirm_attempts = confirm_attempts
        self._confirm_interval = confirm_interval
        self._sleep: Sleep = sleep or asyncio.sleep

    async def aclose(self) -> None:
        """Close the HTTP client if this object made it."""
        if self._own_client:
            await self._client.aclose()

    async def save(self, url: str) -> PreserveResult:
        """Record ``url`` through the collection and confirm the capture in its index."""
        started = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        record_url = self.target.record_root.rstrip("/") + "/" + url
        try:
            response = await self._client.get(record_url)
        except httpx.TransportError as exc:
            return self._result(
                url,
                PreserveStatus.UNREACHABLE,
                f"{self.target.record_root} unreachable ({type(exc).__name__})",
            )
        reason = f"record request answered HTTP {response.status_code}"
        for n in range(max(1, self._confirm_attempts)):
            if n:
                await self._sleep(self._confirm_interval)
            try:
                found = await self.lookup(url, since=started)
            except httpx.HTTPError as exc:
                return self._result(
                    url,
                    PreserveStatus.UNCONFIRMED,
                    f"{reason}; lookup failed ({type(exc).__name__})",
                )
            if found is not None:
                ts, original = found
                return PreserveResult(
                    self.name,
                    url,
                    PreserveStatus.SAVED,
                    f"{reason}; confirmed in the collection index",
                    f"{self.target.collection_root}{ts}/{original}",
                    ts,
                )
        return self._result(url, PreserveStatus.UNCONFIRMED, f"{reason}; not in the index yet")

    async def lookup(self, url: str, *, since: str = "") -> tuple[str, str] | None:
        """The newest capture of ``url`` at or after ``since``: ``(timestamp, original)``."""
        params = {"url": url, "output": "json"}
        if since:
            params["from"] = since
        response = await self._client.get(self.target.collection_root + "cdx", params=params)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        best: tuple[str, str] | None = None
        for line in response.text.splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if not isinstance(row, dict):
                continue
            ts = str(row.get("timestamp", ""))
            if since and ts < since:
                continue
            if best is None or ts > best[0]:
                best = (ts, str(row.get("url") or row.get("original") or url))
        return best

    def _result(self, url: str, status: PreserveStatus, reason: str) -> PreserveResult:
        return PreserveResult(self.name, url, status, reason)
