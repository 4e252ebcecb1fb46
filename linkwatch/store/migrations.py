"""Numbered schema migrations, read from ``linkwatch/store/migrations/NNNN_name.sql``.

A stage that needs tables of its own adds the next numbered ``.sql`` file; no
Python file changes. Each file runs once, in number order, inside one
transaction together with the bump of ``PRAGMA user_version``, so a migration
is applied entirely or not at all.
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


def load_migrations() -> list[Migration]:
    """Every migration shipped with the package, in number order.

    Raises :class:`StoreError` when two files share a number or the numbers
    leave a gap, so a clash between two new migrations shows up at once.
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
    ordered = [found[n] for n in sorted(found)]
    for expected, migration in enumerate(ordered, start=1):
        if migration.number != expected:
            raise StoreError(f"store migration {expected:04d} is missing")
    return ordered
