"""Notes and reference lists: one record per reference, in the styles reports use.

A note is split into references (at top-level semicolons and where an APA entry begins);
each reference is read by the first rule that fits — APA, a quoted title (Chicago, MLA,
Harvard), the source and date at its start, the style-specific forms of
:mod:`linkwatch.extract.styles` — and every further URL in it becomes a record too.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

from linkwatch.extract.dates import (
    DATE_ANY,
    DATE_RE,
    PartialDate,
    first_date,
    from_match,
    parse_date,
)
from linkwatch.extract.document import Block, Link
from linkwatch.extract.parse import (
    _LEAD_IN,
    Found,
    _links_in,
    _segments,
    _strip_source,
    parentheticals,
    parse_source_date,
    plausible_source,
    squash,
)
from linkwatch.extract.styles import (
    URL_LABEL,
    parse_author_date,
    parse_nature,
    parse_publication,
    parse_vancouver,
    title_and_container,
)
from linkwatch.extract.urls import (
    DOI_RE,
    clean_url,
    doi_of_url,
    find_urls,
    normalise_doi,
    not_a_citation,
)

# Notes.
_ACCESSED = re.compile(
    r"[,.;(\[]?\s*[(\[]?(?:last\s+)?(?:accessed|retrieved|viewed|consulted|visited|cited)"
    r"(?:\s+on)?\s*:?\s*(?P<date>" + DATE_ANY + r")\.?[)\]]?(?:,?\s*from\b)?",
    re.IGNORECASE,
)
_ALTERNATE = re.compile(
    r"\(\s*(?:free\s+download|free\s+version|also\s+available|available|alternative(?:\s+link)?|"
    r"alternate(?:\s+link)?|mirror|open\s+access(?:\s+version)?|preprint|pdf|archived(?:\s+copy)?)"
    r"(?:\s+(?:at|from|on|here|version))?\s*:?\s*(?P<url>(?:https?://|www\.)[^\s()]+(?:\([^\s()]*\)[^\s()]*)*)\s*\)",
    re.IGNORECASE,
)
_APA = re.compile(
    r"(?P<authors>[^()]{1,200}?)\s*\((?P<date>(?:1[89]|20)\d\d[a-z]?(?:\s*[-–]\s*\d{2,4})?"
    r"(?:\s*,\s*[^()]{1,30})?|n\.\s?d\.)\)"
    r"\s*[.,:]?\s*(?P<rest>.*)$",
    re.DOTALL,
)
# The parenthesised date an APA entry needs; where none is, _APA cannot match.
_APA_DATE = re.compile(
    r"\((?:(?:1[89]|20)\d\d[a-z]?(?:\s*[-–]\s*\d{2,4})?(?:\s*,\s*[^()]{1,30})?|n\.\s?d\.)\)"
)
# Where a new APA entry starts after a full stop: an author list (names, initials, "&",
# "et al.") followed by "(2023)." or "(2023, September 18).". URLs and sentence-ending
# words are not names, so a preceding "The New Yorker. https://…" is not taken in.
_AUTHOR_TOKEN = r"(?:[^\s().:/]+|[A-Z]\.(?:[A-Z]\.)?,?|al\.,?|Jr\.,?|Sr\.,?)"
_APA_START = re.compile(
    r"(?<=[.!?]\s)(?=[A-Z][^\s().:/]*(?:\s+"
    + _AUTHOR_TOKEN
    + r"){0,12}?\s*\((?:(?:1[89]|20)\d\d[a-z]?"
    r"(?:,\s*[^()]{1,30})?|n\.\s?d\.)\)\.)"
)
# A title in double quotes, or in single curly quotes (British style), where a ’ followed by a
# letter is an apostrophe inside the title.
_QUOTED_TITLE = re.compile(
    r"(?:[“\"](?P<title>[^”\"]{3,300}?)[,.]?[”\"]"
    r"|‘(?P<stitle>(?:[^‘’]|’(?=\w)){3,300}?)[,.]?’(?!\w))\s*[,.]?\s*"
)
_SENTENCE = re.compile(r"(?<!\b[A-Z]\.)(?<=[.?!])\s+(?=[A-Z“\"‘(\[0-9])")
_CONTAINER_TAIL = re.compile(
    r"(?:,\s*(?:vol\.?|volume|no\.?|issue|pp?\.|\d).*$|\s+\d+\s*\(\d+\).*$"
    # a volume number after the journal's name ("Journal of Hydrology 590 (2020)"), not a year
    r"|\s+(?!(?:19|20)\d\d\b)\d{1,4}(?:\s*\(.*)?$)",
    re.IGNORECASE,
)
_SEE = re.compile(
    r"\b(?:see(?:\s+also)?|cf\.|according\s+to|reported\s+by|quoted\s+in|cited\s+in)\s+"
    r"(?P<source>[^,;()“”\"]{2,80}?),\s+(?P<date>" + DATE_ANY + r")(?![\w])",
    re.IGNORECASE,
)
_LEADING = re.compile(
    r"^(?P<source>[^,;()]{1,100}?),\s*(?P<date>" + DATE_ANY + r")(?![\w])", re.IGNORECASE
)
# Letters that case-insensitive matching also takes for "i" and "s" (ı, İ, ſ): where none is
# present, a lower-cased substring test tells whether a case-insensitive word can occur.
_FOLDING = re.compile("[\u0130\u0131\u017f]")
_ACCESSED_WORDS = ("accessed", "retrieved", "viewed", "consulted", "visited", "cited")
_SEE_WORDS = ("see", "cf.", "according", "reported", "quoted", "cited")
_PLACE_PUBLISHER = re.compile(
    r"^[A-Z][\w’'.-]*(?:[ -][A-Z][\w’'.-]*){0,3}(?:,\s*[A-Z][\w.]*)?:\s+(?P<publisher>\S.*)$"
)
# Authors that are people: "Zenz, A.", "Byler, D., & Tobin, D.", "A. Zenz and J. Smith".
_PERSON_AUTHORS = re.compile(r"(?:,\s*[A-Z]\.|\b[A-Z]\.\s+[A-Z][a-z]|&|\bet\s+al\b)")
# "Government of the Kyrgyz Republic, Decree No. 217, May 19, 2020": source, unquoted title, date.
_LEADING_TITLED = re.compile(
    r"^(?P<source>[^,;()]{1,100}?),\s*(?P<title>[^,;()“”\"‘]{1,200}?),\s*(?P<date>"
    + DATE_ANY
    + r")(?![\w])",
    re.IGNORECASE,
)
# A clause that leads into a reference: "for Tajikistan, ", "On the loans, ".
_CLAUSE_LEAD = r"^(?:[a-z]|(?:For|On|In|As\s+for|Regarding|About|Compare|Also|And)\b)"
_CLAUSE_START = re.compile(_CLAUSE_LEAD)
_LOWER_CLAUSE = re.compile(_CLAUSE_LEAD + r"[^,;()]{0,60},\s+")
_SEE_INSIDE = re.compile(r"(?:^|[\s,;])(?:see(?:\s+also)?|cf\.)\s+", re.IGNORECASE)
# "Debt figures: ", "Trade and investment figures: ": a label of a capitalised word and
# lower-case words, not a name such as "Turkmenistan: The Golden Age".
_LABEL = re.compile(r"^[A-Z][a-z]+(?:\s+[a-z]+){1,5}:\s+(?P<rest>\S.*)$")
_SKIP_NOTE = re.compile(r"^\s*(?:ibid|id)\.?\s*(?:,|$)", re.IGNORECASE)


# -- notes ---------------------------------------------------------------------------


def _may_hold(text: str, words: tuple[str, ...]) -> bool:
    """False only when none of the lower-case ``words`` can match ``text`` ignoring case."""
    lower = text.lower()
    return any(word in lower for word in words) or _FOLDING.search(text) is not None


_VOLUME_SEMICOLON = re.compile(r";(?=\s?\d)")
_URLISH = re.compile(r"(?:https?://|www\.|doi\b|10\.\d{4,9}/)\S*", re.IGNORECASE)


def _note_segments(text: str) -> list[tuple[int, int]]:
    """A note split into references: at top-level semicolons and where an APA entry begins."""
    # Semicolons inside URLs and DOIs (``…3.0.CO;2-4``) do not separate references, nor do
    # Vancouver's before a volume or a year (``2021;23(4)``, ``Geneva: WHO; 2019``).
    masked = text
    for s, e, url in find_urls(text):
        if ";" in url or "；" in url:
            masked = masked[:s] + url.replace(";", "_").replace("；", "_") + masked[e:]
    if ";" in masked:
        for match in DOI_RE.finditer(masked):
            inner = clean_url(match.group())  # a ";" that ends the DOI still separates
            end = match.start() + len(inner)
            masked = masked[: match.start()] + inner.replace(";", "_") + masked[end:]
        masked = _VOLUME_SEMICOLON.sub("_", masked)
    spans: list[tuple[int, int]] = []
    for seg_start, seg_end in _segments(masked, 0, len(masked)):
        cuts = [seg_start]
        # An entry starts only before a parenthesised date; most references have none.
        dated = _APA_DATE.search(masked, seg_start, seg_end) is not None
        for match in _APA_START.finditer(masked, seg_start, seg_end) if dated else ():
            # An APA entry goes on with a title after its "(2021)."; a year that ends the
            # reference (Nature: "Water Policy 23, 812–830 (2021).") starts nothing.
            close = masked.find(").", match.start(), seg_end)
            after = _URLISH.sub(" ", masked[close + 2 : seg_end]) if close >= 0 else ""
            if match.start() > cuts[-1] and re.search(r"[A-Za-z]{3}", after):
                cuts.append(match.start())
        cuts.append(seg_end)
        spans.extend(itertools.pairwise(cuts))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip(" .")]


def _container(text: str) -> str:
    """The journal, outlet or publisher a reference's remainder names first."""
    text = squash(text)
    text = re.sub(r"^\([^()]{0,80}\)\s*[,.]?\s*", "", text)  # a gloss such as (标题)
    text = re.sub(r"^(?:in|published\s+(?:by|in))\s+", "", text, flags=re.IGNORECASE)
    # "Water Policy Quarterly 12, no. 2": the issue goes first, then the volume.
    text = _CONTAINER_TAIL.sub("", _CONTAINER_TAIL.sub("", text))
    return text.strip(" ,.;:*_")


