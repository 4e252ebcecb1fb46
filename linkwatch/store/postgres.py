"""The PostgreSQL backend: one database shared by many citations files, runs and machines.

Needs psycopg 3 (the ``postgres`` extra). The connection is in autocommit mode
with explicit ``BEGIN``/``COMMIT``, so every write is as short as on SQLite and a
process killed mid-run leaves only whole transactions behind. The run lock is a
session advisory lock keyed by the citations file's identity: the server
releases it the moment the holder's connection ends, on whichever machine it
ran. Migrations take a transaction-scoped advisory lock, so processes opening a
new database at once apply each migration exactly once.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import socket
import urllib.parse
from collections.abc import Iterable, Sequence
from typing import Any

from linkwatch.errors import StoreError, StoreLockedError
from linkwatch.store.backend import Backend, Connection, Cursor
from linkwatch.store.migrations import Migration

#: URL schemes that name a PostgreSQL database.
SCHEMES = ("postgresql://", "postgres://")
#: The advisory lock (transaction-scoped) under which migrations run.
_MIGRATION_LOCK = 0x6C696E6B  # "link"


def is_database_url(value: str) -> bool:
    """Whether ``value`` names a PostgreSQL database rather than an SQLite file."""
    return value.startswith(SCHEMES)


def redact(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urllib.parse.urlunsplit(parts._replace(netloc=user + host))


def lock_key(scope: str) -> int:
    """The 64-bit advisory lock key of a citations file's identity."""
    digest = hashlib.blake2b(f"linkwatch-run:{scope}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@functools.lru_cache(maxsize=512)
def _translate(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _PgConnection:
    """A psycopg connection speaking the store's ``?`` SQL."""

    def __init__(self, conn: Any) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Cursor:
        if not params:
            # Without parameters psycopg leaves % alone and allows several statements.
            return self.raw.execute(sql)  # type: ignore[no-any-return]
        return self.raw.execute(_translate(sql), tuple(params))  # type: ignore[no-any-return]

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> Any:
        batch = [tuple(r) for r in rows]
        if batch:
            with self.raw.cursor() as cur:
                cur.executemany(_translate(sql), batch)


def connect(url: str, *, purpose: str = "linkwatch") -> Any:
    """A psycopg connection (autocommit) to ``url``; :class:`StoreError` saying why not."""
    try:
        import psycopg
    except ImportError as exc:
        raise StoreError(
            f"{redact(url)}: PostgreSQL needs psycopg: pip install 'linkwatch[postgres]'"
        ) from exc
    try:
        return psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=10,
            application_name=f"{purpose} {socket.gethostname()} {os.getpid()}"[:63],
            # A machine that vanishes without closing its socket is noticed within
            # about a minute, so its run lock is released.
            keepalives=1,
            keepalives_idle=30,
            keepalives_interval=10,
            keepalives_count=3,
        )
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(f"{redact(url)}: cannot connect to the database ({reason})") from exc


class PostgresBackend(Backend):
    """A PostgreSQL database named by a ``postgresql://`` URL."""

    dialect = "postgresql"
    shared = True
    run_order = "seq"
    for_update = " FOR UPDATE"

    def __init__(self, url: str) -> None:
        self.url = url
        self.label = redact(url)
        self.pg = connect(url)
        self.conn: Connection = _PgConnection(self.pg)

    def begin(self) -> None:
        self.pg.execute("BEGIN")

    def commit(self) -> None:
        self.pg.execute("COMMIT")

    def rollback(self) -> None:
        self.pg.execute("ROLLBACK")

    def schema_version(self) -> int:
        row = self.pg.execute("SELECT to_regclass('linkwatch_schema') IS NOT NULL").fetchone()
        if not row[0]:
            return 0
        row = self.pg.execute("SELECT MAX(version) FROM linkwatch_schema").fetchone()
        return int(row[0] or 0)

    def migrate(self, migrations: Sequence[Migration]) -> None:
        import psycopg

        try:
            if self.schema_version() == len(migrations):
                return
            with self.transaction():
                self.pg.execute(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
                self.pg.execute("CREATE TABLE IF NOT EXISTS linkwatch_schema (version INTEGER)")
                current = self.schema_version()
                if current > len(migrations):
                    raise StoreError(
                        f"{self.label}: database schema {current} is newer than this linkwatch"
                        f" ({len(migrations)}); upgrade linkwatch"
                    )
                for migration in migrations[current:]:
                    self.pg.execute(migration.sql)
                    self.pg.execute(
                        "INSERT INTO linkwatch_schema (version) VALUES (%s)", (migration.number,)
                    )
        except psycopg.Error as exc:
            raise StoreError(f"{self.label}: cannot migrate the database ({exc})") from exc

    def lock_run(self, scope: str) -> None:
        (taken,) = self.pg.execute("SELECT pg_try_advisory_lock(%s)", (lock_key(scope),)).fetchone()
        if not taken:
            raise StoreLockedError(
                f"{self.label}: another linkwatch run is checking {scope} against this"
                " database; wait for it to finish"
            )

    def next_run_seq(self, conn: Connection) -> int:
        (seq,) = conn.execute("SELECT nextval(pg_get_serial_sequence('runs', 'seq'))").fetchone()
        return int(seq)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.pg.close()
