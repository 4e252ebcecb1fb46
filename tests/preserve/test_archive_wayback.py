"""linkwatch archive to the Wayback double: keys kept secret, resume after a kill, robustify."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.errors import ExitCode
from linkwatch.records import read_citations
from linkwatch.status import Verdict
from tests.preserve.runs import result, store_run
from tests.web import IAServer, LocalWeb

runner = CliRunner()


def _unique(local_web: LocalWeb, case: str, tag: str) -> str:
    return f"{local_web.url(case)}?archive-test={tag}"


def test_keys_never_appear_in_any_output(
    ia_api: IAServer,
    local_web: LocalWeb,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    access, secret = ia_api.keys
    monkeypatch.setenv("LINKWATCH_IA_ACCESS_KEY", access)
    monkeypatch.setenv("LINKWATCH_IA_SECRET_KEY", secret)
    ok = _unique(local_web, "ok-html", "keys-ok")
    blocked = _unique(local_web, "ok-pdf", "keys-blocked")
    ia_api.script(blocked, "error", status_ext="error:blocked-url", pending_polls=0)
    citations, db = store_run(
        tmp_path,
        [result("c1", ok, Verdict.AT_RISK), result("c2", blocked, Verdict.AT_RISK)],
    )
    caplog.set_level(logging.DEBUG)
    out = runner.invoke(
        app,
        [
            "archive",
            str(citations),
            "--wayback-url",
            ia_api.base_url,
            "--allow-private",
            "--poll-interval",
            "0.05",
            "--warc",
            str(tmp_path / "warc"),
        ],
    )
    assert out.exit_code == ExitCode.PROBLEMS, out.output
    assert "saved: wayback" in out.output
    assert "failed: wayback" in out.output
    # The keys did reach the archive (in the header, where they belong)...
    assert any(r.headers.get("authorization") for r in ia_api.requests())
    # ...and nowhere else.
    with sqlite3.connect(db) as conn:
        dump = "\n".join(conn.iterdump())
    texts = [out.output, out.stderr if out.stderr_bytes else "", caplog.text, dump]
    texts += [p.read_bytes().decode("latin-1") for p in tmp_path.rglob("*") if p.is_file()]
    for text in texts:
        assert access not in text
        assert secret not in text


def test_killed_run_resumes_its_pending_job_without_a_new_request(
    ia_api: IAServer, local_web: LocalWeb, tmp_path: Path
) -> None:
    url = _unique(local_web, "ok-html", "resume")
    ia_api.script(url, "success", pending_polls=30)
    citations, db = store_run(tmp_path, [result("c1", url, Verdict.AT_RISK)])
    env = dict(os.environ)
    env["LINKWATCH_IA_ACCESS_KEY"], env["LINKWATCH_IA_SECRET_KEY"] = ia_api.keys
    cmd = [
        sys.executable,
        "-m",
        "linkwatch",
        "archive",
        str(citations),
        "--to",
        "wayback",
        "--wayback-url",
        ia_api.base_url,
        "--allow-private",
        "--poll-interval",
        "0.1",
    ]
    ia_api.clear_requests()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    job = ""
    deadline = time.monotonic() + 20
    while not job and time.monotonic() < deadline:
        time.sleep(0.05)
        if db.exists():
            with sqlite3.connect(db) as conn:
                row = conn.execute("SELECT job_id FROM preserve_requests").fetchone()
            job = row[0] if row else ""
    assert job, "the job id was never stored"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        (status,) = conn.execute("SELECT status FROM preserve_requests").fetchone()
    assert status == "pending"
    assert [r for r in ia_api.requests() if r.path == "/save"] != []

    ia_api.clear_requests()
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == ExitCode.OK, again.stdout + again.stderr
    assert [r for r in ia_api.requests() if r.path == "/save"] == []
    assert any(r.path == f"/save/status/{job}" for r in ia_api.requests())
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT status, job_id FROM preserve_requests").fetchall()
    assert rows == [("saved", job)]
    (c1,) = read_citations(citations)
    assert c1.archive_url.startswith(ia_api.web_root)

    # Idempotent: nothing left to ask.
    ia_api.clear_requests()
    third = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert third.returncode == ExitCode.OK
    assert ia_api.requests() == []
    assert "already preserved" not in third.stdout
    assert "saved: wayback" in third.stdout


def test_robustify_marks_citation_links_with_the_captures_written_back(
    ia_api: IAServer, local_web: LocalWeb, tmp_path: Path
) -> None:
    url = _unique(local_web, "ok-html", "robust")
    other = local_web.url("ok-pdf")
    citations, _ = store_run(
        tmp_path,
        [result("c1", url, Verdict.AT_RISK), result("c2", other, Verdict.HEALTHY)],
    )
    env_keys = dict(
        zip(("LINKWATCH_IA_ACCESS_KEY", "LINKWATCH_IA_SECRET_KEY"), ia_api.keys, strict=True)
    )
    out = runner.invoke(
        app,
        [
            "archive",
            str(citations),
            "--to",
            "wayback",
            "--wayback-url",
            ia_api.base_url,
            "--allow-private",
            "--poll-interval",
            "0",
        ],
        env=env_keys,
    )
    assert out.exit_code == ExitCode.OK, out.output
    capture = {c.id: c.archive_url for c in read_citations(citations)}
    report = tmp_path / "report.html"
    report.write_text(
        f'<p>One <a href="{url}">source</a>, another <a href="{other}">pdf</a>,'
        ' and <a href="https://unrelated.example/">no citation</a>.</p>',
        encoding="utf-8",
    )
    res = runner.invoke(app, ["robustify", str(report), "--citations", str(citations)])
    assert res.exit_code == ExitCode.OK, res.output
    assert "2 link(s)" in res.output
    soup = BeautifulSoup((tmp_path / "report.robust.html").read_text(), "html.parser")
    first, second, third = soup.find_all("a")
    assert first["data-versionurl"] == capture["c1"]
    assert first["data-originalurl"] == url
    assert len(str(first["data-versiondate"])) == 10
    assert second["data-versionurl"] == capture["c2"]
    assert second["data-versiondate"] == "2019-03-12"
    assert not third.has_attr("data-versionurl")

    md = tmp_path / "report.md"
    md.write_text(f"See [the source]({url}).\n", encoding="utf-8")
    res = runner.invoke(
        app, ["robustify", str(md), "--citations", str(citations), "-o", str(tmp_path / "o.md")]
    )
    assert res.exit_code == ExitCode.OK, res.output
    assert f"[the source]({url}) ([archived " in (tmp_path / "o.md").read_text()


def test_robustify_rejects_other_formats_and_overwriting(tmp_path: Path) -> None:
    citations = tmp_path / "citations.csv"
    citations.write_text("id,url\n")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF")
    res = runner.invoke(app, ["robustify", str(pdf), "--citations", str(citations)])
    assert res.exit_code == ExitCode.USAGE
    assert "report.pdf: robustify reads .html or .md reports" in res.output
    html = tmp_path / "r.html"
    html.write_text("<p></p>")
    res = runner.invoke(
        app, ["robustify", str(html), "--citations", str(citations), "-o", str(html)]
    )
    assert res.exit_code == ExitCode.USAGE
    assert "would overwrite the report itself" in res.output