def _parse_apa(text: str) -> Found | None:
    dated = _APA_DATE.search(text)
    if dated is None:
        return None
    # The authors hold no parenthesis, so no match starts before the last one ahead of the
    # first date; starting there spares trying every earlier position.
    start = max(text.rfind("(", 0, dated.start()), text.rfind(")", 0, dated.start())) + 1
    match = _APA.search(text, start)
    if match is None:
        return None
    authors = match.group("authors")
    # "See related discussion in Zenz, A." — the author list starts after the lead-in.
    lead = re.search(r"^(?:.*\b(?:in|see(?:\s+also)?|by|cf\.)\s+)", authors, re.IGNORECASE)
    if lead and match.start("authors") == 0:
        authors = authors[lead.end() :]
    authors = squash(authors).strip(" ,;")
    if not authors or len(authors) > 160 or not (authors[0].isupper() or not authors[0].isascii()):
        return None
    if any(mark in authors for mark in '“”"‘'):
        # A quoted title before the year: Chicago's "Journal 12, no. 2 (2021)", not APA.
        return None
    raw_date = match.group("date")
    date = None if raw_date.replace(" ", "").lower() == "n.d." else _apa_date(raw_date)
    rest = match.group("rest")
    if rest[:1] in '‘“"':
        # Harvard: "(2011) ‘Title’, Wired, 7 March." — the container follows the quoted title.
        title, container = title_and_container(rest)
        day = DATE_RE.search(rest)
        found = from_match(day) if day else None
        same_year = found is not None and date is not None and found.year in (None, date.year)
        if same_year and date is not None and found is not None and date.month is None:
            date = PartialDate(date.year, found.month, found.day)
    else:
        parts = _sentences(rest)
        title = parts[0].rstrip(".") if parts else ""
        container = _container(parts[1]) if len(parts) > 1 else ""
    published_by = _PLACE_PUBLISHER.match(container)
    if published_by is not None:
        # "Almaty: EDB Centre": a report or book; its author, when an organisation, is the
        # source, else the publisher without its place.
        person = _PERSON_AUTHORS.search(authors) is not None
        container = published_by.group("publisher") if person else ""
    source = container if container and plausible_source(container) else authors.rstrip(".")
    return Found(
        "note",
        match.start("authors"),
        match.end(),
        source=squash(source),
        author=authors,
        date=date,
        title=squash(title),
    )


