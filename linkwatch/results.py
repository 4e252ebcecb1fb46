"""The results of a run, as frozen dataclasses shared by every stage.

The live check fills :class:`LiveResult`, the archive check :class:`ArchiveResult`,
change detection :class:`ChangeResult`; :class:`CitationResult` joins them with the
verdict, and :class:`RunResult` is what reports render and the store keeps.
``to_dict``/``from_dict`` give the JSON form documented in ``docs/results-schema.md``.
"""

from __future__ import annotations

import abc
import dataclasses
import enum
import marshal
import types
import typing
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar, overload

from linkwatch.records import Citation
from linkwatch.status import ArchiveStatus, ChangeStatus, LiveStatus, Verdict

#: Bumped whenever the JSON form changes incompatibly.
SCHEMA_VERSION = 1


@dataclasses.dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a fetched page looked like, for change detection."""

    payload_sha1: str = ""
    """SHA-1 of the body read, base32 (the form web archives use)."""
    text_simhash: str = ""
    """64-bit SimHash of the normalised main text, as 16 hex digits."""
    title: str = ""
    content_type: str = ""
    length: int = 0
    """Bytes read (capped) or the declared Content-Length."""
    words: int = 0
    """Words in the main text."""


@dataclasses.dataclass(frozen=True, slots=True)
class LiveResult:
    """The live check of one URL in one run."""

    url: str
    status: LiveStatus
    reason: str = ""
    http_status: int | None = None
    final_url: str = ""
    redirects: tuple[str, ...] = ()
    checked_at: str = ""
    """ISO 8601 UTC."""
    elapsed_ms: int = 0
    fingerprint: Fingerprint | None = None
    failing_since: str = ""
    """When the current run of failed checks began (ISO 8601), empty when alive."""
    consecutive_failures: int = 0
    confirmed_dead: bool = False
    """Failed in enough runs, spaced far enough apart, to be called dead."""


@dataclasses.dataclass(frozen=True, slots=True)
class Capture:
    """One web-archive capture (memento)."""

    archive: str
    """The configured archive's name."""
    url: str
    """The replay URL a reader can open."""
    original: str
    timestamp: str
    """14 digits, ``YYYYMMDDhhmmss``, UTC."""
    http_status: int | None = None
    mimetype: str = ""
    digest: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class ArchiveResult:
    """The archive check of one URL against its target date."""

    status: ArchiveStatus
    reason: str = ""
    target_date: str = ""
    capture: Capture | None = None
    captures_seen: int = 0
    archives: tuple[str, ...] = ()
    """Names of the archives asked."""


@dataclasses.dataclass(frozen=True, slots=True)
class ChangeResult:
    """Whether the live page still says what the chosen capture said."""

    status: ChangeStatus
    reason: str = ""
    similarity: float | None = None
    off_topic: bool = False
    """Replaced by something else: the verdict treats it like a dead link."""
    changed_since_last_run: bool | None = None
    first_seen_changed: str = ""
    figures_in_capture: tuple[str, ...] = ()
    figures_missing_from_capture: tuple[str, ...] = ()
    figures_live: tuple[str, ...] = ()
    figures_missing_live: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class CitationResult:
    """Everything a run found about one citation."""

    citation: Citation
    verdict: Verdict
    action: str = ""
    live: LiveResult | None = None
    archive: ArchiveResult | None = None
    change: ChangeResult | None = None


@dataclasses.dataclass(frozen=True, slots=True, weakref_slot=True)
class RunResult:
    """One run of ``linkwatch check``."""

    run_id: str
    started_at: str
    finished_at: str = ""
    citations_file: str = ""
    complete: bool = True
    """False when the run was interrupted."""
    inconclusive: bool = False
    inconclusive_reason: str = ""
    results: Sequence[CitationResult] = ()
    """A tuple, or a :class:`RebuiltResults` (the same results, held compactly): a
    :class:`HeldResults` for a run just checked."""
    skipped: tuple[str, ...] = ()
    """Human-readable lines: what was not checked, and why."""
    internal_errors: int = 0
    """URLs whose check hit an unexpected error in linkwatch itself (each left
    ``not-checked`` with the error in its reason; the traceback is logged with ``-v``)."""


def judged(results: Sequence[CitationResult]) -> Iterator[tuple[Citation, Verdict]]:
    """Each citation of ``results`` with its verdict, in order (held results are not rebuilt
    for it: counts that need no more read a run this way)."""
    if isinstance(results, RebuiltResults):
        return results.judged()
    return ((r.citation, r.verdict) for r in results)


