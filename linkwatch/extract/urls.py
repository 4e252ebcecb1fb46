"""URLs and DOIs exactly as cited, and what a cited web-archive URL points at."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import unquote

#: A URL as it appears in running text; trailing punctuation is trimmed by :func:`clean_url`.
URL_RE = re.compile(r"""(?:https?://|www\.)[^\s<>"“”‘’«»\[\]{}|\\^`]+""", re.IGNORECASE)

#: A DOI (``10.<registrant>/<suffix>``) in running text.
DOI_RE = re.compile(r"""\b(10\.\d{4,9}/[^\s"“”‘’]+)""")

_DOI_HOSTS = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)
_TRAILING = ".,;:!?'\"”’)]}>*_…"
_ELLIPSIS = ("…", "...")

_ARCHIVE_TODAY = re.compile(
    r"^https?://(?:www\.)?archive\.(?:ph|today|is|li|vn|fo|md)/"
    r"(?P<ts>\d{14}|\d{4}\.\d{2}\.\d{2}-\d{6})/(?P<rest>.*)$",
    re.IGNORECASE,
)
_ARCHIVE_TODAY_HOST = re.compile(
    r"^https?://(?:www\.)?archive\.(?:ph|today|is|li|vn|fo|md)/", re.IGNORECASE
)
_WAYBACK_LIKE = re.compile(
    r"^https?://[^/]+/(?:[^?#]*?/)?(?P<ts>(?:19|20)\d{2,12})(?:[a-z]{2}_|\*)?/(?P<rest>.*)$",
    re.IGNORECASE,
)
_WEBCACHE = re.compile(
    r"^https?://webcache\.googleusercontent\.com/search\?q=cache:(?:[^:/]+:)?(?P<rest>.+?)(?:[&+].*)?$",
    re.IGNORECASE,
)
_PERMA = re.compile(r"^https?://(?:www\.)?perma\.cc/[A-Z0-9]{4}-[A-Z0-9]{4}", re.IGNORECASE)
_KNOWN_ARCHIVE_HOSTS = re.compile(
    r"^https?://(?:web\.archive\.org|wayback\.archive\.org|www\.webarchive\.org\.uk|"
    r"webarchive\.org\.uk|arquivo\.pt|webarchive\.loc\.gov|webarchive\.nationalarchives\.gov\.uk|"
    r"wayback\.archive-it\.org|swap\.stanford\.edu|archive\.org)/",
    re.IGNORECASE,
)


@dataclasses.dataclass(frozen=True, slots=True)
class ArchiveInfo:
    """What a cited web-archive URL says: the page it captured and when."""

    original_url: str
    archived_at: str
    """``YYYY-MM-DDTHH:MM:SSZ``, or empty when the URL carries no timestamp."""
    truncated: bool
    """The URL stops where the original URL should begin."""


def clean_url(raw: str) -> str:
    """The URL without the punctuation that closes the sentence or parenthesis around it."""
    url = raw
    while url and url[-1] in _TRAILING:
        if url.endswith("..."):
            break
        last = url[-1]
        # A closing bracket that the URL itself opened belongs to it (Wikipedia-style paths).
        if last == ")" and url.count("(") >= url.count(")"):
            break
        if last == "]" and url.count("[") >= url.count("]"):
            break
        if last == "…":
            break
        url = url[:-1]
    return url


def find_urls(text: str) -> list[tuple[int, int, str]]:
    """Every URL in ``text`` as ``(start, end, url)``, trailing punctuation trimmed."""
    out: list[tuple[int, int, str]] = []
    # Most paragraphs hold no URL; two substring tests are far cheaper than the scan.
    if "://" not in text and "www." not in text.lower():
        return out
    for match in URL_RE.finditer(text):
        url = clean_url(match.group(0))
        if len(url) <= len("https://") or url.lower() in ("http://", "https://", "www."):
            continue
        out.append((match.start(), match.start() + len(url), url))
    return out


def normalise_doi(value: str) -> str:
    """``10.…`` from a DOI, a ``doi:`` reference or a doi.org URL; empty when it holds none."""
    value = value.strip()
    value = _DOI_HOSTS.sub("", value)
    value = re.sub(r"^doi:\s*", "", value, flags=re.IGNORECASE)
    match = DOI_RE.search(unquote(value))
    if match is None:
        return ""
    return clean_url(match.group(1))


def doi_of_url(url: str) -> str:
    """The DOI a doi.org URL resolves, or empty for any other URL."""
    if _DOI_HOSTS.match(url):
        return normalise_doi(url)
    return ""


def looks_truncated(url: str) -> bool:
    """True for a URL that visibly stops short (an ellipsis at its end)."""
    return url.endswith(_ELLIPSIS)


def _timestamp(ts: str) -> str:
    digits = re.sub(r"\D", "", ts)
    digits = (digits + "0101000000")[:14] if len(digits) < 6 else digits.ljust(14, "0")
    year, month, day = digits[0:4], digits[4:6], digits[6:8]
    if month == "00":
        month = "01"
    if day == "00":
        day = "01"
    return f"{year}-{month}-{day}T{digits[8:10]}:{digits[10:12]}:{digits[12:14]}Z"


