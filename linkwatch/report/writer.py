"""Writing a run's report files to ``reports/<run-id>/`` and pointing ``reports/latest`` there.

Each file is written piece by piece to a temporary name and renamed
(:mod:`linkwatch.fsutil`), so a report of 100,000 citations is never held whole.
``reports/latest`` is a relative symbolic link to the run's folder, replaced by
renaming a new link over it: a reader (a cron mail step, a web server) sees the
previous run or the new one, never a half-copied folder, and no file is stored
twice. A copy could not be swapped in one rename, since a non-empty directory
cannot be renamed over another.
"""

from __future__ import annotations

import contextlib
import enum
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from linkwatch.errors import OutputError
from linkwatch.fsutil import atomic_write_chunks
from linkwatch.report.candidates import run_candidates
from linkwatch.report.csvdoc import csv_chunks
from linkwatch.report.html import html_chunks
from linkwatch.report.jsondoc import json_chunks
from linkwatch.report.markdown import markdown_chunks
from linkwatch.results import RunResult


class ReportFormat(enum.StrEnum):
    """The report files a run leaves behind."""

    MD = "md"
    HTML = "html"
    JSON = "json"
    CSV = "csv"


#: File name of each format inside ``reports/<run-id>/``.
FILE_NAMES: dict[ReportFormat, str] = {
    ReportFormat.MD: "report.md",
    ReportFormat.HTML: "report.html",
    ReportFormat.JSON: "results.json",
    ReportFormat.CSV: "results.csv",
}

LATEST = "latest"

_SAFE_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


def render_chunks(
    fmt: ReportFormat, run: RunResult, previous: RunResult | None = None
) -> Iterator[bytes]:
    """One report file's bytes in pieces, made as they are written (never the whole file).

    CSV starts with a UTF-8 byte-order mark so spreadsheets read non-ASCII text. report.md
    and report.html also list ``linkwatch find``'s candidates for the run's unlinked
    citations, from candidates.csv beside the citations file.
    """
    makers: dict[ReportFormat, Callable[[], Iterator[str]]] = {
        ReportFormat.MD: lambda: markdown_chunks(run, previous, run_candidates(run)),
        ReportFormat.HTML: lambda: html_chunks(run, previous, run_candidates(run)),
        ReportFormat.JSON: lambda: json_chunks(run, previous),
        ReportFormat.CSV: lambda: csv_chunks(run),
    }
    if fmt is ReportFormat.CSV:
        yield "\ufeff".encode()
    for text in makers[fmt]():
        yield text.encode("utf-8")


def render(fmt: ReportFormat, run: RunResult, previous: RunResult | None = None) -> bytes:
    """One report file's bytes (CSV with a UTF-8 BOM so spreadsheets read non-ASCII text)."""
    return b"".join(render_chunks(fmt, run, previous))


def run_dir_name(run_id: str) -> str:
    """``run_id`` as a folder name; raises :class:`OutputError` if it could escape ``reports/``."""
    if not _SAFE_RUN_ID.match(run_id) or run_id == LATEST or ".." in run_id:
        raise OutputError(f"run id {run_id!r} cannot be used as a report folder name")
    return run_id


def write_reports(
    run: RunResult,
    reports_dir: Path,
    previous: RunResult | None = None,
    formats: Iterable[ReportFormat] = tuple(ReportFormat),
    *,
    update_latest: bool = True,
) -> Path:
    """Write ``run``'s report files into ``reports_dir/<run-id>/`` and return that folder.

    With ``update_latest`` (the default) ``reports_dir/latest`` then points at it.
    Raises :class:`OutputError` naming the path that cannot be written.
    """
    reports_dir = Path(reports_dir)
    target = reports_dir / run_dir_name(run.run_id)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{target}: cannot create report folder ({exc.strerror or exc})") from exc
    for fmt in formats:
        atomic_write_chunks(target / FILE_NAMES[fmt], render_chunks(fmt, run, previous))
    if update_latest:
        point_latest(reports_dir, target.name)
    return target


def point_latest(reports_dir: Path, run_dir: str) -> Path:
    """Make ``reports_dir/latest`` a relative link to ``run_dir``, replaced in one rename.

    Raises :class:`OutputError` when ``latest`` exists and is not a link (it is
    never deleted), or when the link cannot be made.
    """
    latest = Path(reports_dir) / LATEST
    if latest.exists() and not latest.is_symlink():
        raise OutputError(f"{latest}: exists and is not a link; move it away to keep it")
    tmp = Path(reports_dir) / f".{LATEST}.{os.getpid()}.tmp"
    try:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(run_dir, tmp, target_is_directory=True)
        os.replace(tmp, latest)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError(f"{latest}: cannot point at {run_dir} ({exc.strerror or exc})") from exc
    return latest
