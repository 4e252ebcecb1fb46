"""Markdown reports: inline links, reference-style links, autolinks and footnotes.

Link markup is turned into plain text with the link kept on the words it covers,
so ``([Xinhua, October 27, 2023](https://…))`` reads like its text-report twin
and carries its URL. Footnote definitions (``[^1]: …``) become notes; front
matter (``date:``/``published:``) gives the publication date.
"""

from __future__ import annotations

import datetime as dt
import re

from linkwatch.extract.dates import parse_iso_datetime
from linkwatch.extract.document import BlockBuilder, Document, Link, split_label
from linkwatch.extract.text import dateline
from linkwatch.extract.urls import clean_url

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_DATE = re.compile(
    r"^(?:date|published|publication[_ -]?date|pubdate|date[_ -]?published|created)\s*:\s*"
    r"[\"']?(?P<value>[^\"'\n]+)",
    re.IGNORECASE | re.MULTILINE,
)
_REF_DEF = re.compile(
    r"^[ ]{0,3}\[(?P<label>[^\]^][^\]]*)\]:\s*<?(?P<url>\S+?)>?"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*$",
    re.MULTILINE,
)
_FOOTNOTE_DEF = re.compile(r"^[ ]{0,3}\[\^(?P<label>[^\]]+)\]:[ \t]*(?P<text>.*)$")
_ATX = re.compile(r"^[ ]{0,3}(#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^[ ]{0,3}(?:=+|-+)\s*$")
_FENCE = re.compile(r"^[ ]{0,3}(```|~~~)")
_LIST_ITEM = re.compile(r"^[ ]{0,3}(?:[-*+]|\d{1,4}[.)])\s+")
_NUMBERED = re.compile(r"^[ ]{0,3}(?P<n>\d{1,4})[.)]\s+")
_HR = re.compile(r"^[ ]{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^>]*)?/?>")

# One pass over a paragraph: the first alternative that matches at a position wins.
_INLINE = re.compile(
    r"(?P<code>`+)(?P<code_text>.*?)(?P=code)"
    r"|!\[(?P<img_alt>[^\]]*)\]\((?P<img_url>[^)\s]*)(?:\s+\"[^\"]*\")?\)"
    r"|\[\^(?P<fn>[^\]]+)\]"
    r"|\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?(?P<url>[^)\s>]*(?:\([^)\s]*\)[^)\s>]*)*)>?"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
    r"|\[(?P<rtext>(?:[^\[\]]|\[[^\[\]]*\])*)\]\[(?P<ref>[^\]]*)\]"
    r"|\[(?P<stext>[^\[\]]+)\](?![\[(:])"
    r"|<(?P<auto>https?://[^>\s]+)>"
    # A bare URL is text: underscores and asterisks in it are not emphasis.
    r"|(?P<bare>(?i:https?://|www\.)[^\s<>\"“”‘’«»\[\]{}|\\^`]+)"
    r"|(?P<emph>\*{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w))"
    r"|\\(?P<escaped>[\\`*_{}\[\]()#+\-.!|])",
    re.DOTALL,
)


class _Paragraph:
    """Plain text built from Markdown inline markup, with link spans."""

    def __init__(self, refs: dict[str, str]) -> None:
        self.refs = refs
        self.parts: list[str] = []
        self.links: list[Link] = []
        self.length = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def linked(self, text: str, url: str) -> None:
        start = self.length
        self.render(text)
        if url and self.length > start:
            self.links.append(Link(start, self.length, url))

    def render(self, source: str) -> None:
        pos = 0
        while (match := _INLINE.search(source, pos)) is not None:
            self.add(source[pos : match.start()])
            pos = match.end()
            group = match.lastgroup
            if match.group("code") is not None:
                self.add(match.group("code_text"))
            elif match.group("img_url") is not None:
                continue
            elif match.group("fn") is not None:
                continue  # a footnote marker; the note itself is read from its definition
            elif match.group("url") is not None:
                self.linked(match.group("text"), match.group("url"))
            elif match.group("rtext") is not None:
                label = (match.group("ref") or match.group("rtext")).strip().lower()
                url = self.refs.get(" ".join(label.split()), "")
                if url:
                    self.linked(match.group("rtext"), url)
                else:
                    self.add(match.group(0))
            elif match.group("stext") is not None:
                url = self.refs.get(" ".join(match.group("stext").lower().split()), "")
                if url:
                    self.linked(match.group("stext"), url)
                else:
                    self.add(match.group(0))
            elif match.group("bare") is not None:
                # What follows the URL proper (a closing "_", ")" or "**") is read as markup.
                url = clean_url(match.group("bare"))
                self.add(url)
                pos = match.start() + len(url)
            elif match.group("auto") is not None:
                self.linked(match.group("auto"), match.group("auto"))
            elif group == "emph":
                continue
            elif match.group("escaped") is not None:
                self.add(match.group("escaped"))
        self.add(source[pos:])

    def result(self) -> tuple[str, list[Link]]:
        raw = "".join(self.parts)
        # Squash whitespace while moving link offsets with the text.
        out: list[str] = []
        mapping: list[int] = []
        space = True
        for ch in raw:
            if ch.isspace():
                if not space:
                    out.append(" ")
                    space = True
            else:
                out.append(ch)
                space = False
            mapping.append(len(out))
        text = "".join(out)
        trimmed = text.rstrip()
        links = [
            Link(
                _position(mapping, link.start),
                min(len(trimmed), _position(mapping, link.end)),
                link.href,
            )
            for link in self.links
        ]
        return trimmed, [link for link in links if link.end > link.start]


