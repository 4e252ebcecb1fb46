"""Candidate pages from web-archive indexes: a CDX domain query per outlet and date range.

The Internet Archive is asked the way its CDX server documents (``matchType=domain`` or
``host``, ``from``/``to``, ``filter=statuscode:200``, ``filter=mimetype:text/html``,
``collapse=urlkey``, ``limit`` pages chained by ``showResumeKey``/``resumeKey``); a pywb
collection at ``/<coll>/cdx`` is asked with pywb's field names (``status``, ``mime``) and no
paging (a CDXJ index answers the whole range). Rows are filtered and collapsed here as well,
so an index that ignores a parameter gives the same candidates. Every request goes through
the archive's lookup budget (:class:`linkwatch.archives.lookup.ArchiveSession`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from linkwatch.archives.config import ArchiveKind
from linkwatch.archives.lookup import ArchiveSession, ArchiveUnavailable
from linkwatch.archives.memento import Memento
from linkwatch.archives.wayback import CdxFormatError, parse_cdx

#: A date written in a URL path: 2023-10/27, 20231027, t20231027_, 2023/1027, 2023/10/27.
_URL_DATE = re.compile(r"(?<!\d)(20\d{2})[-/_]?(0[1-9]|1[0-2])[-/_]?([0-3]\d)(?!\d)")
_URL_WORD = re.compile(r"[a-z]{4,}")
_INDEX_PAGE = re.compile(r"(^|/)(index|default|home)\.(s?html?|php|aspx?)$")


@dataclasses.dataclass(frozen=True, slots=True)
class IndexCapture:
    """One page an index lists, with the capture of it that would be judged."""

    original: str
    memento: Memento
    archive: str

    @property
    def host(self) -> str:
        """The page's host, lower-cased."""
        return (urlsplit(self.original).hostname or "").lower()


@dataclasses.dataclass(frozen=True, slots=True)
class IndexSource:
    """An archive whose index can be asked for a domain's captures."""

    session: ArchiveSession
    cdx: str
    flavour: str
    """``wayback`` (the Internet Archive's CDX server) or ``pywb``."""


@dataclasses.dataclass(frozen=True, slots=True)
class IndexAnswer:
    """What one index said about one place and date range."""

    captures: list[IndexCapture]
    requests: int
    truncated: bool = False
    """True when more pages were left unread (``max_pages`` reached)."""


def url_date(url: str) -> dt.date | None:
    """The publication date a URL's path spells out, or None."""
    path = urlsplit(url).path
    for match in _URL_DATE.finditer(path):
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
    return None


def url_words(url: str) -> set[str]:
    """Lower-case words of four or more letters in a URL's path (an English slug)."""
    return set(_URL_WORD.findall(urlsplit(url).path.lower()))


def is_section_page(url: str) -> bool:
    """Whether a URL is a home, section or index page rather than an article."""
    path = urlsplit(url).path
    if path in ("", "/") or _INDEX_PAGE.search(path):
        return True
    return path.endswith("/") and url_date(url) is None


def page_key(url: str) -> str:
    """A URL without scheme and ``www.``: captures of one page share it."""
    rest = url.split("://", 1)[-1]
    rest = rest[4:] if rest.lower().startswith("www.") else rest
    host, _, path = rest.partition("/")
    return host.lower() + "/" + path


