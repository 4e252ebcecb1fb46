"""Long reports are read by two processes; the records must be those one process gives."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

import linkwatch.extract.core as core
from linkwatch.extract import extract_file, parallel
from linkwatch.extract.document import Block
from linkwatch.records import Citation

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reports"
REPORTS = sorted(SEED.glob("*.txt")) + sorted(
    p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".md", ".html")
)

needs_fork = pytest.mark.skipif(not parallel.available(), reason="cannot fork a second worker")


@needs_fork
@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_two_processes_give_the_same_records_as_one(
    report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = extract_file(report)
    monkeypatch.setattr(core, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(parallel, "spare_core", lambda: True)
    split = extract_file(report)
    assert split == alone


def _die(*_args: object) -> None:
    os._exit(3)


def _nothing(blocks: Sequence[Block]) -> list[int]:
    return []


def _no_dates(found: list[int]) -> list[parallel.Dated]:
    return []


def _decide(dates: list[parallel.Dated]) -> str:
    return ""


def _build(found: list[int], decision: str) -> list[Citation]:
    return []


@needs_fork
def test_a_worker_that_dies_leaves_its_half_to_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    report = REPORTS[0]
    alone = extract_file(report)
    monkeypatch.setattr(core, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(parallel, "spare_core", lambda: True)
    monkeypatch.setattr(parallel, "_work", _die)
    assert extract_file(report) == alone


def test_no_worker_is_started_when_the_load_leaves_no_core_idle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "spare_core", lambda: False)
    started: list[object] = []
    monkeypatch.setattr(parallel, "_work", lambda *args: started.append(args))
    assert parallel.split_run([Block("text")], _nothing, _no_dates, _decide, _build) is None
    assert started == []


def test_halves_are_balanced_on_work_with_notes_costing_more() -> None:
    blocks = [Block("x" * 300)] * 6 + [Block("y" * 100, role="note")] * 6
    # 1,800 characters of paragraphs weigh as much as 600 characters of notes at 3 each.
    assert parallel.halfway(blocks) == 6
    assert parallel.halfway([]) == 0
