"""From a report to citation records: read, find citations, date them, give them ids."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import gc
import hashlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from linkwatch.errors import InputError, ReportError
from linkwatch.extract import notes, parallel, parse
from linkwatch.extract.dates import PartialDate
from linkwatch.extract.document import Block, Document, Format
from linkwatch.extract.formats import detect_binary, read_binary
from linkwatch.extract.published import infer_published
from linkwatch.extract.reading import decode_report, read_bytes
from linkwatch.extract.text import read_text
from linkwatch.extract.urls import archive_info, looks_truncated
from linkwatch.records import Citation

#: Reports with at least this many characters are read by two processes where the platform
#: can fork and a second core is idle (see :mod:`linkwatch.extract.parallel`): finding
#: citations and building records is most of the time.
PARALLEL_MIN_CHARS = 2_000_000

#: The longest ``context`` excerpt, in characters.
CONTEXT_CHARS = 200

_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*\s+(?=[A-Z“\"‘(\[\d]|[^\x00-\x7f])")
_NOTE_MARK = re.compile(r"\s*\[\d{1,4}\]")
_SLUG = re.compile(r"[^a-z0-9]+")
_WORDS = re.compile(r"\w+")
_HOST = re.compile(r"^(?:https?://)?(?:www\.)?([^/:?#]+)", re.IGNORECASE)


@dataclasses.dataclass(frozen=True, slots=True)
class Extraction:
    """The citations of one report and the publication date they were dated against."""

    report: str
    format: Format
    published: str
    """``YYYY-MM-DD``, or empty when nothing gave or implied it."""
    published_from: str
    """``--published``, the metadata it came from, ``dateline``, or the inference rule."""
    citations: list[Citation]


def detect_format(text: str, filename: str = "") -> Format:
    """The format a file name says, else the one its content shows."""
    lower = filename.lower()
    if lower.endswith((".html", ".htm", ".xhtml", ".shtml")):
        return Format.HTML
    if lower.endswith((".md", ".markdown", ".mdown", ".mkd")):
        return Format.MARKDOWN
    if lower.endswith(".txt"):
        return Format.TEXT
    head = text[:4096].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or re.search(
        r"<(?:body|article|p|div)\b[^>]*>", head
    ):
        return Format.HTML
    sample = text[:65536]
    if (
        sample.startswith("---\n")
        or re.search(r"\]\((?:https?://|/|#)", sample)
        or re.search(r"^\[\^?[^\]]+\]:\s", sample, re.MULTILINE)
        or re.search(r"^#{1,6}\s+\S", sample, re.MULTILINE)
    ):
        return Format.MARKDOWN
    return Format.TEXT


def read_document(text: str, fmt: Format) -> Document:
    """The report read into blocks by the reader for its format."""
    if fmt is Format.HTML:
        from linkwatch.extract.html import read_html

        return read_html(text)
    if fmt is Format.MARKDOWN:
        from linkwatch.extract.markdown import read_markdown

        return read_markdown(text)
    return read_text(text)


def extract_file(
    path: Path,
    *,
    published: dt.date | None = None,
    fmt: Format = Format.AUTO,
) -> Extraction:
    """The citations of the report at ``path``; raises :class:`ReportError` on bad input."""
    path = Path(path)
    raw = read_bytes(path)
    if fmt is Format.AUTO:
        fmt = detect_binary(raw, path.name) or Format.AUTO
    if fmt in (Format.DOCX, Format.PDF):
        document = read_binary(raw, str(path), fmt)
        return _extract_document(document, len(raw), path.name, published, fmt)
    text = decode_report(raw, str(path))
    if not text.strip():
        raise ReportError(f"{path}: the report is empty")
    return extract_text(text, report=path.name, published=published, fmt=fmt)


def extract_text(
    text: str,
    *,
    report: str = "",
    published: dt.date | None = None,
    fmt: Format = Format.AUTO,
) -> Extraction:
    """Extract the citations of a report held in ``text``; ``report`` names it in the records."""
    if fmt is Format.AUTO:
        fmt = detect_format(text, report)
    if fmt in (Format.DOCX, Format.PDF):
        raise ReportError(f"{report or 'the report'}: a {fmt.value} report is read from its file")
    return _extract_document(read_document(text, fmt), len(text), report, published, fmt)


def _extract_document(
    document: Document, size: int, report: str, published: dt.date | None, fmt: Format
) -> Extraction:
    collecting = gc.isenabled()
    if collecting and fmt is Format.HTML:
        # The parsed page is garbage now, but a tree of reference cycles: free it first.
        gc.collect()
    # Finding citations and building records makes many objects and no reference cycles:
    # the collector's passes over the growing heap would only cost time.
    gc.disable()
    try:
        return _extract(document, size, report, published, fmt)
    finally:
        if collecting:
            gc.enable()


def _extract(
    document: Document, size: int, report: str, published: dt.date | None, fmt: Format
) -> Extraction:
    def decide(dates: list[parallel.Dated]) -> tuple[dt.date | None, str]:
        if published is not None:
            return published, "--published"
        if document.published is not None:
            return document.published, document.published_from
        inference = infer_published(
            [date for in_note, date in dates if not in_note],
            " ".join(b.text for b in document.blocks if b.role != "note"),
            [date for in_note, date in dates if in_note],
        )
        return (inference.date, inference.reason) if inference else (None, "")

    def build(
        found: list[tuple[Block, parse.Found]], decision: tuple[dt.date | None, str]
    ) -> list[Citation]:
        return _records(found, report=report, published=decision[0])

    split = None
    if size >= PARALLEL_MIN_CHARS:
        split = parallel.split_run(document.blocks, _find, _dates, decide, build)
    if split is None:
        found = _find(document.blocks)
        decision = decide(_dates(found))
        split = build(found, decision), decision
    records, (pub, pub_from) = split
    citations = number_duplicates(records)
    return Extraction(
        report=report,
        format=fmt,
        published=pub.isoformat() if pub else "",
        published_from=pub_from,
        citations=citations,
    )


def find_citations(document: Document) -> list[tuple[Block, parse.Found]]:
    """Every citation in the document's blocks, in reading order."""
    return _find(document.blocks)


