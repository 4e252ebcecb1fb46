"""Candidate sources for unlinked citations, as ``linkwatch find`` left them in candidates.csv.

The reports show them beside the run: the file is read from the folder of the run's
citations file, and only candidates of citations the run found ``unlinked`` are shown.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from linkwatch.errors import InputError
from linkwatch.find.candidates import CANDIDATES_NAME, Candidate, read_candidates
from linkwatch.results import RunResult, judged
from linkwatch.status import Verdict

log = logging.getLogger(__name__)

#: Candidates by citation id, best first.
Candidates = Mapping[str, Sequence[Candidate]]


def run_candidates(run: RunResult) -> dict[str, list[Candidate]]:
    """The candidates of the run's unlinked citations; empty when there is no candidates.csv."""
    if not run.citations_file:
        return {}
    path = Path(run.citations_file).parent / CANDIDATES_NAME
    try:
        rows = read_candidates(path)
    except InputError as exc:
        log.warning("candidates not shown in the report: %s", exc)
        return {}
    if not rows:
        return {}
    unlinked = {c.id for c, verdict in judged(run.results) if verdict is Verdict.UNLINKED}
    out: dict[str, list[Candidate]] = {}
    for c in sorted(rows, key=lambda c: c.rank):
        if c.id in unlinked:
            out.setdefault(c.id, []).append(c)
    return out
