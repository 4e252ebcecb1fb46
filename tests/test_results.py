"""Result records survive the JSON round trip unchanged."""

from __future__ import annotations

import dataclasses
import json
import pickle
import sys

import pytest

from linkwatch.records import Citation
from linkwatch.results import (
    ArchiveResult,
    Capture,
    ChangeResult,
    CitationResult,
    Fingerprint,
    HeldLives,
    HeldResults,
    HeldRow,
    LiveResult,
    RunResult,
    from_dict,
    judged,
    to_dict,
    with_status_objects,
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


def _distinct_values(cls: type, seed: int) -> dict[str, object]:
    """A value for every field of ``cls`` that differs from its default (and by ``seed``)."""
    values: dict[str, object] = {}
    for field in dataclasses.fields(cls):
        default = field.default
        if field.name == "status":
            values[field.name] = list(LiveStatus)[seed % len(LiveStatus)]
        elif field.name == "fingerprint":
            values[field.name] = Fingerprint(**_distinct_values(Fingerprint, seed))  # type: ignore[arg-type]
        elif isinstance(default, bool):
            values[field.name] = not default
        elif isinstance(default, int) or field.name == "http_status":
            values[field.name] = 1000 + seed
        elif isinstance(default, tuple):
            values[field.name] = (f"http://r{seed}/", f"http://r{seed}/b")
        else:
            values[field.name] = f"{field.name} {seed} 是"
    return values


def test_a_packed_live_result_comes_back_equal_in_every_field() -> None:
    # Every field is given a value of its own, so a field left out of the packing (a new
    # one, say) fails here.
    held = HeldLives()
    lives = [LiveResult(**_distinct_values(LiveResult, n)) for n in range(12)]  # type: ignore[arg-type]
    lives.append(LiveResult(url="http://a/", status=LiveStatus.OK))
    lives.append(LiveResult(url="http://b/", status=LiveStatus.OK, final_url="http://b/"))
    blobs = [held.pack(live) for live in lives]
    for live, blob in zip(lives, blobs, strict=True):
        back = held.unpack(live.url, blob)
        assert back == live
        for field in dataclasses.fields(LiveResult):
            assert getattr(back, field.name) == getattr(live, field.name), field.name


def test_a_packed_live_result_is_smaller_and_keeps_repeated_values_once() -> None:
    held = HeldLives()
    url = "http://127.0.10.1:8080/p/1.html"
    fingerprint = Fingerprint(
        payload_sha1="A" * 32,
        text_simhash="0123456789abcdef",
        title="A page title of some forty characters",
        content_type="text/html; charset=utf-8",
        length=300,
        words=30,
    )
    live = LiveResult(
        url=url,
        status=LiveStatus.OK,
        reason="GET 200",
        http_status=200,
        final_url=url,
        checked_at="2026-12-05T18:00:00Z",
        fingerprint=fingerprint,
    )
    objects = sum(
        sys.getsizeof(o) for o in (live, fingerprint, fingerprint.payload_sha1, fingerprint.title)
    ) + sys.getsizeof(fingerprint.text_simhash)
    blob = held.pack(live)
    assert sys.getsizeof(blob) < objects / 2
    other = dataclasses.replace(live, url=url + "?2", final_url=url + "?2")
    first, second = held.unpack(url, blob), held.unpack(other.url, held.pack(other))
    assert first.reason is second.reason and first.checked_at is second.checked_at
    assert first.fingerprint is not None and second.fingerprint is not None
    assert first.fingerprint.content_type is second.fingerprint.content_type
    assert second.final_url is other.url  # given back, not packed


def _held_results() -> tuple[HeldResults, tuple[CitationResult, ...]]:
    held = HeldLives()
    rows: list[HeldRow] = []
    plain = []
    for n in range(5):
        citation = Citation(id=f"c{n}", url=f"http://h/{n}")
        live = LiveResult(url=citation.url, status=LiveStatus.OK, reason="GET 200")
        kept: LiveResult | bytes | None = held.pack(live) if n % 2 else live
        if n == 4:
            kept, live = None, None  # type: ignore[assignment]
        archive = ArchiveResult(status=ArchiveStatus.NOT_CHECKED, reason="off")
        rows.append((citation, Verdict.HEALTHY, "none", kept, citation.url, archive, None))
        plain.append(CitationResult(citation, Verdict.HEALTHY, "none", live, archive, None))
    return HeldResults(rows, held), tuple(plain)


def test_held_results_read_like_the_tuple_of_the_same_results() -> None:
    results, plain = _held_results()
    assert len(results) == 5
    assert list(results) == list(plain)
    assert results[1] == plain[1] and results[-1] == plain[-1]
    assert results[1:3] == plain[1:3] and isinstance(results[1:3], tuple)
    assert results == plain and plain == results
    assert results != plain[:4] and results != "text"
    assert hash(results) == hash(plain)
    assert plain[3] in results and results.index(plain[3]) == 3
    with pytest.raises(IndexError):
        results[5]
    run = RunResult(run_id="r", started_at="s", results=results)
    assert run == dataclasses.replace(run, results=plain)
    assert to_dict(run) == to_dict(dataclasses.replace(run, results=plain))
    assert from_dict(RunResult, json.loads(json.dumps(to_dict(run)))) == run
    assert pickle.loads(pickle.dumps(run)) == run


def test_citations_and_verdicts_read_from_held_results_without_rebuilding_them() -> None:
    results, plain = _held_results()
    assert list(judged(results)) == list(judged(plain)) == [(r.citation, r.verdict) for r in plain]
    held = HeldLives()
    live = LiveResult(
        url="http://a/", status=LiveStatus.NOT_FOUND, reason="GET 404", checked_at="2026-01-02"
    )
    blob = held.pack(live)
    assert held.extra(blob) == ()
    with_validators = held.pack(live, '"v1"', "Wed, 21 Oct 2015 07:28:00 GMT")
    assert held.unpack(live.url, with_validators) == live
    assert held.extra(with_validators) == ('"v1"', "Wed, 21 Oct 2015 07:28:00 GMT")
    assert held.fields(with_validators, "status") == (LiveStatus.NOT_FOUND,)
    assert held.fields(blob, "status", "checked_at", "reason") == (
        LiveStatus.NOT_FOUND,
        "2026-01-02",
        "GET 404",
    )


def test_held_results_get_not_checked_status_objects_only_where_none_is_held() -> None:
    results, plain = _held_results()
    run = RunResult(run_id="r", started_at="s", results=results)
    filled = with_status_objects(run)
    assert all(r.change is not None for r in filled.results)
    assert list(filled.results) == [
        dataclasses.replace(r, change=filled.results[i].change) for i, r in enumerate(plain)
    ]
    whole = dataclasses.replace(run, results=filled.results)
    assert with_status_objects(whole) is whole
    # Held rows that all have both are taken as they are, without rebuilding anything.
    change = ChangeResult(status=ChangeStatus.NOT_CHECKED, reason="off")
    rows: list[HeldRow] = [(*row[:6], change) for row in results._rows]
    held = RunResult(run_id="r", started_at="s", results=HeldResults(rows, results._lives))
    assert with_status_objects(held) is held