async def index_source(session: ArchiveSession) -> tuple[IndexSource | None, str]:
    """The archive's index, or None with a note saying why it is skipped.

    A ``wayback`` archive uses its configured CDX server. A Memento archive with a ``cdx``
    setting uses that; without one, ``<TimeGate root>cdx`` is tried once, which is where
    pywb serves a collection's index. archive.today has no index.
    """
    config = session.config
    if config.kind is ArchiveKind.ARCHIVE_TODAY:
        return None, f"{config.name}: Memento-only archive (no CDX index): skipped"
    if config.cdx:
        flavour = "wayback" if config.kind is ArchiveKind.WAYBACK else "pywb"
        return IndexSource(session, config.cdx, flavour), ""
    if config.kind is ArchiveKind.WAYBACK:
        return None, f"{config.name}: no CDX endpoint configured: skipped"
    probe_root = config.timegate if config.timegate.endswith("/") else config.timegate + "/"
    probe = probe_root + "cdx"
    query = probe + "?" + urlencode({"url": "example.org", "output": "json", "limit": "1"})
    try:
        response, body = await session.request("GET", query, session.lookup_gate)
    except ArchiveUnavailable as exc:
        return None, f"{config.name}: cannot ask its index ({exc}): skipped"
    if response.status_code == 200:
        try:
            parse_cdx(body.decode("utf-8", "replace"), config.replay_root)
        except (CdxFormatError, ValueError):
            pass
        else:
            return IndexSource(session, probe, "pywb"), ""
    return None, f"{config.name}: Memento-only archive (no CDX index at {probe}): skipped"


def _query(
    source: IndexSource, place: str, match_type: str, start: dt.date, end: dt.date, limit: int
) -> list[tuple[str, str]]:
    fields = ("statuscode", "mimetype") if source.flavour == "wayback" else ("status", "mime")
    params = [
        ("url", place),
        ("matchType", match_type),
        ("from", start.strftime("%Y%m%d")),
        ("to", end.strftime("%Y%m%d")),
        ("output", "json"),
        ("filter", f"{fields[0]}:200"),
        ("filter", f"{fields[1]}:text/html"),
        ("limit", str(limit)),
    ]
    if source.flavour == "wayback":
        params += [("collapse", "urlkey"), ("showResumeKey", "true")]
    return params


def _resume_key(data: Any) -> str:
    """The resumption key the Wayback CDX server appends to a JSON answer (``[], [key]``)."""
    if isinstance(data, list) and len(data) >= 2 and data[-2] == []:
        last = data[-1]
        if isinstance(last, list) and len(last) == 1 and isinstance(last[0], str):
            return last[0]
    return ""


async def domain_captures(
    source: IndexSource,
    place: str,
    match_type: str,
    start: dt.date,
    end: dt.date,
    *,
    page_size: int = 1000,
    max_pages: int = 5,
) -> IndexAnswer:
    """Captures of HTML pages with status 200 on ``place`` from ``start`` to ``end`` (inclusive).

    One capture per page (the first the index lists). Raises :class:`ArchiveUnavailable`
    when the index cannot answer.
    """
    session = source.session
    root = session.config.replay_root
    rows: list[Memento] = []
    resume = ""
    requests = 0
    truncated = False
    limit = page_size if source.flavour == "wayback" else page_size * max_pages
    for page in range(max_pages):
        params = _query(source, place, match_type, start, end, limit)
        if resume:
            params.append(("resumeKey", resume))
        response, body = await session.request(
            "GET", source.cdx + "?" + urlencode(params), session.lookup_gate
        )
        requests += 1
        if response.status_code == 404:
            break
        if response.status_code != 200:
            raise ArchiveUnavailable(
                f"{session.config.name}: CDX answered {response.status_code} for {place}"
            )
        text = body.decode("utf-8", "replace")
        try:
            rows.extend(parse_cdx(text, root))
        except CdxFormatError as exc:
            raise ArchiveUnavailable(f"{session.config.name}: {exc}") from exc
        resume = ""
        if source.flavour == "wayback":
            try:
                resume = _resume_key(json.loads(text)) if text.strip() else ""
            except json.JSONDecodeError:
                resume = ""
        if not resume:
            break
        if page == max_pages - 1:
            truncated = True
    captures: dict[str, IndexCapture] = {}
    for m in rows:
        if m.status not in (200, None) or (m.mimetype and "html" not in m.mimetype.lower()):
            continue
        original = m.url[len(root) :].split("/", 1)[-1]
        key = page_key(original)
        if key not in captures:
            captures[key] = IndexCapture(original, m, session.config.name)
    return IndexAnswer(list(captures.values()), requests, truncated)
