"""Per-archive politeness: a request budget per minute, and pauses after a 429."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from linkwatch.live.fetch import retry_after_seconds as parse_retry_after

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


class RateGate:
    """Spaces requests to one archive endpoint group evenly; shared by every task of a run.

    ``sleep`` and ``clock`` are injectable so tests can observe the waits without
    spending them.
    """

    def __init__(
        self,
        per_minute: float,
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        self.interval = 60.0 / per_minute
        self._sleep = sleep
        self._clock = clock
        self._next = 0.0
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self.waited: list[float] = []
        """Every wait this gate imposed, in seconds (for logs and tests)."""

    async def acquire(self) -> None:
        """Wait until the next request may start."""
        async with self._lock:
            now = self._clock()
            start = max(now, self._next, self._paused_until)
            if start > now:
                self.waited.append(start - now)
                await self._sleep(start - now)
            self._next = max(self._clock(), start) + self.interval

    def pause(self, seconds: float) -> None:
        """Hold every request to this endpoint group for ``seconds`` (after a 429)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)


def retry_after_seconds(value: str | None, default: float) -> float:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); ``default`` if absent."""
    asked = parse_retry_after(value)
    return default if asked is None else asked
