"""The live stage sharded by host over worker processes, so a run can use more than one core.

Each host lives in exactly one worker, so per-host limits and spacing hold as in
one process; the global concurrency is split between the workers. Workers are
started with the ``spawn`` context (never forked from a running event loop) and
send each URL's :class:`Checked` back over a pipe as it lands, so the caller's
``on_result`` sees results as they come, in this process. Outages are decided
here from the hosts every worker contacted. Workers ignore SIGINT (the parent
decides how a run stops) and are terminated when the stage is cancelled.
"""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
import os
import signal
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from linkwatch.errors import LinkwatchError
from linkwatch.live.options import LiveOptions
from linkwatch.live.outcome import (
    Checked,
    LiveRun,
    OnResult,
    Previous,
    combine_parts,
    host_of,
)
from linkwatch.live.run import check_here

#: Below this many URLs a second process costs more to start than it saves.
MIN_URLS_TO_SHARD = 200
#: More workers than this gain little: the parent's own work (storing, archives) grows with them.
MAX_WORKERS = 4


class WorkerError(LinkwatchError):
    """A live-check worker process failed or died."""


@dataclasses.dataclass(frozen=True, slots=True)
class _Done:
    """A worker's last message: its own outage verdict and the hosts it contacted."""

    outage: str
    answered: frozenset[str]
    net_failed: frozenset[str]


def usable_cores() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(urls: Sequence[str], options: LiveOptions) -> int:
    """How many processes the live stage should use for ``urls`` (1: no sharding)."""
    hosts = len({host_of(u, options) for u in urls})
    if options.workers:
        wanted = options.workers
    elif len(urls) < MIN_URLS_TO_SHARD:
        wanted = 1
    else:
        wanted = min(usable_cores(), MAX_WORKERS)
    return max(1, min(wanted, hosts, options.concurrency))


def shard(urls: Sequence[str], options: LiveOptions, n: int) -> list[list[str]]:
    """``urls`` split into ``n`` lists, every host's URLs in one list, lists of similar length."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(host_of(url, options), []).append(url)
    shards: list[list[str]] = [[] for _ in range(n)]
    # Largest hosts first, each into the shortest shard so far.
    for host_urls in sorted(by_host.values(), key=len, reverse=True):
        min(shards, key=len).extend(host_urls)
    return [s for s in shards if s]


async def check_sharded(
    urls: Sequence[str],
    options: LiveOptions,
    workers: int,
    *,
    previous: Mapping[str, Previous] | None = None,
    on_result: OnResult | None = None,
) -> LiveRun:
    """:func:`check_live` over ``workers`` processes; the same results, streamed to ``on_result``.

    Raises :class:`WorkerError` when a worker fails or dies.
    """
    previous = previous or {}
    shards = shard(urls, options, workers)
    share = split_concurrency(options.concurrency, len(shards))
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("spawn")
    results: dict[str, Checked] = {}
    done: dict[int, _Done] = {}
    finished = loop.create_future()
    procs: list[BaseProcess] = []
    conns: list[Connection] = []

    def fail(exc: BaseException) -> None:
        if not finished.done():
            finished.set_exception(exc)

    def readable(index: int, conn: Connection) -> None:
        try:
            while conn.poll():
                message = conn.recv()
                if isinstance(message, Checked):
                    results[message.live.url] = dataclasses.replace(message, text=None)
                    if on_result is not None:
                        on_result(message)
                elif isinstance(message, _Done):
                    done[index] = message
                else:
                    raise WorkerError(f"live-check worker {index + 1} failed: {message}")
        except EOFError:
            loop.remove_reader(conn.fileno())
            if index not in done:
                fail(WorkerError(f"live-check worker {index + 1} exited before finishing"))
            elif len(done) == len(shards) and not finished.done():
                finished.set_result(None)
        except BaseException as exc:  # handed to the awaiting stage
            loop.remove_reader(conn.fileno())
            fail(exc)

    try:
        for index, (part, concurrency) in enumerate(zip(shards, share, strict=True)):
            receiver, sender = context.Pipe(duplex=False)
            sub = dataclasses.replace(options, concurrency=concurrency, workers=1)
            prev = {u: previous[u] for u in part if u in previous}
            proc = context.Process(
                target=_worker_main, args=(sender, part, sub, prev), name=f"linkwatch-live-{index}"
            )
            proc.start()
            sender.close()
            procs.append(proc)
            conns.append(receiver)
            loop.add_reader(receiver.fileno(), readable, index, receiver)
        await finished
    finally:
        for conn in conns:
            loop.remove_reader(conn.fileno())
        for started in procs:
            if started.is_alive():
                started.terminate()
        for started in procs:
            await asyncio.to_thread(started.join)
        for conn in conns:
            conn.close()
    return combine_parts(urls, options, results, list(done.values()))


def _worker_main(
    conn: Connection, urls: list[str], options: LiveOptions, previous: dict[str, Previous]
) -> None:
    """One worker: check ``urls`` and send each result, then a :class:`_Done`, to ``conn``."""
    # A terminal's Ctrl-C reaches the whole process group; the parent decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from linkwatch.client import run_async

    try:
        run = run_async(
            check_here(urls, options, previous=previous, on_result=conn.send, keep_results=False)
        )
        conn.send(_Done(run.outage, run.answered_hosts, run.net_failed_hosts))
    except BrokenPipeError:
        pass  # the parent has gone; nothing is left to tell
    except Exception as exc:  # the parent raises it
        conn.send(f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


def split_concurrency(concurrency: int, parts: int) -> list[int]:
    """``concurrency`` split into ``parts`` near-equal shares, each at least 1."""
    base = max(1, concurrency // parts)
    shares = [base] * parts
    for i in range(max(0, concurrency - base * parts)):
        shares[i % parts] += 1
    return shares