def with_status_objects(run: RunResult) -> RunResult:
    """``run`` with a ``not-checked`` archive and change result wherever none is held
    (runs stored before every citation got both)."""
    if isinstance(run.results, RebuiltResults):
        if run.results.have_status_objects():
            return run
    elif all(r.archive is not None and r.change is not None for r in run.results):
        return run
    results = tuple(
        dataclasses.replace(
            r,
            archive=r.archive or ArchiveResult(ArchiveStatus.NOT_CHECKED, "not checked"),
            change=r.change or ChangeResult(ChangeStatus.NOT_CHECKED, "not compared"),
        )
        for r in run.results
    )
    return dataclasses.replace(run, results=results)


# Field names per type (None: not a dataclass), looked up once: to_dict runs for every
# citation of a run.
_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}
_PLAIN = (str, int, float, bool, type(None))


def to_dict(obj: Any) -> Any:
    """The JSON-ready form of a result dataclass (enums as their words, tuples as lists)."""
    kind = type(obj)
    if kind in _PLAIN:
        return obj
    if kind not in _FIELD_NAMES:
        is_instance = dataclasses.is_dataclass(obj) and not isinstance(obj, type)
        _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(obj)) if is_instance else None
    names = _FIELD_NAMES[kind]
    if names is not None:
        return {name: to_dict(getattr(obj, name)) for name in names}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, tuple | list | RebuiltResults):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


T = TypeVar("T")


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a result dataclass from :func:`to_dict` output; unknown keys are ignored."""
    return typing.cast(T, _build(cls, data))


# Per dataclass, its fields and their resolved types, looked up once: get_type_hints is
# most of the time a rebuild takes, and a stored run rebuilds 100,000 results.
_FIELD_TYPES: dict[type, tuple[tuple[str, Any], ...]] = {}


def _field_types(tp: type) -> tuple[tuple[str, Any], ...]:
    found = _FIELD_TYPES.get(tp)
    if found is None:
        hints = typing.get_type_hints(tp)
        found = _FIELD_TYPES[tp] = tuple((f.name, hints[f.name]) for f in dataclasses.fields(tp))
    return found


def _build(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    if tp is str or tp is int or tp is bool or tp is float:
        return data
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return tp(
            **{name: _build(hint, data[name]) for name, hint in _field_types(tp) if name in data}
        )
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(inner[0], data)
    if origin is tuple or origin is Sequence:
        (item, *_rest) = typing.get_args(tp)
        return tuple(_build(item, v) for v in data)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(data)
    return data


# Holding a run's results compactly. The reports need every result of a run at once; held as
# objects, each live result was four objects and three unique strings (about 480 bytes), and
# 100,000 of them came to more than the process's start-up.

#: The fields packed as their index in the run's table of values that repeat from URL to
#: URL, for each dataclass held packed. Any other field is kept as it is, so a new field is
#: held too (``tests/test_results.py`` checks every one).
_TABLED_FIELDS = frozenset({"status", "reason", "checked_at", "failing_since", "content_type"})
_LIVE_FIELDS = {f.name: i for i, f in enumerate(dataclasses.fields(LiveResult))}
_URL, _FINAL_URL = _LIVE_FIELDS["url"], _LIVE_FIELDS["final_url"]


@dataclasses.dataclass(frozen=True, slots=True)
class _Plan:
    """How one dataclass is packed: its values in field order (the order ``cls(*values)``
    takes), some of them table indices, some nested dataclasses."""

    cls: type
    tabled: tuple[int, ...]
    nested: tuple[tuple[int, _Plan], ...]


def _plan(cls: type) -> _Plan:
    tabled: list[int] = []
    nested: list[tuple[int, _Plan]] = []
    for i, (name, hint) in enumerate(_field_types(cls)):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        kind = inner[0] if len(inner) == 1 else hint
        if isinstance(kind, type) and dataclasses.is_dataclass(kind):
            nested.append((i, _plan(kind)))
        elif name in _TABLED_FIELDS:
            tabled.append(i)
    return _Plan(cls, tuple(tabled), tuple(nested))


class HeldLives:
    """Live results packed into bytes for as long as a run holds them.

    Values that repeat from URL to URL are kept once, in a table of this run; the rest
    is one ``marshal`` string per result (in-process only, never stored). A result's
    URL is not packed (the caller keys it), nor its final URL when the two are equal.
    A packed bench page's result takes 192 bytes where its objects took about 480.
    """

    __slots__ = ("_index", "_table")

    _PLAN: _Plan | None = None

    def __init__(self) -> None:
        self._index: dict[tuple[type, object], int] = {}
        self._table: list[object] = []

    @classmethod
    def _live_plan(cls) -> _Plan:
        if cls._PLAN is None:
            cls._PLAN = _plan(LiveResult)
        return cls._PLAN

    def pack(self, live: LiveResult, *extra: str) -> bytes:
        """``live`` as bytes that :meth:`unpack` turns back into an equal result, with the
        caller's ``extra`` strings after it (:meth:`extra` gives them back)."""
        values = self._values(live, self._live_plan())
        # The URL is the caller's key; a final URL equal to it is marked None (never a
        # final URL's value).
        values[_URL] = None
        if live.final_url == live.url:
            values[_FINAL_URL] = None
        return marshal.dumps((*values, *extra))

    def unpack(self, url: str, blob: bytes) -> LiveResult:
        """The live result of ``url`` that :meth:`pack` made ``blob`` from."""
        values = list(marshal.loads(blob)[: len(_LIVE_FIELDS)])
        values[_URL] = url
        if values[_FINAL_URL] is None:
            values[_FINAL_URL] = url
        return typing.cast(LiveResult, self._build(self._live_plan(), values))

    def fields(self, blob: bytes, *names: str) -> tuple[Any, ...]:
        """The values of the named top-level fields of a packed result, without rebuilding it
        (a nested dataclass comes back packed)."""
        values = marshal.loads(blob)
        table = self._table
        return tuple(
            table[values[_LIVE_FIELDS[name]]]
            if name in _TABLED_FIELDS
            else values[_LIVE_FIELDS[name]]
            for name in names
        )

    def extra(self, blob: bytes) -> tuple[str, ...]:
        """The strings packed after the result by :meth:`pack`."""
        return tuple(marshal.loads(blob)[len(_LIVE_FIELDS) :])

    def _values(self, obj: Any, plan: _Plan) -> list[Any]:
        values = _slot_values(obj)
        for i in plan.tabled:
            key = (type(values[i]), values[i])
            at = self._index.get(key)
            if at is None:
                at = self._index[key] = len(self._table)
                self._table.append(values[i])
            values[i] = at
        for i, inner in plan.nested:
            if values[i] is not None:
                values[i] = tuple(self._values(values[i], inner))
        return values

    def _build(self, plan: _Plan, values: list[Any]) -> object:
        table = self._table
        for i in plan.tabled:
            values[i] = table[values[i]]
        for i, inner in plan.nested:
            if values[i] is not None:
                values[i] = self._build(inner, list(values[i]))
        return plan.cls(*values)


