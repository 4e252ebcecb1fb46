"""Word reports (``.docx``): WordprocessingML read straight from the package.

The body, its tables, footnotes and endnotes become blocks; hyperlinks are kept on the
words they cover in every form Word writes them: a relationship-based ``w:hyperlink``,
a simple ``HYPERLINK`` field (``w:fldSimple``) and a complex one (``w:fldChar``
begin / ``w:instrText`` / separate / end). Tracked insertions count and deletions do
not; comments are not the report. Why no DOCX library: see ``docs/design.md``.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree as ET

from linkwatch.errors import ReportError
from linkwatch.extract.document import (
    NOTES_HEADING_RE,
    BlockBuilder,
    Document,
    Link,
    split_label,
)
from linkwatch.extract.text import dateline

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)


#: A part larger than this (uncompressed) is refused: no report needs it, a zip bomb does.
MAX_PART_BYTES = 256 * 1024 * 1024

_HYPERLINK_FIELD = re.compile(r'^\s*HYPERLINK\s+(?:\\[a-z]\s+"[^"]*"\s+)*"?(?P<url>[^"\s]+)"?')
_ANCHOR_ONLY = re.compile(r"^\s*HYPERLINK\s+\\l\b")
_HEADING_STYLE = re.compile(r"^(?:heading\s*\d|title|subtitle)$", re.IGNORECASE)
# Elements whose text is not the report's: deletions, moved-away text, field codes,
# comments, drawings (whose text boxes repeat or decorate), and the note-number marks.
_SKIP = frozenset(
    _W + name
    for name in (
        "del",
        "moveFrom",
        "delText",
        "instrText",
        "delInstrText",
        "commentReference",
        "annotationRef",
        "drawing",
        "pict",
        "object",
        "footnoteRef",
        "endnoteRef",
        "rPr",
        "pPr",
        "sectPr",
        "tblPr",
        "trPr",
        "tcPr",
    )
)


# Elements that hold paragraphs: tables row by row, content controls, tracked insertions.
_CONTAINERS = frozenset(
    _W + name for name in ("tbl", "tr", "tc", "sdt", "sdtContent", "customXml", "ins", "moveTo")
)


@dataclasses.dataclass(slots=True)
class _Field:
    """A complex field being read: its instruction, then its result."""

    instruction: str = ""
    result: bool = False
    start: int = 0
    href: str = ""


class _Paragraph:
    """The visible text of one paragraph, with hyperlinks in its coordinates."""

    def __init__(self, fields: list[_Field]) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.links: list[Link] = []
        self.fields = fields

    def add(self, text: str) -> None:
        if text and not any(not f.result for f in self.fields):
            self.parts.append(text)
            self.size += len(text)

    def link(self, start: int, href: str) -> None:
        if href and self.size > start:
            self.links.append(Link(start, self.size, href))


class _Reader:
    """One package: relationships, styles and numbering read once, then the parts."""

    def __init__(self, package: zipfile.ZipFile, name: str) -> None:
        self.package = package
        self.name = name
        self.main = self._main_part()
        self.rels = self.relationships(self.main)
        self.heading_styles = self._heading_styles()
        self.formats, self.counters = self._numbering()
        self.fields: list[_Field] = []
        self.note_order: dict[tuple[str, str], int] = {}

    # -- package ------------------------------------------------------------------------

    def xml(self, part: str) -> ET.Element | None:
        """The parsed part, or None when the package lacks it."""
        try:
            info = self.package.getinfo(part)
        except KeyError:
            return None
        if info.file_size > MAX_PART_BYTES:
            raise ReportError(f"{self.name}: {part} is too large ({info.file_size} bytes)")
        try:
            data = self.package.read(info)
            if b"purl.oclc.org/ooxml" in data:
                data = _transitional(data)
            return ET.fromstring(data)
        except (ET.ParseError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ReportError(f"{self.name}: damaged Word file ({part}: {exc})") from exc

    def _main_part(self) -> str:
        rels = self.xml("_rels/.rels")
        if rels is not None:
            for rel in rels.iter(_PR + "Relationship"):
                if rel.get("Type") == _OFFICE_DOCUMENT:
                    return rel.get("Target", "word/document.xml").lstrip("/")
        return "word/document.xml"

    def relationships(self, part: str) -> dict[str, str]:
        folder, _, base = part.rpartition("/")
        rels = self.xml(f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels")
        out: dict[str, str] = {}
        for rel in rels.iter(_PR + "Relationship") if rels is not None else ():
            if rel.get("TargetMode") == "External" and rel.get("Id"):
                out[rel.get("Id", "")] = rel.get("Target", "")
        return out

    def part(self, name: str) -> str:
        folder = self.main.rpartition("/")[0]
        return f"{folder}/{name}" if folder else name

    def _heading_styles(self) -> set[str]:
        styles = self.xml(self.part("styles.xml"))
        out: set[str] = set()
        for style in styles.iter(_W + "style") if styles is not None else ():
            name = style.find(_W + "name")
            level = style.find(f"{_W}pPr/{_W}outlineLvl")
            named = name is not None and _HEADING_STYLE.match(name.get(_W + "val", ""))
            if named or (level is not None and level.get(_W + "val", "9") < "9"):
                out.add(style.get(_W + "styleId", ""))
        return out

    def _numbering(self) -> tuple[dict[tuple[str, str], tuple[str, int]], dict[str, int]]:
        """Per list and level: its number format and first number."""
        numbering = self.xml(self.part("numbering.xml"))
        if numbering is None:
            return {}, {}
        abstract: dict[str, dict[str, tuple[str, int]]] = {}
        for node in numbering.iter(_W + "abstractNum"):
            levels: dict[str, tuple[str, int]] = {}
            for lvl in node.iter(_W + "lvl"):
                fmt = lvl.find(_W + "numFmt")
                start = lvl.find(_W + "start")
                levels[lvl.get(_W + "ilvl", "0")] = (
                    fmt.get(_W + "val", "") if fmt is not None else "",
                    int(start.get(_W + "val", "1")) if start is not None else 1,
                )
            abstract[node.get(_W + "abstractNumId", "")] = levels
        out: dict[tuple[str, str], tuple[str, int]] = {}
        for num in numbering.iter(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            levels = abstract.get(ref.get(_W + "val", "") if ref is not None else "", {})
            for ilvl, value in levels.items():
                out[(num.get(_W + "numId", ""), ilvl)] = value
        return out, {}

    # -- text ---------------------------------------------------------------------------

    def paragraph(self, p: ET.Element) -> _Paragraph:
        """The visible text of ``p`` and its links."""
        para = _Paragraph(self.fields)
        self._walk(p, para)
        return para

    def _walk(self, node: ET.Element, para: _Paragraph) -> None:
        for child in node:
            tag = child.tag
            if tag in _SKIP:
                if tag == _W + "instrText" and self.fields and not self.fields[-1].result:
                    self.fields[-1].instruction += child.text or ""
                continue
            if tag == _W + "t":
                para.add(child.text or "")
            elif tag in (_W + "tab", _W + "br", _W + "cr"):
                para.add(" ")
            elif tag == _W + "noBreakHyphen":
                para.add("-")
            elif tag == _W + "fldChar":
                self._field_char(child, para)
            elif tag == _W + "hyperlink":
                start = para.size
                self._walk(child, para)
                target = self.rels.get(child.get(_R + "id", ""), "")
                anchor = child.get(_W + "anchor", "")
                if target:
                    para.link(start, f"{target}#{anchor}" if anchor else target)
            elif tag == _W + "fldSimple":
                start = para.size
                self._walk(child, para)
                para.link(start, _field_href(child.get(_W + "instr", "")))
            elif tag in (_W + "footnoteReference", _W + "endnoteReference"):
                kind = "footnote" if tag == _W + "footnoteReference" else "endnote"
                key = (kind, child.get(_W + "id", ""))
                if key not in self.note_order:
                    self.note_order[key] = 1 + sum(1 for k in self.note_order if k[0] == kind)
            elif tag == _MC + "AlternateContent":
                # Choice and Fallback say the same thing twice: read the first only.
                for choice in child[:1]:
                    self._walk(choice, para)
            elif tag == _W + "p":
                continue  # a paragraph inside a run (a text box): not the flow of the report
            else:
                self._walk(child, para)

    def _field_char(self, node: ET.Element, para: _Paragraph) -> None:
        kind = node.get(_W + "fldCharType", "")
        if kind == "begin":
            self.fields.append(_Field())
        elif kind == "separate" and self.fields:
            field = self.fields[-1]
            field.result = True
            field.href = _field_href(field.instruction)
            field.start = para.size
            field.instruction = ""
        elif kind == "end" and self.fields:
            field = self.fields.pop()
            if field.result and field.href and field.start <= para.size:
                para.link(field.start, field.href)

    # -- blocks -------------------------------------------------------------------------

    def paragraphs(
        self, container: ET.Element, in_table: bool = False
    ) -> Iterator[tuple[ET.Element, bool]]:
        """The paragraphs of a body, cell or note in reading order, tables row by row, each
        with whether it sits in a table."""
        for child in container:
            if child.tag == _W + "p":
                yield child, in_table
            elif child.tag in _CONTAINERS:
                yield from self.paragraphs(child, in_table or child.tag == _W + "tbl")

    def is_heading(self, p: ET.Element, text: str) -> bool:
        """A heading by its style or outline level, or a notes title on its own line."""
        style = p.find(f"{_W}pPr/{_W}pStyle")
        level = p.find(f"{_W}pPr/{_W}outlineLvl")
        if style is not None and style.get(_W + "val", "") in self.heading_styles:
            return True
        if level is not None and level.get(_W + "val", "9") < "9":
            return True
        return bool(NOTES_HEADING_RE.match(text))

    def list_number(self, p: ET.Element) -> str:
        """The number Word shows before a numbered list item, or empty."""
        num = p.find(f"{_W}pPr/{_W}numPr")
        if num is None:
            return ""
        num_id = num.find(_W + "numId")
        ilvl = num.find(_W + "ilvl")
        key = (
            num_id.get(_W + "val", "") if num_id is not None else "",
            ilvl.get(_W + "val", "0") if ilvl is not None else "0",
        )
        fmt, start = self.formats.get(key, ("", 1))
        count = self.counters.get("\x1f".join(key), start - 1) + 1
        self.counters["\x1f".join(key)] = count
        return str(count) if fmt in ("decimal", "decimalZero") else ""


# Strict Open XML names the same elements in other namespaces; read as Transitional.
_STRICT = (
    (
        b"http://purl.oclc.org/ooxml/wordprocessingml/main",
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
)


def _transitional(data: bytes) -> bytes:
    for strict, transitional in _STRICT:
        data = data.replace(strict, transitional)
    return data


def _field_href(instruction: str) -> str:
    """The URL of a ``HYPERLINK`` field instruction; empty for other fields and anchors."""
    if _ANCHOR_ONLY.match(instruction):
        return ""
    match = _HYPERLINK_FIELD.match(instruction)
    return match.group("url") if match else ""


def _squashed(para: _Paragraph) -> tuple[str, list[Link]]:
    """The paragraph's text with whitespace runs made single spaces, links moved to match."""
    raw = "".join(para.parts)
    out: list[str] = []
    mapping: list[int] = []
    pending = False
    for ch in raw:
        if ch.isspace():
            pending = bool(out)
            mapping.append(len(out) + (1 if pending else 0))
            continue
        if pending:
            out.append(" ")
            pending = False
        mapping.append(len(out))
        out.append(ch)
    mapping.append(len(out))
    text = "".join(out)
    links = []
    for link in para.links:
        start, end = mapping[link.start], min(mapping[link.end], len(text))
        while end > start and text[end - 1] == " ":
            end -= 1
        if end > start:
            links.append(Link(start, end, link.href))
    return text, links


