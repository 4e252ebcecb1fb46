"""The SQLite backend: one file per citations list, WAL mode, an ``flock`` as the run lock.

WAL lets a reader (``linkwatch report``) go on while a check runs; short
``BEGIN IMMEDIATE`` transactions keep a killed process from leaving half a
write. The run lock is ``<db>.lock``, an ``flock`` the kernel releases when the
process dies, so two runs cannot write the same history at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from linkwatch.errors import StoreError, StoreLockedError
from linkwatch.store.backend import Backend, Connection
from linkwatch.store.migrations import Migration


class SQLiteBackend(Backend):
    """An SQLite database file."""

    dialect = "sqlite"
    run_order = "rowid"

    def __init__(self, path: Path, *, lock: bool) -> None:
        self.path = Path(path)
        self.label = str(self.path)
        self._lock_fd: int | None = None
        if lock:
            self._lock_fd = _take_lock(self.path)
        try:
            self.sqlite = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
        except sqlite3.Error as exc:
            self._release_lock()
            raise StoreError(f"{self.path}: cannot open database ({exc})") from exc
        self.conn = cast(Connection, self.sqlite)
        try:
            self.sqlite.execute("PRAGMA busy_timeout = 10000")
            self.sqlite.execute("PRAGMA journal_mode = WAL")
            # NORMAL keeps WAL consistent after a crash; only the last commits
            # may be lost on power failure, never on a killed process.
            self.sqlite.execute("PRAGMA synchronous = NORMAL")
            self.sqlite.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreError(f"{self.path}: not a usable linkwatch database ({exc})") from exc

    def begin(self) -> None:
        self.sqlite.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.sqlite.execute("COMMIT")

    def rollback(self) -> None:
        self.sqlite.execute("ROLLBACK")

    def schema_version(self) -> int:
        return int(self.sqlite.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, migrations: Sequence[Migration]) -> None:
        try:
            with self.transaction():
                current = self.schema_version()
                if current > len(migrations):
                    raise StoreError(
                        f"{self.path}: database schema {current} is newer than this linkwatch"
                        f" ({len(migrations)}); upgrade linkwatch"
                    )
                for migration in migrations[current:]:
                    for statement in _statements(migration.sql):
                        self.sqlite.execute(statement)
                    self.sqlite.execute(f"PRAGMA user_version = {migration.number}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable linkwatch database ({exc})") from exc

    def lock_run(self, scope: str) -> None:
        # The lock file is taken when the database is opened: one run per file.
        return None

    def next_run_seq(self, conn: Connection) -> int:
        (seq,) = conn.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM runs").fetchone()
        return int(seq)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error, AttributeError):
            self.sqlite.close()
        self._release_lock()

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                os.close(self._lock_fd)
            self._lock_fd = None


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (``executescript`` would commit early)."""
    out: list[str] = []
    buf = ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf)
            buf = ""
    if buf.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buf.splitlines()
    ):
        raise StoreError(f"incomplete SQL statement in a store migration: {buf.strip()[:60]}")
    return out


def _take_lock(db_path: Path) -> int:
    lock_path = db_path.with_name(db_path.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"{db_path}: cannot create lock file ({exc.strerror or exc})") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        holder = ""
        with contextlib.suppress(OSError, ValueError):
            holder = os.pread(fd, 32, 0).decode().strip()
        os.close(fd)
        who = f" (pid {holder})" if holder else ""
        raise StoreLockedError(
            f"{db_path}: another linkwatch run is using this database{who}; wait for it to"
            " finish or choose another with --db"
        ) from exc
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd
