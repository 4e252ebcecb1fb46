"""A loopback double of the Internet Archive's availability API, Save Page Now 2 and CDX server.

It answers from the local pywb collection (`LocalArchive`), following the public documentation:

- `GET /wayback/available?url=U[&timestamp=T][&closest=before|after|either][&status_code=N]
  [&tag=X]` → `{"url": U, "archived_snapshots": {"closest": {"available": true, "url": ...,
  "timestamp": ..., "status": "200"}}}` (or `"archived_snapshots": {}`); the same as a
  form-encoded POST; and the bulk form: `POST` with `Wayback-Api-Version: 2` and one
  `url=…&timestamp=…&tag=…` line per URL → `{"results": [{"url", "timestamp", "tag",
  "archived_snapshots"}, …]}`.
- Save Page Now 2: `POST /save` (form `url=…`, header `Authorization: LOW key:secret`) →
  `{"url": U, "job_id": J}`; `GET /save/status/J` → `{"status": "pending"}`, then
  `{"status": "success", "timestamp", "original_url", …}` or `{"status": "error",
  "status_ext", "message", …}`. A success fetches the page from the local web and writes the
  capture into the pywb collection, so it can be looked up right away. With
  `if_not_archived_within=<timedelta>` (seconds, or parts like `3d 5h 20m`) a good capture
  that recent is returned instead of a new one, as the SPN2 documentation describes: the POST
  answer says "The same snapshot had been made … ago" and the job succeeds with that
  capture's timestamp, writing nothing. Every form posted to `/save` is kept (`save_forms()`).
- `GET /cdx/search/cdx?url=U[&matchType=exact|prefix|host|domain][&output=json][&from][&to]
  [&closest=T&sort=closest][&limit][&filter=[!]field:regex]…[&collapse=field[:N]]…[&fl=]
  [&showResumeKey=true][&resumeKey=K]` → a JSON array of arrays with the header row
  `urlkey,timestamp,original,mimetype,statuscode,digest,length` (or space-separated lines).
  Filters, then collapsing (adjacent rows with the same field value, or its first N
  characters), then the limit apply, as on the Wayback CDX server. With `showResumeKey=true`
  and more rows than the limit, the JSON answer ends with an empty row and a row holding the
  resumption key (plain text: an empty line, then the key); `resumeKey=K` continues after it.
- `/web/<ts>/<U>`, `/web/<ts>id_/<U>`, `/web/<U>` (TimeGate), `/web/timemap/link/<U>`:
  forwarded to the pywb collection, with links rewritten to `/web/`.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import re
import secrets
import ssl
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote_plus, unquote_plus

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
from tests.web.archive import COLLECTION, CaptureRecord, LocalArchive

CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
#: IA CDX field name -> pywb CDXJ field name.
PYWB_FIELD = {
    "urlkey": "urlkey",
    "timestamp": "timestamp",
    "original": "url",
    "mimetype": "mime",
    "statuscode": "status",
    "digest": "digest",
    "length": "length",
}
OUTCOMES = ("success", "error", "already", "429")
_TIMEDELTA_PART = re.compile(r"(\d+)\s*([dhms])", re.IGNORECASE)
_TIMEDELTA_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}

#: SPN2 status_ext for what the live fetch met, after the public error-code list.
HTTP_STATUS_EXT = {
    401: "error:unauthorized",
    403: "error:forbidden",
    404: "error:not-found",
    410: "error:not-found",
    500: "error:internal-server-error",
    502: "error:bad-gateway",
    503: "error:service-unavailable",
    504: "error:gateway-timeout",
}
ERROR_MESSAGES = {
    "error:bad-gateway": "Bad Gateway for URL",
    "error:blocked-url": "This URL is in the Save Page Now service block list and cannot be "
    "captured.",
    "error:not-found": "Server returned HTTP status 404.",
    "error:forbidden": "Server returned HTTP status 403.",
    "error:connection-refused": "Cannot fetch the target URL due to connection refused.",
    "error:invalid-host-resolution": "Cannot resolve host.",
    "error:browsing-timeout": "The capture timed out.",
    "error:too-many-redirects": "Too many redirects.",
    "error:user-session-limit": "You have already reached the limit of active sessions.",
}


def _digits(timestamp: str) -> str:
    """A 1-14 digit Wayback timestamp padded to 14 digits (start of the period)."""
    ts = re.sub(r"\D", "", timestamp)[:14]
    pad = "00000101000000"
    return ts + pad[len(ts) :] if ts else ""


def timedelta_seconds(text: str) -> float:
    """Seconds in an SPN2 timedelta (``"120"``, ``"3d 5h 20m"``); 0 when empty or malformed."""
    text = text.strip()
    if text.isdigit():
        return float(text)
    parts = _TIMEDELTA_PART.findall(text)
    if not parts or _TIMEDELTA_PART.sub("", text).strip():
        return 0.0
    return float(sum(int(n) * _TIMEDELTA_UNITS[unit.lower()] for n, unit in parts))


def _ts_seconds(timestamp: str) -> float:
    moment = datetime.datetime.strptime(_digits(timestamp), "%Y%m%d%H%M%S")
    return moment.replace(tzinfo=datetime.UTC).timestamp()


@dataclass
class _Script:
    outcome: str
    kw: dict[str, Any]
    used: int = 0


@dataclass
class _Job:
    job_id: str
    url: str
    outcome: str
    kw: dict[str, Any]
    pending_left: int
    capture: asyncio.Task[dict[str, Any]] | None = None
    polls: int = 0
    started: float = field(default_factory=time.time)


class IAServer(Closing):
    """The Internet Archive API double, running; see the module docstring."""

    def __init__(self, archive: LocalArchive) -> None:
        self.archive = archive
        self._log = RequestLog()
        self._loop: LoopThread | None = None
        self._server: HTTPServer | None = None
        self._client: httpx.AsyncClient | None = None
        self._scripts: dict[str, _Script] = {}
        self._jobs: dict[str, _Job] = {}
        self._save_forms: list[dict[str, str]] = []
        self.keys: tuple[str, str] = ("lw-test-access", "lw-test-secret")
        self.startup_seconds = 0.0

    # -- life cycle ---------------------------------------------------------------------

    @classmethod
    def start(cls, archive: LocalArchive) -> IAServer:
        server = cls(archive)
        try:
            server._start()
        except BaseException:
            server.close()
            raise
        return server

    def _start(self) -> None:
        began = time.monotonic()
        self._loop = LoopThread("linkwatch-ia-api")
        self._server = HTTPServer("ia", "127.0.0.1", self._handle, self._log)
        verify: ssl.SSLContext = ssl.create_default_context(cafile=str(self._ca_bundle()))

        async def _start() -> None:
            self._client = httpx.AsyncClient(timeout=5.0, trust_env=False, verify=verify)
            assert self._server is not None
            await self._server.start()

        self._loop.run(_start())
        self.startup_seconds = time.monotonic() - began

    def _ca_bundle(self) -> Path:
        return self.archive.web.ca_bundle

    def close(self) -> None:
        if self._loop is not None:

            async def _stop() -> None:
                for job in self._jobs.values():
                    if job.capture is not None:
                        job.capture.cancel()
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

    @property
    def available_url(self) -> str:
        return f"{self.base_url}/wayback/available"

    @property
    def save_url(self) -> str:
        return f"{self.base_url}/save"

    def status_url(self, job_id: str) -> str:
        return f"{self.base_url}/save/status/{job_id}"

    @property
    def cdx_url(self) -> str:
        return f"{self.base_url}/cdx/search/cdx"

    @property
    def web_root(self) -> str:
        return f"{self.base_url}/web/"

    def script(self, url: str, outcome: str, **kw: Any) -> None:
        """Program what Save Page Now does for `url`.

        - "success": `pending_polls` (default 1) pending answers, then success; the capture is
          written into the pywb collection.
        - "error": `pending_polls` (default 1) pending answers, then an error with
          `status_ext` (default "error:bad-gateway") and `message`.
        - "already": the "same snapshot had been made … ago" answer; the job then succeeds with
          the latest existing capture (or a new one if there is none).
        - "429": the POST itself answers 429, with `Retry-After: retry_after` when given,
          `times` times (default 1); afterwards the URL saves normally.
        """
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
        self._scripts[url] = _Script(outcome, dict(kw))

    def clear_scripts(self) -> None:
        self._scripts.clear()

    def requests(self) -> list[RequestRecord]:
        return self._log.snapshot()

    def clear_requests(self) -> None:
        self._log.clear()
        self._save_forms.clear()

    def save_forms(self) -> list[dict[str, str]]:
        """The form fields of every `POST /save` since the last `clear_requests()`, in order."""
        return [dict(form) for form in self._save_forms]

    # -- dispatch -----------------------------------------------------------------------

    async def _handle(self, request: Request, writer: asyncio.StreamWriter) -> Response | None:
        path = request.path
        if path == "/wayback/available":
            return await self._available(request)
        if path == "/save" and request.method == "POST":
            return await self._save(request)
        if path.startswith("/save/status"):
            return await self._status(request)
        if path == "/cdx/search/cdx":
            return await self._cdx(request)
        if path.startswith("/web/"):
            return await self._web(request)
        return _json({"error": f"no such endpoint: {path}"}, 404)

    # -- availability -------------------------------------------------------------------

    async def _available(self, request: Request) -> Response:
        if request.method == "POST":
            form_text = request.body.decode("utf-8", "replace")
            if request.headers.get("wayback-api-version") == "2":
                results = []
                for line in form_text.splitlines():
                    if not line.strip():
                        continue
                    params = {k: v[0] for k, v in parse_qs(line, keep_blank_values=True).items()}
                    results.append(await self._availability_result(params))
                return _json({"results": results})
            params = {k: v[0] for k, v in parse_qs(form_text, keep_blank_values=True).items()}
        else:
            params = {k: v[0] for k, v in request.query.items()}
        if not params.get("url"):
            return _json({"error": "url is required"}, 400)
        return _json(await self._availability_result(params))

    async def _availability_result(self, params: dict[str, str]) -> dict[str, Any]:
        url = params.get("url", "")
        result: dict[str, Any] = {"url": url}
        if "timestamp" in params:
            result["timestamp"] = params["timestamp"]
        if "tag" in params:
            result["tag"] = params["tag"]
        rows = await self._pywb_rows(url)
        wanted = params.get("status_code")
        if wanted:
            rows = [r for r in rows if r.get("status") == wanted]
        target = _digits(params.get("timestamp", "")) or "99991231235959"
        closest = params.get("closest", "either")
        if closest == "before":
            rows = [r for r in rows if r["timestamp"] <= target]
        elif closest == "after":
            rows = [r for r in rows if r["timestamp"] >= target]
        snapshots: dict[str, Any] = {}
        if rows:
            goal = _ts_seconds(target)
            best = min(rows, key=lambda r: abs(_ts_seconds(r["timestamp"]) - goal))
            snapshots["closest"] = {
                "status": best.get("status", "-"),
                "available": True,
                "url": f"{self.web_root}{best['timestamp']}/{best['url']}",
                "timestamp": best["timestamp"],
            }
        result["archived_snapshots"] = snapshots
        return result

    async def _pywb_rows(self, url: str, **params: str) -> list[dict[str, str]]:
        assert self._client is not None
        query = {"url": url, "output": "json", **params}
        reply = await self._client.get(f"{self.archive.pywb_base}/{COLLECTION}/cdx", params=query)
        if reply.status_code != 200:
            return []
        return [json.loads(line) for line in reply.text.splitlines() if line.strip()]

    # -- Save Page Now 2 ----------------------------------------------------------------

    def _authorised(self, request: Request) -> bool:
        access, secret = self.keys
        return request.headers.get("authorization", "") == f"LOW {access}:{secret}"

    async def _save(self, request: Request) -> Response:
        if not self._authorised(request):
            return _json(
                {
                    "status": "error",
                    "status_ext": "error:unauthorized",
                    "message": "You need to be logged in to use Save Page Now.",
                },
                401,
            )
        form = {
            k: v[0]
            for k, v in parse_qs(
                request.body.decode("utf-8", "replace"), keep_blank_values=True
            ).items()
        }
        self._save_forms.append(dict(form))
        url = form.get("url", "").strip()
        if not url.startswith(("http://", "https://")):
            return _json(
                {
                    "status": "error",
                    "status_ext": "error:invalid-url-syntax",
                    "message": f"Invalid URL syntax: {url!r}",
                },
                400,
            )
        script = self._scripts.get(url)
        outcome, kw = ("success", {}) if script is None else (script.outcome, script.kw)
        if outcome == "429":
            assert script is not None
            if script.used < int(kw.get("times", 1)):
                script.used += 1
                headers = []
                if kw.get("retry_after") is not None:
                    headers.append(("Retry-After", str(kw["retry_after"])))
                body = json.dumps(
                    {
                        "status": "error",
                        "status_ext": "error:too-many-requests",
                        "message": "Too Many Requests",
                    }
                ).encode()
                return Response(429, [("Content-Type", "application/json"), *headers], body)
            outcome, kw = "success", {}
        job_id = "spn2-" + secrets.token_hex(20)
        within = timedelta_seconds(form.get("if_not_archived_within", ""))
        recent = await self._recent_capture(url, within) if outcome == "success" else None
        if recent is not None:
            return self._reuse(job_id, url, recent)
        job = _Job(job_id, url, outcome, kw, pending_left=int(kw.get("pending_polls", 1)))
        self._jobs[job_id] = job
        answer: dict[str, Any] = {"url": url, "job_id": job_id}
        if outcome == "already":
            minutes = int(kw.get("minutes_ago", 12))
            answer["message"] = (
                f"The same snapshot had been made {minutes} minutes ago. You can make new "
                f"capture of this URL after {45 - minutes % 45} minutes."
            )
            job.pending_left = 0
        if outcome in ("success", "already"):
            job.capture = asyncio.create_task(self._capture(job, form))
        return _json(answer)

    async def _recent_capture(self, url: str, within: float) -> str | None:
        """The timestamp of the latest good capture of `url` made within `within` seconds."""
        if within <= 0:
            return None
        # pywb answers a query it cannot match exactly with fuzzy matches (other query
        # strings of the same path): only captures of this very URL count.
        good = [
            r["timestamp"]
            for r in await self._pywb_rows(url)
            if r.get("status") == "200" and r.get("url") == url
        ]
        if not good:
            return None
        latest = max(good)
        return latest if time.time() - _ts_seconds(latest) <= within else None

    def _reuse(self, job_id: str, url: str, timestamp: str) -> Response:
        """Answer a save with a recent capture: no new capture, the job succeeds with it."""
        job = _Job(job_id, url, "recent", {"timestamp": timestamp}, pending_left=0)
        self._jobs[job_id] = job

        async def done() -> dict[str, Any]:
            return _success(job, timestamp)

        job.capture = asyncio.create_task(done())
        minutes = max(0, int((time.time() - _ts_seconds(timestamp)) // 60))
        return _json(
            {
                "url": url,
                "job_id": job_id,
                "message": f"The same snapshot had been made {minutes} minutes ago. You can "
                "make new capture of this URL after the if_not_archived_within period.",
            }
        )

    async def _status(self, request: Request) -> Response:
        if request.path.startswith("/save/status/"):
            job_id = request.path[len("/save/status/") :]
        else:
            body = request.body.decode("utf-8", "replace")
            job_id = {k: v[0] for k, v in parse_qs(body).items()}.get("job_id", "")
        job = self._jobs.get(job_id)
        if job is None:
            return _json(
                {"status": "error", "status_ext": "error:not-found", "message": "Job not found."},
                404,
            )
        job.polls += 1
        if job.pending_left > 0:
            job.pending_left -= 1
            return _json({"status": "pending", "job_id": job_id, "resources": []})
        if job.outcome == "error":
            status_ext = str(job.kw.get("status_ext", "error:bad-gateway"))
            return _json(_error(job, status_ext, job.kw.get("message")))
        assert job.capture is not None
        result = await job.capture
        return _json(result)

    async def _capture(self, job: _Job, form: dict[str, str]) -> dict[str, Any]:
        """Fetch the page from the local web like SPN does and write it into the collection."""
        if job.outcome == "already":
            rows = await self._pywb_rows(job.url)
            good = [r for r in rows if r.get("status") == "200"]
            if good:
                return _success(job, good[-1]["timestamp"])
        assert self._client is not None
        records: list[CaptureRecord] = []
        url = job.url
        try:
            for _hop in range(6):
                reply = await self._client.get(url)
                headers = [(k, v) for k, v in reply.headers.items() if k not in ("date", "server")]
                records.append((url, reply.status_code, headers, reply.content))
                if reply.is_redirect and "location" in reply.headers:
                    url = str(reply.url.join(reply.headers["location"]))
                    continue
                break
            else:
                return _error(job, "error:too-many-redirects")
        except httpx.ConnectError as exc:
            text = str(exc).lower()
            if "name or service" in text or "resolution" in text or "nodename" in text:
                return _error(job, "error:invalid-host-resolution")
            if "certificate" in text or "ssl" in text:
                return _error(job, "error:invalid-server-response")
            return _error(job, "error:connection-refused")
        except httpx.TimeoutException:
            return _error(job, "error:browsing-timeout")
        except httpx.TransportError:
            return _error(job, "error:bad-gateway")
        final_status = records[-1][1]
        if final_status != 200 and form.get("capture_all") != "1":
            return _error(job, HTTP_STATUS_EXT.get(final_status, "error:bad-gateway"))
        loop = asyncio.get_running_loop()
        timestamp = await loop.run_in_executor(None, self.archive.add_captures, records)
        return _success(job, timestamp, [r[0] for r in records])

    # -- CDX ----------------------------------------------------------------------------

    async def _cdx(self, request: Request) -> Response:
        url = request.arg("url")
        if not url:
            return Response(400, [("Content-Type", "text/plain")], b"url is required\n")
        keys = ("matchType", "from", "to", "sort", "closest")
        passed = {k: request.arg(k) for k in keys if request.arg(k)}
        rows = [
            [str(row.get(PYWB_FIELD[name], "-")) for name in CDX_FIELDS]
            for row in await self._pywb_rows(url, **passed)
        ]
        for spec in request.query.get("filter", []):
            negate = spec.startswith("!")
            name, _, pattern = spec.lstrip("!").partition(":")
            if name not in CDX_FIELDS:
                return Response(400, [("Content-Type", "text/plain")], b"bad filter field\n")
            index = CDX_FIELDS.index(name)
            regex = re.compile(pattern)
            rows = [r for r in rows if bool(regex.fullmatch(r[index])) != negate]
        for spec in request.query.get("collapse", []):
            rows = _collapse(rows, spec)
            if rows is None:
                return Response(400, [("Content-Type", "text/plain")], b"bad collapse field\n")
        resume = request.arg("resumeKey")
        if resume:
            after = tuple(unquote_plus(resume).rsplit(" ", 1))
            rows = [r for r in rows if (r[0], r[1]) > after]
        limit = request.arg("limit")
        resume_key = ""
        if limit:
            n = int(limit)
            if request.arg("showResumeKey") == "true" and 0 < n < len(rows):
                last = rows[n - 1]
                resume_key = quote_plus(f"{last[0]} {last[1]}")
            rows = rows[:n] if n >= 0 else rows[n:]
        fields = list(CDX_FIELDS)
        if request.arg("fl"):
            fields = [f for f in request.arg("fl").split(",") if f in CDX_FIELDS]
            rows = [[r[CDX_FIELDS.index(f)] for f in fields] for r in rows]
        if request.arg("output") == "json":
            table: list[list[str]] = [fields, *rows] if rows else []
            if resume_key:
                table += [[], [resume_key]]
            return _json(table)
        text = "".join(" ".join(r) + "\n" for r in rows)
        if resume_key:
            text += f"\n{resume_key}\n"
        return Response(200, [("Content-Type", "text/plain")], text.encode())

    # -- replay -------------------------------------------------------------------------

    async def _web(self, request: Request) -> Response:
        assert self._client is not None
        rest = request.target[len("/web/") :]
        headers = {
            k: v
            for k, v in request.headers.items()
            if k in ("accept-datetime", "accept", "user-agent", "range")
        }
        headers["host"] = self.base_url.split("://", 1)[1]
        reply = await self._client.get(
            f"{self.archive.pywb_base}/{COLLECTION}/{rest}", headers=headers
        )
        pywb_root = f"{self.base_url}/{COLLECTION}/"
        out = []
        for key, value in reply.headers.multi_items():
            if key.lower() in ("content-length", "transfer-encoding", "connection", "date"):
                continue
            if key.lower() == "content-encoding":
                continue
            out.append((key, value.replace(pywb_root, self.web_root)))
        body = reply.content
        if reply.headers.get("content-type", "").startswith("application/link-format"):
            body = body.replace(pywb_root.encode(), self.web_root.encode())
        return Response(reply.status_code, out, body)


def _collapse(rows: list[list[str]], spec: str) -> list[list[str]] | None:
    """Drop rows whose `field` (or its first N characters, `field:N`) repeats the row before."""
    name, _, width = spec.partition(":")
    if name not in CDX_FIELDS or (width and not width.isdigit()):
        return None
    index = CDX_FIELDS.index(name)
    out: list[list[str]] = []
    previous: str | None = None
    for row in rows:
        value = row[index][: int(width)] if width else row[index]
        if value != previous:
            out.append(row)
        previous = value
    return out


def _json(data: Any, status: int = 200) -> Response:
    return Response(
        status,
        [("Content-Type", "application/json")],
        json.dumps(data, ensure_ascii=False).encode(),
    )


def _success(job: _Job, timestamp: str, resources: list[str] | None = None) -> dict[str, Any]:
    return {
        "status": "success",
        "job_id": job.job_id,
        "original_url": job.url,
        "timestamp": timestamp,
        "duration_sec": round(time.time() - job.started, 3),
        "resources": resources or [job.url],
        "outlinks": {},
        "screenshot": "",
    }


def _error(job: _Job, status_ext: str, message: str | None = None) -> dict[str, Any]:
    return {
        "status": "error",
        "job_id": job.job_id,
        "original_url": job.url,
        "status_ext": status_ext,
        "exception": status_ext.removeprefix("error:").replace("-", " ").capitalize(),
        "message": message or ERROR_MESSAGES.get(status_ext, f"Capture failed: {status_ext}"),
        "resources": [],
    }
