"""The URL Standard's own test suite through linkwatch: every absolute http(s) input judged.

``tests/fixtures/wpt/urltestdata.json`` (web-platform-tests; provenance and licence in the
README beside it) lists inputs and how a conforming parser reads each, or that it must
reject it. linkwatch must call every rejected input ``invalid-url`` and check every
accepted one as the Standard serialises it, with the deliberate differences below
(``docs/live-check.md`` says why):

- :data:`CONTROL_CHARACTER_INPUTS`: a control character left inside the URL (after the
  outer ones are trimmed and tabs and newlines dropped) makes it ``invalid-url``, where the
  Standard percent-encodes it;
- :data:`HTTP_CLIENT_REFUSES`: hosts the Standard's IDNA processing (UTS #46) accepts but
  the HTTP client's stricter IDNA 2008 cannot put in a request: ``invalid-url`` when fetched,
  the reason naming the client's objection;
- the fragment is dropped from the URL checked (it is never sent to the server).
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import ada_url
import httpx
import pytest

from linkwatch.live import LiveOptions, check_live
from linkwatch.live.urls import normalise_url, parse_web_url
from linkwatch.records import Citation, read_citations, write_citations
from tests.web import LocalWeb

DATA = Path(__file__).resolve().parents[1] / "fixtures" / "wpt" / "urltestdata.json"
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))

#: Inputs the Standard accepts and linkwatch calls invalid-url on purpose.
CONTROL_CHARACTER_INPUTS = frozenset(
    {
        "http://foo.bar/baz?qux#foo\bbar",
        "http://example.org/test?a#b\x00c",
        "https://www.example.com/path{\x7fpath.html?query'\x7f=query#fragment<\x7ffragment",
        "https://user:pass[\x7f@foo/bar",
        "https://x/\x00y",
        "https://x/?\x00y",
        "https://x/?#\x00y",
    }
)


#: Inputs the Standard accepts whose host the HTTP client (httpx, IDNA 2008) cannot request.
HTTP_CLIENT_REFUSES = frozenset({"https://%e2%98%83", "https://xn--/"})


@cache
def absolute_web_inputs() -> tuple[dict[str, Any], ...]:
    """The suite's absolute http:/https: inputs: a base, where one is given, cannot matter."""
    out = []
    for entry in json.loads(DATA.read_text("utf-8")):
        if not isinstance(entry, dict):
            continue  # a comment line
        text = re.sub("[\t\n\r]", "", entry["input"].strip(_C0_OR_SPACE))
        if not re.match(r"(?i)https?:", text):
            continue
        if entry.get("base") is None or re.match(r"(?i)https?://", text):
            out.append(entry)
    return tuple(out)


def _expected(entry: dict[str, Any]) -> str:
    return str(entry["href"]).split("#", 1)[0]


def test_the_suite_holds_the_inputs_the_closing_note_counts() -> None:
    inputs = absolute_web_inputs()
    rejected = [e for e in inputs if e.get("failure")]
    assert (len(inputs), len(rejected)) == (378, 197)
    accepted = {e["input"] for e in inputs if not e.get("failure")}
    assert accepted >= CONTROL_CHARACTER_INPUTS


@pytest.mark.parametrize("entry", absolute_web_inputs(), ids=lambda e: ascii(e["input"])[1:-1][:60])
def test_the_normaliser_agrees_with_the_standard(entry: dict[str, Any]) -> None:
    judged = parse_web_url(entry["input"])
    if entry.get("failure"):
        assert judged.problem, f"the Standard rejects {entry['input']!r}"
    elif entry["input"] in CONTROL_CHARACTER_INPUTS:
        assert judged.problem.startswith("contains the control character U+")
    else:
        assert judged.problem == ""
        assert judged.url == _expected(entry)
        assert normalise_url(judged.url) == judged.url


