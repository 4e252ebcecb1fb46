"""linkwatch archive: selection, dry run, local and self-hosted targets, write-back, idempotence."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.errors import ExitCode, InputError
from linkwatch.preserve.run import DEFAULT_VERDICTS, select
from linkwatch.records import Citation, read_citations
from linkwatch.results import CitationResult, LiveResult, RunResult
from linkwatch.status import LiveStatus, Verdict
from tests.preserve.runs import CHECK_CAPTURE, result, store_run
from tests.web import LocalArchive, LocalWeb

runner = CliRunner()


def _run(*results_: object) -> RunResult:
    return RunResult(run_id="r1", started_at="2026-01-01T00:00:00Z", results=tuple(results_))  # type: ignore[arg-type]


def test_selection_takes_at_risk_and_drifted_plus_named_ids() -> None:
    run = _run(
        result("a", "https://a.example/1", Verdict.AT_RISK),
        result("b", "https://b.example/1", Verdict.DRIFTED),
        result("c", "https://c.example/1", Verdict.HEALTHY),
        result("d", "https://a.example/1", Verdict.AT_RISK),
        result("e", "https://e.example/1", Verdict.LOST),
        result("f", "", Verdict.UNLINKED),
    )
    chosen = select(run, DEFAULT_VERDICTS, ("c",))
    assert [(c.url, c.citation_ids) for c in chosen] == [
        ("https://a.example/1", ("a", "d")),
        ("https://b.example/1", ("b",)),
        ("https://c.example/1", ("c",)),
    ]
    assert chosen[0].why.startswith("at-risk")
    assert chosen[2].why == "named with --ids (healthy)"
    only_lost = select(run, frozenset({Verdict.LOST}))
    assert [c.url for c in only_lost] == ["https://e.example/1"]


def test_selection_rejects_an_unknown_id_and_one_without_url() -> None:
    run = _run(
        result("a", "https://a.example/1", Verdict.AT_RISK), result("f", "", Verdict.UNLINKED)
    )
    with pytest.raises(InputError, match="no citation 'zz'"):
        select(run, DEFAULT_VERDICTS, ("zz",))
    with pytest.raises(InputError, match="'f' has no URL"):
        select(run, DEFAULT_VERDICTS, ("f",))


def test_selection_leaves_out_invalid_urls_even_with_all_verdicts() -> None:
    bad = CitationResult(
        Citation(id="p", url="http://127.0.0.1:99999/news/", source="Test source"),
        Verdict.UNVERIFIABLE,
        live=LiveResult(
            "http://127.0.0.1:99999/news/",
            LiveStatus.INVALID_URL,
            reason="port 99999 is out of range",
        ),
    )
    run = _run(result("a", "https://a.example/1", Verdict.HEALTHY), bad)
    assert [c.url for c in select(run, frozenset(Verdict))] == ["https://a.example/1"]
    with pytest.raises(InputError, match=r"'p' has an invalid URL \(port 99999 is out of range\)"):
        select(run, DEFAULT_VERDICTS, ("p",))


def _rows(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        return [
            tuple(r)
            for r in conn.execute("SELECT url, target, status FROM preserve_requests ORDER BY id")
        ]


def test_dry_run_lists_what_and_why_and_requests_nothing(
    local_web: LocalWeb, tmp_path: Path
) -> None:
    at_risk = local_web.url("ok-html")
    citations, db = store_run(
        tmp_path,
        [
            result("c1", at_risk, Verdict.AT_RISK),
            result("c2", local_web.url("changing-page"), Verdict.DRIFTED),
            result("c3", local_web.url("ok-pdf"), Verdict.HEALTHY),
        ],
    )
    before = citations.read_bytes()
    local_web.clear_requests()
    out = runner.invoke(
        app, ["archive", str(citations), "--to", "warc", "--dry-run", "--allow-private"]
    )
    assert out.exit_code == ExitCode.OK, out.output
    lines = out.output.splitlines()
    assert f"would request: warc {at_risk} [at-risk: alive, no good capture; citation c1]" in lines
    assert any("drifted" in line and "c2" in line for line in lines)
    assert not any("c3" in line for line in lines)
    assert local_web.requests() == []
    assert _rows(db) == []
    assert citations.read_bytes() == before
    assert not (tmp_path / "warc").exists()


def test_conflicting_options_are_rejected_naming_them(tmp_path: Path) -> None:
    citations, _ = store_run(tmp_path, [result("c1", "https://a.example/", Verdict.AT_RISK)])
    out = runner.invoke(app, ["archive", str(citations), "--to", "wayback", "--warc", "w"])
    assert out.exit_code == ExitCode.USAGE
    assert "--warc was given but --to does not include warc" in out.output
    out = runner.invoke(app, ["archive", str(citations), "--only", "at-risk,doomed"])
    assert out.exit_code == ExitCode.USAGE
    assert "--only: 'at-risk,doomed' is not a list of verdicts" in out.output
    out = runner.invoke(app, ["archive", str(citations), "--to", "nowhere", "--dry-run"])
    assert out.exit_code == ExitCode.USAGE
    assert "unknown target 'nowhere'" in out.output
    out = runner.invoke(app, ["archive", str(tmp_path / "missing.csv")])
    assert out.exit_code == ExitCode.USAGE
    assert "missing.csv: no such citations file" in out.output


@pytest.fixture()
def indexing(local_archive: LocalArchive) -> Iterator[None]:
    """Index the record-mode collection every half second, as pywb's autoindex would."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(0.5):
            local_archive.reindex_recordings()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join()


