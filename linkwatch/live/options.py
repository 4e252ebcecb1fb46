"""The knobs of the live check; defaults in the spirit of InternetArchiveBot and LinkChecker."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from linkwatch.client import DEFAULT_USER_AGENT


@dataclasses.dataclass(frozen=True, slots=True)
class LiveOptions:
    """How the live stage fetches: limits, politeness, timeouts, retries.

    Defaults: 32 requests at once overall, at most 2 at a time per host, and
    0.5 s between the starts of two requests to one host: a report's sources
    often sit on a few government sites, which must not see a burst.
    """

    concurrency: int = 32
    per_host: int = 2
    host_interval: float = 0.5
    """Minimum seconds between the starts of two requests to one host."""
    timeout: float = 20.0
    """Total deadline for one request, seconds (connect + headers + capped body)."""
    retries: int = 2
    """Further attempts after a timeout, reset, 5xx or 429."""
    retry_backoff: float = 1.0
    """First backoff, seconds; doubled each attempt, with jitter."""
    max_retry_after: float = 60.0
    """A server's ``Retry-After`` is honoured up to this many seconds."""
    patience: float = 60.0
    """Seconds one URL may take in all: ``Retry-After`` waits, backoff and retries together.
    A retry that would end later is not made; the URL keeps its last status (``rate-limited``,
    ``timeout``, ``server-error`` …: inconclusive, checked again next run)."""
    max_bytes: int = 1 << 20
    """At most this much of a body is read (enough to fingerprint and judge)."""
    max_redirects: int = 10
    user_agent: str = DEFAULT_USER_AGENT
    ca_bundle: Path | None = None
    allow_private: bool = False
    method: str = "auto"
    """``auto``: HEAD first for files that look large (PDF, archives, media) and GET for pages;
    ``head``: HEAD first for every URL; ``get``: GET only."""
    probe: bool = True
    """Fetch a random sibling path per host and path shape to detect soft 404s."""
    doi_resolver: str = "https://doi.org"
    """Base of the DOI resolver and its handle API (``/api/handles/<doi>``)."""
    canary: str = ""
    """A URL that must answer for the run to count; when it fails at network level the
    run is inconclusive at once."""
    outage_fraction: float = 0.5
    """More than this share of hosts failing at DNS/connect level means the network is down."""
    http2: bool = True
    workers: int = 1
    """Processes to shard the check over, by host. 1 (the default) checks in this process:
    on two cores the extra processes cost more CPU and memory than they save
    (``docs/benchmarks.md``). 0: one per usable core (at most 4), or 1 when the run is small
    (under 200 URLs or a single host)."""

    def problems(self) -> list[str]:
        """What is wrong with these values, as ``--option: problem`` lines (empty when fine)."""
        out = []
        if self.concurrency < 1:
            out.append("--concurrency: must be at least 1")
        if self.workers < 0:
            out.append("--workers: must not be negative")
        if self.per_host < 1:
            out.append("--per-host: must be at least 1")
        if self.host_interval < 0:
            out.append("--host-interval: must not be negative")
        if self.timeout <= 0:
            out.append("--timeout: must be positive")
        if self.retries < 0:
            out.append("--retries: must not be negative")
        if self.patience <= 0:
            out.append("--patience: must be positive")
        if self.method not in ("auto", "head", "get"):
            out.append(f"--method: must be auto, head or get, not {self.method!r}")
        if self.max_bytes < 1024:
            out.append("max_bytes: must be at least 1024")
        if not 0 < self.outage_fraction <= 1:
            out.append("outage_fraction: must be in (0, 1]")
        if self.canary and not self.canary.startswith(("http://", "https://")):
            out.append(f"--canary: not an http(s) URL: {self.canary!r}")
        return out
