"""``results.json``: the run for machines, in the versioned schema of ``docs/results-schema.md``.

The JSON Schema that every document validates against ships in the package as
``linkwatch/report/results.schema.json`` (:func:`schema`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

from linkwatch import __version__
from linkwatch.report.model import RunDiff, Summary, diff_runs, summarize
from linkwatch.results import SCHEMA_VERSION, RunResult, to_dict, with_status_objects


def summary_dict(summary: Summary) -> dict[str, Any]:
    """The JSON form of a :class:`Summary` (status words as keys)."""
    return {
        "citations": summary.citations,
        "urls": summary.urls,
        "verdicts": {v.value: n for v, n in summary.verdicts.items()},
        "live": {s.value: n for s, n in summary.live.items()},
        "archive": {s.value: n for s, n in summary.archive.items()},
        "change": {s.value: n for s, n in summary.change.items()},
        "hosts": {h: {s.value: n for s, n in c.items()} for h, c in summary.hosts.items()},
    }


def diff_dict(diff: RunDiff) -> dict[str, Any]:
    """The JSON form of a :class:`RunDiff`."""
    return to_dict(diff)  # type: ignore[no-any-return]


def results_document(run: RunResult, previous: RunResult | None = None) -> dict[str, Any]:
    """The ``results.json`` document: schema version, generator, run, summary, since last run.

    ``run`` is exactly :func:`linkwatch.results.to_dict` of the run, so
    ``from_dict(RunResult, doc["run"])`` gives the run back (a run stored before every
    citation carried an archive and a change result gets ``not-checked`` ones).
    """
    run = with_status_objects(run)
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"linkwatch {__version__}",
        "run": to_dict(run),
        "summary": summary_dict(summarize(run)),
        "since_last_run": diff_dict(diff_runs(run, previous)),
    }


def render_json(run: RunResult, previous: RunResult | None = None) -> str:
    """``results.json`` text: :func:`results_document`, indented, UTF-8 kept readable."""
    return "".join(json_chunks(run, previous))


# Where the run's citation results go in the document dumped without them: ``run`` is a
# top-level key and ``results`` one of its keys, so the list sits at two levels of indent.
_RESULTS_SLOT = '\n    "results": [],\n'
_ITEM_INDENT = "\n      "


def json_chunks(run: RunResult, previous: RunResult | None = None) -> Iterator[str]:
    """:func:`render_json`'s text in pieces: the same bytes, one citation result at a time.

    Only one result's dictionary exists at a time, instead of the whole run's.
    """
    run = with_status_objects(run)
    document = {
        "schema_version": SCHEMA_VERSION,
        "generator": f"linkwatch {__version__}",
        "run": to_dict(dataclasses.replace(run, results=())),
        "summary": summary_dict(summarize(run)),
        "since_last_run": diff_dict(diff_runs(run, previous)),
    }
    text = json.dumps(document, ensure_ascii=False, indent=2)
    head, tail = text.split(_RESULTS_SLOT, 1)
    if not run.results:
        yield text + "\n"
        return
    yield head + '\n    "results": ['
    for i, result in enumerate(run.results):
        item = json.dumps(to_dict(result), ensure_ascii=False, indent=2)
        yield ("," if i else "") + _ITEM_INDENT + item.replace("\n", _ITEM_INDENT)
    yield "\n    ],\n" + tail + "\n"


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that :func:`results_document` output satisfies."""
    text = resources.files("linkwatch.report").joinpath("results.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
