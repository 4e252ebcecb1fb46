"""Per-host limits and spacing, asserted from the local web's request log."""

from __future__ import annotations

import asyncio
import itertools

from linkwatch.live import LiveOptions, check_live
from tests.web import LocalWeb


def test_requests_to_one_host_are_spaced_and_limited(local_web: LocalWeb) -> None:
    local_web.clear_requests()
    base = local_web.host("main")
    urls = [f"{base}/ok.html?n={n}" for n in range(6)]
    options = LiveOptions(
        allow_private=True, per_host=2, host_interval=0.25, concurrency=16, probe=False
    )
    run = asyncio.run(check_live(urls, options))
    assert all(run.results[u].live.status.value == "ok" for u in urls)
    log = sorted(
        (r for r in local_web.requests("main") if r.path.startswith("/ok.html?")),
        key=lambda r: r.start,
    )
    assert len(log) == 6
    gaps = [b.start - a.start for a, b in itertools.pairwise(log)]
    assert min(gaps) >= 0.2, gaps
    for r in log:
        overlapping = [o for o in log if o.start < r.end and o.end > r.start]
        assert len(overlapping) <= 2


def test_slow_host_does_not_stall_the_others(local_web: LocalWeb) -> None:
    local_web.clear_requests()
    slow = [f"{local_web.host('main')}/slow.html?n={n}" for n in range(4)]
    fast = [f"{local_web.host('soft404-en')}/about.html?n={n}" for n in range(4)]
    options = LiveOptions(
        allow_private=True, per_host=1, host_interval=0.0, concurrency=4, probe=False
    )
    asyncio.run(check_live(slow + fast, options))
    fast_log = [r for r in local_web.requests("soft404-en") if r.path.startswith("/about.html?")]
    slow_log = [r for r in local_web.requests("main") if r.path.startswith("/slow.html?")]
    assert max(r.end for r in fast_log) < max(r.end for r in slow_log) - 4
