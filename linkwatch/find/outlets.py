"""The outlet registry: which web domains a citation's ``source`` publishes on.

The registry shipped with linkwatch (``outlets.toml`` beside this module) names the
publishers a report on China cites — state and party media, government portals,
international newspapers and wires, think tanks, journals — with their English and
Chinese names. A user's file (``--outlets``) or the ``[outlets]`` table of
``linkwatch.toml`` adds entries or replaces shipped ones (same key, name or alias).
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from linkwatch.errors import ConfigError

KINDS = frozenset(
    (
        "state-media",
        "party-media",
        "government",
        "newspaper",
        "wire",
        "think-tank",
        "journal",
        "ngo",
    )
)
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "“": '"', "”": '"'})
_NOT_WORD = re.compile(r"[^\w\u3400-\u9fff]+")


@dataclasses.dataclass(frozen=True, slots=True)
class Outlet:
    """A publisher and where its pages are."""

    key: str
    name: str
    domains: tuple[str, ...] = ()
    """Every host under these is the outlet's (CDX ``matchType=domain``)."""
    hosts: tuple[str, ...] = ()
    """Exactly these hosts (``matchType=host``): for a domain shared with others (gov.cn)."""
    aliases: tuple[str, ...] = ()
    kind: str = ""
    language: str = ""

    @property
    def places(self) -> tuple[tuple[str, str], ...]:
        """``(host or domain, matchType)`` pairs to ask an index for."""
        return tuple((d, "domain") for d in self.domains) + tuple((h, "host") for h in self.hosts)

    def owns(self, host: str) -> bool:
        """Whether a page on ``host`` is this outlet's."""
        host = host.lower().split(":", 1)[0]
        if host in self.hosts:
            return True
        return any(host == d or host.endswith("." + d) for d in self.domains)


def normalise_name(name: str) -> str:
    """A source name reduced for matching: NFKC, case-folded, no "the", punctuation or spaces."""
    text = unicodedata.normalize("NFKC", name).translate(_QUOTES).casefold().strip()
    text = re.sub(r"^the\s+", "", text)
    return _NOT_WORD.sub("", text)


@dataclasses.dataclass(frozen=True, slots=True)
class OutletRegistry:
    """Outlets by key, and every name and alias that points to one."""

    outlets: Mapping[str, Outlet]
    _names: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, outlets: Iterable[Outlet]) -> OutletRegistry:
        """A registry of ``outlets``; a later outlet sharing a key or name replaces an earlier."""
        by_key: dict[str, Outlet] = {}
        names: dict[str, str] = {}
        for outlet in outlets:
            spoken = [normalise_name(n) for n in (outlet.key, outlet.name, *outlet.aliases)]
            for n in spoken:
                old = names.get(n)
                if old is not None and old != outlet.key:
                    by_key.pop(old, None)
            by_key[outlet.key] = outlet
        for key, outlet in by_key.items():
            for n in (outlet.key, outlet.name, *outlet.aliases):
                names[normalise_name(n)] = key
        return cls(by_key, names)

    def __len__(self) -> int:
        return len(self.outlets)

    def match(self, source: str) -> Outlet | None:
        """The outlet a citation's ``source`` names, or None when the registry lacks it."""
        key = self._names.get(normalise_name(source)) if source.strip() else None
        return self.outlets.get(key) if key is not None else None


def line_to_add(source: str) -> str:
    """The line a user adds under ``[outlets]`` to teach linkwatch an unknown outlet."""
    escaped = source.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}" = ["DOMAIN"]'


def parse_outlets(table: Mapping[str, Any], where: str) -> list[Outlet]:
    """Outlets from an ``[outlets]`` table; raises :class:`ConfigError` naming ``where`` and key."""
    out: list[Outlet] = []
    for key, value in table.items():
        label = f"{where}: outlets.{key}"
        if isinstance(value, list):
            value = {"domains": value}
        if not isinstance(value, dict):
            raise ConfigError(f"{label}: expected a list of domains or a table, got {value!r}")
        unknown = set(value) - {"name", "aliases", "domains", "hosts", "kind", "language"}
        if unknown:
            raise ConfigError(f"{label}: unknown key {', '.join(sorted(unknown))}")
        name = value.get("name", key)
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{label}: name must be a non-empty string")
        lists = {}
        for field in ("aliases", "domains", "hosts"):
            items = value.get(field, [])
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise ConfigError(f"{label}: {field} must be a list of strings")
            lists[field] = tuple(i.strip() for i in items if i.strip())
        for host in (*lists["domains"], *lists["hosts"]):
            if not _HOST.match(host.lower()):
                raise ConfigError(f"{label}: {host!r} is not a domain name (like news.cn)")
        if not lists["domains"] and not lists["hosts"]:
            raise ConfigError(f"{label}: give at least one domain")
        kind = value.get("kind", "")
        if kind and kind not in KINDS:
            raise ConfigError(f"{label}: kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
        out.append(
            Outlet(
                key=str(key),
                name=name.strip(),
                domains=tuple(d.lower() for d in lists["domains"]),
                hosts=tuple(h.lower() for h in lists["hosts"]),
                aliases=lists["aliases"],
                kind=str(kind),
                language=str(value.get("language", "")),
            )
        )
    return out


def _outlets_table(doc: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    table = doc.get("outlets", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [outlets] must be a table")
    return table


def shipped_outlets() -> list[Outlet]:
    """The registry that comes with linkwatch."""
    text = importlib.resources.files("linkwatch.find").joinpath("outlets.toml").read_text("utf-8")
    return parse_outlets(_outlets_table(tomllib.loads(text), "outlets.toml"), "outlets.toml")


def read_outlets_file(path: Path) -> list[Outlet]:
    """Outlets from a user's TOML file (an ``[outlets]`` table); raises :class:`ConfigError`."""
    try:
        doc = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such outlets file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the outlets file ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    return parse_outlets(_outlets_table(doc, str(path)), str(path))


def load_registry(
    user_file: Path | None = None, config_table: Mapping[str, Any] | None = None, where: str = ""
) -> OutletRegistry:
    """The shipped registry, then the config's ``[outlets]``, then ``user_file`` on top."""
    outlets = shipped_outlets()
    if config_table:
        outlets += parse_outlets(config_table, where or "config")
    if user_file is not None:
        outlets += read_outlets_file(user_file)
    return OutletRegistry.of(outlets)
