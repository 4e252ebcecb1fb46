"""`linkwatch find` end to end: generated pages in local pywb and the IA double."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.find.score import THRESHOLD
from linkwatch.records import Citation, read_citations, write_citations
from tests.web.archive import LocalArchive
from tests.web.ia_api import IAServer
from tests.web.memento import MementoArchive
from tests.web.newsroom import Ground, build_ground

runner = CliRunner()
SEED = 6


@pytest.fixture(scope="module")
def newsroom(local_archive: LocalArchive) -> Ground:
    """One day per outlet of generated pages, captured into the local archive's collection."""
    ground = build_ground(SEED, days_per_outlet=1, pages_per_day=12)
    local_archive.add_dated_records((r.url, r.timestamp, r.body) for r in ground.records)
    return ground


def _citations(folder: Path, ground: Ground) -> Path:
    rows = [g.citation for g in ground.citations] + [
        Citation(id="hotan-county-1", source="Hotan County", date="2023-10-05", context="x 1,606"),
        Citation(id="given", source="Xinhua", date="2023-10-05", url="https://example.org/a"),
    ]
    path = folder / "citations.csv"
    write_citations(path, rows)
    return path


def _config(folder: Path, table: str) -> None:
    (folder / "linkwatch.toml").write_text(table, encoding="utf-8")


def _pywb(archive: LocalArchive) -> str:
    """An [[archives]] table for the local pywb collection, with budgets that never wait."""
    return (
        f'[[archives]]\nname = "pywb"\nkind = "memento"\ntimegate = "{archive.root}"\n'
        "lookups-per-minute = 6000\nreplays-per-minute = 6000\n"
    )


