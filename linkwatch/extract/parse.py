"""Citations in a block of text: author–date parentheticals, captions and notes.

Everything here works on one :class:`~linkwatch.extract.document.Block` at a time
and returns :class:`Found` items in the block's coordinates; resolving year-less
dates, ids and context is left to :mod:`linkwatch.extract.core`.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator

from linkwatch.extract.dates import (
    DATE_ANY,
    PartialDate,
    parse_date,
)
from linkwatch.extract.document import Block, Link
from linkwatch.extract.urls import find_urls, not_a_citation

_OPEN = "(（"
_PARENS = re.compile(r"[()（）]")

# What may follow the date: a page ("p. 4"), or a remark ("— see note 1", "emphasis added").
_TAIL = (
    r"(?:\s*[,:—–]\s*(?:(?:pp?\.\s*)?[\divxlc]+(?:\s*[-–]\s*\d+)?"
    r"|(?:see|cf\.|note|emphasis|translation|translated|quoted|citing|via|author)\b[^()]{0,60}))?"
)
# "Source, <date>" with the date at the end; the source is everything before the comma
# that precedes the date, so sources may hold commas themselves.
_SOURCE_DATE = re.compile(
    r"^(?P<source>.+?)\s*[,，]\s*(?P<date>" + DATE_ANY + r")" + _TAIL + r"\s*\.?$",
    re.IGNORECASE,
)
# "Zenz 2023", "Smith and Jones 2021a", "Byler et al. 2022" (author–date without a comma).
_NAME_YEAR = re.compile(
    r"^(?P<source>[A-Z][\w’'.-]+(?:\s+(?:[A-Z][\w’'.-]+|and|&|et\s+al\.?|de|van|von|der|del|da))*)"
    r"\s+(?P<date>(?:1[89]|20)\d\d[a-z]?)(?:\s*[,:]\s*(?:pp?\.\s*)?\d+(?:\s*[-–]\s*\d+)?)?$"
)
_NOT_A_NAME = re.compile(
    r"\b(?:plan|vision|agenda|program(?:me)?|strategy|project|law|act|census|fy|covid|"
    r"olympics|expo|summit|cup|games|congress|plenum|session|target|goal|initiative)\b",
    re.IGNORECASE,
)
_PLAN_END = re.compile(
    r"\b(?:plan|vision|agenda|program(?:me)?|strategy|law|act|census|initiative|olympics|expo|"
    r"summit|games|plenum|campaign|target|goal)s?$",
    re.IGNORECASE,
)
# Narrative citations: "Zenz (2019) argues", "Byler and Tobin (2021) found", "according to
# Smith et al. (2020)". Only a reporting verb after the year, or "according to" before the
# name, tells a cited author from a named plan or place with a year ("the Plan (2021)").
# The year in parentheses is found first; the name is read just before it.
_NARRATIVE_YEAR = re.compile(
    r"\((?P<date>(?:19|20)\d\d[a-z]?)(?:,\s*pp?\.\s*\d+(?:\s*[-–]\s*\d+)?)?\)"
)
_NARRATIVE_NAME = re.compile(
    r"(?:(?P<lead>\b[Aa]ccording\s+to\s+)|(?<![\w’'.-]))"
    r"(?P<source>[A-Z][\w’'-]+(?:\s+(?:and|&)\s+[A-Z][\w’'-]+|\s+et\s+al\.)?)\s+\Z"
)
_REPORTING_VERB = re.compile(
    r"\s+(?:(?:has|have|had)\s+)?(?:argue|find|found|note|show|write|wrote|written|report|"
    r"estimate|suggest|document|describe|observe|conclude|claim|calculate|identif|demonstrate|"
    r"point|explain|contend|emphasi[sz]e|warn|detail|record|count)"
)
_LEAD_IN = re.compile(
    r"^(?:see(?:\s+also)?|cf\.|e\.g\.,?|i\.e\.,?|as\s+reported\s+by|reported\s+by|according\s+to|"
    r"quoted\s+in|cited\s+in|via|citing|in)\s+",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"^(?:photo|photograph|image|picture|illustration|graphic|map|chart|figure|video|"
    r"source|sources|credit|credits|photo\s+credit|image\s+credit|image\s+source|"
    r"photo\s+source|courtesy(?:\s+of)?)\s*[:：]\s*(?P<rest>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_COURTESY = re.compile(r"^courtesy\s+of\s+(?P<rest>.+)$", re.IGNORECASE)
_DANGLING = re.compile(
    r"\b(?:in|of|the|to|from|and|since|until|by|for|at|on|a|an|or|with|between|before|after)$",
    re.IGNORECASE,
)
_MONTH_START = re.compile(
    r"^(?:" + DATE_ANY + r")$|^(?:early|mid|late|end|spring|summer|autumn|fall|winter)\b",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"\S+")
_NOT_NAME_CHARS = re.compile(r"[=<>{}|]")
_DIGIT = re.compile(r"\d")
_CREDIT_WORD = re.compile(
    r"^\s*(?:photo|image|picture|illustration|graphic|map|chart|figure|video|source|credit|courtesy)",
    re.IGNORECASE,
)

# Links a newsletter or a page carries on every issue, which cite nothing.
_BOILERPLATE_LINK = re.compile(
    r"^(?:(?:read|view|open)\s+(?:it|this|this\s+\w+)?\s*(?:in\s+(?:your|a|the)\s+browser|online)"
    r"|view\s+(?:in\s+browser|as\s+a\s+web\s*page)|unsubscribe|subscribe(?:\s+here)?"
    r"|manage\s+(?:your\s+)?(?:preferences|subscription)|update\s+your\s+preferences"
    r"|forward\s+(?:this\s+)?to\s+a\s+friend|share\s+(?:this|on\s+\w+)|follow\s+us(?:\s+on\s+\w+)?"
    r"|sign\s+up(?:\s+here)?)[.!]?$",
    re.IGNORECASE,
)


@dataclasses.dataclass(slots=True)
class Found:
    """A citation found in a block, before dates are resolved and ids assigned."""

    kind: str
    start: int
    end: int
    source: str = ""
    author: str = ""
    date: PartialDate | None = None
    url: str = ""
    doi: str = ""
    title: str = ""
    accessed: str = ""
    flags: set[str] = dataclasses.field(default_factory=set)
    excerpt: str = ""
    """For notes and captions: the reference text itself (the context to show)."""
    anchor: int = -1
    """Where the enclosing parenthesis opens: the claim it supports ends there."""


def squash(text: str) -> str:
    """Whitespace runs made single spaces, trimmed."""
    return " ".join(text.split())


def _strip_source(text: str) -> str:
    text = squash(text)
    lead = _LEAD_IN.match(text)
    while lead is not None:
        text = text[lead.end() :]
        lead = _LEAD_IN.match(text)
    text = text.strip(" ,;:*_")
    # Quotation marks around a whole name are the citation's, not the name's.
    if len(text) > 2 and text[0] in '“"' and text[-1] in '”"':
        text = text[1:-1].strip()
    return text


@functools.lru_cache(maxsize=1 << 14)
def plausible_source(source: str, *, linked: bool = False) -> bool:
    """True when ``source`` reads as an outlet or author name, not prose or a number."""
    if not source or len(source) > 100:
        return False
    words = source.split()
    # The dangling words are at most seven letters long (and "$" allows a final newline),
    # so only the tail needs searching; the \b still sees the character before it.
    if (
        len(words) > 12
        or _DANGLING.search(source, max(0, len(source) - 9))
        or _MONTH_START.match(source)
    ):
        return False
    if _NOT_NAME_CHARS.search(source) or source.endswith(":"):
        return False
    first = source[0]
    head = words[0]
    if first.isupper() or first in "“\"‘'«" or (not first.isascii() and first.isalpha()):
        return True
    if first.isdigit():
        return any(ch.isalpha() for ch in head)
    if first.islower():
        # Lower-case outlets exist, but only as domains or camel-cased brands (thepaper.cn, iFeng).
        return linked or "." in head.strip(".") or any(ch.isupper() for ch in head[1:])
    return False


_SEGMENT_MARKS = re.compile(r"[(\[（)\]）;；]")


def _segments(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Spans of ``text[start:end]`` split at semicolons outside nested brackets."""
    if text.find(";", start, end) < 0 and text.find("；", start, end) < 0:
        yield start, end
        return
    depth = 0
    seg = start
    for match in _SEGMENT_MARKS.finditer(text, start, end):
        ch = match.group()
        if ch in "([（":
            depth += 1
        elif ch in ")]）":
            depth = max(0, depth - 1)
        elif depth == 0:
            yield seg, match.start()
            seg = match.end()
    yield seg, end


