"""linkwatch keeps a report's cited sources verifiable.

The pipeline, one sub-package per stage: :mod:`linkwatch.extract` (report →
records), :mod:`linkwatch.records` (citations.csv), :mod:`linkwatch.live`
(live check), :mod:`linkwatch.archives` (archive check), :mod:`linkwatch.compare`
(change detection), :mod:`linkwatch.report` (reports) and
:mod:`linkwatch.preserve` (archiving requests), with :mod:`linkwatch.store`
(history: SQLite, or a shared PostgreSQL database), :mod:`linkwatch.fleet`
(the worker fleet) and :mod:`linkwatch.client` (the HTTP client) beside them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linkwatch.lazy import lazy_exports

#: The one place the version is written; pyproject.toml reads it from here.
__version__ = "0.1.0"

if TYPE_CHECKING:
    from linkwatch.errors import ExitCode, LinkwatchError
    from linkwatch.records import COLUMNS, Citation, read_citations, write_citations
    from linkwatch.status import ArchiveStatus, ChangeStatus, LiveStatus, Verdict

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "linkwatch.errors": ("ExitCode", "LinkwatchError"),
        "linkwatch.records": ("COLUMNS", "Citation", "read_citations", "write_citations"),
        "linkwatch.status": ("ArchiveStatus", "ChangeStatus", "LiveStatus", "Verdict"),
    },
)

__all__ = [
    "COLUMNS",
    "ArchiveStatus",
    "ChangeStatus",
    "Citation",
    "ExitCode",
    "LinkwatchError",
    "LiveStatus",
    "Verdict",
    "__version__",
    "read_citations",
    "write_citations",
]