def _candidates(folder: Path) -> list[dict[str, str]]:
    with (folder / "candidates.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _check_found(ground: Ground, rows: list[dict[str, str]], stderr: str) -> None:
    best = {r["id"]: r for r in rows if r["rank"] == "1"}
    found = 0
    for g in ground.citations:
        cid = g.citation.id
        top = best.get(cid)
        if top is not None and float(top["score"]) >= THRESHOLD:
            # A confident candidate is the cited page.
            assert top["url"] == g.cited_url, (cid, top)
            found += 1
        elif not g.cited_url:
            assert f"{cid}: no candidate above {THRESHOLD} among" in stderr
    assert found >= 2
    assert all(len([r for r in rows if r["id"] == i]) <= 3 for i in best)
    assert 'hotan-county-1: unknown outlet \'Hotan County\': add "Hotan County" = ["DOMAIN"]' in (
        stderr
    )


def test_find_proposes_the_cited_pages_from_the_pywb_index(
    newsroom: Ground, local_archive: LocalArchive, tmp_path: Path
) -> None:
    citations = _citations(tmp_path, newsroom)
    _config(tmp_path, _pywb(local_archive))
    local_archive.clear_requests()
    result = runner.invoke(app, ["find", str(citations)])
    assert result.exit_code == 0, result.output
    rows = _candidates(tmp_path)
    _check_found(newsroom, rows, result.stderr)
    assert "find: 5 unlinked citations: 4 with a known outlet, 1 unknown, 4 searchable" in (
        result.stderr
    )
    cdx = [r for r in local_archive.requests() if "/cdx?" in r.path]
    assert all("matchType=domain" in r.path and "from=" in r.path for r in cdx[1:])
    # Nothing was written into the citations file: it was not asked for.
    assert [c.url for c in read_citations(citations)][-1] == "https://example.org/a"
    assert all(not c.url for c in read_citations(citations)[:-1])
    # A rerun reads the captures from the store: only the index is asked again.
    local_archive.clear_requests()
    again = runner.invoke(app, ["find", str(citations)])
    assert again.exit_code == 0
    assert all("/cdx" in r.path for r in local_archive.requests())
    assert _candidates(tmp_path) == rows


def test_find_accepts_only_clear_winners_and_never_a_hand_given_url(
    newsroom: Ground, local_archive: LocalArchive, tmp_path: Path
) -> None:
    citations = _citations(tmp_path, newsroom)
    _config(tmp_path, _pywb(local_archive))
    result = runner.invoke(app, ["find", str(citations), "--accept-above", str(THRESHOLD)])
    assert result.exit_code == 0, result.output
    after = {c.id: c for c in read_citations(citations)}
    truth = {g.citation.id: g.cited_url for g in newsroom.citations}
    accepted = [c for c in after.values() if "found" in c.flag_set]
    assert accepted
    for c in accepted:
        assert c.url == truth[c.id]
    assert after["given"].url == "https://example.org/a"
    # A person picks rank 2 of a citation by hand: that is written, flagged found.
    rows = _candidates(tmp_path)
    second = next(r for r in rows if r["rank"] == "2")
    picked = runner.invoke(app, ["find", str(citations), "--accept", f"{second['id']}:2"])
    assert picked.exit_code == 0, picked.output
    assert {c.id: c for c in read_citations(citations)}[second["id"]].url == second["url"]
    refused = runner.invoke(app, ["find", str(citations), "--accept", "given:1"])
    assert refused.exit_code == 2
    assert "no candidate given:1" in refused.stderr


def test_find_against_the_internet_archive_double_pages_the_cdx_answer(
    newsroom: Ground, ia_api: IAServer, tmp_path: Path
) -> None:
    citations = _citations(tmp_path, newsroom)
    _config(
        tmp_path,
        "page-size = 10\nmax-pages = 20\n"
        f'[[archives]]\nname = "ia"\nkind = "wayback"\ntimegate = "{ia_api.web_root}"\n'
        f'cdx = "{ia_api.cdx_url}"\nlookups-per-minute = 6000\nreplays-per-minute = 6000\n',
    )
    ia_api.clear_requests()
    result = runner.invoke(app, ["find", str(citations)])
    assert result.exit_code == 0, result.output
    _check_found(newsroom, _candidates(tmp_path), result.stderr)
    cdx = [r.path for r in ia_api.requests() if r.path.startswith("/cdx/search/cdx")]
    assert any("resumeKey=" in t for t in cdx), "pages were chained by resumption keys"
    assert all(
        "collapse=urlkey" in t and "filter=statuscode%3A200" in t and "matchType=" in t for t in cdx
    )


def test_find_dry_run_on_the_seed_says_what_would_be_queried() -> None:
    seed = Path(__file__).resolve().parents[2] / "citations.csv"
    result = runner.invoke(app, ["find", str(seed), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "xinhua-645ed85b: Xinhua → news.cn, xinhuanet.com, captures 2023-10-26…28" in (
        result.stdout
    )
    assert 'add "Hotan County" = ["DOMAIN"] under [outlets]' in result.stdout
    assert (
        "find: 62 unlinked citations: 54 with a known outlet, 8 unknown, 45 searchable"
        in result.stderr
    )
    assert not (seed.parent / "candidates.csv").exists()


def test_memento_only_archives_are_skipped_with_a_note(
    newsroom: Ground, local_archive: LocalArchive, memento_archive: MementoArchive, tmp_path: Path
) -> None:
    citations = _citations(tmp_path, newsroom)
    _config(
        tmp_path,
        f'[[archives]]\nname = "other"\nkind = "memento"\n'
        f'timegate = "{memento_archive.timegate("exact")}"\n'
        '[[archives]]\nname = "today"\nkind = "archive-today"\ntimegate = "http://127.0.0.1:9/"\n'
        + _pywb(local_archive),
    )
    result = runner.invoke(
        app, ["find", str(citations), "--ids", f"{newsroom.citations[0].citation.id},given"]
    )
    assert result.exit_code == 0, result.output
    assert "other: Memento-only archive (no CDX index at" in result.stderr
    assert "today: Memento-only archive (no CDX index): skipped" in result.stderr
    assert "given: has a URL or DOI: nothing to find" in result.stderr
    assert {r["id"] for r in _candidates(tmp_path)} == {newsroom.citations[0].citation.id}


def test_find_is_inconclusive_when_no_index_answers(newsroom: Ground, tmp_path: Path) -> None:
    citations = _citations(tmp_path, newsroom)
    _config(
        tmp_path,
        '[[archives]]\nname = "down"\nkind = "wayback"\ntimegate = "http://127.0.0.1:9/web/"\n'
        'cdx = "http://127.0.0.1:9/cdx"\n',
    )
    result = runner.invoke(app, ["find", str(citations)])
    assert result.exit_code == 3, result.output
    assert "no archive index answered for news.cn, xinhuanet.com" in result.stderr
    assert "down: cannot connect" in result.stderr


def test_find_options_come_from_the_config_file(newsroom: Ground, tmp_path: Path) -> None:
    citations = _citations(tmp_path, newsroom)
    _config(tmp_path, '[find]\nwindow = 3\n[outlets]\n"Hotan County" = ["hetian.example.cn"]\n')
    result = runner.invoke(app, ["find", str(citations), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "hotan-county-1: Hotan County → hetian.example.cn, captures 2023-10-02…08" in (
        result.stdout
    )
    bad = runner.invoke(app, ["find", str(citations), "--top", "0"])
    assert bad.exit_code == 2 and "--top: 0 is out of range" in bad.stderr


def test_outlets_file_on_the_command_line_adds_an_outlet(newsroom: Ground, tmp_path: Path) -> None:
    citations = _citations(tmp_path, newsroom)
    mine = tmp_path / "mine.toml"
    mine.write_text('[outlets]\n"Hotan County" = ["hetian.example.cn"]\n', encoding="utf-8")
    result = runner.invoke(app, ["find", str(citations), "--dry-run", "--outlets", str(mine)])
    assert result.exit_code == 0, result.output
    assert "hotan-county-1: Hotan County → hetian.example.cn, captures 2023-10-04…06" in (
        result.stdout
    )
    missing = runner.invoke(app, ["find", str(citations), "--outlets", str(tmp_path / "no")])
    assert missing.exit_code == 2 and "no such outlets file" in missing.stderr
