"""results.json: the versioned document validates against the JSON Schema in the package."""

from __future__ import annotations

import dataclasses
import json
import typing

import jsonschema
import pytest

from linkwatch.records import Citation
from linkwatch.report.jsondoc import render_json, results_document, schema
from linkwatch.results import (
    SCHEMA_VERSION,
    ArchiveResult,
    Capture,
    ChangeResult,
    CitationResult,
    Fingerprint,
    LiveResult,
    RunResult,
    from_dict,
)

from .samples import every_verdict_run


def test_document_validates_against_the_shipped_schema() -> None:
    doc = json.loads(render_json(every_verdict_run(), every_verdict_run("r0")))
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.Draft202012Validator(schema()).validate(doc)
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["summary"]["verdicts"]["at-risk"] == 2


def test_schema_rejects_a_word_outside_the_vocabulary() -> None:
    doc = results_document(every_verdict_run())
    doc["run"]["results"][0]["verdict"] = "dead"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema()).validate(doc)


def test_run_comes_back_unchanged_from_the_document() -> None:
    run = every_verdict_run()
    doc = json.loads(render_json(run))
    assert from_dict(RunResult, doc["run"]) == run


_SCHEMA_DEFS = {
    Citation: "citation",
    Fingerprint: "fingerprint",
    LiveResult: "live",
    Capture: "capture",
    ArchiveResult: "archive",
    ChangeResult: "change",
    CitationResult: "citationResult",
    RunResult: "run",
}


@pytest.mark.parametrize("cls", list(_SCHEMA_DEFS), ids=lambda c: c.__name__)
def test_schema_documents_every_result_field(cls: type) -> None:
    props = schema()["$defs"][_SCHEMA_DEFS[cls]]["properties"]
    fields = {f.name for f in dataclasses.fields(cls)}
    missing = fields - set(props)
    assert not missing, f"results.schema.json does not describe {cls.__name__} fields {missing}"
    assert set(props) <= fields, f"schema describes fields {cls.__name__} no longer has"
    assert typing.get_type_hints(cls)
