"""Confirmed dead needs several failed runs spaced days apart; alive resets the count."""

from __future__ import annotations

import datetime as dt

from linkwatch.status import LiveStatus
from linkwatch.store.history import ConfirmPolicy, advance

T0 = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
POLICY = ConfirmPolicy(runs=3, days=3)
URL = "http://a.example/"


def test_three_failures_three_days_apart_confirm_dead() -> None:
    h = advance(None, URL, LiveStatus.NOT_FOUND, T0, POLICY)
    assert (h.consecutive_failures, h.counted_failures, h.confirmed_dead) == (1, 1, False)
    assert h.failing_since == "2024-05-01T00:00:00Z"
    h = advance(h, URL, LiveStatus.NOT_FOUND, T0 + dt.timedelta(days=3), POLICY)
    assert not h.confirmed_dead
    h = advance(h, URL, LiveStatus.TIMEOUT, T0 + dt.timedelta(days=6), POLICY)
    assert h.confirmed_dead
    assert h.failing_since == "2024-05-01T00:00:00Z"
    assert h.consecutive_failures == 3


def test_failures_in_quick_succession_do_not_confirm_dead() -> None:
    h = None
    for hour in range(10):
        h = advance(h, URL, LiveStatus.NOT_FOUND, T0 + dt.timedelta(hours=hour), POLICY)
    assert h is not None
    assert h.consecutive_failures == 10
    assert h.counted_failures == 1
    assert not h.confirmed_dead


def test_alive_resets_the_failure_count_and_keeps_validators() -> None:
    h = advance(None, URL, LiveStatus.NOT_FOUND, T0, POLICY)
    h = advance(h, URL, LiveStatus.OK, T0 + dt.timedelta(days=1), POLICY, etag='"x"')
    assert (h.consecutive_failures, h.counted_failures, h.failing_since) == (0, 0, "")
    assert h.last_success == "2024-05-02T00:00:00Z"
    assert h.etag == '"x"'
    assert h.first_seen == "2024-05-01T00:00:00Z"


def test_inconclusive_statuses_leave_the_failure_count_alone() -> None:
    h = advance(None, URL, LiveStatus.NOT_FOUND, T0, POLICY)
    for status in (LiveStatus.FORBIDDEN, LiveStatus.RATE_LIMITED, LiveStatus.SKIPPED):
        h2 = advance(h, URL, status, T0 + dt.timedelta(days=5), POLICY)
        assert h2.consecutive_failures == 1
        assert h2.failing_since == h.failing_since
        assert h2.last_status == status.value
