"""A throwaway pywb instance that serves a folder of WARCs plus index.cdxj as one collection."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.web.archive import PywbMissingError, find_pywb_bin


def _wayback_bin() -> Path:
    # The same place the archive fixture looks: LINKWATCH_PYWB_BIN names a directory.
    try:
        return find_pywb_bin() / "wayback"
    except PywbMissingError as exc:
        pytest.fail(str(exc))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve_warc_folder(folder: Path, workdir: Path, name: str = "copies") -> Iterator[str]:
    """Run pywb over ``folder`` (its WARCs and ``index.cdxj``); yields the collection root URL."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "config.yaml").write_text(
        "collections:\n"
        f"  {name}:\n"
        f"    index_paths: {folder / 'index.cdxj'}\n"
        f"    archive_paths: {folder}/\n"
        "framed_replay: false\n"
        "enable_memento: true\n"
    )
    port = _free_port()
    proc = subprocess.Popen(
        [str(_wayback_bin()), "-p", str(port), "-b", "127.0.0.1", "-t", "2"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    root = f"http://127.0.0.1:{port}/{name}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"pywb exited: {err[-500:]}")
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1.0)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail("pywb did not start within 30 s")
                time.sleep(0.1)
        yield root
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
