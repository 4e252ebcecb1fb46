"""The previous run a report compares with: the last complete one, read back from a real store."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from linkwatch.report.history import load_with_previous, previous_run
from linkwatch.report.model import diff_runs
from linkwatch.results import RebuiltResults
from linkwatch.store.db import Store

from .samples import catalogue_run, every_verdict_run


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


def test_the_previous_run_in_outline_gives_the_same_comparison(tmp_path: Path) -> None:
    before = catalogue_run(300, reports=3, hosts=7)
    shuffled = (*before.results[37:], *before.results[:37])
    now = dataclasses.replace(
        before,
        results=tuple(
            dataclasses.replace(
                r, verdict=o.verdict, live=o.live, archive=o.archive, change=o.change
            )
            for r, o in zip(before.results, shuffled, strict=True)
        ),
    )
    with Store(tmp_path / "lw.db") as store:
        first = store.begin_run("citations.csv")
        store.finish_run(dataclasses.replace(before, run_id=first))
        second = store.begin_run("citations.csv")
        store.finish_run(dataclasses.replace(now, run_id=second))
        whole = store.load_run(first)
        outline = previous_run(store, second)
    assert outline is not None and outline.run_id == first
    current = dataclasses.replace(now, run_id=second)
    diff = diff_runs(current, outline)
    assert diff == diff_runs(current, whole)
    assert diff.newly_failing and diff.recovered and diff.newly_changed and diff.newly_archived
    # Each status is one object, shared by every result that has it.
    statuses = {r.live.status for r in whole.results if r.live is not None}
    assert len({id(r.live) for r in outline.results if r.live is not None}) == len(statuses)
    # Each result comes back, rebuilt from its compact row, with what a comparison reads.
    assert isinstance(outline.results, RebuiltResults) and len(outline.results) == 300
    for o, w in zip(outline.results, whole.results, strict=True):
        assert (o.citation.id, o.citation.url, o.citation.doi) == (
            w.citation.id,
            w.citation.url,
            w.citation.doi,
        )
        assert o.verdict is w.verdict
        assert (o.live and o.live.status) == (w.live and w.live.status)
        assert (o.archive and o.archive.status) == (w.archive and w.archive.status)
        assert (o.change and (o.change.status, o.change.off_topic)) == (
            w.change and (w.change.status, w.change.off_topic)
        )
