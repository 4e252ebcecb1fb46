"""report: what a run found, for people (Markdown, HTML) and machines (JSON, CSV).

:func:`write_reports` writes ``report.md``, ``report.html``, ``results.json`` and
``results.csv`` for a :class:`linkwatch.results.RunResult` into
``reports/<run-id>/`` and points ``reports/latest`` at it, each file streamed as it
is made. The "since last run" section compares with the previous run when one is
given; :func:`notify_run` sends those changes through Apprise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linkwatch.lazy import lazy_exports

if TYPE_CHECKING:
    from linkwatch.report.csvdoc import CSV_COLUMNS, neutralise, render_csv
    from linkwatch.report.html import render_html
    from linkwatch.report.jsondoc import render_json, results_document, schema
    from linkwatch.report.markdown import render_markdown
    from linkwatch.report.model import (
        VERDICT_ORDER,
        ReportCounts,
        RunDiff,
        Summary,
        by_report,
        diff_runs,
        parse_verdicts,
        summarize,
    )
    from linkwatch.report.notify import notify_run
    from linkwatch.report.writer import (
        FILE_NAMES,
        ReportFormat,
        render,
        render_chunks,
        write_reports,
    )

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "linkwatch.report.csvdoc": ("CSV_COLUMNS", "neutralise", "render_csv"),
        "linkwatch.report.html": ("render_html",),
        "linkwatch.report.jsondoc": ("render_json", "results_document", "schema"),
        "linkwatch.report.markdown": ("render_markdown",),
        "linkwatch.report.model": (
            "VERDICT_ORDER",
            "ReportCounts",
            "RunDiff",
            "Summary",
            "by_report",
            "diff_runs",
            "parse_verdicts",
            "summarize",
        ),
        "linkwatch.report.notify": ("notify_run",),
        "linkwatch.report.writer": (
            "FILE_NAMES",
            "ReportFormat",
            "render",
            "render_chunks",
            "write_reports",
        ),
    },
)

__all__ = [
    "CSV_COLUMNS",
    "FILE_NAMES",
    "VERDICT_ORDER",
    "ReportCounts",
    "ReportFormat",
    "RunDiff",
    "Summary",
    "by_report",
    "diff_runs",
    "neutralise",
    "notify_run",
    "parse_verdicts",
    "render",
    "render_chunks",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "results_document",
    "schema",
    "summarize",
    "write_reports",
]
