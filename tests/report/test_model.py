"""Counts, the since-last-run diff, exit codes and safe links: the parts every format shares."""

from __future__ import annotations

import dataclasses
import gc
import random
import urllib.parse
import weakref

import pytest

from linkwatch.errors import InputError
from linkwatch.report.model import (
    VERDICT_ORDER,
    by_verdict,
    diff_runs,
    host_of,
    parse_verdicts,
    safe_href,
    summarize,
)
from linkwatch.results import CitationResult, RunResult
from linkwatch.status import (
    ALIVE_LIVE,
    FAILING_LIVE,
    ArchiveStatus,
    ChangeStatus,
    LiveStatus,
    Verdict,
)

from .samples import citation_result, every_verdict_run


def test_summary_counts_every_verdict_and_lists_all_words() -> None:
    summary = summarize(every_verdict_run())
    assert summary.citations == 8
    assert summary.verdicts[Verdict.AT_RISK] == 2
    assert set(summary.verdicts) == set(Verdict)
    assert set(summary.live) == set(LiveStatus)
    assert summary.live[LiveStatus.NOT_CHECKED] == 1
    assert summary.hosts["gov.example.cn"] == {LiveStatus.NOT_FOUND: 1, LiveStatus.GONE: 1}


def test_counts_are_made_once_for_the_runs_last_given_and_do_not_keep_them_alive() -> None:
    run = every_verdict_run()
    assert summarize(run) is summarize(run)
    twin = dataclasses.replace(run)  # equal, but another run: counted again
    assert summarize(twin) == summarize(run) and summarize(twin) is not summarize(run)
    earlier = every_verdict_run("20240201T000000Z")
    assert diff_runs(run, earlier) is diff_runs(run, earlier)
    assert diff_runs(run, None).previous_run_id is None
    assert diff_runs(run, earlier).previous_run_id == earlier.run_id
    gone = weakref.ref(run)
    del run, twin
    gc.collect()
    assert gone() is None


def test_host_keeps_non_default_port_and_lowercases() -> None:
    assert host_of("http://127.0.0.11:8080/x") == "127.0.0.11:8080"
    assert host_of("https://News.Example.COM:443/x") == "news.example.com"
    assert host_of("not a url") == ""


def test_safe_href_refuses_script_and_data_urls() -> None:
    assert safe_href("javascript:alert(1)") is None
    assert safe_href("JAVASCRIPT:alert(1)") is None
    assert safe_href("data:text/html,<script>") is None
    assert safe_href("http://a.example/\nx") is None
    assert safe_href("https://a.example/p?q=1") == "https://a.example/p?q=1"


def _run(run_id: str, *results: object) -> RunResult:
    return RunResult(run_id=run_id, started_at="2024-03-01T00:00:00Z", results=results)  # type: ignore[arg-type]


def test_diff_finds_newly_failing_recovered_changed_and_archived() -> None:
    before = _run(
        "r1",
        citation_result("c1", Verdict.HEALTHY, "http://a.example/1", LiveStatus.OK),
        citation_result(
            "c2", Verdict.UNVERIFIABLE, "http://a.example/2", LiveStatus.TIMEOUT, http_status=None
        ),
        citation_result("c3", Verdict.HEALTHY, "http://a.example/3", LiveStatus.OK),
        citation_result(
            "c4", Verdict.AT_RISK, "http://a.example/4", LiveStatus.OK, ArchiveStatus.NOT_ARCHIVED
        ),
        citation_result("c5", Verdict.HEALTHY, "http://a.example/5", LiveStatus.OK),
    )
    after = _run(
        "r2",
        citation_result(
            "c1", Verdict.UNVERIFIABLE, "http://a.example/1", LiveStatus.NOT_FOUND, http_status=404
        ),
        citation_result("c2", Verdict.HEALTHY, "http://a.example/2", LiveStatus.OK),
        citation_result(
            "c3", Verdict.DRIFTED, "http://a.example/3", LiveStatus.OK, change=ChangeStatus.CHANGED
        ),
        citation_result("c4", Verdict.HEALTHY, "http://a.example/4", LiveStatus.OK),
        citation_result("c6", Verdict.HEALTHY, "http://a.example/6", LiveStatus.OK),
    )
    diff = diff_runs(after, before)
    assert diff.previous_run_id == "r1"
    assert [(e.citation_id, e.before, e.after) for e in diff.newly_failing] == [
        ("c1", "ok", "not-found")
    ]
    assert [e.citation_id for e in diff.recovered] == ["c2"]
    assert [(e.citation_id, e.after) for e in diff.newly_changed] == [("c3", "changed")]
    assert [(e.citation_id, e.before) for e in diff.newly_archived] == [("c4", "not-archived")]
    assert diff.added == ("c6",)
    assert diff.removed == ("c5",)
    assert not diff.empty


def test_diff_against_no_previous_run_is_empty_and_says_so() -> None:
    diff = diff_runs(every_verdict_run(), None)
    assert diff.previous_run_id is None
    assert diff.empty


def test_diff_of_a_run_with_itself_is_empty() -> None:
    run = every_verdict_run()
    assert diff_runs(run, run).empty


