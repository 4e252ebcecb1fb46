"""Reading a report file: refusing what is not a report, and decoding what is.

UTF-8 is tried first (with or without a BOM), then UTF-16/32 by their BOM, then a
charset an HTML report declares, then charset-normalizer's guess (GBK,
Windows-1252 and the like).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from linkwatch.errors import ReportError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
# Bytes that never occur in text: NUL and most C0 controls (tab, newlines, form feed and
# escape aside).
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_SAMPLE = 1 << 16


def read_report(path: Path) -> str:
    """The text of the report at ``path``.

    Raises :class:`ReportError` naming the file when it is missing, a directory,
    unreadable, empty, binary, or in no encoding that can be detected.
    """
    path = Path(path)
    text = decode_report(read_bytes(path), str(path))
    if not text.strip():
        raise ReportError(f"{path}: the report is empty")
    return text


def read_bytes(path: Path) -> bytes:
    """The bytes of the report at ``path``; raises :class:`ReportError` naming the file
    when it is missing, a directory or unreadable."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise ReportError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise ReportError(f"{path}: is a directory, not a report") from exc
    except PermissionError as exc:
        raise ReportError(f"{path}: cannot read (permission denied)") from exc
    except OSError as exc:
        raise ReportError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def decode_report(raw: bytes, name: str) -> str:
    """``raw`` decoded as text; raises :class:`ReportError` naming ``name`` when it is not text."""
    if not raw.strip():
        raise ReportError(f"{name}: the report is empty")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError as exc:
                raise ReportError(f"{name}: not valid {encoding} text (byte {exc.start})") from exc
    sample = raw[:_SAMPLE]
    if b"\x00" in sample or len(_CONTROL.findall(sample)) > max(8, len(sample) // 1000):
        raise ReportError(f"{name}: a binary file, not a text, HTML, Markdown, Word or PDF report")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(raw[:4096])
    if declared is not None:
        try:
            return raw.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        raise ReportError(f"{name}: not text in any encoding that can be detected")
    return str(best)
