"""The archive stage inside a whole run: lookups beside the live check, change, verdicts, reruns."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from linkwatch.archives.config import ArchiveOptions
from linkwatch.archives.stage import ArchiveStage
from linkwatch.check import CheckOptions, check_citations
from linkwatch.live import LiveOptions
from linkwatch.records import Citation
from linkwatch.results import CitationResult, RunResult
from linkwatch.status import ArchiveStatus, ChangeStatus, Verdict
from linkwatch.store.db import Store
from tests.archives.conftest import Sleeps, local_config
from tests.web import LocalWeb
from tests.web.archive import LocalArchive

CONTEXT = "the prefecture transferred 3.05 million rural workers, 10.9 percent more than before"


def citations(local_archive: LocalArchive) -> list[Citation]:
    pages = local_archive.pages
    return [
        Citation(id="good", url=pages["good-near"].url, accessed=pages["good-near"].citation_date),
        Citation(
            id="changed",
            url=pages["changed"].url,
            date=pages["changed"].citation_date,
            context=CONTEXT,
        ),
        Citation(id="never", url=pages["never"].url, date=pages["never"].citation_date),
        Citation(id="nourl", source="Xinhua, October 27, 2023"),
    ]


def run(
    db: Path, cites: list[Citation], local_archive: LocalArchive, **archive_kw: object
) -> RunResult:
    options = CheckOptions(
        live=LiveOptions(allow_private=True, host_interval=0.0, retries=0, timeout=5.0), db=db
    )
    archive_options = ArchiveOptions(archives=(local_config(local_archive.root),), **archive_kw)  # type: ignore[arg-type]

    async def main() -> RunResult:
        async with ArchiveStage(archive_options, db=db, citations=cites, sleep=Sleeps()) as stage:
            with Store(db) as store:
                return await check_citations(cites, options, store, archive_stage=stage)

    return asyncio.run(main())


def by_id(run_result: RunResult) -> dict[str, CitationResult]:
    return {r.citation.id: r for r in run_result.results}


def test_run_judges_each_citation_from_live_archive_and_change(
    local_web: LocalWeb, local_archive: LocalArchive, tmp_path: Path
) -> None:
    local_web.reset()
    results = by_id(run(tmp_path / "lw.db", citations(local_archive), local_archive))

    good = results["good"]
    assert good.archive is not None and good.archive.status is ArchiveStatus.ARCHIVED
    assert good.change is not None and good.change.status is ChangeStatus.UNCHANGED
    assert good.verdict is Verdict.HEALTHY

    changed = results["changed"]
    assert changed.archive is not None and changed.archive.status is ArchiveStatus.ARCHIVED
    assert changed.change is not None and changed.change.status is ChangeStatus.CHANGED
    assert set(changed.change.figures_in_capture) == {"3.05 million", "10.9 percent"}
    assert set(changed.change.figures_missing_live) == {"3.05 million", "10.9 percent"}
    assert changed.change.first_seen_changed
    assert changed.verdict in (Verdict.DRIFTED, Verdict.PRESERVED_ONLY)

    never = results["never"]
    assert never.archive is not None and never.archive.status is ArchiveStatus.NOT_ARCHIVED
    assert never.verdict is Verdict.AT_RISK
    assert results["nourl"].verdict is Verdict.UNLINKED


def test_rerun_asks_no_archive_and_sees_change_since_last_run(
    local_web: LocalWeb, local_archive: LocalArchive, tmp_path: Path
) -> None:
    db = tmp_path / "lw.db"
    cites = citations(local_archive)
    local_web.reset()
    local_archive.clear_requests()
    first = by_id(run(db, cites, local_archive))
    assert local_archive.requests()
    first_change = first["changed"].change
    assert first_change is not None

    local_web.set_version("changing-page", "v1")
    try:
        local_archive.clear_requests()
        second = by_id(run(db, cites, local_archive))
        assert local_archive.requests() == []
    finally:
        local_web.reset()
    change = second["changed"].change
    assert change is not None
    assert change.changed_since_last_run is True
    assert change.status is ChangeStatus.UNCHANGED
    assert change.first_seen_changed == ""
    assert second["good"].change is not None
    assert second["good"].change.changed_since_last_run is False
    for key in ("good", "never"):
        assert second[key].archive == first[key].archive


def test_archives_switched_off_make_no_archive_request(
    local_web: LocalWeb, local_archive: LocalArchive, tmp_path: Path
) -> None:
    local_web.reset()
    local_archive.clear_requests()
    results = by_id(run(tmp_path / "lw.db", citations(local_archive), local_archive, enabled=False))
    assert local_archive.requests() == []
    archive = results["good"].archive
    assert archive is not None and archive.status is ArchiveStatus.NOT_CHECKED
    assert archive.reason == "the archive lookup did not run"
    assert results["good"].verdict is Verdict.HEALTHY


def test_stage_results_survive_the_store_round_trip(
    local_web: LocalWeb, local_archive: LocalArchive, tmp_path: Path
) -> None:
    local_web.reset()
    db = tmp_path / "lw.db"
    result = run(db, citations(local_archive), local_archive)
    with Store(db, lock=False) as store:
        loaded = store.load_run(result.run_id)
    assert [dataclasses.asdict(r) for r in loaded.results] == [
        dataclasses.asdict(r) for r in result.results
    ]
