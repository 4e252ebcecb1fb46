"""What the store needs of a database engine: one small interface, one module per engine.

:class:`linkwatch.store.db.Store` writes its SQL once, with ``?`` placeholders and
the syntax both engines share (``ON CONFLICT … DO UPDATE``, ``RETURNING``); a
backend supplies the connection, transactions, the schema version, the run lock
and the few fragments that differ (how runs are ordered, row locks).
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from linkwatch.store.migrations import Migration


class Cursor(Protocol):
    """The part of a DB-API cursor the store reads."""

    @property
    def description(self) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The part of a DB-API connection the store uses; SQL with ``?`` placeholders."""

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Cursor: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> Any: ...


class Backend(abc.ABC):
    """One open database connection of one engine."""

    #: ``sqlite`` or ``postgresql``: also the folder of a migration's engine-specific variant.
    dialect: str = ""
    #: Whether several citations files share this database (then runs are told apart by scope).
    shared: bool = False
    #: The column that orders runs begun within one second.
    run_order: str = "rowid"
    #: Appended to a SELECT that reads rows the transaction will update.
    for_update: str = ""
    #: How the database is named in messages (never with a password).
    label: str = ""
    conn: Connection

    @abc.abstractmethod
    def begin(self) -> None:
        """Start a write transaction."""

    @abc.abstractmethod
    def commit(self) -> None:
        """Commit the transaction begun with :meth:`begin`."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Roll back the transaction begun with :meth:`begin`."""

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction, committed on success and rolled back on any error."""
        self.begin()
        try:
            yield self.conn
        except BaseException:
            with contextlib.suppress(Exception):
                self.rollback()
            raise
        self.commit()

    @abc.abstractmethod
    def schema_version(self) -> int:
        """The number of the last migration applied (0 for a new database)."""

    @abc.abstractmethod
    def migrate(self, migrations: Sequence[Migration]) -> None:
        """Apply the migrations not applied yet, each with its version bump in one transaction.

        Raises :class:`linkwatch.errors.StoreError` when the database is newer than linkwatch.
        """

    @abc.abstractmethod
    def lock_run(self, scope: str) -> None:
        """Take the lock that keeps two runs of one citations file apart.

        Raises :class:`linkwatch.errors.StoreLockedError` when another run holds it.
        """

    @abc.abstractmethod
    def next_run_seq(self, conn: Connection) -> int:
        """The sequence number of the next run (inside the transaction that inserts it)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Close the connection; the run lock goes with it."""
