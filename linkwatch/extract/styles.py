"""Reference forms of the citation styles whose dates do not sit in APA's parentheses.

- author–date without parentheses (Chicago author–date, some Harvard):
  ``Smith, Jane, and Ali Hassan. 2021. “Title.” Journal 23 (4): 812–30.``
- Nature: ``Smith, J. & Hassan, A. Title. Journal 23, 812–830 (2021).``
- Vancouver/ICMJE: ``Smith J, Hassan A. Title. Journal. 2021;23(4):812-30.`` and
  ``Author. Title [Internet]. Place: Publisher; 2019 [cited 2020 Mar 14].``
- a book or report ending in its publisher and year: ``Author. Title. Place: Publisher, 2019.``

Each returns a :class:`~linkwatch.extract.parse.Found` with ``source`` the journal or
publisher (else the first author), never a page range, a volume or a piece of the title.
Also here: the labels that lead into a URL (``Available at:``, ``URL:``, ``[Online]``),
removed before a reference is read.
"""

from __future__ import annotations

import re

from linkwatch.extract.dates import DATE_RE, PartialDate, from_match, parse_date
from linkwatch.extract.parse import Found, plausible_source, squash

_YEAR = r"(?:1[89]|20)\d\d"

# "Smith, Jane, and Ali Hassan. 2021. Rest" / "Reuters. 2024. Rest" / "Evans, P. 2012. Rest"
_AUTHOR_DATE = re.compile(
    r"^(?P<authors>[^()“”\"]{2,200}?)\.\s+(?P<year>" + _YEAR + r")(?:[a-z]|\s*[-–]\s*\d{2,4})?"
    r"\.\s+(?P<rest>\S.*)$",
    re.DOTALL,
)
# "… Journal 23, 812–830 (2021)." with the year in parentheses at the very end.
_NATURE_TAIL = re.compile(
    r"(?P<journal>[A-Z][^()]*?)\s+\**(?P<volume>\d{1,5}[A-Z]?)\**\s*,\s*(?P<pages>[A-Za-z]?\d[\w–-]*)"
    r"\s*\((?P<year>" + _YEAR + r")\)\.?$"
)
# "Journal. 2021;23(4):812-30" or "Journal. 2021 Mar 4;23(4)".
_VANCOUVER_JOURNAL = re.compile(
    r"^(?P<authors>[^.]{2,200}?)\.\s+(?P<title>.+?)\.\s+(?P<journal>[A-Z][^.;]{1,100}?)\.\s+"
    r"(?P<date>" + _YEAR + r"(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2}(?:\s*[-–]\s*\d{1,2})?)?)?)\s*;\s*\d",
    re.DOTALL,
)
# "Place: Publisher; 2019" (Vancouver books and web pages).
_VANCOUVER_PUBLISHER = re.compile(
    r"(?:^|\.\s+)(?:[A-Z][\w .’'-]{1,40}(?:\s*\([^()]{1,30}\))?):\s*(?P<publisher>[^.;:]{2,100}?)"
    r";\s*(?P<date>" + _YEAR + r"(?:\s+[A-Z][a-z]{2}(?:\s+\d{1,2}(?:\s*[-–]\s*\d{1,2})?)?)?)\b"
)
# Labels that lead into a URL or stand for one: removed before a reference is read.
URL_LABEL = re.compile(
    r"\[\s*(?:online|internet)\s*\]\.?|\b(?:available(?:\s+(?:at|from|online))?|url|online)\s*:"
    r"|<\s*>|\[\s*\]|\(\s*\)",
    re.IGNORECASE,
)
# A title's last word: a lower-case word ends the sentence before the journal's name.
_TITLE_END = re.compile(r"(?<=[a-z\d?!)”’\"])[.?!]\s+(?=[A-Z])")


def parse_author_date(text: str) -> Found | None:
    """``Authors. 2021. Title. Container…`` (author–date without parentheses)."""
    match = _AUTHOR_DATE.match(text)
    if match is None:
        return None
    authors = squash(match.group("authors")).strip(" ,;")
    if not authors[:1].isupper() or len(authors.split()) > 25 or _sentence_like(authors):
        return None
    year = int(match.group("year"))
    rest = match.group("rest")
    date = PartialDate(year)
    # A fuller date of the same year later on ("September 3, 2024") says more.
    for found in DATE_RE.finditer(rest):
        fuller = from_match(found)
        if fuller is not None and fuller.year == year and fuller.month is not None:
            date = fuller
            break
    title, container = title_and_container(rest)
    source = container if container and plausible_source(container) else authors
    return Found("note", 0, len(text), source=source, author=authors, date=date, title=title)


