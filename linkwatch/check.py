"""``linkwatch check``: read citations, check each distinct URL live, remember, judge.

The run, in order: citations → distinct URL keys (DOIs as resolver links; a
cited web-archive capture as the page it captured, while the archive stage
checks the capture itself) →
excluded / fresh-enough / invalid URLs set aside → the live stage
(:func:`linkwatch.live.check_live`), each result stored within half a second of landing
(in small batches) and handed
to the optional archive stage at once, so archive lookups run beside the live
checks and never hold them up → per-URL history advanced (unless the network
looked down) → one verdict per citation (:func:`linkwatch.verdict.judge`) →
the whole :class:`RunResult` stored in one transaction.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import signal
from collections.abc import (
    Awaitable,
    Callable,
    Coroutine,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from pathlib import Path
from typing import Any, Protocol

from linkwatch.archives.config import ArchiveOptions
from linkwatch.archives.memento import parse_cited_capture
from linkwatch.client import run_async
from linkwatch.compare.text import PageText
from linkwatch.errors import ExitCode, InputError
from linkwatch.extract.urls import archive_info
from linkwatch.live import LiveOptions, Previous, check_live
from linkwatch.live.outcome import (
    Checked,
    LiveRun,
    internal_error,
    invalid_url,
    is_internal_error,
)
from linkwatch.live.urls import DOI_PREFIX, citation_key, doi_of, normalise_url, url_problem
from linkwatch.records import Citation, read_citations
from linkwatch.results import (
    ArchiveResult,
    ChangeResult,
    HeldLives,
    HeldResults,
    HeldRow,
    LiveResult,
    RunResult,
    judged,
)
from linkwatch.status import ALIVE_LIVE, ArchiveStatus, ChangeStatus, LiveStatus, Verdict
from linkwatch.store import ConfirmPolicy, Store, UrlHistory, advance, default_db_path
from linkwatch.store.db import DbTarget, citations_scope
from linkwatch.store.history import iso, parse_iso, utc_now
from linkwatch.verdict import judge

logger = logging.getLogger(__name__)

#: Verdicts that make a run exit 1 by default.
DEFAULT_FAIL_ON: frozenset[Verdict] = frozenset({Verdict.LOST, Verdict.DRIFTED})

#: The action for a cited capture URL that stops after its timestamp.
TRUNCATED_CAPTURE_ACTION = (
    "supply the full link: the cited web-archive URL is truncated (no original URL)"
)

_NO_VALIDATORS = ("", "")

#: Live checks stored in one transaction at most, and the seconds a landed check may wait.
CHECK_BATCH = 100
CHECK_DELAY = 0.5

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclasses.dataclass(frozen=True, slots=True)
class CheckOptions:
    """Everything ``linkwatch check`` can be told; a config file fills the same fields."""

    live: LiveOptions = dataclasses.field(default_factory=LiveOptions)
    db: DbTarget | None = None
    """The store: an SQLite file (default ``.linkwatch.db`` beside the citations file) or a
    ``postgresql://`` URL of a database shared by many files and machines."""
    max_age: str = ""
    """Skip URLs checked successfully more recently than this (``90m``, ``12h``, ``3d``)."""
    exclude: tuple[str, ...] = ()
    """Regular expressions; matching URLs are not fetched and reported ``skipped``."""
    confirm_runs: int = 3
    """Failed runs needed before a URL is confirmed dead."""
    confirm_days: float = 3.0
    """Minimum days between two counted failed runs."""
    confirm_now: bool = False
    """Call a failing URL dead at once (a one-off audit)."""
    archives: ArchiveOptions = dataclasses.field(default_factory=ArchiveOptions)
    """Which web archives to ask, and how (``enabled=False``: live check only)."""
    distributed: bool = False
    """Hand the live and archive checks to ``linkwatch worker`` processes (PostgreSQL only)."""
    shard_size: int = 500
    """With ``distributed``: about this many URLs per job, always whole hosts."""

    def validate(self) -> None:
        """Raise :class:`InputError` naming the first bad option."""
        problems = self.live.problems()
        if self.confirm_runs < 1:
            problems.append("--confirm-runs: must be at least 1")
        if self.confirm_days < 0:
            problems.append("--confirm-days: must not be negative")
        if self.shard_size < 1:
            problems.append("--shard-size: must be at least 1")
        if problems:
            raise InputError(problems[0])
        if self.max_age:
            parse_duration(self.max_age, "--max-age")
        exclusion_patterns(self.exclude)


