"""Politeness and fairness: which URL is checked next, and when a host may be asked again.

:class:`HostQueue` hands URLs to a fixed number of workers (the global
concurrency), never more than ``per_host`` at once for one host, taking hosts
in turn so a slow host only ever holds its own slots. :meth:`HostQueue.pace`
spaces the *starts* of requests to one host by ``interval`` seconds (every
request: HEAD, GET, redirect hops, probes). A host that keeps failing is backed
off as a whole: its spacing doubles (up to a cap) until it answers again. A page
that fails on a host that answers (5xx, 429, a stalled body) is retried on its own;
only a run of such failures longer than ``page_failures`` slows the whole host.

A request that hangs gives its slot up after a few intervals
(:meth:`HostQueue.stalled`), so at most ``2 × per_host`` requests are ever open
to one host and a hanging page does not keep its healthy neighbours waiting for
the deadline. A URL waiting to be retried (:meth:`HostQueue.defer`: backoff,
``Retry-After``) waits on its own: it holds no slot and does not hold back its
host's other URLs, so a healthy page is not stalled behind a failing neighbour.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import heapq
import itertools
import time
from collections.abc import Iterable
from typing import Generic, TypeVar

J = TypeVar("J")

#: The spacing of a failing host grows at most this many times.
MAX_BACKOFF_FACTOR = 16
#: ... and never beyond this many seconds.
MAX_BACKOFF_INTERVAL = 30.0


@dataclasses.dataclass(slots=True)
class _Host(Generic[J]):
    pending: collections.deque[J] = dataclasses.field(default_factory=collections.deque)
    active: int = 0
    stalled: int = 0
    """Jobs still running that gave their slot up (:meth:`HostQueue.stalled`)."""
    deferred: int = 0
    queued: bool = False
    next_start: float = 0.0
    last_start: float = 0.0
    factor: int = 1
    failures: int = 0


class HostQueue(Generic[J]):
    """Jobs grouped by host; see the module docstring."""

    def __init__(self, per_host: int, interval: float, *, page_failures: int = 6) -> None:
        self._per_host = per_host
        self._interval = interval
        self._page_failures = page_failures
        self._hosts: dict[str, _Host[J]] = {}
        self._ready: list[tuple[float, int, str]] = []
        self._seq = itertools.count()
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self._outstanding = 0
        self._closed = False
        self._timers: set[asyncio.TimerHandle] = set()

    def _host(self, host: str) -> _Host[J]:
        h = self._hosts.get(host)
        if h is None:
            h = self._hosts[host] = _Host()
        return h

    def add(self, host: str, job: J, *, front: bool = False) -> None:
        """Queue ``job`` for ``host`` (``front`` puts a retry before the host's other jobs)."""
        h = self._host(host)
        if front:
            h.pending.appendleft(job)
        else:
            h.pending.append(job)
        self._outstanding += 1
        self._schedule(host, h)

    def defer(self, host: str, job: J, seconds: float) -> None:
        """Queue ``job`` again (before its host's others) once ``seconds`` have passed.

        Until then it counts as outstanding, so the queue does not run dry, but it holds
        none of the host's slots.
        """
        h = self._host(host)
        h.deferred += 1
        self._outstanding += 1
        loop = asyncio.get_running_loop()

        def release() -> None:
            self._timers.discard(timer)
            h.deferred -= 1
            self._outstanding -= 1
            if not self._closed:
                self.add(host, job, front=True)

        timer = loop.call_later(max(0.0, seconds), release)
        self._timers.add(timer)

    def add_many(self, jobs: Iterable[tuple[str, J]]) -> None:
        """Queue many ``(host, job)`` pairs."""
        for host, job in jobs:
            self.add(host, job)

    def _schedule(self, host: str, h: _Host[J]) -> None:
        if h.pending and not h.queued and h.active < self._per_host:
            h.queued = True
            heapq.heappush(self._ready, (h.next_start, next(self._seq), host))
            self._wake_one()

    def _wake_one(self) -> None:
        # One waiter per event: waking every idle worker on each completion
        # cost more CPU than the requests themselves.
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _wake_all(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)

    async def next(self) -> tuple[str, J] | None:
        """The next ``(host, job)`` a worker may start, or ``None`` when everything is done."""
        while True:
            if self._closed:
                return None
            now = time.monotonic()
            if self._ready and self._ready[0][0] <= now:
                _, _, host = heapq.heappop(self._ready)
                h = self._hosts[host]
                h.queued = False
                if not h.pending or h.active >= self._per_host:
                    continue
                if h.next_start > now:
                    # Booked by a request since this entry was queued: wait for it.
                    h.queued = True
                    heapq.heappush(self._ready, (h.next_start, next(self._seq), host))
                    continue
                job = h.pending.popleft()
                h.active += 1
                self._schedule(host, h)
                return host, job
            if self._outstanding == 0:
                self._wake_all()
                return None
            loop = asyncio.get_running_loop()
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.append(waiter)
            timer = None
            if self._ready:
                timer = loop.call_at(
                    loop.time() + (self._ready[0][0] - now),
                    _release,
                    waiter,
                )
            try:
                await waiter
            finally:
                if timer is not None:
                    timer.cancel()

    def stalled(self, host: str) -> bool:
        """A job of ``host`` has run long (a hanging or trickling page): let another of the
        host's jobs start beside it, at most ``per_host`` such at once.

        Returns whether its slot was given up; then pass ``stalled=True`` to :meth:`done`.
        """
        h = self._hosts[host]
        if h.stalled >= self._per_host:
            return False
        h.stalled += 1
        h.active -= 1
        self._schedule(host, h)
        return True

    def done(self, host: str, *, stalled: bool = False) -> None:
        """A worker finished (or re-queued) a job of ``host``."""
        h = self._hosts[host]
        if stalled:
            h.stalled -= 1
        else:
            h.active -= 1
        self._outstanding -= 1
        self._schedule(host, h)
        if self._outstanding == 0:
            self._wake_all()

    def close(self) -> None:
        """Stop handing out jobs (an outage was detected); waiting workers get ``None``."""
        self._closed = True
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        self._wake_all()

    def pending_jobs(self) -> list[J]:
        """Jobs never handed out (after :meth:`close`)."""
        return [job for h in self._hosts.values() for job in h.pending]

    async def pace(self, host: str) -> None:
        """Wait until ``host`` may receive another request, and book that start."""
        h = self._host(host)
        now = time.monotonic()
        start = max(now, h.next_start)
        h.last_start = start
        h.next_start = start + min(self._interval * h.factor, MAX_BACKOFF_INTERVAL)
        if start > now:
            await asyncio.sleep(start - now)

    def back_off(self, host: str, seconds: float) -> None:
        """Ask nothing of ``host`` for ``seconds`` (Retry-After, retry backoff)."""
        h = self._host(host)
        h.next_start = max(h.next_start, time.monotonic() + seconds)

    def failed(self, host: str, *, page_level: bool = False) -> int:
        """Note a failed request to ``host``; returns its consecutive failures.

        A failure to connect backs the host off at once. ``page_level``: the host answered
        (5xx, 429) or stalled on one page; that is the page's trouble, retried on its own,
        until ``page_failures`` such failures in a row show the host failing as a whole.
        """
        h = self._host(host)
        h.failures += 1
        if self._interval and (not page_level or h.failures > self._page_failures):
            h.factor = min(h.factor * 2, MAX_BACKOFF_FACTOR)
        return h.failures

    def answered(self, host: str) -> None:
        """Note that ``host`` answered; its spacing returns to normal at once."""
        h = self._host(host)
        h.failures = 0
        h.factor = 1
        # A start booked while the host was backed off is brought forward.
        h.next_start = min(h.next_start, h.last_start + self._interval)

    def failures(self, host: str) -> int:
        """Consecutive failed requests to ``host`` so far."""
        return self._host(host).failures


def _release(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
