"""report.md: sections in urgency order, everything from fetched pages made literal."""

from __future__ import annotations

import dataclasses
import re

from linkwatch.report.markdown import md_link, md_text, render_markdown
from linkwatch.status import LiveStatus, Verdict

from .samples import HOSTILE_REASON, HOSTILE_TITLE, citation_result, every_verdict_run


def test_sections_follow_urgency_order() -> None:
    text = render_markdown(every_verdict_run())
    positions = [text.index(f"\n## {v.value} (") for v in Verdict]
    order = [
        "lost",
        "drifted",
        "at-risk",
        "preserved-only",
        "unverifiable",
        "unlinked",
        "healthy",
    ]
    assert [v.value for _, v in sorted(zip(positions, Verdict, strict=True))] == order
    assert text.index("## Summary") < text.index("## Since last run") < text.index("## lost")


def test_every_citation_appears_once_as_a_table_row() -> None:
    run = every_verdict_run()
    text = render_markdown(run)
    for r in run.results:
        assert sum(line.startswith(f"| {r.citation.id}: ") for line in text.splitlines()) == 1


def test_html_from_fetched_pages_is_escaped() -> None:
    text = render_markdown(every_verdict_run())
    # The only raw "<" allowed is the opening of a link destination "](<".
    assert not re.search(r"(?<![\\(])<", text)
    assert md_text(HOSTILE_TITLE) in text
    assert md_text(HOSTILE_REASON) in text


def test_table_cells_cannot_break_the_table() -> None:
    assert md_text("a|b\nc") == "a\\|b c"


def test_script_urls_are_not_made_links() -> None:
    text = render_markdown(every_verdict_run())
    assert "](<javascript:" not in text
    assert "javascript:alert(document.domain)" in text
    assert md_link("x", "http://a.example/p q>") == "[x](<http://a.example/p%20q%3E>)"


def test_capture_is_a_dated_link() -> None:
    text = render_markdown(every_verdict_run())
    assert (
        "[ia 2023-10-27 12:00](<https://web.archive.org/web/20231027120000/"
        "http://news.example.com/story>)" in text
    )


def test_interrupted_run_is_marked_incomplete() -> None:
    run = dataclasses.replace(every_verdict_run(), complete=False)
    assert "**INCOMPLETE: the run was interrupted" in render_markdown(run)


def test_since_last_run_lists_newly_failing() -> None:
    url = "http://gov.example.cn/a.html"
    previous = dataclasses.replace(
        every_verdict_run("r0"),
        results=(citation_result("c1", Verdict.HEALTHY, url, LiveStatus.OK),),
    )
    text = render_markdown(every_verdict_run(), previous)
    assert "Compared with run r0." in text
    section = text.split("### Newly failing (1)", 1)[1].split("###", 1)[0]
    assert f"c1 [{md_text(url)}](<{url}>): ok → not-found (now lost)" in section