def read_docx(raw: bytes, name: str) -> Document:
    """The blocks of a Word report; raises :class:`ReportError` naming ``name`` when the
    file is encrypted, a legacy ``.doc``, or damaged."""
    if raw.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file
        raise ReportError(
            f"{name}: an encrypted Word file or an old .doc: remove the password or save as .docx"
        )
    try:
        package = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ReportError(f"{name}: damaged Word file ({exc})") from exc
    with package:
        reader = _Reader(package, name)
        document = reader.xml(reader.main)
        if document is None:
            raise ReportError(f"{name}: not a Word document (no {reader.main})")
        body = document.find(_W + "body")
        builder = BlockBuilder()
        for p, in_table in reader.paragraphs(body if body is not None else document):
            text, links = _squashed(reader.paragraph(p))
            number = reader.list_number(p)
            if not text:
                continue
            if not in_table and reader.is_heading(p, text) and not links and len(text) <= 200:
                builder.heading_line(text)
                continue
            if builder.in_notes:
                label, text, links = split_label(text, links)
                builder.add(text, links, role="note", label=label or number)
            else:
                builder.add(text, links)
        body_text = "\n\n".join(b.text for b in builder.blocks[:40])
        for kind, part in (("footnote", "footnotes.xml"), ("endnote", "endnotes.xml")):
            _notes(reader, builder, kind, part)
    published = dateline(body_text)
    return Document(builder.blocks, published, "dateline" if published else "")


