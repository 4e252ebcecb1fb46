"""The previous run a report compares with: the last complete one, read back from a real store."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from linkwatch.report.history import load_with_previous, previous_run
from linkwatch.store.db import Store

from .samples import every_verdict_run


def _store_run(store: Store, **changes: object) -> str:
    run_id = store.begin_run("citations.csv")
    store.finish_run(dataclasses.replace(every_verdict_run(run_id), **changes))  # type: ignore[arg-type]
    return run_id


def test_previous_is_the_last_complete_run_before(tmp_path: Path) -> None:
    with Store(tmp_path / "lw.db") as store:
        first = _store_run(store)
        _store_run(store, inconclusive=True, inconclusive_reason="network down")
        _store_run(store, complete=False)
        latest = _store_run(store)
        previous = previous_run(store, latest)
        assert previous is not None and previous.run_id == first
        assert previous_run(store, first) is None


def test_stored_run_is_rendered_back_unchanged(tmp_path: Path) -> None:
    with Store(tmp_path / "lw.db") as store:
        run_id = _store_run(store)
        run, previous = load_with_previous(store, None)
    # The store keeps its own start time; everything the reports show per citation comes back.
    assert run == dataclasses.replace(every_verdict_run(run_id), started_at=run.started_at)
    assert previous is None
