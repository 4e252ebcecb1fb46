"""``linkwatch archive``: choose from the latest run, preserve, write the links back.

The plan is made from the latest stored run and the store's preservation
record: a (URL, target) pair that already succeeded is not asked again
(idempotent), a pending Save Page Now job is polled rather than resubmitted and
an unconfirmed capture is looked up again (resumable). Each target works on its
own; one that cannot be reached is reported and the others carry on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import logging
import socket
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from linkwatch.client import ClientConfig, is_public_address, make_client
from linkwatch.errors import BlockedAddressError, ExitCode, InputError
from linkwatch.preserve.ledger import Ledger, StoredLink, StoredRequest
from linkwatch.preserve.model import DEFAULT_VERDICTS, DONE, PreserveResult, PreserveStatus, Target
from linkwatch.preserve.record import PywbRecorder, RecordTarget
from linkwatch.preserve.robust import date_of_timestamp
from linkwatch.preserve.spn import SavePageNow, SpnOptions
from linkwatch.preserve.warc import WarcArchiver, WarcOptions
from linkwatch.preserve.writeback import WriteBack, write_back
from linkwatch.records import read_citations
from linkwatch.results import CitationResult, RunResult
from linkwatch.status import ArchiveStatus, LiveStatus, Verdict
from linkwatch.store.db import Store

logger = logging.getLogger(__name__)

_WHY = {
    Verdict.AT_RISK: "at-risk: alive, no good capture",
    Verdict.DRIFTED: "drifted: the current version is worth keeping beside the cited one",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Candidate:
    """One URL to preserve, with the citations that cite it and why it was chosen."""

    url: str
    citation_ids: tuple[str, ...]
    why: str


@dataclasses.dataclass(frozen=True, slots=True)
class PlannedStep:
    """What ``archive`` does for a (URL, target): ``request``, ``resume``, ``confirm``, ``done``."""

    candidate: Candidate
    target: str
    action: str
    previous: PreserveResult | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class ArchiveOptions:
    """Everything ``linkwatch archive`` can be told; a config file can fill it too."""

    targets: tuple[str, ...] = (Target.WAYBACK.value, Target.WARC.value)
    verdicts: frozenset[Verdict] = DEFAULT_VERDICTS
    ids: tuple[str, ...] = ()
    warc_dir: Path | None = None
    """Where WARC files go; None: a ``warc`` folder beside the citations file."""
    wacz: bool = False
    dry_run: bool = False
    allow_private: bool = False
    spn: SpnOptions = dataclasses.field(default_factory=SpnOptions)
    record_targets: tuple[RecordTarget, ...] = ()
    write_back: bool = True


@dataclasses.dataclass(frozen=True, slots=True)
class ArchiveOutcome:
    """What an ``archive`` run did."""

    run_id: str
    plan: tuple[PlannedStep, ...]
    results: tuple[PreserveResult, ...] = ()
    write_back: WriteBack | None = None
    files: tuple[Path, ...] = ()
    """WARC, index and WACZ files written."""
    unreachable: tuple[str, ...] = ()
    """Targets that could not be reached."""
    idle: str = ""
    """When nothing was chosen: why, in one line (``nothing to archive: …``)."""


def citation_url(result: CitationResult) -> str:
    """The URL to preserve for a citation: the original of a cited capture, else the cited URL."""
    c = result.citation
    if c.original_url:
        return c.original_url
    if c.url:
        return c.url
    if c.doi:
        return f"https://doi.org/{c.doi}"
    return ""


def _invalid(result: CitationResult) -> bool:
    return result.live is not None and result.live.status is LiveStatus.INVALID_URL


def select(
    run: RunResult, verdicts: frozenset[Verdict], ids: Sequence[str] = ()
) -> list[Candidate]:
    """The URLs to preserve from ``run``: citations with one of ``verdicts``, plus ``ids``.

    Raises :class:`InputError` naming an id that is not in the run, or one that has no URL.
    """
    known = {r.citation.id: r for r in run.results}
    for cid in ids:
        if cid not in known:
            raise InputError(f"--ids: no citation {cid!r} in run {run.run_id}")
        if not citation_url(known[cid]):
            raise InputError(f"--ids: citation {cid!r} has no URL to preserve")
        if _invalid(known[cid]):
            live = known[cid].live
            raise InputError(
                f"--ids: citation {cid!r} has an invalid URL"
                f" ({live.reason if live else 'invalid-url'}): correct it first"
            )
    by_url: dict[str, list[str]] = {}
    why: dict[str, str] = {}
    for r in run.results:
        url = citation_url(r)
        # No archive can capture a URL that cannot be requested (``--only all`` included).
        if not url or _invalid(r):
            continue
        if r.verdict in verdicts:
            reason = _WHY.get(r.verdict, f"{r.verdict.value}: chosen with --only")
        elif r.citation.id in ids:
            reason = f"named with --ids ({r.verdict.value})"
        else:
            continue
        by_url.setdefault(url, []).append(r.citation.id)
        why.setdefault(url, reason)
    return [Candidate(url, tuple(cids), why[url]) for url, cids in by_url.items()]


def nothing_to_archive(run: RunResult, options: ArchiveOptions) -> str:
    """Why ``run`` gives ``archive`` nothing to do, and what would, in one line."""
    asked = "--ids / --only"
    if run.inconclusive:
        return (
            f"nothing to archive: the latest run {run.run_id} was inconclusive"
            f" ({run.inconclusive_reason or 'the network looked down'});"
            f" run check again, or name {asked}"
        )
    if not run.complete:
        return (
            f"nothing to archive: the latest run {run.run_id} was interrupted;"
            f" run check again, or name {asked}"
        )
    if not any(citation_url(r) for r in run.results):
        return f"nothing to archive: no citation in the latest run {run.run_id} has a URL"
    counts: dict[str, int] = {}
    for r in run.results:
        counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
    chosen = " or ".join(sorted(v.value for v in options.verdicts)) or "chosen"
    found = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
    return (
        f"nothing to archive: no citation in the latest run {run.run_id} is {chosen}"
        f" ({found}); name {asked} (--only all preserves every cited source)"
    )


def plan(
    candidates: Sequence[Candidate],
    targets: Sequence[str],
    latest: dict[tuple[str, str], StoredRequest],
) -> list[PlannedStep]:
    """Decide per (URL, target) whether to request, resume, confirm, or leave alone."""
    steps: list[PlannedStep] = []
    for cand in candidates:
        for target in targets:
            prev = latest.get((cand.url, target))
            previous = prev.result if prev else None
            if previous is not None and previous.status in DONE:
                action = "done"
            elif (
                previous is not None
                and previous.status is PreserveStatus.PENDING
                and previous.job_id
            ):
                action = "resume"
            elif previous is not None and previous.status is PreserveStatus.UNCONFIRMED:
                action = "confirm" if previous.timestamp else "request"
            else:
                action = "request"
            steps.append(PlannedStep(cand, target, action, previous))
    return steps


async def private_address_problem(url: str) -> str | None:
    """Why ``url`` must not be preserved without ``--allow-private``, or None when it may be."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an http(s) URL"
    host = parts.hostname
    try:
        ipaddress.ip_address(host)
        addresses = [host]
    except ValueError:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
        except OSError:
            return None  # an unresolvable name reaches no internal host; the target reports it
        addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not is_public_address(address):
            return (
                f"{host} resolves to {address}, a non-public address (allow with --allow-private)"
            )
    return None


