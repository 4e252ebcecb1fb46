"""``linkwatch worker``: take shard jobs from the queue until stopped.

A worker needs only the database URL. It runs up to ``jobs`` shards at once,
sends a heartbeat every few seconds, and sweeps for jobs left by workers that
stopped answering, so a fleet recovers from a dead machine without a
coordinator. When the database cannot be reached (at start, or lost while
working) it says so and tries again after a growing, jittered wait (1 s doubling
to a minute), never in a tight loop; while it runs, the connection pool retries a
lost connection the same way and says so through the same log. SIGINT or SIGTERM
stops it after the jobs in hand are stored; a second signal stops it at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
import socket
import time
from typing import TYPE_CHECKING

from linkwatch.client import run_async
from linkwatch.fleet import queue
from linkwatch.store.postgres import redact

if TYPE_CHECKING:
    import procrastinate

logger = logging.getLogger(__name__)

#: The first and the longest wait before trying an unreachable database again, seconds.
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 60.0


def backoff_delays(first: float = FIRST_BACKOFF, cap: float = MAX_BACKOFF) -> list[float]:
    """The waits between tries, before jitter: doubling from ``first`` up to ``cap``."""
    out = [first]
    while out[-1] < cap:
        out.append(min(cap, out[-1] * 2))
    return out


def run_worker(db_url: str, *, jobs: int = 2, name: str = "") -> None:
    """Work until SIGINT/SIGTERM, retrying with backoff while the database is unreachable."""
    name = name or f"{socket.gethostname()}-{os.getpid()}"
    # The connection pool reports its own reconnection tries (with its own growing
    # waits); they go where linkwatch's messages go, in the same form.
    ours = logging.getLogger("linkwatch")
    for library in ("psycopg.pool", "procrastinate"):
        other = logging.getLogger(library)
        other.handlers[:] = ours.handlers
        other.setLevel(max(ours.getEffectiveLevel(), logging.WARNING))
        other.propagate = False
    label = redact(db_url)
    delays = backoff_delays()
    attempt = 0
    stopping = False
    while not stopping:
        started = time.monotonic()
        try:
            queue.ensure_schema(db_url)
            stopping = run_async(_work(db_url, jobs, name))
            problem = "" if stopping else "the worker stopped"
        except Exception as exc:  # any failure to reach or keep the database
            problem = _reason(exc)
        if stopping:
            break
        if time.monotonic() - started > MAX_BACKOFF:
            attempt = 0  # it worked for a while: start the backoff again from the shortest wait
        delay = delays[min(attempt, len(delays) - 1)] * random.uniform(0.8, 1.2)
        attempt += 1
        logger.warning(
            "cannot reach the database %s (%s); trying again in %.0f s", label, problem, delay
        )
        time.sleep(delay)
    logger.info("worker %s stopped", name)


async def _work(db_url: str, jobs: int, name: str) -> bool:
    """Run the procrastinate worker; ``True`` when it stopped because it was asked to."""
    app = queue.make_app(db_url, pool_size=jobs + 2)
    stop_requested = asyncio.Event()
    loop = asyncio.get_running_loop()
    async with app.open_async():
        logger.info("worker %s: taking jobs from %s (%d at once)", name, redact(db_url), jobs)
        task = asyncio.ensure_future(
            app.run_worker_async(
                queues=[queue.QUEUE],
                concurrency=jobs,
                name=name,
                install_signal_handlers=False,
                update_heartbeat_interval=queue.HEARTBEAT,
                stalled_worker_timeout=queue.STALLED_AFTER,
            )
        )

        def stop(signum: int) -> None:
            logger.warning(
                "%s: stopping once the jobs in hand are stored", signal.Signals(signum).name
            )
            stop_requested.set()
            task.cancel()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop, sig)
        sweeper = asyncio.ensure_future(_sweep(app))
        try:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sweeper
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
    return stop_requested.is_set()


async def _sweep(app: procrastinate.App) -> None:
    """Every few seconds, put jobs of dead workers back in the queue."""
    while True:
        await asyncio.sleep(queue.HEARTBEAT)
        try:
            await queue.retry_stalled(app)
        except Exception as exc:  # the worker itself notices a lost database
            logger.debug("stalled-job sweep failed: %s", _reason(exc))


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
