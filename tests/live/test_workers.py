"""The live stage sharded by host over worker processes, against the local web."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import multiprocessing
import time

from linkwatch.live import Checked, LiveOptions, check_live
from linkwatch.live.workers import check_sharded, shard, split_concurrency, worker_count
from tests.web import LocalWeb


def _urls(local_web: LocalWeb) -> list[str]:
    main, soft = local_web.host("main"), local_web.host("soft404-en")
    refused = local_web.host("refused")
    return (
        [f"{main}/ok.html?n={n}" for n in range(6)]
        + [f"{soft}/about.html?n={n}" for n in range(6)]
        + [f"{refused}/a", f"{refused}/b"]
    )


def test_two_workers_give_the_same_results_as_one_process(local_web: LocalWeb) -> None:
    urls = _urls(local_web)
    base = LiveOptions(allow_private=True, host_interval=0.0, retries=0, probe=False)
    seen: list[Checked] = []
    sharded = asyncio.run(
        check_live(urls, dataclasses.replace(base, workers=2), on_result=seen.append)
    )
    single = asyncio.run(check_live(urls, dataclasses.replace(base, workers=1)))
    assert sorted(c.live.url for c in seen) == sorted(urls)
    assert set(sharded.results) == set(urls)
    for url in urls:
        assert sharded.results[url].live.status is single.results[url].live.status, url
        assert sharded.results[url].live.http_status == single.results[url].live.http_status
    assert any(c.text is not None for c in seen)
    assert all(c.text is None for c in sharded.results.values())
    assert (sharded.workers, single.workers) == (2, 1)
    assert sharded.outage == "" and sharded.hosts == 3 and sharded.network_failed_hosts == 1
    assert not multiprocessing.active_children()


def test_per_host_limit_and_spacing_hold_across_workers(local_web: LocalWeb) -> None:
    local_web.clear_requests()
    main, soft = local_web.host("main"), local_web.host("soft404-en")
    urls = [f"{main}/ok.html?w={n}" for n in range(6)] + [
        f"{soft}/about.html?w={n}" for n in range(6)
    ]
    options = LiveOptions(
        allow_private=True, per_host=2, host_interval=0.25, concurrency=16, probe=False, workers=2
    )
    run = asyncio.run(check_live(urls, options))
    assert len(run.results) == 12
    assert run.workers == 2
    for name, prefix in (("main", "/ok.html?w="), ("soft404-en", "/about.html?w=")):
        log = sorted(
            (r for r in local_web.requests(name) if r.path.startswith(prefix)),
            key=lambda r: r.start,
        )
        assert len(log) == 6
        gaps = [b.start - a.start for a, b in itertools.pairwise(log)]
        # The server logs arrivals: a fresh worker's first request arrives late (its first
        # connection), which shortens only the first gap; the later ones show the spacing.
        assert min(gaps[1:]) >= 0.2, (name, gaps)
        for r in log:
            assert len([o for o in log if o.start < r.end and o.end > r.start]) <= 2


def test_every_host_failing_across_workers_is_an_outage(local_web: LocalWeb) -> None:
    urls = [f"http://host{n}.linkwatch-test.invalid/page" for n in range(5)]
    urls += [f"{local_web.host('refused')}/a", f"{local_web.host('refused')}/b"]
    options = LiveOptions(allow_private=True, retries=0, probe=False, workers=2)
    run = asyncio.run(check_live(urls, options))
    assert "network looks down" in run.outage
    assert run.network_failed_hosts == 6
    assert run.workers == 2
    assert set(run.results) == set(urls)


def test_cancelled_sharded_stage_stops_its_workers(local_web: LocalWeb) -> None:
    slow = f"{local_web.host('main')}/slow.html"
    urls = [f"{slow}?c={n}" for n in range(4)] + [f"{local_web.host('soft404-en')}/about.html"]
    options = LiveOptions(allow_private=True, retries=0, probe=False, host_interval=0.0)

    async def cancel_soon() -> None:
        task = asyncio.ensure_future(check_sharded(urls, options, 2))
        await asyncio.sleep(0.5)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert task.cancelled()

    started = time.monotonic()
    asyncio.run(cancel_soon())
    assert time.monotonic() - started < 5
    assert not multiprocessing.active_children()


def test_shards_keep_each_host_whole_and_balance_length() -> None:
    urls = [f"http://h{h}.example/{n}" for h in range(5) for n in range(h + 1)]
    parts = shard(urls, LiveOptions(), 2)
    assert sorted(itertools.chain(*parts)) == sorted(urls)
    hosts = [{u.split("/")[2] for u in part} for part in parts]
    assert not hosts[0] & hosts[1]
    assert sorted(len(p) for p in parts) == [7, 8]


def test_small_or_single_host_runs_stay_in_one_process() -> None:
    many_hosts = [f"http://h{n % 50}.example/{n}" for n in range(1000)]
    one_host = [f"http://h.example/{n}" for n in range(1000)]
    assert worker_count(many_hosts, LiveOptions()) == 1
    assert worker_count(many_hosts[:150], LiveOptions(workers=0)) == 1
    assert worker_count(one_host, LiveOptions()) == 1
    assert worker_count(one_host, LiveOptions(workers=3)) == 1
    assert worker_count(many_hosts, LiveOptions(workers=3)) == 3
    assert worker_count(many_hosts, LiveOptions(workers=3, concurrency=2)) == 2
    assert 1 <= worker_count(many_hosts, LiveOptions(workers=0)) <= 4


def test_concurrency_is_split_between_workers() -> None:
    assert split_concurrency(64, 2) == [32, 32]
    assert split_concurrency(5, 2) == [3, 2]
    assert split_concurrency(1, 1) == [1]


def test_negative_workers_is_rejected() -> None:
    assert LiveOptions(workers=-1).problems() == ["--workers: must not be negative"]
