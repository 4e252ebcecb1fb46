"""``linkwatch find``: propose source pages for unlinked citations from web-archive indexes.

For each unlinked citation with a known outlet and a date (day or month), every archive
that offers an index is asked for the outlet's HTML pages captured from the date minus
the window to the date plus the window. A cheap first pass on the index rows (dates and
words in the URL) orders them; the first ``fetch_limit`` captures are fetched within the
archive's replay budget (and kept in the store: a capture never changes) and scored
against the citation (:mod:`linkwatch.find.score`). The best ``top`` become candidates.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from linkwatch.archives.cache import StoreArchiveCache
from linkwatch.archives.choose import parse_target
from linkwatch.archives.config import ArchiveOptions
from linkwatch.archives.lookup import ArchiveSession, ArchiveUnavailable
from linkwatch.archives.memento import parse_cited_capture
from linkwatch.client import DEFAULT_USER_AGENT, ClientConfig, make_client, run_async
from linkwatch.compare.text import PageText
from linkwatch.errors import InputError
from linkwatch.find.candidates import (
    Candidate,
    accept,
    best_to_accept,
    candidates_path,
    read_candidates,
    write_candidates,
)
from linkwatch.find.index import (
    IndexCapture,
    IndexSource,
    domain_captures,
    index_source,
    is_section_page,
    page_key,
)
from linkwatch.find.outlets import Outlet, OutletRegistry, line_to_add
from linkwatch.find.score import (
    ACCEPT_MARGIN,
    THRESHOLD,
    Clues,
    clues_for,
    has_evidence,
    judge_page,
    url_prior,
)
from linkwatch.find.settings import FindSettings
from linkwatch.records import Citation, read_citations_file, write_citations
from linkwatch.store.db import Store, default_db_path


@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    """What ``find`` does for one unlinked citation: search, or why not."""

    citation: Citation
    outlet: Outlet | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    skip: str = ""
    """Why the citation is not searched; empty when it is."""

    @property
    def span(self) -> str:
        """The date range as ``2023-10-26…28``."""
        return date_span(self.start, self.end) if self.start and self.end else ""

    def describe(self) -> str:
        """One line: what would be queried, or why nothing is."""
        if self.skip:
            named = self.outlet is not None and self.skip.startswith(self.outlet.name)
            prefix = f"{self.outlet.name}: " if self.outlet is not None and not named else ""
            return f"{self.citation.id}: {prefix}{self.skip}"
        assert self.outlet is not None
        places = ", ".join(p if how == "domain" else f"{p} (host)" for p, how in self.outlet.places)
        return f"{self.citation.id}: {self.outlet.name} → {places}, captures {self.span}"


@dataclasses.dataclass(frozen=True, slots=True)
class Found:
    """The outcome for one searched citation."""

    plan: Plan
    candidates: list[Candidate]
    listed: int
    """Distinct pages the indexes listed."""
    fetched: int
    notes: list[str] = dataclasses.field(default_factory=list)

    answered: int = 0
    """Index queries that were answered (an empty answer counts)."""

    @property
    def unanswered(self) -> bool:
        """No index could be asked about this citation (none offered, or each failed)."""
        return not self.answered

    @property
    def convincing(self) -> bool:
        """Whether the best candidate reaches the calibrated threshold."""
        return bool(self.candidates) and self.candidates[0].score >= THRESHOLD

    def verdict(self) -> str:
        """One line on what was found."""
        assert self.plan.outlet is not None
        places = ", ".join(p for p, _ in self.plan.outlet.places)
        if self.unanswered:
            return f"{self.plan.citation.id}: no archive index answered for {places}"
        where = f"{self.listed} captures of {places} on {self.plan.span}"
        if not self.convincing:
            return f"{self.plan.citation.id}: no candidate above {THRESHOLD} among {where}"
        best = self.candidates[0]
        return f"{self.plan.citation.id}: {best.url} ({best.score:.2f}; {best.evidence})"


def date_span(start: dt.date, end: dt.date) -> str:
    """``2023-10-26…28``, ``2023-10-31…11-02`` or ``2023-12-31…2024-01-01``."""
    if start == end:
        return start.isoformat()
    if start.year != end.year:
        return f"{start.isoformat()}…{end.isoformat()}"
    if start.month != end.month:
        return f"{start.isoformat()}…{end.strftime('%m-%d')}"
    return f"{start.isoformat()}…{end.strftime('%d')}"


def is_unlinked(citation: Citation) -> bool:
    """No URL nor DOI, or a truncated web-archive URL without the page it captured."""
    if not citation.url.strip():
        return not citation.doi.strip()
    cited = parse_cited_capture(citation.url)
    return cited is not None and cited.truncated and not citation.original_url


def plan_find(citations: Sequence[Citation], registry: OutletRegistry, window: int) -> list[Plan]:
    """A plan for every unlinked citation among ``citations``."""
    plans: list[Plan] = []
    for c in citations:
        if not is_unlinked(c):
            continue
        if c.url.strip():
            plans.append(
                Plan(
                    c,
                    registry.match(c.source),
                    skip="has a truncated web-archive URL: not replaced",
                )
            )
            continue
        if not c.source.strip():
            plans.append(Plan(c, skip="no outlet named"))
            continue
        outlet = registry.match(c.source)
        if outlet is None:
            plans.append(
                Plan(
                    c,
                    skip=f"unknown outlet {c.source!r}: add {line_to_add(c.source)}"
                    " under [outlets] (linkwatch.toml or --outlets FILE)",
                )
            )
            continue
        target = parse_target(c.date, "date") if c.date else None
        if target is None:
            plans.append(Plan(c, outlet, skip=f"{outlet.name}: no date to search around"))
            continue
        if target.label == str(target.start.year):
            plans.append(
                Plan(
                    c, outlet, skip=f"{outlet.name}: the date is only a year ({c.date}): too broad"
                )
            )
            continue
        pad = dt.timedelta(days=window)
        start, end = target.start.date() - pad, target.end.date() + pad
        if not has_evidence(clues_for(c)):
            plans.append(
                Plan(c, outlet, start, end, skip="the citation gives nothing to match a page on")
            )
            continue
        plans.append(Plan(c, outlet, start, end))
    return plans


#: Fetches a capture's main text; None when it is not a good capture.
PageFetch = Callable[[IndexCapture], Awaitable[PageText | None]]


async def rank_captures(
    plan: Plan, captures: Sequence[IndexCapture], fetch: PageFetch, settings: FindSettings
) -> tuple[list[Candidate], int]:
    """The best ``top`` candidates among ``captures``; also how many were fetched."""
    clues = clues_for(plan.citation)
    target = plan.start + (plan.end - plan.start) / 2 if plan.start and plan.end else None

    def order(cap: IndexCapture) -> tuple[float, float]:
        prior = url_prior(clues, cap.original) - (3.0 if is_section_page(cap.original) else 0.0)
        far = abs((cap.memento.when.date() - target).days) if target else 0
        return (-prior, far)

    chosen = sorted(captures, key=order)[: settings.fetch_limit]
    pages = await asyncio.gather(*(fetch(cap) for cap in chosen))
    scored = []
    for cap, page in zip(chosen, pages, strict=True):
        if page is None:
            continue
        judged = judge_page(clues, cap.original, page)
        scored.append((judged.score, cap, judged.evidence))
    scored.sort(key=lambda s: (-s[0], order(s[1])))
    out = [
        Candidate(
            id=plan.citation.id,
            rank=i + 1,
            score=score,
            url=cap.original,
            capture_url=cap.memento.url,
            capture_date=cap.memento.when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            evidence=evidence,
        )
        for i, (score, cap, evidence) in enumerate(scored[: settings.top])
    ]
    return out, len(chosen)


class Finder:
    """One ``find`` run: the archives' indexes, shared budgets and the capture cache."""

    def __init__(
        self,
        archives: ArchiveOptions,
        settings: FindSettings,
        *,
        db: Path | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        self.archives = archives
        self.settings = settings
        self._db = db
        self._user_agent = user_agent
        self.notes: list[str] = []
        self.sources: list[IndexSource] = []
        self._answers: dict[tuple[str, str, str, dt.date, dt.date], list[IndexCapture]] = {}
        self._pages: dict[str, PageText | None] = {}
        self._cache: StoreArchiveCache | None = None

    @property
    def requests(self) -> int:
        """Requests sent to archives so far."""
        return sum(s.session.requests for s in self.sources)

    async def run(
        self, plans: Sequence[Plan], on_found: Callable[[Found], None] | None = None
    ) -> list[Found]:
        """Search every plan that is not skipped; ``on_found`` hears of each as it is done."""
        todo = [p for p in plans if not p.skip]
        store = Store(self._db, lock=False) if self._db is not None and todo else None
        client = make_client(
            ClientConfig(
                user_agent=self._user_agent, timeout=self.archives.timeout, allow_private=True
            )
        )
        try:
            if store is not None:
                self._cache = StoreArchiveCache(store)
            if todo:
                for archive in self.archives.archives:
                    session = ArchiveSession(archive, self.archives, client)
                    source, note = await index_source(session)
                    if source is not None:
                        self.sources.append(source)
                    else:
                        self.notes.append(note)
            out = []
            for plan in todo:
                found = await self._one(plan)
                if on_found is not None:
                    on_found(found)
                out.append(found)
            return out
        finally:
            await client.aclose()
            if store is not None:
                store.close()

    async def _one(self, plan: Plan) -> Found:
        assert plan.outlet is not None and plan.start and plan.end
        captures: dict[str, IndexCapture] = {}
        notes: list[str] = []
        answered = 0
        for source in self.sources:
            for place, how in plan.outlet.places:
                key = (source.session.config.name, place, how, plan.start, plan.end)
                if key not in self._answers:
                    try:
                        answer = await domain_captures(
                            source,
                            place,
                            how,
                            plan.start,
                            plan.end,
                            page_size=self.settings.page_size,
                            max_pages=self.settings.max_pages,
                        )
                    except ArchiveUnavailable as exc:
                        notes.append(f"{plan.citation.id}: {exc}")
                        continue
                    if answer.truncated:
                        notes.append(
                            f"{plan.citation.id}: {source.session.config.name} lists more"
                            f" pages of {place} than {self.settings.max_pages} index pages:"
                            " the rest were not read"
                        )
                    self._answers[key] = answer.captures
                answered += 1
                for cap in self._answers[key]:
                    if plan.outlet.owns(cap.host):
                        captures.setdefault(page_key(cap.original), cap)
        candidates, fetched = await rank_captures(
            plan, list(captures.values()), self._page, self.settings
        )
        return Found(plan, candidates, len(captures), fetched, notes, answered)

    async def _page(self, cap: IndexCapture) -> PageText | None:
        if cap.memento.url in self._pages:
            return self._pages[cap.memento.url]
        session = next(s.session for s in self.sources if s.session.config.name == cap.archive)
        raw = session.raw(cap.memento.url)
        fetched = self._cache.get_capture(raw) if self._cache is not None else None
        if fetched is None:
            try:
                fetched = await session.fetch_capture(cap.memento, cap.original)
            except ArchiveUnavailable:
                self._pages[cap.memento.url] = None
                return None
            if self._cache is not None:
                self._cache.put_capture(fetched)
        page = fetched.page if fetched.good else None
        self._pages[cap.memento.url] = page
        return page


def clues_summary(clues: Clues) -> str:
    """What a citation offers to match on, in words (for --dry-run)."""
    parts = []
    if clues.figures:
        parts.append(f"{len(clues.figures)} figures")
    if clues.terms:
        parts.append("terms " + ", ".join(clues.terms[:3]))
    if clues.phrases:
        parts.append(f"{len(clues.phrases)} quoted phrases")
    if clues.names:
        parts.append(f"{len(clues.names)} names")
    return "; ".join(parts) or "nothing"


@dataclasses.dataclass(frozen=True, slots=True)
class FindOutcome:
    """What a ``find`` run did: the plans, what was found, what was written."""

    plans: list[Plan]
    found: list[Found]
    candidates_file: Path | None = None
    accepted: list[str] = dataclasses.field(default_factory=list)
    refused: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    requests: int = 0

    @property
    def inconclusive(self) -> bool:
        """Citations were to be searched but no archive index answered for any of them."""
        return bool(self.found) and all(f.unanswered for f in self.found)

    def summary(self) -> str:
        """The one-line summary for stderr."""
        searched = sum(1 for p in self.plans if not p.skip)
        unknown = sum(1 for p in self.plans if p.skip.startswith("unknown outlet"))
        known = sum(1 for p in self.plans if p.outlet is not None)
        convincing = sum(1 for f in self.found if f.convincing)
        line = (
            f"find: {len(self.plans)} unlinked citations: {known} with a known outlet,"
            f" {unknown} unknown, {searched} searchable"
        )
        if self.found:
            line += f"; {convincing} with a candidate ≥ {THRESHOLD}"
        if self.accepted:
            line += f"; {len(self.accepted)} accepted into the citations file"
        if self.candidates_file is not None:
            line += f"; candidates in {self.candidates_file}"
        return line


def run_find(
    citations_file: Path,
    archives: ArchiveOptions,
    settings: FindSettings,
    registry: OutletRegistry,
    *,
    ids: Sequence[str] = (),
    dry_run: bool = False,
    picks: Sequence[tuple[str, int]] = (),
    db: Path | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
    progress: Callable[[Found], None] | None = None,
) -> FindOutcome:
    """Plan, search, write candidates.csv and accept, as ``linkwatch find`` does.

    Each citation's candidates are written to candidates.csv as soon as it is searched,
    so an interrupted run keeps what it found; ``progress`` hears of each citation too.
    ``picks`` (``--accept ID:RANK``) accept rows of an existing candidates.csv without
    searching. Raises :class:`linkwatch.errors.InputError` for bad input.
    """
    # Accepted URLs are written back in the file's own dialect (a spreadsheet's separator,
    # encoding and line endings).
    found_file = read_citations_file(citations_file)
    citations, dialect = found_file.citations, found_file.dialect
    wanted = set(ids)
    unknown = sorted(wanted - {c.id for c in citations})
    if unknown:
        raise InputError(f"{citations_file}: no citation with id {unknown[0]!r}")
    chosen = [c for c in citations if not wanted or c.id in wanted]
    plans = plan_find(chosen, registry, settings.window)
    planned = {p.citation.id for p in plans}
    linked = [
        f"{c.id}: has a URL or DOI: nothing to find" for c in chosen if c.id in wanted - planned
    ]
    path = candidates_path(citations_file)
    if picks:
        rows = {(c.id, c.rank): c for c in read_candidates(path)}
        selection: dict[str, Candidate] = {}
        for cid, rank in picks:
            if (cid, rank) not in rows:
                raise InputError(f"{path}: no candidate {cid}:{rank}")
            selection[cid] = rows[(cid, rank)]
        updated, taken, declined = accept(citations, selection)
        if taken:
            write_citations(citations_file, updated, dialect)
        return FindOutcome(plans, [], None, taken, declined)
    if dry_run:
        return FindOutcome(plans, [], notes=linked)
    finder = Finder(
        archives, settings, db=db or default_db_path(citations_file), user_agent=user_agent
    )
    order = [c.id for c in citations]

    def keep(found: Found) -> None:
        write_candidates(path, {found.plan.citation.id: found.candidates}, order)
        if progress is not None:
            progress(found)

    found = run_async(finder.run(plans, keep))
    unknown_outlets = [p.describe() for p in plans if p.skip.startswith("unknown outlet")]
    notes = [*linked, *unknown_outlets, *finder.notes, *(n for f in found for n in f.notes)]
    done: list[str] = []
    refused: list[str] = []
    if settings.accept_above is not None:
        picked = {
            f.plan.citation.id: best
            for f in found
            if (best := best_to_accept(f.candidates, settings.accept_above, ACCEPT_MARGIN))
        }
        if picked:
            updated, done, refused = accept(citations, picked)
            if done:
                write_citations(citations_file, updated, dialect)
    return FindOutcome(
        plans,
        found,
        path if found else None,
        done,
        refused,
        notes,
        finder.requests,
    )
