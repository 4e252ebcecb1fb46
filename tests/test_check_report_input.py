"""``check`` and ``archive`` given a report instead of a citations file, and a plain list of
links without ids: one command from a document to a verdict."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from linkwatch.errors import ExitCode
from linkwatch.extract import citations_input, is_citations_file
from linkwatch.records import read_citations
from tests.extract.test_docx import _p, _r, make_docx
from tests.web import LocalWeb


def _linkwatch(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linkwatch", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _report(folder: Path, local_web: LocalWeb) -> Path:
    report = folder / "report.md"
    report.write_text(
        "# Canal report\n\nPublished: March 4, 2025\n\n"
        "Quotas fell by a fifth "
        f"([Water Council, October 27, 2023]({local_web.url('ok-html')})).\n",
        encoding="utf-8",
    )
    return report


def test_check_given_a_report_extracts_it_beside_it_and_checks(
    tmp_path: Path, local_web: LocalWeb
) -> None:
    report = _report(tmp_path, local_web)
    proc = _linkwatch("check", str(report), "--no-archive", "--allow-private", "--retries", "0")
    assert proc.returncode == ExitCode.OK, proc.stderr
    assert "extract: report.md: 1 citations into" in proc.stderr
    citations = read_citations(tmp_path / "citations.csv")
    assert [(c.source, c.url) for c in citations] == [("Water Council", local_web.url("ok-html"))]
    assert (tmp_path / "reports").is_dir()

    # An edit in citations.csv survives the next run, merged as `extract` merges.
    rows = list(csv.DictReader((tmp_path / "citations.csv").open(encoding="utf-8")))
    rows[0]["source"] = "Kyrgyz Water Council"
    with (tmp_path / "citations.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    proc = _linkwatch("check", str(report), "--no-archive", "--allow-private", "--retries", "0")
    assert proc.returncode == ExitCode.OK, proc.stderr
    assert "0 new, 1 kept" in proc.stderr
    assert read_citations(tmp_path / "citations.csv")[0].source == "Kyrgyz Water Council"


def test_check_given_a_word_draft_is_the_whole_pre_publication_audit(
    tmp_path: Path, local_web: LocalWeb
) -> None:
    draft = tmp_path / "draft.docx"
    body = _p(
        _r("Canals ran dry ("),
        '<w:hyperlink r:id="rId1">' + _r("RFE/RL, August 14, 2024") + "</w:hyperlink>",
        _r(")."),
    )
    draft.write_bytes(make_docx(body, links={"rId1": local_web.url("gone-410")}))
    proc = _linkwatch(
        "check", str(draft), "--no-archive", "--allow-private", "--retries", "0", "--json"
    )
    assert "extract: draft.docx: 1 citations" in proc.stderr
    assert local_web.url("gone-410") in proc.stdout and '"gone"' in proc.stdout
    assert (tmp_path / "citations.csv").is_file()


def test_a_list_of_links_without_ids_gets_stable_ids(tmp_path: Path, local_web: LocalWeb) -> None:
    links = tmp_path / "links.csv"
    links.write_text(
        f"url,note\n{local_web.url('ok-html')},first\n{local_web.url('ok-html')},again\n",
        encoding="utf-8",
    )
    first = [c.id for c in read_citations(links)]
    assert len(first) == 2 and first[0].startswith("link-") and first[1] == first[0] + "-2"
    assert [c.id for c in read_citations(links)] == first
    proc = _linkwatch("check", str(links), "--no-archive", "--allow-private", "--retries", "0")
    assert proc.returncode == ExitCode.OK, proc.stderr
    assert "extract:" not in proc.stderr


def test_archive_given_a_report_extracts_it_then_plans(tmp_path: Path, local_web: LocalWeb) -> None:
    report = _report(tmp_path, local_web)
    proc = _linkwatch("archive", str(report), "--dry-run", "--allow-private")
    # Extracted, then told there is no check run to act on yet.
    assert "extract: report.md: 1 citations into" in proc.stderr
    assert proc.returncode == ExitCode.USAGE and "no finished run stored yet" in proc.stderr
    _linkwatch("check", str(report), "--no-archive", "--allow-private", "--retries", "0")
    proc = _linkwatch("archive", str(report), "--dry-run", "--allow-private")
    assert proc.returncode == ExitCode.OK, proc.stderr
    assert "0 new, 1 kept" in proc.stderr


def test_what_counts_as_a_citations_file(tmp_path: Path) -> None:
    plain = tmp_path / "links.txt"
    plain.write_text("id;url\nx;https://example.org/\n", encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_text("Quotas fell (FAO, May 2024), as the url shows.\n", encoding="utf-8")
    assert is_citations_file(tmp_path / "any.csv")
    assert is_citations_file(plain)
    assert not is_citations_file(report)
    assert citations_input(plain).extracted is None
    given = citations_input(report)
    assert given.citations == tmp_path / "citations.csv" and given.extracted is not None


def test_find_given_a_report_extracts_it_and_plans_its_unlinked_citations(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    report.write_text(
        "# Labour report\n\nPublished: March 4, 2025\n\n"
        "Transfers reached 3.05 million (Xinhua, October 27, 2023).\n",
        encoding="utf-8",
    )
    proc = _linkwatch("find", str(report), "--dry-run")
    assert proc.returncode == ExitCode.OK, proc.stderr
    assert "extract: report.md: 1 citations into" in proc.stderr
    [citation] = read_citations(tmp_path / "citations.csv")
    assert (citation.source, citation.url) == ("Xinhua", "")
    # The plan names the outlet's domains and the dates around the citation.
    assert "news.cn" in proc.stdout and "2023-10-2" in proc.stdout
