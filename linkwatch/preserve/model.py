"""What preserving a URL produced: the closed vocabulary and the result record."""

from __future__ import annotations

import dataclasses
import enum

from linkwatch.status import Verdict


class PreserveStatus(enum.StrEnum):
    """The outcome of asking one target to keep one URL."""

    SAVED = "saved"
    """A new capture was made and confirmed by a lookup."""
    RECENT = "recent"
    """The target already held a recent capture (confirmed by a lookup); nothing new was made."""
    PENDING = "pending"
    """A capture job was submitted and has not finished; the next run resumes it."""
    UNCONFIRMED = "unconfirmed"
    """The target said it succeeded but a lookup has not found the capture yet."""
    RETRY_LATER = "retry-later"
    """Retryable errors outlasted the retries (session limit, busy browsers, 429)."""
    FAILED = "failed"
    """A final error (blocked URL, not found, invalid host): not worth asking again."""
    UNREACHABLE = "unreachable"
    """The target could not be reached at all (network down, wrong endpoint)."""
    SKIPPED = "skipped"
    """Not requested on purpose (a private address, not an http(s) URL)."""


#: Outcomes that need no further request.
DONE = frozenset({PreserveStatus.SAVED, PreserveStatus.RECENT})

#: Outcomes that the next run picks up again without submitting a new job.
RESUMABLE = frozenset({PreserveStatus.PENDING, PreserveStatus.UNCONFIRMED})


class Target(enum.StrEnum):
    """Kinds of preservation target."""

    WAYBACK = "wayback"
    """The Wayback Machine's Save Page Now 2."""
    WARC = "warc"
    """Local WARC files (and a CDXJ index) written by linkwatch itself."""
    RECORD = "record"
    """A self-hosted pywb collection in record mode."""


@dataclasses.dataclass(frozen=True, slots=True)
class PreserveResult:
    """One target's answer for one URL."""

    target: str
    """The target's name: ``wayback``, ``warc`` or a self-hosted archive's name."""
    url: str
    status: PreserveStatus
    reason: str = ""
    capture_url: str = ""
    """Where a reader can open the capture (a replay URL, or a WARC file path)."""
    timestamp: str = ""
    """14 digits, UTC."""
    job_id: str = ""

    @property
    def done(self) -> bool:
        """True when the capture exists and was confirmed."""
        return self.status in DONE


#: Verdicts preserved when ``--only`` is not given.
DEFAULT_VERDICTS: frozenset[Verdict] = frozenset({Verdict.AT_RISK, Verdict.DRIFTED})
