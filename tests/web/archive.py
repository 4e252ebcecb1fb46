"""The local archive: a real pywb collection of back-dated captures, behind a logging proxy.

At start the pages of the local web are fetched once and written as WARC response records
(warcio) with back-dated WARC-Dates, indexed with `wb-manager add`, and replayed by pywb's
`wayback` running as a subprocess from its own virtual environment (`.venv-pywb`, created by
scripts/test.sh, so pywb's pins never touch the project's environment). The collection is only
ever indexed by `wb-manager`, never by `wayback -a`, so captures are not indexed twice.

Clients talk to a small proxy in front of pywb that logs every request and can be told to fail
the next few (`fail_next`), for rate-limit and lookup-failed tests.
"""

from __future__ import annotations

import asyncio
import ctypes
import datetime
import io
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.web._http import (
    Closing,
    HTTPServer,
    LoopThread,
    Request,
    RequestLog,
    RequestRecord,
    Response,
    html,
)
from tests.web.local_web import CHANGING_TEXT, LocalWeb

REPO_ROOT = Path(__file__).resolve().parents[2]
PYWB_BIN_ENV = "LINKWATCH_PYWB_BIN"
COLLECTION = "lw"
RECORD_COLLECTION = "rec"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}

PYWB_CONFIG = """\
# Written by tests/web/archive.py for one test session.
collections:
  live: $live
recorder: live
enable_memento: true
redirect_to_exact: true
framed_replay: false
"""


#: One capture to write: original URL, HTTP status, response headers, body.
CaptureRecord = tuple[str, int, Sequence[tuple[str, str]], bytes]


class PywbMissingError(RuntimeError):
    """pywb's `wayback` is not installed where the fixture looks for it."""


@dataclass(frozen=True)
class ArchivedPage:
    """A named page of the local archive: its original URL and its captures (timestamp, kind)."""

    name: str
    url: str
    captures: list[tuple[str, str]]
    citation_date: str
    description: str


@dataclass(frozen=True)
class _PageSpec:
    name: str
    host: str
    path: str
    captures: tuple[tuple[str, str], ...]
    citation_date: str
    description: str


#: The named pages: where they live on the local web, and when and how they were captured.
PAGE_SPECS: tuple[_PageSpec, ...] = (
    _PageSpec(
        "good-near",
        "main",
        "/a/good-near.html",
        (("20210310093000", "good"), ("20210318141500", "good"), ("20230705120000", "good")),
        "2021-03-15",
        "good captures five days before and three days after the citation date, one much later",
    ),
    _PageSpec(
        "late-only",
        "main",
        "/a/late-only.html",
        (("20240115080000", "good"),),
        "2019-06-01",
        "a single good capture four and a half years after the citation date",
    ),
    _PageSpec(
        "error-only",
        "main",
        "/a/error-only.html",
        (("20200502101010", "error-404"),),
        "2020-05-01",
        "the only capture is the page's 404 (the live page is 404 too)",
    ),
    _PageSpec(
        "redirect-capture",
        "main",
        "/a/redirect-capture.html",
        (("20200902120000", "redirect"),),
        "2020-09-01",
        "the only capture is a 301 to /a/redirect-target.html (which was never captured)",
    ),
    _PageSpec(
        "changed",
        "main",
        "/changing.html",
        (("20210601120000", "v1"),),
        "2021-06-01",
        "captured as v1; the live page (case changing-page) now serves v2",
    ),
    _PageSpec(
        "gbk",
        "main",
        "/gbk.html",
        (("20200110083000", "gbk"),),
        "2020-01-10",
        "GBK-encoded page, charset only in a <meta> tag (case gbk-meta-charset)",
    ),
    _PageSpec(
        "never",
        "main",
        "/a/never.html",
        (),
        "2022-01-01",
        "alive on the local web, never captured",
    ),
    _PageSpec(
        "soft404-capture",
        "soft404-en",
        "/reports/2016/annual-plan.html",
        (("20210402120000", "soft-404"),),
        "2021-04-01",
        'captured as a 200 "Page not found" page (the host answers unknown paths that way)',
    ),
)


