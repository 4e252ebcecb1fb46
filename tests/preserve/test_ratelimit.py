"""The capture limiter spaces starts and caps concurrency on an injected clock."""

from __future__ import annotations

import asyncio

import pytest

from linkwatch.preserve.ratelimit import RateLimiter, estimate_seconds


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def test_anonymous_rate_spaces_starts_fifteen_seconds_apart() -> None:
    fake = FakeTime()
    limiter = RateLimiter(4, 1, clock=fake.clock, sleep=fake.sleep)
    starts: list[float] = []

    async def go() -> None:
        for _ in range(4):
            async with limiter.slot():
                starts.append(fake.now)

    asyncio.run(go())
    assert starts == [0.0, 15.0, 30.0, 45.0]
    assert limiter.waited == 45.0


def test_concurrency_caps_jobs_in_flight() -> None:
    fake = FakeTime()
    limiter = RateLimiter(600, 2, clock=fake.clock, sleep=fake.sleep)
    in_flight = 0
    peak = 0

    async def job() -> None:
        nonlocal in_flight, peak
        async with limiter.slot():
            in_flight += 1
            peak = max(peak, in_flight)
            await fake.sleep(5)
            in_flight -= 1

    async def go() -> None:
        await asyncio.gather(*(job() for _ in range(6)))

    asyncio.run(go())
    assert peak == 2


def test_hold_off_delays_the_next_start_after_a_429() -> None:
    fake = FakeTime()
    limiter = RateLimiter(60, 1, clock=fake.clock, sleep=fake.sleep)

    async def go() -> float:
        async with limiter.slot():
            pass
        limiter.hold_off(120)
        async with limiter.slot():
            return fake.now

    assert asyncio.run(go()) == 120.0


def test_estimate_counts_intervals_between_starts() -> None:
    assert estimate_seconds(0, 4) == 0
    assert estimate_seconds(1, 4) == 0
    assert estimate_seconds(41, 4) == 600.0
    assert estimate_seconds(41, 12) == 200.0


def test_limiter_rejects_nonsense_limits() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)
    with pytest.raises(ValueError):
        RateLimiter(4, 0)
