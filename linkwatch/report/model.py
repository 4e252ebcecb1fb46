"""What every report format shows: counts, rows in order of urgency, and the change since last run.

The renderers (Markdown, HTML, CSV, JSON) all read these, so the four files of a
run cannot disagree with each other.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import typing
import urllib.parse
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from linkwatch.records import Citation
from linkwatch.results import CitationResult, RunResult, judged
from linkwatch.status import (
    ALIVE_LIVE,
    FAILING_LIVE,
    ArchiveStatus,
    ChangeStatus,
    LiveStatus,
    Verdict,
)

#: Verdicts in the order reports show them: most urgent first.
VERDICT_ORDER: tuple[Verdict, ...] = (
    Verdict.LOST,
    Verdict.DRIFTED,
    Verdict.AT_RISK,
    Verdict.PRESERVED_ONLY,
    Verdict.UNVERIFIABLE,
    Verdict.UNLINKED,
    Verdict.HEALTHY,
)

#: Verdicts that ask someone to act: every verdict but ``healthy``. Reports list these
#: citation by citation and only count the healthy ones.
PROBLEM_VERDICTS: tuple[Verdict, ...] = tuple(v for v in VERDICT_ORDER if v is not Verdict.HEALTHY)

#: Entries shown per "since last run" list in report.md and report.html (results.json has all).
DIFF_LIST_LIMIT = 200


# The everyday URL (lower-case http(s) scheme, a plain host name, maybe a port), read without
# urlsplit: reports read the host of every citation several times, and urlsplit was most of
# the time it took to write report.html for 100,000 citations. Anything else (user info, IPv6,
# upper case scheme, odd characters) goes through urlsplit.
_PLAIN_URL = re.compile(r"(https?)://([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?(?=[/?#]|$)")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_of(url: str) -> str:
    """The lower-case host of ``url`` (with a non-default port), or ``""`` when it has none."""
    plain = _PLAIN_URL.match(url.strip())
    if plain is not None:
        scheme, host, port_text = plain.groups()
        port = int(port_text) if port_text else None
        if port is None or port <= 65535:
            if port and port != _DEFAULT_PORTS[scheme]:
                return f"{host.lower()}:{port}"
            return host.lower()
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return ""
    if port and not (
        (parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)
    ):
        return f"{host}:{port}"
    return host


def citation_url(result: CitationResult) -> str:
    """The URL a citation points at: its URL, else its DOI as a resolver link, else ``""``."""
    return url_of(result.citation)


def url_of(c: Citation) -> str:
    """:func:`citation_url` of a citation on its own."""
    if c.url:
        return c.url
    if c.doi:
        return f"https://doi.org/{c.doi}"
    return ""


def live_status(result: CitationResult) -> LiveStatus:
    """The citation's live status, ``not-checked`` when there is none."""
    return result.live.status if result.live is not None else LiveStatus.NOT_CHECKED


def archive_status(result: CitationResult) -> ArchiveStatus:
    """The citation's archive status, ``not-checked`` when there is none."""
    return result.archive.status if result.archive is not None else ArchiveStatus.NOT_CHECKED


def change_status(result: CitationResult) -> ChangeStatus:
    """The citation's change status, ``unknown`` when there is none."""
    return result.change.status if result.change is not None else ChangeStatus.UNKNOWN


@dataclasses.dataclass(frozen=True, slots=True)
class Summary:
    """Counts over one run; every word of the vocabulary is present, zero or not."""

    citations: int
    urls: int
    """Distinct URLs cited."""
    verdicts: dict[Verdict, int]
    live: dict[LiveStatus, int]
    archive: dict[ArchiveStatus, int]
    change: dict[ChangeStatus, int]
    hosts: dict[str, dict[LiveStatus, int]]
    """Per host (sorted by name), the count of each live status seen there (non-zero only)."""


_F = TypeVar("_F", bound=Callable[..., Any])


