"""A cited web-archive URL: the capture is checked in the archive, the page it captured live."""

from __future__ import annotations

import asyncio
from pathlib import Path

from linkwatch.archives.config import ArchiveConfig, ArchiveKind, ArchiveOptions
from linkwatch.archives.stage import ArchiveStage
from linkwatch.check import CheckOptions, check_citations, cited_original, live_key
from linkwatch.live import LiveOptions
from linkwatch.records import Citation
from linkwatch.results import CitationResult
from linkwatch.status import ArchiveStatus, ChangeStatus, LiveStatus, Verdict
from linkwatch.store.db import Store
from tests.archives.conftest import Sleeps
from tests.web import LocalWeb
from tests.web.archive import LocalArchive
from tests.web.ia_api import IAServer


def _ia(ia_api: IAServer) -> ArchiveConfig:
    return ArchiveConfig(
        name="ia",
        kind=ArchiveKind.WAYBACK,
        timegate=ia_api.web_root,
        cdx=ia_api.cdx_url,
        lookups_per_minute=6000.0,
        replays_per_minute=6000.0,
    )


def _run(db: Path, cites: list[Citation], ia_api: IAServer) -> dict[str, CitationResult]:
    archives = ArchiveOptions(archives=(_ia(ia_api),))
    options = CheckOptions(
        live=LiveOptions(allow_private=True, host_interval=0.0, retries=0, timeout=5.0),
        db=db,
        archives=archives,
    )

    async def main() -> dict[str, CitationResult]:
        async with ArchiveStage(archives, db=db, citations=cites, sleep=Sleeps()) as stage:
            with Store(db) as store:
                run = await check_citations(cites, options, store, archive_stage=stage)
        return {r.citation.id: r for r in run.results}

    return asyncio.run(main())


def test_live_key_of_a_cited_capture_is_the_page_it_captured() -> None:
    wayback = Citation(
        id="w", url="https://web.archive.org/web/20190102030405/https://Example.org/a"
    )
    assert live_key(wayback) == "https://example.org/a"
    pywb = Citation(id="p", url="http://127.0.0.1:9/lw/20200101000000/http://example.org/b")
    assert live_key(pywb, ("http://127.0.0.1:9/lw/",)) == "http://example.org/b"
    truncated = Citation(id="t", url="https://web.archive.org/web/20190102030405/")
    assert cited_original(truncated) == ""
    assert live_key(truncated) == ""
    plain = Citation(id="x", url="https://example.org/c#part")
    assert cited_original(plain) is None
    assert live_key(plain) == "https://example.org/c"


def test_cited_capture_is_checked_in_the_archive_and_its_original_live(
    local_web: LocalWeb, local_archive: LocalArchive, ia_api: IAServer, tmp_path: Path
) -> None:
    good = local_archive.pages["good-near"]
    changed = local_archive.pages["changed"]
    cites = [
        Citation(id="good", url=f"{ia_api.web_root}20210318141500/{good.url}"),
        Citation(id="changed", url=f"{ia_api.web_root}20210601120000/{changed.url}"),
        Citation(id="truncated", url=f"{ia_api.web_root}20210318141500/"),
    ]
    local_web.reset()
    local_web.clear_requests()
    ia_api.clear_requests()
    results = _run(tmp_path / "lw.db", cites, ia_api)

    live_paths = [r.path for r in local_web.requests("main")]
    assert "/a/good-near.html" in live_paths
    assert "/changing.html" in live_paths

    ok = results["good"]
    assert ok.live is not None
    assert ok.live.url == good.url
    assert ok.live.status is LiveStatus.OK
    assert ok.live.http_status == 200
    assert ok.archive is not None and ok.archive.status is ArchiveStatus.ARCHIVED
    assert ok.archive.capture is not None
    assert ok.archive.capture.timestamp == "20210318141500"
    assert ok.verdict is Verdict.HEALTHY

    # The capture shows v1, the live page now serves v2: only a live check of the
    # original URL (not of the capture) can see that.
    drift = results["changed"]
    assert drift.live is not None and drift.live.url == changed.url
    assert drift.archive is not None and drift.archive.status is ArchiveStatus.ARCHIVED
    assert drift.change is not None and drift.change.status is ChangeStatus.CHANGED
    assert drift.verdict is Verdict.DRIFTED

    cut = results["truncated"]
    assert cut.live is None
    assert cut.verdict is Verdict.UNLINKED
    assert "truncated" in cut.action
    assert cut.archive is not None and "truncated" in cut.archive.reason
    # Replay requests for the two captures only; the truncated one is never fetched.
    replays = [r.path for r in ia_api.requests() if r.path.startswith("/web/")]
    assert replays and not [p for p in replays if p.endswith("/20210318141500/")]
