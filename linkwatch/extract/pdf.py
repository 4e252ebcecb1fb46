"""PDF reports: the text layer in reading order, with link annotations kept on their words.

pdfminer.six's layout analysis groups characters into lines and text boxes and orders the
boxes column by column. On top of it this module drops running headers, footers and page
numbers (lines near the top or bottom edge that recur on many pages), reads small-print
boxes at the foot of a page as footnotes, takes large short lines as headings, and joins
lines into paragraphs: a word hyphenated at a line end is rejoined, and so is a URL broken
over two lines (exactly, where a link annotation covers both parts). Why pdfminer.six: see
``docs/design.md``.
"""

from __future__ import annotations

import collections
import dataclasses
import io
import re
from collections.abc import Iterable, Iterator

from linkwatch.errors import ReportError
from linkwatch.extract.document import (
    NOTES_HEADING_RE,
    Block,
    BlockBuilder,
    Document,
    Link,
    note_label,
    split_label,
)
from linkwatch.extract.text import dateline
from linkwatch.extract.urls import URL_RE

_PAGE_NUMBER = re.compile(
    r"^\W*(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\W*$|^\W*[ivxlc]{1,6}\W*$", re.IGNORECASE
)
_NOTE_START = re.compile(
    r"^\s*(?:\[\d{1,4}\]|\d{1,4}[.)]?(?:\s|$)|\d{1,3}(?=[A-Z“\"‘])|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)"
)
_LIST_LABEL = re.compile(r"^\s*(?:\[\d{1,4}\]|\d{1,4}[.)])(?:\s|$)")
# A footnote's number set apart from its text, or raised against it ("1Reuters").
_BARE_NUMBER = re.compile(r"^\s*(\d{1,4})(?:\s+|(?=[A-Z“\"‘]))")
_LABEL_ONLY = re.compile(r"^\s*(?:\[\d{1,4}\]|\(?\d{1,4}[.)]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*$")
_SENTENCE_END = re.compile(r"[.!?:;\"”’)\]]\s*$")
# The characters a URL may be broken after without a hyphen being added.
_URL_BREAK = "/-_.?=&#%~+:"
# Typographic ligatures back to letters; the arrow a web page's footnote links back with.
_LIGATURES = str.maketrans(
    {
        "ﬀ": "ff",
        "ﬁ": "fi",
        "ﬂ": "fl",
        "ﬃ": "ffi",
        "ﬄ": "ffl",
        "ﬅ": "st",
        "ﬆ": "st",
        "↩": None,
        "\ufe0e": None,
    }
)
#: How close to the top or bottom edge (a fraction of the page height) running heads sit.
EDGE = 0.09


@dataclasses.dataclass(slots=True)
class _Line:
    """One line of a page: its text, box, character size and the link under each character."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    hrefs: list[str]
    bold: bool = False


@dataclasses.dataclass(slots=True)
class _Box:
    lines: list[_Line]

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)

    @property
    def size(self) -> float:
        return max((line.size for line in self.lines), default=0.0)


@dataclasses.dataclass(slots=True)
class _Page:
    number: int
    height: float
    boxes: list[_Box]


def _open(raw: bytes, name: str) -> Iterator[_Page]:
    """The pages of the PDF, each as text boxes in pdfminer's reading order."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTTextBox
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(raw)))
    except PDFPasswordIncorrect as exc:
        raise ReportError(f"{name}: encrypted PDF: it needs a password to open") from exc
    except Exception as exc:  # pdfminer raises many kinds for a damaged file
        raise ReportError(f"{name}: damaged PDF ({type(exc).__name__}: {exc})") from exc
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=LAParams(line_margin=0.5, boxes_flow=None))
    interpreter = PDFPageInterpreter(resources, device)
    try:
        for number, page in enumerate(PDFPage.create_pages(document), start=1):
            interpreter.process_page(page)
            layout = device.get_result()
            links = _link_rects(page.annots)
            boxes = [
                _Box([_line(line, links) for line in box if hasattr(line, "__iter__")])
                for box in layout
                if isinstance(box, LTTextBox)
            ]
            boxes = [box for box in boxes if box.text.strip()]
            yield _Page(number, float(layout.height), _reading_order(boxes, float(layout.width)))
    except ReportError:
        raise
    except Exception as exc:
        raise ReportError(f"{name}: damaged PDF ({type(exc).__name__}: {exc})") from exc


