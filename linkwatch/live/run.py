"""The live stage in one process: each distinct URL checked once, concurrently and politely.

:func:`check_here` runs ``concurrency`` workers over a :class:`HostQueue`.
Each URL is fetched (HEAD first only for large-looking files), retried with
backoff for timeouts, resets, 5xx and 429 (honouring ``Retry-After``), judged
(soft-404 probe per host and path shape, cached), and fingerprinted. When most
hosts fail at DNS or connect level, or the canary does, the network is taken to
be down: remaining URLs are left ``not-checked`` and :attr:`LiveRun.outage` says why.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import posixpath
import random
import time
import urllib.parse
from collections.abc import Mapping, Sequence

from linkwatch.client import ClientConfig
from linkwatch.client_aiohttp import PageClient
from linkwatch.compare.text import PageText
from linkwatch.live.fetch import Answer, Chain, Failure, Fetcher, retry_after_seconds
from linkwatch.live.fingerprint import PageView, PageViews, is_textual
from linkwatch.live.judge import is_retryable, judge_answer, status_for_code
from linkwatch.live.options import LiveOptions
from linkwatch.live.outcome import (
    Checked,
    LiveRun,
    OnResult,
    Previous,
    host_of,
    internal_error,
    invalid_url,
    looks_like_outage,
    not_checked,
)
from linkwatch.live.schedule import HostQueue
from linkwatch.live.soft404 import Probe, probe_url
from linkwatch.live.urls import DOI_PREFIX, origin, path_shape, url_problem
from linkwatch.results import Fingerprint, LiveResult
from linkwatch.status import LiveStatus
from linkwatch.store.history import iso, utc_now

logger = logging.getLogger(__name__)

#: Without any host answering, this many hosts failing at network level ends the run early.
EARLY_OUTAGE_HOSTS = 8
#: After this many consecutive failures a host's URLs are no longer retried.
HOST_GIVE_UP = 3
#: A check still running after this many host intervals (and at least this many seconds)
#: lets the next URL of its host start beside it.
STALL_INTERVALS = 4
STALL_SECONDS = 2.0

_LARGE_EXTENSIONS = frozenset(
    [
        ".pdf",
        ".zip",
        ".gz",
        ".tgz",
        ".bz2",
        ".xz",
        ".7z",
        ".rar",
        ".tar",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".odt",
        ".ods",
        ".epub",
        ".mp3",
        ".mp4",
        ".m4a",
        ".avi",
        ".mov",
        ".mkv",
        ".wav",
        ".webm",
        ".iso",
        ".exe",
        ".dmg",
        ".csv",
    ]
)


@dataclasses.dataclass(slots=True)
class _Job:
    url: str
    attempt: int = 0
    notes: list[str] = dataclasses.field(default_factory=list)
    started: float = 0.0
    out_of_patience: bool = False
    """A retry was due but would not have fitted the URL's patience budget."""


class _Retry(Exception):
    """Raised inside a job to re-queue it after a delay."""

    def __init__(self, delay: float, note: str) -> None:
        super().__init__(note)
        self.delay = delay
        self.note = note


async def check_here(
    urls: Sequence[str],
    options: LiveOptions,
    *,
    previous: Mapping[str, Previous] | None = None,
    on_result: OnResult | None = None,
    keep_results: bool = True,
) -> LiveRun:
    """:func:`check_live` in this process; without ``keep_results`` the run's ``results`` stay
    empty (a worker's caller has them all from ``on_result``)."""
    config = ClientConfig(
        user_agent=options.user_agent,
        timeout=options.timeout,
        connect_timeout=min(10.0, options.timeout),
        ca_bundle=options.ca_bundle,
        allow_private=options.allow_private,
        connections_per_host=options.per_host + 2,
    )
    async with PageClient(config) as client:
        stage = _LiveStage(client, options, previous or {}, on_result, keep_results)
        return await stage.run(urls)


def patience_allows(options: LiveOptions, spent: float, delay: float) -> bool:
    """Whether a retry after ``delay`` seconds, with a full request deadline, still ends
    within the URL's patience budget when ``spent`` seconds are gone already."""
    return spent + delay + options.timeout <= options.patience


