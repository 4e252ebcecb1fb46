"""The settings of ``linkwatch archive`` as a config file or the command line gives them.

A config file holds them in an ``[archive]`` table (or at its top level, like
every other key); :meth:`PreserveSettings.options` checks them and builds the
:class:`~linkwatch.preserve.run.ArchiveOptions` a run uses. Keys for Save Page
Now are never among them: they come from the environment only.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING

from linkwatch.errors import InputError
from linkwatch.preserve.model import DEFAULT_VERDICTS, Target
from linkwatch.status import Verdict

if TYPE_CHECKING:
    from linkwatch.preserve.run import ArchiveOptions
    from linkwatch.preserve.spn import IAKeys

#: An SPN2 ``if_not_archived_within`` value: seconds, or parts like ``3d 5h 20m``.
_WITHIN = re.compile(r"^\s*(?:\d+|(?:\d+\s*[dhms]\s*)+)\s*$", re.IGNORECASE)


@dataclasses.dataclass(frozen=True, slots=True)
class PreserveSettings:
    """What ``linkwatch archive`` may be told besides ``--ids`` and ``--dry-run``."""

    to: tuple[str, ...] = (Target.WAYBACK.value, Target.WARC.value)
    """Where copies go: ``wayback``, ``warc``, or a name from ``record_archives``."""
    only: tuple[Verdict, ...] = tuple(sorted(DEFAULT_VERDICTS))
    """The verdicts whose citations are preserved."""
    warc: Path | None = None
    """Folder for WARC copies (default: ``warc/`` beside the citations file)."""
    wacz: bool = False
    """Also package the WARC copies as ``archive.wacz``."""
    wayback_url: str = "https://web.archive.org"
    """Base URL of the Wayback Machine (Save Page Now, CDX and replay hang off it)."""
    record_archives: dict[str, str] = dataclasses.field(default_factory=dict)
    """Self-hosted archives in record mode: name → pywb ``record/`` root."""
    allow_private: bool = False
    """Allow preserving pages on loopback and private addresses."""
    poll_interval: float = 6.0
    """Seconds between polls of a Save Page Now job."""
    if_not_archived_within: str = "30d"
    """Save Page Now returns a capture this recent instead of making a new one ("": never)."""

    def options(
        self,
        *,
        ids: tuple[str, ...] = (),
        dry_run: bool = False,
        keys: IAKeys | None = None,
    ) -> ArchiveOptions:
        """The options of an ``archive`` run; raises :class:`InputError` naming a bad setting."""
        # Imported here: reading a config file must not load the archiving machinery.
        from linkwatch.preserve.record import RecordTarget
        from linkwatch.preserve.run import ArchiveOptions
        from linkwatch.preserve.spn import SpnOptions

        targets = tuple(dict.fromkeys(t.strip() for t in self.to if t.strip()))
        if not targets:
            raise InputError("--to: name at least one target")
        if self.wacz and Target.WARC.value not in targets:
            raise InputError("--wacz needs warc in --to")
        if self.poll_interval < 0:
            raise InputError(f"--poll-interval: {self.poll_interval:g} is negative")
        if self.if_not_archived_within and not _WITHIN.match(self.if_not_archived_within):
            raise InputError(
                f"--if-not-archived-within: {self.if_not_archived_within!r} is not a duration"
                " like 30d, 12h 30m or 3600"
            )
        if not self.wayback_url.startswith(("http://", "https://")):
            raise InputError(f"--wayback-url: {self.wayback_url!r} is not an http(s) URL")
        records = []
        for name, url in self.record_archives.items():
            if not name or not url.startswith(("http://", "https://")):
                raise InputError(f"--record-archive: {name}={url!r} is not NAME=http(s)://URL")
            if name in (Target.WAYBACK.value, Target.WARC.value):
                raise InputError(f"--record-archive: {name!r} is a built-in target name")
            records.append(RecordTarget(name, url))
        known = {Target.WAYBACK.value, Target.WARC.value, *self.record_archives}
        unknown = [t for t in targets if t not in known]
        if unknown:
            raise InputError(
                f"--to: unknown target {unknown[0]!r} (wayback, warc, or a --record-archive name)"
            )
        return ArchiveOptions(
            targets=targets,
            verdicts=frozenset(self.only),
            ids=ids,
            warc_dir=self.warc,
            wacz=self.wacz,
            dry_run=dry_run,
            allow_private=self.allow_private,
            spn=SpnOptions(
                endpoint=self.wayback_url,
                keys=keys,
                if_not_archived_within=self.if_not_archived_within.strip(),
                poll_interval=self.poll_interval,
            ),
            record_targets=tuple(records),
        )


def parse_record_archive(spec: str) -> tuple[str, str]:
    """``NAME=URL`` of ``--record-archive`` as a pair; raises :class:`InputError` when malformed."""
    name, sep, url = spec.partition("=")
    name, url = name.strip(), url.strip()
    if not sep or not name or not url.startswith(("http://", "https://")):
        raise InputError(f"--record-archive: {spec!r} is not NAME=http(s)://URL")
    return name, url