def _once_per_run(count: _F) -> _F:
    """``count``, computed again only for runs other than the ones it was last given.

    Each report asks for the same counts and the same comparison, and every reading of a
    run just checked rebuilds its results (:class:`linkwatch.results.HeldResults`). The
    runs are held by weak references, so they are not kept alive for this; callers must
    not change what comes back.
    """
    last: list[tuple[tuple[weakref.ref[RunResult] | None, ...], Any]] = []

    def same(held: tuple[weakref.ref[RunResult] | None, ...], runs: tuple[Any, ...]) -> bool:
        return len(held) == len(runs) and all(
            (ref is None and run is None) or (ref is not None and ref() is run)
            for ref, run in zip(held, runs, strict=True)
        )

    @functools.wraps(count)
    def counted(*runs: RunResult | None) -> Any:
        if last and same(last[0][0], runs):
            return last[0][1]
        value = count(*runs)
        last[:] = [(tuple(None if r is None else weakref.ref(r) for r in runs), value)]
        return value

    return typing.cast(_F, counted)


@_once_per_run
def summarize(run: RunResult) -> Summary:
    """Count verdicts, statuses, distinct URLs and live status per host for ``run``."""
    verdicts: Counter[Verdict] = Counter()
    live: Counter[LiveStatus] = Counter()
    archive: Counter[ArchiveStatus] = Counter()
    change: Counter[ChangeStatus] = Counter()
    hosts: dict[str, Counter[LiveStatus]] = {}
    urls: set[str] = set()
    # One pass: the results of a run just checked are rebuilt as they are read.
    for r in run.results:
        verdicts[r.verdict] += 1
        state = live_status(r)
        live[state] += 1
        archive[archive_status(r)] += 1
        change[change_status(r)] += 1
        url = citation_url(r)
        if not url:
            continue
        urls.add(url)
        hosts.setdefault(host_of(url) or "(no host)", Counter())[state] += 1
    return Summary(
        citations=len(run.results),
        urls=len(urls),
        verdicts={v: verdicts[v] for v in VERDICT_ORDER},
        live={s: live[s] for s in LiveStatus},
        archive={s: archive[s] for s in ArchiveStatus},
        change={s: change[s] for s in ChangeStatus},
        hosts={h: {s: n for s, n in hosts[h].items() if n} for h in sorted(hosts)},
    )


def report_name(result: CitationResult, run: RunResult) -> str:
    """The report a citation belongs to: its ``report`` field, else the run's citations file."""
    return report_of(result.citation, run)


def report_of(c: Citation, run: RunResult) -> str:
    """:func:`report_name` of a citation on its own."""
    return c.report or run.citations_file or "(unknown)"


@dataclasses.dataclass(frozen=True, slots=True)
class ReportCounts:
    """The verdict counts of one report's citations within a run."""

    report: str
    verdicts: dict[Verdict, int]
    """Every verdict in :data:`VERDICT_ORDER`, zero or not."""

    @property
    def citations(self) -> int:
        """All citations of the report in the run."""
        return sum(self.verdicts.values())

    @property
    def problems(self) -> int:
        """Citations with a verdict in :data:`PROBLEM_VERDICTS`."""
        return self.citations - self.verdicts[Verdict.HEALTHY]


@_once_per_run
def by_report(run: RunResult) -> list[ReportCounts]:
    """Verdict counts per report, most problems first (then by name)."""
    counts: dict[str, Counter[Verdict]] = {}
    for c, verdict in judged(run.results):
        counts.setdefault(report_of(c, run), Counter())[verdict] += 1
    out = [
        ReportCounts(report=name, verdicts={v: c[v] for v in VERDICT_ORDER})
        for name, c in counts.items()
    ]
    out.sort(key=lambda rc: (-rc.problems, rc.report))
    return out


def verdict_positions(run: RunResult) -> dict[Verdict, list[int]]:
    """Where each verdict's citations are in ``run.results``, in :data:`VERDICT_ORDER`, each in
    run order: positions rather than results, so that a run held compactly is not rebuilt
    whole at once (:class:`linkwatch.results.HeldResults`)."""
    groups: dict[Verdict, list[int]] = {v: [] for v in VERDICT_ORDER}
    for i, (_c, verdict) in enumerate(judged(run.results)):
        groups[verdict].append(i)
    return groups


