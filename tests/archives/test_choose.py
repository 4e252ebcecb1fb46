"""Capture choice like InternetArchiveBot, and the target date of a citation."""

from __future__ import annotations

import datetime as dt

from linkwatch.archives.choose import candidates, in_window, parse_target, target_for
from linkwatch.archives.memento import Memento
from linkwatch.records import Citation


def m(ts: str, status: int | None = 200) -> Memento:
    return Memento(url=f"r/{ts}/u", timestamp=ts, status=status)


TARGET = parse_target("2023-10-27", "accessed")


def test_closest_good_capture_on_or_before_the_target_comes_first() -> None:
    order = candidates(
        [m("20231020000000"), m("20231026000000"), m("20231028000000"), m("20231027120000", 404)],
        TARGET,
        14,
    )
    assert [x.timestamp for x in order] == ["20231026000000", "20231020000000", "20231028000000"]


def test_capture_after_the_target_is_chosen_when_none_before() -> None:
    order = candidates([m("20231105000000"), m("20231201000000")], TARGET, 14)
    assert order[0].timestamp == "20231105000000"
    assert in_window(order[0], TARGET, 14)
    assert not in_window(order[1], TARGET, 14)


def test_captures_in_the_window_beat_closer_before_ones_outside_it() -> None:
    order = candidates([m("20220101000000"), m("20231101000000")], TARGET, 14)
    assert [x.timestamp for x in order] == ["20231101000000", "20220101000000"]


def test_error_statuses_are_never_candidates_and_redirects_come_after_unknown_ones() -> None:
    order = candidates(
        [m("20231020000000", 404), m("20231021000000", 301), m("20231022000000", None)], TARGET, 14
    )
    assert [x.timestamp for x in order] == ["20231022000000", "20231021000000"]


def test_window_is_configurable() -> None:
    capture = m("20231201000000")
    assert not in_window(capture, TARGET, 14)
    assert in_window(capture, TARGET, 40)


def test_without_a_target_the_newest_capture_comes_first() -> None:
    order = candidates([m("20200101000000"), m("20230101000000")], None, 14)
    assert order[0].timestamp == "20230101000000"


def test_target_prefers_accessed_then_date_then_published() -> None:
    t = target_for(
        Citation(id="1", date="2023-10-27", accessed="2024-01-05", published="2024-03-01")
    )
    assert t is not None and (t.label, t.source) == ("2023-10-27/2024-01-05", "accessed")
    assert t.timestamp == "20240105235959"
    t = target_for(Citation(id="2", date="2023-10", published="2024-03-01"))
    assert t is not None and (t.label, t.source) == ("2023-10", "date")
    assert t.end == dt.datetime(2023, 10, 31, 23, 59, 59)
    t = target_for(Citation(id="3", published="2024-03-01"))
    assert t is not None and t.source == "published"
    assert target_for(Citation(id="4")) is None


def test_year_only_dates_cover_the_whole_year() -> None:
    t = parse_target("2023", "date")
    assert t is not None and t.label == "2023"
    assert in_window(m("20230615000000"), t, 14)
    assert parse_target("2023-02-30", "date") is None


def test_a_capture_between_the_citation_date_and_accessed_is_archived_not_late() -> None:
    target = target_for(Citation(id="1", date="2019-03-01", accessed="2023-10-27"))
    assert target is not None
    # Two years before the accessed date, but while the page was being cited.
    assert in_window(m("20210615000000"), target, 14)
    assert in_window(m("20190220000000"), target, 14)  # within the window before the date
    assert not in_window(m("20190201000000"), target, 14)  # before date − window: late
    assert not in_window(m("20231201000000"), target, 14)  # after accessed + window: late
    order = candidates([m("20180101000000"), m("20210615000000")], target, 14)
    assert order[0].timestamp == "20210615000000"


def test_a_date_after_accessed_does_not_widen_the_target() -> None:
    target = target_for(Citation(id="1", date="2024-05-01", accessed="2023-10-27"))
    assert target is not None and target.since is None and target.label == "2023-10-27"
