"""Robust Links: give every citation link in a published report a way to its capture.

HTML reports get the Robust Links attributes on each matching ``<a>``:
``data-originalurl`` (the cited URL), ``data-versionurl`` (the capture) and
``data-versiondate`` (the capture's date, ``YYYY-MM-DD``). Markdown has no
attributes, so the capture link is written beside the original:
``[text](url) ([archived 2024-03-01](capture))``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

from bs4 import BeautifulSoup

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


def robustify_markdown(text: str, versions: Mapping[str, Version]) -> tuple[str, int]:
    """The Markdown report with ``([archived DATE](capture))`` after each citation link.

    A link that already has its capture beside it is left alone, so running twice changes nothing.
    """
    count = 0

    def note(url: str) -> str:
        version = versions[url_key(url)]
        label = f"archived {version.date}" if version.date else "archived"
        return f" ([{label}]({version.url}))"

    def add(match: re.Match[str], end_text: str) -> str:
        nonlocal count
        url = match.group("url")
        if url_key(url) not in versions:
            return end_text
        addition = note(url)
        following = text[match.end() : match.end() + len(addition)]
        if following == addition:
            return end_text
        count += 1
        return end_text + addition

    out: list[str] = []
    pos = 0
    spans: list[tuple[int, int, re.Match[str]]] = []
    for pattern in (_MD_LINK, _MD_AUTOLINK, _MD_BARE):
        for m in pattern.finditer(text):
            if any(s <= m.start() < e or s < m.end() <= e for s, e, _ in spans):
                continue
            spans.append((m.start(), m.end(), m))
    for start, end, m in sorted(spans, key=lambda s: s[0]):
        out.append(text[pos:start])
        out.append(add(m, text[start:end]))
        pos = end
    out.append(text[pos:])
    return "".join(out), count
