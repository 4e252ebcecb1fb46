"""extract: a report (text, HTML, Markdown) becomes citation records.

:func:`extract_file` and :func:`extract_text` return an :class:`Extraction`;
:func:`extract_to_csv` runs the whole ``linkwatch extract`` job (merge included).
"""

from __future__ import annotations

from linkwatch.extract.core import (
    Extraction,
    citation_id,
    detect_format,
    extract_file,
    extract_reports,
    extract_text,
)
from linkwatch.extract.document import Format
from linkwatch.extract.reading import decode_report, read_report
from linkwatch.extract.tocsv import ExtractSummary, extract_to_csv, parse_published

__all__ = [
    "ExtractSummary",
    "Extraction",
    "Format",
    "citation_id",
    "decode_report",
    "detect_format",
    "extract_file",
    "extract_reports",
    "extract_text",
    "extract_to_csv",
    "parse_published",
    "read_report",
]
