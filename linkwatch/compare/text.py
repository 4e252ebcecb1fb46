"""Main text of a fetched page: decoding, boilerplate and archive-banner removal, normalisation.

Pages are parsed with selectolax's Lexbor engine (the HTML5 algorithm browsers
use, in C): the live check reduces every page it fetches to text, and
BeautifulSoup's pure-Python tree cost about 2 ms for a small page, 20–30 times
more than Lexbor (``docs/benchmarks.md``). Live pages and archived captures go
through the same function, so their texts stay comparable.
"""

from __future__ import annotations

import dataclasses
import os
import re
import unicodedata

from selectolax.lexbor import LexborHTMLParser, LexborNode

from linkwatch.compare.pdftext import is_pdf, pdf_text

#: Elements that are never the page's own text.
_DROP_TAGS = frozenset(
    (
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
)
#: Elements whose class or id alone can mark them as page chrome.
_CONTAINERS = frozenset(("div", "section", "ul", "ol", "span"))
_CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary"))
#: Every element that may be dropped: the tags above, or anything with an id, class or role.
_CANDIDATES = ", ".join(sorted(_DROP_TAGS)) + ", [id], [class], [role]"

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

#: Labels some servers declare that Python knows under a wider superset.
_CHARSET_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
}


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


def _decode_nearly(body: bytes, codec: str, *, declared: bool) -> str | None:
    """``body`` in ``codec``, allowing a character cut off at the end (a capped read) and,
    when the page declared the codec, a few stray bytes; None when it does not fit."""
    try:
        return body.decode(codec)
    except LookupError:
        return None
    except UnicodeDecodeError as exc:
        if exc.start >= len(body) - 4:
            try:
                return body[: exc.start].decode(codec) + "\ufffd"
            except UnicodeDecodeError:
                pass
    if not declared:
        return None
    text = body.decode(codec, "replace")
    return text if text.count("\ufffd") <= max(4, len(body) // 1000) else None


def decode_body(body: bytes, content_type: str = "") -> str:
    """Decode a page body: the declared charset first (GBK read as GB18030), else a guess."""
    charset = declared_charset(content_type, body)
    if charset:
        codec = _CHARSET_SUPERSETS.get(charset, charset)
        decoded = _decode_nearly(body, codec, declared=True)
        if decoded is not None:
            return decoded
    decoded = _decode_nearly(body, "utf-8", declared=False)
    if decoded is not None:
        return decoded
    # Imported here: most pages declare their charset or are UTF-8, and charset_normalizer
    # costs every check about 2.7 MB and 9 ms to import.
    import charset_normalizer

    best = charset_normalizer.from_bytes(body).best()
    if best is not None:
        return str(best)
    return body.decode("utf-8", "replace")


def _is_chrome(tag: str, attributes: dict[str, str | None]) -> bool:
    ident = attributes.get("id") or ""
    joined = " ".join((attributes.get("class") or "").split())
    if ident and _BANNER_ID.search(ident):
        return True
    if joined and _BANNER_ID.search(joined):
        return True
    if attributes.get("role") in _CHROME_ROLES:
        return True
    # Class/id hints only on containers: a <p class="menu-note"> is still text.
    if tag in _CONTAINERS:
        return bool(_CHROME_HINT.search(f"{ident} {joined}"))
    return False


def _collapse(text: str) -> str:
    """Whitespace runs as one space, none at the ends.

    ``str.split`` splits on exactly the characters ``\\s`` matches (``str.isspace``),
    at a quarter of the cost of ``re.sub(r"\\s+", " ", text).strip()``.
    """
    return " ".join(text.split())


#: glibc's ``mallopt`` parameters (malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_heap_kept = False


def _keep_heap_for_parsing() -> None:
    """Let glibc keep the memory a parsed page frees for the next page (once per process).

    Lexbor takes some 0.6 MB for each document and frees it with the tree. With glibc's
    defaults that memory went back to the kernel after every page (two ``brk`` calls and
    a dozen page faults per page, a third of a small page's parse); with these limits the
    heap keeps up to 4 MiB free at its top and serves blocks up to 1 MiB itself.
    """
    global _heap_kept
    _heap_kept = True
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return
    except (ValueError, OSError):
        return  # not glibc: its allocator keeps its own counsel
    import ctypes  # only here: 2–3 ms to import, and only glibc needs it

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_MMAP_THRESHOLD, 1 << 20)
    mallopt(_M_TRIM_THRESHOLD, 4 << 20)


def _first(tree: LexborHTMLParser, tag: str) -> LexborNode | None:
    """The first ``tag`` element of the document, in document order."""
    found = tree.tags(tag)
    return found[0] if found else None


def extract_main_text(html: str) -> PageText:
    """The title, headings and main text of an HTML page, without navigation or archive banners."""
    if not _heap_kept:
        _keep_heap_for_parsing()
    tree = LexborHTMLParser(_WAYBACK_TOOLBAR.sub(" ", html))
    # Elements are looked up by tag name where a selector would do the same: a CSS query
    # is parsed anew on every call, which cost more than the lookup on a small page.
    title_node = _first(tree, "title")
    title = _collapse(title_node.text(separator=" ")) if title_node is not None else ""
    doomed = [
        node
        for node in tree.css(_CANDIDATES)
        if node.tag in _DROP_TAGS or _is_chrome(node.tag or "", node.attributes)
    ]
    # Only the outermost of nested doomed elements is removed: removing a node
    # frees its descendants, which must not be touched afterwards.
    doomed_ids = {node.mem_id for node in doomed}
    for node in doomed:
        parent = node.parent
        while parent is not None and parent.mem_id not in doomed_ids:
            parent = parent.parent
        if parent is None:
            node.decompose()
    root = _first(tree, "main") or _first(tree, "article") or tree.body or tree.root
    if root is None:
        return PageText(title=title, text="")
    headings = tuple(
        _collapse(text)
        for text in (h.text(separator=" ") for h in root.css("h1, h2"))
        if text.strip()
    )
    return PageText(title=title, text=_collapse(root.text(separator=" ")), headings=headings)


def page_text(body: bytes, content_type: str = "") -> PageText:
    """Decode and extract a fetched body; plain text passes through whole, a PDF gives the
    text of its text layer."""
    if is_pdf(body, content_type):
        return PageText(title="", text=_collapse(pdf_text(body)))
    decoded = decode_body(body, content_type)
    if "html" in (content_type or "").lower() or "<html" in decoded[:2048].lower():
        return extract_main_text(decoded)
    return PageText(title="", text=_collapse(decoded))


def normalise(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed: full-width digits and letters become ASCII."""
    return _collapse(unicodedata.normalize("NFKC", text).casefold())


#: Scripts written without spaces between words: each character is a token.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af\U00020000-\U0002fa1f"
#: One CJK character, or a run of other letters and digits (``[^\W_]`` is ``str.isalnum``).
_TOKEN = re.compile(f"[{_CJK}]|[^\\W_{_CJK}]+")


def tokens(text: str) -> list[str]:
    """Words of normalised text; every CJK character is a token of its own (no spaces there)."""
    return _TOKEN.findall(normalise(text))
