"""``linkwatch check --distributed``: hand a run's shards to the workers, wait, judge as usual.

The coordinator does everything :func:`linkwatch.check.run_check` does, except
the live and archive checks of the URLs it fetches: it cuts them into shards of
whole hosts (:mod:`linkwatch.fleet.plan`), stores the plan, queues one job per
shard and feeds each shard's stored results to the run as the shard finishes.
Judging, history and reports are the local run's own code, so a distributed run
reports what a local run of the same input reports.

A coordinator that dies leaves its run ``running`` and its plan stored; run
again with the same citations file and options, it takes the run up where it
was: shards already done are read back, not checked again, and jobs still
queued or running are left to finish. URLs it does not fetch (excluded,
invalid, fresh within ``--max-age``) are looked up in the archives here.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from linkwatch.archives.stage import ArchiveStage
from linkwatch.check import (
    ArchiveAnswer,
    CheckOptions,
    Progress,
    check_citations,
    live_key,
    options_record,
    stop_on_signals,
)
from linkwatch.client import run_async
from linkwatch.compare.text import PageText
from linkwatch.errors import InputError, NetworkError
from linkwatch.fleet import queue
from linkwatch.fleet.plan import (
    ShardOutcome,
    combine,
    options_json,
    plan_digest,
    shard_payload,
    shard_urls,
)
from linkwatch.live import Checked, LiveRun, Previous
from linkwatch.records import Citation, read_citations
from linkwatch.results import ArchiveResult, ChangeResult, LiveResult, RunResult, from_dict
from linkwatch.store.db import Store, citations_scope, is_shared

if TYPE_CHECKING:
    import procrastinate

logger = logging.getLogger(__name__)

#: Seconds between two looks at the shards' progress.
POLL = 0.5
#: Seconds between two sweeps for jobs left by dead workers.
SWEEP = 5.0
#: After this many seconds without any worker, say so (once).
NO_WORKER_WARNING = 15.0


class FleetError(NetworkError):
    """A shard's job failed on every try: the run cannot be completed by the fleet."""


def run_distributed(
    citations_file: Path,
    options: CheckOptions,
    *,
    progress: Progress | None = None,
    handle_signals: bool = False,
) -> RunResult:
    """:func:`linkwatch.check.run_check` with the checks done by ``linkwatch worker`` processes.

    Raises :class:`InputError` when the store is not a shared (PostgreSQL) database,
    :class:`linkwatch.errors.StoreLockedError` when another run of the same file
    holds the lock, and :class:`FleetError` when a shard's job failed for good.
    """
    if not is_shared(options.db):
        raise InputError(
            "--distributed needs a shared database: --db postgresql://… (or LINKWATCH_DB)"
        )
    db_url = str(options.db)
    citations = read_citations(citations_file)
    scope = citations_scope(citations_file)
    digest = input_digest(citations_file, options)
    queue.ensure_schema(db_url)
    with Store(db_url, scope=scope) as store:
        run_id = resumable_run(store, digest)
        if run_id is not None:
            logger.warning("resuming run %s: shards already done are not checked again", run_id)
        else:
            run_id = store.begin_run(str(citations_file), options_record(options))

        async def run() -> RunResult:
            stop = asyncio.Event()
            if handle_signals:
                stop_on_signals(stop)
            async with Fleet(db_url, store, citations, options, digest, run_id) as fleet:
                done = await check_citations(
                    citations,
                    options,
                    store,
                    citations_file=str(citations_file),
                    progress=progress,
                    archive_stage=fleet if options.archives.enabled else None,
                    stop=stop,
                    live_check=fleet.live_check,
                    run_id=run_id,
                )
            if done.complete:
                release_shards(store, run_id)
            return done

        return run_async(run())


def input_digest(citations_file: Path, options: CheckOptions) -> str:
    """A digest of what a run was asked: the citations file's bytes and the options."""
    h = hashlib.sha256(Path(citations_file).read_bytes())
    h.update(json.dumps(options_record(options), sort_keys=True, default=str).encode())
    return h.hexdigest()


