"""Reports list `linkwatch find`'s candidates for unlinked citations, escaped like the rest."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from linkwatch.find.candidates import Candidate, write_candidates
from linkwatch.report.writer import write_reports
from linkwatch.results import RunResult
from tests.report.samples import HOSTILE_TITLE, every_verdict_run


def _run_beside(tmp_path: Path) -> RunResult:
    citations = tmp_path / "citations.csv"
    citations.write_text("id,url\n", encoding="utf-8")
    good = Candidate(
        "c6",
        1,
        0.91,
        "http://www.news.cn/politics/2023-10/27/c_1.htm",
        "https://web.archive.org/web/20231027101010/http://www.news.cn/politics/2023-10/27/c_1.htm",
        "2023-10-27T10:10:10Z",
        "figures 2/2 (3.05 million, 10.9 percent); terms 高质量发展",
    )
    hostile = dataclasses.replace(good, rank=2, url="javascript:alert(1)", evidence=HOSTILE_TITLE)
    healthy = dataclasses.replace(good, id="c7")  # not unlinked in the run: not shown
    write_candidates(tmp_path / "candidates.csv", {"c6": [good, hostile], "c7": [healthy]}, [])
    return dataclasses.replace(every_verdict_run(), citations_file=str(citations))


def test_reports_show_candidates_of_unlinked_citations(tmp_path: Path) -> None:
    run = _run_beside(tmp_path)
    folder = write_reports(run, tmp_path / "reports")
    md = (folder / "report.md").read_text(encoding="utf-8")
    assert "## Candidates for unlinked citations (2)" in md
    assert "[http://www.news.cn/politics/2023-10/27/c\\_1.htm](<http://www.news.cn/" in md
    assert "score 0.91" in md and "高质量发展" in md
    assert "](<javascript:" not in md and "\\<script\\>" in md
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Candidates for unlinked citations (2)" in html
    assert 'href="http://www.news.cn/politics/2023-10/27/c_1.htm"' in html
    assert "<script>window.__lw_pwned" not in html and 'href="javascript:' not in html
    assert ">c7<" not in html.split("Candidates for unlinked citations")[1]


def test_reports_without_candidates_file_have_no_section(tmp_path: Path) -> None:
    run = dataclasses.replace(every_verdict_run(), citations_file=str(tmp_path / "citations.csv"))
    folder = write_reports(run, tmp_path / "reports")
    assert "Candidates for unlinked" not in (folder / "report.md").read_text(encoding="utf-8")