def test_record_and_warc_targets_preserve_write_back_and_second_run_requests_nothing(
    local_web: LocalWeb, local_archive: LocalArchive, indexing: None, tmp_path: Path
) -> None:
    at_risk = local_web.url("ok-html")
    drifted = local_web.url("title-change")
    hand = local_web.url("head-405-get-200")
    citations, db = store_run(
        tmp_path,
        [
            result("c1", at_risk, Verdict.AT_RISK),
            result("c2", drifted, Verdict.DRIFTED),
            result("c3", hand, Verdict.AT_RISK, archive_url="https://perma.cc/HAND-PICKED"),
            result("c4", local_web.url("ok-pdf"), Verdict.HEALTHY),
        ],
    )
    args = [
        "archive",
        str(citations),
        "--to",
        "lwrec,warc",
        "--record-archive",
        f"lwrec={local_archive.record_root}",
        "--allow-private",
    ]
    out = runner.invoke(app, args)
    assert out.exit_code == ExitCode.OK, out.output
    rows = _rows(db)
    assert sorted(rows) == sorted(
        (u, t, "saved") for u in (at_risk, drifted, hand) for t in ("lwrec", "warc")
    )
    by_id = {c.id: c for c in read_citations(citations)}
    assert by_id["c1"].archive_url.startswith(local_archive.record_replay_root)
    assert by_id["c1"].archive_url.endswith(at_risk)
    # The drifted citation cites the capture the check chose (what the author saw).
    assert by_id["c2"].archive_url == CHECK_CAPTURE.format(url=drifted)
    assert by_id["c3"].archive_url == "https://perma.cc/HAND-PICKED"
    assert by_id["c4"].archive_url == CHECK_CAPTURE.format(url=local_web.url("ok-pdf"))
    assert "kept the archive_url a person set for c3: https://perma.cc/HAND-PICKED" in out.output
    assert (tmp_path / "citations.csv.bak").exists()
    assert (tmp_path / "warc" / "index.cdxj").exists()

    # Idempotent: a second run asks no target for anything.
    local_web.clear_requests()
    local_archive.clear_requests()
    again = runner.invoke(app, args)
    assert again.exit_code == ExitCode.OK, again.output
    assert local_web.requests() == []
    assert [r for r in local_archive.requests() if "/record/" in r.path] == []
    assert len(_rows(db)) == len(rows)


def test_unreachable_target_is_reported_and_others_carry_on(
    local_web: LocalWeb, tmp_path: Path
) -> None:
    citations, db = store_run(
        tmp_path,
        [
            result("c1", local_web.url("ok-html"), Verdict.AT_RISK),
            result("c2", local_web.url("gbk-meta-charset"), Verdict.AT_RISK),
        ],
    )
    closed = local_web.url("connection-refused").rsplit("/", 1)[0]
    out = runner.invoke(
        app,
        [
            "archive",
            str(citations),
            "--wayback-url",
            closed,
            "--allow-private",
            "--warc",
            str(tmp_path / "copies"),
        ],
    )
    # Everything reachable was preserved; the rest is a network question, not a failure.
    assert out.exit_code == ExitCode.INCONCLUSIVE, out.output
    assert "unreachable target: wayback" in out.output
    statuses = {(u, t): s for u, t, s in _rows(db)}
    assert set(statuses.values()) == {"saved", "unreachable"}
    assert all(s == "saved" for (_, t), s in statuses.items() if t == "warc")
    assert len(list((tmp_path / "copies").glob("*.warc.gz"))) == 1


def test_archive_without_a_stored_run_says_so(tmp_path: Path) -> None:
    citations = tmp_path / "citations.csv"
    citations.write_text("id,url\nc1,https://a.example/\n")
    out = runner.invoke(app, ["archive", str(citations), "--dry-run"])
    assert out.exit_code == ExitCode.USAGE
    assert "no finished run stored yet" in out.output


def test_private_addresses_are_skipped_for_every_target_without_allow_private(
    local_web: LocalWeb, tmp_path: Path
) -> None:
    url = local_web.url("ok-html")
    citations, _ = store_run(tmp_path, [result("c1", url, Verdict.AT_RISK)])
    closed = local_web.url("connection-refused").rsplit("/", 1)[0]
    local_web.clear_requests()
    out = runner.invoke(app, ["archive", str(citations), "--wayback-url", closed])
    assert out.exit_code == ExitCode.PROBLEMS, out.output
    assert f"skipped: wayback {url}" in out.output
    assert f"skipped: warc {url}" in out.output
    assert "non-public address" in out.output
    assert local_web.requests() == []
    assert "unreachable" not in out.output
