"""A distributed run's plan: shards of whole hosts, payloads that round-trip, one outage verdict."""

from __future__ import annotations

from pathlib import Path

from linkwatch.archives.config import ArchiveOptions
from linkwatch.fleet.plan import (
    ShardOutcome,
    combine,
    options_json,
    plan_digest,
    read_options,
    read_payload,
    shard_payload,
    shard_urls,
)
from linkwatch.fleet.worker import backoff_delays
from linkwatch.live.options import LiveOptions
from linkwatch.live.outcome import Checked, Previous, host_of
from linkwatch.records import Citation
from linkwatch.results import Fingerprint, LiveResult
from linkwatch.status import LiveStatus

OPTIONS = LiveOptions()


def _urls(hosts: int, per_host: int) -> list[str]:
    return [f"http://h{h}.example/p{n}" for h in range(hosts) for n in range(per_host)]


def test_every_host_lands_in_exactly_one_shard() -> None:
    urls = _urls(7, 5) + _urls(1, 40)
    shards = shard_urls(urls, OPTIONS, 10)
    assert sorted(u for s in shards for u in s) == sorted(urls)
    owners: dict[str, set[int]] = {}
    for i, part in enumerate(shards):
        for url in part:
            owners.setdefault(host_of(url, OPTIONS), set()).add(i)
    assert all(len(o) == 1 for o in owners.values())


def test_shard_count_follows_the_size_but_never_splits_a_host() -> None:
    assert len(shard_urls(_urls(20, 10), OPTIONS, 50)) == 4
    assert len(shard_urls(_urls(2, 100), OPTIONS, 10)) == 2
    assert len(shard_urls(_urls(3, 1), OPTIONS, 500)) == 1
    assert shard_urls([], OPTIONS, 10) == []


def test_payload_round_trips_citations_and_validators() -> None:
    url = "http://a.example/x"
    citation = Citation(id="c1", url=url, date="2021-03-15", context="said so")
    fp = Fingerprint(payload_sha1="ab", text_simhash="0f", title="T", length=3, words=1)
    previous = {url: Previous(etag='"e"', last_modified="Tue", fingerprint=fp)}
    urls, citations, prev = read_payload(
        shard_payload([url, "http://b.example/"], {url: [citation]}, previous)
    )
    assert urls == [url, "http://b.example/"]
    assert citations == {url: [citation], "http://b.example/": []}
    assert prev == previous


def test_options_round_trip_with_a_ca_bundle_and_one_process_per_worker() -> None:
    live = LiveOptions(per_host=3, ca_bundle=Path("/etc/ca.pem"), workers=4, allow_private=True)
    archives = ArchiveOptions(window_days=30)
    back_live, back_archives = read_options(options_json(live, archives))
    assert back_live.ca_bundle == Path("/etc/ca.pem")
    assert (back_live.per_host, back_live.allow_private, back_live.workers) == (3, True, 1)
    assert back_archives == archives


def test_plan_digest_changes_with_the_shards_or_the_options() -> None:
    a = plan_digest([["u1", "u2"], ["u3"]], "{}")
    assert a == plan_digest([["u1", "u2"], ["u3"]], "{}")
    assert a != plan_digest([["u1"], ["u2", "u3"]], "{}")
    assert a != plan_digest([["u1", "u2"], ["u3"]], '{"x": 1}')


def _checked(url: str, status: LiveStatus, code: int | None = None) -> Checked:
    return Checked(LiveResult(url=url, status=status, http_status=code))


def test_outage_is_judged_over_the_hosts_of_every_shard() -> None:
    urls = [f"http://h{n}.example/" for n in range(4)]
    # Each shard alone saw one failing host of two; together three of four failed.
    results = {
        urls[0]: _checked(urls[0], LiveStatus.OK, 200),
        urls[1]: _checked(urls[1], LiveStatus.DNS_ERROR),
        urls[2]: _checked(urls[2], LiveStatus.DNS_ERROR),
        urls[3]: _checked(urls[3], LiveStatus.CONNECTION_ERROR),
    }
    outcomes = [
        ShardOutcome(
            answered=frozenset({"http://h0.example"}), net_failed=frozenset({"http://h1.example"})
        ),
        ShardOutcome(net_failed=frozenset({"http://h2.example", "http://h3.example"})),
    ]
    run = combine(urls, OPTIONS, dict(results), outcomes)
    assert run.outage.startswith("the network looks down: 3 of 4 hosts")
    assert run.workers == 2
    calm = combine(urls, OPTIONS, dict(results), outcomes[:1])
    assert calm.outage == ""


def test_a_url_no_shard_reported_is_not_checked() -> None:
    run = combine(["http://a.example/"], OPTIONS, {}, [ShardOutcome()])
    assert run.results["http://a.example/"].live.status is LiveStatus.NOT_CHECKED


def test_outcome_round_trips_through_json() -> None:
    outcome = ShardOutcome("down", frozenset({"a"}), frozenset({"b", "c"}))
    assert ShardOutcome.from_json(outcome.to_json()) == outcome
    assert ShardOutcome.from_json("") == ShardOutcome()


def test_worker_backoff_doubles_up_to_a_minute() -> None:
    assert backoff_delays() == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0]
