"""report.md: sections in urgency order, everything from fetched pages made literal."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from linkwatch.report.csvdoc import render_csv
from linkwatch.report.markdown import md_link, md_text, render_markdown
from linkwatch.report.model import DIFF_LIST_LIMIT
from linkwatch.report.writer import ReportFormat, write_reports
from linkwatch.status import LiveStatus, Verdict

from .samples import (
    HOSTILE_REASON,
    HOSTILE_TITLE,
    catalogue_run,
    citation_result,
    every_verdict_run,
    multi_report_run,
)


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


def test_every_problem_appears_once_and_healthy_ones_are_counted() -> None:
    run = every_verdict_run()
    text = render_markdown(run)
    for r in run.results:
        rows = sum(line.startswith(f"| {r.citation.id}: ") for line in text.splitlines())
        assert rows == (0 if r.verdict is Verdict.HEALTHY else 1), r.citation.id
    assert "\n## healthy (1)\n\n1 citation(s) healthy: nothing to do." in text
    assert "- Need action: 7 (listed below, most urgent first)" in text


def test_several_reports_get_a_table_and_a_report_column() -> None:
    text = render_markdown(multi_report_run())
    assert "- Reports: 2" in text
    table = text.split("## Per report (2)\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert table[0] == (
        "| report | citations | lost | drifted | at-risk | preserved-only | unverifiable"
        " | unlinked | healthy |"
    )
    # brief-a.html (c2, c4, c6, c8) has four problems, brief-b.html three: a comes first.
    assert table[2] == "| brief-a.html | 4 | 0 | 1 | 1 | 1 | 0 | 1 | 0 |"
    assert table[3] == "| brief-b.html | 4 | 1 | 0 | 1 | 0 | 1 | 0 | 1 |"
    at_risk = text.split("## at-risk (2)\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert at_risk[0].startswith("| report | citation | URL |")
    assert [line.split(" | ")[0] for line in at_risk[2:]] == ["| brief-a.html", "| brief-b.html"]
    assert text.index("## Per report") < text.index("## lost") < text.index("## healthy")


def test_long_change_lists_are_cut_with_a_count() -> None:
    urls = [f"http://gov.example.cn/{i}.html" for i in range(DIFF_LIST_LIMIT + 3)]
    now = dataclasses.replace(
        every_verdict_run(),
        results=tuple(
            citation_result(f"n{i}", Verdict.LOST, u, LiveStatus.NOT_FOUND)
            for i, u in enumerate(urls)
        ),
    )
    before = dataclasses.replace(
        now,
        run_id="r0",
        results=tuple(
            citation_result(f"n{i}", Verdict.HEALTHY, u, LiveStatus.OK) for i, u in enumerate(urls)
        ),
    )
    text = render_markdown(now, before)
    section = text.split(f"### Newly failing ({DIFF_LIST_LIMIT + 3})", 1)[1].split("###", 1)[0]
    assert section.count("\n- n") == DIFF_LIST_LIMIT
    assert "- … and 3 more (results.json lists all)" in section


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


def test_catalogue_report_leads_with_the_problems(tmp_path: Path) -> None:
    run = catalogue_run(100_000)
    folder = write_reports(run, tmp_path, formats=[ReportFormat.MD])
    text = (folder / "report.md").read_text("utf-8")
    problems = [r for r in run.results if r.verdict is not Verdict.HEALTHY]
    head = text[: text.index("\n## Since last run")]
    assert f"- Need action: {len(problems)} (listed below, most urgent first)" in head
    assert "- Reports: 250" in head
    sections = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert sections == [
        "Summary",
        "Since last run",
        "Per report (250)",
        "lost (3000)",
        "drifted (4000)",
        "at-risk (8000)",
        "preserved-only (3000)",
        "unverifiable (3000)",
        "unlinked (1000)",
        "healthy (78000)",
    ]
    rows = re.findall(r"^\| brief-\d{3}\.html \| c(\d+): ", text, flags=re.MULTILINE)
    assert sorted(int(i) for i in rows) == sorted(int(r.citation.id[1:]) for r in problems)
    # 22,000 problem rows and 250 report rows; the 78,000 healthy citations are one line.
    assert len(text.encode()) < 0.3 * len(render_csv(run).encode())
