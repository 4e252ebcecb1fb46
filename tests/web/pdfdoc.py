"""A small PDF writer for tests and benchmarks: Helvetica text placed exactly, and link
annotations, so each layout feature of a PDF report can be built on purpose."""

from __future__ import annotations

import dataclasses

WIDTH, HEIGHT = 595.0, 842.0


@dataclasses.dataclass(frozen=True)
class Text:
    """A line of text with its baseline at ``(x, y)``."""

    x: float
    y: float
    text: str
    size: float = 10.0
    bold: bool = False


@dataclasses.dataclass(frozen=True)
class Link:
    """A link annotation with a URI action over a rectangle."""

    x0: float
    y0: float
    x1: float
    y1: float
    uri: str


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(pages: list[list[Text | Link]]) -> bytes:
    """A PDF whose pages hold the given lines and links; empty pages hold no text at all."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    pages_id = add(b"")
    regular = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    bold = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )
    kids: list[int] = []
    for items in pages:
        stream = bytearray()
        annots: list[int] = []
        for item in items:
            if isinstance(item, Text):
                font = b"/F2" if item.bold else b"/F1"
                stream += b"BT %s %.1f Tf %.2f %.2f Td (%s) Tj ET\n" % (
                    font,
                    item.size,
                    item.x,
                    item.y,
                    _escape(item.text),
                )
            else:
                uri = _escape(item.uri)
                annots.append(
                    add(
                        b"<< /Type /Annot /Subtype /Link /Border [0 0 0]"
                        b" /Rect [%.2f %.2f %.2f %.2f]"
                        b" /A << /S /URI /URI (%s) >> >>"
                        % (item.x0, item.y0, item.x1, item.y1, uri)
                    )
                )
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), bytes(stream)))
        refs = b" ".join(b"%d 0 R" % a for a in annots)
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R"
                b" /Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Annots [%s] >>"
                % (pages_id, WIDTH, HEIGHT, content, regular, bold, refs)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    return bytes(out)


def paragraph(x: float, top: float, lines: list[str], size: float = 10.0) -> list[Text]:
    """Lines set one under another from ``top``, at 1.2 times the size apart."""
    return [Text(x, top - i * size * 1.2, line, size) for i, line in enumerate(lines)]