class _LiveStage:
    def __init__(
        self,
        client: PageClient,
        options: LiveOptions,
        previous: Mapping[str, Previous],
        on_result: OnResult | None,
        keep_results: bool = True,
    ) -> None:
        self.options = options
        self.previous = previous
        self.on_result = on_result
        self.queue: HostQueue[_Job] = HostQueue(
            options.per_host, options.host_interval, page_failures=HOST_GIVE_UP * options.per_host
        )
        self.fetcher = Fetcher(
            client,
            self.queue.pace,
            timeout=options.timeout,
            max_bytes=options.max_bytes,
            max_redirects=options.max_redirects,
        )
        self.views = PageViews()
        self.results: dict[str, Checked] = {}
        self.keep_results = keep_results
        self.finished: set[str] = set()
        self.probes: dict[tuple[str, str], asyncio.Future[Probe]] = {}
        self.dns_failed: dict[str, str] = {}
        self.answered: set[str] = set()
        self.net_failed: set[str] = set()
        self.outage = ""
        self.total_hosts = 0
        self._second = 0
        self._stamp = ""

    def _host_of(self, url: str) -> str:
        return host_of(url, self.options)

    async def run(self, urls: Sequence[str]) -> LiveRun:
        valid = []
        for url in urls:
            problem = "" if url.startswith(DOI_PREFIX) else url_problem(url)
            if problem:
                self._finish(url, invalid_url(url, problem))
            else:
                valid.append(url)
        hosts = {self._host_of(u) for u in valid}
        self.total_hosts = len(hosts)
        if self.options.canary and valid:
            await self._check_canary()
        if not self.outage:
            self.queue.add_many((self._host_of(u), _Job(u)) for u in valid)
            workers = [
                asyncio.create_task(self._worker())
                for _ in range(min(self.options.concurrency, max(1, len(valid))))
            ]
            try:
                await asyncio.gather(*workers)
            finally:
                for w in workers:
                    w.cancel()
        if not self.outage and looks_like_outage(
            self.net_failed, self.answered, self.options.outage_fraction
        ):
            self.outage = (
                f"the network looks down: {len(self.net_failed)} of"
                f" {len(self.net_failed | self.answered)} hosts failed at DNS or connect level"
            )
        for url in urls:
            if url not in self.finished:
                self._finish(url, not_checked(url, self.outage or "the run stopped"))
        return LiveRun(
            results=self.results,
            outage=self.outage,
            hosts=self.total_hosts,
            network_failed_hosts=len(self.net_failed),
            answered_hosts=frozenset(self.answered),
            net_failed_hosts=frozenset(self.net_failed),
        )

    async def _check_canary(self) -> None:
        chain = await self.fetcher.chain(self.options.canary, "GET")
        if isinstance(chain.end, Failure) and chain.end.network_level:
            self.outage = (
                f"the network looks down: the canary {self.options.canary} failed"
                f" ({chain.end.reason})"
            )

    async def _worker(self) -> None:
        while True:
            item = await self.queue.next()
            if item is None:
                return
            host, job = item
            stalled = [False]
            try:
                if not job.started:
                    job.started = time.monotonic()
                try:
                    checked = await self._check_watched(host, job, stalled)
                except _Retry as retry:
                    job.attempt += 1
                    job.notes.append(retry.note)
                    self.queue.defer(host, job, retry.delay)
                    continue
                except Exception as exc:
                    # A fault in linkwatch itself stays in this URL; the others go on.
                    logger.info("%s: %s", job.url, internal_error(exc), exc_info=exc)
                    checked = Checked(not_checked(job.url, internal_error(exc)))
                self._finish(job.url, checked.live, checked)
                self._note_host(host, checked.live)
            finally:
                self.queue.done(host, stalled=stalled[0])

    async def _check_watched(self, host: str, job: _Job, stalled: list[bool]) -> Checked:
        """:meth:`_check`, giving the host's slot up when it runs past :data:`STALL_INTERVALS`
        intervals (``stalled[0]`` then says so)."""

        def give_slot_up() -> None:
            stalled[0] = self.queue.stalled(host)

        after = max(STALL_SECONDS, STALL_INTERVALS * self.options.host_interval)
        timer = asyncio.get_running_loop().call_later(after, give_slot_up)
        try:
            return await self._check(host, job)
        finally:
            timer.cancel()

    def _now(self) -> str:
        """The time as stored with a result; made once a second, not once per URL."""
        second = int(time.time())
        if second != self._second:
            self._second, self._stamp = second, iso(utc_now())
        return self._stamp

    def _finish(self, url: str, live: LiveResult, checked: Checked | None = None) -> None:
        checked = checked or Checked(live=live)
        self.finished.add(url)
        if self.keep_results:
            self.results[url] = (
                checked
                if checked.text is None
                else Checked(checked.live, checked.etag, checked.last_modified)
            )
        if self.on_result is not None:
            self.on_result(checked)

    def _note_host(self, host: str, live: LiveResult) -> None:
        if live.http_status is not None:
            self.answered.add(host)
            self.net_failed.discard(host)
        elif live.status in (LiveStatus.DNS_ERROR, LiveStatus.CONNECTION_ERROR) and (
            "redirect" not in live.reason and host not in self.answered
        ):
            self.net_failed.add(host)
        if (
            not self.answered
            and len(self.net_failed) >= min(EARLY_OUTAGE_HOSTS, self.total_hosts)
            and self.total_hosts > 1
        ):
            self.outage = (
                f"the network looks down: the first {len(self.net_failed)} hosts all failed"
                " at DNS or connect level, and none answered"
            )
            self.queue.close()

    # -- one URL -------------------------------------------------------------

    async def _check(self, host: str, job: _Job) -> Checked:
        if host in self.dns_failed:
            return Checked(self._result(job, LiveStatus.DNS_ERROR, self.dns_failed[host]))
        if job.url.startswith(DOI_PREFIX):
            return await self._check_doi(host, job)
        return await self._check_page(host, job, job.url)

    def _result(self, job: _Job, status: LiveStatus, reason: str, **kw: object) -> LiveResult:
        if job.out_of_patience:
            reason += (
                f"; not retried again: another attempt would not fit the patience"
                f" of {self.options.patience:g} s"
            )
        return LiveResult(
            url=job.url,
            status=status,
            reason=reason,
            checked_at=self._now(),
            elapsed_ms=int((time.monotonic() - job.started) * 1000),
            **kw,  # type: ignore[arg-type]
        )

    def _maybe_retry(self, host: str, job: _Job, chain: Chain, method: str) -> None:
        """Raise :class:`_Retry` when the chain's end deserves another attempt."""
        end = chain.end
        if not is_retryable(end):
            if isinstance(end, Answer):
                self.queue.answered(host)
            elif end.network_level:
                # Not worth retrying, but a host refusing connections is backed off too.
                self.queue.failed(host)
            return
        page_level = isinstance(end, Answer) or not end.network_level
        failures = self.queue.failed(host, page_level=page_level)
        if job.attempt >= self.options.retries or failures > HOST_GIVE_UP * self.options.per_host:
            return
        note = f"{method} {end.status}" if isinstance(end, Answer) else f"{method} {end.reason}"
        delay = self.options.retry_backoff * (2**job.attempt) * random.uniform(0.5, 1.5)
        if isinstance(end, Answer):
            asked = retry_after_seconds(end.headers.get("retry-after"))
            if asked is not None:
                delay = min(asked, self.options.max_retry_after)
        if not patience_allows(self.options, time.monotonic() - job.started, delay):
            job.out_of_patience = True
            return
        raise _Retry(delay, note)

    async def _check_page(self, host: str, job: _Job, url: str) -> Checked:
        attempts = list(job.notes)
        prev = self.previous.get(job.url)
        if self._head_first(url, prev):
            chain = await self.fetcher.chain(url, "HEAD")
            end = chain.end
            if isinstance(end, Answer) and 200 <= end.status < 300:
                ctype = end.headers.get("content-type", "")
                # A PDF that fits the body cap is read so its text can be compared.
                pdf = "pdf" in ctype and (_length(end) or 0) <= self.options.max_bytes
                if not is_textual(ctype) or ("html" not in ctype and not pdf):
                    return self._answer_result(job, chain, attempts, None, None, prev)
            if isinstance(end, Failure) and end.status in (
                LiveStatus.DNS_ERROR,
                LiveStatus.SKIPPED,
                LiveStatus.INVALID_URL,
            ):
                return self._failure_result(host, job, chain)
            attempts.append(
                f"HEAD {end.status}" if isinstance(end, Answer) else f"HEAD failed ({end.reason})"
            )
        headers = self._conditional_headers(prev)
        chain = await self.fetcher.chain(url, "GET", headers)
        self._maybe_retry(host, job, chain, "GET")
        if isinstance(chain.end, Failure):
            return self._failure_result(host, job, chain)
        view = None
        end = chain.end
        if 200 <= end.status < 300 and end.body:
            view = self.views.view(end.body, end.headers.get("content-type", ""), _length(end))
        probe = None
        readable = view is not None and view.text is not None
        # A PDF that came back is the document itself, never a host's "not found" page.
        if readable and view is not None and "pdf" in view.fingerprint.content_type:
            readable = False
        if self.options.probe and readable and end.status != 304:
            probe = await self._probe(url)
        return self._answer_result(job, chain, attempts, view, probe, prev)

    def _head_first(self, url: str, prev: Previous | None) -> bool:
        if self.options.method == "head":
            return True
        if self.options.method == "get":
            return False
        ext = posixpath.splitext(urllib.parse.urlsplit(url).path)[1].lower()
        if ext in _LARGE_EXTENSIONS:
            return True
        fp = prev.fingerprint if prev else None
        return fp is not None and bool(fp.content_type) and not is_textual(fp.content_type)

    @staticmethod
    def _conditional_headers(prev: Previous | None) -> dict[str, str] | None:
        if prev is None or prev.fingerprint is None:
            return None
        headers = {}
        if prev.etag:
            headers["If-None-Match"] = prev.etag
        if prev.last_modified:
            headers["If-Modified-Since"] = prev.last_modified
        return headers or None

    def _failure_result(self, host: str, job: _Job, chain: Chain) -> Checked:
        end = chain.end
        assert isinstance(end, Failure)
        if end.status is LiveStatus.DNS_ERROR and not chain.hops:
            self.dns_failed[host] = end.reason
        reason = end.reason
        if job.notes:
            reason = f"{', '.join(job.notes)}, then {reason}"
        redirects = tuple(target for _, target in chain.hops)
        return Checked(
            self._result(
                job,
                end.status,
                reason,
                final_url=redirects[-1] if redirects else "",
                redirects=redirects,
            )
        )

    def _answer_result(
        self,
        job: _Job,
        chain: Chain,
        attempts: list[str],
        view: PageView | None,
        probe: Probe | None,
        prev: Previous | None,
    ) -> Checked:
        end = chain.end
        assert isinstance(end, Answer)
        text: PageText | None = view.text if view is not None else None
        fingerprint = view.fingerprint if view is not None else None
        if end.status == 304 and prev is not None:
            fingerprint = prev.fingerprint
        elif fingerprint is None and 200 <= end.status < 300:
            fingerprint = Fingerprint(
                content_type=end.headers.get("content-type", "").split(";")[0].strip().lower(),
                length=_length(end) or 0,
            )
        status, reason = judge_answer(
            job.url,
            chain,
            attempts,
            text,
            probe,
            conditional=self._conditional_headers(prev) is not None,
        )
        if end.truncated and status in (LiveStatus.OK, LiveStatus.REDIRECTED):
            reason += f" (read the first {len(end.body) // 1024} KiB)"
        redirects = tuple(target for _, target in chain.hops)
        ok = 200 <= end.status < 400
        return Checked(
            self._result(
                job,
                status,
                reason,
                http_status=end.status,
                final_url=end.url,
                redirects=redirects,
                fingerprint=fingerprint,
            ),
            etag=end.headers.get("etag", "") if ok else "",
            last_modified=end.headers.get("last-modified", "") if ok else "",
            text=text if ok else None,
        )

    async def _probe(self, url: str) -> Probe:
        key = (origin(url), path_shape(url))
        future = self.probes.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self.probes[key] = future
            try:
                future.set_result(await self._make_probe(url))
            except BaseException as exc:
                future.set_exception(exc)
                del self.probes[key]
                raise
        return await asyncio.shield(future)

    async def _make_probe(self, url: str) -> Probe:
        target = probe_url(url)
        chain = await self.fetcher.chain(target, "GET")
        end = chain.end
        if isinstance(end, Failure):
            return Probe(url=target, http_status=None)
        text = None
        if 200 <= end.status < 300 and end.body:
            text = self.views.view(end.body, end.headers.get("content-type", "")).text
        return Probe(url=target, http_status=end.status, final_url=end.url, text=text)

    # -- DOIs ----------------------------------------------------------------

    async def _check_doi(self, host: str, job: _Job) -> Checked:
        doi = job.url[len(DOI_PREFIX) :]
        resolver = self.options.doi_resolver.rstrip("/")
        api = f"{resolver}/api/handles/{urllib.parse.quote(doi, safe='/')}"
        chain = await self.fetcher.chain(api, "GET")
        self._maybe_retry(host, job, chain, "handle API")
        end = chain.end
        if isinstance(end, Failure):
            failed = self._failure_result(host, job, chain)
            return Checked(
                dataclasses.replace(
                    failed.live, reason=f"DOI resolver unreachable: {failed.live.reason}"
                )
            )
        code, landing = _handle_answer(end)
        if end.status == 404 or code == 100:
            return Checked(
                self._result(
                    job,
                    LiveStatus.NOT_FOUND,
                    f"DOI is not registered (handle API answered {end.status},"
                    f" responseCode {code})",
                    http_status=end.status,
                )
            )
        if code != 1 or not landing:
            status = status_for_code(end.status)
            if status is LiveStatus.OK:
                status = LiveStatus.CLIENT_ERROR
            return Checked(
                self._result(
                    job,
                    status,
                    f"DOI resolver gave no landing page (HTTP {end.status}, responseCode {code})",
                    http_status=end.status,
                )
            )
        problem = url_problem(landing)
        if problem:
            return Checked(
                self._result(
                    job,
                    LiveStatus.INVALID_URL,
                    f"DOI registered, but its landing page is not a valid URL: {problem}",
                    http_status=end.status,
                )
            )
        page = await self._check_page(origin(landing), job, landing)
        live = page.live
        redirects = (landing, *live.redirects)
        if live.status is LiveStatus.FORBIDDEN:
            reason = f"DOI registered; the publisher's page refused access ({live.reason})"
        else:
            reason = f"DOI registered → {landing}; {live.reason}"
        status = LiveStatus.OK if live.status is LiveStatus.REDIRECTED else live.status
        return dataclasses.replace(
            page,
            live=dataclasses.replace(
                live,
                url=job.url,
                status=status,
                reason=reason,
                redirects=redirects,
                final_url=live.final_url or landing,
            ),
        )


def _handle_answer(answer: Answer) -> tuple[int | None, str]:
    """The handle API's responseCode and the DOI's URL value, from its JSON answer."""
    try:
        data = json.loads(answer.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, ""
    if not isinstance(data, dict):
        return None, ""
    code = data.get("responseCode")
    for value in data.get("values") or []:
        if isinstance(value, dict) and value.get("type") == "URL":
            target = (value.get("data") or {}).get("value")
            if isinstance(target, str):
                return (code if isinstance(code, int) else None), target
    return (code if isinstance(code, int) else None), ""


def _length(answer: Answer) -> int | None:
    value = answer.headers.get("content-length", "")
    return int(value) if value.isdigit() else None
