"""Robust Links: give every citation link in a published report a way to its capture.

HTML reports get the Robust Links attributes on each matching ``<a>``:
``data-originalurl`` (the cited URL), ``data-versionurl`` (the capture) and
``data-versiondate`` (the capture's date, ``YYYY-MM-DD``). Markdown has no
attributes, so the capture link is written beside the original:
``[text](url) ([archived 2024-03-01](capture))``; a reference-style link
``[text][1]`` gets ``([archived 2024-03-01][1-archived])`` and a definition of
its own, ``[1-archived]: capture "archived 2024-03-01"``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bs4 import BeautifulSoup

from linkwatch.errors import ReportError
from linkwatch.fsutil import atomic_write_text
from linkwatch.records import Citation

_WAYBACK_TS = re.compile(r"/(\d{14})(?:[a-z]{2}_)?/")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


@dataclasses.dataclass(frozen=True, slots=True)
class Version:
    """The capture to cite for one original URL."""

    url: str
    date: str = ""
    """``YYYY-MM-DD``; empty when unknown."""


def url_key(url: str) -> str:
    """``url`` for matching: scheme and host lower-cased, default port and fragment dropped."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port is not None else None
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == str(port) else f"{host}:{port}"
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def date_of_capture(capture_url: str, fallback: str = "") -> str:
    """The ``YYYY-MM-DD`` of a Wayback-style capture URL's timestamp, else ``fallback``."""
    match = _WAYBACK_TS.search(capture_url)
    if match:
        ts = match.group(1)
        return f"{ts[0:4]}-{ts[4:6]}-{ts[6:8]}"
    return fallback[:10]


def date_of_timestamp(timestamp: str) -> str:
    """``YYYY-MM-DD`` from a 14-digit capture timestamp (empty when it is not one)."""
    if len(timestamp) >= 8 and timestamp[:8].isdigit():
        return f"{timestamp[0:4]}-{timestamp[4:6]}-{timestamp[6:8]}"
    return ""


def robustify_html(html: str, versions: Mapping[str, Version]) -> tuple[str, int]:
    """The report with Robust Links attributes on each citation link, and how many links got them.

    ``versions`` maps :func:`url_key` of an original URL to its capture. The
    page is re-serialised by BeautifulSoup, which escapes every attribute value.
    """
    soup = BeautifulSoup(html, "html.parser")
    count = 0
    for anchor in soup.find_all("a", href=True):
        href = str(anchor.get("href", ""))
        version = versions.get(url_key(href))
        if version is None:
            continue
        anchor["data-originalurl"] = href
        anchor["data-versionurl"] = version.url
        if version.date:
            anchor["data-versiondate"] = version.date
        count += 1
    return str(soup), count


_MD_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_MD_AUTOLINK = re.compile(r"<(?P<url>https?://[^>\s]+)>")
_MD_BARE = re.compile(r"(?<![(<\[\"'=])\b(?P<url>https?://[^\s)<>\]]+[^\s)<>\].,;:!?'\"])")
#: A link reference definition: ``[label]: URL "optional title"`` on a line of its own.
_MD_DEFINITION = re.compile(
    r"^ {0,3}\[(?P<label>[^\]]+)\]:[ \t]*<?(?P<url>[^\s>]+)>?"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$",
    re.MULTILINE,
)
#: ``[text][label]`` and the collapsed ``[label][]``.
_MD_FULL_REF = re.compile(r"(?<!!)\[(?P<text>[^\]]+)\]\[(?P<label>[^\]]*)\]")
#: The shortcut ``[label]``: not an image, a definition, an inline link or part of a full one.
_MD_SHORTCUT_REF = re.compile(r"(?<![!\]])\[(?P<label>[^\]]+)\](?![\[(:])")


def _label_key(label: str) -> str:
    """A reference label as CommonMark matches it: case-folded, inner whitespace collapsed."""
    return " ".join(label.split()).casefold()


def _destination(url: str) -> str:
    """``url`` as a Markdown link destination (in ``<…>`` when it has spaces or parentheses)."""
    return f"<{url}>" if re.search(r"[\s()]", url) else url