def by_verdict(run: RunResult) -> dict[Verdict, list[CitationResult]]:
    """The run's citations grouped by verdict, in :data:`VERDICT_ORDER`, each group in run order."""
    results = run.results
    return {v: [results[i] for i in at] for v, at in verdict_positions(run).items()}


@dataclasses.dataclass(frozen=True, slots=True)
class DiffEntry:
    """One citation that moved between the previous run and this one."""

    citation_id: str
    url: str
    before: str
    """The previous run's word (live, change or archive status)."""
    after: str
    verdict: Verdict
    """This run's verdict."""


@dataclasses.dataclass(frozen=True, slots=True)
class RunDiff:
    """What changed since the previous run, per citation (matched by id and URL)."""

    previous_run_id: str | None
    """``None`` when there was no previous run to compare with."""
    newly_failing: tuple[DiffEntry, ...] = ()
    """Failing now (not-found, timeout…), reachable or new to failing last time."""
    newly_changed: tuple[DiffEntry, ...] = ()
    """The live page differs from the capture now, or changed since the last run."""
    recovered: tuple[DiffEntry, ...] = ()
    """Failing last time, reachable now."""
    newly_archived: tuple[DiffEntry, ...] = ()
    """A good capture near the citation date exists now and did not last time."""
    added: tuple[str, ...] = ()
    """Citation ids present now but not in the previous run."""
    removed: tuple[str, ...] = ()
    """Citation ids present in the previous run but not now."""

    @property
    def empty(self) -> bool:
        """True when nothing moved."""
        return not (
            self.newly_failing
            or self.newly_changed
            or self.recovered
            or self.newly_archived
            or self.added
            or self.removed
        )


def _key(r: CitationResult) -> tuple[str, str]:
    return (r.citation.id, citation_url(r))


def _is_changed(r: CitationResult) -> bool:
    return r.change is not None and (r.change.status is ChangeStatus.CHANGED or r.change.off_topic)


@_once_per_run
def diff_runs(current: RunResult, previous: RunResult | None) -> RunDiff:
    """Compare ``current`` with ``previous`` (the run before it on the same store).

    A citation whose URL was edited between the runs counts as removed and added,
    not as a status change.
    """
    if previous is None:
        return RunDiff(previous_run_id=None)
    failing: list[DiffEntry] = []
    changed: list[DiffEntry] = []
    recovered: list[DiffEntry] = []
    archived: list[DiffEntry] = []
    added: list[str] = []
    # Both runs are read once, side by side, and neither is kept: a run is mostly checked
    # again with the same citations in the same order, so the previous run is read ahead
    # only as far as the current citation, and only what was read past waits in ``ahead``
    # (everything, at worst, as when a citation was added early in the file).
    earlier = iter(previous.results)
    ahead: dict[tuple[str, str], CitationResult] = {}
    for r in current.results:
        key = _key(r)
        old = ahead.pop(key, None)
        if old is None:
            for p in earlier:
                found = _key(p)
                if found == key:
                    old = p
                    break
                ahead[found] = p
        if old is None:
            added.append(key[0])
            continue
        cid, url = key
        was, is_ = live_status(old), live_status(r)
        if is_ in FAILING_LIVE and was not in FAILING_LIVE:
            failing.append(DiffEntry(cid, url, was.value, is_.value, r.verdict))
        if was in FAILING_LIVE and is_ in ALIVE_LIVE:
            recovered.append(DiffEntry(cid, url, was.value, is_.value, r.verdict))
        since_last = r.change is not None and r.change.changed_since_last_run is True
        if (_is_changed(r) and not _is_changed(old)) or since_last:
            changed.append(
                DiffEntry(cid, url, change_status(old).value, change_status(r).value, r.verdict)
            )
        a_was, a_is = archive_status(old), archive_status(r)
        if a_is is ArchiveStatus.ARCHIVED and a_was is not ArchiveStatus.ARCHIVED:
            archived.append(DiffEntry(cid, url, a_was.value, a_is.value, r.verdict))
    return RunDiff(
        previous_run_id=previous.run_id,
        newly_failing=tuple(failing),
        newly_changed=tuple(changed),
        recovered=tuple(recovered),
        newly_archived=tuple(archived),
        added=tuple(added),
        removed=(*(k[0] for k in ahead), *(_key(p)[0] for p in earlier)),
    )


