"""Local copies: fetch each chosen source and write standard WARC files with warcio.

Every hop of a redirect chain is kept as a request record and a response
record (linked by ``WARC-Concurrent-To``), with ``WARC-Date`` and block and
payload digests; bodies are stored as they came over the wire (``aiter_raw``)
so replay tools see the original encoding. ``index.cdxj`` (written by
cdxj-indexer, the indexer pywb and ReplayWeb.page read) covers every WARC in
the folder, so the folder can be served as a pywb collection as it is. An
optional WACZ package zips the WARCs, the index and a page list in the WACZ 1.1.1
layout.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
from cdxj_indexer.main import write_cdx_index
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from linkwatch.errors import BlockedAddressError, OutputError
from linkwatch.fsutil import atomic_write_bytes
from linkwatch.preserve.model import PreserveResult, PreserveStatus, Target

#: Returns why a URL must not be fetched (a private address…), or None when it may be.
Guard = Callable[[str], Awaitable[str | None]]

MAX_BODY = 50 * 1024 * 1024
"""Bytes kept of one response body; a larger body is truncated and says so in the WARC."""
MAX_REDIRECTS = 10
INDEX_NAME = "index.cdxj"

_HOP_HEADERS = {"transfer-encoding", "connection", "keep-alive"}


@dataclasses.dataclass(frozen=True, slots=True)
class WarcOptions:
    """Where and how local copies are written."""

    directory: Path
    user_agent: str = "Mozilla/5.0 (compatible; linkwatch; +https://github.com/linkwatch/linkwatch)"
    timeout: float = 30.0
    max_body: int = MAX_BODY
    wacz: bool = False


class WarcArchiver:
    """Fetches URLs and appends them to one WARC file per run in ``options.directory``."""

    name = Target.WARC.value

    def __init__(
        self,
        options: WarcOptions,
        *,
        client: httpx.AsyncClient | None = None,
        guard: Guard | None = None,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.options = options
        self._now = now or (lambda: dt.datetime.now(dt.UTC))
        self._guard = guard
        self._own_client = client is None
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(options.timeout, connect=10.0),
            follow_redirects=False,
            headers={"User-Agent": options.user_agent},
        )
        self.directory = Path(options.directory)
        stamp = self._now().strftime("%Y%m%d%H%M%S")
        self.warc_name = f"linkwatch-{stamp}-{os.getpid()}.warc.gz"
        self.written: list[PreserveResult] = []

    @property
    def warc_path(self) -> Path:
        """The WARC file this run appends to."""
        return self.directory / self.warc_name

    async def aclose(self) -> None:
        """Close the HTTP client if this object made it."""
        if self._own_client:
            await self._client.aclose()

    def _prepare(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"{self.directory}: cannot create WARC folder ({exc.strerror})"
            ) from exc

    async def save(self, url: str) -> PreserveResult:
        """Fetch ``url`` (following redirects hop by hop) and append every hop to the WARC."""
        self._prepare()
        hops: list[tuple[str, httpx.Response, bytes, bool, dt.datetime]] = []
        current = url
        try:
            for _ in range(MAX_REDIRECTS + 1):
                if self._guard is not None:
                    problem = await self._guard(current)
                    if problem:
                        return self._record(url, PreserveStatus.SKIPPED, problem)
                when = self._now()
                response, body, truncated = await self._fetch(current)
                hops.append((current, response, body, truncated, when))
                location = response.headers.get("location")
                if response.is_redirect and location:
                    current = urljoin(current, location)
                    continue
                break
        except BlockedAddressError as exc:
            if not hops:
                return self._record(url, PreserveStatus.SKIPPED, str(exc))
        except httpx.TransportError as exc:
            if not hops:
                return self._record(
                    url, PreserveStatus.FAILED, f"fetch failed ({type(exc).__name__})"
                )
        self._append(hops)
        last_url, last, _body, truncated, when = hops[-1]
        ts = when.strftime("%Y%m%d%H%M%S")
        reason = f"HTTP {last.status_code}, {len(hops)} record pair(s) in {self.warc_name}"
        if last_url != url:
            reason += f"; redirected to {last_url}"
        if truncated:
            reason += f"; body truncated at {self.options.max_body} bytes"
        return self._record(url, PreserveStatus.SAVED, reason, str(self.warc_path), ts)

    async def _fetch(self, url: str) -> tuple[httpx.Response, bytes, bool]:
        request = self._client.build_request(
            "GET", url, headers={"Accept-Encoding": "gzip, deflate"}
        )
        response = await self._client.send(request, stream=True)
        chunks: list[bytes] = []
        size = 0
        truncated = False
        try:
            async for chunk in response.aiter_raw():
                chunks.append(chunk)
                size += len(chunk)
                if size > self.options.max_body:
                    truncated = True
                    break
        finally:
            await response.aclose()
        body = b"".join(chunks)[: self.options.max_body]
        return response, body, truncated

    def _append(self, hops: Sequence[tuple[str, httpx.Response, bytes, bool, dt.datetime]]) -> None:
        with self.warc_path.open("ab") as fh:
            writer = WARCWriter(fh, gzip=True)
            if fh.tell() == 0:
                info = {"software": "linkwatch", "format": "WARC File Format 1.1"}
                writer.write_record(writer.create_warcinfo_record(self.warc_name, info))
            for url, response, body, truncated, when in hops:
                date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
                req = response.request
                parts = urlsplit(url)
                target = parts.path or "/"
                if parts.query:
                    target += "?" + parts.query
                req_headers = [
                    (k, v) for k, v in req.headers.items() if k.lower() != "authorization"
                ]
                request_record = writer.create_warc_record(
                    url,
                    "request",
                    payload=io.BytesIO(b""),
                    http_headers=StatusAndHeaders(
                        f"GET {target} HTTP/1.1", req_headers, is_http_request=True
                    ),
                    warc_headers_dict={"WARC-Date": date},
                )
                headers = [
                    (k, v)
                    for k, v in response.headers.multi_items()
                    if k.lower() not in _HOP_HEADERS and k.lower() != "content-length"
                ]
                headers.append(("Content-Length", str(len(body))))
                warc_headers = {"WARC-Date": date}
                if truncated:
                    warc_headers["WARC-Truncated"] = "length"
                response_record = writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(body),
                    length=len(body),
                    http_headers=StatusAndHeaders(
                        f"{response.status_code} {response.reason_phrase or 'OK'}",
                        headers,
                        protocol="HTTP/1.1",
                    ),
                    warc_headers_dict=warc_headers,
                )
                writer.write_request_response_pair(request_record, response_record)

    def _record(
        self, url: str, status: PreserveStatus, reason: str, where: str = "", ts: str = ""
    ) -> PreserveResult:
        result = PreserveResult(self.name, url, status, reason, where, ts)
        self.written.append(result)
        return result

    def finish(self) -> list[Path]:
        """Rewrite ``index.cdxj`` over the folder's WARCs (and the WACZ); returns the files."""
        if not self.warc_path.exists():
            return []
        index = write_index(self.directory)
        out = [self.warc_path, index]
        if self.options.wacz:
            out.append(write_wacz(self.directory, [r for r in self.written if r.done]))
        return out


