"""Soft-404 evidence: not-found wording, redirects to the root or an error page, random probes.

A soft 404 answers 200 with the host's "not found" page. The proven test is
the random-sibling probe: ask the same host for a path beside the cited one
that cannot exist. If the host answers that with 404 it is honest, and none of
its pages is called a soft 404. If it answers 200, a cited page that lands where
the probe landed, or whose text is nearly the probe's, is the not-found page.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
import secrets
import urllib.parse

from linkwatch.compare.similarity import jaccard, shingles
from linkwatch.compare.text import PageText, tokens
from linkwatch.live.urls import is_site_root

#: Probe text this similar to a page's text makes the page the host's not-found page.
SIMILARITY_THRESHOLD = 0.95

#: Wording of not-found pages, matched in the title and top headings (case-folded).
NOT_FOUND_PHRASES: tuple[str, ...] = (
    "page not found",
    "404 not found",
    "error 404",
    "404 error",
    "not found",
    "page does not exist",
    "page doesn't exist",
    "page cannot be found",
    "page could not be found",
    "page you requested",
    "page you are looking for",
    "no longer available",
    "页面不存在",
    "您访问的页面不存在",
    "访问的页面不存在",
    "页面未找到",
    "找不到页面",
    "找不到该页面",
    "页面找不到",
    "网页不存在",
    "无法找到该页",
    "页面已删除",
    "信息不存在",
    "文章不存在",
    "404错误",
    "错误404",
)

_ERROR_SEGMENT = re.compile(
    r"(?:^|[/_.\-])(?:404|not[-_]?found|notfound|error|errors|err)(?:[/_.\-]|$)", re.IGNORECASE
)


def not_found_wording(text: PageText | None) -> str:
    """The not-found phrase in a page's title or first headings, or ``""``."""
    if text is None:
        return ""
    for piece in (text.title, *text.headings[:3]):
        folded = piece.casefold()
        for phrase in NOT_FOUND_PHRASES:
            if phrase in folded:
                return phrase
    return ""


def redirect_evidence(original: str, final: str) -> str:
    """Why a redirect from ``original`` to ``final`` looks like a soft 404, or ``""``."""
    if final == original:
        return ""
    if is_site_root(final) and not is_site_root(original):
        return "redirects to the site root (home page)"
    path = urllib.parse.urlsplit(final).path
    if _ERROR_SEGMENT.search(path) and not _ERROR_SEGMENT.search(
        urllib.parse.urlsplit(original).path
    ):
        return f"redirects to an error page ({path})"
    return ""


def probe_url(url: str) -> str:
    """A random path beside ``url`` with the same file kind, which the host cannot know."""
    parts = urllib.parse.urlsplit(url)
    directory, name = posixpath.split(parts.path or "/")
    ext = posixpath.splitext(name)[1] if name else ""
    if not directory.endswith("/"):
        directory += "/"
    token = f"lw{secrets.token_hex(8)}"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, directory + token + ext, "", ""))


@dataclasses.dataclass(frozen=True, slots=True)
class Probe:
    """How a host answered a path that cannot exist."""

    url: str
    http_status: int | None
    """``None`` when the probe itself failed (then it proves nothing)."""
    final_url: str = ""
    text: PageText | None = None

    @property
    def honest(self) -> bool:
        """The host said the path does not exist (4xx)."""
        return self.http_status is not None and 400 <= self.http_status < 500

    @property
    def answered_ok(self) -> bool:
        """The host answered the nonsense path with a 2xx page."""
        return self.http_status is not None and 200 <= self.http_status < 300


def _content_tokens(text: PageText, url: str) -> list[str]:
    # A not-found page often echoes the requested path; leave those words out
    # so the echo does not make two not-found pages look different.
    drop = set(tokens(urllib.parse.unquote(urllib.parse.urlsplit(url).path)))
    return [t for t in tokens(f"{text.title} {text.text}") if t not in drop]


def text_similarity(a: PageText, a_url: str, b: PageText, b_url: str) -> float:
    """Shingle resemblance of two pages' texts, words of their own URLs left out."""
    return jaccard(shingles(_content_tokens(a, a_url)), shingles(_content_tokens(b, b_url)))


def probe_evidence(
    url: str, final_url: str, redirected: bool, text: PageText | None, probe: Probe
) -> str:
    """Why a 2xx page is the host's not-found page, judged against the probe, or ``""``."""
    if not probe.answered_ok:
        return ""
    if redirected and probe.final_url and final_url == probe.final_url and final_url != url:
        return f"redirects where unknown paths go ({final_url})"
    if text is not None and probe.text is not None and (text.text or text.title):
        similarity = text_similarity(text, url, probe.text, probe.url)
        if similarity >= SIMILARITY_THRESHOLD:
            return f"matches this host's not-found page (similarity {similarity:.2f})"
    return ""
