"""check draws a progress bar on a terminal; elsewhere it writes one summary line, nothing more."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from linkwatch.errors import ExitCode
from linkwatch.records import Citation, write_citations
from tests.web import LocalWeb

COMMON = ["--no-archive", "--allow-private", "--host-interval", "0", "--timeout", "5"]


def _citations(tmp_path: Path, urls: list[str]) -> Path:
    path = tmp_path / "citations.csv"
    write_citations(path, [Citation(id=f"c{n}", url=u) for n, u in enumerate(urls, 1)])
    return path


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"})
    env.pop("NO_COLOR", None)
    return env


def _check(citations: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linkwatch", "check", str(citations), *COMMON, *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=_env(),
        cwd=citations.parent,
    )


def test_without_a_terminal_a_finished_run_writes_one_summary_line(
    local_web: LocalWeb, tmp_path: Path
) -> None:
    citations = _citations(
        tmp_path,
        [local_web.url("ok-html"), local_web.url("not-found-404"), local_web.url("slow-2s")],
    )
    done = _check(citations)
    assert done.returncode == ExitCode.OK, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("check: run ")
    assert "3 citations:" in lines[0] and "reports in" in lines[0]
    assert "\x1b[" not in done.stderr


def test_without_a_terminal_an_inconclusive_run_gives_its_reason_on_the_same_line(
    local_web: LocalWeb, tmp_path: Path
) -> None:
    citations = _citations(
        tmp_path,
        [local_web.url("connection-refused"), local_web.url("dns-unresolvable")],
    )
    done = _check(citations)
    assert done.returncode == ExitCode.INCONCLUSIVE, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("check: run ")
    assert "; inconclusive: the network looks down" in lines[0]


def test_on_a_terminal_check_draws_a_progress_bar(local_web: LocalWeb, tmp_path: Path) -> None:
    citations = _citations(
        tmp_path, [local_web.url("ok-html"), local_web.url("slow-2s"), local_web.url("gone-410")]
    )
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "linkwatch", "check", str(citations), *COMMON],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=_env(),
            cwd=tmp_path,
            close_fds=True,
        )
        os.close(slave)
        slave = -1
        chunks: list[bytes] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        code = proc.wait(timeout=60)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert code == ExitCode.OK, screen
    assert "checking" in screen
    assert "alive" in screen and "failing" in screen
    assert "\x1b[" in screen  # drawn and redrawn in place
    assert "check: run " in screen