def _find(blocks: Sequence[Block]) -> list[tuple[Block, parse.Found]]:
    out: list[tuple[Block, parse.Found]] = []
    for block in blocks:
        if block.role == "note":
            items = notes.notes(block)
        else:
            kind = "caption" if block.role == "caption" else "inline"
            items, used = parse.parentheticals(block, kind)
            if block.role == "caption" and not items:
                items = _caption_line(block)
                used = [(0, len(block.text))] if items else used
            items = items + parse.loose_links(block, used) + parse.narratives(block, used)
            items.sort(key=lambda f: f.start)
        out.extend((block, item) for item in items)
    return out


def _dates(found: list[tuple[Block, parse.Found]]) -> list[parallel.Dated]:
    """The citations' dates, each with whether it came from a note."""
    return [(block.role == "note", item.date) for block, item in found if item.date is not None]


def _caption_line(block: Block) -> list[parse.Found]:
    """A caption such as ``Source: Xinhua`` (no parentheses)."""
    match = re.search(
        r"(?:^|[.\s])(?:source|sources|photo|image|credit|courtesy\s+of)\s*[:：]?\s*(?P<rest>[^()]{1,100})$",
        block.text,
        re.IGNORECASE,
    )
    if match is None:
        return []
    rest = match.group("rest").strip().rstrip(".")
    parsed = parse.parse_source_date(rest, linked=True)
    source, date = parsed if parsed else (rest, None)
    if not parse.plausible_source(source, linked=True):
        return []
    url = block.links[0].href if block.links else ""
    return [
        parse.Found(
            "caption", match.start("rest"), len(block.text), source=source, date=date, url=url
        )
    ]


_ABBREVIATIONS = frozenset(
    [
        "co",
        "inc",
        "ltd",
        "corp",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "vol",
        "pp",
        "p",
        "vs",
        "etc",
        "gen",
        "sen",
        "rep",
        "gov",
        "jr",
        "sr",
        "dept",
        "est",
        "fig",
        "approx",
        "ca",
        "cf",
        "al",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
    ]
)


def _sentence_bounds(text: str) -> list[int]:
    bounds: list[int] = []
    for match in _SENTENCE_END.finditer(text):
        if text[match.start()] == ".":
            word = text[max(0, match.start() - 12) : match.start()].rsplit(None, 1)[-1:]
            last = word[0].lower().lstrip('(“"') if word else ""
            # "Co. (伊犁…)", "Dr. Zenz", "A. Zenz": a full stop that ends a word, not a sentence.
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
        bounds.append(match.end())
    return bounds


def context_excerpt(text: str, start: int, end: int, bounds: Sequence[int] | None = None) -> str:
    """The sentence a citation at ``text[start:end]`` supports, cut to :data:`CONTEXT_CHARS`.

    The words nearest the citation are kept: the claim comes before it.
    """
    if bounds is None:
        bounds = _sentence_bounds(text)
    i = bisect.bisect_right(bounds, start)
    s = bounds[i - 1] if i else 0
    j = bisect.bisect_left(bounds, end)
    e = bounds[j] if j < len(bounds) else len(text)
    claim = _unmark(text[s:start]).strip()
    if len(claim) < 40:
        claim = _unmark(text[s:e]).strip()
    claim = " ".join(claim.split()).rstrip(" (")
    if len(claim) <= CONTEXT_CHARS:
        return claim
    cut = claim[-(CONTEXT_CHARS - 1) :]
    space = cut.find(" ")
    if 0 <= space < 40:
        cut = cut[space + 1 :]
    return "…" + cut


def _unmark(text: str) -> str:
    """``text`` without note markers such as ``[3]``."""
    return _NOTE_MARK.sub("", text) if "[" in text else text


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= CONTEXT_CHARS:
        return text
    cut = text[: CONTEXT_CHARS - 1]
    space = cut.rfind(" ")
    if space > CONTEXT_CHARS - 40:
        cut = cut[:space]
    return cut + "…"


