"""``candidates.csv``: the pages proposed for unlinked citations, and accepting one of them.

The file sits beside the citations file; one row per candidate (``id``, ``rank``,
``score``, ``url``, ``capture_url``, ``capture_date``, ``evidence``), best first per
citation. Nothing goes into ``citations.csv`` unless asked: :func:`accept` writes a chosen
candidate's URL into ``url`` and flags the citation ``found``, and never replaces a URL a
person gave.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from linkwatch.errors import CitationsFileError, InputError
from linkwatch.fsutil import atomic_write_text
from linkwatch.records import Citation, restore_cell, rows_to_csv

#: The columns of candidates.csv, in order.
CANDIDATE_COLUMNS: tuple[str, ...] = (
    "id",
    "rank",
    "score",
    "url",
    "capture_url",
    "capture_date",
    "evidence",
)
CANDIDATES_NAME = "candidates.csv"
#: The flag of a citation whose URL linkwatch found (and may replace again).
FOUND = "found"


@dataclasses.dataclass(frozen=True, slots=True)
class Candidate:
    """A page proposed as the source of a citation, with the capture it was judged on."""

    id: str
    rank: int
    score: float
    url: str
    capture_url: str
    capture_date: str
    """``YYYY-MM-DDTHH:MM:SSZ``."""
    evidence: str

    def as_row(self) -> dict[str, str]:
        """The candidate as a CSV row."""
        return {
            "id": self.id,
            "rank": str(self.rank),
            "score": f"{self.score:.3f}",
            "url": self.url,
            "capture_url": self.capture_url,
            "capture_date": self.capture_date,
            "evidence": self.evidence,
        }


def candidates_path(citations: Path) -> Path:
    """Where candidates.csv goes: beside the citations file."""
    return Path(citations).resolve().parent / CANDIDATES_NAME


def read_candidates(path: Path) -> list[Candidate]:
    """Read a candidates.csv (none when absent); raises :class:`InputError` when malformed."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in ("id", "rank", "url") if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{path}: not a candidates file (missing column {', '.join(missing)})")
    out: list[Candidate] = []
    for lineno, row in enumerate(reader, start=2):
        values = {k: restore_cell(v or "") for k, v in row.items() if k}
        try:
            rank = int(values.get("rank", ""))
            score = float(values.get("score") or 0.0)
        except ValueError:
            raise InputError(f"{path}: line {lineno}: rank and score must be numbers") from None
        out.append(
            Candidate(
                id=values.get("id", ""),
                rank=rank,
                score=score,
                url=values.get("url", "").strip(),
                capture_url=values.get("capture_url", ""),
                capture_date=values.get("capture_date", ""),
                evidence=values.get("evidence", ""),
            )
        )
    return out


def candidates_to_csv(candidates: Iterable[Candidate]) -> str:
    """CSV text with the :data:`CANDIDATE_COLUMNS` header (formulas neutralised)."""
    return rows_to_csv(CANDIDATE_COLUMNS, (c.as_row() for c in candidates))


def write_candidates(
    path: Path, fresh: Mapping[str, Sequence[Candidate]], order: Sequence[str]
) -> list[Candidate]:
    """Write candidates atomically: this run's per citation, earlier rows of other citations kept.

    ``fresh`` maps every searched citation id to its candidates (possibly none, which
    removes its old rows); ``order`` is the citations file's id order. Returns what was
    written.
    """
    kept = [c for c in read_candidates(path) if c.id not in fresh]
    by_id: dict[str, list[Candidate]] = {}
    for c in [*kept, *(c for group in fresh.values() for c in group)]:
        by_id.setdefault(c.id, []).append(c)
    position = {cid: i for i, cid in enumerate(order)}
    rows = [
        c
        for cid in sorted(by_id, key=lambda i: (position.get(i, len(position)), i))
        for c in sorted(by_id[cid], key=lambda c: c.rank)
    ]
    atomic_write_text(Path(path), candidates_to_csv(rows))
    return rows


def parse_accept(value: str) -> tuple[str, int]:
    """``ID:RANK`` → (id, rank); raises :class:`InputError`."""
    cid, sep, rank = value.rpartition(":")
    if not sep or not cid or not rank.strip().isdigit() or int(rank) < 1:
        raise InputError(f"--accept {value!r}: expected ID:RANK, e.g. xinhua-1a2b3c4d:1")
    return cid.strip(), int(rank)


def may_write_url(citation: Citation) -> bool:
    """Whether linkwatch may set the citation's URL: empty, or one it found itself."""
    return not citation.url.strip() or FOUND in citation.flag_set


def with_url(citation: Citation, url: str) -> Citation:
    """The citation with ``url`` and the ``found`` flag."""
    flags = ";".join(sorted(citation.flag_set | {FOUND}))
    return dataclasses.replace(citation, url=url, flags=flags)


def best_to_accept(group: Sequence[Candidate], above: float, margin: float) -> Candidate | None:
    """The best candidate when it scores at least ``above`` and leads the second by ``margin``."""
    ranked = sorted(group, key=lambda c: c.rank)
    if not ranked or ranked[0].score < above:
        return None
    if len(ranked) > 1 and ranked[0].score - ranked[1].score < margin:
        return None
    return ranked[0]


def accept(
    citations: Sequence[Citation], chosen: Mapping[str, Candidate]
) -> tuple[list[Citation], list[str], list[str]]:
    """Write the ``chosen`` candidates' URLs into their citations.

    Returns the citations, the ids accepted, and a line for each one refused (a URL a
    person gave is never replaced). Raises :class:`CitationsFileError` for an unknown id.
    """
    known = {c.id for c in citations}
    unknown = sorted(set(chosen) - known)
    if unknown:
        raise CitationsFileError(f"no citation with id {unknown[0]!r} in the citations file")
    out: list[Citation] = []
    done: list[str] = []
    refused: list[str] = []
    for c in citations:
        pick = chosen.get(c.id)
        if pick is None:
            out.append(c)
        elif not may_write_url(c):
            refused.append(f"{c.id}: has a URL given by hand ({c.url}): not replaced")
            out.append(c)
        else:
            out.append(with_url(c, pick.url))
            done.append(c.id)
    return out, done, refused
