"""CDX answers (Wayback JSON array, pywb JSON lines) and the bulk availability API."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from linkwatch.archives.wayback import (
    CdxFormatError,
    availability_body,
    parse_availability,
    parse_cdx,
)

IA_CDX = json.dumps(
    [
        ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
        ["test,x)/p", "20231101000000", "http://x.test/p", "text/html", "404", "B", "10"],
        ["test,x)/p", "20231020100000", "http://x.test/p", "text/html", "200", "A", "10"],
        ["test,x)/p", "20231025000000", "http://x.test/p", "warc/revisit", "-", "A", "10"],
    ]
)
PYWB_CDX = (
    '{"urlkey": "test,x)/p", "timestamp": "20231020100000", "url": "http://x.test/p",'
    ' "mime": "text/html", "status": "200", "digest": "A"}\n'
    '{"urlkey": "test,x)/p", "timestamp": "20231001100000", "url": "http://x.test/p",'
    ' "mime": "text/html", "status": "301", "digest": "C"}\n'
)


def test_wayback_cdx_array_gives_statuses_and_digests_sorted() -> None:
    mementos = parse_cdx(IA_CDX, "https://wb.test/web/")
    assert [(m.timestamp, m.status, m.digest) for m in mementos] == [
        ("20231020100000", 200, "A"),
        # The revisit repeats capture A, so it has A's status.
        ("20231025000000", 200, "A"),
        ("20231101000000", 404, "B"),
    ]
    assert mementos[0].url == "https://wb.test/web/20231020100000/http://x.test/p"


def test_pywb_cdx_json_lines_are_understood() -> None:
    mementos = parse_cdx(PYWB_CDX, "http://a.test/lw/")
    assert [(m.timestamp, m.status, m.mimetype) for m in mementos] == [
        ("20231001100000", 301, "text/html"),
        ("20231020100000", 200, "text/html"),
    ]


def test_empty_cdx_answers_mean_no_captures() -> None:
    assert parse_cdx("", "r/") == []
    assert parse_cdx("[]", "r/") == []


def test_garbled_cdx_answer_raises_format_error() -> None:
    with pytest.raises(CdxFormatError):
        parse_cdx("<html>Too Many Requests</html>", "r/")


def test_availability_bulk_body_has_one_line_per_url() -> None:
    body = availability_body(
        [("0", "http://x.test/p?a=1", "20231020"), ("1", "http://y.test/", "")]
    )
    lines = body.split("\n")
    assert len(lines) == 2
    assert parse_qs(lines[0]) == {
        "url": ["http://x.test/p?a=1"],
        "timestamp": ["20231020"],
        "tag": ["0"],
        "closest": ["before"],
        "status_code": ["200"],
    }


def test_availability_answer_maps_tags_to_closest_captures() -> None:
    answer = {
        "results": [
            {
                "url": "http://x.test/p",
                "tag": "0",
                "archived_snapshots": {
                    "closest": {
                        "available": True,
                        "url": "http://wb.test/web/20231020100000/http://x.test/p",
                        "timestamp": "20231020100000",
                        "status": "200",
                    }
                },
            },
            {"url": "http://y.test/", "tag": "1", "archived_snapshots": {}},
        ]
    }
    parsed = parse_availability(json.dumps(answer))
    first = parsed["0"]
    assert first is not None and (first.timestamp, first.status) == ("20231020100000", 200)
    assert parsed["1"] is None
