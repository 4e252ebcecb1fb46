"""Finding the runs a report compares: the run asked for, and the finished run before it."""

from __future__ import annotations

from linkwatch.results import RunResult
from linkwatch.store.db import Store


def previous_run(store: Store, run_id: str) -> RunResult | None:
    """The last complete run stored before ``run_id``, or ``None`` when there is none.

    Interrupted and inconclusive runs are passed over: comparing with a run cut
    short or blinded by a network outage would report sources as recovered or
    newly failing when nothing happened to them. The run comes back in outline
    (:meth:`linkwatch.store.Store.load_run`): what the comparison reads, no more.
    """
    earlier: list[str] = []
    for summary in store.list_runs():
        if summary.run_id == run_id:
            break
        if summary.state == "complete":
            earlier.append(summary.run_id)
    else:
        return None
    return store.load_run(earlier[-1], outline=True) if earlier else None


def load_with_previous(store: Store, run_id: str | None) -> tuple[RunResult, RunResult | None]:
    """The run ``run_id`` (default: the latest finished one) and the complete run before it."""
    run = store.load_run(run_id)
    return run, previous_run(store, run.run_id)