def _apa_date(raw: str) -> PartialDate | None:
    raw = squash(raw)
    date = parse_date(raw)
    if date is not None:
        return date
    year = re.match(r"\d{4}", raw)
    return PartialDate(int(year.group())) if year else None


def _parse_quoted(text: str) -> Found | None:
    match = _QUOTED_TITLE.search(text)
    if match is None:
        return None
    pre = squash(text[: match.start()]).strip(" ,.;:")
    post = text[match.end() :]
    if len(pre) > 160 or len(_sentences(pre)) > 3:
        return None
    title = squash(match.group("title") or match.group("stitle"))
    pre_parsed = parse_source_date(pre) if pre else None
    if pre_parsed is not None:
        return Found("note", 0, len(text), source=pre_parsed[0], date=pre_parsed[1], title=title)
    date_match = first_date(post)
    date: PartialDate | None = from_match(date_match) if date_match else None
    container = _container(post[: date_match.start()] if date_match else post.split(". ")[0])
    pre = _LEAD_IN.sub("", _name_before_title(pre))
    if container and (len(container.split()) > 12 or not plausible_source(container)):
        container = ""
    if not container and not (pre and plausible_source(pre) and len(_sentences(pre)) == 1):
        return None
    source = container or pre
    author = pre if container else ""
    return Found("note", 0, len(text), source=squash(source), author=author, date=date, title=title)


