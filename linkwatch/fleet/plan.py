"""A distributed run's plan: shards of whole hosts, what each carries, and how outcomes combine.

Every host's URLs go to one shard, so one worker checks a host and the
per-host limits (``--per-host``, ``--host-interval``) hold across the fleet as in
one process. Shards are balanced by URL count (largest hosts first).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from linkwatch.archives.config import ArchiveOptions
from linkwatch.live import Checked, LiveRun, Previous
from linkwatch.live.options import LiveOptions
from linkwatch.live.outcome import combine_parts, host_of
from linkwatch.live.workers import shard
from linkwatch.records import Citation
from linkwatch.results import Fingerprint, from_dict, to_dict

#: URLs per job when not told otherwise: large enough that a job's fixed cost
#: (a connection, one transaction) is small beside its checks, small enough that a
#: worker killed mid-job loses little and four workers each get several jobs.
DEFAULT_SHARD_URLS = 500


@dataclasses.dataclass(frozen=True, slots=True)
class ShardOutcome:
    """What one shard saw of the network, for the run's outage verdict."""

    outage: str = ""
    answered: frozenset[str] = frozenset()
    net_failed: frozenset[str] = frozenset()

    def to_json(self) -> str:
        """The outcome as stored in ``fleet_shards.outcome_json``."""
        return json.dumps(
            {
                "outage": self.outage,
                "answered": sorted(self.answered),
                "net_failed": sorted(self.net_failed),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> ShardOutcome:
        """An outcome read back from ``fleet_shards.outcome_json`` (empty text: none)."""
        data = json.loads(text) if text else {}
        return cls(
            outage=str(data.get("outage", "")),
            answered=frozenset(data.get("answered", ())),
            net_failed=frozenset(data.get("net_failed", ())),
        )


def shard_urls(urls: Sequence[str], options: LiveOptions, size: int) -> list[list[str]]:
    """``urls`` in shards of whole hosts, about ``size`` URLs each (at most one per host)."""
    if not urls:
        return []
    hosts = len({host_of(u, options) for u in urls})
    count = max(1, min(hosts, math.ceil(len(urls) / max(1, size))))
    return shard(urls, options, count)


def shard_payload(
    urls: Sequence[str],
    citations: Mapping[str, Sequence[Citation]],
    previous: Mapping[str, Previous],
) -> str:
    """What a worker needs for one shard: each URL, its citations and its validators."""
    items = []
    for url in urls:
        prev = previous.get(url)
        items.append(
            {
                "url": url,
                "citations": [to_dict(c) for c in citations.get(url, ())],
                "previous": None if prev is None else to_dict(prev),
            }
        )
    return json.dumps(items, ensure_ascii=False)


def read_payload(
    text: str,
) -> tuple[list[str], dict[str, list[Citation]], dict[str, Previous]]:
    """A shard's URLs, citations by URL and validators by URL, from :func:`shard_payload`."""
    urls: list[str] = []
    citations: dict[str, list[Citation]] = {}
    previous: dict[str, Previous] = {}
    for item in json.loads(text):
        url = item["url"]
        urls.append(url)
        citations[url] = [from_dict(Citation, c) for c in item["citations"]]
        if item["previous"] is not None:
            p = item["previous"]
            fp = p.get("fingerprint")
            previous[url] = Previous(
                etag=p.get("etag", ""),
                last_modified=p.get("last_modified", ""),
                fingerprint=None if fp is None else from_dict(Fingerprint, fp),
            )
    return urls, citations, previous


def options_json(live: LiveOptions, archives: ArchiveOptions) -> str:
    """The options every worker applies to a run's shards."""
    data: dict[str, Any] = {"live": to_dict(live), "archives": to_dict(archives)}
    if live.ca_bundle is not None:
        data["live"]["ca_bundle"] = str(live.ca_bundle)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def read_options(text: str) -> tuple[LiveOptions, ArchiveOptions]:
    """The live and archive options stored by :func:`options_json`."""
    data = json.loads(text)
    live = from_dict(LiveOptions, data["live"])
    if live.ca_bundle is not None:
        live = dataclasses.replace(live, ca_bundle=Path(str(live.ca_bundle)))
    # A worker checks its shard in its own process: no further worker processes.
    live = dataclasses.replace(live, workers=1)
    return live, from_dict(ArchiveOptions, data["archives"])


def plan_digest(shards: Sequence[Sequence[str]], options: str) -> str:
    """A digest of the shards and options: a rerun resumes a run only when they are the same."""
    h = hashlib.sha256(options.encode())
    for part in shards:
        h.update(b"\x00".join(u.encode() for u in part))
        h.update(b"\x01")
    return h.hexdigest()


def combine(
    urls: Sequence[str],
    options: LiveOptions,
    results: dict[str, Checked],
    outcomes: Sequence[ShardOutcome],
) -> LiveRun:
    """The run's live outcome from every shard's: the outage judged over all hosts at once."""
    return combine_parts(urls, options, results, outcomes)