def _reading_order(boxes: list[_Box], width: float) -> list[_Box]:
    """Boxes top to bottom; where a page has two columns, the left column before the right
    between the full-width boxes (titles, wide tables) that cut across both."""
    mid = width / 2
    boxes = sorted(boxes, key=lambda b: (-b.lines[0].y1, b.lines[0].x0))
    left = [b for b in boxes if max(line.x1 for line in b.lines) <= mid + 4]
    right = [b for b in boxes if min(line.x0 for line in b.lines) >= mid - 4]
    # Only text set wide within each half makes columns; table cells and short lines do not.
    wide = width * 0.25
    if not any(_width(b) >= wide for b in left) or not any(_width(b) >= wide for b in right):
        return boxes
    sides = {id(b): 0 for b in left} | {id(b): 1 for b in right}
    out: list[_Box] = []
    band: list[_Box] = []
    for box in boxes:
        if id(box) in sides:
            band.append(box)
            continue
        out.extend(sorted(band, key=lambda b: sides[id(b)]))  # stable: top-down per side
        band = []
        out.append(box)
    out.extend(sorted(band, key=lambda b: sides[id(b)]))
    return out


def _width(box: _Box) -> float:
    return max(line.x1 for line in box.lines) - min(line.x0 for line in box.lines)


