"""Save Page Now 2: ask the Wayback Machine to capture a URL, poll the job, confirm it.

The client speaks the SPN2 HTTP API with httpx rather than through waybackpy:
waybackpy's save call uses the older ``GET /save/<url>`` form with a fixed
endpoint, no job polling, no keys, and ``time.sleep`` retries without timeouts,
so it could neither be pointed at a configurable endpoint nor be kept from
hanging a run (see ``docs/design.md``).

Keys come from ``LINKWATCH_IA_ACCESS_KEY`` / ``LINKWATCH_IA_SECRET_KEY``; they
are sent only in the ``Authorization`` header and scrubbed from every message
that could reach a log, a report or the store.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from linkwatch.archives.polite import retry_after_seconds
from linkwatch.errors import ConfigError
from linkwatch.preserve.model import PreserveResult, PreserveStatus, Target
from linkwatch.preserve.ratelimit import Clock, RateLimiter, Sleep

ACCESS_ENV = "LINKWATCH_IA_ACCESS_KEY"
SECRET_ENV = "LINKWATCH_IA_SECRET_KEY"

#: SPN2 ``status_ext`` values worth asking again later: the archive was busy, not the page bad.
RETRYABLE_ERRORS = frozenset(
    {
        "error:user-session-limit",
        "error:browsing-timeout",
        "error:soft-time-limit-exceeded",
        "error:no-browsers-available",
        "error:proxy-error",
        "error:bad-gateway",
        "error:gateway-timeout",
        "error:service-unavailable",
        "error:internal-server-error",
        "error:celery",
        "error:redis-error",
        "error:wbm-error",
        "error:capture-location-error",
        "error:too-many-requests",
        "error:read-timeout",
        "error:bandwidth-limit-exceeded",
    }
)

#: SPN2 ``status_ext`` values that end the attempt for this URL.
FINAL_ERRORS = frozenset(
    {
        "error:blocked-url",
        "error:blocked",
        "error:blocked-client-ip",
        "error:not-found",
        "error:invalid-host-resolution",
        "error:invalid-url-syntax",
        "error:invalid-server-response",
        "error:invalid-ssl-certificate",
        "error:bad-request",
        "error:method-not-allowed",
        "error:no-access",
        "error:unauthorized",
        "error:filesize-limit",
        "error:ftp-access-denied",
        "error:http-version-not-supported",
        "error:network-authentication-required",
        "error:not-implemented",
        "error:too-many-redirects",
        "error:too-many-daily-captures",
        "error:cannot-fetch",
        "error:robots",
    }
)

_SAME_SNAPSHOT = re.compile(r"same snapshot had been made", re.IGNORECASE)
_HTML_JOB = re.compile(r"spn2-[0-9a-f]{16,}")


@dataclasses.dataclass(frozen=True, slots=True)
class IAKeys:
    """An Internet Archive S3-style key pair; its repr never shows either half."""

    access: str
    secret: str

    def __repr__(self) -> str:
        return "IAKeys(access=<redacted>, secret=<redacted>)"

    __str__ = __repr__

    def authorization(self) -> str:
        """The value of the ``Authorization`` header SPN2 expects."""
        return f"LOW {self.access}:{self.secret}"

    def scrub(self, text: str) -> str:
        """``text`` with both halves of the key replaced by ``***``."""
        for part in (self.secret, self.access):
            if part:
                text = text.replace(part, "***")
        return text


def keys_from_env(environ: Mapping[str, str] | None = None) -> IAKeys | None:
    """The keys from the environment, or None for anonymous use.

    Raises :class:`ConfigError` when only one of the two variables is set
    (naming the variable, never its value).
    """
    env = os.environ if environ is None else environ
    access = env.get(ACCESS_ENV, "").strip()
    secret = env.get(SECRET_ENV, "").strip()
    if access and secret:
        return IAKeys(access, secret)
    if access or secret:
        missing = SECRET_ENV if access else ACCESS_ENV
        present = ACCESS_ENV if access else SECRET_ENV
        raise ConfigError(f"{present} is set but {missing} is not: set both, or neither")
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class SpnOptions:
    """How to talk to Save Page Now; the defaults follow the Internet Archive's published limits."""

    endpoint: str = "https://web.archive.org"
    """Base URL: ``/save``, ``/save/status/<job>``, ``/cdx/search/cdx``, ``/web/`` hang off it."""
    keys: IAKeys | None = None
    per_minute: float | None = None
    """Captures started per minute; None: 4 anonymous, 12 with keys."""
    concurrency: int | None = None
    """Jobs at once; None: 1 anonymous, 3 with keys."""
    poll_interval: float = 6.0
    max_polls: int = 50
    """Polls of one job before it is left pending for the next run."""
    retries: int = 3
    """Resubmissions after a retryable error or a 429."""
    backoff: float = 20.0
    """First wait after a retryable error; doubled each time."""
    retry_after_default: float = 60.0
    """Wait after a 429 without Retry-After."""
    retry_after_cap: float = 900.0
    if_not_archived_within: str = "30d"
    """Passed to SPN2: a capture this recent is returned instead of a new one ("": never)."""
    confirm_attempts: int = 3
    confirm_interval: float = 10.0
    timeout: float = 60.0
    user_agent: str = "linkwatch (+https://github.com/linkwatch/linkwatch)"

    @property
    def effective_per_minute(self) -> float:
        """The capture rate in force."""
        if self.per_minute is not None:
            return self.per_minute
        return 12.0 if self.keys else 4.0

    @property
    def effective_concurrency(self) -> int:
        """The number of jobs run at once."""
        if self.concurrency is not None:
            return self.concurrency
        return 3 if self.keys else 1

    def __repr__(self) -> str:
        auth = "with keys" if self.keys else "anonymous"
        return f"SpnOptions(endpoint={self.endpoint!r}, {auth})"


