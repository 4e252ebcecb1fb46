"""Memento (RFC 7089) pieces: link-format parsing, dates, and archive URL shapes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import re

_LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[^;,<=\s"]+\s*(?:=\s*(?:"[^"]*"|[^;,<\s]*))?)*)')
_PARAM = re.compile(r";\s*([A-Za-z0-9_*-]+)\s*(?:=\s*(?:\"([^\"]*)\"|([^;,\s]*)))?")

#: A Wayback-style replay URL: ``<prefix><14-digit ts><modifier>/<original>``.
_WAYBACK_STYLE = re.compile(
    r"^(?P<prefix>https?://.+?/)(?P<ts>\d{4,14})(?P<mod>[a-z]{2}_)?/(?P<orig>.*)$"
)

#: Public hosts whose replay URLs have the Wayback shape.
WAYBACK_STYLE_HOSTS = (
    "web.archive.org",
    "wayback.archive.org",
    "wayback.archive-it.org",
    "webarchive.loc.gov",
    "webarchive.nationalarchives.gov.uk",
    "arquivo.pt",
    "perma.cc",
)


#: archive.today's mirrors: their replay URLs look like the Wayback's but have no ``id_`` mode.
ARCHIVE_TODAY_HOSTS = (
    "archive.today",
    "archive.is",
    "archive.ph",
    "archive.md",
    "archive.li",
    "archive.vn",
    "archive.fo",
)


def is_archive_today(url: str) -> bool:
    """Whether ``url`` is on one of archive.today's hosts."""
    match = re.match(r"^https?://([^/:]+)", url)
    host = match.group(1).lower() if match else ""
    return any(host == h or host.endswith("." + h) for h in ARCHIVE_TODAY_HOSTS)


@dataclasses.dataclass(frozen=True, slots=True)
class Link:
    """One link of a Link header or a link-format TimeMap."""

    url: str
    rel: frozenset[str]
    params: dict[str, str]


@dataclasses.dataclass(frozen=True, slots=True)
class Memento:
    """A memento from a TimeMap or a CDX index; ``status`` is None when the index does not say."""

    url: str
    timestamp: str
    """14 digits, UTC."""
    status: int | None = None
    digest: str = ""
    mimetype: str = ""

    @property
    def when(self) -> dt.datetime:
        """The capture time."""
        return parse_timestamp(self.timestamp)


def parse_link_format(text: str) -> list[Link]:
    """Parse a Link header value or an application/link-format document (RFC 6690/8288)."""
    links: list[Link] = []
    for match in _LINK.finditer(text):
        params: dict[str, str] = {}
        for p in _PARAM.finditer(match.group(2)):
            params[p.group(1).lower()] = (
                p.group(2) if p.group(2) is not None else (p.group(3) or "")
            )
        rel = frozenset(params.get("rel", "").split())
        links.append(Link(url=match.group(1).strip(), rel=rel, params=params))
    return links


def timestamp_from_http_date(value: str) -> str:
    """``Fri, 20 Oct 2023 10:00:00 GMT`` → ``20231020100000``; ValueError when unparseable.

    RFC 1123 is what RFC 7089 asks for; RFC 850 and asctime dates, ISO 8601
    (``2023-10-20T10:00:00Z``) and bare 4–14 digit timestamps, which some archives
    send instead, are read too. A date without a zone is UTC.
    """
    value = value.strip()
    if value.isdigit() and 4 <= len(value) <= 14:
        return parse_timestamp(value).strftime("%Y%m%d%H%M%S")
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"not a date: {value!r}") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed.strftime("%Y%m%d%H%M%S")


def http_date(when: dt.datetime) -> str:
    """An ``Accept-Datetime`` value (RFC 1123, GMT)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return email.utils.format_datetime(when.astimezone(dt.UTC), usegmt=True)


def parse_timestamp(ts: str) -> dt.datetime:
    """A 4–14 digit archive timestamp as a naive UTC datetime (missing parts: the earliest)."""
    padded = (ts + "0101000000"[len(ts) - 4 :]) if 4 <= len(ts) < 14 else ts
    return dt.datetime.strptime(padded[:14], "%Y%m%d%H%M%S")


@dataclasses.dataclass(frozen=True, slots=True)
class TimeMapPage:
    """Another page of a paged TimeMap, with the span it covers when the archive says."""

    url: str
    start: str = ""
    """14-digit timestamp of its first memento (``from``), or empty."""
    end: str = ""
    """14-digit timestamp of its last memento (``until``), or empty."""


def timemap_pages(links: list[Link], current: str) -> list[TimeMapPage]:
    """The TimeMaps a TimeMap links to besides itself (pagination, RFC 7089 §4.3 practice)."""
    pages: list[TimeMapPage] = []
    seen = {current}
    for link in links:
        if "timemap" not in link.rel or "self" in link.rel or link.url in seen:
            continue
        seen.add(link.url)
        span = []
        for key in ("from", "until"):
            try:
                span.append(timestamp_from_http_date(link.params.get(key, "")))
            except ValueError:
                span.append("")
        pages.append(TimeMapPage(link.url, span[0], span[1]))
    return pages


def timemaps_from_links(links: list[Link]) -> list[Memento]:
    """The mementos of a TimeMap, oldest first; links without a usable datetime are skipped."""
    out: list[Memento] = []
    for link in links:
        if "memento" not in link.rel:
            continue
        when = link.params.get("datetime", "")
        try:
            ts = timestamp_from_http_date(when)
        except ValueError:
            continue
        out.append(Memento(url=link.url, timestamp=ts))
    out.sort(key=lambda m: m.timestamp)
    return out


def raw_url(memento_url: str) -> str:
    """The raw (``id_``) form of a Wayback-style memento URL; other URLs are returned unchanged.

    Raw replay serves the page as captured, without the archive's banner or rewritten
    links, with the captured HTTP status.
    """
    match = _WAYBACK_STYLE.match(memento_url)
    if not match or not match.group("orig") or is_archive_today(memento_url):
        return memento_url
    return f"{match.group('prefix')}{match.group('ts')}id_/{match.group('orig')}"


@dataclasses.dataclass(frozen=True, slots=True)
class CitedCapture:
    """A cited URL that is itself a web-archive capture."""

    replay_prefix: str
    timestamp: str
    original: str
    """Empty when the cited URL was truncated after the timestamp."""

    @property
    def truncated(self) -> bool:
        """True when the capture URL lacks the original URL (or a full timestamp)."""
        return not self.original or len(self.timestamp) < 8


def parse_cited_capture(url: str, replay_prefixes: tuple[str, ...] = ()) -> CitedCapture | None:
    """Recognise a Wayback-style capture URL (public archives or a configured replay prefix)."""
    match = _WAYBACK_STYLE.match(url.strip())
    if match is None:
        return None
    prefix = match.group("prefix")
    host = prefix.split("/")[2].lower()
    known = any(host == h or host.endswith("." + h) for h in WAYBACK_STYLE_HOSTS)
    if not known and not any(prefix == p for p in replay_prefixes):
        return None
    original = match.group("orig").strip()
    if original and "://" not in original and "." in original.split("/")[0]:
        original = "http://" + original
    if original and "://" not in original:
        original = ""
    return CitedCapture(replay_prefix=prefix, timestamp=match.group("ts"), original=original)
