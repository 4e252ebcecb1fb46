"""if_not_archived_within: linkwatch sends it, and a capture that recent is reused, not remade."""

from __future__ import annotations

import asyncio
import itertools
import time

import httpx

from linkwatch.preserve.model import PreserveResult, PreserveStatus
from linkwatch.preserve.spn import IAKeys, SavePageNow, SpnOptions
from tests.web import IAServer, LocalWeb
from tests.web.ia_api import timedelta_seconds

_serial = itertools.count()


async def _no_wait(_seconds: float) -> None:
    await asyncio.sleep(0)


def _save(ia_api: IAServer, url: str, within: str) -> PreserveResult:
    options = SpnOptions(
        endpoint=ia_api.base_url,
        keys=IAKeys(*ia_api.keys),
        if_not_archived_within=within,
        poll_interval=0.0,
    )

    async def go() -> PreserveResult:
        async with SavePageNow(options, sleep=_no_wait) as spn:
            return await spn.save(url)

    return asyncio.run(go())


def _captures(ia_api: IAServer, url: str) -> list[str]:
    reply = httpx.get(ia_api.cdx_url, params={"url": url, "output": "json"}, timeout=10.0)
    rows = reply.json()
    return [row[1] for row in rows[1:] if row[2] == url]


def test_spn2_timedelta_forms_are_read_like_the_documentation() -> None:
    assert timedelta_seconds("120") == 120
    assert timedelta_seconds("3d 5h 20m") == 3 * 86400 + 5 * 3600 + 20 * 60
    assert timedelta_seconds("30d") == 30 * 86400
    assert timedelta_seconds("") == 0
    assert timedelta_seconds("soon") == 0


def test_if_not_archived_within_is_sent_and_a_recent_capture_is_reused(
    ia_api: IAServer, local_web: LocalWeb
) -> None:
    url = f"{local_web.url('ok-html')}?within-test={next(_serial)}"
    ia_api.clear_requests()
    first = _save(ia_api, url, "2h")
    assert first.status is PreserveStatus.SAVED, first.reason
    assert [f.get("if_not_archived_within") for f in ia_api.save_forms()] == ["2h"]
    made = _captures(ia_api, url)
    assert made == [first.timestamp]

    # Asked again within two hours: the archive answers with the capture it has.
    second = _save(ia_api, url, "2h")
    assert second.status is PreserveStatus.RECENT, second.reason
    assert second.timestamp == first.timestamp
    assert second.capture_url == first.capture_url
    assert _captures(ia_api, url) == made
    assert [f.get("if_not_archived_within") for f in ia_api.save_forms()] == ["2h", "2h"]


def test_without_if_not_archived_within_a_new_capture_is_made(
    ia_api: IAServer, local_web: LocalWeb
) -> None:
    url = f"{local_web.url('ok-html')}?within-test={next(_serial)}"
    ia_api.clear_requests()
    first = _save(ia_api, url, "")
    assert first.status is PreserveStatus.SAVED, first.reason
    time.sleep(1.1)  # capture timestamps have one-second resolution
    second = _save(ia_api, url, "")
    assert second.status is PreserveStatus.SAVED, second.reason
    assert second.timestamp > first.timestamp
    assert len(_captures(ia_api, url)) == 2
    assert all("if_not_archived_within" not in f for f in ia_api.save_forms())


def test_a_capture_older_than_the_window_is_not_reused(
    ia_api: IAServer, local_web: LocalWeb
) -> None:
    url = f"{local_web.url('ok-html')}?within-test={next(_serial)}"
    first = _save(ia_api, url, "")
    assert first.status is PreserveStatus.SAVED, first.reason
    time.sleep(2.1)
    again = _save(ia_api, url, "1")
    assert again.status is PreserveStatus.SAVED, again.reason
    assert again.timestamp > first.timestamp