def parse_verdicts(words: Iterable[str], *, what: str = "--fail-on") -> frozenset[Verdict]:
    """Verdict words (comma-separated items allowed) as a set; ``none`` means the empty set.

    Raises :class:`linkwatch.errors.InputError` naming the unknown word.
    """
    from linkwatch.errors import InputError

    out: set[Verdict] = set()
    for item in words:
        for word in str(item).split(","):
            word = word.strip().lower()
            if not word or word == "none":
                continue
            try:
                out.add(Verdict(word))
            except ValueError:
                known = ", ".join(v.value for v in VERDICT_ORDER)
                raise InputError(
                    f"{what}: unknown verdict {word!r} (known: {known}, none)"
                ) from None
    return frozenset(out)


def counts_line(counts: Mapping[Verdict, int]) -> str:
    """``"2 lost, 1 at-risk, 5 healthy"``: the non-zero counts in urgency order."""
    parts = [f"{counts[v]} {v.value}" for v in VERDICT_ORDER if counts.get(v)]
    return ", ".join(parts) if parts else "no citations"


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_href(url: str) -> str | None:
    """``url`` when it may be a link in a report (http or https with a host), else ``None``.

    Cited URLs come from untrusted reports: a ``javascript:`` or ``data:`` URL must
    never become a clickable link.
    """
    candidate = url.strip()
    if _CONTROL.search(candidate):
        return None
    if _PLAIN_URL.match(candidate):
        return candidate
    try:
        parts = urllib.parse.urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def capture_date(timestamp: str) -> str:
    """A 14-digit archive timestamp as ``YYYY-MM-DD HH:MM`` (shorter ones as far as they go)."""
    ts = "".join(ch for ch in timestamp if ch.isdigit())
    if len(ts) >= 12:
        return f"{ts[0:4]}-{ts[4:6]}-{ts[6:8]} {ts[8:10]}:{ts[10:12]}"
    if len(ts) >= 8:
        return f"{ts[0:4]}-{ts[4:6]}-{ts[6:8]}"
    return ts


def live_text(r: CitationResult) -> str:
    """``"not-found (HTTP 404): reason"``: the live status with its HTTP status and reason."""
    if r.live is None:
        return LiveStatus.NOT_CHECKED.value
    text = r.live.status.value
    if r.live.http_status is not None:
        text += f" (HTTP {r.live.http_status})"
    if r.live.reason:
        text += f": {r.live.reason}"
    if r.live.failing_since and r.live.status in FAILING_LIVE:
        text += f"; failing since {r.live.failing_since}, {r.live.consecutive_failures} run(s)"
    return text


def change_text(r: CitationResult) -> str:
    """The change found, in words: status, similarity, reason, missing figures."""
    if r.change is None:
        return ChangeStatus.UNKNOWN.value
    c = r.change
    text = "replaced (off-topic)" if c.off_topic else c.status.value
    if c.similarity is not None:
        text += f" (similarity {c.similarity:.2f})"
    if c.reason:
        text += f": {c.reason}"
    if c.figures_missing_live:
        text += f"; figures missing live: {', '.join(c.figures_missing_live)}"
    if c.changed_since_last_run:
        text += "; changed since last run"
    return text


def citation_text(r: CitationResult) -> str:
    """``"c12: Xinhua, 2023-10-27, note 14"``: id, source, date and where it appears."""
    c = r.citation
    parts = [p for p in (c.source or c.title, c.date, c.location) if p]
    return f"{c.id}: {', '.join(parts)}" if parts else c.id


def page_title(r: CitationResult) -> str:
    """The citation's own title, else the title of the fetched page, else ``""``."""
    if r.citation.title:
        return r.citation.title
    if r.live is not None and r.live.fingerprint is not None:
        return r.live.fingerprint.title
    return ""
