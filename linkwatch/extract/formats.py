"""Reports that are files rather than text: Word and PDF, told apart by their content.

One small interface for every binary format: :func:`detect_binary` says which format the
bytes are, :func:`read_binary` reads them into a :class:`Document` with that format's module
(:mod:`linkwatch.extract.docx`, :mod:`linkwatch.extract.pdf`).
"""

from __future__ import annotations

import io
import zipfile

from linkwatch.errors import ReportError
from linkwatch.extract.document import Document, Format

_PDF_MAGIC = b"%PDF-"
_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect_binary(raw: bytes, filename: str = "") -> Format | None:
    """``Format.PDF`` or ``Format.DOCX`` when the bytes are one (whatever the file name says),
    else None: the report is text, HTML or Markdown."""
    # A PDF header may follow up to 1 KiB of leading bytes; a text that merely mentions
    # "%PDF-" near its top has no cross-reference trailer at its end.
    if raw.startswith(_PDF_MAGIC) or (_PDF_MAGIC in raw[:1024] and b"startxref" in raw[-4096:]):
        return Format.PDF
    if raw.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as package:
                names = set(package.namelist())
        except zipfile.BadZipFile:
            return Format.DOCX if filename.lower().endswith(".docx") else None
        if "word/document.xml" in names or (
            "[Content_Types].xml" in names and filename.lower().endswith((".docx", ".docm"))
        ):
            return Format.DOCX
        return None
    if raw.startswith(_CFB_MAGIC):
        # An encrypted .docx is an OLE compound file; so is a Word 97–2003 .doc.
        return Format.DOCX
    return None


def read_binary(raw: bytes, name: str, fmt: Format) -> Document:
    """The report's blocks read by the module for ``fmt`` (PDF or DOCX); raises
    :class:`ReportError` naming ``name`` when the file cannot be read as that format."""
    if fmt is Format.PDF:
        if _PDF_MAGIC not in raw[:1024]:
            raise ReportError(f"{name}: not a PDF (no %PDF- header)")
        from linkwatch.extract.pdf import read_pdf

        return read_pdf(raw, name)
    if fmt is Format.DOCX:
        from linkwatch.extract.docx import read_docx

        return read_docx(raw, name)
    raise ReportError(f"{name}: {fmt.value} is not a file format")