def _links_in(links: list[Link], start: int, end: int) -> list[Link]:
    return [link for link in links if link.start < end and link.end > start]


def parenthesis_spans(text: str) -> list[tuple[int, int]]:
    """``(open, close)`` positions of every balanced pair of parentheses, outermost first."""
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for match in _PARENS.finditer(text):
        if match.group() in _OPEN:
            stack.append(match.start())
        elif stack:
            pairs.append((stack.pop(), match.start()))
    # No two pairs open at the same place, so ordering by the opening orders outermost first.
    pairs.sort()
    return pairs


def parse_source_date(segment: str, *, linked: bool = False) -> tuple[str, PartialDate] | None:
    """``(source, date)`` from ``Source, <date>`` or ``Author 2023``; None when it is neither."""
    segment = squash(segment).rstrip(".")
    match = _SOURCE_DATE.match(segment)
    if match is None:
        match = _NAME_YEAR.match(segment)
        if match is None or _NOT_A_NAME.search(match.group("source")):
            return None
    source = _strip_source(match.group("source"))
    date = parse_date(match.group("date"))
    if date is None or not plausible_source(source, linked=linked):
        return None
    if date.month is None and _PLAN_END.search(source):
        # "(14th Five-Year Plan, 2021)", "(Belt and Road Initiative, 2013)": a plan or an
        # event named with its year, not a source.
        return None
    return source, date


