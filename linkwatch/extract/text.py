"""Plain-text reports: paragraphs separated by blank lines, headings on lines of their own."""

from __future__ import annotations

import datetime as dt
import re

from linkwatch.extract.dates import DATE_ANY, DATE_RE, from_match
from linkwatch.extract.document import BlockBuilder, Document, note_label, squash

_PARAGRAPHS = re.compile(r"\n[ \t\f\v\u00a0\u3000]*\n\s*")
_BULLET = re.compile(r"^\s*(?:[•\-*–·▪◦]|\(?\d{1,3}[.)])\s")
_FIELD = re.compile(r"^[\w ]{1,30}:\s+\S")  # "Publication: China Brief", a field, not a heading
_SENTENCE_INSIDE = re.compile(r"[.!?][\"”’)]?\s+\S")

# Only a date that a header line presents as the publication date counts: after a word such as
# "Published", alone on its line, or set off by a separator ("By A. Author | March 1, 2024").
_DATELINE = re.compile(
    r"^\s*(?:(?:published|posted|publication\s+date|date|dated|released|first\s+published)"
    r"(?:\s+on)?\s*[:\-–—]?\s*(?P<a>" + DATE_ANY + r")"
    r"|(?P<b>" + DATE_ANY + r")\s*$"
    r"|.*[|·•—–]\s*(?:published\s*:?\s*)?(?P<c>" + DATE_ANY + r")\s*(?:[|·•—–].*)?$"
    r"|(?P<d>" + DATE_ANY + r")\s*[|·•—–].*$)",
    re.IGNORECASE,
)

#: How much of the top of a report may hold its dateline.
HEADER_CHARS = 3000


def is_heading(paragraph: str) -> bool:
    """True for a short single line that reads as a heading, not a sentence."""
    if "\n" in paragraph.strip():
        return False
    line = paragraph.strip()
    if not line or len(line) > 120 or len(line.split()) > 14:
        return False
    if line[-1] in '.,;!?"”' or _BULLET.match(line) or _SENTENCE_INSIDE.search(line):
        return False
    if line.startswith(("(", "[", "http", "www.")) or _FIELD.match(line):
        return False
    return line[0].isupper() or line[0].isdigit() or not line[0].isascii()


def dateline(text: str) -> dt.date | None:
    """The publication date a header line gives in the first lines of ``text``, or None."""
    for line in text[:HEADER_CHARS].splitlines():
        if len(line) > 200:
            continue
        match = _DATELINE.match(line)
        if match is None:
            continue
        for group in ("a", "b", "c", "d"):
            if match.group(group) is None:
                continue
            inner = DATE_RE.search(match.group(group))
            found = from_match(inner) if inner else None
            if found is not None and found.year is not None and found.month is not None:
                return dt.date(found.year, found.month, found.day or 1)
    return None


def _split_notes(paragraph: str) -> list[tuple[str, str]]:
    """The notes a paragraph of the notes section holds, as ``(label, text)`` pairs."""
    lines = [line for line in paragraph.split("\n") if line.strip()]
    labelled = [note_label(line)[0] != "" for line in lines]
    entries: list[list[str]] = []
    labels: list[str] = []
    for i, line in enumerate(lines):
        label, rest = note_label(line)
        if any(labelled):
            starts = bool(label)
        else:
            # Unlabelled reference lists: an entry starts on a line that is not indented,
            # after a line that ended an entry.
            previous = lines[i - 1].rstrip() if i else ""
            starts = i == 0 or (
                not line[:1].isspace()
                and previous.endswith((".", "/", ")"))
                and line.strip()[:1].isupper()
            )
        if starts or not entries:
            entries.append([rest])
            labels.append(label)
        else:
            entries[-1].append(line)
    return [(label, squash(" ".join(parts))) for label, parts in zip(labels, entries, strict=True)]


def read_text(text: str) -> Document:
    """The blocks of a plain-text report, notes after a notes heading (or labelled ``[n]``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    builder = BlockBuilder()
    for paragraph in _PARAGRAPHS.split(text):
        if not paragraph.strip():
            continue
        if is_heading(paragraph):
            builder.heading_line(paragraph)
            continue
        first_label, _ = note_label(paragraph)
        if builder.in_notes or (first_label and paragraph.lstrip().startswith("[")):
            for label, note in _split_notes(paragraph):
                builder.add(note, role="note", label=label)
            continue
        lines = paragraph.strip("\n").split("\n")
        if len(lines) > 1 and all(_BULLET.match(line) for line in lines):
            for line in lines:
                builder.add(squash(line))
        else:
            builder.add(squash(paragraph))
    published = dateline(text)
    return Document(builder.blocks, published, "dateline" if published else "")
