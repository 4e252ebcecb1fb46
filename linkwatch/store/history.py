"""Per-URL history between runs, and the rule that turns failures into "confirmed dead".

Dead is a judgement over time (as InternetArchiveBot judges it): a URL is
confirmed dead only after failing in ``runs`` checks, each at least ``days``
after the previous counted one. Failures closer together still count towards
``consecutive_failures`` and ``failing_since`` but not towards confirmation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from linkwatch.status import ALIVE_LIVE, FAILING_LIVE, LiveStatus


@dataclasses.dataclass(frozen=True, slots=True)
class ConfirmPolicy:
    """How many spaced failures make a URL confirmed dead."""

    runs: int = 3
    days: float = 3.0


@dataclasses.dataclass(frozen=True, slots=True)
class UrlHistory:
    """What the store remembers about one URL across runs (timestamps ISO 8601 UTC)."""

    url: str
    first_seen: str = ""
    last_checked: str = ""
    last_status: str = ""
    last_success: str = ""
    failing_since: str = ""
    consecutive_failures: int = 0
    counted_failures: int = 0
    last_counted_failure: str = ""
    confirmed_dead: bool = False
    etag: str = ""
    last_modified: str = ""


def utc_now() -> dt.datetime:
    """The current time, UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


# The last moment written and its text: the URLs of a run are checked many to the second,
# and their histories then share one string (not one each, 100,000 of them in a large run).
_last_iso: tuple[dt.datetime, str] = (dt.datetime.min.replace(tzinfo=dt.UTC), "")


def iso(moment: dt.datetime) -> str:
    """``moment`` as ``YYYY-MM-DDTHH:MM:SSZ``."""
    global _last_iso
    last, text = _last_iso
    if moment == last and moment.tzinfo is not None:
        return text
    text = moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if moment.tzinfo is not None:
        _last_iso = (moment, text)
    return text


def parse_iso(text: str) -> dt.datetime | None:
    """The datetime written by :func:`iso`, or ``None`` for an empty or bad value."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def advance(
    prev: UrlHistory | None,
    url: str,
    status: LiveStatus,
    at: dt.datetime,
    policy: ConfirmPolicy,
    *,
    etag: str = "",
    last_modified: str = "",
) -> UrlHistory:
    """The history after one more check of ``url`` with ``status`` at ``at``.

    Alive resets the failure count; a failing status advances it; an
    inconclusive status (forbidden, rate-limited, skipped) leaves it alone.
    """
    now = iso(at)
    base = prev or UrlHistory(url=url, first_seen=now)
    if status in ALIVE_LIVE:
        return dataclasses.replace(
            base,
            last_checked=now,
            last_status=status.value,
            last_success=now,
            failing_since="",
            consecutive_failures=0,
            counted_failures=0,
            last_counted_failure="",
            confirmed_dead=False,
            etag=etag,
            last_modified=last_modified,
        )
    if status not in FAILING_LIVE:
        return dataclasses.replace(base, last_checked=now, last_status=status.value)
    counted = base.counted_failures
    last_counted = base.last_counted_failure
    previous = parse_iso(last_counted)
    if previous is None or (at - previous) >= dt.timedelta(days=policy.days):
        counted += 1
        last_counted = now
    return dataclasses.replace(
        base,
        last_checked=now,
        last_status=status.value,
        failing_since=base.failing_since or now,
        consecutive_failures=base.consecutive_failures + 1,
        counted_failures=counted,
        last_counted_failure=last_counted,
        confirmed_dead=counted >= policy.runs,
        etag="",
        last_modified="",
    )
