"""Every citation's results.json entry carries an archive and a change object, never null."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.records import Citation, write_citations
from linkwatch.report import schema
from tests.web import LocalWeb


def test_skipped_archives_and_comparison_are_not_checked_objects(
    tmp_path: Path, local_web: LocalWeb
) -> None:
    csv = tmp_path / "citations.csv"
    write_citations(
        csv,
        [
            Citation(id="alive", url=local_web.url("ok-html")),
            Citation(id="dead", url=local_web.url("gone-410")),
            Citation(id="typo", url="http://127.0.0.1:99999/"),
            Citation(id="unlinked", source="Xinhua", date="2023-01-01"),
        ],
    )
    result = CliRunner().invoke(
        app, ["check", str(csv), "--no-archive", "--allow-private", "--json", "-q"]
    )
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(schema()).validate(document)
    by_id = {r["citation"]["id"]: r for r in document["run"]["results"]}
    for cid, r in by_id.items():
        assert r["archive"]["status"] == "not-checked", cid
        assert r["change"]["status"] == "not-checked", cid
        assert r["archive"]["reason"] and r["change"]["reason"], cid
    assert "--no-archive" in by_id["alive"]["archive"]["reason"]
    assert "no URL" in by_id["unlinked"]["archive"]["reason"]
    assert "not fetched" in by_id["dead"]["change"]["reason"]
    assert document["summary"]["archive"]["not-checked"] == 4
    assert document["summary"]["change"]["not-checked"] == 4
