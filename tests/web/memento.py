"""A Memento archive double with the habits of archives other than pywb, over the local archive.

Its answers list the local pywb collection's captures, but keyed exactly as cited (``http``
and ``https``, ``www.`` or not, are different URLs here, as at archives that do not
canonicalise), and each *style* answers in its own way (`MementoArchive.timegate(style)`,
`MementoArchive.timemap(style)`):

- `redirect`: the TimeGate answers 302 to the closest memento (a pywb replay URL) with a
  `Link` naming only the original, no TimeMap.
- `content-location`: the TimeGate answers 200 with the memento's URL in `Content-Location`
  and `Memento-Datetime`, no TimeMap link.
- `opaque`: the TimeGate answers 302 to a replay URL without a timestamp (`/opaque/m/N`,
  as archive.today's short links), which answers with `Memento-Datetime`.
- `paged`: a TimeMap in pages: the first lists only the newest memento and links the
  older ones' page with `rel="timemap"` and `from`/`until`.
- `exact`: a plain link-format TimeMap, 404 when the exact URL has no memento.
- `empty-200`: every TimeMap answers 200 with an empty link-format body.
- `empty-404`: every TimeMap answers 404.
- `html`: every TimeMap answers 200 with an HTML error page (an archive that did not answer).
- `excluded`: every TimeMap answers 403 "This URL has been excluded from the archive."
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import time
from datetime import UTC, datetime

import httpx

from tests.web._http import (
    Closing,
    HTTPServer,
    LoopThread,
    Request,
    RequestLog,
    RequestRecord,
    Response,
)
from tests.web.archive import COLLECTION, LocalArchive

STYLES = (
    "redirect",
    "content-location",
    "opaque",
    "paged",
    "exact",
    "empty-200",
    "empty-404",
    "html",
    "excluded",
)
LINK_FORMAT = "application/link-format"


def _http_date(ts: str) -> str:
    when = datetime.strptime(ts, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return email.utils.format_datetime(when, usegmt=True)


def _ts_seconds(ts: str) -> float:
    return datetime.strptime(ts, "%Y%m%d%H%M%S").replace(tzinfo=UTC).timestamp()


class MementoArchive(Closing):
    """The Memento double, running; see the module docstring."""

    def __init__(self, archive: LocalArchive) -> None:
        self.archive = archive
        self._log = RequestLog()
        self._loop: LoopThread | None = None
        self._server: HTTPServer | None = None
        self._client: httpx.AsyncClient | None = None
        self._opaque: list[tuple[str, str]] = []

    @classmethod
    def start(cls, archive: LocalArchive) -> MementoArchive:
        double = cls(archive)
        try:
            double._loop = LoopThread("linkwatch-memento")
            double._server = HTTPServer("memento", "127.0.0.1", double._handle, double._log)

            async def _start() -> None:
                double._client = httpx.AsyncClient(timeout=5.0, trust_env=False)
                assert double._server is not None
                await double._server.start()

            double._loop.run(_start())
        except BaseException:
            double.close()
            raise
        return double

    def close(self) -> None:
        if self._loop is not None:

            async def _stop() -> None:
                if self._server is not None:
                    await self._server.stop()
                if self._client is not None:
                    await self._client.aclose()

            loop, self._loop = self._loop, None
            loop.shutdown(_stop())

    # -- the contract -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return self._server.base_url

    def timegate(self, style: str) -> str:
        """The TimeGate prefix of a style: the TimeGate of U is this + U."""
        return f"{self.base_url}/{self._style(style)}/timegate/"

    def timemap(self, style: str) -> str:
        """The TimeMap prefix of a style: the TimeMap of U is this + U."""
        return f"{self.base_url}/{self._style(style)}/timemap/"

    def requests(self) -> list[RequestRecord]:
        return self._log.snapshot()

    def clear_requests(self) -> None:
        self._log.clear()

    @staticmethod
    def _style(style: str) -> str:
        if style not in STYLES:
            raise ValueError(f"style must be one of {STYLES}, not {style!r}")
        return style

    # -- answers ------------------------------------------------------------------------

    async def _captures(self, url: str) -> list[str]:
        """Timestamps of the pywb captures whose URL is exactly ``url``, oldest first."""
        assert self._client is not None
        reply = await self._client.get(
            f"{self.archive.pywb_base}/{COLLECTION}/cdx", params={"url": url, "output": "json"}
        )
        if reply.status_code != 200:
            return []
        rows = [json.loads(line) for line in reply.text.splitlines() if line.strip()]
        return sorted(r["timestamp"] for r in rows if r.get("url") == url)

    def _memento(self, ts: str, url: str) -> str:
        return f"{self.archive.root}{ts}/{url}"

    def _closest(self, stamps: list[str], request: Request) -> str:
        asked = request.headers.get("accept-datetime", "")
        if not asked:
            return stamps[-1]
        goal = email.utils.parsedate_to_datetime(asked).timestamp()
        return min(stamps, key=lambda ts: abs(_ts_seconds(ts) - goal))

    def _timemap_body(self, url: str, stamps: list[str], extra: str = "") -> bytes:
        lines = [f'<{url}>; rel="original"']
        lines += [
            f'<{self._memento(ts, url)}>; rel="memento"; datetime="{_http_date(ts)}"'
            for ts in stamps
        ]
        if extra:
            lines.append(extra)
        return (",\n".join(lines) + "\n").encode()

    async def _handle(self, request: Request, writer: asyncio.StreamWriter) -> Response | None:
        target = request.target
        parts = target.lstrip("/").split("/", 2)
        if len(parts) < 3 or parts[0] not in STYLES:
            return Response(404, [("Content-Type", "text/plain")], b"no such endpoint\n")
        style, kind, url = parts
        if kind == "m" and style == "opaque":
            return await self._opaque_replay(int(url))
        if kind == "timemap" and style in ("paged", "exact"):
            return await self._timemap(style, url)
        if kind == "timemap":
            return self._fixed_timemap(style)
        if kind == "timegate":
            return await self._timegate(style, url, request)
        return Response(404, [("Content-Type", "text/plain")], b"no such endpoint\n")

    def _fixed_timemap(self, style: str) -> Response:
        if style == "empty-200":
            return Response(200, [("Content-Type", LINK_FORMAT)], b"")
        if style == "html":
            return Response(
                200,
                [("Content-Type", "text/html")],
                b"<html><body><h1>Service temporarily unavailable</h1></body></html>",
            )
        if style == "excluded":
            return Response(
                403,
                [("Content-Type", "text/html")],
                b"<html><body><p>This URL has been excluded from the archive.</p></body></html>",
            )
        return Response(404, [("Content-Type", "text/plain")], b"no mementos\n")

    async def _timemap(self, style: str, url: str) -> Response:
        page = 1
        if style == "paged" and url.startswith("2/"):
            page, url = 2, url[2:]
        stamps = await self._captures(url)
        if not stamps:
            return Response(404, [("Content-Type", "text/plain")], b"no mementos\n")
        if style == "exact":
            return Response(200, [("Content-Type", LINK_FORMAT)], self._timemap_body(url, stamps))
        older, newest = stamps[:-1], stamps[-1:]
        if page == 2:
            return Response(200, [("Content-Type", LINK_FORMAT)], self._timemap_body(url, older))
        extra = ""
        if older:
            extra = (
                f'<{self.base_url}/paged/timemap/2/{url}>; rel="timemap"; type="{LINK_FORMAT}";'
                f' from="{_http_date(older[0])}"; until="{_http_date(older[-1])}"'
            )
        return Response(
            200, [("Content-Type", LINK_FORMAT)], self._timemap_body(url, newest, extra)
        )

    async def _timegate(self, style: str, url: str, request: Request) -> Response:
        stamps = await self._captures(url)
        if not stamps:
            return Response(404, [("Content-Type", "text/plain")], b"no mementos\n")
        ts = self._closest(stamps, request)
        link = f'<{url}>; rel="original"'
        vary = ("Vary", "accept-datetime")
        if style == "content-location":
            return Response(
                200,
                [
                    ("Content-Type", "text/html"),
                    ("Content-Location", self._memento(ts, url)),
                    ("Memento-Datetime", _http_date(ts)),
                    ("Link", link),
                    vary,
                ],
                b"<html><body>memento</body></html>",
            )
        location = self._memento(ts, url)
        if style == "opaque":
            self._opaque.append((ts, url))
            location = f"{self.base_url}/opaque/m/{len(self._opaque) - 1}"
        if style in ("redirect", "opaque"):
            return Response(302, [("Location", location), ("Link", link), vary])
        link += f', <{self.timemap(style)}{url}>; rel="timemap"; type="{LINK_FORMAT}"'
        return Response(302, [("Location", location), ("Link", link), vary])

    async def _opaque_replay(self, index: int) -> Response:
        assert self._client is not None
        if not 0 <= index < len(self._opaque):
            return Response(404, [("Content-Type", "text/plain")], b"no such memento\n")
        ts, url = self._opaque[index]
        reply = await self._client.get(f"{self.archive.root}{ts}id_/{url}")
        headers = [
            ("Content-Type", reply.headers.get("content-type", "text/html")),
            ("Memento-Datetime", _http_date(ts)),
            ("Link", f'<{url}>; rel="original"'),
            ("Date", email.utils.formatdate(time.time(), usegmt=True)),
        ]
        return Response(reply.status_code, headers, reply.content)
