"""Citation records and the ``citations.csv`` file every stage reads.

The column order is written down once, in :data:`COLUMNS`, and documented in
``docs/citations-csv.md``. Re-extracting into an existing file goes through
:func:`merge_citations`, which keeps what a person edited.

The file may be saved the way spreadsheets save it: comma-, semicolon- or
tab-separated, UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's
"Unicode Text"), CRLF or LF line endings. :func:`read_citations_file` returns the
records with the :class:`CsvDialect` found; every write-back passes it (or lets
:func:`write_citations` find it again) so the file keeps its own form.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import hashlib
import io
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from linkwatch.errors import CitationsFileError
from linkwatch.fsutil import atomic_write_bytes

logger = logging.getLogger(__name__)

#: The columns of citations.csv, in order.
COLUMNS: tuple[str, ...] = (
    "id",
    "report",
    "kind",
    "source",
    "author",
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
    """The outlet or publisher as written (for a journal article: the journal)."""
    author: str = ""
    """Authors as the reference lists them, when it names people."""
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


#: Columns whose values repeat from citation to citation (a file holds each value once).
_REPEATING: frozenset[str] = frozenset(
    {
        "report",
        "kind",
        "source",
        "author",
        "date",
        "accessed",
        "archived_at",
        "published",
        "location",
        "flags",
    }
)

#: The values of ``kind``.
KINDS: frozenset[str] = frozenset({"inline", "note", "caption"})

#: Columns the extractor always rewrites: they say where the citation is, not what it cites.
MACHINE_COLUMNS: frozenset[str] = frozenset({"report", "kind", "location", "context", "published"})

#: Flags the extractor derives from a URL; they follow the URL when a person replaces it.
URL_FLAGS: frozenset[str] = frozenset({"truncated", "web-archive"})

#: The flag of a record whose citation is no longer in its report.
REMOVED = "removed"

# A cell starting with one of these is a formula to a spreadsheet; a leading apostrophe
# makes it text there, and is taken off again when the file is read back.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DATE_RE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def neutralise_cell(value: str) -> str:
    """``value`` made safe to open in a spreadsheet (a formula becomes text).

    A value that already starts with apostrophes before a formula character gets one more,
    so :func:`restore_cell` gives every value back exactly.
    """
    return "'" + value if value.lstrip("'").startswith(_FORMULA_START) else value


def restore_cell(value: str) -> str:
    """The value :func:`neutralise_cell` was given."""
    if value.startswith("'") and value.lstrip("'").startswith(_FORMULA_START):
        return value[1:]
    return value


_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Controls a text table does not hold (tab, CR and LF aside). A few stray ones are a damaged
# cell, judged where it is used; a file made of many is not text.
_STRAY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BINARY_SHARE = 0.05


@dataclasses.dataclass(frozen=True, slots=True)
class CsvDialect:
    """How a citations file is saved: separator, encoding, byte-order mark, line endings."""

    delimiter: str = ","
    encoding: str = "utf-8"
    """``utf-8``, ``utf-16-le`` or ``utf-16-be``."""
    bom: bool = False
    newline: str = "\n"
    """``\\n`` or ``\\r\\n``."""

    def describe(self) -> str:
        """In words, e.g. ``semicolon-separated, UTF-8 with BOM, CRLF line endings``."""
        encoding = {"utf-8": "UTF-8", "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE"}
        name = encoding.get(self.encoding, self.encoding)
        ending = "CRLF" if self.newline == "\r\n" else "LF"
        return (
            f"{_DELIMITERS.get(self.delimiter, repr(self.delimiter))}-separated,"
            f" {name}{' with BOM' if self.bom else ''}, {ending} line endings"
        )

    def rows(self, text: str) -> Iterator[list[str]]:
        """The records of ``text`` (decoded file content) as lists of cells."""
        return csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter)

    def render(self, rows: Iterable[Sequence[str]]) -> str:
        """``rows`` as CSV text in this dialect (cells as given: neutralise them first).

        A cell holding the separator, a quote, or a CR or LF of either kind is quoted (the
        csv module leaves a lone CR bare when lines end in LF, and it then splits the row).
        """
        special = (self.delimiter, '"', "\r", "\n")

        def cell(value: str) -> str:
            if any(ch in value for ch in special):
                return '"' + value.replace('"', '""') + '"'
            return value

        lines = []
        for row in rows:
            cells = [cell(v) for v in row]
            lines.append('""' if cells == [""] else self.delimiter.join(cells))
        return "".join(line + self.newline for line in lines)

    @property
    def mark(self) -> bytes:
        """The byte-order mark the file starts with (``b""`` when it has none)."""
        return next((b for b, name in _BOMS if name == self.encoding), b"") if self.bom else b""

    def encode(self, text: str) -> bytes:
        """``text`` as the file's bytes, byte-order mark first when the file had one."""
        return self.mark + text.encode(self.encoding)


