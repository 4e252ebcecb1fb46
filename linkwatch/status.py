"""The closed vocabulary of outcomes: reports and JSON use exactly these words."""

from __future__ import annotations

import enum


class LiveStatus(enum.StrEnum):
    """What fetching a URL on the live web showed."""

    OK = "ok"
    """Answered 2xx with the page itself."""
    REDIRECTED = "redirected"
    """Answered after redirects to a different, real page."""
    SOFT_404 = "soft-404"
    """Answered 200 (or redirected) but shows the host's not-found page."""
    NOT_FOUND = "not-found"
    """404."""
    GONE = "gone"
    """410, or confirmed dead over several runs."""
    FORBIDDEN = "forbidden"
    """401/403 (bot walls): inconclusive, not dead."""
    RATE_LIMITED = "rate-limited"
    """429 after retries: inconclusive, not dead."""
    CLIENT_ERROR = "client-error"
    """Another 4xx."""
    SERVER_ERROR = "server-error"
    """5xx after retries."""
    TIMEOUT = "timeout"
    """No complete answer within the deadline."""
    DNS_ERROR = "dns-error"
    """The host name does not resolve."""
    CONNECTION_ERROR = "connection-error"
    """Refused, reset, or a redirect loop / too many redirects."""
    TLS_ERROR = "tls-error"
    """The certificate could not be verified."""
    INVALID_URL = "invalid-url"
    """Not an http(s) URL that can be requested."""
    SKIPPED = "skipped"
    """Not fetched on purpose (excluded, private address, fresh enough)."""
    NOT_CHECKED = "not-checked"
    """No check has been made."""


class ArchiveStatus(enum.StrEnum):
    """What the web archives hold for a URL around its target date."""

    ARCHIVED = "archived"
    """A good capture near the citation date."""
    ARCHIVED_LATE = "archived-late"
    """Good captures exist only well away from the citation date."""
    ARCHIVED_ERROR_ONLY = "archived-error-only"
    """Only captures of errors, redirects or soft 404s."""
    NOT_ARCHIVED = "not-archived"
    """No archive holds a capture."""
    LOOKUP_FAILED = "lookup-failed"
    """An archive could not answer; never confused with not-archived."""
    NOT_CHECKED = "not-checked"
    """No archive lookup was made."""


class ChangeStatus(enum.StrEnum):
    """Whether the live page still says what the cited version said."""

    UNCHANGED = "unchanged"
    CHANGED = "changed"
    UNKNOWN = "unknown"
    NOT_CHECKED = "not-checked"
    """Not compared: archives were not asked, or the live page was not fetched."""


class Verdict(enum.StrEnum):
    """The judgement per citation, in order of urgency in reports."""

    LOST = "lost"
    """Dead, and no good capture exists."""
    DRIFTED = "drifted"
    """Alive but no longer says what was cited: cite the capture."""
    AT_RISK = "at-risk"
    """Alive, no good capture: archive it now."""
    PRESERVED_ONLY = "preserved-only"
    """Dead, but a good capture exists: point readers to it."""
    UNVERIFIABLE = "unverifiable"
    """Blocked or inconclusive."""
    UNLINKED = "unlinked"
    """The citation has no URL: an editor must supply one."""
    HEALTHY = "healthy"
    """Alive, unchanged, and archived."""


#: Live statuses that say nothing about whether the source exists.
INCONCLUSIVE_LIVE = frozenset(
    {LiveStatus.FORBIDDEN, LiveStatus.RATE_LIMITED, LiveStatus.SKIPPED, LiveStatus.NOT_CHECKED}
)

#: Live statuses under which the cited page is reachable.
ALIVE_LIVE = frozenset({LiveStatus.OK, LiveStatus.REDIRECTED})

#: Live statuses that count as a failed check towards "confirmed dead".
FAILING_LIVE = frozenset(
    {
        LiveStatus.SOFT_404,
        LiveStatus.NOT_FOUND,
        LiveStatus.GONE,
        LiveStatus.CLIENT_ERROR,
        LiveStatus.SERVER_ERROR,
        LiveStatus.TIMEOUT,
        LiveStatus.DNS_ERROR,
        LiveStatus.CONNECTION_ERROR,
        LiveStatus.TLS_ERROR,
    }
)