class Archiver:
    """Runs an ``archive`` plan against the targets, recording everything in the store."""

    def __init__(
        self,
        store: Store,
        options: ArchiveOptions,
        *,
        citations_file: Path,
        spn: SavePageNow | None = None,
    ) -> None:
        self.store = store
        self.ledger = Ledger(store)
        self.options = options
        self.citations_file = Path(citations_file)
        self._spn = spn
        for name in options.targets:
            if name not in (Target.WAYBACK, Target.WARC) and name not in {
                t.name for t in options.record_targets
            }:
                raise InputError(
                    f"--to: unknown target {name!r} (wayback, warc, or a --record-archive name)"
                )

    def prepare(self) -> tuple[RunResult, list[PlannedStep]]:
        """The run acted on and the plan; raises :class:`StoreError` when no run is stored."""
        run = self.store.load_run(None)
        candidates = select(run, self.options.verdicts, self.options.ids)
        latest = self.ledger.latest(c.url for c in candidates)
        return run, plan(candidates, self.options.targets, latest)

    async def run(self) -> ArchiveOutcome:
        """Carry out the plan (or only report it, with ``dry_run``)."""
        run, steps = self.prepare()
        logger.info(
            "archive: run %s of %s: %d step(s) for %d URL(s)",
            run.run_id,
            run.citations_file or "the citations file",
            len(steps),
            len({s.candidate.url for s in steps}),
        )
        if not steps:
            return ArchiveOutcome(run.run_id, (), idle=nothing_to_archive(run, self.options))
        if self.options.dry_run:
            return ArchiveOutcome(run.run_id, tuple(steps))
        results: list[PreserveResult] = []
        unreachable: list[str] = []
        files: list[Path] = []
        by_target: dict[str, list[PlannedStep]] = {}
        for step in steps:
            if step.action == "done" and step.previous is not None:
                results.append(step.previous)
            else:
                by_target.setdefault(step.target, []).append(step)
        client = make_client(ClientConfig(allow_private=self.options.allow_private))
        try:
            outcomes = await asyncio.gather(
                *(
                    self._run_target(name, todo, run.run_id, client, files)
                    for name, todo in by_target.items()
                )
            )
        finally:
            await client.aclose()
        for name, target_results in zip(by_target, outcomes, strict=True):
            results.extend(target_results)
            if target_results and all(
                r.status is PreserveStatus.UNREACHABLE for r in target_results
            ):
                unreachable.append(name)
        wb = self._write_back(run) if self.options.write_back else None
        return ArchiveOutcome(
            run.run_id, tuple(steps), tuple(results), wb, tuple(files), tuple(unreachable)
        )

    async def _run_target(
        self,
        name: str,
        steps: list[PlannedStep],
        run_id: str,
        client: httpx.AsyncClient,
        files: list[Path],
    ) -> list[PreserveResult]:
        if name == Target.WAYBACK:
            spn = self._spn or SavePageNow(self.options.spn)
            try:
                return await self._each(steps, run_id, lambda s, rid: self._wayback(spn, s, rid))
            finally:
                if self._spn is None:
                    await spn.aclose()
        if name == Target.WARC:
            directory = self.options.warc_dir or self.citations_file.resolve().parent / "warc"
            warc = WarcArchiver(WarcOptions(directory, wacz=self.options.wacz), client=client)
            try:
                out = await self._each(steps, run_id, lambda s, rid: self._plain(warc.save, s, rid))
            finally:
                await warc.aclose()
            files.extend(warc.finish())
            return out
        target = next(t for t in self.options.record_targets if t.name == name)
        recorder = PywbRecorder(target)
        try:
            return await self._each(
                steps, run_id, lambda s, rid: self._plain(recorder.save, s, rid)
            )
        finally:
            await recorder.aclose()

    async def _each(
        self,
        steps: list[PlannedStep],
        run_id: str,
        work: Callable[[PlannedStep, str], Awaitable[PreserveResult]],
    ) -> list[PreserveResult]:
        """Run ``work`` for each step; once the target is unreachable, stop asking it."""
        results: list[PreserveResult] = []
        down = ""
        for step in steps:
            url = step.candidate.url
            if down:
                results.append(
                    PreserveResult(
                        step.target, url, PreserveStatus.UNREACHABLE, f"not asked: {down}"
                    )
                )
                continue
            if not self.options.allow_private:
                problem = await private_address_problem(url)
                if problem:
                    results.append(
                        PreserveResult(step.target, url, PreserveStatus.SKIPPED, problem)
                    )
                    continue
            result = await work(step, run_id)
            if result.status is PreserveStatus.UNREACHABLE:
                down = result.reason
            results.append(result)
        return results

    async def _plain(
        self, save: Callable[[str], Awaitable[PreserveResult]], step: PlannedStep, run_id: str
    ) -> PreserveResult:
        row = self.ledger.begin(step.candidate.url, step.target, run_id)
        try:
            result = await save(step.candidate.url)
        except BlockedAddressError as exc:
            result = PreserveResult(
                step.target, step.candidate.url, PreserveStatus.SKIPPED, str(exc)
            )
        self.ledger.finish(row, result)
        return result

    async def _wayback(self, spn: SavePageNow, step: PlannedStep, run_id: str) -> PreserveResult:
        url = step.candidate.url
        prev = step.previous
        stored = self.ledger.latest([url]).get((url, step.target))
        if step.action == "resume" and prev is not None and stored is not None:
            result = await spn.poll(url, prev.job_id)
            self.ledger.finish(stored.id, result)
            return result
        if step.action == "confirm" and prev is not None and stored is not None:
            result = await spn.confirm(url, prev.timestamp, prev.job_id)
            self.ledger.finish(stored.id, result)
            return result
        row = self.ledger.begin(url, step.target, run_id)
        result = await spn.save(url, on_submitted=lambda _u, job: self.ledger.set_job(row, job))
        self.ledger.finish(row, result)
        return result

    def _write_back(self, run: RunResult) -> WriteBack:
        """Write each citation's capture into ``archive_url``; remember what was written."""
        key = str(self.citations_file.resolve())
        before = self.ledger.links(key)
        current = {c.id: c for c in read_citations(self.citations_file)}
        latest = self.ledger.latest()
        order = [Target.WAYBACK.value, *(t.name for t in self.options.record_targets)]
        chosen: dict[str, StoredLink] = {}
        for r in run.results:
            if r.citation.id not in current:
                continue
            url = citation_url(r)
            link = _check_capture(r)
            if link is not None:
                chosen[r.citation.id] = StoredLink(r.citation.id, url, link[0], link[1], "check")
                continue
            for target in order:
                got = latest.get((url, target))
                if got is not None and got.result.done and got.result.capture_url:
                    cap = got.result
                    chosen[r.citation.id] = StoredLink(
                        r.citation.id,
                        url,
                        cap.capture_url,
                        date_of_timestamp(cap.timestamp),
                        target,
                    )
                    break
        wb = write_back(
            self.citations_file,
            {cid: link.archive_url for cid, link in chosen.items()},
            {cid: link.archive_url for cid, link in before.items()},
        )
        self.ledger.save_links(key, [chosen[cid] for cid in wb.written])
        return wb