#: How linkwatch writes a new citations file.
DEFAULT_DIALECT = CsvDialect()


@dataclasses.dataclass(frozen=True, slots=True)
class CitationsFile:
    """The records of a citations file and the dialect it was saved in."""

    citations: list[Citation]
    dialect: CsvDialect


def read_table(path: Path) -> tuple[str, CsvDialect]:
    """The decoded text of a citations file and its dialect.

    Raises :class:`CitationsFileError` when the file cannot be read, is neither UTF-8 nor
    UTF-16 with a byte-order mark, or is not text at all.
    """
    path = Path(path)
    with _opened(path) as handle:
        raw = handle.read()
    return decode_table(path, raw)


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[BinaryIO]:
    """``path`` open for reading bytes; :class:`CitationsFileError` says why it cannot be."""
    try:
        handle = path.open("rb")
    except FileNotFoundError as exc:
        raise CitationsFileError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise CitationsFileError(f"{path}: is a directory, not a citations file") from exc
    except OSError as exc:
        raise CitationsFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    with handle:
        try:
            yield handle
        except OSError as exc:
            raise CitationsFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def _encoding_of(start: bytes) -> tuple[str, int]:
    """The encoding named by the byte-order mark ``start`` begins with, and the mark's
    length (0 without one)."""
    for mark, name in _BOMS:
        if start.startswith(mark):
            return name, len(mark)
    return "utf-8", 0


def _not_text(
    path: Path, encoding: str, exc: UnicodeDecodeError, offset: int
) -> CitationsFileError:
    at = offset + exc.start
    return CitationsFileError(
        f"{path}: not UTF-8 text (byte {at}); save it as CSV UTF-8 or Unicode Text"
        if encoding == "utf-8"
        else f"{path}: not {encoding.upper()} text (byte {at})"
    )


def decode_table(path: Path, raw: bytes) -> tuple[str, CsvDialect]:
    """:func:`read_table` on bytes already read (``path`` names the file in errors)."""
    encoding, mark = _encoding_of(raw)
    raw = raw[mark:]
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _not_text(path, encoding, exc, 0) from exc
    if len(_STRAY_CONTROL.findall(text)) > len(text) * _BINARY_SHARE:
        raise CitationsFileError(f"{path}: a binary file, not a citations file")
    return text, _dialect(text.split("\n", 1)[0], encoding, bool(mark))


def _dialect(first_line: str, encoding: str, bom: bool) -> CsvDialect:
    newline = "\r\n" if first_line.endswith("\r") else "\n"
    return CsvDialect(_delimiter(first_line), encoding, bom, newline)


#: Bytes read at a time when a citations file is scanned.
_BLOCK = 1 << 16


def scan_table(path: Path) -> CsvDialect:
    """The dialect of a citations file, which is checked to be text throughout.

    The same checks and errors as :func:`read_table`, made block by block: the file is
    never held whole (a citations file of 100,000 rows is some 12 MB, and its text four
    bytes a character once one non-Latin-1 character is in it).
    """
    path = Path(path)
    with _opened(path) as handle:
        block = handle.read(_BLOCK)
        encoding, mark = _encoding_of(block)
        block = block[mark:]
        decoder = codecs.getincrementaldecoder(encoding)()
        fed = controls = chars = 0
        first: list[str] = []
        first_done = False
        while True:
            final = not block
            held = len(decoder.getstate()[0])
            try:
                text = decoder.decode(block, final)
            except UnicodeDecodeError as exc:
                raise _not_text(path, encoding, exc, fed - held) from exc
            fed += len(block)
            if not first_done:
                line, newline, _ = text.partition("\n")
                first.append(line)
                first_done = bool(newline)
            controls += len(_STRAY_CONTROL.findall(text))
            chars += len(text)
            if final:
                break
            block = handle.read(_BLOCK)
    if controls > chars * _BINARY_SHARE:
        raise CitationsFileError(f"{path}: a binary file, not a citations file")
    return _dialect("".join(first), encoding, bool(mark))


@contextlib.contextmanager
def _text_of(path: Path, dialect: CsvDialect) -> Iterator[io.TextIOWrapper]:
    """The text of a file :func:`scan_table` found to be ``dialect``, read as a stream."""
    with _opened(path) as handle:
        handle.read(len(dialect.mark))
        text = io.TextIOWrapper(handle, encoding=dialect.encoding, newline="")
        try:
            yield text
        except UnicodeDecodeError as exc:
            # Only when the file changed after it was scanned.
            raise _not_text(path, dialect.encoding, exc, 0) from exc
        finally:
            text.detach()