def test_every_input_goes_through_check_in_one_run(tmp_path: Path, local_web: LocalWeb) -> None:
    inputs = absolute_web_inputs()
    csv = tmp_path / "citations.csv"
    write_citations(csv, [Citation(id=f"wpt{n}", url=e["input"]) for n, e in enumerate(inputs)])
    # A canary that is refused makes the run inconclusive before any input is fetched, so
    # nothing here reaches for the internet; every input is still judged and reported.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "linkwatch",
            "check",
            str(csv),
            "--no-archive",
            "--json",
            "--allow-private",
            "--canary",
            local_web.url("connection-refused"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 3, done.stderr
    document = json.loads(done.stdout)
    results = {r["citation"]["id"]: r for r in document["run"]["results"]}
    invalid = 0
    for n, entry in enumerate(inputs):
        live = results[f"wpt{n}"]["live"]
        invalid += live["status"] == "invalid-url"
        if entry.get("failure") or entry["input"] in CONTROL_CHARACTER_INPUTS:
            assert live["status"] == "invalid-url", entry
            assert live["reason"], live
        else:
            assert live["status"] == "not-checked", (entry, live)
            assert live["url"] == _expected(entry)
    assert invalid == 197 + len(CONTROL_CHARACTER_INPUTS)
    assert document["summary"]["live"]["invalid-url"] == invalid
    assert (tmp_path / "reports" / "latest" / "report.html").is_file()


def test_accepted_paths_and_queries_are_requested_as_the_standard_serialises_them(
    local_web: LocalWeb,
) -> None:
    # The hosts of the suite are not on loopback: each accepted input's path and query
    # is asked of the local web instead, to see what reaches the server.
    base = local_web.host("main")
    wanted: dict[str, str] = {}
    for entry in absolute_web_inputs():
        if entry.get("failure") or entry["input"] in CONTROL_CHARACTER_INPUTS:
            continue
        parsed = ada_url.URL(_expected(entry))
        target = (parsed.pathname or "/") + parsed.search
        wanted[normalise_url(base + target)] = target
    local_web.clear_requests()
    options = LiveOptions(
        allow_private=True, probe=False, retries=0, host_interval=0, per_host=8, timeout=5
    )
    run = asyncio.run(check_live(sorted(wanted), options))
    assert all(c.live.http_status is not None for c in run.results.values()), [
        c.live for c in run.results.values() if c.live.http_status is None
    ]
    asked = {r.path for r in local_web.requests("main")}
    assert set(wanted.values()) <= asked, set(wanted.values()) - asked


def test_every_input_goes_through_extract_inside_a_report(
    tmp_path: Path, local_web: LocalWeb
) -> None:
    lines = ["<html><body><h1>A report of odd links</h1><ol>"]
    for n, entry in enumerate(absolute_web_inputs()):
        href = entry["input"].replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
        # Control characters as character references, as an HTML editor writes them.
        href = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", lambda m: f"&#{ord(m[0])};", href)
        lines.append(f'<li>Source {n} (Xinhua, 2023). <a href="{href}">link {n}</a></li>')
    lines.append("</ol></body></html>")
    report = tmp_path / "odd-links.html"
    report.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "citations.csv"
    done = subprocess.run(
        [sys.executable, "-m", "linkwatch", "extract", str(report), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
    extracted = [c for c in read_citations(out) if c.url]
    assert len(extracted) >= 300
    # ... and what was extracted is judged by check, each URL with a status.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "linkwatch",
            "check",
            str(out),
            "--no-archive",
            "--json",
            "--allow-private",
            "--canary",
            local_web.url("connection-refused"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 3, done.stderr
    results = json.loads(done.stdout)["run"]["results"]
    statuses = {r["live"]["status"] for r in results if r["live"] is not None}
    assert statuses <= {"invalid-url", "not-checked"}
    assert "invalid-url" in statuses


def test_hosts_the_http_client_cannot_request_are_invalid_when_fetched() -> None:
    accepted = [
        e
        for e in absolute_web_inputs()
        if not e.get("failure") and e["input"] not in CONTROL_CHARACTER_INPUTS
    ]
    refused = set()
    for entry in accepted:
        try:
            httpx.Request("GET", _expected(entry))
        except (httpx.InvalidURL, UnicodeError):
            refused.add(entry["input"])
    assert refused == HTTP_CLIENT_REFUSES
    # The request cannot even be built, so nothing reaches the network.
    urls = [normalise_url(text) for text in sorted(HTTP_CLIENT_REFUSES)]
    run = asyncio.run(check_live(urls, LiveOptions(probe=False, retries=0)))
    for url in urls:
        live = run.results[url].live
        assert live.status.value == "invalid-url", live
        assert "the HTTP client cannot request this URL" in live.reason
