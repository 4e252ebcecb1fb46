"""The live stage's entry point: every URL checked in this process or sharded over workers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from linkwatch.live.options import LiveOptions
from linkwatch.live.outcome import LiveRun, OnResult, Previous
from linkwatch.live.run import check_here
from linkwatch.live.workers import check_sharded, worker_count


async def check_live(
    urls: Sequence[str],
    options: LiveOptions,
    *,
    previous: Mapping[str, Previous] | None = None,
    on_result: OnResult | None = None,
    keep_results: bool = True,
) -> LiveRun:
    """Check every URL in ``urls`` (already normalised and distinct) and return the results.

    ``on_result`` is called as each URL's result is final (to store it, count
    progress, or start that URL's archive lookup); it must not block. Large runs
    are sharded by host over worker processes (``options.workers``; see
    :mod:`linkwatch.live.workers`), with the same results and callbacks; the workers
    are started with ``spawn``, so a script calling this needs the usual
    ``if __name__ == "__main__":`` guard. Without ``keep_results`` a run in this process
    hands every result to ``on_result`` only (the run's ``results`` stay empty).
    """

    workers = worker_count(urls, options)
    if workers > 1:
        return await check_sharded(urls, options, workers, previous=previous, on_result=on_result)
    return await check_here(
        urls, options, previous=previous, on_result=on_result, keep_results=keep_results
    )