class ArchiveStage(Protocol):
    """The archive half of a run, plugged in beside the live stage.

    ``check`` is called once per distinct URL as soon as its live result is
    final, and runs concurrently with the remaining live checks; it returns an
    archive and change result per citation id of ``citations``.
    """

    async def check(
        self,
        url: str,
        citations: Sequence[Citation],
        live: LiveResult,
        text: PageText | None = None,
    ) -> Mapping[str, tuple[ArchiveResult | None, ChangeResult | None]]: ...


ArchiveAnswer = Mapping[str, tuple[ArchiveResult | None, ChangeResult | None]]
"""Per citation id: the archive result and the change result."""

Progress = Callable[[LiveResult, int, int], None]
"""Called with each URL's live result, the number done and the total."""

LiveCheck = Callable[
    [list[str], Mapping[str, Previous], Callable[[Checked], None]], Awaitable[LiveRun]
]
"""The live stage run elsewhere (the worker fleet): given the URLs to fetch, their
validators and the callback for each result; it stores its own checks."""


def parse_duration(text: str, option: str = "duration") -> float:
    """Seconds in ``90``, ``90s``, ``15m``, ``12h``, ``3d`` or ``1w``; else :class:`InputError`."""
    match = _DURATION.match(text)
    if not match:
        raise InputError(f"{option}: {text!r} is not a duration like 90m, 12h or 3d")
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def exclusion_patterns(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    """The compiled ``--exclude`` expressions; :class:`InputError` names a bad one."""
    out = []
    for pattern in patterns:
        try:
            out.append(re.compile(pattern))
        except re.error as exc:
            raise InputError(f"--exclude: {pattern!r} is not a regular expression ({exc})") from exc
    return out


def cited_original(citation: Citation, replay_prefixes: Sequence[str] = ()) -> str | None:
    """The page a cited web-archive URL captured, ``""`` when the URL is truncated before it.

    ``None`` when the citation's URL is not a web-archive capture (or one whose
    original cannot be read from it, such as an archive.today short link).
    ``replay_prefixes`` are the configured archives' replay roots, so captures in
    a self-hosted archive are recognised as well as the public ones.
    """
    if not citation.url:
        return None
    cited = parse_cited_capture(citation.url, tuple(replay_prefixes))
    info = archive_info(citation.url)
    if cited is None and info is None:
        return None
    original = citation.original_url or (cited.original if cited is not None else "")
    if not original and info is not None:
        original = info.original_url
    if original:
        return original
    truncated = (cited is not None and cited.truncated) or (info is not None and info.truncated)
    return "" if truncated else None


def live_key(citation: Citation, replay_prefixes: Sequence[str] = ()) -> str:
    """The URL checked on the live web for a citation; ``""`` when there is none to fetch.

    A cited web-archive capture is checked live as the page it captured (the
    archive stage checks the capture itself); a truncated capture URL has no
    page to fetch. Anything else is :func:`linkwatch.live.urls.citation_key`.
    """
    return _key_of(citation, replay_prefixes)[0]


def _key_of(citation: Citation, replay_prefixes: Sequence[str]) -> tuple[str, bool]:
    """:func:`live_key`, and whether the citation is a truncated web-archive URL."""
    original = cited_original(citation, replay_prefixes)
    if original is None:
        return citation_key(citation), False
    if not original:
        return "", True
    doi = doi_of(original)
    return (DOI_PREFIX + doi if doi else normalise_url(original)), False


def _cited(by_url: Mapping[str, Citation | list[Citation]], url: str) -> Sequence[Citation]:
    """The citations of ``url``."""
    held = by_url[url]
    return held if isinstance(held, list) else (held,)


def exit_code_for(run: RunResult, fail_on: frozenset[Verdict] = DEFAULT_FAIL_ON) -> ExitCode:
    """3 when the run was inconclusive, 1 when a verdict in ``fail_on`` occurs, else 0."""
    if run.inconclusive or not run.complete:
        return ExitCode.INCONCLUSIVE
    if any(verdict in fail_on for _citation, verdict in judged(run.results)):
        return ExitCode.PROBLEMS
    return ExitCode.OK


def run_check(
    citations_file: Path,
    options: CheckOptions,
    *,
    progress: Progress | None = None,
    archive_stage: ArchiveStage | None = None,
    handle_signals: bool = False,
) -> RunResult:
    """Check every citation in ``citations_file`` and store the run; returns it.

    With ``handle_signals`` a first SIGINT or SIGTERM stops the run early: the
    run comes back (and is stored) with ``complete=False``, URLs not reached as
    ``not-checked``; a second signal acts as usual.

    Raises :class:`InputError` for bad options or a bad citations file and
    :class:`linkwatch.errors.StoreLockedError` when another run holds the store.
    """
    options.validate()
    if options.distributed:
        from linkwatch.fleet.coordinate import run_distributed

        return run_distributed(
            citations_file, options, progress=progress, handle_signals=handle_signals
        )
    citations = read_citations(citations_file)
    db = options.db or default_db_path(citations_file)
    with Store(db, scope=citations_scope(citations_file)) as store:

        async def run() -> RunResult:
            stop = asyncio.Event()
            if handle_signals:
                stop_on_signals(stop)
            if archive_stage is not None or not options.archives.enabled:
                return await check_citations(
                    citations,
                    options,
                    store,
                    citations_file=str(citations_file),
                    progress=progress,
                    archive_stage=archive_stage,
                    stop=stop,
                )
            from linkwatch.archives.stage import ArchiveStage as Archives

            stage = Archives(
                options.archives, db=db, citations=citations, user_agent=options.live.user_agent
            )
            async with stage:
                return await check_citations(
                    citations,
                    options,
                    store,
                    citations_file=str(citations_file),
                    progress=progress,
                    archive_stage=stage,
                    stop=stop,
                )

        return run_async(run())


async def check_citations(
    citations: Sequence[Citation],
    options: CheckOptions,
    store: Store,
    *,
    citations_file: str = "",
    progress: Progress | None = None,
    archive_stage: ArchiveStage | None = None,
    stop: asyncio.Event | None = None,
    live_check: LiveCheck | None = None,
    run_id: str | None = None,
) -> RunResult:
    """The run itself, on an open store (see the module docstring).

    When ``stop`` is set the run ends early, marked incomplete (see :func:`run_check`).
    ``live_check`` replaces the live stage (and then stores the checks itself);
    ``run_id`` continues a stored run instead of beginning a new one.
    """
    run_id = run_id or store.begin_run(citations_file, options_record(options))
    prefixes = tuple(a.replay_root for a in options.archives.archives)
    # Per citation, by position: the URL checked live ("" for none) and whether the cited
    # capture URL was truncated. A URL cited once holds its citation, not a list of one.
    keys: list[str] = []
    truncated: set[int] = set()
    by_url: dict[str, Citation | list[Citation]] = {}
    for i, c in enumerate(citations):
        key, cut = _key_of(c, prefixes)
        if cut:
            truncated.add(i)
        if key == c.url:
            key = c.url  # one string for the citation's URL and the URL checked
        keys.append(key)
        if key:
            held = by_url.get(key)
            if held is None:
                by_url[key] = c
            elif isinstance(held, list):
                held.append(c)
            else:
                by_url[key] = [held, c]
    history = store.url_history(by_url)
    set_aside: dict[str, LiveResult] = {}
    skipped_lines: list[str] = []
    to_fetch = _set_aside(by_url, options, store, history, set_aside, skipped_lines)
    aside = set(set_aside)
    # Each URL's live result until the run is stored: a fetched one packed (a run of
    # 100,000 URLs holds them all with the citations until its reports are written).
    packer = HeldLives()
    lives: dict[str, LiveResult | bytes] = {}

    def live_of(url: str) -> LiveResult:
        kept = lives[url]
        return packer.unpack(url, kept) if isinstance(kept, bytes) else kept

    faulty: set[str] = set()
    total = len(by_url)
    if archive_stage is None:
        # Only the archive stage looks up a URL's citations; 100,000 URLs keyed here are
        # 5 MB that need not wait out the live stage.
        by_url.clear()
    archive_tasks: dict[str, asyncio.Task[ArchiveAnswer]] = {}
    policy = ConfirmPolicy(runs=options.confirm_runs, days=options.confirm_days)
    # Each fetched URL's history is advanced as its check lands (the held result shows it)
    # and again, one URL at a time, as the run is stored, so that 100,000 histories are
    # never held beside the results. The validators that second step needs are packed with
    # the live result: most servers send an ETag or a Last-Modified, and 100,000 of them
    # in a table of their own came to some 20 MB.
    # Actions repeat from citation to citation: each is held once.
    shared: dict[str, str] = {}
    done = 0
    # Checks are stored in small batches: one commit per check held the loop 0.2 ms per URL.
    pending: list[tuple[LiveResult, str, str]] = []
    timer: list[asyncio.TimerHandle] = []

    def store_pending() -> None:
        for handle in timer:
            handle.cancel()
        timer.clear()
        if pending:
            store.record_checks(run_id, pending)
            pending.clear()  # kept when storing failed, so the last call raises it again

    def step(live: LiveResult, stored: Checked) -> None:
        """Advance the URL's history by this check; hold its result with that history."""
        url = live.url
        after = advance(
            history.get(url),
            url,
            live.status,
            parse_iso(live.checked_at) or utc_now(),
            policy,
            etag=stored.etag,
            last_modified=stored.last_modified,
        )
        if is_internal_error(live):
            faulty.add(url)
        validators = (
            (stored.etag, stored.last_modified) if stored.etag or stored.last_modified else ()
        )
        lives[url] = packer.pack(_with_history(live, after, options.confirm_now), *validators)

    def fetched() -> list[str]:
        """The URLs fetched in this run whose check landed."""
        return [url for url in lives if url not in aside]

    def landed(live: LiveResult, stored: Checked | None = None) -> None:
        nonlocal done
        done += 1
        if stored is None:
            lives[live.url] = live
            if is_internal_error(live):
                faulty.add(live.url)
        else:
            if live_check is None:
                pending.append((live, stored.etag, stored.last_modified))
                if len(pending) >= CHECK_BATCH:
                    store_pending()
                elif not timer:
                    timer.append(asyncio.get_running_loop().call_later(CHECK_DELAY, store_pending))
            step(live, stored)
        if archive_stage is not None and live.status is not LiveStatus.INVALID_URL:
            archive_tasks[live.url] = asyncio.ensure_future(
                archive_stage.check(
                    live.url, _cited(by_url, live.url), live, stored.text if stored else None
                )
            )
        if progress is not None:
            progress(live, done, total)

    for live in set_aside.values():
        landed(live)
    set_aside.clear()
    previous = {
        url: Previous(
            etag=h.etag,
            last_modified=h.last_modified,
            fingerprint=store.last_fingerprint(url),
        )
        for url, h in history.items()
        if (h.etag or h.last_modified) and url not in aside
    }

    def on_result(checked: Checked) -> None:
        landed(checked.live, checked)

    try:
        live_run, interrupted = await _until_stopped(
            _as_coroutine(live_check(to_fetch, previous, on_result))
            if live_check is not None
            else check_live(
                to_fetch,
                options.live,
                previous=previous,
                on_result=on_result,
                # Each result is held here (with its history) as it lands, not twice.
                keep_results=False,
            ),
            stop,
        )
    finally:
        store_pending()
    while live_run.results:
        # The stage's own results, when it kept them (worker processes, a fleet), are final:
        # taken out as they are read so that its copy need not stay beside ours.
        url, checked = live_run.results.popitem()
        step(checked.live, checked)
    if live_run.outage or interrupted:
        # No history advances: when the network looked down, results show the history
        # before this run; when the run was stopped, none.
        for url in fetched():
            before = history.get(url) if live_run.outage else None
            live = live_of(url)
            packed = lives[url]
            lives[url] = packer.pack(
                _with_history(live, before, confirm_now=False)
                if before is not None
                else dataclasses.replace(
                    live, failing_since="", consecutive_failures=0, confirmed_dead=False
                ),
                *(packer.extra(packed) if isinstance(packed, bytes) else ()),
            )
    archives: dict[str, tuple[ArchiveResult | None, ChangeResult | None]] = {}
    interrupted = await _finish_tasks(list(archive_tasks.values()), stop, interrupted)
    for url, task in archive_tasks.items():
        if task.cancelled():
            continue
        fault = task.exception()
        if fault is None:
            archives.update(task.result())
            continue
        # A fault in the archive lookup or the comparison stays in this URL.
        logger.info("%s: %s", url, internal_error(fault), exc_info=fault)
        faulty.add(url)
        why = internal_error(fault)
        for c in _cited(by_url, url):
            archives[c.id] = (
                ArchiveResult(status=ArchiveStatus.NOT_CHECKED, reason=why),
                ChangeResult(status=ChangeStatus.NOT_CHECKED, reason=why),
            )
    archive_tasks.clear()
    by_url.clear()
    archives_asked = archive_stage is not None and options.archives.enabled
    results: list[HeldRow] = []
    for i, c in enumerate(citations):
        key = keys[i]
        kept = lives.get(key) if key else None
        cited = live_of(key) if kept is not None else None
        if cited is None and interrupted and key:
            cited = LiveResult(
                url=key,
                status=LiveStatus.NOT_CHECKED,
                reason="not checked: the run was interrupted",
            )
        archive, change = archives.get(c.id, (None, None))
        try:
            verdict, action = judge(c, cited, archive, change)
        except Exception as exc:
            logger.info("%s: %s", c.id, internal_error(exc), exc_info=exc)
            faulty.add(key or c.id)
            verdict = Verdict.UNVERIFIABLE
            action = f"check by hand: judging this citation hit an {internal_error(exc)}"
        if i in truncated:
            archive = ArchiveResult(
                status=ArchiveStatus.NOT_CHECKED,
                reason="truncated web-archive URL: no original URL after the timestamp",
            )
            verdict, action = Verdict.UNLINKED, TRUNCATED_CAPTURE_ACTION
        archive, change = _not_checked_objects(
            cited, archive, change, archives_asked=archives_asked
        )
        # The row keeps the packed live result, not the one just unpacked to judge by.
        results.append(
            (
                c,
                verdict,
                shared.setdefault(action, action),
                kept if kept is not None else cited,
                key,
                archive,
                change,
            )
        )
    unlinked = sum(1 for key in keys if not key)
    if unlinked:
        skipped_lines.append(
            f"{unlinked} citation(s) without a URL that can be fetched"
            " (none given, or a truncated one): supply one"
        )
    run = RunResult(
        run_id=run_id,
        started_at=store.started_at(run_id),
        finished_at=iso(utc_now()),
        citations_file=citations_file,
        complete=not interrupted,
        inconclusive=bool(live_run.outage),
        inconclusive_reason=live_run.outage,
        results=HeldResults(results, packer),
        skipped=tuple(skipped_lines),
        internal_errors=len(faulty),
    )

    def histories() -> Iterator[UrlHistory]:
        for url in sorted(fetched()):
            kept = lives[url]
            if isinstance(kept, bytes):
                status, checked_at = packer.fields(kept, "status", "checked_at")
                etag, last_modified = packer.extra(kept) or _NO_VALIDATORS
            else:
                status, checked_at = kept.status, kept.checked_at
                etag, last_modified = _NO_VALIDATORS
            yield advance(
                history.get(url),
                url,
                status,
                parse_iso(checked_at) or utc_now(),
                policy,
                etag=etag,
                last_modified=last_modified,
            )

    # An interrupted run advances no history: its failures were not all seen.
    advanced = () if live_run.outage or interrupted else histories()
    store.finish_run(run, advanced, policy=policy, ordered=True)
    return run


async def _as_coroutine(work: Awaitable[LiveRun]) -> LiveRun:
    return await work


# The not-checked archive and change results, one object per reason for the whole run
# (results are frozen): most citations of a run without archives get one of these.
_NOT_ARCHIVED: dict[str, ArchiveResult] = {}
_NOT_COMPARED: dict[str, ChangeResult] = {}


def _not_checked_objects(
    live: LiveResult | None,
    archive: ArchiveResult | None,
    change: ChangeResult | None,
    *,
    archives_asked: bool,
) -> tuple[ArchiveResult, ChangeResult]:
    """The archive and change results, a ``not-checked`` one saying why where none was made."""
    if archive is None:
        if live is None:
            why = "no URL to look up"
        elif not archives_asked:
            why = "web archives were not asked (--no-archive)"
        elif live.status is LiveStatus.INVALID_URL:
            why = "the URL is not valid"
        else:
            why = "the archive lookup did not run"
        archive = _NOT_ARCHIVED.get(why)
        if archive is None:
            archive = _NOT_ARCHIVED[why] = ArchiveResult(ArchiveStatus.NOT_CHECKED, why)
    if change is None:
        if live is None or live.status not in ALIVE_LIVE:
            why = "the live page was not fetched"
        elif not archives_asked:
            why = "no capture to compare with (web archives were not asked)"
        else:
            why = "no comparison was made"
        change = _NOT_COMPARED.get(why)
        if change is None:
            change = _NOT_COMPARED[why] = ChangeResult(ChangeStatus.NOT_CHECKED, why)
    return archive, change


def stop_on_signals(stop: asyncio.Event) -> None:
    """Set ``stop`` on the first SIGINT or SIGTERM, then give both signals back their defaults."""
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)

    def stopped(signum: int) -> None:
        logger.warning(
            "%s: stopping; the reports will be marked incomplete", signal.Signals(signum).name
        )
        stop.set()
        for sig in signals:
            loop.remove_signal_handler(sig)

    for sig in signals:
        loop.add_signal_handler(sig, stopped, sig)


