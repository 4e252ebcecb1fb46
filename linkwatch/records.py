"""Citation records and the ``citations.csv`` file every stage reads.

The column order is written down once, in :data:`COLUMNS`, and documented in
``docs/citations-csv.md``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from linkwatch.errors import CitationsFileError
from linkwatch.fsutil import atomic_write_text

#: The columns of citations.csv, in order.
COLUMNS: tuple[str, ...] = (
    "id",
    "report",
    "kind",
    "source",
    "date",
    "url",
    "doi",
    "title",
    "accessed",
    "archive_url",
    "original_url",
    "archived_at",
    "published",
    "location",
    "context",
    "flags",
)


@dataclasses.dataclass(frozen=True, slots=True)
class Citation:
    """One citation occurrence in a report.

    Every field is a string (empty when unknown) so a row round-trips through
    CSV unchanged; ``flags`` is a ``;``-separated set of words.
    """

    id: str
    report: str = ""
    kind: str = "inline"
    """``inline`` | ``note`` | ``caption``."""
    source: str = ""
    date: str = ""
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    url: str = ""
    doi: str = ""
    title: str = ""
    accessed: str = ""
    archive_url: str = ""
    original_url: str = ""
    """For a cited web-archive URL: the page it captured."""
    archived_at: str = ""
    """For a cited web-archive URL: the capture time (``YYYY-MM-DDTHH:MM:SSZ``)."""
    published: str = ""
    """The report's publication date (``YYYY-MM-DD``)."""
    location: str = ""
    context: str = ""
    flags: str = ""

    @property
    def flag_set(self) -> frozenset[str]:
        """The flags as a set of words."""
        return frozenset(f for f in self.flags.split(";") if f)

    def as_row(self) -> dict[str, str]:
        """The record as a CSV row keyed by :data:`COLUMNS`."""
        return {name: getattr(self, name) for name in COLUMNS}


def read_citations(path: Path) -> list[Citation]:
    """Read a citations.csv; raises :class:`CitationsFileError` when it is malformed."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise CitationsFileError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise CitationsFileError(f"{path}: is a directory, not a citations file") from exc
    except OSError as exc:
        raise CitationsFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CitationsFileError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in ("id", "url") if c not in header]
    if missing:
        raise CitationsFileError(
            f"{path}: not a citations file (missing column {', '.join(missing)})"
        )
    out: list[Citation] = []
    known = set(COLUMNS)
    for lineno, row in enumerate(reader, start=2):
        if None in row:
            raise CitationsFileError(f"{path}: line {lineno} has more fields than the header")
        values = {k: (v or "") for k, v in row.items() if k in known}
        if not values.get("id"):
            raise CitationsFileError(f"{path}: line {lineno} has no id")
        out.append(Citation(**values))
    return out


def citations_to_csv(citations: Iterable[Citation]) -> str:
    """Render records as CSV text with the :data:`COLUMNS` header."""
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for c in citations:
        writer.writerow(c.as_row())
    return buf.getvalue()


def write_citations(path: Path, citations: Sequence[Citation]) -> None:
    """Write records to ``path`` atomically."""
    atomic_write_text(Path(path), citations_to_csv(citations))