def _check_capture(result: CitationResult) -> tuple[str, str] | None:
    """The good capture ``check`` chose for a citation: ``(url, YYYY-MM-DD)``, or None."""
    archive = result.archive
    if archive is None or archive.status is not ArchiveStatus.ARCHIVED or archive.capture is None:
        return None
    cap = archive.capture
    return cap.url, date_of_timestamp(cap.timestamp)


_ACTION_WORDS = {
    "request": "would request",
    "resume": "would resume job",
    "confirm": "would look up",
    "done": "already preserved",
}


def plan_lines(steps: Sequence[PlannedStep], idle: str = "") -> list[str]:
    """One line per planned (URL, target): what would be done and why (``idle`` when none)."""
    if not steps and idle:
        return [idle]
    lines = []
    for s in steps:
        extra = ""
        if s.action == "done" and s.previous is not None:
            extra = f" ({s.previous.capture_url})"
        elif s.action == "resume" and s.previous is not None:
            extra = f" {s.previous.job_id}"
        ids = ", ".join(s.candidate.citation_ids)
        lines.append(
            f"{_ACTION_WORDS[s.action]}{extra}: {s.target} {s.candidate.url}"
            f" [{s.candidate.why}; citation {ids}]"
        )
    return lines


def outcome_lines(outcome: ArchiveOutcome) -> list[str]:
    """Human-readable lines for each result, the unreachable targets and the write-back."""
    lines = []
    for r in outcome.results:
        where = f" -> {r.capture_url}" if r.capture_url else ""
        lines.append(f"{r.status.value}: {r.target} {r.url}{where} ({r.reason})")
    for name in outcome.unreachable:
        lines.append(f"unreachable target: {name} (nothing was preserved there)")
    wb = outcome.write_back
    if wb is not None:
        if wb.written:
            lines.append(
                f"archive_url written for {len(wb.written)} citation(s); previous file kept"
                f" as {wb.backup}"
            )
        for cid, value in sorted(wb.kept.items()):
            lines.append(f"kept the archive_url a person set for {cid}: {value}")
    for f in outcome.files:
        lines.append(f"wrote {f}")
    counts: dict[str, int] = {}
    for r in outcome.results:
        counts[r.status.value] = counts.get(r.status.value, 0) + 1
    if outcome.idle:
        lines.append(outcome.idle)
        return lines
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "nothing to preserve"
    lines.append(f"archive: run {outcome.run_id}: {summary}")
    return lines


def outcome_exit(outcome: ArchiveOutcome) -> ExitCode:
    """0 when everything chosen is preserved, 3 when no target could be reached, else 1."""
    if not outcome.results or all(r.done for r in outcome.results):
        return ExitCode.OK
    if outcome.unreachable and all(
        r.status is PreserveStatus.UNREACHABLE or r.done for r in outcome.results
    ):
        return ExitCode.INCONCLUSIVE
    return ExitCode.PROBLEMS