def _name_before_title(pre: str) -> str:
    """The author or organisation that a quoted title follows, without the words before it.

    "On the legal basis, see CSTO" gives "CSTO"; "Debt figures: Ministry of Finance" gives
    the ministry; after an earlier citation ("see Reuters, August 19, 2017, and, for the
    renewal, Ministry of Water Resources") the last clause that reads as a name is kept.
    """
    last_see = max((m.end() for m in _SEE_INSIDE.finditer(pre)), default=0)
    # After an earlier citation's date, the name is in what follows it.
    last_date = max(
        (m.end() for m in DATE_RE.finditer(pre, last_see) if m.lastgroup != "y"), default=last_see
    )
    pre = pre[last_date:].lstrip(" ,;")
    label = _LABEL.match(pre)
    if label is not None and plausible_source(label.group("rest")):
        pre = label.group("rest")
    if plausible_source(_LEAD_IN.sub("", pre)):
        return pre
    parts = pre.split(", ")
    for i in range(1, len(parts)):
        tail = ", ".join(parts[i:])
        if tail[:1].isupper() and parse_date(tail) is None and plausible_source(tail):
            return tail
    return pre


def _parse_leading(text: str) -> Found | None:
    """``Xinhua, October 27, 2023, <title>`` or ``Ministry, Decree No. 217, May 19, 2020``
    at the start of a reference, perhaps after a lower-case lead-in ("for Tajikistan, ")."""
    found = _leading_at(text)
    if found is None:
        lead = _LOWER_CLAUSE.match(text)
        if lead is not None:
            found = _leading_at(text[lead.end() :])
    return found


