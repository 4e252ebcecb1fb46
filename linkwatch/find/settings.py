"""The settings of ``linkwatch find``: defaults, then the config file, then the command line."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from linkwatch.archives.config import ArchiveOptions, parse_archive_option
from linkwatch.errors import ConfigError, InputError
from linkwatch.find.outlets import OutletRegistry, load_registry


@dataclasses.dataclass(frozen=True, slots=True)
class FindSettings:
    """The options of ``linkwatch find``: the ``[find]`` table of a config file."""

    top: int = 3
    """Candidates proposed per citation."""
    window: int = 1
    """Days before and after the citation date whose captures are considered."""
    fetch_limit: int = 40
    """Captures fetched and read per citation at most (the archive's replay budget applies)."""
    page_size: int = 1000
    """Index rows asked for per request."""
    max_pages: int = 5
    """Index requests per outlet domain and date range at most."""
    accept_above: float | None = None
    """Write the best candidate's URL into the citation when it scores at least this."""
    outlets_file: Path | None = None
    """A TOML file of outlets to add to (or override in) the shipped registry."""


@dataclasses.dataclass(frozen=True, slots=True)
class FindCommandSettings:
    """What a config file may say for ``find``: ``[find]`` and the ``[outlets]`` table."""

    find: FindSettings = dataclasses.field(default_factory=FindSettings)
    outlets: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Outlets to add to the registry, in the registry's format."""


@dataclasses.dataclass(frozen=True, slots=True)
class FindSetup:
    """Everything a ``find`` run needs, resolved."""

    citations: Path
    archives: ArchiveOptions
    settings: FindSettings
    registry: OutletRegistry
    user_agent: str
    """The User-Agent of ``check`` (``user-agent`` in the config file)."""


def resolve_find(
    citations: Path | None,
    config_path: Path | None,
    given: Mapping[str, Any],
    archive_specs: Sequence[str],
    archive_only: bool,
) -> FindSetup:
    """Build the run's settings; ``given`` holds the :class:`FindSettings` fields set on the
    command line (``outlets`` for ``outlets_file``). Raises :class:`ConfigError` or
    :class:`InputError` naming the problem."""
    from linkwatch.check import CheckOptions
    from linkwatch.config import RunSettings, load_config

    if archive_only and not archive_specs:
        raise InputError("--archive-only needs at least one --archive NAME=URL")
    config = load_config(config_path, citations=citations)
    fields = {"outlets_file" if k == "outlets" else k: v for k, v in given.items()}
    command = config.build(FindCommandSettings, {f"find.{k}": v for k, v in fields.items()})
    settings = command.find
    for name in ("top", "window", "fetch_limit", "page_size", "max_pages"):
        value = getattr(settings, name)
        if value < (0 if name == "window" else 1):
            raise InputError(f"--{name.replace('_', '-')}: {value} is out of range")
    if settings.accept_above is not None and not 0.0 <= settings.accept_above <= 1.0:
        raise InputError(f"--accept-above: {settings.accept_above} is not between 0 and 1")
    check = config.build(CheckOptions)
    base = check.archives
    added = tuple(parse_archive_option(spec) for spec in archive_specs)
    archives = added if archive_only else base.archives + added
    names = [a.name for a in archives]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate is not None:
        raise ConfigError(f"--archive: the name {duplicate!r} is used twice")
    registry = load_registry(settings.outlets_file, command.outlets, config.label)
    run = config.build(RunSettings, {"citations": citations})
    return FindSetup(
        run.citations or Path("citations.csv"),
        dataclasses.replace(base, archives=archives),
        settings,
        registry,
        check.live.user_agent,
    )
