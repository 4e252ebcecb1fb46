"""The SQLite store: runs, per-URL history, checks, fingerprints and results between runs."""

from __future__ import annotations

from linkwatch.store.db import DEFAULT_DB_NAME, RunSummary, Store, default_db_path
from linkwatch.store.history import ConfirmPolicy, UrlHistory, advance

__all__ = [
    "DEFAULT_DB_NAME",
    "ConfirmPolicy",
    "RunSummary",
    "Store",
    "UrlHistory",
    "advance",
    "default_db_path",
]
