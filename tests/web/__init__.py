"""The local web, the local archive and the Internet Archive double that tests run against.

Everything listens on loopback only. See docs/testing.md for every case and endpoint.
"""

from __future__ import annotations

from tests.web._http import RequestRecord
from tests.web.archive import PAGE_SPECS, ArchivedPage, LocalArchive, PywbMissingError
from tests.web.ia_api import IAServer
from tests.web.local_web import CASE_SPECS, Case, LocalWeb

__all__ = [
    "CASE_SPECS",
    "PAGE_SPECS",
    "ArchivedPage",
    "Case",
    "IAServer",
    "LocalArchive",
    "LocalWeb",
    "PywbMissingError",
    "RequestRecord",
]
