"""extract: a report (text, HTML, Markdown, Word .docx, PDF) becomes citation records.

:func:`extract_file` and :func:`extract_text` return an :class:`Extraction`;
:func:`extract_to_csv` runs the whole ``linkwatch extract`` job (merge included);
:func:`citations_input` lets any command take a report where it expects a citations file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linkwatch.lazy import lazy_exports

if TYPE_CHECKING:
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
    from linkwatch.extract.tocsv import (
        CitationsInput,
        ExtractSummary,
        citations_input,
        extract_to_csv,
        is_citations_file,
        parse_published,
    )

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "linkwatch.extract.core": (
            "Extraction",
            "citation_id",
            "detect_format",
            "extract_file",
            "extract_reports",
            "extract_text",
        ),
        "linkwatch.extract.document": ("Format",),
        "linkwatch.extract.reading": ("decode_report", "read_report"),
        "linkwatch.extract.tocsv": (
            "CitationsInput",
            "ExtractSummary",
            "citations_input",
            "extract_to_csv",
            "is_citations_file",
            "parse_published",
        ),
    },
)

__all__ = [
    "CitationsInput",
    "ExtractSummary",
    "Extraction",
    "Format",
    "citation_id",
    "citations_input",
    "decode_report",
    "detect_format",
    "extract_file",
    "extract_reports",
    "extract_text",
    "extract_to_csv",
    "is_citations_file",
    "parse_published",
    "read_report",
]
