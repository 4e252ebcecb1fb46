"""The store: runs, per-URL history, checks, fingerprints and results between runs.

SQLite by default (:mod:`linkwatch.store.sqlite`), or a PostgreSQL database shared by many
citations files and machines (:mod:`linkwatch.store.postgres`), behind one interface
(:mod:`linkwatch.store.backend`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linkwatch.lazy import lazy_exports

if TYPE_CHECKING:
    from linkwatch.store.db import DEFAULT_DB_NAME, RunSummary, Store, default_db_path
    from linkwatch.store.history import ConfirmPolicy, UrlHistory, advance

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "linkwatch.store.db": ("DEFAULT_DB_NAME", "RunSummary", "Store", "default_db_path"),
        "linkwatch.store.history": ("ConfirmPolicy", "UrlHistory", "advance"),
    },
)

__all__ = [
    "DEFAULT_DB_NAME",
    "ConfirmPolicy",
    "RunSummary",
    "Store",
    "UrlHistory",
    "advance",
    "default_db_path",
]