def _warc_date(timestamp: str) -> str:
    moment = datetime.datetime.strptime(timestamp, "%Y%m%d%H%M%S")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_response_record(
    writer: WARCWriter,
    url: str,
    timestamp: str,
    status: int,
    headers: Sequence[tuple[str, str]],
    body: bytes,
) -> None:
    """Append one WARC response record dated `timestamp` (14 digits) to `writer`."""
    kept = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP | {"content-length"}]
    kept.append(("Content-Length", str(len(body))))
    reason = httpx.codes.get_reason_phrase(status) or "Unknown"
    http_headers = StatusAndHeaders(f"{status} {reason}", kept, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=http_headers,
        warc_headers_dict={"WARC-Date": _warc_date(timestamp)},
    )
    writer.write_record(record)


def find_pywb_bin() -> Path:
    """The directory holding pywb's `wayback` and `wb-manager`, or PywbMissingError."""
    configured = os.environ.get(PYWB_BIN_ENV)
    directory = Path(configured) if configured else REPO_ROOT / ".venv-pywb" / "bin"
    if not (directory / "wayback").exists() or not (directory / "wb-manager").exists():
        raise PywbMissingError(
            f"pywb not found: {directory / 'wayback'} does not exist. Run `bash scripts/test.sh` "
            f"(it creates .venv-pywb with pywb) or set {PYWB_BIN_ENV} to the directory holding "
            "pywb's wayback and wb-manager"
        )
    return directory


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if the test process dies without tearing down."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class _Failures:
    remaining: int = 0
    status: int = 429
    retry_after: str | None = "1"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self) -> tuple[int, str | None] | None:
        with self.lock:
            if self.remaining <= 0:
                return None
            self.remaining -= 1
            return self.status, self.retry_after


