"""The one exception hierarchy of linkwatch, and the exit codes the CLI maps it to.

An exception means linkwatch itself could not do its job (bad input, a locked
database, a broken configuration). A dead link is *not* an exception: it is a
result carrying a status from :mod:`linkwatch.status`.

::

    LinkwatchError
    ├── InputError            bad input a person can fix (exit 2)
    │   ├── ReportError       a report file cannot be read or decoded
    │   ├── CitationsFileError  citations.csv is missing columns or malformed
    │   ├── OutputError       an output path cannot be written
    │   └── ConfigError       linkwatch.toml / [tool.linkwatch] is invalid
    ├── StoreError            the store failed (exit 2)
    │   └── StoreLockedError  another run holds the database
    ├── NetworkError          a network component failed as a whole
    └── BlockedAddressError   a URL resolves to a private/loopback address (not fetched)
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Process exit codes; cron and CI read these."""

    OK = 0
    """Nothing wrong was found."""
    PROBLEMS = 1
    """The run found problems (by default: lost or drifted sources)."""
    USAGE = 2
    """Usage or input error: nothing was checked."""
    INCONCLUSIVE = 3
    """The run could not judge (the network looks down, or it was interrupted)."""


class LinkwatchError(Exception):
    """Base class of every error linkwatch raises on purpose."""

    exit_code: ExitCode = ExitCode.USAGE


class InputError(LinkwatchError):
    """Input a person can fix: a file, a path, an option value."""


class ReportError(InputError):
    """A report cannot be read: missing, a directory, empty, binary or undecodable."""


class CitationsFileError(InputError):
    """A citations.csv is malformed (missing columns, bad header, unreadable)."""


class OutputError(InputError):
    """An output path cannot be written."""


class ConfigError(InputError):
    """The configuration file is invalid (an unknown key, a wrong type)."""


class StoreError(LinkwatchError):
    """The store (SQLite or PostgreSQL) cannot be opened, reached, migrated or written."""


class StoreLockedError(StoreError):
    """Another linkwatch run holds the store's lock."""


class NetworkError(LinkwatchError):
    """A network component failed as a whole (not a single URL's failure)."""

    exit_code = ExitCode.INCONCLUSIVE


class BlockedAddressError(LinkwatchError):
    """A URL's host resolves to a loopback, private, link-local or multicast address.

    Raised by the HTTP client's connect-time guard unless private addresses
    were allowed; the live check reports such URLs as ``skipped``.
    """
