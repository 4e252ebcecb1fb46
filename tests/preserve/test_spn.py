"""Save Page Now 2 against the Internet Archive double: jobs, retries, final errors, 429, keys.

The URLs carry a query string of their own so the captures these tests make never
touch the pages other tests expect the archive to hold (or not hold).
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest

from linkwatch.preserve.model import PreserveResult, PreserveStatus
from linkwatch.preserve.spn import IAKeys, SavePageNow, SpnOptions
from tests.web import IAServer, LocalWeb

_serial = itertools.count()


def fresh(local_web: LocalWeb, case: str = "ok-html") -> str:
    """A URL of the local web that no other test saves."""
    return f"{local_web.url(case)}?spn-test={next(_serial)}"


class Sleeps:
    """Records the waits asked for, without waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        await asyncio.sleep(0)


def _save(
    ia_api: IAServer, url: str, *, keys: bool = True, **options: object
) -> tuple[PreserveResult, Sleeps, list[str]]:
    sleeps = Sleeps()
    jobs: list[str] = []
    opts = SpnOptions(
        endpoint=ia_api.base_url,
        keys=IAKeys(*ia_api.keys) if keys else None,
        **options,  # type: ignore[arg-type]
    )

    async def go() -> PreserveResult:
        async with SavePageNow(opts, sleep=sleeps) as spn:
            return await spn.save(url, on_submitted=lambda _u, job: jobs.append(job))

    return asyncio.run(go()), sleeps, jobs


def _posts(ia_api: IAServer) -> list[str]:
    return [r.path for r in ia_api.requests() if r.method == "POST" and r.path == "/save"]


def test_success_after_pending_polls_is_confirmed_by_a_cdx_lookup(
    ia_api: IAServer, local_web: LocalWeb
) -> None:
    url = fresh(local_web)
    ia_api.script(url, "success", pending_polls=2)
    ia_api.clear_requests()
    result, sleeps, jobs = _save(ia_api, url, poll_interval=3.0)
    assert result.status is PreserveStatus.SAVED, result.reason
    assert result.job_id == jobs[0]
    assert result.capture_url == f"{ia_api.web_root}{result.timestamp}/{url}"
    assert "confirmed in the CDX index" in result.reason
    paths = [r.path for r in ia_api.requests()]
    assert paths.count("/save") == 1
    assert paths.count(f"/save/status/{jobs[0]}") == 3
    assert any(p.startswith("/cdx/search/cdx?") for p in paths)
    assert sleeps.calls == [3.0, 3.0, 3.0]
    post = next(r for r in ia_api.requests() if r.path == "/save")
    assert post.headers["authorization"] == "LOW {}:{}".format(*ia_api.keys)


def test_same_snapshot_answer_counts_as_success(ia_api: IAServer, local_web: LocalWeb) -> None:
    url = fresh(local_web)
    ia_api.script(url, "already", minutes_ago=4)
    result, _, _ = _save(ia_api, url)
    assert result.status is PreserveStatus.RECENT, result.reason
    assert result.done
    assert result.capture_url.startswith(ia_api.web_root)


def test_retryable_error_is_retried_with_backoff_then_succeeds(
    ia_api: IAServer, local_web: LocalWeb
) -> None:
    url = fresh(local_web)
    ia_api.script(url, "error", status_ext="error:user-session-limit", pending_polls=0)
    sleeps = Sleeps()
    opts = SpnOptions(endpoint=ia_api.base_url, keys=IAKeys(*ia_api.keys), backoff=20.0)

    def submitted(_url: str, _job: str) -> None:
        # The archive is busy once; the next attempt goes through.
        ia_api.script(url, "success", pending_polls=0)

    async def go() -> PreserveResult:
        async with SavePageNow(opts, sleep=sleeps) as spn:
            return await spn.save(url, on_submitted=submitted)

    ia_api.clear_requests()
    result = asyncio.run(go())
    assert result.status is PreserveStatus.SAVED, result.reason
    assert len(_posts(ia_api)) == 2
    assert 20.0 in sleeps.calls