def _link_rects(annots: object) -> list[tuple[float, float, float, float, str]]:
    """``(x0, y0, x1, y1, uri)`` for every link annotation with a URI action on a page."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import PSLiteral

    out: list[tuple[float, float, float, float, str]] = []
    annots = resolve1(annots)
    if not isinstance(annots, list):
        return out
    for ref in annots:
        annot = resolve1(ref)
        if not isinstance(annot, dict):
            continue
        subtype = resolve1(annot.get("Subtype"))
        if not isinstance(subtype, PSLiteral) or subtype.name != "Link":
            continue
        action = resolve1(annot.get("A"))
        if not isinstance(action, dict):
            continue
        uri = resolve1(action.get("URI"))
        rect = resolve1(annot.get("Rect"))
        if not isinstance(uri, bytes | str) or not isinstance(rect, list) or len(rect) != 4:
            continue
        href = uri.decode("utf-8", "replace") if isinstance(uri, bytes) else uri
        x0, y0, x1, y1 = (float(resolve1(v)) for v in rect)
        out.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1), href.strip()))
    return out


def _line(line: Iterable[object], links: list[tuple[float, float, float, float, str]]) -> _Line:
    from pdfminer.layout import LTChar

    parts: list[str] = []
    hrefs: list[str] = []
    sizes: list[float] = []
    char_sizes: list[float] = []
    bold = 0
    for item in line:
        text = item.get_text() if hasattr(item, "get_text") else ""
        href = ""
        size = 0.0
        if isinstance(item, LTChar):
            size = item.size
            sizes.append(size)
            bold += "bold" in item.fontname.lower()
            cx, cy = (item.x0 + item.x1) / 2, (item.y0 + item.y1) / 2
            for x0, y0, x1, y1, uri in links:
                if x0 <= cx <= x1 and y0 <= cy <= y1:
                    href = uri
                    break
        text = text.replace("\n", "").translate(_LIGATURES)
        if text.startswith("(cid:"):
            text = ""  # a glyph the font maps to no character (an embedded CJK subset)
        for ch in text:
            parts.append(ch)
            hrefs.append(href)
            char_sizes.append(size)
    sizes.sort()
    median = sizes[len(sizes) // 2] if sizes else 0.0
    # Note marks set small beside a word ("downstream.¹") are not words of the sentence.
    keep = [
        i
        for i, ch in enumerate(parts)
        if not (ch.isdigit() and 0 < char_sizes[i] < median * 0.9 and i > 0)
    ]
    if len(keep) < len(parts):
        parts = [parts[i] for i in keep]
        hrefs = [hrefs[i] for i in keep]
    # Trailing spaces carry no link and no text.
    while parts and parts[-1].isspace():
        parts.pop()
        hrefs.pop()
    box = getattr(line, "bbox", (0.0, 0.0, 0.0, 0.0))
    return _Line(
        "".join(parts),
        float(box[0]),
        float(box[1]),
        float(box[2]),
        float(box[3]),
        median,
        hrefs,
        bold * 2 > len(sizes),
    )


def _running_heads(pages: list[_Page]) -> set[str]:
    """Lines near a page edge that recur on at least 40% of the pages (digits ignored)."""
    if len(pages) < 2:
        return set()
    counts: collections.Counter[str] = collections.Counter()
    for page in pages:
        seen = {
            _head_key(line.text) for box in page.boxes for line in box.lines if _at_edge(line, page)
        }
        counts.update(seen)
    needed = max(2, -(-len(pages) * 2 // 5))
    return {key for key, n in counts.items() if n >= needed and key}


def _head_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _at_edge(line: _Line, page: _Page) -> bool:
    return line.y0 >= page.height * (1 - EDGE) or line.y1 <= page.height * EDGE


def _body_size(pages: list[_Page]) -> float:
    """The character size most of the text is set in."""
    weights: collections.Counter[float] = collections.Counter()
    for page in pages:
        for box in page.boxes:
            for line in box.lines:
                weights[round(line.size, 1)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


@dataclasses.dataclass(slots=True)
class _Text:
    """Text being joined from lines, with the link of each character."""

    chars: list[str] = dataclasses.field(default_factory=list)
    hrefs: list[str] = dataclasses.field(default_factory=list)
    page: int = 0
    last: _Line | None = None
    last_page: int = 0
    right: float = 0.0
    page_now: int = 0
    """The page of the line being added (``page`` is where the text began)."""

    def add_line(self, line: _Line, right: float = 0.0) -> None:
        """Append ``line``; ``right`` is where the lines of its box end at most."""
        self.right = right
        if not line.text:
            return
        if self.chars:
            self._join(line)
        self.chars.extend(line.text)
        self.hrefs.extend(line.hrefs)
        self.last = line
        self.last_page = self.page_now

    def broken_by(self, line: _Line, page: int) -> bool:
        """Whether ``line`` starts a new page or column (it sits higher than the last line):
        where a paragraph that did not end a sentence goes on."""
        last = self.last
        return last is not None and (page != self.last_page or line.y1 > last.y1 + 1)

    def runs_on_to(self, line: _Line) -> bool:
        """Whether ``line`` sits just below the last line, at the same indent: the same
        paragraph, even where the layout analysis started a new box."""
        last = self.last
        if last is None:
            return False
        height = max(last.y1 - last.y0, 1.0)
        return abs(line.x0 - last.x0) <= 2 and 0 <= last.y0 - line.y1 <= height * 0.6

    def _join(self, line: _Line) -> None:
        last_href = self.hrefs[-1]
        tail = "".join(self.chars[-200:])
        word = tail.rsplit(" ", 1)[-1]
        first = line.text.split(" ", 1)[0]
        if last_href and line.hrefs and line.hrefs[0] == last_href:
            # One link annotation over both lines. When its words are its URL, the URL was
            # broken inside it: the two parts join exactly as the annotation's URI has them.
            joined = (word + first).rstrip(".,;:)")
            if len(joined) > 8 and joined in last_href:
                return
            if word.endswith("-") and len(joined) > 8 and (word[:-1] + first) in last_href:
                self.chars.pop()
                self.hrefs.pop()
                return
        if URL_RE.fullmatch(word) and word[-1] in _URL_BREAK and _url_like(first):
            return  # a URL broken after one of its own characters
        last = self.last
        if (
            last is not None
            and self.right
            and last.x1 >= self.right - last.size
            and URL_RE.fullmatch(word)
            and _url_like(first)
            and not _SENTENCE_END.search(word)
        ):
            # A URL that fills its line to the margin and goes on in a URL-like word was
            # broken inside a word (browsers do so in narrow columns).
            return
        if word.endswith("-") and word[-2:-1].isdigit() and first[:1].isdigit():
            return  # "2017-01-" + "20": a date or a number range broken at its hyphen
        if len(word) > 2 and word.endswith("-") and word[-2].isalpha() and not URL_RE.match(word):
            if first[:1].islower():
                self.chars.pop()  # a word hyphenated at the line end
                self.hrefs.pop()
            if first[:1].isalpha():
                return  # "Post-" + "Communist": a compound broken at its own hyphen
        self.chars.append(" ")
        self.hrefs.append("")

    def result(self) -> tuple[str, list[Link]]:
        """The joined text and its links (runs of characters under one annotation)."""
        text = "".join(self.chars)
        links: list[Link] = []
        start = 0
        for i in range(1, len(self.hrefs) + 1):
            if i == len(self.hrefs) or self.hrefs[i] != self.hrefs[start]:
                href = self.hrefs[start]
                if href:
                    end = i
                    while end > start and text[end - 1] == " ":
                        end -= 1
                    if end > start:
                        links.append(Link(start, end, href))
                start = i
        return text, links


def _url_like(word: str) -> bool:
    """A line start that continues a URL: no capital-led word, holds URL punctuation."""
    return bool(word) and not word[0].isupper() and any(c in word for c in "/.-_=?&#%")


def read_pdf(raw: bytes, name: str) -> Document:
    """The blocks of a PDF report; raises :class:`ReportError` naming ``name`` when the PDF
    is encrypted, damaged, or has no text layer (a scan)."""
    pages = list(_open(raw, name))
    if not any(page.boxes for page in pages):
        raise ReportError(f"{name}: no text layer: run OCR first")
    heads = _running_heads(pages)
    body = _body_size(pages)
    builder = BlockBuilder()
    pending = _Text()
    for page in pages:
        notes: list[_Box] = []
        boxes = []
        for box in page.boxes:
            lines = [
                line
                for line in box.lines
                if not (
                    _at_edge(line, page)
                    and (_head_key(line.text) in heads or _PAGE_NUMBER.match(line.text))
                )
            ]
            if lines:
                boxes.append(_Box(lines))
        lowest_body = min(
            (b.lines[-1].y0 for b in boxes if b.size >= body * 0.95), default=page.height
        )
        for i, box in enumerate(boxes):
            if (
                body
                and box.size < body * 0.92
                and box.lines[0].y1 <= lowest_body + 1
                and _NOTE_START.match(box.lines[0].text)
            ):
                notes.append(box)
                continue
            text = box.text.strip()
            if _is_heading(box, text, body, boxes, boxes[i + 1 : i + 2]):
                _flush(builder, pending)
                pending = _Text()
                builder.heading_line(text)
                continue
            written = "".join(pending.chars)
            if builder.in_notes:
                continues = not _starts_note(text, written)
            else:
                continues = not _SENTENCE_END.search(written[-3:]) and (
                    text[:1].islower()
                    or pending.runs_on_to(box.lines[0])
                    or pending.broken_by(box.lines[0], page.number)
                )
            # A label alone ("1." set apart from its note) belongs to the text after it.
            if written and not continues and not _LABEL_ONLY.match(written):
                _flush(builder, pending)
                pending = _Text()
            if not pending.chars:
                pending.page = page.number
            pending.page_now = page.number
            right = max(line.x1 for line in box.lines)
            for i, line in enumerate(box.lines):
                # Layout analysis may set a numbered list in one box: each label starts a note.
                if i and builder.in_notes and _LIST_LABEL.match(line.text):
                    written = "".join(pending.chars)
                    if not _LABEL_ONLY.match(written) and _starts_note(line.text, written):
                        _flush(builder, pending)
                        pending = _Text(page=page.number)
                pending.add_line(line, right)
        _footnotes(builder, notes, page.number)
    _flush(builder, pending)
    top = "\n\n".join(b.text for b in builder.blocks[:40])
    published = dateline(top)
    return Document(builder.blocks, published, "dateline" if published else "")


def _starts_note(text: str, previous: str) -> bool:
    """Whether a box of a notes section starts a new note: it opens with a label that
    follows the previous note's number, or restarts at 1 (so ``30 September 2020.`` or
    ``2020, https://…`` carried over to the next page goes on with its note)."""
    if not _NOTE_START.match(text):
        return False
    number = re.match(r"\s*\[?(\d{1,4})", text)
    label = note_label(previous)[0]
    if number is None or not label.isdigit():
        return True
    # A second list (footnotes after endnotes) starts again at 1.
    return int(number.group(1)) in (int(label) + 1, 1)