def _original(rest: str) -> str:
    rest = rest.strip()
    if not rest:
        return ""
    # Archives accept "http:/host" (one slash) and a bare host; cited URLs show both.
    rest = re.sub(r"^(https?):/+", r"\1://", rest, flags=re.IGNORECASE)
    if not re.match(r"^https?://", rest, re.IGNORECASE):
        if not re.match(r"^[\w-]+(?:\.[\w-]+)+(?:[:/?#]|$)", rest):
            return ""
        rest = "http://" + rest
    return rest


def archive_info(url: str) -> ArchiveInfo | None:
    """What a web-archive URL captured (Wayback and pywb-like, archive.today, webcache, Perma.cc).

    Returns None for a URL that is not a web-archive URL.
    """
    match = _ARCHIVE_TODAY.match(url)
    if match:
        original = _original(match.group("rest"))
        return ArchiveInfo(original, _timestamp(match.group("ts")), not original)
    if _ARCHIVE_TODAY_HOST.match(url) or _PERMA.match(url):
        return ArchiveInfo("", "", False)
    match = _WEBCACHE.match(url)
    if match:
        return ArchiveInfo(_original(unquote(match.group("rest"))), "", False)
    match = _WAYBACK_LIKE.match(url)
    if match:
        original = _original(match.group("rest"))
        ts = match.group("ts")
        # Outside the known archives a number in a path is only a capture time when the
        # original URL follows it (pywb collections: /<coll>/<ts>/<url>).
        if not _KNOWN_ARCHIVE_HOSTS.match(url) and not re.match(
            r"^https?:/", match.group("rest"), re.IGNORECASE
        ):
            return None
        return ArchiveInfo(original, _timestamp(ts), not original)
    return None


# Share buttons and other links a page carries for its readers, not as evidence.
_SHARE_URL = re.compile(
    r"^(?:mailto:|tel:|sms:|javascript:|whatsapp:|fb-messenger:)"
    r"|^https?://(?:www\.)?(?:"
    r"(?:twitter|x)\.com/(?:intent/|share)|facebook\.com/(?:sharer|share\.php|dialog/share)"
    r"|linkedin\.com/(?:shareArticle|sharing/)|reddit\.com/submit|pinterest\.com/pin/create"
    r"|t\.me/share|api\.whatsapp\.com/send|wa\.me/\?|bsky\.app/intent|news\.ycombinator\.com/submitlink"
    r"|(?:mastodon\.social|toot\.kytta\.dev)/(?:share|\?text=)|getpocket\.com/(?:save|edit)"
    r"|tumblr\.com/(?:share|widgets/share)|vk\.com/share\.php|weibo\.com/share)",
    re.IGNORECASE,
)
# A person's or an organisation's profile (not one of its posts): how a report links its
# own authors and its own channels.
_PROFILE_URL = re.compile(
    r"^https?://(?:www\.|m\.)?(?:"
    r"(?:twitter|x|instagram|threads\.net|tiktok|github|medium|substack)\.com/@?[\w.-]+/?"
    r"|(?:twitter|x|instagram|tiktok)\.com/@?[\w.-]+/?"
    r"|linkedin\.com/(?:in|company|pub)/[^/?#]+/?|facebook\.com/(?!sharer)[\w.-]+/?"
    r"|youtube\.com/(?:@|c/|channel/|user/)[^/?#]+/?|bsky\.app/profile/[^/?#]+/?"
    r"|orcid\.org/\d{4}-\d{4}-\d{4}-\d{3}[\dX]/?|t\.me/[\w]+/?"
    r"|[\w.-]+/@[\w.]+/?)(?:\?[^#]*)?$",
    re.IGNORECASE,
)
# Link texts of a site's own navigation, subscription and archive pages.
_NAVIGATION_LABEL = re.compile(
    r"^(?:home|about(?:\s+(?:us|the\s+\w+|this\s+\w+))?|contact(?:\s+us)?|archives?|past\s+issues"
    r"|all\s+(?:issues|articles|posts)|subscribe(?:\s+\w+){0,3}|donate|support\s+us|next|previous"
    r"|older\s+posts|newer\s+posts|back\s+to\s+top|top|print(?:\s+this\s+\w+)?|menu|search"
    r"|privacy(?:\s+policy)?|terms(?:\s+of\s+(?:use|service))?|cookie\s+policy|rss|feed"
    r"|(?:follow|find)\s+(?:us|me|them|him|her)(?:\s+on\s+\w+)?|share(?:\s+\w+){0,3}"
    r"|tweet|email|e-mail|twitter|x|linkedin|facebook|instagram|mastodon|bluesky|threads|youtube)"
    r"[.!:]?$",
    re.IGNORECASE,
)


def not_a_citation(href: str, label: str = "") -> bool:
    """True for a link that cites nothing: a share button, an e-mail address, a social or
    ORCID profile (the report's own authors and channels), or a navigation, subscription
    or archive link of the site itself (told by its words)."""
    if _SHARE_URL.match(href) or _PROFILE_URL.match(href):
        return True
    label = " ".join(label.split())
    return bool(label) and _NAVIGATION_LABEL.match(label) is not None