def _delimiter(header: str) -> str:
    """The separator that makes ``header`` a citations header (``url`` among its names)."""
    best, fields = ",", 1
    for delimiter in _DELIMITERS:
        try:
            names = next(csv.reader([header.rstrip("\r")], delimiter=delimiter), [])
        except csv.Error:
            continue
        if "url" in (n.strip().lower() for n in names):
            return delimiter
        if len(names) > fields:
            best, fields = delimiter, len(names)
    return best


def read_citations(path: Path, *, strict: bool = False) -> list[Citation]:
    """Read a citations.csv; raises :class:`CitationsFileError` when it is malformed.

    See :func:`read_citations_file`, which also says how the file was saved.
    """
    return read_citations_file(path, strict=strict).citations


def read_citations_file(path: Path, *, strict: bool = False) -> CitationsFile:
    """Read a citations file and the dialect it was saved in.

    A file with a ``url`` column but no ``id`` column (a plain list of links) gets stable ids
    (:func:`link_id`). A file is malformed when it is not UTF-8 or UTF-16 text (see
    :func:`read_table`), lacks the ``url`` column, has a row with more fields than the header
    or without an id, or repeats an id. With ``strict``, every ``kind`` must be one of
    :data:`KINDS` and every ``date``/``published``/``accessed`` must be ``YYYY``, ``YYYY-MM`` or
    ``YYYY-MM-DD``.
    """
    path = Path(path)
    dialect = scan_table(path)
    logger.info("%s: %s", path, dialect.describe())
    with _text_of(path, dialect) as text:
        return CitationsFile(_parse(path, text, dialect, strict), dialect)


def _parse(path: Path, text: Iterable[str], dialect: CsvDialect, strict: bool) -> list[Citation]:
    reader = csv.DictReader(text, delimiter=dialect.delimiter)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise CitationsFileError(f"{path}: not CSV ({exc})") from exc
    missing = [c for c in ("id", "url") if c not in header]
    # A plain list of links (a url column, no id) gets stable ids instead of an error.
    make_ids = missing == ["id"]
    if missing and not make_ids:
        raise CitationsFileError(
            f"{path}: not a citations file (missing column {', '.join(missing)})"
        )
    out: list[Citation] = []
    known = set(COLUMNS)
    ids: dict[str, int] = {}
    # One string per distinct value of a column that repeats from row to row, not one per
    # row: 100,000 citations of a few reports, outlets and dates hold each value once.
    shared: dict[str, str] = {}
    try:
        for lineno, row in enumerate(reader, start=2):
            if None in row:
                raise CitationsFileError(f"{path}: line {lineno} has more fields than the header")
            values: dict[str, str] = {}
            for k, v in row.items():
                if k in known:
                    v = restore_cell(v or "")
                    values[k] = shared.setdefault(v, v) if k in _REPEATING else v
            if make_ids:
                values["id"] = link_id(values, ids)
            cid = values.get("id", "")
            if not cid:
                raise CitationsFileError(f"{path}: line {lineno} has no id")
            if cid in ids:
                raise CitationsFileError(
                    f"{path}: line {lineno} repeats the id {cid!r} of line {ids[cid]}"
                )
            ids[cid] = lineno
            if strict:
                _check_row(path, lineno, values)
            out.append(Citation(**values))
    except csv.Error as exc:
        raise CitationsFileError(f"{path}: not CSV ({exc})") from exc
    return out


def link_id(values: dict[str, str], taken: dict[str, int]) -> str:
    """A stable id for a row that has none: from its URL (else its other values), numbered
    apart (``-2``, ``-3``…) when the list repeats it."""
    key = values.get("url", "") or "\x1f".join(values.get(c, "") for c in COLUMNS)
    stem = "link-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    cid, n = stem, 1
    while cid in taken:
        n += 1
        cid = f"{stem}-{n}"
    return cid


def _check_row(path: Path, lineno: int, values: dict[str, str]) -> None:
    kind = values.get("kind", "inline")
    if kind not in KINDS:
        raise CitationsFileError(
            f"{path}: line {lineno}: kind {kind!r} is not one of {', '.join(sorted(KINDS))}"
        )
    for column in ("date", "published", "accessed"):
        value = values.get(column, "")
        if value and not _DATE_RE.fullmatch(value):
            raise CitationsFileError(
                f"{path}: line {lineno}: {column} {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD"
            )


