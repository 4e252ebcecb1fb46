"""Dates as reports write them, normalised to ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

Handles English month names, full and abbreviated (``Sept.``, ``Jan``), in the
orders ``October 27, 2023``, ``27 October 2023``, ``2023, October 27`` (APA),
ISO dates, ``October 2023`` and bare years, plus month-days without a year
(``January 30``), whose year comes from the report's publication date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("january", "jan"),
        ("february", "feb"),
        ("march", "mar"),
        ("april", "apr"),
        ("may",),
        ("june", "jun"),
        ("july", "jul"),
        ("august", "aug"),
        ("september", "sep", "sept"),
        ("october", "oct"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number

#: A month name, full or abbreviated, with an optional full stop.
MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?\.?|"
    r"July?\.?|Aug(?:ust|\.)?|Sep(?:tember|t\.?|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|"
    r"Dec(?:ember|\.)?)"
)
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
# A day range ("27–28") cites its first day.
_DAYR = _DAY + r"(?:\s*[-–—]\s*" + _DAY + r")?"

#: Every date form a citation may end with, most specific first; named groups say what it holds.
DATE = (
    r"(?:"
    rf"(?P<iso>{_YEAR}[-/.](?:0?[1-9]|1[0-2])(?:[-/.](?:0?[1-9]|[12]\d|3[01]))?)(?![\d])"
    rf"|(?P<ymd>{_YEAR},?\s+{MONTH}(?:\s+{_DAYR})?)(?![\w])"
    rf"|(?P<mdy>{MONTH}\s+{_DAYR},?\s+{_YEAR})(?![\d])"
    rf"|(?P<dmy>{_DAYR}\s+{MONTH},?\s+{_YEAR})(?![\d])"
    rf"|(?P<my>{MONTH},?\s+{_YEAR})(?![\d])"
    rf"|(?P<cjk>{_YEAR}年(?:[01]?\d)月(?:(?:[0-3]?\d)日)?)"
    rf"|(?P<md>{MONTH}\s+{_DAYR})(?![\w])"
    rf"|(?P<dm>{_DAYR}\s+{MONTH})(?![\w])"
    rf"|(?P<y>{_YEAR}[a-z]?)(?![\d])"
    r")"
)
DATE_RE = re.compile(DATE, re.IGNORECASE)

_NUM = re.compile(r"\d+")
_WORD = re.compile(r"[A-Za-z]+")


@dataclasses.dataclass(frozen=True, slots=True)
class PartialDate:
    """A date as cited: the year may be missing (a month-day) and month/day may be unknown."""

    year: int | None
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; empty when the year is unknown."""
        if self.year is None:
            return ""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def with_year_from(self, published: dt.date) -> PartialDate:
        """The month-day placed in the publication year (the year before if it falls after)."""
        if self.year is not None or self.month is None:
            return self
        year = published.year
        day = self.day or 1
        if (self.month, day) > (published.month, published.day):
            year -= 1
        return PartialDate(year, self.month, self.day)

    def sort_key(self) -> tuple[int, int, int]:
        """Orders dates by their earliest possible day (unknown parts count as the start)."""
        return (self.year or 0, self.month or 0, self.day or 0)


def month_number(name: str) -> int | None:
    """The month (1–12) an English month name or abbreviation stands for, or None."""
    return _MONTHS.get(name.lower().rstrip("."))


def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    if month is None:
        return True
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    try:
        dt.date(year or 2000, month, day)
    except ValueError:
        return False
    return True


def from_match(match: re.Match[str]) -> PartialDate | None:
    """The date a :data:`DATE` match holds, or None when the values are impossible."""
    kind = match.lastgroup
    return _from_text(kind, match.group(kind or 0))


# Reports cite the same dates again and again ("2023", "October 27, 2023"), and a
# PartialDate is immutable, so each distinct date is read once and shared.
@functools.lru_cache(maxsize=1 << 16)
def _from_text(kind: str | None, text: str) -> PartialDate | None:
    nums = [int(n) for n in _NUM.findall(text)]
    month: int | None = None
    for word in _WORD.findall(text):
        month = _MONTHS.get(word.lower())
        if month is not None:
            break
    year: int | None
    day: int | None = None
    if kind == "iso" or kind == "cjk":
        year, month = nums[0], nums[1]
        day = nums[2] if len(nums) > 2 else None
    elif kind == "ymd":
        year = nums[0]
        day = nums[1] if len(nums) > 1 else None
    elif kind == "mdy" or kind == "dmy":
        day, year = nums[0], nums[-1]
    elif kind == "my":
        year = nums[0]
    elif kind in ("md", "dm"):
        year, day = None, nums[0]
    else:
        year, month = nums[0], None
    if not _valid(year, month, day):
        return None
    return PartialDate(year, month, day)


def first_date(text: str) -> re.Match[str] | None:
    """The first :data:`DATE` in ``text`` (as ``DATE_RE.search`` finds it), or None."""
    digit = _NUM.search(text)
    if digit is None:
        return None
    # Every date holds a digit, and at most a month name, a comma and spaces come before its
    # first one; no date starts earlier than that before the text's first digit.
    start = digit.start()
    while start and text[start - 1].isspace():
        start -= 1
    return DATE_RE.search(text, max(0, start - 10))


@functools.lru_cache(maxsize=1 << 16)
def parse_date(text: str) -> PartialDate | None:
    """The date ``text`` is (the whole of it, spaces and a final full stop aside), or None."""
    text = text.strip().rstrip(".").strip()
    match = DATE_RE.fullmatch(text)
    if match is None:
        return None
    return from_match(match)


def parse_iso_datetime(text: str) -> dt.date | None:
    """The day of an ISO 8601 date or date-time (as in HTML metadata), or None."""
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", text)
    if match is None:
        match = re.match(r"\s*(\d{4})(\d{2})(\d{2})\b", text)
    if match is None:
        found = parse_date(text)
        if found is None or found.year is None:
            return None
        return dt.date(found.year, found.month or 1, found.day or 1)
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def is_normalised(value: str) -> bool:
    """True when ``value`` is empty or a valid ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    if not value:
        return True
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if match is None:
        return False
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    return _valid(year, month, day)


#: :data:`DATE` without group names, to embed several times in one pattern.
DATE_ANY = re.sub(r"\(\?P<\w+>", "(?:", DATE)
