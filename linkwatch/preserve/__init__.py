"""preserve: ask archives to capture what is at risk, keep local WARC copies, write links back.

:mod:`~linkwatch.preserve.spn` (Save Page Now 2), :mod:`~linkwatch.preserve.record`
(a pywb collection in record mode), :mod:`~linkwatch.preserve.warc` (local WARC
copies, CDXJ index, WACZ), :mod:`~linkwatch.preserve.writeback` (``archive_url``
in citations.csv), :mod:`~linkwatch.preserve.robust` (Robust Links in reports),
and :mod:`~linkwatch.preserve.run`, which ties them to the store for ``linkwatch archive``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linkwatch.lazy import lazy_exports

if TYPE_CHECKING:
    from linkwatch.preserve.model import PreserveResult, PreserveStatus, Target
    from linkwatch.preserve.record import PywbRecorder, RecordTarget
    from linkwatch.preserve.robust import Version, robustify_html, robustify_markdown
    from linkwatch.preserve.run import ArchiveOptions, ArchiveOutcome, Archiver, select
    from linkwatch.preserve.spn import IAKeys, SavePageNow, SpnOptions, keys_from_env
    from linkwatch.preserve.warc import WarcArchiver, WarcOptions
    from linkwatch.preserve.writeback import WriteBack, write_back

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "linkwatch.preserve.model": ("PreserveResult", "PreserveStatus", "Target"),
        "linkwatch.preserve.record": ("PywbRecorder", "RecordTarget"),
        "linkwatch.preserve.robust": ("Version", "robustify_html", "robustify_markdown"),
        "linkwatch.preserve.run": ("ArchiveOptions", "ArchiveOutcome", "Archiver", "select"),
        "linkwatch.preserve.spn": ("IAKeys", "SavePageNow", "SpnOptions", "keys_from_env"),
        "linkwatch.preserve.warc": ("WarcArchiver", "WarcOptions"),
        "linkwatch.preserve.writeback": ("WriteBack", "write_back"),
    },
)

__all__ = [
    "ArchiveOptions",
    "ArchiveOutcome",
    "Archiver",
    "IAKeys",
    "PreserveResult",
    "PreserveStatus",
    "PywbRecorder",
    "RecordTarget",
    "SavePageNow",
    "SpnOptions",
    "Target",
    "Version",
    "WarcArchiver",
    "WarcOptions",
    "WriteBack",
    "keys_from_env",
    "robustify_html",
    "robustify_markdown",
    "select",
    "write_back",
]
