"""preserve: ask archives to capture what is at risk, keep local WARC copies, write links back.

:mod:`~linkwatch.preserve.spn` (Save Page Now 2), :mod:`~linkwatch.preserve.record`
(a pywb collection in record mode), :mod:`~linkwatch.preserve.warc` (local WARC
copies, CDXJ index, WACZ), :mod:`~linkwatch.preserve.writeback` (``archive_url``
in citations.csv), :mod:`~linkwatch.preserve.robust` (Robust Links in reports),
and :mod:`~linkwatch.preserve.run`, which ties them to the store for ``linkwatch archive``.
"""

from __future__ import annotations

from linkwatch.preserve.model import PreserveResult, PreserveStatus, Target
from linkwatch.preserve.record import PywbRecorder, RecordTarget
from linkwatch.preserve.robust import Version, robustify_html, robustify_markdown
from linkwatch.preserve.run import ArchiveOptions, ArchiveOutcome, Archiver, select
from linkwatch.preserve.spn import IAKeys, SavePageNow, SpnOptions, keys_from_env
from linkwatch.preserve.warc import WarcArchiver, WarcOptions
from linkwatch.preserve.writeback import WriteBack, write_back

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
