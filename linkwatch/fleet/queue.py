"""The task queue: a procrastinate app on the store's PostgreSQL database.

One task, ``linkwatch.check_shard(run_id, shard)``. Its queueing lock
(``run_id:shard``) keeps a shard from waiting in the queue twice; its retry
strategy re-runs a job that raised (a lost connection) with growing waits.
A worker that dies mid-job stops its heartbeat: after :data:`STALLED_AFTER`
seconds any worker or coordinator sweeping with :func:`retry_stalled` puts the
job back in the queue, and another worker takes it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from linkwatch.errors import StoreError

if TYPE_CHECKING:
    import procrastinate

logger = logging.getLogger(__name__)

TASK = "linkwatch.check_shard"
QUEUE = "linkwatch"
#: Seconds between a worker's heartbeats.
HEARTBEAT = 5.0
#: A worker silent this long is taken for dead and its jobs are retried elsewhere.
STALLED_AFTER = 20.0
#: The advisory lock under which the queue's tables are created.
_SCHEMA_LOCK = 0x71756575  # "queu"


def make_app(db_url: str, *, pool_size: int = 4) -> procrastinate.App:
    """The procrastinate app on ``db_url``, with the shard task registered (not yet opened)."""
    _procrastinate()
    import procrastinate

    from linkwatch.fleet.job import run_shard

    connector = procrastinate.PsycopgConnector(
        conninfo=db_url, min_size=1, max_size=pool_size, timeout=15.0
    )
    app = procrastinate.App(connector=connector)

    async def check_shard(context: Any, run_id: str, shard: int) -> None:
        worker = str(getattr(context, "worker_name", "") or "")
        await run_shard(db_url, run_id, shard, worker=worker)

    app.task(
        name=TASK,
        queue=QUEUE,
        pass_context=True,
        retry=procrastinate.RetryStrategy(max_attempts=5, exponential_wait=2),
    )(check_shard)
    return app


def _procrastinate() -> None:
    """Raise :class:`StoreError` saying how to install procrastinate when it is missing."""
    try:
        import procrastinate.schema  # noqa: F401
    except ImportError as exc:
        raise StoreError(
            "the worker fleet needs procrastinate: pip install 'linkwatch[postgres]'"
        ) from exc


def ensure_schema(db_url: str) -> None:
    """Create procrastinate's tables in the database unless they are there."""
    from linkwatch.store.postgres import connect

    _procrastinate()
    from procrastinate.schema import SchemaManager

    schema = SchemaManager.get_schema()

    conn = connect(db_url, purpose="linkwatch schema")
    try:
        conn.execute("BEGIN")
        conn.execute(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
        (present,) = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
        if not present:
            logger.info("creating the task queue's tables")
            conn.execute(schema)
        conn.execute("COMMIT")
    finally:
        conn.close()


async def defer_shard(app: procrastinate.App, run_id: str, shard: int) -> int | None:
    """Queue one shard's job; its id, or ``None`` when the shard is already waiting."""
    from procrastinate.exceptions import AlreadyEnqueued

    try:
        return await app.configure_task(
            TASK, queue=QUEUE, queueing_lock=f"{run_id}:{shard}"
        ).defer_async(run_id=run_id, shard=shard)
    except AlreadyEnqueued:
        return None


async def retry_stalled(app: procrastinate.App) -> int:
    """Put the jobs of workers silent for :data:`STALLED_AFTER` seconds back in the queue."""
    stalled = list(
        await app.job_manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=STALLED_AFTER)
    )
    for job in stalled:
        logger.warning(
            "job %s (%s) was left by a worker that stopped answering; queued again",
            job.id,
            job.call_string,
        )
        await app.job_manager.retry_job(job)
    return len(stalled)


async def job_state(app: procrastinate.App, job_id: int) -> str:
    """The queue's state of a job: ``todo``, ``doing``, ``succeeded``, ``failed``…"""
    status = await app.job_manager.get_job_status_async(job_id)
    return str(status.value)


async def live_workers(app: procrastinate.App) -> int:
    """How many workers have sent a heartbeat recently."""
    row = await app.connector.execute_query_one_async(
        "SELECT COUNT(*) AS n FROM procrastinate_workers"
        " WHERE last_heartbeat > NOW() - make_interval(secs => %(secs)s)",
        secs=STALLED_AFTER,
    )
    return int(row["n"])
