"""What the live stage hands back: each URL's :class:`Checked`, the :class:`LiveRun`, and the
small rules both the in-process stage (:mod:`linkwatch.live.run`) and the worker processes
(:mod:`linkwatch.live.workers`) apply to them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence, Set
from typing import Protocol

from linkwatch.compare.text import PageText
from linkwatch.live.options import LiveOptions
from linkwatch.live.urls import DOI_PREFIX, origin
from linkwatch.results import Fingerprint, LiveResult
from linkwatch.status import LiveStatus
from linkwatch.store.history import iso, utc_now

#: The start of the reason of a URL whose check met an unexpected exception.
INTERNAL_ERROR = "internal error"


@dataclasses.dataclass(frozen=True, slots=True)
class Previous:
    """What an earlier run saw of a URL, for conditional requests."""

    etag: str = ""
    last_modified: str = ""
    fingerprint: Fingerprint | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Checked:
    """One URL's live result and the validators to remember for next time."""

    live: LiveResult
    etag: str = ""
    last_modified: str = ""
    text: PageText | None = None
    """The page's main text, handed to ``on_result`` for change detection, then dropped."""


@dataclasses.dataclass(frozen=True, slots=True)
class LiveRun:
    """The outcome of the live stage."""

    results: dict[str, Checked]
    outage: str = ""
    """Why the network looks down (the run is then inconclusive), or ``""``."""
    hosts: int = 0
    network_failed_hosts: int = 0
    answered_hosts: frozenset[str] = frozenset()
    """Hosts that gave an HTTP answer."""
    net_failed_hosts: frozenset[str] = frozenset()
    """Hosts that failed at DNS or connect level and never answered."""
    workers: int = 1
    """The processes the stage ran in."""


OnResult = Callable[[Checked], None]


class PartOutcome(Protocol):
    """What one part of a run (a worker process, a fleet shard) saw of the network."""

    @property
    def outage(self) -> str: ...
    @property
    def answered(self) -> frozenset[str]: ...
    @property
    def net_failed(self) -> frozenset[str]: ...


def combine_parts(
    urls: Sequence[str],
    options: LiveOptions,
    results: dict[str, Checked],
    parts: Sequence[PartOutcome],
) -> LiveRun:
    """The run's live outcome from its parts': the outage is judged over all hosts at once,
    and a URL no part finished is ``not-checked``."""
    answered = frozenset().union(*(p.answered for p in parts))
    net_failed = frozenset().union(*(p.net_failed for p in parts)) - answered
    early = next((p.outage for p in parts if p.outage), "")
    outage = ""
    if early and not answered:
        outage = early
    elif looks_like_outage(net_failed, answered, options.outage_fraction):
        outage = (
            f"the network looks down: {len(net_failed)} of"
            f" {len(net_failed | answered)} hosts failed at DNS or connect level"
        )
    for url in urls:
        checked = results.get(url)
        if checked is None or (outage and checked.live.status is LiveStatus.NOT_CHECKED):
            results[url] = Checked(not_checked(url, outage or "the run stopped"))
    return LiveRun(
        results=results,
        outage=outage,
        hosts=len({host_of(u, options) for u in urls}),
        network_failed_hosts=len(net_failed),
        answered_hosts=answered,
        net_failed_hosts=net_failed,
        workers=len(parts),
    )


def host_of(url: str, options: LiveOptions) -> str:
    """The origin a URL's requests go to (a DOI's: the resolver's); an invalid URL is its own
    group (it is judged ``invalid-url`` where it is checked)."""
    if url.startswith(DOI_PREFIX):
        return origin(options.doi_resolver)
    try:
        return origin(url)
    except ValueError:
        return url


def looks_like_outage(net_failed: Set[str], answered: Set[str], fraction: float) -> bool:
    """Whether more than ``fraction`` of the hosts contacted failed at DNS or connect level."""
    contacted = net_failed | answered
    if not contacted or not net_failed:
        return False
    share = len(net_failed) / len(contacted)
    return share > fraction and (len(contacted) >= 3 or not answered)


def invalid_url(url: str, problem: str) -> LiveResult:
    """The result of a URL that cannot be fetched, naming the problem."""
    return _unfetched(url, LiveStatus.INVALID_URL, problem)


def internal_error(exc: BaseException) -> str:
    """How an unexpected exception is named in a result's reason."""
    return f"{INTERNAL_ERROR} ({type(exc).__name__}: {exc})"


def is_internal_error(live: LiveResult) -> bool:
    """Whether ``live`` is a URL left unchecked by a fault in linkwatch itself."""
    return live.status is LiveStatus.NOT_CHECKED and live.reason.startswith(
        f"not checked: {INTERNAL_ERROR}"
    )


def _unfetched(url: str, status: LiveStatus, reason: str) -> LiveResult:
    return LiveResult(url=url, status=status, reason=reason, checked_at=iso(utc_now()))


def not_checked(url: str, why: str) -> LiveResult:
    """The result of a URL the run did not reach, saying why."""
    return _unfetched(url, LiveStatus.NOT_CHECKED, f"not checked: {why}")