def _leading_at(text: str) -> Found | None:
    match = _LEADING.match(text)
    if match is not None:
        parsed = parse_source_date(f"{match.group('source')}, {match.group('date')}")
        if parsed is None:
            return None
        source, date = parsed
        rest = squash(text[match.end() :]).strip(" ,.;:")
        title = _sentences(rest)[0].rstrip(".") if rest and not rest.startswith("http") else ""
        return Found("note", 0, match.end(), source=source, date=date, title=title)
    match = _LEADING_TITLED.match(text)
    if match is None or _CLAUSE_START.match(match.group("source")):
        return None
    title = squash(match.group("title"))
    parsed = parse_source_date(f"{match.group('source')}, {match.group('date')}")
    # Only a month or a day shows that the title's end is a date, not a number in it.
    if parsed is None or parsed[1].month is None or len(title.split()) < 2:
        return None
    return Found("note", 0, match.end(), source=parsed[0], date=parsed[1], title=title)


def _parse_plain(text: str) -> Found | None:
    """``Author. Title. Publisher.`` with no date, as a last resort for a reference with a URL."""
    sentences = _sentences(text)
    parts = [p.rstrip(".") for p in sentences]
    if len(parts) >= 3:
        return Found("note", 0, len(text), author=sentences[0], title=parts[1], source=parts[-1])
    if len(parts) == 2:
        return Found("note", 0, len(text), source=parts[0], title=parts[1])
    if len(parts) == 1 and len(parts[0]) <= 200:
        return Found("note", 0, len(text), title=parts[0])
    return None


def notes(block: Block) -> list[Found]:
    """The references a note holds, one record per reference and per extra URL."""
    text = block.text
    out: list[Found] = []
    if _SKIP_NOTE.match(text):
        return out
    for seg_start, seg_end in _note_segments(text):
        out.extend(_note_segment(block, seg_start, seg_end))
    return out