def test_retryable_errors_that_persist_end_as_retry_later(
    ia_api: IAServer, local_web: LocalWeb
) -> None:
    url = fresh(local_web)
    ia_api.script(url, "error", status_ext="error:browsing-timeout", pending_polls=0)
    ia_api.clear_requests()
    result, sleeps, _ = _save(ia_api, url, retries=2, backoff=10.0)
    assert result.status is PreserveStatus.RETRY_LATER
    assert "error:browsing-timeout" in result.reason
    assert len(_posts(ia_api)) == 3
    backoffs = [s for s in sleeps.calls if s >= 10.0]
    assert backoffs == [10.0, 20.0]


@pytest.mark.parametrize("status_ext", ["error:blocked-url", "error:invalid-host-resolution"])
def test_final_error_gives_up_after_one_request(
    ia_api: IAServer, local_web: LocalWeb, status_ext: str
) -> None:
    url = fresh(local_web)
    ia_api.script(url, "error", status_ext=status_ext, pending_polls=1)
    ia_api.clear_requests()
    result, _, _ = _save(ia_api, url)
    assert result.status is PreserveStatus.FAILED
    assert result.reason.startswith(status_ext)
    assert len(_posts(ia_api)) == 1


def test_not_found_page_is_a_final_error(ia_api: IAServer, local_web: LocalWeb) -> None:
    result, _, _ = _save(ia_api, fresh(local_web, "not-found-404"))
    assert result.status is PreserveStatus.FAILED
    assert result.reason.startswith("error:not-found")


@pytest.mark.parametrize(("retry_after", "expected_wait"), [("7", 7.0), (None, 60.0)])
def test_429_waits_retry_after_or_a_minute_then_succeeds(
    ia_api: IAServer, local_web: LocalWeb, retry_after: str | None, expected_wait: float
) -> None:
    url = fresh(local_web)
    ia_api.script(url, "429", retry_after=retry_after, times=1)
    ia_api.clear_requests()
    result, sleeps, _ = _save(ia_api, url)
    assert result.status is PreserveStatus.SAVED, result.reason
    assert len(_posts(ia_api)) == 2
    assert expected_wait in sleeps.calls


def test_job_still_running_is_left_pending_with_its_id(
    ia_api: IAServer, local_web: LocalWeb
) -> None:
    url = fresh(local_web)
    ia_api.script(url, "success", pending_polls=50)
    result, _, jobs = _save(ia_api, url, max_polls=3)
    assert result.status is PreserveStatus.PENDING
    assert result.job_id == jobs[0]


def test_anonymous_mode_sends_no_credentials_and_reports_a_refusal_once(
    ia_api: IAServer, local_web: LocalWeb
) -> None:
    urls = [fresh(local_web), fresh(local_web)]
    sleeps = Sleeps()
    opts = SpnOptions(endpoint=ia_api.base_url)
    assert opts.effective_per_minute == 4

    async def go() -> list[PreserveResult]:
        async with SavePageNow(opts, sleep=sleeps) as spn:
            return [await spn.save(u) for u in urls]

    ia_api.clear_requests()
    first, second = asyncio.run(go())
    posts = [r for r in ia_api.requests() if r.path == "/save"]
    assert len(posts) == 1
    assert "authorization" not in posts[0].headers
    assert first.status is PreserveStatus.FAILED
    assert "anonymous saves were refused" in first.reason
    assert "LINKWATCH_IA_ACCESS_KEY" in first.reason
    assert second.status is PreserveStatus.FAILED
    assert second.reason.startswith("not asked:")


def test_unreachable_endpoint_is_reported_not_raised(local_web: LocalWeb, tmp_path: Path) -> None:
    closed = local_web.url("connection-refused").rsplit("/", 1)[0]
    sleeps = Sleeps()

    async def go() -> PreserveResult:
        async with SavePageNow(SpnOptions(endpoint=closed), sleep=sleeps) as spn:
            return await spn.save("https://example.org/")

    result = asyncio.run(go())
    assert result.status is PreserveStatus.UNREACHABLE
    assert "ConnectError" in result.reason