def resumable_run(store: Store, digest: str) -> str | None:
    """The scope's latest run when it is an unfinished distributed run of the same input.

    It is set ``running`` again (the caller holds the scope's lock).
    """
    row = store.conn.execute(
        "SELECT r.id, r.state, f.plan FROM runs r LEFT JOIN fleet_runs f ON f.run_id = r.id"
        f" WHERE r.scope = ? ORDER BY r.started_at DESC, r.{store.backend.run_order} DESC"
        " LIMIT 1",
        (store.scope,),
    ).fetchone()
    if row is None or row[1] not in ("running", "interrupted") or row[2] is None:
        return None
    if not str(row[2]).startswith(digest):
        return None
    with store.transaction() as conn:
        conn.execute(
            "UPDATE runs SET state = 'running', finished_at = NULL WHERE id = ?", (row[0],)
        )
    return str(row[0])


def release_shards(store: Store, run_id: str) -> None:
    """Drop what only a finished run's coordinator needed: the workers' copies and the payloads.

    The checks themselves stay in ``checks``; the shard rows stay, small, as the record of
    which worker stored what.
    """
    with store.transaction() as conn:
        conn.execute("DELETE FROM fleet_checks WHERE run_id = ?", (run_id,))
        conn.execute("UPDATE fleet_shards SET payload_json = '[]' WHERE run_id = ?", (run_id,))


