"""A cited source that is a PDF is compared by its text: the capture against today's copy."""

from __future__ import annotations

from pathlib import Path

from linkwatch.records import Citation
from linkwatch.status import ArchiveStatus, ChangeStatus
from tests.archives.test_stage import by_id, run
from tests.web import LocalWeb
from tests.web.archive import LocalArchive
from tests.web.local_web import PAPER_V1_LINES, paper_pdf

CITED = "2023-01-10"
CAPTURED = "20230109120000"


def test_a_cited_pdf_is_unchanged_or_changed_by_its_text(
    local_web: LocalWeb, local_archive: LocalArchive, tmp_path: Path
) -> None:
    local_web.reset()
    main = local_web.host("main")
    steady, revised = f"{main}/papers/steady.pdf", f"{main}/papers/revised.pdf"
    # Both were captured as the first edition; only the revised one changed since.
    for url in (steady, revised):
        local_archive.add_capture(
            url,
            paper_pdf(PAPER_V1_LINES),
            headers=(("Content-Type", "application/pdf"),),
            timestamp=CAPTURED,
        )
    cites = [
        Citation(id="steady", url=steady, date=CITED, context="3.05 million rural workers"),
        Citation(id="revised", url=revised, date=CITED, context="3.05 million rural workers"),
    ]
    results = by_id(run(tmp_path / "lw.db", cites, local_archive))

    for key in ("steady", "revised"):
        archive = results[key].archive
        assert archive is not None and archive.status is ArchiveStatus.ARCHIVED
    steady_change, revised_change = results["steady"].change, results["revised"].change
    assert steady_change is not None and steady_change.status is ChangeStatus.UNCHANGED
    assert revised_change is not None and revised_change.status is ChangeStatus.CHANGED
    assert revised_change.figures_in_capture == ("3.05 million",)
    assert revised_change.figures_missing_live == ("3.05 million",)
