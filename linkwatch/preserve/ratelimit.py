"""Spacing and concurrency limits for archive requests, on an injectable clock.

Save Page Now allows a few captures a minute (anonymous about 4, with keys about
12 and a few at once). The limiter spaces the *starts* of requests and caps how
many run at once; tests pass a fake clock and sleep so they need not wait minutes.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class RateLimiter:
    """At most ``per_minute`` starts a minute and ``concurrency`` at once."""

    def __init__(
        self,
        per_minute: float,
        concurrency: int = 1,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.interval = 60.0 / per_minute
        self.concurrency = concurrency
        self._clock = clock
        self._sleep = sleep
        self._next_start: float | None = None
        self._lock = asyncio.Lock()
        self._slots = asyncio.Semaphore(concurrency)
        self.waited = 0.0
        """Seconds spent waiting for a start, summed (what a run's duration is made of)."""

    async def _wait_turn(self) -> None:
        async with self._lock:
            now = self._clock()
            if self._next_start is not None and now < self._next_start:
                delay = self._next_start - now
                self.waited += delay
                await self._sleep(delay)
                now = self._clock()
            self._next_start = max(now, self._next_start or now) + self.interval

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the concurrent slots, entered no sooner than the spacing allows."""
        async with self._slots:
            await self._wait_turn()
            yield

    def hold_off(self, seconds: float) -> None:
        """Push the next start at least ``seconds`` from now (after a 429 for the whole target)."""
        until = self._clock() + seconds
        if self._next_start is None or self._next_start < until:
            self._next_start = until


def estimate_seconds(count: int, per_minute: float) -> float:
    """Lower bound on the seconds needed to start ``count`` captures at ``per_minute``.

    Starts are spaced ``60 / per_minute`` apart whatever the concurrency, so the
    last of ``count`` starts comes ``count - 1`` intervals after the first;
    concurrency only matters when single jobs outlast the spacing.
    """
    if count <= 0:
        return 0.0
    return (count - 1) * 60.0 / per_minute