def citations_to_csv(citations: Iterable[Citation], dialect: CsvDialect = DEFAULT_DIALECT) -> str:
    """Render records as CSV text with the :data:`COLUMNS` header (formulas neutralised)."""
    return rows_to_csv(COLUMNS, (c.as_row() for c in citations), dialect)


def rows_to_csv(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, str]],
    dialect: CsvDialect = DEFAULT_DIALECT,
) -> str:
    """CSV text with a ``columns`` header, one line per row, every cell's formula neutralised."""
    body = ([neutralise_cell(row.get(c, "")) for c in columns] for row in rows)
    return dialect.render([list(columns), *body])


def write_citations(
    path: Path, citations: Sequence[Citation], dialect: CsvDialect | None = None
) -> None:
    """Write records to ``path`` atomically, in ``dialect``.

    Without one, a file that exists keeps its own dialect (separator, encoding, byte-order
    mark, line endings); a new file is written in :data:`DEFAULT_DIALECT`.
    """
    path = Path(path)
    if dialect is None:
        dialect = DEFAULT_DIALECT
        if path.is_file():
            # A file that cannot be read is replaced by a well-formed one in the default.
            with contextlib.suppress(CitationsFileError):
                dialect = scan_table(path)
    atomic_write_bytes(path, dialect.encode(citations_to_csv(citations, dialect)))


@dataclasses.dataclass(frozen=True, slots=True)
class MergeResult:
    """The merged records and what happened to them."""

    citations: list[Citation]
    added: int
    """Citations new to the file."""
    kept: int
    """Citations already in the file (their hand-edited values kept)."""
    removed: int
    """Citations no longer in their report, kept and flagged ``removed``."""


def _merge_one(old: Citation, new: Citation) -> Citation:
    """``new`` with every value a person set in ``old`` kept."""
    values: dict[str, str] = {}
    for name in COLUMNS:
        mine, theirs = getattr(old, name), getattr(new, name)
        if name == "flags" or name == "id":
            continue
        values[name] = theirs if name in MACHINE_COLUMNS or not mine else mine
    flags = set(old.flag_set) - {REMOVED}
    fresh = set(new.flag_set)
    if values["url"] != new.url:
        # The URL was replaced by hand: flags derived from the extracted URL no longer apply.
        fresh -= URL_FLAGS
        flags -= URL_FLAGS
    values["flags"] = ";".join(sorted(flags | fresh))
    return Citation(id=old.id, **values)


def merge_citations(
    existing: Sequence[Citation], fresh: Sequence[Citation], reports: Iterable[str]
) -> MergeResult:
    """Merge a fresh extraction of ``reports`` into the records of an existing file.

    Records are matched by id, then (for a citation whose sentence was edited) by report,
    kind, source and date. A match keeps its id and every non-empty value except the
    location columns (:data:`MACHINE_COLUMNS`); new citations are added; records of these
    reports that the extraction no longer finds are kept, flagged ``removed``; records of
    other reports are left as they are.
    """
    extracted = set(reports)
    by_id = {c.id: c for c in existing if c.report in extracted}
    unmatched = dict(by_id)
    merged_by_report: dict[str, list[Citation]] = {}
    matched: list[tuple[Citation, Citation | None]] = []
    for new in fresh:
        old = unmatched.pop(new.id, None)
        matched.append((new, old))
    loose: dict[tuple[str, str, str, str], list[Citation]] = {}
    for old in unmatched.values():
        loose.setdefault((old.report, old.kind, old.source, old.date), []).append(old)
    added = kept = 0
    for i, (new, old) in enumerate(matched):
        if old is None:
            candidates = loose.get((new.report, new.kind, new.source, new.date))
            if candidates:
                old = candidates.pop(0)
                del unmatched[old.id]
                matched[i] = (new, old)
    for new, old in matched:
        if old is None:
            added += 1
            row = new
        else:
            kept += 1
            row = _merge_one(old, new)
        merged_by_report.setdefault(new.report, []).append(row)
    removed = 0
    for old in existing:
        if old.id in unmatched and old.report in extracted:
            removed += 1
            flags = ";".join(sorted(old.flag_set | {REMOVED}))
            merged_by_report.setdefault(old.report, []).append(
                dataclasses.replace(old, flags=flags)
            )
    out: list[Citation] = []
    emitted: set[str] = set()
    for old in existing:
        if old.report in extracted:
            if old.report not in emitted:
                emitted.add(old.report)
                out.extend(merged_by_report.get(old.report, []))
        else:
            out.append(old)
    for report, rows in merged_by_report.items():
        if report not in emitted:
            out.extend(rows)
    return MergeResult(out, added, kept, removed)