class _Unreachable(Exception):
    """The endpoint did not answer at all."""


@dataclasses.dataclass(frozen=True, slots=True)
class _Answer:
    """One SPN2 answer reduced to what the retry loop needs."""

    kind: str
    """``job``, ``success``, ``pending``, ``retry``, ``final``, ``throttled``."""
    job_id: str = ""
    timestamp: str = ""
    original: str = ""
    reason: str = ""
    wait: float = 0.0
    same_snapshot: bool = False


class SavePageNow:
    """A Save Page Now 2 client bound to one endpoint, its keys and its limits.

    ``clock`` and ``sleep`` are injectable so tests can run the limits and
    backoff without waiting; ``client`` may be shared with other stages.
    """

    name = Target.WAYBACK.value

    def __init__(
        self,
        options: SpnOptions | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.options = options or SpnOptions()
        self._sleep: Sleep = sleep or asyncio.sleep
        limiter_kwargs: dict[str, Any] = {"sleep": self._sleep}
        if clock is not None:
            limiter_kwargs["clock"] = clock
        self.limiter = RateLimiter(
            self.options.effective_per_minute,
            self.options.effective_concurrency,
            **limiter_kwargs,
        )
        self._own_client = client is None
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(self.options.timeout, connect=10.0),
            follow_redirects=False,
        )
        self.base = self.options.endpoint.rstrip("/")
        self.refused = ""
        """Set when the endpoint refused our credentials; later saves are not attempted."""

    def __repr__(self) -> str:
        return f"SavePageNow({self.options!r})"

    async def aclose(self) -> None:
        """Close the HTTP client if this object made it."""
        if self._own_client:
            await self._client.aclose()

    async def __aenter__(self) -> SavePageNow:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def replay_url(self, timestamp: str, original: str) -> str:
        """The Wayback replay URL of a capture."""
        return f"{self.base}/web/{timestamp}/{original}"

    # -- the public calls ------------------------------------------------------------------

    async def save(
        self,
        url: str,
        *,
        on_submitted: Callable[[str, str], Awaitable[None] | None] | None = None,
    ) -> PreserveResult:
        """Capture ``url``: submit, poll, retry what is retryable, confirm success by a lookup.

        ``on_submitted(url, job_id)`` is called as soon as a job id is known, so
        a caller can store it and resume the job after a crash.
        """
        if self.refused:
            return self._result(url, PreserveStatus.FAILED, f"not asked: {self.refused}")
        attempts = 0
        delay = self.options.backoff
        last_reason = ""
        while True:
            try:
                async with self.limiter.slot():
                    answer = await self._submit(url)
            except _Unreachable as exc:
                return self._result(url, PreserveStatus.UNREACHABLE, str(exc))
            if answer.kind == "job":
                if on_submitted is not None:
                    maybe = on_submitted(url, answer.job_id)
                    if maybe is not None:
                        await maybe
                result = await self.poll(
                    url, answer.job_id, first_message_same=answer.same_snapshot
                )
                if result.status is not PreserveStatus.RETRY_LATER:
                    return result
                last_reason = result.reason
                wait = delay
            elif answer.kind == "success":
                return await self._confirmed(url, answer)
            elif answer.kind == "final":
                return self._result(url, PreserveStatus.FAILED, answer.reason)
            elif answer.kind == "throttled":
                last_reason = answer.reason
                wait = answer.wait
                self.limiter.hold_off(wait)
            else:
                last_reason = answer.reason
                wait = delay
            attempts += 1
            if attempts > self.options.retries:
                return self._result(
                    url,
                    PreserveStatus.RETRY_LATER,
                    f"{last_reason}; gave up after {attempts} attempt(s)",
                )
            await self._sleep(wait)
            delay *= 2

    async def poll(
        self, url: str, job_id: str, *, first_message_same: bool = False
    ) -> PreserveResult:
        """Poll a job until it ends or ``max_polls`` pass; a running job comes back ``pending``."""
        for n in range(self.options.max_polls):
            if n or not first_message_same:
                await self._sleep(self.options.poll_interval)
            try:
                answer = await self._status(job_id)
            except _Unreachable as exc:
                return self._result(url, PreserveStatus.PENDING, f"status unknown: {exc}", job_id)
            if answer.kind == "pending":
                continue
            if answer.kind == "throttled":
                await self._sleep(answer.wait)
                continue
            if answer.kind == "success":
                return await self._confirmed(
                    url,
                    dataclasses.replace(
                        answer, same_snapshot=answer.same_snapshot or first_message_same
                    ),
                    job_id,
                )
            if answer.kind == "final":
                return self._result(url, PreserveStatus.FAILED, answer.reason, job_id)
            return self._result(url, PreserveStatus.RETRY_LATER, answer.reason, job_id)
        return self._result(
            url,
            PreserveStatus.PENDING,
            f"job still running after {self.options.max_polls} polls",
            job_id,
        )

    async def confirm(self, url: str, timestamp: str, job_id: str = "") -> PreserveResult:
        """Look up a capture the archive reported earlier; ``saved`` once the index shows it."""
        return await self._confirmed(url, _Answer("success", timestamp=timestamp), job_id)

    async def lookup(self, url: str, timestamp: str = "") -> tuple[str, str] | None:
        """Find a capture of ``url`` in the CDX index: the one at ``timestamp``, else the latest.

        Returns ``(timestamp, original)`` or None; raises ``_Unreachable`` when
        the index cannot be asked.
        """
        params = {"url": url, "output": "json"}
        if timestamp:
            params["from"] = timestamp
            params["to"] = timestamp
        else:
            since = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
            params["from"] = since.strftime("%Y%m%d")
        response = await self._request("GET", f"{self.base}/cdx/search/cdx", params=params)
        if response.status_code != 200:
            raise _Unreachable(f"CDX lookup answered HTTP {response.status_code}")
        text = response.text.strip()
        if not text:
            return None
        try:
            rows = response.json()
        except ValueError as exc:
            raise _Unreachable("CDX lookup did not answer JSON") from exc
        if not isinstance(rows, list) or len(rows) < 2:
            return None
        header = rows[0]
        try:
            ts_i, orig_i = header.index("timestamp"), header.index("original")
        except ValueError as exc:
            raise _Unreachable("CDX answer has no timestamp/original columns") from exc
        best = max(rows[1:], key=lambda r: str(r[ts_i]))
        return str(best[ts_i]), str(best[orig_i])

    # -- the wire ------------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": self.options.user_agent}
        if self.options.keys is not None:
            headers["Authorization"] = self.options.keys.authorization()
        return headers

    def _scrub(self, text: str) -> str:
        if self.options.keys is not None:
            text = self.options.keys.scrub(text)
        return text[:300]

    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._client.request(method, url, headers=self._headers(), **kwargs)
        except httpx.TransportError as exc:
            # Never str() the request: only the exception's class and the endpoint are safe to show.
            raise _Unreachable(f"{self.base} unreachable ({type(exc).__name__})") from None

    async def _submit(self, url: str) -> _Answer:
        data = {"url": url, "skip_first_archive": "1"}
        if self.options.if_not_archived_within:
            data["if_not_archived_within"] = self.options.if_not_archived_within
        response = await self._request("POST", f"{self.base}/save", data=data)
        return self._read(response, submitting=True)

    async def _status(self, job_id: str) -> _Answer:
        response = await self._request("GET", f"{self.base}/save/status/{job_id}")
        return self._read(response, submitting=False)

    def _read(self, response: httpx.Response, *, submitting: bool) -> _Answer:
        code = response.status_code
        if code == 429:
            wait = retry_after_seconds(
                response.headers.get("retry-after"), self.options.retry_after_default
            )
            wait = min(wait, self.options.retry_after_cap)
            return _Answer("throttled", reason=f"HTTP 429 (waited {wait:.0f} s)", wait=wait)
        if code in (401, 403):
            if self.options.keys:
                why = "the keys were refused"
            else:
                why = f"anonymous saves were refused (set {ACCESS_ENV} and {SECRET_ENV})"
            self.refused = f"HTTP {code}: {why}"
            return _Answer("final", reason=self.refused)
        if code >= 500:
            return _Answer("retry", reason=f"HTTP {code} from Save Page Now")
        try:
            body = response.json()
        except ValueError:
            # The anonymous web form answers HTML that names the job it started.
            job = _HTML_JOB.search(response.text) if submitting else None
            if job:
                return _Answer("job", job_id=job.group(0))
            return _Answer("retry", reason=f"HTTP {code}, not a JSON answer")
        if not isinstance(body, dict):
            return _Answer("retry", reason=f"HTTP {code}, unexpected JSON")
        message = self._scrub(str(body.get("message") or ""))
        same = bool(_SAME_SNAPSHOT.search(message))
        status = str(body.get("status") or "")
        if status == "error":
            ext = str(body.get("status_ext") or "error:unknown")
            reason = f"{ext}: {message}" if message else ext
            if ext in FINAL_ERRORS:
                return _Answer("final", reason=reason)
            return _Answer("retry", reason=reason)
        if status == "success":
            return _Answer(
                "success",
                timestamp=str(body.get("timestamp") or ""),
                original=str(body.get("original_url") or ""),
                reason=message,
                same_snapshot=same,
            )
        if status == "pending":
            return _Answer("pending")
        if submitting and body.get("job_id"):
            return _Answer("job", job_id=str(body["job_id"]), reason=message, same_snapshot=same)
        if same:
            return _Answer("success", reason=message, same_snapshot=True)
        return _Answer("retry", reason=f"HTTP {code}, unexpected answer: {message or 'no message'}")

    async def _confirmed(self, url: str, answer: _Answer, job_id: str = "") -> PreserveResult:
        """Record success only once a lookup shows the capture exists."""
        status = PreserveStatus.RECENT if answer.same_snapshot else PreserveStatus.SAVED
        original = answer.original or url
        for n in range(max(1, self.options.confirm_attempts)):
            if n:
                await self._sleep(self.options.confirm_interval)
            try:
                found = await self.lookup(original, answer.timestamp)
            except _Unreachable as exc:
                found = None
                reason = str(exc)
            else:
                reason = "lookup has not found the capture yet"
            if found is not None:
                ts, orig = found
                why = "the same snapshot was made recently" if answer.same_snapshot else "captured"
                return PreserveResult(
                    self.name,
                    url,
                    status,
                    f"{why}; confirmed in the CDX index",
                    self.replay_url(ts, orig),
                    ts,
                    job_id,
                )
        return PreserveResult(
            self.name,
            url,
            PreserveStatus.UNCONFIRMED,
            reason,
            self.replay_url(answer.timestamp, original) if answer.timestamp else "",
            answer.timestamp,
            job_id,
        )

    def _result(
        self, url: str, status: PreserveStatus, reason: str, job_id: str = ""
    ) -> PreserveResult:
        return PreserveResult(self.name, url, status, self._scrub(reason), job_id=job_id)