def _caption(inner: str) -> tuple[str, PartialDate | None] | None:
    match = _CAPTION.match(inner.strip()) or _COURTESY.match(inner.strip())
    if match is None:
        return None
    rest = squash(match.group("rest")).rstrip(".")
    parsed = parse_source_date(rest, linked=True)
    if parsed is not None:
        return parsed
    if not rest or len(rest) > 100:
        return None
    return rest, None


def parentheticals(block: Block, kind: str) -> tuple[list[Found], list[tuple[int, int]]]:
    """Author–date citations and captions in parentheses, with the spans they used up."""
    text = block.text
    found: list[Found] = []
    used: list[tuple[int, int]] = []
    covered_until = -1
    may_url = _may_hold_url(text)
    for opened, closed in parenthesis_spans(text):
        if opened < covered_until:
            continue
        if closed - opened > 601:
            continue
        inner = text[opened + 1 : closed]
        if not inner.strip():
            continue
        links = _links_in(block.links, opened, closed) if block.links else []
        credit = _CREDIT_WORD.search(inner) is not None
        # Without a digit, a link or a credit word a parenthesis is a gloss; skip it cheaply.
        if not credit and not links and _DIGIT.search(inner) is None:
            continue
        # Every caption form starts with a credit word.
        caption = _caption(inner) if credit else None
        if caption is not None:
            source, date = caption
            found.append(
                Found(
                    "caption",
                    opened,
                    closed + 1,
                    source=source,
                    date=date,
                    url=links[0].href if links else "",
                )
            )
            used.append((opened, closed + 1))
            covered_until = closed
            continue
        items = list(_parenthetical_items(block, opened + 1, closed, kind, may_url))
        for item in items:
            item.anchor = opened
        if items:
            found.extend(items)
            used.append((opened, closed + 1))
            covered_until = closed
    return found, used


