"""Choosing the capture that shows what the author saw, the way InternetArchiveBot does."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence

from linkwatch.archives.memento import Memento
from linkwatch.records import Citation

#: Captured statuses that can show the page itself (IABot accepts exactly these).
GOOD_STATUSES = frozenset({200, 203, 206})

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclasses.dataclass(frozen=True, slots=True)
class Target:
    """When the author saw the page: a day, or a month or year when that is all that is known."""

    start: dt.datetime
    end: dt.datetime
    """The last moment of the period (the day's end for a full date)."""
    source: str
    """Which citation field gave it: ``accessed``, ``date`` or ``published``."""
    since: dt.datetime | None = None
    """When the citing began (the citation's ``date``, when it comes before ``accessed``):
    a capture from then until ``end`` shows the page as it was while it was cited."""
    since_label: str = ""

    @property
    def label(self) -> str:
        """The period as written (``2023-10-27``, ``2023-10``, ``2023``); with :attr:`since`,
        both ends (``2019-03-01/2023-10-27``)."""
        if self.start.date() == self.end.date():
            own = self.start.strftime("%Y-%m-%d")
        elif self.start.month == self.end.month and self.start.year == self.end.year:
            own = self.start.strftime("%Y-%m")
        else:
            own = self.start.strftime("%Y")
        return f"{self.since_label}/{own}" if self.since is not None else own

    @property
    def timestamp(self) -> str:
        """The period's end as a 14-digit archive timestamp (what a TimeGate is asked for)."""
        return self.end.strftime("%Y%m%d%H%M%S")


def parse_target(value: str, source: str) -> Target | None:
    """A :class:`Target` from ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` ; None if not a date."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    try:
        if day:
            start = dt.datetime(int(year), int(month), int(day))
            end = start + dt.timedelta(days=1) - dt.timedelta(seconds=1)
        elif month:
            start = dt.datetime(int(year), int(month), 1)
            nxt = dt.datetime(start.year + (start.month == 12), start.month % 12 + 1, 1)
            end = nxt - dt.timedelta(seconds=1)
        else:
            start = dt.datetime(int(year), 1, 1)
            end = dt.datetime(int(year), 12, 31, 23, 59, 59)
    except ValueError:
        return None
    return Target(start=start, end=end, source=source)


def target_for(citation: Citation) -> Target | None:
    """What the author saw: ``accessed``, else ``date``, else the report's ``published``.

    With both ``date`` and a later ``accessed``, the target reaches back to ``date``
    (:attr:`Target.since`): the page was being cited all that time.
    """
    accessed = parse_target(citation.accessed, "accessed")
    if accessed is not None:
        date = parse_target(citation.date, "date")
        if date is not None and date.start < accessed.start:
            return dataclasses.replace(accessed, since=date.start, since_label=date.label)
    for source in ("accessed", "date", "published"):
        target = parse_target(getattr(citation, source), source)
        if target is not None:
            return target
    return None


def in_window(memento: Memento, target: Target | None, window_days: int) -> bool:
    """Whether a capture is close enough to the target to be representative: within
    ``window_days`` of it, or of the period from :attr:`Target.since` to its end."""
    if target is None:
        return True
    window = dt.timedelta(days=window_days)
    start = target.since if target.since is not None else target.start
    return start - window <= memento.when <= target.end + window


def candidates(
    mementos: Sequence[Memento], target: Target | None, window_days: int
) -> list[Memento]:
    """Captures that may be good, best first.

    Within the window: the closest on or before the target, then the closest after;
    beyond it the same order again (those give ``archived-late``). Captures whose
    recorded status is 200/203/206 or unknown (a TimeMap does not say; settled by
    fetching the capture) come first; captured redirects (3xx) follow in each group,
    since the capture of their target may show the page. Errors are left out. With no
    target date the newest capture comes first.
    """
    usable = [m for m in mementos if m.status is None or m.status in GOOD_STATUSES]
    moved = [m for m in mementos if m.status is not None and 300 <= m.status < 400]
    if target is None:
        newest = sorted(usable, key=lambda m: m.timestamp, reverse=True)
        return newest + sorted(moved, key=lambda m: m.timestamp, reverse=True)

    def ordered(group: list[Memento]) -> list[Memento]:
        before = sorted(
            (m for m in group if m.when <= target.end), key=lambda m: m.timestamp, reverse=True
        )
        after = sorted((m for m in group if m.when > target.end), key=lambda m: m.timestamp)
        return before + after

    def near(group: list[Memento], inside: bool) -> list[Memento]:
        return [m for m in group if in_window(m, target, window_days) is inside]

    return (
        ordered(near(usable, True))
        + ordered(near(moved, True))
        + ordered(near(usable, False))
        + ordered(near(moved, False))
    )
