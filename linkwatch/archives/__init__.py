"""archives: for every cited URL, the web-archive capture that shows what the author saw.

:class:`ArchiveChecker` looks a URL up in every configured archive (Memento TimeGate and
TimeMap, or the Wayback CDX and availability APIs), chooses the capture like
InternetArchiveBot and verifies it by fetching it raw; :class:`ArchiveStage` plugs that and
change detection into ``linkwatch check``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linkwatch.lazy import lazy_exports

if TYPE_CHECKING:
    from linkwatch.archives.choose import (
        GOOD_STATUSES,
        Target,
        candidates,
        parse_target,
        target_for,
    )
    from linkwatch.archives.config import (
        ARCHIVE_TODAY,
        INTERNET_ARCHIVE,
        ArchiveConfig,
        ArchiveKind,
        ArchiveOptions,
        make_archive,
        parse_archive_option,
    )
    from linkwatch.archives.lookup import (
        ArchiveCache,
        ArchiveChecker,
        ArchiveOutcome,
        ArchiveSession,
        ArchiveUnavailable,
        CaptureFetch,
    )
    from linkwatch.archives.memento import CitedCapture, Memento, parse_cited_capture, raw_url

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "linkwatch.archives.choose": (
            "GOOD_STATUSES",
            "Target",
            "candidates",
            "parse_target",
            "target_for",
        ),
        "linkwatch.archives.config": (
            "ARCHIVE_TODAY",
            "INTERNET_ARCHIVE",
            "ArchiveConfig",
            "ArchiveKind",
            "ArchiveOptions",
            "make_archive",
            "parse_archive_option",
        ),
        "linkwatch.archives.lookup": (
            "ArchiveCache",
            "ArchiveChecker",
            "ArchiveOutcome",
            "ArchiveSession",
            "ArchiveUnavailable",
            "CaptureFetch",
        ),
        "linkwatch.archives.memento": ("CitedCapture", "Memento", "parse_cited_capture", "raw_url"),
    },
)

__all__ = [
    "ARCHIVE_TODAY",
    "GOOD_STATUSES",
    "INTERNET_ARCHIVE",
    "ArchiveCache",
    "ArchiveChecker",
    "ArchiveConfig",
    "ArchiveKind",
    "ArchiveOptions",
    "ArchiveOutcome",
    "ArchiveSession",
    "ArchiveUnavailable",
    "CaptureFetch",
    "CitedCapture",
    "Memento",
    "Target",
    "candidates",
    "make_archive",
    "parse_archive_option",
    "parse_cited_capture",
    "parse_target",
    "raw_url",
    "target_for",
]
