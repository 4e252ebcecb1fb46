"""The pure parts of `linkwatch find`: outlets, URL dates, evidence, candidates.csv, accepting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from linkwatch.compare.text import PageText
from linkwatch.errors import ConfigError, InputError
from linkwatch.find.candidates import (
    Candidate,
    accept,
    best_to_accept,
    parse_accept,
    read_candidates,
    write_candidates,
)
from linkwatch.find.index import is_section_page, url_date
from linkwatch.find.outlets import load_registry, read_outlets_file, shipped_outlets
from linkwatch.find.run import date_span
from linkwatch.find.score import clues_for, judge_page
from linkwatch.records import Citation


def test_registry_maps_english_and_chinese_names_to_domains() -> None:
    registry = load_registry()
    for name in ("Xinhua", "新华社", "新华网", "xinhua news agency"):
        outlet = registry.match(name)
        assert outlet is not None and outlet.domains == ("news.cn", "xinhuanet.com")
    assert registry.match("People’s Daily") is registry.match("人民日报")
    assert registry.match("The Washington Post") is registry.match("Washington Post")
    assert registry.match("Hotan County") is None


def test_shipped_registry_has_no_name_claimed_twice() -> None:
    assert len(load_registry()) == len(shipped_outlets())


def test_user_file_adds_and_overrides_outlets(tmp_path: Path) -> None:
    mine = tmp_path / "outlets.toml"
    mine.write_text(
        '[outlets]\n"Hotan County" = ["hetian.example.gov.cn"]\n'
        '[outlets.mine]\nname = "Xinhua"\ndomains = ["xinhua.example.org"]\n',
        encoding="utf-8",
    )
    registry = load_registry(mine)
    hotan = registry.match("Hotan County")
    assert hotan is not None and hotan.domains == ("hetian.example.gov.cn",)
    xinhua = registry.match("Xinhua")
    assert xinhua is not None and xinhua.domains == ("xinhua.example.org",)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[outlets]\nx = ["not a domain"]\n', "is not a domain name"),
        ('[outlets.x]\ndomains = ["a.cn"]\ncolour = "red"\n', "unknown key colour"),
        ("[outlets.x]\naliases = []\n", "give at least one domain"),
        ("[outlets\n", "not valid TOML"),
    ],
)
def test_bad_outlets_file_is_one_line_naming_it(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "o.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=problem) as info:
        read_outlets_file(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://www.news.cn/politics/2023-10/27/c_1129943567.htm",
        "http://www.xinjiang.gov.cn/xinjiang/bmdt/202310/t20231027_1.html",
        "http://paper.people.com.cn/rmrb/html/2023-10/27/nw.D110000renmrb_20231027_1-01.htm",
        "http://politics.people.com.cn/n1/2023/1027/c1001-40105.html",
        "https://www.chinadaily.com.cn/a/202310/27/WS653b.html",
        "http://news.ts.cn/system/2023/10/27/036.shtml",
    ],
)
def test_dates_in_url_paths(url: str) -> None:
    assert url_date(url) == dt.date(2023, 10, 27)


def test_section_pages_are_told_from_articles() -> None:
    assert is_section_page("http://www.news.cn/")
    assert is_section_page("http://www.news.cn/politics/index.htm")
    assert not is_section_page("http://www.news.cn/politics/2023-10/27/c_1.htm")


def test_figures_and_chinese_terms_carry_evidence_across_languages() -> None:
    citation = Citation(
        id="x",
        source="Xinhua",
        date="2023-10-27",
        context="Hotan transferred 3.05 million rural laborers, up 10.9 percent,"
        " under “high-quality development (高质量发展)”",
    )
    clues = clues_for(citation)
    cited = PageText("和田", "和田地区转移就业305万人次，同比增长10.9%，坚持高质量发展。")
    other = PageText("和田", "和田地区转移就业120万人次，同比增长3.2%，坚持高质量发展。")
    url = "http://www.news.cn/politics/2023-10/27/c_1.htm"
    good, bad = judge_page(clues, url, cited), judge_page(clues, url, other)
    assert good.score >= 0.5 > bad.score
    assert "figures 2/2" in good.evidence and "高质量发展" in good.evidence
    assert "figures 0/2" in bad.evidence
    # The same page dated another day in its URL scores lower.
    moved = judge_page(clues, "http://www.news.cn/politics/2023-10/20/c_1.htm", cited)
    assert moved.score < good.score and "dated 2023-10-20 in its URL" in moved.evidence


def _cand(cid: str, rank: int, score: float, url: str = "") -> Candidate:
    return Candidate(cid, rank, score, url or f"http://a.cn/{cid}/{rank}", "", "", "")


def test_accept_needs_a_clear_lead_and_never_replaces_a_hand_given_url() -> None:
    assert best_to_accept([_cand("a", 1, 0.9), _cand("a", 2, 0.8)], 0.5, 0.2) is None
    assert best_to_accept([_cand("a", 1, 0.9), _cand("a", 2, 0.3)], 0.5, 0.2) is not None
    assert best_to_accept([_cand("a", 1, 0.4)], 0.5, 0.2) is None
    rows = [Citation(id="a"), Citation(id="b", url="http://typed.example/")]
    out, done, refused = accept(rows, {"a": _cand("a", 1, 0.9), "b": _cand("b", 1, 0.9)})
    assert done == ["a"] and out[0].url == "http://a.cn/a/1" and "found" in out[0].flag_set
    assert out[1].url == "http://typed.example/" and refused and "not replaced" in refused[0]


def test_candidates_file_is_neutralised_and_keeps_other_citations(tmp_path: Path) -> None:
    path = tmp_path / "candidates.csv"
    write_candidates(path, {"a": [_cand("a", 1, 0.9, "=HYPERLINK(1)")]}, ["a", "b"])
    assert "'=HYPERLINK(1)" in path.read_text(encoding="utf-8")
    write_candidates(path, {"b": [_cand("b", 1, 0.7)]}, ["a", "b"])
    rows = read_candidates(path)
    assert [(r.id, r.url) for r in rows] == [("a", "=HYPERLINK(1)"), ("b", "http://a.cn/b/1")]


def test_accept_option_syntax() -> None:
    assert parse_accept("xinhua-1:2") == ("xinhua-1", 2)
    with pytest.raises(InputError, match="expected ID:RANK"):
        parse_accept("xinhua")


def test_date_span_is_written_short() -> None:
    assert date_span(dt.date(2023, 10, 26), dt.date(2023, 10, 28)) == "2023-10-26…28"
    assert date_span(dt.date(2023, 10, 31), dt.date(2023, 11, 2)) == "2023-10-31…11-02"
