"""Robust Links: capture attributes on HTML links, capture links beside Markdown ones."""

from __future__ import annotations

from bs4 import BeautifulSoup

from linkwatch.preserve.robust import (
    Version,
    date_of_capture,
    date_of_timestamp,
    robustify_html,
    robustify_markdown,
    url_key,
)

CAPTURE = "https://web.archive.org/web/20240301120000/https://news.example.cn/a.html"
VERSIONS = {url_key("https://news.example.cn/a.html"): Version(CAPTURE, "2024-03-01")}


def test_url_key_ignores_case_default_port_and_fragment() -> None:
    assert url_key("HTTPS://News.Example.CN:443/a.html#top") == url_key(
        "https://news.example.cn/a.html"
    )
    assert url_key("http://x.example") == "http://x.example/"
    assert url_key("http://x.example:8080/") != url_key("http://x.example/")


def test_capture_dates_come_from_the_timestamp() -> None:
    assert date_of_capture(CAPTURE) == "2024-03-01"
    assert date_of_capture("https://w.example/lw/20200102030405id_/http://a/") == "2020-01-02"
    assert date_of_capture("https://perma.cc/ABCD", "2021-05-06T00:00:00Z") == "2021-05-06"
    assert date_of_timestamp("20190101000000") == "2019-01-01"
    assert date_of_timestamp("") == ""


def test_html_citation_links_get_robust_link_attributes() -> None:
    html = (
        "<html><body><p>See <a href='https://news.example.cn/a.html#p2'>the notice</a>"
        " and <a href='https://other.example/'>another</a>.</p></body></html>"
    )
    out, count = robustify_html(html, VERSIONS)
    assert count == 1
    soup = BeautifulSoup(out, "html.parser")
    cited, other = soup.find_all("a")
    assert cited["data-originalurl"] == "https://news.example.cn/a.html#p2"
    assert cited["data-versionurl"] == CAPTURE
    assert cited["data-versiondate"] == "2024-03-01"
    assert cited.get_text() == "the notice"
    assert not other.has_attr("data-versionurl")


def test_html_attribute_values_are_escaped() -> None:
    hostile = 'https://w.example/web/20240101000000/x"><script>alert(1)</script>'
    versions = {url_key("https://a.example/"): Version(hostile, "2024-01-01")}
    out, _ = robustify_html('<a href="https://a.example/">a</a>', versions)
    assert "<script>" not in out
    assert BeautifulSoup(out, "html.parser").a["data-versionurl"] == hostile


def test_markdown_links_get_the_capture_beside_them_once() -> None:
    md = (
        "Officials said so ([notice](https://news.example.cn/a.html)).\n"
        "Bare: https://news.example.cn/a.html\n"
        "Auto: <https://news.example.cn/a.html>\n"
        "Other: [x](https://other.example/)\n"
    )
    out, count = robustify_markdown(md, VERSIONS)
    assert count == 3
    note = f" ([archived 2024-03-01]({CAPTURE}))"
    assert f"[notice](https://news.example.cn/a.html){note})." in out
    assert f"Bare: https://news.example.cn/a.html{note}\n" in out
    assert f"Auto: <https://news.example.cn/a.html>{note}\n" in out
    assert "Other: [x](https://other.example/)\n" in out
    again, count_again = robustify_markdown(out, VERSIONS)
    assert count_again == 0
    assert again == out