async def _until_stopped(
    work: Coroutine[object, object, LiveRun], stop: asyncio.Event | None
) -> tuple[LiveRun, bool]:
    """The live stage's outcome, or an empty one and ``True`` when ``stop`` was set first."""
    if stop is None:
        return await work, False
    task = asyncio.ensure_future(work)
    waiter = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        return task.result(), False
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return LiveRun(results={}), True


async def _finish_tasks(
    tasks: list[asyncio.Task[ArchiveAnswer]], stop: asyncio.Event | None, interrupted: bool
) -> bool:
    """Wait for the archive lookups, unless ``stop`` is set: then cancel what is left.

    Returns whether the run was interrupted.
    """
    pending = {t for t in tasks if not t.done()}
    if pending and not interrupted and stop is not None:
        waiter = asyncio.ensure_future(stop.wait())
        while pending and not waiter.done():
            done, _ = await asyncio.wait(pending | {waiter}, return_when=asyncio.FIRST_COMPLETED)
            pending -= done
        interrupted = waiter.done()
        waiter.cancel()
    elif pending and not interrupted:
        await asyncio.wait(pending)
        pending = set()
    for t in pending:
        t.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return interrupted


def _set_aside(
    urls: Iterable[str],
    options: CheckOptions,
    store: Store,
    history: Mapping[str, UrlHistory],
    lives: dict[str, LiveResult],
    skipped: list[str],
) -> list[str]:
    """The URLs to fetch; excluded, fresh and invalid ones get their result in ``lives``."""
    patterns = exclusion_patterns(options.exclude)
    max_age = parse_duration(options.max_age, "--max-age") if options.max_age else None
    now = utc_now()
    to_fetch = []
    for url in urls:
        problem = "" if url.startswith(DOI_PREFIX) else url_problem(url)
        if problem:
            lives[url] = invalid_url(url, problem)
            continue
        hit = next((p.pattern for p in patterns if p.search(url)), None)
        if hit is not None:
            reason = f"excluded by --exclude {hit!r}"
            lives[url] = LiveResult(
                url=url, status=LiveStatus.SKIPPED, reason=reason, checked_at=iso(now)
            )
            skipped.append(f"{url}: {reason}")
            continue
        h = history.get(url)
        last_ok = parse_iso(h.last_success) if h is not None else None
        if (
            h is not None
            and max_age is not None
            and last_ok is not None
            and (now - last_ok).total_seconds() < max_age
        ):
            stored = store.last_live(url)
            if stored is not None and stored.status in (LiveStatus.OK, LiveStatus.REDIRECTED):
                lives[url] = dataclasses.replace(
                    stored,
                    reason=f"not rechecked: checked ok at {h.last_success}"
                    f" (--max-age {options.max_age}); {stored.reason}",
                )
                skipped.append(f"{url}: checked ok at {h.last_success}, within --max-age")
                continue
        to_fetch.append(url)
    return to_fetch


def _with_history(live: LiveResult, h: UrlHistory | None, confirm_now: bool) -> LiveResult:
    if h is None:
        return live
    return dataclasses.replace(live, **_history_fields(live, h, confirm_now))


def _history_fields(live: LiveResult, h: UrlHistory, confirm_now: bool) -> dict[str, Any]:
    """The history a result shows: failing since when, how often, confirmed dead or not."""
    failing = live.status not in (LiveStatus.OK, LiveStatus.REDIRECTED)
    return {
        "failing_since": h.failing_since if failing else "",
        "consecutive_failures": h.consecutive_failures if failing else 0,
        "confirmed_dead": h.confirmed_dead or (confirm_now and h.consecutive_failures > 0),
    }


def options_record(options: CheckOptions) -> dict[str, object]:
    """The options of a run as stored with it."""
    return dataclasses.asdict(options)