def _position(mapping: list[int], index: int) -> int:
    """Where raw offset ``index`` lands once whitespace is squashed."""
    if index <= 0 or not mapping:
        return 0
    return mapping[min(index, len(mapping)) - 1]


def _inline(text: str, refs: dict[str, str]) -> tuple[str, list[Link]]:
    paragraph = _Paragraph(refs)
    paragraph.render(_HTML_TAG.sub("", text))
    return paragraph.result()


def read_markdown(text: str) -> Document:
    """The blocks of a Markdown report, footnotes and a notes section as notes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    published: dt.date | None = None
    published_from = ""
    front = _FRONT_MATTER.match(text)
    if front is not None:
        date_match = _FRONT_DATE.search(front.group("body"))
        if date_match is not None:
            published = parse_iso_datetime(date_match.group("value"))
            published_from = "front matter" if published else ""
        text = text[front.end() :]
    refs: dict[str, str] = {}
    for match in _REF_DEF.finditer(text):
        refs.setdefault(" ".join(match.group("label").lower().split()), match.group("url"))
    text = _REF_DEF.sub("", text)

    builder = BlockBuilder()
    footnotes: list[tuple[str, list[str]]] = []
    paragraph: list[str] = []
    list_label = ""
    in_fence = False
    current_note: list[str] | None = None

    def flush() -> None:
        nonlocal list_label
        if not paragraph:
            return
        body, links = _inline(" ".join(line.strip() for line in paragraph), refs)
        paragraph.clear()
        if builder.in_notes:
            label, body, links = split_label(body, links)
            builder.add(body, links, role="note", label=label or list_label)
        else:
            builder.add(body, links)
        list_label = ""

    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            flush()
            continue
        if in_fence:
            continue
        footnote = _FOOTNOTE_DEF.match(line)
        if footnote is not None:
            flush()
            current_note = [footnote.group("text")]
            footnotes.append((footnote.group("label"), current_note))
            continue
        if current_note is not None:
            # Indented lines continue a footnote, and so does a lazy line right after it.
            lazy = bool(line.strip()) and not _ATX.match(line) and i > 0 and lines[i - 1].strip()
            if line.startswith(("    ", "\t")) or lazy:
                current_note.append(line.strip())
                continue
            if not line.strip():
                continue
            current_note = None
        heading = _ATX.match(line)
        if heading is not None:
            flush()
            builder.heading_line(_inline(heading.group("text"), refs)[0])
            continue
        if _SETEXT.match(line) and len(paragraph) == 1 and not _LIST_ITEM.match(paragraph[0]):
            title = paragraph.pop()
            builder.heading_line(_inline(title, refs)[0])
            continue
        if _HR.match(line) or not line.strip():
            flush()
            continue
        item = _LIST_ITEM.match(line)
        if item is not None:
            flush()
            numbered = _NUMBERED.match(line)
            list_label = numbered.group("n") if numbered else ""
            paragraph.append(line[item.end() :])
            continue
        stripped = re.sub(r"^[ ]{0,3}>\s?", "", line)
        paragraph.append(stripped)
    flush()
    for label, parts in footnotes:
        body, links = _inline(" ".join(p for p in parts if p), refs)
        builder.heading = "Notes" if not builder.in_notes else builder.heading
        builder.add(body, links, role="note", label=label)
    document = Document(builder.blocks, published, published_from)
    if document.published is None:
        found = dateline(text)
        if found is not None:
            document.published, document.published_from = found, "dateline"
    return document