def _slot_values(obj: Any) -> list[Any]:
    return [getattr(obj, name) for name, _hint in _field_types(type(obj))]


#: One citation's result as :class:`HeldResults` keeps it: the citation, verdict, action,
#: the live result (packed bytes, an object, or None) and the URL it belongs to, archive
#: and change results.
HeldRow = tuple[
    Citation,
    Verdict,
    str,
    "LiveResult | bytes | None",
    str,
    "ArchiveResult | None",
    "ChangeResult | None",
]


class RebuiltResults(Sequence[CitationResult]):
    """Citation results kept as compact rows of a subclass's own form, each rebuilt as it is
    read (:class:`HeldResults`; a stored run read in outline).

    It reads, compares and hashes like the tuple of the same results; items are equal,
    not identical, from one reading to the next.
    """

    __slots__ = ("_rows",)

    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows

    @abc.abstractmethod
    def _result(self, row: Any) -> CitationResult:
        """The result one row holds, rebuilt."""

    def judged(self) -> Iterator[tuple[Citation, Verdict]]:
        """Each citation with its verdict, in order (a subclass may answer without
        rebuilding the results)."""
        return ((r.citation, r.verdict) for r in self)

    def have_status_objects(self) -> bool:
        """Whether every result holds an archive and a change result."""
        return all(r.archive is not None and r.change is not None for r in self)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> CitationResult: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[CitationResult, ...]: ...

    def __getitem__(self, index: int | slice) -> CitationResult | tuple[CitationResult, ...]:
        if isinstance(index, slice):
            return tuple(self._result(row) for row in self._rows[index])
        return self._result(self._rows[index])

    def __iter__(self) -> Iterator[CitationResult]:
        result = self._result
        for row in self._rows:
            yield result(row)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} results)"


class HeldResults(RebuiltResults):
    """A run's citation results as :func:`linkwatch.check.check_citations` holds them: each row
    its citation, verdict, action, archive and change results, and its live result packed."""

    __slots__ = ("_lives",)

    def __init__(self, rows: list[HeldRow], lives: HeldLives) -> None:
        super().__init__(rows)
        self._lives = lives

    def _result(self, row: HeldRow) -> CitationResult:
        citation, verdict, action, live, url, archive, change = row
        if isinstance(live, bytes):
            live = self._lives.unpack(url, live)
        return CitationResult(citation, verdict, action, live, archive, change)

    def judged(self) -> Iterator[tuple[Citation, Verdict]]:
        """Each citation with its verdict, in order, without rebuilding the results."""
        return ((row[0], row[1]) for row in self._rows)

    def have_status_objects(self) -> bool:
        """Whether every result holds an archive and a change result."""
        return all(row[5] is not None and row[6] is not None for row in self._rows)
