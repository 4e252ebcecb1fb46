"""HTML reports: the article body only, with its hyperlinks kept on the text they cover.

Navigation, headers, footers, sidebars, forms and scripts are dropped; a notes or
footnotes section (by heading, or by a class or id such as ``footnotes``) is kept
even when it sits in a ``<footer>`` or ``<aside>``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from bs4.element import (
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    ProcessingInstruction,
    Tag,
)

from linkwatch.extract.dates import parse_iso_datetime
from linkwatch.extract.document import NOTES_HEADING_RE, BlockBuilder, Document, Link, note_label
from linkwatch.extract.text import dateline

_DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "iframe",
        "svg",
        "canvas",
        "menu",
        "dialog",
        "head",
        "title",
    }
)
_DROP_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu"})
_BOILERPLATE = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|sidebar|side-bar|breadcrumbs?|share|sharing|social|related|"
    r"comments?|newsletter|subscribe|subscription|advert|ads?|promo|cookie|masthead|site-header|"
    r"site-footer|skip|pagination|tags|toolbar|widget|byline-share|popup|modal|author-box|author-bio|"
    r"about-author|author-info|author-card|bio-box)(?:$|[-_\s])",
    re.IGNORECASE,
)
_NOTES_MARK = re.compile(
    r"(?:^|[-_\s])(?:foot-?notes?|end-?notes?|notes|references|reflist|bibliography|citations|"
    r"sources|fn-list|fns)(?:$|[-_\s])",
    re.IGNORECASE,
)
_MAIN_CLASS = re.compile(
    r"(?:^|[-_\s])(?:entry-content|article-body|article__body|post-content|post-body|story-body|"
    r"article-content|articleBody|main-content|content-body)(?:$|[-_\s])",
    re.IGNORECASE,
)
_BLOCK_TAGS = frozenset(
    {
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "figcaption",
        "dd",
        "dt",
        "pre",
        "td",
        "th",
        "caption",
        "div",
        "section",
        "article",
        "main",
        "ul",
        "ol",
        "dl",
        "table",
        "tr",
        "tbody",
        "thead",
        "figure",
        "hr",
        "address",
        "details",
        "summary",
        "footer",
        "aside",
        "header",
    }
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_META_DATES = (
    ("property", "article:published_time"),
    ("name", "citation_publication_date"),
    ("name", "citation_date"),
    ("name", "dc.date.issued"),
    ("name", "dcterms.issued"),
    ("name", "dc.date"),
    ("name", "dcterms.date"),
    ("name", "date"),
    ("name", "pubdate"),
    ("name", "publish-date"),
    ("name", "publication_date"),
    ("property", "og:published_time"),
    ("name", "parsely-pub-date"),
    ("name", "sailthru.date"),
    ("itemprop", "datePublished"),
)
_FOOTNOTE_REF = re.compile(
    r"^#(?:fn|footnote|note|endnote|cite_note|ftn|_ftn|edn|_edn)", re.IGNORECASE
)


def _attrs_text(tag: Tag) -> str:
    value: object = tag.get("class") or []
    classes = [value] if isinstance(value, str) else [str(v) for v in value or []]  # type: ignore[attr-defined]
    return " ".join([*classes, str(tag.get("id") or "")])


def _is_notes_container(tag: Tag) -> bool:
    return bool(_NOTES_MARK.search(_attrs_text(tag))) or tag.get("role") == "doc-endnotes"


def _is_boilerplate(tag: Tag) -> bool:
    if _is_notes_container(tag):
        return False
    if tag.name in _DROP_TAGS:
        return True
    role = str(tag.get("role") or "").lower()
    if role in _DROP_ROLES:
        return True
    if tag.get("hidden") is not None or tag.get("aria-hidden") == "true":
        return True
    return bool(_BOILERPLATE.search(_attrs_text(tag)))


def published_from_metadata(soup: BeautifulSoup) -> tuple[dt.date, str] | None:
    """The publication date an HTML page declares (``<meta>``, JSON-LD, ``<time>``)."""
    declared: dict[tuple[str, str], str] = {}
    for meta in soup.find_all("meta"):
        for attr in ("property", "name", "itemprop"):
            key = str(meta.get(attr) or "").lower()
            if key and meta.get("content"):
                declared.setdefault((attr, key), str(meta.get("content")))
    for tag in soup.find_all(itemprop="datePublished"):
        stamp = tag.get("content") or tag.get("datetime") or tag.get_text()
        declared.setdefault(("itemprop", "datepublished"), str(stamp or ""))
    for attr, name in _META_DATES:
        value = declared.get((attr, name.lower()))
        if value is None and attr == "name":
            value = declared.get(("property", name.lower()))
        found = parse_iso_datetime(value) if value else None
        if found is not None:
            return found, f"metadata {name}"
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.get_text() or "null")
        except ValueError:
            continue
        value = _json_ld_date(data)
        found = parse_iso_datetime(value) if value else None
        if found is not None:
            return found, "metadata JSON-LD datePublished"
    for time in soup.find_all("time"):
        if not isinstance(time, Tag):
            continue
        if (
            time.get("pubdate") is not None
            or time.get("itemprop") == "datePublished"
            or (time.find_parent(["article", "header"]) is not None)
        ):
            found = parse_iso_datetime(str(time.get("datetime") or time.get_text()))
            if found is not None:
                return found, "metadata <time>"
    return None


def _json_ld_date(data: object) -> str:
    if isinstance(data, dict):
        value = data.get("datePublished")
        if isinstance(value, str):
            return value
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in data:
                found = _json_ld_date(data[key])
                if found:
                    return found
    elif isinstance(data, list):
        for item in data:
            found = _json_ld_date(item)
            if found:
                return found
    return ""


def _main(soup: BeautifulSoup) -> Tag:
    """The element holding the article: ``<article>``, ``<main>``, an article-body class, body."""
    articles = [a for a in soup.find_all("article") if isinstance(a, Tag)]
    if articles:
        return max(articles, key=lambda a: len(a.get_text()))
    for finder in (
        soup.find(itemprop="articleBody"),
        soup.find("main"),
        soup.find(role="main"),
        soup.find(class_=_MAIN_CLASS),
        soup.body,
    ):
        found = finder
        if isinstance(found, Tag):
            return found
    return soup


class _Walker:
    def __init__(self, base: str) -> None:
        self.builder = BlockBuilder()
        self.base = base
        self.parts: list[str] = []
        self.links: list[Link] = []
        self.length = 0
        self.notes_depth = 0
        self.note_counter = 0
        self.list_counters: list[int] = []
        self.role_override: str | None = None
        self.label = ""

    # Inline text accumulates into the current block until a block boundary.
    def text(self, value: str) -> None:
        value = re.sub(r"\s+", " ", value)
        if not value:
            return
        if value.startswith(" ") and (not self.parts or self.parts[-1].endswith(" ")):
            value = value.lstrip(" ")
        self.parts.append(value)
        self.length += len(value)

    def flush(self) -> None:
        raw = "".join(self.parts)
        self.parts, links, self.length = [], self.links, 0
        self.links = []
        stripped = raw.rstrip()
        lead = len(raw) - len(raw.lstrip())
        text = stripped.lstrip()
        if not text:
            return
        shifted = [
            Link(max(0, link.start - lead), min(len(text), link.end - lead), link.href)
            for link in links
            if link.end - lead > 0 and link.start - lead < len(text)
        ]
        in_notes = self.builder.in_notes or self.notes_depth > 0
        role = self.role_override or ("note" if in_notes else "body")
        label = self.label
        if role == "note":
            # A label written in the note ("[2] …" inside a numbered list item) is the note's
            # own; it is not part of the reference.
            found, rest = note_label(text)
            if found:
                cut = len(text) - len(rest)
                text = rest
                shifted = [
                    Link(max(0, s.start - cut), max(0, s.end - cut), s.href)
                    for s in shifted
                    if s.end > cut
                ]
                label = found
            elif not label:
                self.note_counter += 1
                label = str(self.note_counter)
        self.builder.add(text, shifted, role=role, label=label if role == "note" else "")

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment | Declaration | Doctype | ProcessingInstruction):
                continue
            if isinstance(child, NavigableString):
                self.text(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            self.element(child)

    def element(self, tag: Tag) -> None:
        name = tag.name
        if _is_boilerplate(tag):
            return
        if name == "br":
            self.text(" ")
            return
        if name in ("img", "video", "audio", "picture", "source"):
            return
        if name == "sup" and _is_footnote_marker(tag):
            return
        if name in _HEADINGS:
            self.flush()
            heading = tag.get_text(" ", strip=True)
            self.builder.heading_line(heading)
            return
        if name == "a" and tag.get("href"):
            href = str(tag.get("href")).strip()
            if _FOOTNOTE_REF.match(href) and len(tag.get_text(strip=True)) <= 4:
                return  # a footnote marker such as <a href="#fn1">1</a>
            start = self.length
            self.walk(tag)
            if href.startswith(("#", "javascript:", "mailto:", "tel:")):
                return
            end = self.length
            if end > start:
                self.links.append(Link(start, end, urljoin(self.base, href) if self.base else href))
            return
        if name not in _BLOCK_TAGS:
            self.walk(tag)
            return
        self.flush()
        notes_here = _is_notes_container(tag)
        if notes_here:
            self.notes_depth += 1
            self.note_counter = 0
        saved_role, saved_label = self.role_override, self.label
        if name == "figcaption" or name == "caption":
            self.role_override = "caption"
        if name == "li" and (self.notes_depth or self.builder.in_notes):
            self.note_counter += 1
            ident = str(tag.get("id") or "")
            digits = re.search(r"(\d+)$", ident)
            value = tag.get("value")
            self.label = (
                str(value) if value else digits.group(1) if digits else str(self.note_counter)
            )
        if name == "ol" and tag.get("start"):
            with contextlib.suppress(ValueError):
                self.note_counter = int(str(tag.get("start"))) - 1
        self.walk(tag)
        self.flush()
        self.role_override, self.label = saved_role, saved_label
        if notes_here:
            self.notes_depth -= 1
            # A notes container without its own heading ends where it closes.


def _is_footnote_marker(tag: Tag) -> bool:
    text = tag.get_text(strip=True)
    if not re.fullmatch(r"\[?\d{1,4}\]?|[*†‡]", text):
        return False
    link = tag.find("a")
    return link is None or (isinstance(link, Tag) and str(link.get("href") or "").startswith("#"))


def read_html(text: str) -> Document:
    """The article blocks of an HTML report and the publication date its metadata gives."""
    soup = BeautifulSoup(text, "html.parser")
    meta = published_from_metadata(soup)
    base = ""
    base_tag = soup.find("base", href=True)
    canonical = soup.find("link", rel="canonical", href=True)
    for tag in (base_tag, canonical):
        if isinstance(tag, Tag) and str(tag.get("href") or "").startswith(("http://", "https://")):
            base = str(tag.get("href"))
            break
    main = _main(soup)
    walker = _Walker(base)
    walker.walk(main)
    walker.flush()
    document = Document(walker.builder.blocks)
    if meta is not None:
        document.published, document.published_from = meta
    else:
        found = dateline(main.get_text("\n"))
        if found is not None:
            document.published, document.published_from = found, "dateline"
    return document


__all__ = ["NOTES_HEADING_RE", "published_from_metadata", "read_html"]
