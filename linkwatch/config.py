"""The configuration file: ``linkwatch.toml``, or ``[tool.linkwatch]`` in a ``pyproject.toml``.

Everything a cron line would otherwise repeat can live there. The keys are the
fields of the option dataclasses the run is built from (:data:`CONFIG_TARGETS`),
written with ``-`` or ``_``; a field that holds a dataclass of its own (for
example the archive options) is a table of the same name, and its fields may
also be given at the top level::

    fail-on = ["lost", "drifted", "at-risk"]
    reports = "reports"
    per-host = 2
    user-agent = "linkwatch (+https://example.org/contact)"

    [[archives]]
    name = "pywb"
    kind = "memento"
    timegate = "http://127.0.0.1:8080/lw/"

    [archive]                      # linkwatch archive
    to = ["wayback", "warc", "mine"]
    record-archives = { mine = "http://127.0.0.1:8080/rec/record/" }
    if-not-archived-within = "7d"

A top-level key sets that option wherever a target has it; inside its table it
sets only that table's option. Relative paths are taken from the config file's
folder. An unknown key or a value of the wrong type is a :class:`ConfigError`
naming the file and the key; options given on the command line override the file.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from linkwatch.check import DEFAULT_FAIL_ON, CheckOptions
from linkwatch.errors import ConfigError
from linkwatch.find.settings import FindCommandSettings
from linkwatch.preserve.settings import PreserveSettings
from linkwatch.status import Verdict

CONFIG_NAME = "linkwatch.toml"
PYPROJECT_NAME = "pyproject.toml"

T = TypeVar("T")


@dataclasses.dataclass(frozen=True, slots=True)
class RunSettings:
    """What a run reads and writes, and when it fails: the settings beside the check options."""

    citations: Path | None = None
    """The citations file when none is given on the command line."""
    reports: Path | None = None
    """Where ``<run-id>/`` report folders and the ``latest`` link go (default: ``reports/``
    beside the citations file)."""
    fail_on: tuple[Verdict, ...] = tuple(sorted(DEFAULT_FAIL_ON))
    """Verdicts that make the exit code 1."""
    verbosity: int = 0
    """Log detail on stderr: -1 quiet, 0 normal, 1 and 2 more."""
    notify: tuple[str, ...] = ()
    """Apprise URLs told of the changes since the last run (they hold secrets: never stored)."""
    notify_always: bool = False
    """Notify after every run, not only when something changed."""


@dataclasses.dataclass(frozen=True, slots=True)
class ArchiveCommandSettings:
    """The settings of ``linkwatch archive``: the ``[archive]`` table of a config file."""

    archive: PreserveSettings = dataclasses.field(default_factory=PreserveSettings)


#: The option dataclasses a config file fills; their fields are its keys.
CONFIG_TARGETS: tuple[type, ...] = (
    RunSettings,
    CheckOptions,
    ArchiveCommandSettings,
    FindCommandSettings,
)


@dataclasses.dataclass(frozen=True, slots=True)
class Config:
    """A loaded, validated configuration; empty when no file was found."""

    path: Path | None = None
    where: str = ""
    """How to name the settings in messages: ``linkwatch.toml`` or ``[tool.linkwatch]``."""
    data: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Top-level keys normalised to field names (``_``), values as read from TOML."""
    sections: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    """Tables for options that are dataclasses of their own (e.g. ``[archive]``)."""

    @property
    def base(self) -> Path:
        """The folder relative paths are taken from."""
        return self.path.parent if self.path is not None else Path.cwd()

    def build(self, cls: type[T], overrides: Mapping[str, Any] | None = None) -> T:
        """An instance of the dataclass ``cls``: defaults, then this file, then ``overrides``.

        ``overrides`` holds what the command line gave, keyed by field name (or
        ``table.field`` to reach one table only); ``None`` values are ignored.
        Raises :class:`ConfigError` on a bad value.
        """
        given = {k: v for k, v in (overrides or {}).items() if v is not None}
        return self._build(cls, given, None)

    def _build(self, cls: type[T], given: Mapping[str, Any], section: str | None) -> T:
        hints = _hints(typing.cast(type, cls))
        table = self.sections.get(section, {}) if section else {}
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            tp = hints[f.name]
            scoped = f"{section}.{f.name}" if section else f.name
            nested = _dataclass_of(tp)
            if scoped in given:
                kwargs[f.name] = given[scoped]
            elif f.name in given:
                kwargs[f.name] = given[f.name]
            elif nested is not None and section is None:
                kwargs[f.name] = self._build(nested, given, f.name)
            elif f.name in table:
                kwargs[f.name] = self._coerce(table[f.name], tp, scoped)
            elif f.name in self.data:
                kwargs[f.name] = self._coerce(self.data[f.name], tp, f.name)
        return cls(**kwargs)

    def _coerce(self, value: Any, tp: Any, key: str) -> Any:
        return coerce(value, tp, key=key, where=self.label, base=self.base)

    @property
    def label(self) -> str:
        """The file (and table) named in messages."""
        if self.path is None:
            return "config"
        return f"{self.path}" + (f" {self.where}" if self.where.startswith("[") else "")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _dataclass_of(tp: Any) -> type | None:
    """The dataclass ``tp`` names (also through ``X | None``), else ``None``."""
    for candidate in (tp, *_union_members(tp)):
        if isinstance(candidate, type) and dataclasses.is_dataclass(candidate):
            return candidate
    return None


