"""The format-neutral shape of a report: blocks of text with their links.

Every reader (text, Markdown, HTML) turns a report into a :class:`Document`,
so citation parsing is written once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re


class Format(enum.StrEnum):
    """How a report is written."""

    AUTO = "auto"
    TEXT = "text"
    HTML = "html"
    MARKDOWN = "markdown"
    DOCX = "docx"
    PDF = "pdf"


#: Headings that open a notes or references section.
NOTES_HEADING_RE = re.compile(
    r"^\s*(?:end\s*notes?|notes?|foot\s*notes?|references?(?:\s+list)?|sources?|bibliography|"
    r"works\s+cited|citations|notes\s+and\s+references|sources\s+and\s+notes|literature)\s*:?\s*$",
    re.IGNORECASE,
)

#: A note label at the start of a note: ``[1]``, ``1.``, ``1)``, ``(1)``, ``^1``, ``¹``.
NOTE_LABEL_RE = re.compile(
    r"^\s*(?:\[(?P<a>\d{1,4})\]|(?P<b>\d{1,4})[.)](?=\s)|\((?P<c>\d{1,4})\)|\^(?P<d>\d{1,4})|"
    r"(?P<e>[¹²³⁴⁵⁶⁷⁸⁹⁰]+))\s*"
)

_SUPERSCRIPTS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")


@dataclasses.dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink over ``text[start:end]`` of its block."""

    start: int
    end: int
    href: str


@dataclasses.dataclass(slots=True)
class Block:
    """A paragraph, list item, caption or note, with the section it sits in."""

    text: str
    role: str = "body"
    """``body`` | ``note`` | ``caption``."""
    heading: str = ""
    number: int = 0
    """Paragraph number within its section (1-based), or the note's position."""
    label: str = ""
    """The note's label (``1`` for ``[1]``), when it has one."""
    links: list[Link] = dataclasses.field(default_factory=list)
    page: int = 0
    """The page it is printed on (PDF), else 0."""

    @property
    def location(self) -> str:
        """``<heading> ¶<n>`` for paragraphs, ``<heading> [<label>]`` for notes; ``, p. <n>``
        follows when the page is known."""
        where = f"[{self.label}]" if self.role == "note" and self.label else f"¶{self.number}"
        where = f"{self.heading} {where}" if self.heading else where
        return f"{where}, p. {self.page}" if self.page else where


@dataclasses.dataclass(slots=True)
class Document:
    """A report read into blocks, with the publication date its own metadata gives."""

    blocks: list[Block]
    published: dt.date | None = None
    published_from: str = ""
    """Where ``published`` came from (``meta article:published_time``, ``dateline``…)."""


def note_label(text: str) -> tuple[str, str]:
    """``(label, rest)`` when ``text`` starts with a note label, else ``("", text)``."""
    match = NOTE_LABEL_RE.match(text)
    if match is None:
        return "", text
    label = next(g for g in match.groups() if g is not None).translate(_SUPERSCRIPTS)
    return label, text[match.end() :]


def split_label(text: str, links: list[Link]) -> tuple[str, str, list[Link]]:
    """``(label, rest, links)``: a note's written label cut off, its links moved to match."""
    label, rest = note_label(text)
    if not label:
        return "", text, links
    cut = len(text) - len(rest)
    moved = [Link(max(0, k.start - cut), k.end - cut, k.href) for k in links if k.end > cut]
    return label, rest, moved


def squash(text: str) -> str:
    """``text`` with every run of whitespace made one space, and trimmed."""
    return " ".join(text.split())


class BlockBuilder:
    """Numbers blocks per section and switches to notes after a notes heading."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.heading = ""
        self.in_notes = False
        self._count = 0

    def heading_line(self, text: str) -> None:
        """A new section starts; a notes heading makes what follows notes."""
        text = squash(text)
        self.heading = text.rstrip(":")
        self._count = 0
        self.in_notes = bool(NOTES_HEADING_RE.match(text))

    def add(
        self,
        text: str,
        links: list[Link] | None = None,
        *,
        role: str | None = None,
        label: str = "",
        page: int = 0,
    ) -> None:
        """Add a block (already whitespace-normalised, links in its coordinates)."""
        if not text.strip():
            return
        if role is None:
            role = "note" if self.in_notes or label else "body"
        self._count += 1
        self.blocks.append(
            Block(
                text=text,
                role=role,
                heading=self.heading,
                number=self._count,
                label=label,
                links=links or [],
                page=page,
            )
        )
