"""Notifications: sent through Apprise's JSON webhook to a loopback receiver, only on change.

The receiver is a real HTTP server on 127.0.0.1 that also serves the cited page, so the
page can fail between two runs; ``linkwatch check`` runs for real against it.
"""

from __future__ import annotations

import base64
import dataclasses
import http.server
import json
import socket
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.errors import ExitCode, InputError
from linkwatch.records import Citation, write_citations
from linkwatch.report.model import diff_runs
from linkwatch.report.notify import (
    check_targets,
    has_changes,
    message,
    notify_run,
    redact,
    scrub,
    secrets_of,
)
from linkwatch.status import LiveStatus, Verdict

from .samples import citation_result, every_verdict_run

runner = CliRunner()

FAST = ["--allow-private", "--host-interval", "0", "--retries", "0", "--timeout", "5"]
PASSWORD = "s3cret-pw-4711"
TOKEN = "t0ken-9f8e7d6c5b4a"


class Receiver:
    """A loopback server: ``GET /source`` answers with ``source_status``; POSTs are kept."""

    def __init__(self) -> None:
        self.source_status = 200
        self.posts: list[dict[str, Any]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = b"<html><head><title>Notice</title></head><body>" + b"text " * 200
                # Any other path is missing, so the soft-404 probe sees a real 404.
                self.send_response(owner.source_status if self.path == "/source" else 404)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                owner.posts.append(
                    {
                        "path": self.path,
                        "auth": self.headers.get("Authorization", ""),
                        "json": json.loads(self.rfile.read(length) or b"null"),
                    }
                )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    # Apprise sends with requests, which would route loopback through a configured proxy.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    r = Receiver()
    try:
        yield r
    finally:
        r.close()


def _refused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _citations(tmp_path: Path, receiver: Receiver) -> Path:
    path = tmp_path / "citations.csv"
    write_citations(
        path, [Citation(id="n1", source="Notice", url=receiver.url("/source"), date="2023-01-01")]
    )
    return path


def _everything_written(tmp_path: Path) -> str:
    """Every report file under ``tmp_path`` and a full dump of the database, as one text."""
    texts = [
        p.read_text("utf-8", errors="replace")
        for p in sorted(tmp_path.rglob("*"))
        if p.is_file() and p.suffix in (".md", ".html", ".json", ".csv")
    ]
    with sqlite3.connect(tmp_path / ".linkwatch.db") as db:
        texts.extend(db.iterdump())
    return "\n".join(texts)


def test_redact_keeps_only_scheme_and_webhook_host() -> None:
    assert redact(f"json://user:{PASSWORD}@127.0.0.1:8080/hook/{TOKEN}") == (
        "json://127.0.0.1:8080/…"
    )
    assert redact("jsons://hooks.example.org") == "jsons://hooks.example.org"
    assert redact("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ") == "slack://…"
    assert redact(f"mailtos://editor:{PASSWORD}@mail.example.org") == "mailtos://mail.example.org"


def test_scrub_removes_every_secret_part_of_a_url() -> None:
    url = f"json://user:{PASSWORD}@127.0.0.1:9/hook/{TOKEN}?key={TOKEN}x"
    text = f"Max retries exceeded with url: /hook/{TOKEN}?key={TOKEN}x (auth {PASSWORD})"
    scrubbed = scrub(text, secrets_of(url))
    assert PASSWORD not in scrubbed and TOKEN not in scrubbed
    assert "Max retries exceeded" in scrubbed
    slack = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"
    assert "T1JJ3T3L2" not in scrub("posting to T1JJ3T3L2 failed", secrets_of(slack))


def test_unknown_notification_url_is_refused_without_showing_it() -> None:
    with pytest.raises(InputError, match=r"notification URL 2 \(nonsense://…\)") as caught:
        check_targets(["json://127.0.0.1/", f"nonsense://{TOKEN}"])
    assert TOKEN not in str(caught.value)


def test_message_lists_what_changed() -> None:
    url = "http://gov.example.cn/a.html"
    previous = dataclasses.replace(
        every_verdict_run("r0"),
        results=(citation_result("c1", Verdict.HEALTHY, url, LiveStatus.OK),),
    )
    run = every_verdict_run()
    diff = diff_runs(run, previous)
    assert has_changes(diff)
    title, body = message(run, diff, Path("/srv/reports/r1"))
    assert title == "linkwatch: 1 newly failing, 0 newly drifted, 0 recovered"
    assert "**Newly failing (1)**" in body
    assert "- c1 http://gov.example.cn/a.html: ok → not-found (now lost)" in body
    assert "Now: 1 lost, 1 drifted, 2 at-risk" in body
    assert not has_changes(diff_runs(run, run))


def test_inconclusive_run_is_not_announced_unless_always(receiver: Receiver) -> None:
    url = f"json://127.0.0.1:{receiver.port}/hook"
    run = dataclasses.replace(every_verdict_run(), inconclusive=True, inconclusive_reason="down")
    previous = dataclasses.replace(every_verdict_run("r0"), results=())
    assert notify_run([url], run, previous) == []
    assert receiver.posts == []
    [outcome] = notify_run([url], run, previous, always=True)
    assert outcome.sent
    assert receiver.posts[0]["json"]["title"] == "linkwatch: INCONCLUSIVE"
    assert "Newly failing" not in receiver.posts[0]["json"]["message"]


def test_notification_reaches_the_webhook_only_when_something_changed(
    tmp_path: Path, receiver: Receiver
) -> None:
    citations = _citations(tmp_path, receiver)
    hook = f"json://user:{PASSWORD}@127.0.0.1:{receiver.port}/hook/{TOKEN}"
    args = ["check", str(citations), *FAST, "--no-archive", "--notify", hook, "-vv"]
    outputs = []

    first = runner.invoke(app, args)
    outputs.append(first)
    assert first.exit_code == ExitCode.OK, first.output
    assert receiver.posts == []  # a first run has nothing to compare with
    assert "notify: nothing sent: nothing changed since the last run" in first.stderr

    receiver.source_status = 404
    second = runner.invoke(app, args)
    outputs.append(second)
    # Failing for the first time is unverifiable, not lost: exit 0 with or without notify.
    assert second.exit_code == ExitCode.OK, second.output
    [post] = receiver.posts
    assert post["path"] == f"/hook/{TOKEN}"
    assert post["auth"] == "Basic " + base64.b64encode(f"user:{PASSWORD}".encode()).decode()
    assert post["json"]["title"] == "linkwatch: 1 newly failing, 0 newly drifted, 0 recovered"
    assert f"n1 {receiver.url('/source')}: ok → not-found" in post["json"]["message"]
    assert f"notify: sent to json://127.0.0.1:{receiver.port}/…" in second.stderr

    third = runner.invoke(app, args)
    outputs.append(third)
    assert len(receiver.posts) == 1  # still failing: nothing new to say
    always = runner.invoke(app, [*args, "--notify-always"])
    outputs.append(always)
    assert len(receiver.posts) == 2
    assert "Nothing changed since the last run." in receiver.posts[1]["json"]["message"]

    receiver.source_status = 200
    recovered = runner.invoke(app, args)
    outputs.append(recovered)
    assert len(receiver.posts) == 3
    assert receiver.posts[2]["json"]["title"].endswith(", 1 recovered")

    written = _everything_written(tmp_path)
    assert "Recovered" in written  # the reports and the dump were read
    for secret in (PASSWORD, TOKEN):
        assert secret not in written
        for result in outputs:
            assert secret not in result.stdout and secret not in result.stderr


def test_failing_target_is_logged_and_leaves_the_exit_code(
    tmp_path: Path, receiver: Receiver
) -> None:
    citations = _citations(tmp_path, receiver)
    dead = f"json://user:{PASSWORD}@127.0.0.1:{_refused_port()}/hook/{TOKEN}"
    live = f"json://127.0.0.1:{receiver.port}/hook"
    base = ["check", str(citations), *FAST, "--no-archive", "--confirm-now"]
    assert runner.invoke(app, base).exit_code == ExitCode.OK
    receiver.source_status = 404
    result = runner.invoke(app, [*base, "--notify", dead, "--notify", live, "-vv"])
    # --confirm-now makes the failing page lost: exit 1, as it would be without --notify.
    assert result.exit_code == ExitCode.PROBLEMS, result.output
    port = dead.split(":")[3].split("/")[0]
    assert f"notify: could not send to json://127.0.0.1:{port}/…" in result.stderr
    assert "Connection error" in result.stderr  # Apprise's reason, scrubbed, not swallowed
    assert len(receiver.posts) == 1  # the second target still got its message
    assert PASSWORD not in result.stderr and TOKEN not in result.stderr
    assert PASSWORD not in result.stdout and TOKEN not in result.stdout
    assert TOKEN not in _everything_written(tmp_path)


def test_notify_from_the_config_file_and_a_bad_url_stops_before_fetching(
    tmp_path: Path, receiver: Receiver
) -> None:
    citations = _citations(tmp_path, receiver)
    (tmp_path / "linkwatch.toml").write_text(
        f'notify = ["json://127.0.0.1:{receiver.port}/hook/{TOKEN}"]\nnotify-always = true\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(citations), *FAST, "--no-archive"])
    assert result.exit_code == ExitCode.OK, result.output
    assert len(receiver.posts) == 1 and receiver.posts[0]["path"] == f"/hook/{TOKEN}"
    bad = runner.invoke(
        app, ["check", str(citations), *FAST, "--no-archive", "--notify", f"nope://{TOKEN}"]
    )
    assert bad.exit_code == ExitCode.USAGE
    assert "--notify: notification URL 1 (nope://…) is not one Apprise can send to" in bad.stderr
    assert TOKEN not in bad.output
    assert TOKEN not in _everything_written(tmp_path)


def test_notify_from_the_environment(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    citations = _citations(tmp_path, receiver)
    hooks = [f"json://127.0.0.1:{receiver.port}/a/{TOKEN}", f"json://127.0.0.1:{receiver.port}/b"]
    monkeypatch.setenv("LINKWATCH_NOTIFY", " ".join(hooks))
    result = runner.invoke(app, ["check", str(citations), *FAST, "--no-archive", "--notify-always"])
    assert result.exit_code == ExitCode.OK, result.output
    assert sorted(p["path"] for p in receiver.posts) == [f"/a/{TOKEN}", "/b"]
    assert TOKEN not in result.output


def test_a_wrong_notify_value_in_the_config_is_named_not_shown(tmp_path: Path) -> None:
    citations = tmp_path / "citations.csv"
    write_citations(citations, [Citation(id="c1", url="http://127.0.0.1:9/x")])
    (tmp_path / "linkwatch.toml").write_text(
        f'notify = "json://user:{PASSWORD}@127.0.0.1:9/{TOKEN}"\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["check", str(citations), "--no-archive"])
    assert result.exit_code == ExitCode.USAGE
    assert "linkwatch.toml: notify: expected a list, got a value not shown here" in result.stderr
    assert PASSWORD not in result.output and TOKEN not in result.output
