"""``results.csv``: one row per citation, safe to open in a spreadsheet.

Any cell that a spreadsheet would read as a formula (it begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) gets a leading ``'``, so a hostile
title such as ``=HYPERLINK("http://evil/","click")`` shows as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from linkwatch.report.model import (
    archive_status,
    change_status,
    citation_url,
    live_status,
    page_title,
)
from linkwatch.results import CitationResult, RunResult

#: The columns of results.csv, in order (documented in docs/reports.md).
CSV_COLUMNS: tuple[str, ...] = (
    "run_id",
    "id",
    "verdict",
    "action",
    "source",
    "date",
    "title",
    "location",
    "url",
    "live_status",
    "http_status",
    "live_reason",
    "final_url",
    "failing_since",
    "consecutive_failures",
    "confirmed_dead",
    "archive_status",
    "archive_reason",
    "target_date",
    "capture_archive",
    "capture_timestamp",
    "capture_url",
    "change_status",
    "similarity",
    "change_reason",
    "checked_at",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """``cell`` with a ``'`` in front when a spreadsheet would take it for a formula."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def csv_row(run_id: str, r: CitationResult) -> dict[str, str]:
    """One citation as a row of :data:`CSV_COLUMNS` (unneutralised text)."""
    live, arch, change = r.live, r.archive, r.change
    capture = arch.capture if arch is not None else None
    similarity = change.similarity if change is not None else None
    return {
        "run_id": run_id,
        "id": r.citation.id,
        "verdict": r.verdict.value,
        "action": r.action,
        "source": r.citation.source,
        "date": r.citation.date,
        "title": page_title(r),
        "location": r.citation.location,
        "url": citation_url(r),
        "live_status": live_status(r).value,
        "http_status": str(live.http_status) if live and live.http_status is not None else "",
        "live_reason": live.reason if live else "",
        "final_url": live.final_url if live else "",
        "failing_since": live.failing_since if live else "",
        "consecutive_failures": str(live.consecutive_failures) if live else "",
        "confirmed_dead": ("yes" if live.confirmed_dead else "no") if live else "",
        "archive_status": archive_status(r).value,
        "archive_reason": arch.reason if arch else "",
        "target_date": arch.target_date if arch else "",
        "capture_archive": capture.archive if capture else "",
        "capture_timestamp": capture.timestamp if capture else "",
        "capture_url": capture.url if capture else "",
        "change_status": change_status(r).value,
        "similarity": f"{similarity:.3f}" if similarity is not None else "",
        "change_reason": change.reason if change else "",
        "checked_at": live.checked_at if live else "",
    }


def render_csv(run: RunResult) -> str:
    """``results.csv`` text: a :data:`CSV_COLUMNS` header, then one neutralised row per citation."""
    return "".join(csv_chunks(run))


def csv_chunks(run: RunResult, rows_per_chunk: int = 200) -> Iterator[str]:
    """:func:`render_csv`'s text in pieces of ``rows_per_chunk`` rows."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for i, r in enumerate(run.results, 1):
        row = csv_row(run.run_id, r)
        writer.writerow([neutralise(row[c]) for c in CSV_COLUMNS])
        if i % rows_per_chunk == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
