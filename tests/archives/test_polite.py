"""Per-archive budgets and Retry-After, observed through an injected clock."""

from __future__ import annotations

import asyncio
import email.utils
import time

import pytest

from linkwatch.archives.polite import RateGate, retry_after_seconds


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_requests_are_spaced_by_the_per_minute_budget() -> None:
    fake = FakeTime()
    gate = RateGate(20, sleep=fake.sleep, clock=fake.clock)

    async def three() -> None:
        for _ in range(3):
            await gate.acquire()

    asyncio.run(three())
    assert fake.sleeps == [3.0, 3.0]


def test_pause_after_429_holds_the_next_request() -> None:
    fake = FakeTime()
    gate = RateGate(600, sleep=fake.sleep, clock=fake.clock)

    async def run() -> None:
        await gate.acquire()
        gate.pause(60)
        await gate.acquire()

    asyncio.run(run())
    assert fake.sleeps == [60.0]


def test_retry_after_accepts_seconds_dates_and_defaults_to_sixty() -> None:
    assert retry_after_seconds("7", 60) == 7.0
    assert retry_after_seconds(None, 60) == 60.0
    assert retry_after_seconds("soon", 60) == 60.0
    later = email.utils.formatdate(time.time() + 120, usegmt=True)
    assert 100 < retry_after_seconds(later, 60) <= 120


def test_retry_after_date_without_a_zone_is_read_as_gmt(monkeypatch: pytest.MonkeyPatch) -> None:
    from linkwatch.live.fetch import retry_after_seconds as parse

    # "-0000" parses to a naive datetime; HTTP dates are GMT whatever the local zone.
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert parse("Thu, 01 Jan 2026 00:01:40 -0000", now=1767225600.0) == 100.0
        assert parse("Thu, 01 Jan 2026 00:01:40 GMT", now=1767225600.0) == 100.0
        assert parse("", now=0.0) is None
    finally:
        monkeypatch.undo()
        time.tzset()