def _union_members(tp: Any) -> tuple[Any, ...]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return tuple(a for a in typing.get_args(tp) if a is not type(None))
    return ()


def _describe(tp: Any) -> str:
    if tp is bool:
        return "true or false"
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    if tp in (str, Path):
        return "a string"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(str(m.value) for m in tp)
    if typing.get_origin(tp) in (tuple, list, frozenset, set):
        return "a list"
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return "a table"
    members = _union_members(tp)
    if members:
        return " or ".join(_describe(m) for m in members)
    return str(tp)


#: Keys whose values may hold secrets (notification URLs with passwords or tokens): a message
#: about a wrong value names the key, never the value.
SECRET_KEYS: frozenset[str] = frozenset({"notify"})


def coerce(value: Any, tp: Any, *, key: str, where: str, base: Path) -> Any:
    """``value`` (from TOML) as the Python type ``tp``; raises :class:`ConfigError` naming ``key``.

    Paths are resolved against ``base``; lists become tuples; tables become dataclasses.
    """
    shown = "a value not shown here" if key.split("[", 1)[0] in SECRET_KEYS else repr(value)
    wrong = ConfigError(f"{where}: {key}: expected {_describe(tp)}, got {shown}")
    members = _union_members(tp)
    if members:
        for member in members:
            try:
                return coerce(value, member, key=key, where=where, base=base)
            except ConfigError:
                continue
        raise wrong
    if tp is Any:
        return value
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise wrong
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise wrong
    if tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise wrong
    if tp is str:
        if isinstance(value, str):
            return value
        raise wrong
    if tp is Path:
        # A URL ("postgresql://…") is never a path; a union with str takes it as text.
        if isinstance(value, str) and value and "://" not in value:
            path = Path(value).expanduser()
            return path if path.is_absolute() else base / path
        raise wrong
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(value)
        except ValueError:
            raise wrong from None
    origin = typing.get_origin(tp)
    if origin in (tuple, list, frozenset, set):
        if not isinstance(value, list):
            raise wrong
        args = typing.get_args(tp)
        item = args[0] if args else Any
        items = [
            coerce(v, item, key=f"{key}[{i}]", where=where, base=base) for i, v in enumerate(value)
        ]
        return tuple(items) if origin is tuple else origin(items)
    if origin is dict:
        if not isinstance(value, dict):
            raise wrong
        _k, v_tp = typing.get_args(tp) or (str, Any)
        return {
            str(k): coerce(v, v_tp, key=f"{key}.{k}", where=where, base=base)
            for k, v in value.items()
        }
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise wrong
        hints = _hints(tp)
        names = {f.name: f for f in dataclasses.fields(tp)}
        kwargs = {}
        for raw_key, v in value.items():
            name = _field_name(raw_key)
            if name not in names:
                raise ConfigError(f"{where}: {key}: unknown key {raw_key!r}")
            kwargs[name] = coerce(v, hints[name], key=f"{key}.{raw_key}", where=where, base=base)
        missing = [
            n
            for n, f in names.items()
            if n not in kwargs
            and f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
        ]
        if missing:
            raise ConfigError(f"{where}: {key}: missing key {', '.join(missing)}")
        return tp(**kwargs)
    raise ConfigError(f"{where}: {key}: this option cannot be set in a config file")


