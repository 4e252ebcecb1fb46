"""``linkwatch extract``: reports into a citations.csv, merged with what is already there."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from codecs import BOM_UTF8, BOM_UTF16_BE, BOM_UTF16_LE
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from linkwatch.errors import InputError, OutputError
from linkwatch.extract.document import Format
from linkwatch.records import (
    DEFAULT_DIALECT,
    MergeResult,
    merge_citations,
    read_citations_file,
    write_citations,
)

if TYPE_CHECKING:
    from linkwatch.extract.core import Extraction


@dataclasses.dataclass(frozen=True, slots=True)
class ExtractSummary:
    """What one ``extract`` run did."""

    output: Path
    extractions: list[Extraction]
    merge: MergeResult


def parse_published(value: str) -> dt.date:
    """The ``--published`` date; raises :class:`InputError` unless it is ``YYYY-MM-DD``."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError(f"--published {value!r}: not a date in the form YYYY-MM-DD") from exc


def check_output(path: Path) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a directory, not a citations file")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{path}: cannot write (folder {parent} does not exist)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: cannot write (folder {parent} is not writable)")
    if path.exists() and not os.access(path, os.R_OK):
        raise OutputError(f"{path}: cannot read the existing file (permission denied)")


def extract_to_csv(
    reports: Sequence[Path],
    output: Path,
    *,
    published: dt.date | None = None,
    fmt: Format = Format.AUTO,
) -> ExtractSummary:
    """Extract ``reports`` into ``output``, merging with the records already there.

    The existing file is read (strictly) before anything is written and replaced
    atomically, so a bad report or a malformed file leaves it untouched.
    """
    output = Path(output)
    if not reports:
        raise InputError("no report given")
    check_output(output)
    # The existing file keeps its own dialect (a spreadsheet's separator and encoding).
    found = read_citations_file(output, strict=True) if output.exists() else None
    existing = found.citations if found is not None else []
    # Imported here: a command given a citations file never loads the extractors.
    from linkwatch.extract.core import extract_reports

    extractions = extract_reports(reports, published=published, fmt=fmt)
    fresh = [c for e in extractions for c in e.citations]
    merged = merge_citations(existing, fresh, [e.report for e in extractions])
    write_citations(
        output, merged.citations, found.dialect if found is not None else DEFAULT_DIALECT
    )
    return ExtractSummary(output, extractions, merged)


#: The citations file written beside a report given where a citations file was expected.
CITATIONS_NAME = "citations.csv"
_CSV_SUFFIXES = (".csv", ".tsv")


@dataclasses.dataclass(frozen=True, slots=True)
class CitationsInput:
    """What a command given a path reads: the citations file, and the extraction that
    wrote it when the path was a report."""

    citations: Path
    extracted: ExtractSummary | None = None


def is_citations_file(path: Path) -> bool:
    """True for a citations file (``.csv``/``.tsv``, or text whose first line is a header
    naming a ``url`` column); False for a report in any format."""
    path = Path(path)
    if path.suffix.lower() in _CSV_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    # A spreadsheet may save it as UTF-16 with a byte-order mark (Excel's "Unicode Text").
    encoding, skip = "utf-8", 0
    boms = ((BOM_UTF16_LE, "utf-16-le"), (BOM_UTF16_BE, "utf-16-be"), (BOM_UTF8, "utf-8"))
    for bom, name in boms:
        if head.startswith(bom):
            encoding, skip = name, len(bom)
            break
    first = head[skip:].decode(encoding, "ignore").split("\n", 1)[0].strip().lower()
    fields = {f.strip(' "\r') for f in first.replace(";", ",").replace("\t", ",").split(",")}
    return "url" in fields and len(fields) > 1


def citations_input(
    path: Path, *, published: dt.date | None = None, fmt: Format = Format.AUTO
) -> CitationsInput:
    """The citations file a command should read for ``path``.

    A citations file is used as it is. A report (text, HTML, Markdown, DOCX, PDF) is
    extracted first into the ``citations.csv`` beside it, merging exactly as
    ``linkwatch extract`` does, so edits made there survive. Raises the errors of
    :func:`extract_to_csv`.
    """
    path = Path(path)
    if not path.is_file() or is_citations_file(path):
        return CitationsInput(path)
    output = path.parent / CITATIONS_NAME
    return CitationsInput(output, extract_to_csv([path], output, published=published, fmt=fmt))