def warc_files(directory: Path) -> list[Path]:
    """The WARC files in ``directory``, sorted by name."""
    return sorted(p for p in Path(directory).iterdir() if p.name.endswith((".warc", ".warc.gz")))


def write_index(directory: Path) -> Path:
    """Write ``directory/index.cdxj`` (sorted CDXJ over every WARC there); returns its path."""
    directory = Path(directory)
    files = [str(p) for p in warc_files(directory)]
    fd, tmp = tempfile.mkstemp(prefix=".index.", suffix=".tmp", dir=directory)
    os.close(fd)
    try:
        write_cdx_index(tmp, files, {"sort": True, "dir_root": str(directory)})
        os.chmod(tmp, 0o644)
        os.replace(tmp, directory / INDEX_NAME)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{directory / INDEX_NAME}: cannot write ({exc.strerror})") from exc
    return directory / INDEX_NAME


def write_wacz(directory: Path, pages: Sequence[PreserveResult]) -> Path:
    """Package the folder's WARCs and index as ``archive.wacz`` (WACZ 1.1.1); returns its path.

    Layout: ``archive/*.warc.gz``, ``indexes/index.cdxj``, ``pages/pages.jsonl``,
    ``datapackage.json`` (every file with its sha256 and size) and
    ``datapackage-digest.json``. Entries are stored uncompressed, as the format asks,
    so replay tools can seek into the WARCs.
    """
    directory = Path(directory)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    entries: list[tuple[str, bytes]] = []
    for warc in warc_files(directory):
        entries.append((f"archive/{warc.name}", warc.read_bytes()))
    index = (directory / INDEX_NAME).read_bytes()
    # Inside a WACZ the index names WARCs by their bare file name (under archive/).
    entries.append(("indexes/index.cdxj", index))
    lines = [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})]
    for page in pages:
        ts = page.timestamp
        iso = f"{ts[0:4]}-{ts[4:6]}-{ts[6:8]}T{ts[8:10]}:{ts[10:12]}:{ts[12:14]}Z" if ts else now
        lines.append(json.dumps({"url": page.url, "ts": iso}))
    entries.append(("pages/pages.jsonl", ("\n".join(lines) + "\n").encode()))
    resources = [
        {
            "name": Path(name).name,
            "path": name,
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
        }
        for name, data in entries
    ]
    package = json.dumps(
        {
            "profile": "data-package",
            "wacz_version": "1.1.1",
            "software": "linkwatch",
            "created": now,
            "resources": resources,
        },
        indent=2,
    ).encode()
    digest = json.dumps(
        {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package).hexdigest()}
    ).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in [
            *entries,
            ("datapackage.json", package),
            ("datapackage-digest.json", digest),
        ]:
            zf.writestr(name, data)
    target = directory / "archive.wacz"
    atomic_write_bytes(target, buf.getvalue())
    return target