def robustify_markdown(text: str, versions: Mapping[str, Version]) -> tuple[str, int]:
    """The Markdown report with the capture beside each citation link, and how many links got it.

    Inline links, autolinks and bare URLs get ``([archived DATE](capture))`` after
    them. Reference-style links are left as they are and get
    ``([archived DATE][LABEL-archived])`` after each use, with the definition
    ``[LABEL-archived]: capture "archived DATE"`` added below their own; a
    definition line itself is never annotated (CommonMark would read the addition
    as its title). Running twice changes nothing.
    """
    count = 0
    definitions: dict[str, tuple[str, Version]] = {}
    spans: list[tuple[int, int, re.Match[str], str]] = []
    for m in _MD_DEFINITION.finditer(text):
        version = versions.get(url_key(m.group("url")))
        key = _label_key(m.group("label"))
        if version is not None and not key.endswith("-archived"):
            definitions.setdefault(key, (m.group("label").strip(), version))
        spans.append((m.start(), m.end(), m, "definition"))
    existing = {_label_key(m.group("label")) for m in _MD_DEFINITION.finditer(text)}

    def label_version(label: str) -> tuple[str, Version] | None:
        return definitions.get(_label_key(label))

    def inline_note(version: Version) -> str:
        label = f"archived {version.date}" if version.date else "archived"
        return f" ([{label}]({_destination(version.url)}))"

    def reference_note(label: str, version: Version) -> str:
        text_label = f"archived {version.date}" if version.date else "archived"
        return f" ([{text_label}][{label}-archived])"

    patterns: tuple[tuple[re.Pattern[str], str], ...] = (
        (_MD_LINK, "inline"),
        (_MD_FULL_REF, "reference"),
        (_MD_SHORTCUT_REF, "shortcut"),
        (_MD_AUTOLINK, "inline"),
        (_MD_BARE, "inline"),
    )
    for pattern, kind in patterns:
        for m in pattern.finditer(text):
            if any(s <= m.start() < e or s < m.end() <= e for s, e, _, _ in spans):
                continue
            spans.append((m.start(), m.end(), m, kind))

    def annotate(m: re.Match[str], kind: str) -> str:
        nonlocal count
        original = text[m.start() : m.end()]
        if kind == "definition":
            found = label_version(m.group("label"))
            if found is None:
                return original
            label, version = found
            if _label_key(f"{label}-archived") in existing:
                return original
            date = f"archived {version.date}" if version.date else "archived"
            return f'{original}\n[{label}-archived]: {_destination(version.url)} "{date}"'
        if kind in ("reference", "shortcut"):
            raw = m.group("label") if kind == "shortcut" else (m.group("label") or m.group("text"))
            found = label_version(raw)
            if found is None:
                return original
            addition = reference_note(found[0], found[1])
        else:
            linked = versions.get(url_key(m.group("url")))
            if linked is None:
                return original
            addition = inline_note(linked)
        if text[m.end() : m.end() + len(addition)] == addition:
            return original
        count += 1
        return original + addition

    out: list[str] = []
    pos = 0
    for start, end, m, kind in sorted(spans, key=lambda s: s[0]):
        out.append(text[pos:start])
        out.append(annotate(m, kind))
        pos = end
    out.append(text[pos:])
    return "".join(out), count


def versions_for(
    citations: Sequence[Citation], stored: Mapping[str, tuple[str, str]]
) -> dict[str, Version]:
    """The capture to cite per original URL, by :func:`url_key`.

    A citation's own ``archive_url`` wins (an editor may have chosen it);
    otherwise the link linkwatch stored for it, ``stored[id] = (url, date)``.
    """
    out: dict[str, Version] = {}
    for c in citations:
        original = c.original_url or c.url
        if not original:
            continue
        if c.archive_url:
            stored_date = stored.get(c.id, ("", ""))
            date = stored_date[1] if stored_date[0] == c.archive_url else ""
            version = Version(c.archive_url, date or date_of_capture(c.archive_url, c.archived_at))
        elif c.id in stored and stored[c.id][0]:
            link, date = stored[c.id]
            version = Version(link, date or date_of_capture(link))
        else:
            continue
        out.setdefault(url_key(original), version)
    return out


def robustify_file(report: Path, out: Path, versions: Mapping[str, Version]) -> int:
    """Write a Robust Links copy of ``report`` (HTML or Markdown) to ``out``; returns links changed.

    Raises :class:`ReportError` for a report that is not HTML or Markdown or cannot be read.
    """
    suffix = report.suffix.lower()
    if suffix not in (".html", ".htm", ".md", ".markdown"):
        raise ReportError(f"{report}: robustify reads .html or .md reports, not {suffix or 'this'}")
    try:
        text = report.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ReportError(f"{report}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{report}: cannot read as UTF-8 text ({exc})") from exc
    if suffix in (".html", ".htm"):
        result, count = robustify_html(text, versions)
    else:
        result, count = robustify_markdown(text, versions)
    atomic_write_text(out, result)
    return count