class LocalArchive(Closing):
    """A running pywb collection of the local web's named pages; see the module docstring."""

    def __init__(self, web: LocalWeb, workdir: Path | None = None) -> None:
        self.web = web
        self._own_dir = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="linkwatch-archive-"))
        self.bin_dir = find_pywb_bin()
        self.pages: dict[str, ArchivedPage] = {}
        self._log = RequestLog()
        self._failures = _Failures()
        self._index_lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._loop: LoopThread | None = None
        self._proxy: HTTPServer | None = None
        self._upstream: httpx.AsyncClient | None = None
        self._warc_serial = 0
        self.pywb_port = 0
        self.startup_seconds = 0.0

    # -- life cycle ---------------------------------------------------------------------

    @classmethod
    def start(cls, web: LocalWeb, workdir: Path | None = None) -> LocalArchive:
        """A running archive over the pages of `web`."""
        archive = cls(web, workdir)
        try:
            archive._start()
        except BaseException:
            archive.close()
            raise
        return archive

    def _start(self) -> None:
        began = time.monotonic()
        for coll in (COLLECTION, RECORD_COLLECTION):
            (self.workdir / "collections" / coll / "archive").mkdir(parents=True, exist_ok=True)
            (self.workdir / "collections" / coll / "indexes").mkdir(parents=True, exist_ok=True)
        (self.workdir / "config.yaml").write_text(PYWB_CONFIG)
        self.pywb_port = _free_port()
        log_file = (self.workdir / "pywb.log").open("wb")
        # pywb needs no index to start, so it boots while the seed captures are indexed.
        self._process = subprocess.Popen(
            [str(self.bin_dir / "wayback"), "-p", str(self.pywb_port), "-b", "127.0.0.1"],
            cwd=self.workdir,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        log_file.close()
        seed = self.workdir / "seed.warc.gz"
        self._write_seed(seed)
        self._index(seed)
        self._loop = LoopThread("linkwatch-archive-proxy")
        self._proxy = HTTPServer("archive", "127.0.0.1", self._forward, self._log)

        async def _start_proxy() -> None:
            self._upstream = httpx.AsyncClient(timeout=30.0, trust_env=False)
            assert self._proxy is not None
            await self._proxy.start()

        self._loop.run(_start_proxy())
        self._wait_for_pywb(deadline=time.monotonic() + 30.0)
        self.startup_seconds = time.monotonic() - began

    def _wait_for_pywb(self, deadline: float) -> None:
        probe = f"{self.pywb_base}/{COLLECTION}/cdx?url=http://example.invalid/"
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                tail = (self.workdir / "pywb.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"pywb exited with {self._process.returncode}:\n{tail}")
            try:
                if httpx.get(probe, timeout=1.0, trust_env=False).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"pywb did not answer on {self.pywb_base} within 30 s")
            time.sleep(0.05)

    def close(self) -> None:
        """Stop the proxy and pywb, and remove the working directory."""
        if self._loop is not None:

            async def _stop() -> None:
                if self._proxy is not None:
                    await self._proxy.stop()
                if self._upstream is not None:
                    await self._upstream.aclose()

            loop, self._loop = self._loop, None
            loop.shutdown(_stop())
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(5.0)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5.0)
            self._process = None
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # -- building the collection --------------------------------------------------------

    def _write_seed(self, path: Path) -> None:
        with httpx.Client(timeout=10.0, trust_env=False) as client, path.open("wb") as out:
            writer = WARCWriter(out, gzip=True)
            for spec in PAGE_SPECS:
                url = self.web.host(spec.host) + spec.path
                self.pages[spec.name] = ArchivedPage(
                    spec.name, url, list(spec.captures), spec.citation_date, spec.description
                )
                if not spec.captures:
                    continue
                live = client.get(url)
                for timestamp, kind in spec.captures:
                    status, body = live.status_code, live.content
                    headers = [
                        (k, v) for k, v in live.headers.items() if k not in ("date", "server")
                    ]
                    if kind == "v1":
                        body = CHANGING_TEXT["v1"].encode()
                        headers = [("Content-Type", "text/html; charset=utf-8")]
                    write_response_record(writer, url, timestamp, status, headers, body)

    def _index(self, warc: Path, collection: str = COLLECTION) -> None:
        with self._index_lock:
            proc = subprocess.run(
                [str(self.bin_dir / "wb-manager"), "add", collection, str(warc)],
                cwd=self.workdir,
                capture_output=True,
                text=True,
                check=False,
            )
        if proc.returncode != 0:
            raise RuntimeError(f"wb-manager add {collection} {warc} failed: {proc.stderr[-2000:]}")

    def add_capture(
        self,
        url: str,
        body: bytes,
        *,
        status: int = 200,
        headers: Iterable[tuple[str, str]] = (("Content-Type", "text/html; charset=utf-8"),),
        timestamp: str | None = None,
    ) -> str:
        """Write one capture of `url` into the collection and index it; returns its timestamp."""
        return self.add_captures([(url, status, list(headers), body)], timestamp)

    def add_captures(self, records: Sequence[CaptureRecord], timestamp: str | None = None) -> str:
        """Write (url, status, headers, body) captures dated `timestamp` (default now) and index
        them in one go; returns the timestamp."""
        when = timestamp or datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S")
        with self._index_lock:
            self._warc_serial += 1
            path = self.workdir / f"capture-{self._warc_serial:04d}-{when}.warc.gz"
        with path.open("wb") as out:
            writer = WARCWriter(out, gzip=True)
            for url, status, headers, body in records:
                write_response_record(writer, url, when, status, headers, body)
        self._index(path)
        path.unlink()
        return when

    def add_dated_records(
        self, records: Iterable[tuple[str, str, bytes]], content_type: str = "text/html"
    ) -> int:
        """Write (url, 14-digit timestamp, body) captures with status 200 into the collection
        and index them in one go; returns how many were written."""
        with self._index_lock:
            self._warc_serial += 1
            path = self.workdir / f"dated-{self._warc_serial:04d}.warc.gz"
        count = 0
        with path.open("wb") as out:
            writer = WARCWriter(out, gzip=True)
            headers = [("Content-Type", f"{content_type}; charset=utf-8")]
            for url, timestamp, body in records:
                write_response_record(writer, url, timestamp, 200, headers, body)
                count += 1
        self._index(path)
        path.unlink()
        return count

    def reindex_recordings(self) -> None:
        """Index what the record-mode collection has captured so far, so it can be replayed."""
        with self._index_lock:
            proc = subprocess.run(
                [str(self.bin_dir / "wb-manager"), "reindex", RECORD_COLLECTION],
                cwd=self.workdir,
                capture_output=True,
                text=True,
                check=False,
            )
        if proc.returncode != 0:
            raise RuntimeError(f"wb-manager reindex {RECORD_COLLECTION} failed: {proc.stderr}")

    # -- the contract -------------------------------------------------------------------

    @property
    def pywb_base(self) -> str:
        """pywb itself, without the logging proxy (for the Internet Archive double)."""
        return f"http://127.0.0.1:{self.pywb_port}"

    @property
    def base_url(self) -> str:
        assert self._proxy is not None
        return self._proxy.base_url

    @property
    def root(self) -> str:
        """Collection root: TimeGate of U is root + U; raw replay is root + ts + 'id_/' + U."""
        return f"{self.base_url}/{COLLECTION}/"

    @property
    def cdx_url(self) -> str:
        return f"{self.base_url}/{COLLECTION}/cdx"

    def timemap_url(self, url: str) -> str:
        return f"{self.base_url}/{COLLECTION}/timemap/link/{url}"

    @property
    def record_root(self) -> str:
        """Record mode: GET record_root + U (or + 'id_/' + U) captures U from the live web now."""
        return f"{self.base_url}/{RECORD_COLLECTION}/record/"

    @property
    def record_replay_root(self) -> str:
        """Replay root of the record-mode collection (after `reindex_recordings()`)."""
        return f"{self.base_url}/{RECORD_COLLECTION}/"

    @property
    def record_cdx_url(self) -> str:
        return f"{self.base_url}/{RECORD_COLLECTION}/cdx"

    def requests(self) -> list[RequestRecord]:
        """Every request that reached the archive (through the proxy), in order."""
        return self._log.snapshot()

    def clear_requests(self) -> None:
        self._log.clear()

    def fail_next(self, n: int, status: int = 429, retry_after: str | None = "1") -> None:
        """Answer the next `n` requests with `status` (0: close the connection) instead of pywb."""
        with self._failures.lock:
            self._failures.remaining = n
            self._failures.status = status
            self._failures.retry_after = retry_after

    # -- the proxy ----------------------------------------------------------------------

    async def _forward(self, request: Request, writer: asyncio.StreamWriter) -> Response | None:
        failure = self._failures.take()
        if failure is not None:
            status, retry_after = failure
            if status == 0:
                writer.close()
                return None
            extra = {"Retry_After": retry_after} if retry_after is not None else {}
            return html(f"<html><body>Error {status}</body></html>", status, **extra)
        assert self._upstream is not None
        headers = [(k, v) for k, v in request.headers.items() if k not in HOP_BY_HOP]
        upstream = self._upstream.build_request(
            request.method,
            self.pywb_base + request.target,
            headers=headers,
            content=request.body,
        )
        reply = await self._upstream.send(upstream, stream=True)
        try:
            body = b"".join([chunk async for chunk in reply.aiter_raw()])
        finally:
            await reply.aclose()
        out = [
            (k, v)
            for k, v in reply.headers.multi_items()
            if k.lower() not in HOP_BY_HOP | {"content-length", "date"}
        ]
        return Response(reply.status_code, out, body)
