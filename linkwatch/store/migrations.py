"""Numbered schema migrations, read from ``linkwatch/store/migrations/NNNN_name.sql``.

A stage that needs tables of its own adds the next numbered ``.sql`` file; no
Python file changes. Each file runs once, in number order, inside one
transaction together with the bump of the schema version (``PRAGMA
user_version`` on SQLite, the ``linkwatch_schema`` table on PostgreSQL), so a
migration is applied entirely or not at all.

There is one list of migrations for every engine, written in the SQL SQLite and
PostgreSQL share; PostgreSQL reads SQLite's auto-numbered ``INTEGER PRIMARY KEY``
as an identity column (:func:`linkwatch.store.postgres.as_postgres`). A step that
must differ otherwise has a variant, ``migrations/postgresql/NNNN_name.sql``,
which replaces that step's SQL there (0005 adds the run order PostgreSQL lacks).
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import re

from linkwatch.errors import StoreError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclasses.dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: its number, a short name and its SQL."""

    number: int
    name: str
    sql: str


def load_migrations(dialect: str = "sqlite") -> list[Migration]:
    """Every migration shipped with the package, in number order, as ``dialect`` runs it.

    Raises :class:`StoreError` when two files share a number or the numbers
    leave a gap, so a clash between two new migrations shows up at once, and
    when an engine's variant has no step of the same number and name to replace.
    """
    folder = importlib.resources.files("linkwatch.store").joinpath("migrations")
    found: dict[int, Migration] = {}
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if not match:
            continue
        number = int(match.group(1))
        if number in found:
            raise StoreError(
                f"two store migrations are numbered {number:04d}: "
                f"{found[number].name} and {match.group(2)}"
            )
        found[number] = Migration(number, match.group(2), entry.read_text(encoding="utf-8"))
    variants = folder.joinpath(dialect)
    if dialect != "sqlite" and variants.is_dir():
        for entry in variants.iterdir():
            match = _NAME.match(entry.name)
            if not match:
                continue
            number, name = int(match.group(1)), match.group(2)
            if number not in found or found[number].name != name:
                raise StoreError(
                    f"store migration {dialect}/{entry.name} replaces no migration of that"
                    " number and name"
                )
            found[number] = Migration(number, name, entry.read_text(encoding="utf-8"))
    ordered = [found[n] for n in sorted(found)]
    for expected, migration in enumerate(ordered, start=1):
        if migration.number != expected:
            raise StoreError(f"store migration {expected:04d} is missing")
    return ordered