@functools.lru_cache(maxsize=1 << 14)
def _slug(value: str) -> str:
    slug = _SLUG.sub("-", value.lower()).strip("-")
    return slug[:24].rstrip("-")


def _host(url: str) -> str:
    match = _HOST.match(url)
    return match.group(1) if match else ""


def citation_id(
    *,
    report: str,
    kind: str,
    source: str,
    written_date: str,
    url: str,
    context: str,
    alternate: bool,
) -> str:
    """A stable id: a slug of the source (or URL host) and a hash of what identifies the citation.

    The hash covers the report name, kind, source, the date as written, the URL and the
    words of the context, so an edit elsewhere in the report leaves it unchanged.
    """
    return _id_from_words(
        report, kind, source, written_date, url, _context_words(context), alternate
    )


def _context_words(context: str) -> str:
    return " ".join(_WORDS.findall(context.lower()))


def _id_from_words(
    report: str, kind: str, source: str, written_date: str, url: str, words: str, alternate: bool
) -> str:
    key = "\x1f".join((report, kind, source, written_date, url, words, "alt" if alternate else ""))
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    stem = _slug(source) or _slug(_host(url)) or kind
    return f"{stem}-{digest}"


def build_records(
    found: Iterable[tuple[Block, parse.Found]], *, report: str, published: dt.date | None
) -> list[Citation]:
    """Records for found citations: dates resolved, URLs classified, contexts cut, ids given."""
    return number_duplicates(_records(found, report=report, published=published))


def number_duplicates(records: list[Citation]) -> list[Citation]:
    """``records`` with the second and later uses of an id numbered (``-2``, ``-3``…)."""
    seen: dict[str, int] = {}
    for i, record in enumerate(records):
        n = seen.get(record.id, 0) + 1
        seen[record.id] = n
        if n > 1:
            records[i] = dataclasses.replace(record, id=f"{record.id}-{n}")
    return records


def _records(
    found: Iterable[tuple[Block, parse.Found]], *, report: str, published: dt.date | None
) -> list[Citation]:
    """Records with ids not yet numbered apart."""
    records: list[Citation] = []
    published_iso = published.isoformat() if published else ""
    current: Block | None = None
    bounds: list[int] | None = None
    location = ""
    contexts: dict[tuple[int, int], str] = {}
    # The citations of one parenthesis share their context: its words are read once.
    last_context = ""
    last_words = ""
    for block, item in found:
        if block is not current:
            # Sentence bounds, location and contexts are per block: computed once each.
            current = block
            bounds = None
            location = block.location
            contexts = {}
        flags = set(item.flags)
        date = item.date
        if date is None:
            written = iso = ""
        elif date.year is not None:
            written = iso = date.iso()
        else:
            written = _written(date)
            if published is not None:
                date = date.with_year_from(published)
                flags.add("year-inferred")
            iso = date.iso()
        if item.excerpt:
            context = _excerpt(_unmark(item.excerpt))
        elif item.kind == "caption" or block.role == "caption":
            context = _excerpt(block.text)
        else:
            if bounds is None:
                bounds = _sentence_bounds(block.text)
            start = item.anchor if item.anchor >= 0 else item.start
            # The context depends on the end only through the sentence the end falls in.
            key = (start, bisect.bisect_left(bounds, item.end))
            cached = contexts.get(key)
            if cached is None:
                cached = contexts[key] = context_excerpt(block.text, start, item.end, bounds)
            context = cached
        original = archived = ""
        if item.url:
            info = archive_info(item.url)
            if info is not None:
                flags.add("web-archive")
                original, archived = info.original_url, info.archived_at
                if info.truncated:
                    flags.add("truncated")
            if looks_truncated(item.url):
                flags.add("truncated")
        if context != last_context:
            last_context, last_words = context, _context_words(context)
        cid = _id_from_words(
            report, item.kind, item.source, written, item.url, last_words, "alternate" in flags
        )
        records.append(
            Citation(
                id=cid,
                report=report,
                kind=item.kind,
                source=item.source,
                author=item.author,
                date=iso,
                url=item.url,
                doi=item.doi,
                title=item.title,
                accessed=item.accessed,
                original_url=original,
                archived_at=archived,
                published=published_iso,
                location=location,
                context=context,
                flags=";".join(sorted(flags)) if flags else "",
            )
        )
    return records


def _written(date: PartialDate | None) -> str:
    if date is None:
        return ""
    if date.year is None:
        return f"--{date.month or 0:02d}-{date.day or 0:02d}"
    return date.iso()


def extract_reports(
    paths: Sequence[Path], *, published: dt.date | None = None, fmt: Format = Format.AUTO
) -> list[Extraction]:
    """Extract several reports; two reports with the same file name are refused."""
    names: dict[str, Path] = {}
    for path in paths:
        name = Path(path).name
        if name in names and Path(names[name]).resolve() != Path(path).resolve():
            raise InputError(
                f"{path}: another report has the same file name ({names[name]}); rename one"
            )
        names[name] = Path(path)
    return [extract_file(Path(p), published=published, fmt=fmt) for p in dict.fromkeys(paths)]