def _is_heading(box: _Box, text: str, body: float, boxes: list[_Box], after: list[_Box]) -> bool:
    """Large short text, or a notes title alone on its row (not a table's header cell) that is
    bold, or plain and followed by a labelled note or the page's end (a report converted from
    plain text sets "Notes" as an ordinary line, as the text reader accepts it)."""
    if len(text) > 200 or len(box.lines) > 3:
        return False
    if body and box.size >= body * 1.15:
        return True
    if not NOTES_HEADING_RE.match(text):
        return False
    if not all(line.bold for line in box.lines) and not (
        len(box.lines) == 1 and (not after or _LIST_LABEL.match(after[0].lines[0].text))
    ):
        return False
    top, bottom = box.lines[0].y1, box.lines[-1].y0
    return not any(
        other is not box and other.lines[0].y1 > bottom and other.lines[-1].y0 < top
        for other in boxes
    )


def _flush(builder: BlockBuilder, pending: _Text) -> None:
    if not pending.chars:
        return
    text, links = pending.result()
    if builder.in_notes:
        label, text, links = split_label(text, links)
        builder.add(text, links, role="note", label=label, page=pending.page)
    else:
        builder.add(text, links, page=pending.page)


def _footnotes(builder: BlockBuilder, boxes: list[_Box], page: int) -> None:
    """Footnotes at the foot of a page: a new note starts at each line with a label."""
    notes: list[_Text] = []
    for box in boxes:
        right = max(line.x1 for line in box.lines)
        for line in box.lines:
            if _NOTE_START.match(line.text) or not notes:
                notes.append(_Text(page=page))
            notes[-1].add_line(line, right)
    for note in notes:
        text, links = note.result()
        bare = _BARE_NUMBER.match(text)
        if bare is not None:
            # Written as a label split_label knows ("1. Reuters"); links move with the text.
            shift = len(bare.group(1)) + 2 - (bare.end() - bare.start(1))
            text = text[: bare.start(1)] + f"{bare.group(1)}. " + text[bare.end() :]
            links = [Link(k.start + shift, k.end + shift, k.href) for k in links]
        label, text, links = split_label(text, links)
        if text:
            builder.blocks.append(
                Block(text, role="note", heading="Footnotes", label=label, links=links, page=page)
            )
