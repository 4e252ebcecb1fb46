"""What a fetched page looked like: payload digest, text SimHash, title, type and length.

The text pieces come from :mod:`linkwatch.compare` so a live fingerprint and an
archived capture are reduced to text the same way and can be compared.
"""

from __future__ import annotations

import base64
import collections
import dataclasses
import hashlib

from linkwatch.compare.similarity import tokens_simhash
from linkwatch.compare.text import PageText, page_text, tokens
from linkwatch.results import Fingerprint


def payload_sha1(body: bytes) -> str:
    """SHA-1 of ``body`` in base32, the form WARC and CDX digests use."""
    return base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def is_textual(content_type: str) -> bool:
    """Whether a body of this media type is a page whose text can be read."""
    media = content_type.split(";", 1)[0].strip().lower()
    return (
        not media
        or media.startswith("text/")
        or media in ("application/xhtml+xml", "application/xml", "application/json")
        # A cited PDF is compared by its text too.
        or media in ("application/pdf", "application/x-pdf")
    )


@dataclasses.dataclass(frozen=True, slots=True)
class PageView:
    """A fetched body read once: its fingerprint and, for pages, its text."""

    fingerprint: Fingerprint
    text: PageText | None


def view_page(body: bytes, content_type: str, declared_length: int | None = None) -> PageView:
    """Fingerprint a body (read up to the cap); text pieces only for textual types.

    ``length`` is the declared Content-Length when the server sent one, else
    the bytes read.
    """
    return _view(body, payload_sha1(body) if body else "", content_type, declared_length)


def _view(body: bytes, digest: str, content_type: str, declared_length: int | None) -> PageView:
    text = page_text(body, content_type) if body and is_textual(content_type) else None
    has_text = text is not None and bool(text.text)
    words = tokens(text.text) if text is not None and has_text else []
    fingerprint = Fingerprint(
        payload_sha1=digest,
        text_simhash=tokens_simhash(words) if has_text else "",
        title=text.title[:300] if text is not None else "",
        content_type=content_type.split(";", 1)[0].strip().lower(),
        length=declared_length if declared_length is not None else len(body),
        words=len(words),
    )
    return PageView(fingerprint=fingerprint, text=text)


class PageViews:
    """:func:`view_page` that reads each payload once per run.

    The same bytes often come back from many URLs (a login wall, a host's
    not-found page, a consent page); their text and SimHash are computed once
    and reused. Only bodies up to ``max_body`` bytes are kept, and at most
    ``size`` of them, so the cache stays small beside a 50,000-URL run.
    """

    def __init__(self, size: int = 256, max_body: int = 64 * 1024) -> None:
        self._size = size
        self._max_body = max_body
        self._views: collections.OrderedDict[tuple[str, str, int | None], PageView] = (
            collections.OrderedDict()
        )

    def view(self, body: bytes, content_type: str, declared_length: int | None = None) -> PageView:
        """The same as :func:`view_page`, from the cache when these bytes were seen."""
        digest = payload_sha1(body) if body else ""
        if len(body) > self._max_body:
            return _view(body, digest, content_type, declared_length)
        key = (digest, content_type, declared_length)
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = _view(body, digest, content_type, declared_length)
            if len(self._views) > self._size:
                self._views.popitem(last=False)
        else:
            self._views.move_to_end(key)
        return view
