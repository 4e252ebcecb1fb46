"""The text of a cited PDF (a live copy or an archived capture), so it can be compared.

pdfminer.six reads the text layer; a PDF it cannot read (damaged, encrypted, cut short by
the body cap, a scan without text) gives empty text, which the comparison reports as
``unknown`` rather than as a change.
"""

from __future__ import annotations

import io
import logging

#: The start of a PDF.
PDF_MAGIC = b"%PDF-"

log = logging.getLogger(__name__)


def is_pdf(body: bytes, content_type: str = "") -> bool:
    """True when the media type says PDF, or the body starts as one and the media type is
    not a page's (servers send PDFs as application/octet-stream too)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media in ("application/pdf", "application/x-pdf"):
        return True
    return body.lstrip()[:5] == PDF_MAGIC and not media.startswith("text/")


def pdf_text(body: bytes) -> str:
    """The PDF's text, whitespace as pdfminer lays it out; empty when it cannot be read."""
    from pdfminer.high_level import extract_text

    try:
        return extract_text(io.BytesIO(body))
    except Exception as exc:  # pdfminer raises many kinds for a damaged or cut-short file
        log.debug("cannot read a PDF body of %d bytes: %s", len(body), exc)
        return ""
