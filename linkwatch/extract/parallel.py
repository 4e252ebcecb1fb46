"""Reading a very long report in two processes: each finds the citations of half its blocks.

Finding citations and building their records is nearly all of the time extraction takes,
and the blocks are independent, except that every record needs the publication date, which
may be inferred from all the citations. So the work goes in two rounds: each process finds
the citations of its half and the parent gathers their dates; the parent decides the
publication date and sends it back; each process builds its records, and the worker's come
back in batches. The worker is forked, so the blocks are shared rather than copied.

:func:`split_run` returns None when no worker is started (the platform cannot fork, or the
machine's load leaves no core idle) or the worker could not do its part (it died); the caller
then does all the work in its own process.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import TypeVar

from linkwatch.extract.dates import PartialDate
from linkwatch.extract.document import Block
from linkwatch.records import Citation

F = TypeVar("F")
D = TypeVar("D")

#: A citation's date and whether it came from a note: what the publication date is
#: inferred from.
Dated = tuple[bool, PartialDate]

_FIELDS = tuple(field.name for field in dataclasses.fields(Citation))
# Records cross the pipe as tuples, this many at a time, so no large buffer is held.
_BATCH = 20_000


def available() -> bool:
    """True where a worker can be forked and there is a second core for it."""
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def spare_core() -> bool:
    """True when the machine's load leaves a core idle for a worker.

    On a busy machine two processes only take turns on the same cores: the work costs more
    CPU and memory and is not done sooner.
    """
    try:
        load = os.getloadavg()[0]
    except OSError:
        return False
    return load <= (os.cpu_count() or 1) - 1


# Reading a note costs about three times as much per character as reading a paragraph (it is
# tried as several reference styles), so the halves are balanced on that weight.
_NOTE_WEIGHT = 3


def _weight(block: Block) -> int:
    return len(block.text) * (_NOTE_WEIGHT if block.role == "note" else 1)


def halfway(blocks: Sequence[Block]) -> int:
    """The index that splits ``blocks`` into two halves of about equal work."""
    total = sum(_weight(block) for block in blocks)
    seen = 0
    for i, block in enumerate(blocks):
        seen += _weight(block)
        if seen * 2 >= total:
            return i + 1
    return len(blocks)


def split_run(
    blocks: Sequence[Block],
    find: Callable[[Sequence[Block]], list[F]],
    dates: Callable[[list[F]], list[Dated]],
    decide: Callable[[list[Dated]], D],
    build: Callable[[list[F], D], list[Citation]],
) -> tuple[list[Citation], D] | None:
    """Records of all ``blocks`` in order, and the decision taken on their dates.

    ``find`` finds the citations of some blocks, ``dates`` lists their dates, ``decide``
    takes the publication date from all the dates, and ``build`` makes the records of found
    citations. Returns None when the worker failed.
    """
    if not available() or not spare_core():
        return None
    cut = halfway(blocks)
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    worker = context.Process(
        target=_work, args=(theirs, blocks[cut:], find, dates, build), daemon=True
    )
    # Objects that exist before the fork are left out of garbage collection, so that
    # neither process writes to (and so copies) the pages it shares with the other.
    gc.freeze()
    try:
        worker.start()
    finally:
        gc.unfreeze()
    theirs.close()
    try:
        found = find(blocks[:cut])
        their_dates: list[Dated] = ours.recv()
        decision = decide(dates(found) + their_dates)
        ours.send(decision)
        records = build(found, decision)
        while (batch := ours.recv()) is not None:
            records.extend(Citation(*row) for row in batch)
    except (EOFError, OSError):
        worker.kill()
        return None
    finally:
        ours.close()
        worker.join()
    return records, decision


def _work(
    conn: Connection,
    blocks: Sequence[Block],
    find: Callable[[Sequence[Block]], list[F]],
    dates: Callable[[list[F]], list[Dated]],
    build: Callable[[list[F], D], list[Citation]],
) -> None:
    """The worker's part: find, report the dates, wait for the decision, build, send back."""
    try:
        found = find(blocks)
        conn.send(dates(found))
        decision: D = conn.recv()
        records = build(found, decision)
        for start in range(0, len(records), _BATCH):
            conn.send(
                [
                    tuple(getattr(c, name) for name in _FIELDS)
                    for c in records[start : start + _BATCH]
                ]
            )
        conn.send(None)
    finally:
        conn.close()