def _field_name(key: str) -> str:
    return key.strip().replace("-", "_")


def _fields_by_name(targets: tuple[type, ...]) -> tuple[dict[str, list[Any]], dict[str, type]]:
    """Leaf fields (name → every type it has) and table fields (name → dataclass) of the targets."""
    leaves: dict[str, list[Any]] = {}
    tables: dict[str, type] = {}

    def walk(cls: type, top: bool) -> None:
        hints = _hints(cls)
        for f in dataclasses.fields(cls):
            nested = _dataclass_of(hints[f.name])
            if nested is not None and top:
                tables[f.name] = nested
                walk(nested, False)
            else:
                leaves.setdefault(f.name, []).append(hints[f.name])

    for target in targets:
        walk(target, True)
    return leaves, tables


def validate(
    data: Mapping[str, Any], *, where: str, targets: tuple[type, ...]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Check every key and value of a config table; return its keys and tables by field name.

    Raises :class:`ConfigError` naming the first unknown key or wrong value.
    """
    leaves, tables = _fields_by_name(targets)
    out: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {}
    base = Path(".")
    for raw_key, value in data.items():
        name = _field_name(raw_key)
        if name in tables and isinstance(value, dict):
            cls = tables[name]
            hints = _hints(cls)
            known = {f.name for f in dataclasses.fields(cls)}
            table: dict[str, Any] = {}
            for sub_key, sub_value in value.items():
                sub = _field_name(sub_key)
                if sub not in known:
                    raise ConfigError(f"{where}: unknown key {raw_key}.{sub_key!r}")
                coerce(sub_value, hints[sub], key=f"{raw_key}.{sub_key}", where=where, base=base)
                table[sub] = sub_value
            sections[name] = table
            continue
        if name not in leaves:
            raise ConfigError(f"{where}: unknown key {raw_key!r}")
        problems: list[ConfigError] = []
        for tp in leaves[name]:
            try:
                coerce(value, tp, key=raw_key, where=where, base=base)
            except ConfigError as exc:
                problems.append(exc)
        if len(problems) == len(leaves[name]):
            raise problems[0]
        out[name] = value
    return out, sections


def find_config(citations: Path | None, cwd: Path | None = None) -> Path | None:
    """The config file that applies: beside the citations file, else in ``cwd``.

    In each folder ``linkwatch.toml`` comes first, then a ``pyproject.toml``
    that has a ``[tool.linkwatch]`` table. Returns ``None`` when there is none.
    """
    folders: list[Path] = []
    if citations is not None:
        folders.append(Path(citations).resolve().parent)
    folders.append((cwd or Path.cwd()).resolve())
    for folder in dict.fromkeys(folders):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT_NAME
        if pyproject.is_file() and "linkwatch" in _read_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such config file") from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"{path}: is a directory, not a config file") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text") from exc


def load_config(
    explicit: Path | None = None,
    *,
    citations: Path | None = None,
    cwd: Path | None = None,
    targets: tuple[type, ...] | None = None,
) -> Config:
    """Load and validate the config file: ``explicit`` (``--config``) or the one found.

    Returns an empty :class:`Config` when there is no file. Raises
    :class:`ConfigError` naming the file and key when it is invalid.
    """
    path = Path(explicit) if explicit is not None else find_config(citations, cwd)
    if path is None:
        return Config()
    doc = _read_toml(path)
    where = CONFIG_NAME
    if path.name == PYPROJECT_NAME:
        tool = doc.get("tool", {})
        if not isinstance(tool, dict) or "linkwatch" not in tool:
            raise ConfigError(f"{path}: has no [tool.linkwatch] table")
        doc = tool["linkwatch"]
        where = "[tool.linkwatch]"
        if not isinstance(doc, dict):
            raise ConfigError(f"{path}: [tool.linkwatch] must be a table")
    label = f"{path}" + (f" {where}" if where.startswith("[") else "")
    data, sections = validate(doc, where=label, targets=targets or CONFIG_TARGETS)
    return Config(path=path.resolve(), where=where, data=data, sections=sections)