def test_parse_verdicts_accepts_commas_repeats_and_none() -> None:
    assert parse_verdicts(["lost,drifted", "at-risk"]) == {
        Verdict.LOST,
        Verdict.DRIFTED,
        Verdict.AT_RISK,
    }
    assert parse_verdicts(["none"]) == frozenset()


def test_parse_verdicts_names_the_unknown_word() -> None:
    with pytest.raises(InputError, match="'dead'"):
        parse_verdicts(["lost,dead"])


TRICKY_URLS = (
    "http://Example.ORG/a",
    "https://example.org:443/a",
    "https://example.org:8443",
    "http://example.org:80?q=1",
    "http://example.org:0/",
    "http://example.org:99999/",
    "http://user:pw@example.org/",
    "http://[::1]:8080/x",
    "HTTP://EXAMPLE.org/",
    "  https://example.org/x  ",
    "http://exa\tmple.org/",
    "http://example.org/pa\tth",
    "http://example.org\x00/",
    "http://ex_ample.org/",
    "http://例子.测试/路径",
    "https://example.org#frag",
    "http://",
    "http:///path",
    "javascript:alert(1)",
    "data:text/html,<x>",
    "ftp://example.org/",
    "",
)


@pytest.mark.parametrize("url", TRICKY_URLS)
def test_fast_url_reading_agrees_with_urlsplit(url: str) -> None:
    # The answers host_of and safe_href gave when every URL went through urlsplit.
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host, port = (parts.hostname or "").lower(), parts.port
        default = (parts.scheme, port) in (("http", 80), ("https", 443))
        expected_host = f"{host}:{port}" if port and not default else host
    except ValueError:
        expected_host = ""
    assert host_of(url) == expected_host
    try:
        parts = urllib.parse.urlsplit(url.strip())
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
    except ValueError:
        ok = False
    ok = ok and not any(ord(ch) < 0x20 or ch == "\x7f" for ch in url.strip())
    assert safe_href(url) == (url.strip() if ok else None)


_Moved = tuple[tuple[str, str], LiveStatus | None, LiveStatus | None]


def _diff_by_table(
    current: RunResult, previous: RunResult
) -> tuple[tuple[_Moved, ...], tuple[str, ...], tuple[str, ...]]:
    """The comparison as it is defined: every previous result looked up by citation id and URL."""
    before = {(r.citation.id, r.citation.url): r for r in previous.results}
    now = {(r.citation.id, r.citation.url): r for r in current.results}
    moved: list[_Moved] = []
    for key, r in now.items():
        old = before.get(key)
        if old is not None:
            moved.append(
                (key, old.live.status if old.live else None, r.live.status if r.live else None)
            )
    return (
        tuple(moved),
        tuple(k[0] for k in now if k not in before),
        tuple(k[0] for k in before if k not in now),
    )


@pytest.mark.parametrize("seed", range(40))
def test_the_runs_compared_side_by_side_agree_with_a_table_of_the_previous_run(seed: int) -> None:
    # Reordered, added, removed and re-pointed citations, with statuses that move: reading
    # the two runs side by side must find what looking every citation up finds.
    rng = random.Random(seed)
    statuses = [LiveStatus.OK, LiveStatus.NOT_FOUND, LiveStatus.TIMEOUT, LiveStatus.GONE]

    def result(cid: str, url: str) -> CitationResult:
        return citation_result(cid, Verdict.HEALTHY, url, rng.choice(statuses))

    ids = [f"c{n}" for n in range(rng.randint(0, 30))]
    old = [result(cid, f"http://h/{cid}") for cid in ids]
    new = []
    for r in old:
        roll = rng.random()
        if roll < 0.15:
            continue  # removed
        if roll < 0.25:
            new.append(result(r.citation.id, r.citation.url + "?moved"))  # URL edited
        else:
            new.append(result(r.citation.id, r.citation.url))
    for n in range(rng.randint(0, 5)):
        new.insert(rng.randint(0, len(new)), result(f"n{n}", f"http://h/n{n}"))
    if rng.random() < 0.5:
        i, j = sorted(rng.sample(range(len(new)), 2)) if len(new) > 1 else (0, 0)
        new[i:j] = reversed(new[i:j])
    previous = RunResult(run_id="p", started_at="s", results=tuple(old))
    current = RunResult(run_id="c", started_at="s", results=tuple(new))
    diff = diff_runs(current, previous)
    moved, added, removed = _diff_by_table(current, previous)
    assert diff.added == added
    assert diff.removed == removed
    failing = {(e.citation_id, e.url) for e in diff.newly_failing}
    recovered = {(e.citation_id, e.url) for e in diff.recovered}
    for key, was, now in moved:
        failing_now = now in FAILING_LIVE and was not in FAILING_LIVE
        assert (key in failing) == failing_now
        assert (key in recovered) == (was in FAILING_LIVE and now in ALIVE_LIVE)


def test_citations_grouped_by_verdict_keep_run_order() -> None:
    run = every_verdict_run()
    groups = by_verdict(run)
    assert list(groups) == list(VERDICT_ORDER)
    for verdict, group in groups.items():
        assert group == [r for r in run.results if r.verdict is verdict]
    assert sum(map(len, groups.values())) == len(run.results)
