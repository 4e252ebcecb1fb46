"""Main text of a fetched page: decoding, boilerplate and archive-banner removal, normalisation."""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import charset_normalizer
from bs4 import BeautifulSoup, Comment, Tag

#: Elements that are never the page's own text.
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
)

#: Ids and class fragments of archive banners and common page chrome. pywb inserts
#: ``_wb_frame_top_banner``/``wb_*``; the Wayback Machine's toolbar is ``wm-ipp*``.
_BANNER_ID = re.compile(r"^(_wb_|wb_|wm-ipp|wm-|donato|playback)", re.IGNORECASE)
_CHROME_HINT = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|breadcrumbs?|sidebar|footer|header|cookie|banner|share)($|[\s_-])",
    re.IGNORECASE,
)
_WAYBACK_TOOLBAR = re.compile(
    r"<!--\s*BEGIN WAYBACK TOOLBAR INSERT\s*-->.*?<!--\s*END WAYBACK TOOLBAR INSERT\s*-->",
    re.DOTALL | re.IGNORECASE,
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_SPACE = re.compile(r"\s+")

#: Labels some servers declare that Python knows under a wider superset.
_CHARSET_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}


@dataclasses.dataclass(frozen=True, slots=True)
class PageText:
    """A page reduced to what it says."""

    title: str
    text: str
    """The main text, whitespace collapsed, not yet normalised."""
    headings: tuple[str, ...] = ()


def declared_charset(content_type: str, body: bytes) -> str:
    """The charset the server or the page declares, lower-cased; empty when none."""
    match = _HEADER_CHARSET.search(content_type or "")
    if match:
        return match.group(1).lower()
    meta = _META_CHARSET.search(body[:4096])
    if meta:
        return meta.group(1).decode("ascii", "replace").lower()
    return ""


def decode_body(body: bytes, content_type: str = "") -> str:
    """Decode a page body: the declared charset first (GBK read as GB18030), else a guess."""
    charset = declared_charset(content_type, body)
    if charset:
        codec = _CHARSET_SUPERSETS.get(charset, charset)
        try:
            return body.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body).best()
    if best is not None:
        return str(best)
    return body.decode("utf-8", "replace")


def _is_chrome(tag: Tag) -> bool:
    ident = tag.get("id")
    if isinstance(ident, str) and _BANNER_ID.search(ident):
        return True
    classes = tag.get("class")
    joined = " ".join(classes) if isinstance(classes, list) else str(classes or "")
    if joined and _BANNER_ID.search(joined):
        return True
    role = tag.get("role")
    if role in ("navigation", "banner", "contentinfo", "complementary"):
        return True
    # Class/id hints only on containers: a <p class="menu-note"> is still text.
    if tag.name in ("div", "section", "ul", "ol", "span"):
        hint = f"{ident if isinstance(ident, str) else ''} {joined}"
        return bool(_CHROME_HINT.search(hint))
    return False


def extract_main_text(html: str) -> PageText:
    """The title, headings and main text of an HTML page, without navigation or archive banners."""
    html = _WAYBACK_TOOLBAR.sub(" ", html)
    soup = BeautifulSoup(html, "html.parser")
    title_tag = soup.find("title")
    title = _SPACE.sub(" ", title_tag.get_text(" ")).strip() if title_tag else ""
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if isinstance(tag, Tag) and not tag.decomposed and _is_chrome(tag):
            tag.decompose()
    root: Tag | BeautifulSoup = soup
    for name in ("main", "article"):
        found = soup.find(name)
        if isinstance(found, Tag):
            root = found
            break
    else:
        body = soup.find("body")
        if isinstance(body, Tag):
            root = body
    headings = tuple(
        _SPACE.sub(" ", h.get_text(" ")).strip()
        for h in root.find_all(["h1", "h2"])
        if h.get_text(strip=True)
    )
    if root is soup and title_tag is not None and not title_tag.decomposed:
        title_tag.decompose()
    text = _SPACE.sub(" ", root.get_text(" ")).strip()
    return PageText(title=title, text=text, headings=headings)


def page_text(body: bytes, content_type: str = "") -> PageText:
    """Decode and extract a fetched body; plain text passes through whole."""
    decoded = decode_body(body, content_type)
    if "html" in (content_type or "").lower() or "<html" in decoded[:2048].lower():
        return extract_main_text(decoded)
    return PageText(title="", text=_SPACE.sub(" ", decoded).strip())


def normalise(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: full-width digits and letters become ASCII."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x3040 <= code <= 0x30FF
        or 0xAC00 <= code <= 0xD7AF
        or 0x20000 <= code <= 0x2FA1F
    )


def tokens(text: str) -> list[str]:
    """Words of normalised text; every CJK character is a token of its own (no spaces there)."""
    out: list[str] = []
    word: list[str] = []
    for ch in normalise(text):
        if _is_cjk(ch):
            if word:
                out.append("".join(word))
                word = []
            out.append(ch)
        elif ch.isalnum():
            word.append(ch)
        else:
            if word:
                out.append("".join(word))
                word = []
    if word:
        out.append("".join(word))
    return out