def parse_nature(text: str) -> Found | None:
    """``Authors. Title. Journal Vol, pages (Year).`` (Nature and similar)."""
    tail = _NATURE_TAIL.search(text)
    if tail is None:
        return None
    head = text[: tail.start("journal")] + tail.group("journal")
    splits = list(_TITLE_END.finditer(head))
    if not splits:
        return None
    journal = squash(head[splits[-1].end() :]).rstrip(".")
    before = head[: splits[-1].start()]
    authors, _, title = before.partition(". ")
    # Authors end at their last initial ("Smith, J. & Hassan, A."); the title follows.
    initials = list(re.finditer(r"(?:^|[\s,&])[A-Z]\.(?:[-\s]?[A-Z]\.)*(?=\s)", before))
    if initials:
        cut = initials[-1].end()
        authors, title = before[:cut], before[cut:]
    if not journal or not plausible_source(journal):
        return None
    return Found(
        "note",
        0,
        len(text),
        source=journal,
        author=squash(authors).strip(" ,."),
        date=PartialDate(int(tail.group("year"))),
        title=squash(title).strip(" ."),
    )


def parse_vancouver(text: str) -> Found | None:
    """``Authors. Title. Journal. 2021;23(4):812-30`` or ``… Place: Publisher; 2019``."""
    match = _VANCOUVER_JOURNAL.match(text)
    if match is not None:
        return Found(
            "note",
            0,
            len(text),
            source=squash(match.group("journal")),
            author=squash(match.group("authors")),
            date=parse_date(match.group("date")) or PartialDate(int(match.group("date")[:4])),
            title=squash(match.group("title")),
        )
    match = _VANCOUVER_PUBLISHER.search(text)
    if match is None:
        return None
    authors, _, title = text[: match.start()].partition(". ")
    publisher = squash(match.group("publisher"))
    if not plausible_source(publisher):
        return None
    return Found(
        "note",
        0,
        len(text),
        source=publisher,
        author=squash(authors),
        date=parse_date(match.group("date")) or PartialDate(int(match.group("date")[:4])),
        title=squash(re.sub(r"\[[^\]]*\]", "", title)).strip(" ."),
    )


def title_and_container(rest: str) -> tuple[str, str]:
    """The title (quoted, or the first sentence) and the container named after it."""
    rest = squash(rest)
    quoted = re.match(r"^[“\"‘](?P<title>.+?)[,.]?[”\"’](?!\w)\s*[,.]?\s*(?P<after>.*)$", rest)
    if quoted is not None:
        title, after = quoted.group("title"), quoted.group("after")
    else:
        title, _, after = rest.partition(". ")
    if DATE_RE.match(after) is not None:
        return title.strip(" ."), ""  # "“Title.” September 3, 2024." names no container
    container = re.split(r"(?<=[a-z\d)])\.\s|,\s|\s+\d|\s*\(|:\s", after, maxsplit=1)[0]
    container = container.strip(" .,;*_")
    if parse_date(container) is not None or len(container.split()) > 12:
        container = ""
    return title.strip(" ."), container


def _sentence_like(words: str) -> bool:
    """True for prose rather than a list of names."""
    lower = sum(1 for w in words.split() if w[:1].islower() and w not in ("and", "&", "et", "al."))
    return lower > 2


# "Tian Shan Press, 2019" or "Bishkek: Tian Shan Press, 2019" ending a reference.
_PUBLISHER_YEAR = re.compile(
    r"(?:^|\.\s+)(?:[A-Z][\w .’'-]{1,40}(?:,\s*[A-Z][\w.]*)?:\s*)?"
    r"(?P<publisher>[A-Z][^.:;]{1,80}?),\s*(?P<year>" + _YEAR + r")\.?$"
)


_AUTHORS_END = re.compile(r"(?<!\b[A-Z])\.\s+")


def parse_publication(text: str) -> Found | None:
    """``Author. Title. Place: Publisher, 2019.`` — a book or report (Chicago, MLA, IEEE)
    with neither URL nor DOI, whose publisher and year end it."""
    match = _PUBLISHER_YEAR.search(text)
    if match is None or match.start() == 0:
        return None
    head = text[: match.start()]
    # Authors end at the first full stop that does not close an initial ("J. Smith. Title"),
    # else (IEEE: "J. Smith, Title") at the first comma.
    cut = _AUTHORS_END.search(head)
    authors, _, title = (
        (head[: cut.start()], "", head[cut.end() :]) if cut else head.partition(", ")
    )
    publisher = squash(match.group("publisher"))
    if not authors[:1].isupper() or not title or not plausible_source(publisher):
        return None
    return Found(
        "note",
        0,
        len(text),
        source=publisher,
        author=squash(authors).strip(" ,."),
        date=PartialDate(int(match.group("year"))),
        title=squash(title).strip(" ."),
    )