class Fleet:
    """One distributed run's side of the queue; also its archive stage (answers from the shards)."""

    def __init__(
        self,
        db_url: str,
        store: Store,
        citations: Sequence[Citation],
        options: CheckOptions,
        digest: str,
        run_id: str,
    ) -> None:
        self.db_url = db_url
        self.store = store
        self.citations = list(citations)
        self.options = options
        self.digest = digest
        self.answers: dict[str, ArchiveAnswer] = {}
        self.app: procrastinate.App | None = None
        self.local: ArchiveStage | None = None
        self.run_id = run_id

    async def __aenter__(self) -> Fleet:
        self.app = queue.make_app(self.db_url, pool_size=2)
        await self.app.open_async()
        if self.options.archives.enabled:
            self.local = ArchiveStage(
                self.options.archives,
                db=self.db_url,
                citations=self.citations,
                user_agent=self.options.live.user_agent,
            )
            await self.local.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.local is not None:
            await self.local.__aexit__(exc_type, exc, tb)
        if self.app is not None:
            await self.app.close_async()

    # -- the archive stage of the run --------------------------------------------------------

    async def check(
        self,
        url: str,
        citations: Sequence[Citation],
        live: LiveResult,
        text: PageText | None = None,
    ) -> ArchiveAnswer:
        """The shard's stored answer for ``url``; a URL no shard fetched is looked up here."""
        if url in self.answers:
            return self.answers.pop(url)
        if self.local is None:
            return {c.id: (None, None) for c in citations}
        return await self.local.check(url, citations, live, text)

    # -- the live stage of the run -----------------------------------------------------------

    async def live_check(
        self,
        urls: list[str],
        previous: Mapping[str, Previous],
        on_result: Callable[[Checked], None],
    ) -> LiveRun:
        """Plan (or take up) the shards of ``urls``, queue them, deliver results as they land."""
        assert self.app is not None
        shards = self._plan(urls, previous)
        jobs = await self._queue(shards)
        outcomes: dict[int, ShardOutcome] = {}
        results: dict[str, Checked] = {}
        last_sweep = started = time.monotonic()
        warned = False
        while len(outcomes) < shards:
            for shard, outcome_text in self.store.conn.execute(
                "SELECT shard, outcome_json FROM fleet_shards WHERE run_id = ? AND state = 'done'",
                (self.run_id,),
            ).fetchall():
                if shard in outcomes:
                    continue
                outcomes[shard] = ShardOutcome.from_json(outcome_text)
                for checked, answer in self._shard_results(shard):
                    results[checked.live.url] = checked
                    self.answers[checked.live.url] = answer
                    on_result(checked)
            now = time.monotonic()
            if len(outcomes) < shards and now - last_sweep >= SWEEP:
                last_sweep = now
                await queue.retry_stalled(self.app)
                await self._check_failed(jobs, outcomes)
                if (
                    not warned
                    and now - started >= NO_WORKER_WARNING
                    and not await queue.live_workers(self.app)
                ):
                    warned = True
                    logger.warning(
                        "no linkwatch worker is running: start one with"
                        " `linkwatch worker` (same --db) to check this run's %d jobs",
                        shards - len(outcomes),
                    )
            if len(outcomes) < shards:
                await asyncio.sleep(POLL)
        return combine(urls, self.options.live, results, list(outcomes.values()))

    def _plan(self, urls: list[str], previous: Mapping[str, Previous]) -> int:
        """The run's number of shards, planned and stored now unless a plan is stored already."""
        row = self.store.conn.execute(
            "SELECT shards FROM fleet_runs WHERE run_id = ?", (self.run_id,)
        ).fetchone()
        if row is not None:
            return int(row[0])
        prefixes = tuple(a.replay_root for a in self.options.archives.archives)
        by_url: dict[str, list[Citation]] = {}
        for c in self.citations:
            key = live_key(c, prefixes)
            if key:
                by_url.setdefault(key, []).append(c)
        parts = shard_urls(urls, self.options.live, self.options.shard_size)
        opts = options_json(self.options.live, self.options.archives)
        plan = f"{self.digest}:{plan_digest(parts, opts)}"
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO fleet_runs (run_id, plan, options_json, shards) VALUES (?, ?, ?, ?)",
                (self.run_id, plan, opts, len(parts)),
            )
            conn.executemany(
                "INSERT INTO fleet_shards (run_id, shard, payload_json) VALUES (?, ?, ?)",
                [
                    (self.run_id, i, shard_payload(part, by_url, previous))
                    for i, part in enumerate(parts)
                ],
            )
        logger.info("run %s: %d URLs in %d jobs", self.run_id, len(urls), len(parts))
        return len(parts)

    async def _queue(self, shards: int) -> dict[int, int]:
        """Queue every shard not done and without a live job; the job id of each shard."""
        assert self.app is not None
        jobs: dict[int, int] = {}
        for shard, state, job_id in self.store.conn.execute(
            "SELECT shard, state, job_id FROM fleet_shards WHERE run_id = ? ORDER BY shard",
            (self.run_id,),
        ).fetchall():
            if state == "done":
                continue
            if job_id is not None and await queue.job_state(self.app, int(job_id)) in (
                "todo",
                "doing",
            ):
                jobs[shard] = int(job_id)
                continue
            new_id = await queue.defer_shard(self.app, self.run_id, shard)
            if new_id is not None:
                jobs[shard] = new_id
                with self.store.transaction() as conn:
                    conn.execute(
                        "UPDATE fleet_shards SET job_id = ? WHERE run_id = ? AND shard = ?",
                        (new_id, self.run_id, shard),
                    )
        return jobs

    async def _check_failed(self, jobs: Mapping[int, int], done: Mapping[int, object]) -> None:
        assert self.app is not None
        for shard, job_id in jobs.items():
            if shard in done:
                continue
            state = await queue.job_state(self.app, job_id)
            if state in ("failed", "cancelled", "aborted"):
                # The shard may have been stored by a retry that raced the final failure.
                (stored,) = self.store.conn.execute(
                    "SELECT state FROM fleet_shards WHERE run_id = ? AND shard = ?",
                    (self.run_id, shard),
                ).fetchone()
                if stored != "done":
                    raise FleetError(
                        f"run {self.run_id}: job {job_id} (shard {shard}) {state} on every try;"
                        " see the workers' logs, then run the check again to resume"
                    )

    def _shard_results(self, shard: int) -> list[tuple[Checked, ArchiveAnswer]]:
        out: list[tuple[Checked, ArchiveAnswer]] = []
        for etag, last_modified, live_json, answer_text in self.store.conn.execute(
            "SELECT etag, last_modified, live_json, answer_json FROM fleet_checks"
            " WHERE run_id = ? AND shard = ? ORDER BY url",
            (self.run_id, shard),
        ).fetchall():
            live = from_dict(LiveResult, json.loads(live_json))
            answer = {
                cid: (
                    from_dict(ArchiveResult, pair[0]) if pair[0] is not None else None,
                    from_dict(ChangeResult, pair[1]) if pair[1] is not None else None,
                )
                for cid, pair in json.loads(answer_text).items()
            }
            out.append((Checked(live=live, etag=etag, last_modified=last_modified), answer))
        return out