def _parenthetical_items(
    block: Block, start: int, end: int, kind: str, may_url: bool = True
) -> Iterator[Found]:
    text = block.text
    previous_source = ""
    for seg_start, seg_end in _segments(text, start, end):
        raw = text[seg_start:seg_end]
        links = _links_in(block.links, seg_start, seg_end) if block.links else []
        urls = [u for _, _, u in find_urls(raw)] if may_url else []
        bare = raw
        for url in urls:
            bare = bare.replace(url, " ")
        bare = squash(bare).strip(" ,;")
        parsed = parse_source_date(bare, linked=bool(links))
        if parsed is None and previous_source:
            # "(Xinhua, October 27, 2023; November 2)" cites the same source twice.
            date = parse_date(bare)
            if date is not None and date.month is not None:
                parsed = (previous_source, date)
        url = links[0].href if links else (urls[0] if urls else "")
        if parsed is not None:
            source, date = parsed
            previous_source = source
            yield Found(kind, seg_start, seg_end, source=source, date=date, url=url)
        elif links and bare and _linked_name(bare, linked=True):
            # A hyperlinked parenthesis is a citation even without a date: "(<a>Xinhua</a>)".
            yield Found(kind, seg_start, seg_end, source=_strip_source(bare), url=url)
        elif urls and not bare and not not_a_citation(url, _words_before(text, start)):
            yield Found(kind, seg_start, seg_end, url=url)


def _words_before(text: str, start: int) -> str:
    """The words a parenthesis follows, back to the last separator: the words its URL
    stands for in a text report ("About us (https://…)")."""
    head = text[max(0, start - 80) : max(0, start - 1)]
    return re.split(r"[·•|,;:.!?()]", head)[-1].strip()


def _may_hold_url(text: str) -> bool:
    """False only when :data:`URL_RE` cannot match: no ``://`` and no ``www.``."""
    return "://" in text or "www." in text.lower()


def _linked_name(text: str, *, linked: bool) -> bool:
    source = _strip_source(text)
    # A link's words name a source only as a name would be written: "our explainer from
    # last year" is prose, while a domain or a brand (thepaper.cn, iFeng) is a name.
    return (
        plausible_source(source, linked=linked)
        and (not source[:1].islower() or plausible_source(source))
        and len(source.split()) <= 8
    )


def narratives(block: Block, used: list[tuple[int, int]]) -> list[Found]:
    """Narrative citations in a body block ("Zenz (2019) argues…"), outside ``used`` spans."""
    text = block.text
    if "(19" not in text and "(20" not in text:
        return []
    out: list[Found] = []
    for year in _NARRATIVE_YEAR.finditer(text):
        name = _NARRATIVE_NAME.search(text, max(0, year.start() - 60), year.start())
        if name is None:
            continue
        if name.group("lead") is None and _REPORTING_VERB.match(text, year.end()) is None:
            continue
        start, end = name.start("source"), year.end()
        if any(s < end and start < e for s, e in used):
            continue
        source = name.group("source")
        if _NOT_A_NAME.search(source) or _DANGLING.search(source) or _MONTH_START.match(source):
            continue
        date = parse_date(year.group("date"))
        if date is not None:
            out.append(Found("inline", start, end, source=source, date=date))
    return out


def loose_links(block: Block, used: list[tuple[int, int]]) -> list[Found]:
    """URLs and hyperlinks of a body block that no citation took, one record each."""

    def taken(start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in used)

    out: list[Found] = []
    seen: set[str] = set()
    for link in block.links:
        if taken(link.start, link.end) or link.href in seen:
            continue
        seen.add(link.href)
        label = squash(block.text[link.start : link.end])
        if _BOILERPLATE_LINK.match(label) or not_a_citation(link.href, label):
            continue
        title = "" if label == link.href or label.startswith(("http://", "https://")) else label
        out.append(Found("inline", link.start, link.end, url=link.href, title=title))
    for start, end, url in find_urls(block.text):
        if taken(start, end) or url in seen:
            continue
        label = _words_before(block.text, start) if block.text[start - 1 : start] == "(" else ""
        if not_a_citation(url, label):
            continue
        seen.add(url)
        out.append(Found("inline", start, end, url=url))
    out.sort(key=lambda f: f.start)
    return out
