"""report.html: one self-contained page, every fetched string escaped, links only to http(s)."""

from __future__ import annotations

import base64
import hashlib
import re

from bs4 import BeautifulSoup

from linkwatch.report.html import render_html

from .samples import HOSTILE_REASON, HOSTILE_TITLE, QUOTED_URL, every_verdict_run


def _soup() -> BeautifulSoup:
    return BeautifulSoup(render_html(every_verdict_run()), "html.parser")


def test_table_has_one_row_per_citation_with_filter_attributes() -> None:
    rows = _soup().select("#citations tbody tr")
    assert [r["data-id"] for r in rows] == [f"c{i}" for i in range(1, 9)]
    assert rows[0]["data-verdict"] == "lost"
    assert rows[0]["data-host"] == "gov.example.cn"


def test_hostile_strings_are_text_not_markup() -> None:
    html = render_html(every_verdict_run())
    soup = BeautifulSoup(html, "html.parser")
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and "__lw_pwned" not in scripts[0].get_text()
    assert soup.find("img") is None
    assert "&lt;script&gt;window.__lw_pwned" in html
    assert HOSTILE_TITLE in soup.get_text()
    assert HOSTILE_REASON in soup.get_text()


def test_quoted_url_stays_inside_its_attribute() -> None:
    links = [a for a in _soup().find_all("a") if a.get_text() == QUOTED_URL]
    assert len(links) == 1
    assert links[0]["href"] == QUOTED_URL


def test_only_http_urls_become_links() -> None:
    for a in _soup().find_all("a"):
        assert a["href"].startswith(("http://", "https://")), a["href"]
    assert "javascript:alert(document.domain)" in _soup().get_text()


def test_page_needs_nothing_from_outside() -> None:
    soup = _soup()
    assert not soup.find_all(["link", "iframe", "object", "embed", "img"])
    assert all(not s.get("src") for s in soup.find_all("script"))
    assert not re.search(r"@import|url\(", soup.style.get_text())


def test_content_security_policy_allows_exactly_the_inline_script_and_style() -> None:
    soup = _soup()
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    for tag in ("script", "style"):
        body = soup.find(tag).string
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp


def test_charts_draw_every_verdict_and_each_host() -> None:
    soup = _soup()
    verdict_svg, host_svg = soup.find_all("svg")
    assert len(verdict_svg.find_all("rect")) == 7
    labels = [t.get_text() for t in host_svg.find_all("text")]
    assert "gov.example.cn" in labels and "news.example.com" in labels


def test_filters_offer_each_source_and_host() -> None:
    soup = _soup()
    sources = [o["value"] for o in soup.select("#f-source option")]
    assert "People's Daily" in sources and sources[0] == ""
    hosts = [o["value"] for o in soup.select("#f-host option")]
    assert "bot-wall.example.org" in hosts
