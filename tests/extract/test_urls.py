"""URLs exactly as cited, DOIs, and what a cited web-archive URL captured."""

from __future__ import annotations

from linkwatch.extract.urls import archive_info, find_urls, normalise_doi


def test_trailing_punctuation_is_not_part_of_the_url() -> None:
    text = "see https://a.example/x.pdf. and (https://b.example/p?q=1); https://c.example/d);"
    assert [u for _, _, u in find_urls(text)] == [
        "https://a.example/x.pdf",
        "https://b.example/p?q=1",
        "https://c.example/d",
    ]


def test_brackets_the_url_opened_are_kept() -> None:
    assert find_urls("(https://en.wikipedia.org/wiki/Foo_(bar))")[0][2] == (
        "https://en.wikipedia.org/wiki/Foo_(bar)"
    )


def test_doi_normalised_from_url_and_prefix() -> None:
    assert normalise_doi("https://doi.org/10.1525/cpcs.2023.1822939") == "10.1525/cpcs.2023.1822939"
    assert normalise_doi("doi:10.1080/02634937.2023.2227225.") == "10.1080/02634937.2023.2227225"
    assert normalise_doi("https://example.com/") == ""


def test_wayback_url_gives_original_and_capture_time() -> None:
    info = archive_info("https://web.archive.org/web/20230424180048/https://www.nytimes.com/a.html")
    assert info is not None
    assert info.original_url == "https://www.nytimes.com/a.html"
    assert info.archived_at == "2023-04-24T18:00:48Z"
    assert not info.truncated


def test_wayback_url_cut_after_timestamp_is_truncated() -> None:
    info = archive_info("https://web.archive.org/web/20230424180048/")
    assert info is not None and info.truncated and info.original_url == ""


def test_archive_today_webcache_and_pywb_urls_recognised() -> None:
    today = archive_info("https://archive.ph/20230101120000/https://x.example/a")
    assert today is not None and today.original_url == "https://x.example/a"
    assert today.archived_at == "2023-01-01T12:00:00Z"
    cache = archive_info(
        "https://webcache.googleusercontent.com/search?q=cache:abc:https://x.example/a+&cd=1"
    )
    assert cache is not None and cache.original_url == "https://x.example/a"
    pywb = archive_info("http://127.0.0.1:8080/lw/20200101000000id_/http://example.com/")
    assert pywb is not None and pywb.original_url == "http://example.com/"


def test_dated_paths_on_ordinary_sites_are_not_archives() -> None:
    assert archive_info("https://www.gov.cn/zhengce/2023/10/content.htm") is None
    assert archive_info("https://example.com/news/20231027123456/") is None


def test_share_buttons_profiles_and_site_navigation_are_not_citations() -> None:
    from linkwatch.extract.urls import not_a_citation

    for href in (
        "mailto:editor@example.org",
        "https://twitter.com/intent/tweet?url=https%3A%2F%2Fexample.org",
        "https://www.facebook.com/sharer/sharer.php?u=https://example.org",
        "https://www.linkedin.com/shareArticle?mini=true&url=x",
        "https://www.linkedin.com/in/dkarimova",
        "https://x.com/dkarimova",
        "https://mastodon.social/@dkarimova",
        "https://orcid.org/0000-0002-1825-0097",
    ):
        assert not_a_citation(href), href
    for label in ("About us", "Subscribe to our newsletter", "Past issues", "Follow us on X"):
        assert not_a_citation("https://example.org/page", label), label
    for href, label in (
        ("https://twitter.com/dkarimova/status/1234567890", "a post"),
        ("https://www.linkedin.com/posts/dkarimova_water-activity-123", "her post"),
        ("https://example.org/about-the-canal-dispute", "the canal dispute"),
    ):
        assert not not_a_citation(href, label), href
