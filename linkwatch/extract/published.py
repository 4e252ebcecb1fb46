"""Inferring a report's publication date from what it cites and says.

Used only when neither ``--published`` nor the document's own metadata or
dateline gives the date. The rule (documented in ``docs/extraction.md``):

1. ``L`` is the latest full date cited in the body (day-precise first, then
   month-precise; the notes' dates only when the body has none).
2. Authors leave the year out of dates in the year they write, so when some
   citations are month-days without a year, the publication year ``Y`` is the
   year after ``L`` (or a later year the text itself mentions as past, such as
   "In January 2025"); every year-less citation is placed in ``Y``. When ``L``
   comes from the notes (the body dates nothing fully), ``Y`` is ``L``'s year:
   notes write full dates whatever the year.
3. The publication date is the latest of: the citations dated up to ``Y``
   (year-less ones placed in ``Y``), and the months the text mentions as past
   ("In January 2024", "A March 2024 report") no later than ``Y``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable

from linkwatch.extract.dates import MONTH, PartialDate, month_number

# "In January 2024", "a January 2024 report", "since March 2023", "early 2024". A month
# after "by", "until" or "through" is a deadline, not something that has happened.
_BEFORE_YEAR = re.compile(
    r"(?:(?P<before>\w+)\W+)?(?:(?P<month>" + MONTH + r")|(?P<period>early|mid|late|end\s+of|"
    r"start\s+of|beginning\s+of|spring|summer|autumn|fall|winter))[\s-]+$",
    re.IGNORECASE,
)
# A year can only be a mention when a month or a period word ends just before it, so the
# text is scanned once for years whose two preceding letters could end one (the endings of
# the words in _BEFORE_YEAR; a run of spaces or hyphens is left to the full check), and
# _BEFORE_YEAR reads the words before those few.
_CANDIDATE = re.compile(
    r"(?P<year>(?:19|20)\d\d)\b"
    r"(?:(?<=(?i:an|ry|eb|ar|ch|pr|il|ay|un|ne|ul|ly|ug|st|ep|pt|er|ct|ov|ec|id|te|of|ng|mn|ll|"
    r"[a-z]\.)[\s-]\d{4})|(?<=[\s-][\s-]\d{4}))"
)
_FUTURE = frozenset(
    {
        "by",
        "until",
        "till",
        "through",
        "thru",
        "before",
        "to",
        "and",
        "or",
        "next",
        "planned",
        "target",
    }
)
_PERIOD_MONTH = {
    "early": 1,
    "start of": 1,
    "beginning of": 1,
    "spring": 3,
    "mid": 6,
    "summer": 6,
    "autumn": 9,
    "fall": 9,
    "late": 10,
    "end of": 12,
    "winter": 12,
}


@dataclasses.dataclass(frozen=True, slots=True)
class Inference:
    """The publication date chosen and a sentence saying why."""

    date: dt.date
    reason: str


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _earliest_match(window: str) -> int:
    """A position no :data:`_BEFORE_YEAR` match in ``window`` starts before.

    A match is the month or period word that ends where the spaces before the year begin,
    optionally preceded by one word and the non-word characters after it. Month and period
    words are at most nine letters long, or end in "of" after spaces ("end of").
    """
    end = len(window.rstrip(" \t\n\r\f\v-"))
    while end and (window[end - 1].isspace() or window[end - 1] == "-"):
        end -= 1
    earliest = end - 9
    if window[end - 2 : end].lower() == "of":
        k = end - 2
        while k and window[k - 1].isspace():
            k -= 1
        earliest = k - 9
    i = max(0, earliest)
    while i and not _is_word(window[i - 1]):
        i -= 1
    while i and _is_word(window[i - 1]):
        i -= 1
    return i


def past_mentions(text: str) -> list[tuple[int, int]]:
    """``(year, month)`` of every month or period the text speaks of as past."""
    out: list[tuple[int, int]] = []
    for candidate in _CANDIDATE.finditer(text):
        start = candidate.start("year")
        window = text[max(0, start - 40) : start]
        match = _BEFORE_YEAR.search(window, _earliest_match(window))
        if match is None:
            continue
        before = (match.group("before") or "").lower()
        if before in _FUTURE:
            continue
        year = int(candidate.group("year"))
        if match.group("month"):
            month = month_number(match.group("month")) or 1
        else:
            month = _PERIOD_MONTH.get(" ".join(match.group("period").lower().split()), 1)
        out.append((year, month))
    return out


def infer_published(
    dates: Iterable[PartialDate], text: str, note_dates: Iterable[PartialDate] = ()
) -> Inference | None:
    """The publication date the citations and the text imply, or None when they give no year.

    ``dates`` are the body's citation dates, ``note_dates`` those of the notes.
    """
    body = list(dates)
    notes = list(note_dates)
    dated = [d for d in body + notes if d.year is not None]
    yearless = [d for d in body + notes if d.year is None and d.month is not None]
    # "The latest full date" is read in the body, where the author chose to write or omit the
    # year; notes write full dates whatever the year. A year alone cannot show that choice.
    pool = [d for d in body if d.year is not None and d.month is not None]
    # The stylistic rule only reads the body; a note's full date is a lower bound, not a sign
    # that the year-less citations come after it.
    from_body = bool(pool)
    pool = pool or [d for d in notes if d.year is not None and d.month is not None] or dated
    pool = [d for d in pool if d.day is not None] or pool
    latest = max(pool, key=PartialDate.sort_key) if pool else None
    mentions = past_mentions(text)
    if latest is None and not mentions:
        return None
    if latest is not None:
        ceiling = latest.year + 1 if latest.year is not None else 0
    else:
        ceiling = max(y for y, _ in mentions)
    mentioned_years = [y for y, _ in mentions if y <= ceiling]
    if yearless:
        if latest is not None and latest.year is not None and from_body:
            year = max([latest.year + 1, *mentioned_years])
            why = (
                f"year-less citations are placed in {year}, the year after the latest "
                f"fully dated citation in the text ({latest.iso()})"
            )
        elif latest is not None and latest.year is not None:
            year = max([latest.year, *mentioned_years])
            why = (
                f"year-less citations are placed in {year}, the year of the latest "
                f"fully dated reference in the notes ({latest.iso()})"
            )
        else:
            year = max(mentioned_years)
            why = f"year-less citations are placed in {year}, the latest year the text mentions"
        if year in mentioned_years:
            why += f"; the text speaks of {year} as past"
        candidates = [dt.date(year, d.month or 1, d.day or 1) for d in yearless]
    else:
        assert latest is not None or mentions
        candidates = []
        why = "the latest citation date"
        year = ceiling
    candidates.extend(
        dt.date(d.year, d.month or 1, d.day or 1)
        for d in dated
        if d.year is not None and d.year <= year
    )
    candidates.extend(dt.date(y, m, 1) for y, m in mentions if y <= year)
    if not candidates:
        return None
    chosen = max(candidates)
    return Inference(chosen, f"inferred: {why}")
