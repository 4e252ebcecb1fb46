"""What a worker does with one shard: check it live and in the archives, then store it once.

Everything the shard found (the checks, their fingerprints, the archive answers
and the hosts it saw) is written in one transaction that first locks the shard's
row: a job killed before the commit leaves nothing, and a job run twice (a
worker wrongly taken for dead) finds the shard done and writes nothing more, so
no URL is lost or counted twice in the history.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import Mapping

from linkwatch.archives.stage import ArchiveStage
from linkwatch.errors import StoreError
from linkwatch.fleet.plan import ShardOutcome, read_options, read_payload
from linkwatch.live import Checked
from linkwatch.live.run import check_here
from linkwatch.results import ArchiveResult, ChangeResult, to_dict
from linkwatch.store.db import Store, insert_check
from linkwatch.store.history import iso, utc_now

logger = logging.getLogger(__name__)

Answer = Mapping[str, tuple[ArchiveResult | None, ChangeResult | None]]


def answer_json(answer: Answer) -> str:
    """An archive stage's answer for one URL as stored in ``fleet_checks.answer_json``."""
    return json.dumps(
        {cid: [to_dict(a), to_dict(c)] for cid, (a, c) in answer.items()}, ensure_ascii=False
    )


async def run_shard(db_url: str, run_id: str, shard: int, *, worker: str = "") -> bool:
    """Check shard ``shard`` of run ``run_id`` and store it; ``False`` when it was already done."""
    with Store(db_url, lock=False) as store:
        row = store.conn.execute(
            "SELECT s.state, s.payload_json, f.options_json, r.state FROM fleet_shards s"
            " JOIN fleet_runs f ON f.run_id = s.run_id JOIN runs r ON r.id = s.run_id"
            " WHERE s.run_id = ? AND s.shard = ?",
            (run_id, shard),
        ).fetchone()
        if row is None:
            raise StoreError(f"{store.label}: run {run_id} has no shard {shard}")
        if row[0] == "done":
            return False
        if row[3] != "running":
            # Its coordinator stopped (or gave way to a newer run): nobody waits for this shard.
            # Resumed, the run queues the shard again.
            logger.info("run %s is %s: shard %d left unchecked", run_id, row[3], shard)
            return False
        live_options, archive_options = read_options(row[2])
        urls, citations, previous = read_payload(row[1])
        logger.info("run %s shard %d: checking %d URLs", run_id, shard, len(urls))
        checked: dict[str, Checked] = {}
        lookups: dict[str, asyncio.Future[Answer]] = {}
        async with contextlib.AsyncExitStack() as stack:
            stage: ArchiveStage | None = None
            if archive_options.enabled:
                stage = ArchiveStage(
                    archive_options,
                    db=db_url,
                    citations=[c for cs in citations.values() for c in cs],
                    user_agent=live_options.user_agent,
                )
                await stack.enter_async_context(stage)

            def landed(result: Checked) -> None:
                url = result.live.url
                checked[url] = dataclasses.replace(result, text=None)
                if stage is not None:
                    lookups[url] = asyncio.ensure_future(
                        stage.check(url, citations.get(url, []), result.live, result.text)
                    )

            run = await check_here(
                urls, live_options, previous=previous, on_result=landed, keep_results=False
            )
            answers = {url: await task for url, task in lookups.items()}
        outcome = ShardOutcome(run.outage, run.answered_hosts, run.net_failed_hosts)
        with store.transaction() as conn:
            (state,) = conn.execute(
                "SELECT state FROM fleet_shards WHERE run_id = ? AND shard = ?"
                + store.backend.for_update,
                (run_id, shard),
            ).fetchone()
            if state == "done":
                return False
            for url in urls:
                result = checked.get(url)
                if result is not None:
                    insert_check(
                        conn,
                        run_id,
                        result.live,
                        etag=result.etag,
                        last_modified=result.last_modified,
                    )
            conn.executemany(
                "INSERT INTO fleet_checks (run_id, url, shard, etag, last_modified, live_json,"
                " answer_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        run_id,
                        url,
                        shard,
                        result.etag,
                        result.last_modified,
                        json.dumps(to_dict(result.live), ensure_ascii=False),
                        answer_json(answers.get(url, {})),
                    )
                    for url, result in checked.items()
                ],
            )
            conn.execute(
                "UPDATE fleet_shards SET state = 'done', outcome_json = ?, worker = ?,"
                " finished_at = ? WHERE run_id = ? AND shard = ?",
                (outcome.to_json(), worker, iso(utc_now()), run_id, shard),
            )
        logger.info("run %s shard %d: stored %d checks", run_id, shard, len(checked))
        return True