def _notes(reader: _Reader, builder: BlockBuilder, kind: str, part: str) -> None:
    """Footnotes or endnotes as note blocks, numbered as the body refers to them."""
    root = reader.xml(reader.part(part))
    if root is None:
        return
    saved = reader.rels
    reader.rels = reader.relationships(reader.part(part))
    builder.heading_line("Footnotes" if kind == "footnote" else "Endnotes")
    entries: list[tuple[int, str, list[Link]]] = []
    for note in root.iter(_W + kind):
        if note.get(_W + "type", "normal") not in ("normal", ""):
            continue  # separators and continuation marks
        note_id = note.get(_W + "id", "")
        texts: list[str] = []
        links: list[Link] = []
        size = 0
        for p, _ in reader.paragraphs(note):
            text, plinks = _squashed(reader.paragraph(p))
            if not text:
                continue
            offset = size + (1 if texts else 0)
            links.extend(Link(k.start + offset, k.end + offset, k.href) for k in plinks)
            texts.append(text)
            size = offset + len(text)
        if texts:
            # A note the body never refers to keeps its place after the referenced ones.
            order = reader.note_order.get((kind, note_id), 0) or 10_000 + len(entries)
            entries.append((order, " ".join(texts), links))
    entries.sort(key=lambda e: e[0])
    for order, text, links in entries:
        builder.add(text, links, role="note", label=str(order) if order < 10_000 else "")
    reader.rels = saved
