"""report.html: one self-contained page, every fetched string escaped, links only to http(s)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re

from bs4 import BeautifulSoup

from linkwatch.report.html import render_html, script_json
from linkwatch.report.model import DIFF_LIST_LIMIT, citation_text, safe_href
from linkwatch.status import LiveStatus, Verdict

from .samples import (
    HOSTILE_REASON,
    HOSTILE_TITLE,
    QUOTED_URL,
    citation_result,
    every_verdict_run,
    html_data,
    multi_report_run,
)

BREAKOUT = "</script><script>window.__lw_pwned = 3</script><!-- \u2028\u2029 & >"


def _soup() -> BeautifulSoup:
    return BeautifulSoup(render_html(every_verdict_run()), "html.parser")


def test_data_has_one_row_per_citation_with_filter_values() -> None:
    rows = html_data(render_html(every_verdict_run()))["decoded"]
    assert [r["id"] for r in rows] == [f"c{i}" for i in range(1, 9)]
    assert rows[0]["verdict"] == "lost"
    assert rows[0]["host"] == "gov.example.cn"
    assert rows[0]["live"] == "not-found" and rows[0]["http"] == 404
    assert rows[6]["source"] == "-1 sources say"
    assert rows[1]["capture_href"].startswith("https://web.archive.org/web/20231027120000/")


def test_short_forms_rebuild_the_citation_and_the_capture_link() -> None:
    run = every_verdict_run()
    odd = citation_result("x1", Verdict.PRESERVED_ONLY, "http://a.example/x", LiveStatus.GONE)
    assert odd.archive is not None and odd.archive.capture is not None
    odd = dataclasses.replace(
        odd,
        citation=dataclasses.replace(odd.citation, source="", title="Only a title"),
        archive=dataclasses.replace(
            odd.archive,
            capture=dataclasses.replace(odd.archive.capture, url="https://arch.example/r/abc"),
        ),
    )
    run = dataclasses.replace(run, results=(*run.results, odd))
    rows = html_data(render_html(run))["decoded"]
    for r, row in zip(run.results, rows, strict=True):
        assert row["citation"] == citation_text(r)
        capture = r.archive.capture if r.archive is not None else None
        assert row["capture_href"] == (safe_href(capture.url) or "" if capture else "")
    assert rows[-1]["citation"] == "x1: Only a title, 2023-10-27, note 1"
    assert rows[-1]["capture_href"] == "https://arch.example/r/abc"


def test_hostile_strings_are_text_not_markup() -> None:
    html = render_html(every_verdict_run())
    soup = BeautifulSoup(html, "html.parser")
    scripts = soup.find_all("script")
    assert [s.get("type") for s in scripts] == ["application/json", None]
    assert "__lw_pwned" not in scripts[1].get_text()
    assert soup.find("img") is None
    data = html_data(html)
    assert HOSTILE_TITLE in [r["title"] for r in data["decoded"]]
    assert HOSTILE_REASON in [r["reason"] for r in data["decoded"]]


def test_data_block_cannot_be_closed_by_a_cited_string() -> None:
    run = every_verdict_run()
    run = dataclasses.replace(
        run,
        results=(
            citation_result("x1", Verdict.LOST, "http://a.example/", LiveStatus.NOT_FOUND),
            *run.results,
        ),
    )
    first = run.results[0]
    run = dataclasses.replace(
        run,
        results=(
            dataclasses.replace(
                first, citation=dataclasses.replace(first.citation, title=BREAKOUT)
            ),
            *run.results[1:],
        ),
    )
    html = render_html(run)
    block = html.split('<script type="application/json" id="lw-data">', 1)[1]
    block = block.split("</script>", 1)[0]
    assert not re.search(r"[<>&\u2028\u2029]", block)
    data = json.loads(block)
    assert data["rows"][0][data["columns"].index("title")] == BREAKOUT
    assert len(BeautifulSoup(html, "html.parser").find_all("script")) == 2


def test_script_json_escapes_what_could_end_a_script() -> None:
    assert script_json("</script>&\u2028") == '"\\u003c/script\\u003e\\u0026\\u2028"'


def test_quoted_url_is_its_own_link() -> None:
    rows = html_data(render_html(every_verdict_run()))["decoded"]
    quoted = next(r for r in rows if r["url"] == QUOTED_URL)
    assert quoted["href"] == 1


def test_only_http_urls_become_links() -> None:
    html = render_html(every_verdict_run())
    for a in BeautifulSoup(html, "html.parser").find_all("a"):
        assert a["href"].startswith(("http://", "https://")), a["href"]
    rows = html_data(html)["decoded"]
    script = next(r for r in rows if r["url"].startswith("javascript:"))
    assert script["href"] == 0
    for r in rows:
        link = r["url"] if r["href"] == 1 else r["href"]
        assert not link or link.startswith(("http://", "https://"))


def test_page_needs_nothing_from_outside() -> None:
    soup = _soup()
    assert not soup.find_all(["link", "iframe", "object", "embed", "img"])
    assert all(not s.get("src") for s in soup.find_all("script"))
    assert not re.search(r"@import|url\(", soup.style.get_text())


def test_content_security_policy_allows_exactly_the_inline_script_and_style() -> None:
    soup = _soup()
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    script = next(s for s in soup.find_all("script") if not s.get("type"))
    for tag, body in (("script", script.string), ("style", soup.find("style").string)):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_charts_draw_every_verdict_and_each_host() -> None:
    soup = _soup()
    verdict_svg, host_svg = soup.find_all("svg")
    assert len(verdict_svg.find_all("rect")) == 7
    labels = [t.get_text() for t in host_svg.find_all("text")]
    assert "gov.example.cn" in labels and "news.example.com" in labels


def test_filters_offer_each_source_and_host() -> None:
    soup = _soup()
    sources = [o["value"] for o in soup.select("#f-source option")]
    assert "=People's Daily" in sources and sources[0] == ""
    hosts = [o["value"] for o in soup.select("#f-host option")]
    assert "=bot-wall.example.org" in hosts and "=" in hosts  # "=": (none)
    assert soup.select("#f-report") == []


def test_one_report_has_no_per_report_table() -> None:
    soup = _soup()
    assert soup.find(id="reports") is None
    assert html_data(str(soup))["several"] is False


def test_several_reports_get_a_breakdown_and_a_filter() -> None:
    html = render_html(multi_report_run())
    soup = BeautifulSoup(html, "html.parser")
    table = soup.find(id="reports")
    assert table is not None
    assert soup.find(id="per-report").has_attr("open")  # two reports: shown unfolded
    heads = [th.get_text() for th in table.select("thead th")]
    assert heads[:3] == ["report", "citations", "lost"]
    rows = {
        tr.find("button")["data-report"]: [td.get_text() for td in tr.find_all("td")]
        for tr in table.select("tbody tr")
    }
    # brief-b.html holds c1, c3, c5, c7 (lost, at-risk, unverifiable, healthy).
    assert rows["brief-b.html"][1:] == ["4", "1", "0", "1", "0", "1", "0", "1"]
    assert rows["brief-a.html"][1] == "4"
    assert [o["value"] for o in soup.select("#f-report option")] == [
        "",
        "=brief-a.html",
        "=brief-b.html",
    ]
    data = html_data(html)
    assert data["several"] is True
    assert {r["id"]: r["report"] for r in data["decoded"]}["c2"] == "brief-a.html"
    assert soup.select("#citations thead button[data-col='9']")


def test_long_change_lists_are_cut_with_a_count() -> None:
    url = "http://gov.example.cn/{}.html"
    now = dataclasses.replace(
        every_verdict_run(),
        results=tuple(
            citation_result(f"n{i}", Verdict.LOST, url.format(i), LiveStatus.NOT_FOUND)
            for i in range(DIFF_LIST_LIMIT + 5)
        ),
    )
    before = dataclasses.replace(
        now,
        run_id="r0",
        results=tuple(
            citation_result(f"n{i}", Verdict.HEALTHY, url.format(i), LiveStatus.OK)
            for i in range(DIFF_LIST_LIMIT + 5)
        ),
    )
    soup = BeautifulSoup(render_html(now, before), "html.parser")
    heading = soup.find("h3", string=f"Newly failing ({DIFF_LIST_LIMIT + 5})")
    items = heading.find_next("ul").find_all("li")
    assert len(items) == DIFF_LIST_LIMIT + 1
    assert items[-1].get_text() == "… and 5 more (results.json lists all)"
