"""Write capture links back into ``citations.csv`` without losing anything a person wrote.

Only the ``archive_url`` cell of the rows concerned changes; every other cell,
column (including columns linkwatch does not know), the column order and the
file's dialect (separator, encoding, byte-order mark, line endings) are kept. A
value is replaced only when it is empty or is exactly what linkwatch itself
wrote last time (the store remembers that), so a link an editor typed in is
never overwritten. The previous file is kept as
``<name>.bak`` and the new one is written to a temporary name and renamed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from linkwatch.errors import CitationsFileError
from linkwatch.fsutil import atomic_write_bytes
from linkwatch.records import decode_table

COLUMN = "archive_url"


@dataclasses.dataclass(frozen=True, slots=True)
class WriteBack:
    """What a write-back did, by citation id."""

    written: dict[str, str]
    """Ids whose ``archive_url`` was set, with the new value."""
    kept: dict[str, str]
    """Ids whose hand-written ``archive_url`` was left alone, with that value."""
    backup: Path | None = None
    """The copy of the previous file, when the file changed."""


def backup_path(path: Path) -> Path:
    """Where the previous version of ``path`` is kept."""
    return path.with_name(path.name + ".bak")


def plan_write_back(
    current: Mapping[str, str],
    links: Mapping[str, str],
    written_before: Mapping[str, str],
) -> tuple[dict[str, str], dict[str, str]]:
    """Decide which cells change: ``(to_write, kept_hand_edits)`` by citation id.

    ``current`` is the ``archive_url`` now in the file, ``links`` the captures to
    cite, ``written_before`` what linkwatch wrote into each cell last time.
    """
    to_write: dict[str, str] = {}
    kept: dict[str, str] = {}
    for cid, link in links.items():
        if cid not in current or not link:
            continue
        now = current[cid].strip()
        if now == link:
            continue
        if not now or now == written_before.get(cid, ""):
            to_write[cid] = link
        else:
            kept[cid] = now
    return to_write, kept


def write_back(
    path: Path,
    links: Mapping[str, str],
    written_before: Mapping[str, str],
) -> WriteBack:
    """Set ``archive_url`` of the citations in ``links`` (id → capture URL) in ``path``.

    Raises :class:`CitationsFileError` when the file cannot be read as CSV with an ``id`` column.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CitationsFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    text, dialect = decode_table(path, raw)
    rows = list(dialect.rows(text))
    if not rows or "id" not in rows[0]:
        raise CitationsFileError(f"{path}: not a citations file (no id column)")
    header = rows[0]
    id_col = header.index("id")
    if COLUMN not in header:
        header.append(COLUMN)
        for row in rows[1:]:
            row.append("")
    col = header.index(COLUMN)
    current: dict[str, str] = {}
    for row in rows[1:]:
        if len(row) > id_col and row[id_col]:
            while len(row) <= col:
                row.append("")
            current.setdefault(row[id_col], row[col])
    to_write, kept = plan_write_back(current, links, written_before)
    if not to_write:
        return WriteBack({}, kept)
    for row in rows[1:]:
        if len(row) > id_col and row[id_col] in to_write:
            row[col] = to_write[row[id_col]]
    data = dialect.encode(dialect.render(rows))
    backup = backup_path(path)
    atomic_write_bytes(backup, raw)
    atomic_write_bytes(path, data)
    return WriteBack(to_write, kept, backup)
