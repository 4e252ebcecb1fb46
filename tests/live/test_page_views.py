"""Fingerprints of repeated payloads are computed once and equal those computed afresh."""

from __future__ import annotations

from linkwatch.live.fingerprint import PageViews, view_page

PAGE = b"<html><head><title>Sign in</title></head><body><main><p>Please sign in.</p></main></body>"


def test_same_bytes_are_read_once_and_fingerprinted_as_afresh() -> None:
    views = PageViews()
    first = views.view(PAGE, "text/html", 90)
    again = views.view(PAGE, "text/html", 90)
    assert again is first
    assert first == view_page(PAGE, "text/html", 90)


def test_declared_length_and_type_are_part_of_the_fingerprint_not_shared() -> None:
    views = PageViews()
    html = views.view(PAGE, "text/html", 90)
    other_length = views.view(PAGE, "text/html", None)
    as_plain = views.view(PAGE, "text/plain")
    assert other_length.fingerprint.length == len(PAGE)
    assert html.fingerprint.length == 90
    assert as_plain.fingerprint.content_type == "text/plain"


def test_cache_keeps_only_small_bodies_and_only_the_most_recent_ones() -> None:
    views = PageViews(size=2, max_body=200)
    big = PAGE + b" " * 300
    assert views.view(big, "text/html") is not views.view(big, "text/html")
    a = views.view(b"<p>a</p>", "text/html")
    views.view(b"<p>b</p>", "text/html")
    views.view(b"<p>c</p>", "text/html")
    assert views.view(b"<p>a</p>", "text/html") is not a
    assert views.view(b"<p>a</p>", "text/html") == a
