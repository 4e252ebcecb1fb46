"""How many archive requests the seed report's citations cost, on a first run and a rerun.

The bundled citations.csv's URLs are mapped onto the local archive (captures written into the
pywb collection behind the Internet Archive double) and looked up through the Wayback path.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from linkwatch.archives.cache import StoreArchiveCache
from linkwatch.archives.choose import target_for
from linkwatch.archives.config import ArchiveConfig, ArchiveKind, ArchiveOptions
from linkwatch.archives.lookup import ArchiveChecker
from linkwatch.client import ClientConfig, make_client
from linkwatch.live.urls import citation_key
from linkwatch.records import read_citations
from linkwatch.status import ArchiveStatus
from linkwatch.store.db import Store
from tests.archives.conftest import Sleeps
from tests.web.archive import LocalArchive
from tests.web.ia_api import IAServer

SEED = Path(__file__).resolve().parents[2] / "citations.csv"
PAGE = b"<html><head><title>%s</title></head><body><article><p>%s</p></article></body></html>"

#: How each seed URL is captured in the local archive: (timestamp, status) or nothing.
CAPTURES = {
    "doi.org/10.1525": ("20230615000000", 200),
    "papers.ssrn.com": ("20230501000000", 200),
    "www.shu.ac.uk": ("20240301000000", 200),
    "www.newyorker.com": ("20231009120000", 200),
    "www.hrw.org": ("20240205000000", 200),
    "doi.org/10.1080": ("20230701000000", 404),
}


def test_seed_first_run_and_rerun_request_counts(
    ia_api: IAServer, local_archive: LocalArchive, tmp_path: Path
) -> None:
    citations = [c for c in read_citations(SEED) if c.url or c.doi]
    items = []
    for c in citations:
        url = citation_key(c)
        for marker, (ts, status) in CAPTURES.items():
            if marker in url:
                body = PAGE % (marker.encode(), b"Labour transfer figures " * 40)
                local_archive.add_capture(url, body, status=status, timestamp=ts)
        items.append((url, target_for(c), c))
    config = ArchiveConfig(
        name="ia",
        kind=ArchiveKind.WAYBACK,
        timegate=ia_api.web_root,
        cdx=ia_api.cdx_url,
        availability=ia_api.available_url,
        lookups_per_minute=6000.0,
        replays_per_minute=6000.0,
    )

    async def one_run(cache: StoreArchiveCache) -> dict[str, ArchiveStatus]:
        async with make_client(ClientConfig(allow_private=True)) as client:
            checker = ArchiveChecker(
                ArchiveOptions(archives=(config,)), client, cache=cache, sleep=Sleeps()
            )
            plain = [(u, t) for u, t, c in items if checker.cited_capture(c.url) is None]
            await checker.prefetch(plain)
            out = {}
            for url, target, c in items:
                cited = checker.cited_capture(c.url)
                outcome = await (
                    checker.check_cited(cited) if cited else checker.check(url, target)
                )
                out[url] = outcome.result.status
            return out

    with Store(tmp_path / "seed.db") as store:
        cache = StoreArchiveCache(store)
        ia_api.clear_requests()
        first = asyncio.run(one_run(cache))
        first_requests = [r.path for r in ia_api.requests()]
        ia_api.clear_requests()
        second = asyncio.run(one_run(cache))
        assert ia_api.requests() == []
    assert second == first
    by_kind = {
        "availability": sum(p.startswith("/wayback/available") for p in first_requests),
        "cdx": sum(p.startswith("/cdx/") for p in first_requests),
        "replay": sum("id_/" in p for p in first_requests),
    }
    # One bulk POST; CDX only where availability did not settle the choice (no capture,
    # only an error, or a capture outside the window); one raw fetch per chosen capture.
    assert by_kind == {"availability": 1, "cdx": 3, "replay": 5}, first_requests
    assert len(first_requests) == 9
    statuses = sorted(s.value for s in first.values())
    assert statuses == sorted(
        [
            "archived",
            "archived",
            "archived",
            "archived",
            "archived-late",
            "archived-error-only",
            "not-archived",
            "not-checked",
        ]
    )
