"""Result records survive the JSON round trip unchanged."""

from __future__ import annotations

import json

from linkwatch.records import Citation
from linkwatch.results import (
    ArchiveResult,
    Capture,
    ChangeResult,
    CitationResult,
    Fingerprint,
    LiveResult,
    RunResult,
    from_dict,
    to_dict,
)
from linkwatch.status import ArchiveStatus, ChangeStatus, LiveStatus, Verdict


def test_run_result_round_trips_through_json() -> None:
    run = RunResult(
        run_id="20240301T000000Z",
        started_at="2024-03-01T00:00:00Z",
        results=(
            CitationResult(
                citation=Citation(id="c1", source="Xinhua", date="2023-10-27", url="http://a/"),
                verdict=Verdict.AT_RISK,
                action="archive it now",
                live=LiveResult(
                    url="http://a/",
                    status=LiveStatus.REDIRECTED,
                    redirects=("http://a/", "http://a/b"),
                    http_status=200,
                    fingerprint=Fingerprint(payload_sha1="ABC", words=3),
                ),
                archive=ArchiveResult(
                    status=ArchiveStatus.ARCHIVED,
                    capture=Capture(
                        archive="ia", url="http://w/1/a", original="http://a/", timestamp="2023"
                    ),
                ),
                change=ChangeResult(status=ChangeStatus.CHANGED, similarity=0.5),
            ),
            CitationResult(citation=Citation(id="c2"), verdict=Verdict.UNLINKED),
        ),
    )
    text = json.dumps(to_dict(run))
    back = from_dict(RunResult, json.loads(text))
    assert back == run
    assert json.loads(text)["results"][0]["live"]["status"] == "redirected"
