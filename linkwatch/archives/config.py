"""The configured web archives: each has a name, a kind and its endpoints."""

from __future__ import annotations

import dataclasses
import enum
from urllib.parse import urlsplit

from linkwatch.errors import ConfigError


class ArchiveKind(enum.StrEnum):
    """How an archive is asked."""

    WAYBACK = "wayback"
    """The Internet Archive's Wayback Machine: CDX and the availability API, Memento replay."""
    MEMENTO = "memento"
    """Any RFC 7089 archive: a TimeGate at ``timegate + URL``, the TimeMap from its Link header."""
    ARCHIVE_TODAY = "archive-today"
    """archive.today: Memento TimeGate and TimeMap, no raw replay."""


@dataclasses.dataclass(frozen=True, slots=True)
class ArchiveConfig:
    """One archive linkwatch asks; every endpoint is configurable."""

    name: str
    kind: ArchiveKind
    timegate: str
    """Prefix of the TimeGate: the TimeGate of page U is ``timegate + U``."""
    timemap: str = ""
    """Prefix of the link-format TimeMap; empty: found from the TimeGate's Link header."""
    cdx: str = ""
    """A CDX server (Wayback JSON array, or pywb's JSON lines); empty: not used."""
    availability: str = ""
    """The Wayback availability API (its bulk POST answers many URLs at once)."""
    replay: str = ""
    """Prefix of replay URLs ``replay + <14-digit ts> + "id_/" + U``; defaults to ``timegate``."""
    lookups_per_minute: float = 30.0
    """Budget shared by CDX, TimeGate, TimeMap and availability requests."""
    replays_per_minute: float = 60.0
    """Budget for fetching captures to verify them."""

    @property
    def replay_root(self) -> str:
        """Where raw captures are replayed."""
        return self.replay or self.timegate


#: The Internet Archive, asked well under its ~30 requests a minute for CDX and TimeMap.
INTERNET_ARCHIVE = ArchiveConfig(
    name="ia",
    kind=ArchiveKind.WAYBACK,
    timegate="https://web.archive.org/web/",
    cdx="https://web.archive.org/cdx/search/cdx",
    availability="https://archive.org/wayback/available",
    lookups_per_minute=15.0,
    replays_per_minute=30.0,
)

#: archive.today's Memento endpoints (TimeMap needs no discovery).
ARCHIVE_TODAY = ArchiveConfig(
    name="archive.today",
    kind=ArchiveKind.ARCHIVE_TODAY,
    timegate="https://archive.ph/timegate/",
    timemap="https://archive.ph/timemap/",
    lookups_per_minute=6.0,
    replays_per_minute=6.0,
)


@dataclasses.dataclass(frozen=True, slots=True)
class ArchiveOptions:
    """How the archive stage runs; a config file or the command line fills it."""

    archives: tuple[ArchiveConfig, ...] = (INTERNET_ARCHIVE,)
    enabled: bool = True
    window_days: int = 14
    """A capture this close to the target date is representative (``archived``)."""
    not_archived_ttl_days: float = 7.0
    """How long "no good capture" answers are reused before an archive is asked again."""
    retry_after_default: float = 60.0
    """Seconds to wait after a 429 without Retry-After."""
    max_retry_after: float = 900.0
    """A Retry-After longer than this makes the lookup fail rather than stall the run."""
    retries: int = 2
    """Retries of one archive request after a 429, 5xx, timeout or reset."""
    timeout: float = 30.0
    """Seconds for one archive request, start to end."""
    max_verify: int = 3
    """Captures fetched per URL at most, looking for one that is not an error."""
    max_body: int = 2 * 1024 * 1024
    """Bytes of a capture (or an index answer) read to verify and compare it."""
    cdx_limit: int = 100
    """CDX rows asked for per URL: the captures closest to the target date."""
    max_timemap_pages: int = 4
    """Further pages of a paged TimeMap read per URL, those nearest the target first."""
    url_variants: bool = True
    """Ask Memento archives for the other scheme and ``www.`` forms when the cited one has none."""


def parse_archive_option(value: str) -> ArchiveConfig:
    """An archive from ``NAME=URL`` (a Memento TimeGate prefix); raises :class:`ConfigError`."""
    name, sep, url = value.partition("=")
    name, url = name.strip(), url.strip()
    if not sep or not name or not url:
        raise ConfigError(f"--archive {value!r}: expected NAME=URL, e.g. local=http://host/coll/")
    return make_archive(name, "memento", url, source=f"--archive {value!r}")


def make_archive(
    name: str,
    kind: str,
    timegate: str,
    *,
    source: str = "archive",
    **endpoints: str | float,
) -> ArchiveConfig:
    """Build a validated :class:`ArchiveConfig`; ``source`` names the setting in errors."""
    try:
        archive_kind = ArchiveKind(kind)
    except ValueError:
        kinds = ", ".join(k.value for k in ArchiveKind)
        raise ConfigError(f"{source}: unknown archive kind {kind!r} (one of {kinds})") from None
    for label, url in (("timegate", timegate), *endpoints.items()):
        if label.endswith("per_minute"):
            if not isinstance(url, int | float) or url <= 0:
                raise ConfigError(f"{source}: {label} must be a positive number")
            continue
        if url and not _is_http_url(str(url)):
            raise ConfigError(f"{source}: {label} {url!r} is not an http(s) URL")
    if not timegate:
        raise ConfigError(f"{source}: an archive needs a TimeGate URL")
    fields = {f.name for f in dataclasses.fields(ArchiveConfig)}
    unknown = set(endpoints) - fields
    if unknown:
        raise ConfigError(f"{source}: unknown archive setting {', '.join(sorted(unknown))}")
    return ArchiveConfig(name=name, kind=archive_kind, timegate=timegate, **endpoints)  # type: ignore[arg-type]


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