def _note_segment(block: Block, seg_start: int, seg_end: int) -> list[Found]:
    raw = block.text[seg_start:seg_end]
    excerpt = squash(raw)
    # Alternates ("free download at URL") become records of their own.
    alternates = [m.group("url") for m in _ALTERNATE.finditer(raw)]
    body = _ALTERNATE.sub(" ", raw)
    accessed_match = _ACCESSED.search(body) if _may_hold(body, _ACCESSED_WORDS) else None
    accessed = ""
    if accessed_match is not None:
        found_date = DATE_RE.fullmatch(accessed_match.group("date"))
        parsed = from_match(found_date) if found_date else None
        accessed = parsed.iso() if parsed else ""
        body = body[: accessed_match.start()] + " " + body[accessed_match.end() :]
    urls: list[str] = [u for _, _, u in find_urls(body)]
    for link in _links_in(block.links, seg_start, seg_end):
        if not_a_citation(link.href):
            continue
        if link.href not in urls and link.href not in alternates:
            urls.append(link.href)
    alternates = [clean for clean in (a.rstrip(".,;") for a in alternates)]
    bare = body
    for url in urls:
        bare = bare.replace(url, " ")
    doi_match = DOI_RE.search(bare)
    doi = normalise_doi(doi_match.group(1)) if doi_match else ""
    if doi_match is not None:
        bare = bare.replace(clean_url(doi_match.group(0)), " ")
        bare = re.sub(r"\bdoi\s*[:>]\s*", " ", bare, flags=re.IGNORECASE)
    bare = squash(URL_LABEL.sub(" ", bare)).strip(" ,;.")
    reference = (
        parse_nature(bare)
        or parse_author_date(bare)
        or _parse_apa(bare)
        or _parse_quoted(bare)
        or _parse_leading(bare)
        or parse_vancouver(bare)
    )
    extra: list[Found] = []
    if reference is None:
        extra = _running_citations(block, raw, seg_start)
        cited = {f.url for f in extra if f.url}
        urls = [u for u in urls if u not in cited]
        for item in extra:
            place = _PLACE_PUBLISHER.match(item.source) if item.kind == "note" else None
            if place is not None:
                item.source = place.group("publisher")  # "(Bishkek: Tian Shan Press, 2019)"
        unlinked = [f for f in extra if not f.url and f.kind == "note"]
        if urls and unlinked:
            # "Author, Title (Bishkek: Tian Shan Press, 2019), 45, URL": the URL is the book's.
            unlinked[0].url = urls.pop(0)
            unlinked[0].doi = doi_of_url(unlinked[0].url) or doi
        if urls or doi:
            reference = _parse_plain(bare) if not extra else None
        elif not extra:
            # A book or report with nothing to follow is still listed, to be linked by hand.
            reference = parse_publication(bare)
    out = list(extra)
    if reference is not None:
        # The note may go on in running text citing more: "… compare the IMF's request
        # (IMF, May 2020)", "see Reuters, August 19, 2017, and … Ministry, “Title,” …".
        also = [
            item
            for item in _running_citations(block, raw, seg_start)
            if item.kind == "note"
            and item.date is not None
            and not item.url
            and (item.source, item.date) != (reference.source, reference.date)
        ]
        reference.kind = "note"
        reference.start, reference.end = seg_start, seg_end
        reference.excerpt = excerpt
        reference.accessed = accessed
        reference.doi = doi
        if not urls and doi:
            urls = [f"https://doi.org/{doi}"]
        if urls:
            reference.url = urls[0]
            reference.doi = reference.doi or doi_of_url(urls[0])
        out.append(reference)
        for url in urls[1:]:
            out.append(_copy_for(reference, url, set()))
        for url in alternates:
            out.append(_copy_for(reference, url, {"alternate"}))
        out.extend(also)
    else:
        template = Found("note", seg_start, seg_end, excerpt=excerpt, accessed=accessed)
        if doi and not urls and not any(f.doi == doi for f in out):
            urls = [f"https://doi.org/{doi}"]  # a reference with a DOI always yields a record
        for url in urls:
            out.append(_copy_for(template, url, set()))
        for url in alternates:
            out.append(_copy_for(template, url, {"alternate"}))
    return out


def _running_citations(block: Block, raw: str, seg_start: int) -> list[Found]:
    """Citations in a note's running text: "(PRC government, December 26, 2018)",
    "see People's Daily, August 11"; positions in the block's coordinates."""
    sub = Block(text=raw, role="note", links=_shift(block.links, seg_start))
    extra, _ = parentheticals(sub, "note")
    for match in _SEE.finditer(raw) if _may_hold(raw, _SEE_WORDS) else ():
        source = _strip_source(match.group("source"))
        date_match = DATE_RE.fullmatch(match.group("date"))
        date = from_match(date_match) if date_match else None
        if date is not None and plausible_source(source):
            extra.append(Found("note", match.start(), match.end(), source=source, date=date))
    for item in extra:
        item.kind = "note" if item.kind != "caption" else item.kind
        item.start += seg_start
        item.anchor = item.anchor + seg_start if item.anchor >= 0 else -1
        item.end += seg_start
    extra.sort(key=lambda f: f.start)
    return extra


def _copy_for(reference: Found, url: str, flags: set[str]) -> Found:
    return dataclasses.replace(
        reference, url=url, doi=doi_of_url(url), flags=set(reference.flags) | flags
    )


def _shift(links: list[Link], offset: int) -> list[Link]:
    return [Link(link.start - offset, link.end - offset, link.href) for link in links]
