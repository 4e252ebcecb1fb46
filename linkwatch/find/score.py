"""How well a captured page matches an unlinked citation: evidence, in words and as a score.

The clues come from the citation (its context sentence and title): figures, phrases in
quotation marks, Chinese terms, names, and the date. A report is usually English and its
source Chinese, so figures (compared as values: ``3.05 million`` = ``305万``) and the
Chinese terms a report gives in brackets carry the evidence across languages; English
names and phrases count on English pages.

The score is a logistic model of a handful of evidence counts. Its weights were fitted on
the calibration split of the project's generated test archive and checked on a held-out
split (``bench/find_calibration.py``, figures in ``docs/find.md``): there, candidates at or
above :data:`THRESHOLD` are the cited page at least 95% of the time.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import functools
import importlib.resources
import math
import re
import tomllib

from linkwatch.archives.choose import parse_target
from linkwatch.compare.figures import Figure, figures_present, find_figures
from linkwatch.compare.similarity import STOPWORDS
from linkwatch.compare.text import PageText, normalise
from linkwatch.find.index import url_date, url_words
from linkwatch.records import Citation

#: Candidates scoring at least this are the cited page ≥ 95% of the time (docs/find.md).
THRESHOLD = 0.5
#: ``--accept-above`` also needs the best candidate this far ahead of the second.
ACCEPT_MARGIN = 0.2

#: Logistic weights per feature (see :func:`features`), then the intercept. Fitted by
#: ``bench/find_calibration.py --fit --splits 12`` on the calibration split (seeds
#: 20231027–20231038): a logistic regression over every capture in the citations' windows,
#: then Platt scaling on the candidates shown (the top three per citation).
WEIGHTS: dict[str, float] = {
    "figures": 2.83,
    "percents": 1.3,
    "figure_share": 2.82,
    "figures_missing": -0.2,
    "figures_absent": -3.62,
    "terms": 1.56,
    "terms_absent": -1.74,
    "phrases": 1.38,
    "names": 3.68,
    "title": 0.61,
    "title_absent": -0.03,
    "same_day": 1.34,
    "other_day": -3.66,
}
INTERCEPT = -7.42

_BRACKETED = re.compile(r"\s*[(（][^)）]*[)）]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
_QUOTED = re.compile(r"[“\"]([^”\"]{3,120})[”\"]")
_NAME = re.compile(r"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+)*)\b")
_WORD = re.compile(r"[a-z]{4,}")
#: Capitalised words that start sentences, not names.
_NOT_NAMES = frozenset(
    {w.capitalize() for w in STOPWORDS}
    | set(calendar.month_name[1:])
    | {"According", "However", "Moreover", "Meanwhile", "Since", "After", "Before", "During"}
    | {"While", "When", "Where", "Which", "These", "Those", "Their", "They", "Our"}
)


@dataclasses.dataclass(frozen=True, slots=True)
class Clues:
    """What an unlinked citation says that its source page should say too."""

    figures: tuple[Figure, ...]
    terms: tuple[str, ...]
    """Chinese terms (runs of two or more CJK characters)."""
    phrases: tuple[str, ...]
    """Phrases in quotation marks, normalised."""
    names: tuple[str, ...]
    """Capitalised names: places, people, organisations."""
    words: frozenset[str]
    """Content words of the title and context (for URL slugs and titles)."""
    title_words: frozenset[str]
    day: dt.date | None
    month: tuple[int, int] | None


@functools.cache
def chinese_names() -> dict[str, tuple[str, ...]]:
    """English names (places, peoples, people, organisations) → how Chinese pages write them."""
    text = importlib.resources.files("linkwatch.find").joinpath("names.toml").read_text("utf-8")
    table = tomllib.loads(text).get("names", {})
    return {str(k): tuple(str(v) for v in values) for k, values in table.items()}


def _names_in(text: str) -> tuple[str, ...]:
    found = [n for n in _NAME.findall(text) if n.split()[0] not in _NOT_NAMES]
    known = chinese_names()
    found += [k for k in known if re.search(rf"\b{re.escape(k)}\b", text)]
    # A longer capitalised run around a known name ("Hotan Prefecture") counts as that name.
    inside = {n: [k for k in known if k != n and re.search(rf"\b{k}\b", n)] for n in found}
    out = [n for n in found if n in known or not inside[n]]
    out += [k for n in found if n not in known for k in inside[n]]
    return tuple(dict.fromkeys(out))


def name_found(name: str, flat: str, squeezed: str) -> bool:
    """Whether a page (normalised, and without spaces) gives ``name`` in English or Chinese."""
    if re.search(rf"\b{re.escape(normalise(name))}\b", flat):
        return True
    return any(normalise(zh).replace(" ", "") in squeezed for zh in chinese_names().get(name, ()))


def clues_for(citation: Citation) -> Clues:
    """The clues a citation's context, title and date give."""
    text = " ".join(p for p in (citation.title, citation.context) if p)
    terms = tuple(dict.fromkeys(_CJK_RUN.findall(text)))
    # “high-quality development (高质量发展)”: the English phrase and the Chinese term apart.
    quoted = (normalise(_BRACKETED.sub("", p)).strip(" ,.;:") for p in _QUOTED.findall(text))
    phrases = tuple(dict.fromkeys(p for p in quoted if len(p) >= 3 and not _CJK_RUN.fullmatch(p)))
    names = _names_in(text)
    words = frozenset(w for w in _WORD.findall(text.lower()) if w not in STOPWORDS)
    title_words = frozenset(w for w in _WORD.findall(citation.title.lower()) if w not in STOPWORDS)
    target = parse_target(citation.date, "date")
    day = month = None
    if target is not None and len(target.label) == len("2023-10-27"):
        day = target.start.date()
    elif target is not None and len(target.label) == len("2023-10"):
        month = (target.start.year, target.start.month)
    return Clues(
        figures=tuple(find_figures(text)),
        terms=terms,
        phrases=phrases,
        names=names,
        words=words,
        title_words=title_words,
        day=day,
        month=month,
    )


def has_evidence(clues: Clues) -> bool:
    """Whether the citation says anything a page could be matched on beyond its date."""
    return bool(clues.figures or clues.terms or clues.phrases or clues.names or clues.title_words)


def date_relation(clues: Clues, url: str) -> str:
    """``same-day``, ``other-day`` or ``unknown``: the URL's date against the citation's."""
    found = url_date(url)
    if found is None or (clues.day is None and clues.month is None):
        return "unknown"
    if clues.day is not None:
        return "same-day" if found == clues.day else "other-day"
    return "same-day" if (found.year, found.month) == clues.month else "other-day"


def url_prior(clues: Clues, url: str) -> float:
    """The cheap first pass on index data: the URL's date and slug words against the citation."""
    relation = date_relation(clues, url)
    prior = {"same-day": 2.0, "unknown": 0.5, "other-day": 0.0}[relation]
    return prior + 0.5 * len(url_words(url) & clues.words)


@dataclasses.dataclass(frozen=True, slots=True)
class Judgement:
    """A page judged against a citation: the score and the evidence in words."""

    score: float
    evidence: str
    features: dict[str, float]


def _contains(haystack: str, needle: str) -> bool:
    return bool(needle) and needle in haystack


def features(clues: Clues, url: str, page: PageText) -> tuple[dict[str, float], list[str]]:
    """The feature values of :data:`WEIGHTS` for one page, and the evidence in words."""
    body = " ".join((page.title, *page.headings, page.text))
    flat = normalise(body)
    squeezed = flat.replace(" ", "")
    said: list[str] = []
    found, missing = figures_present(list(clues.figures), body)
    if clues.figures:
        said.append(
            f"figures {len(found)}/{len(clues.figures)}"
            + (f" ({', '.join(f.text for f in found[:4])})" if found else "")
        )
    terms = [t for t in clues.terms if _contains(squeezed, normalise(t))]
    if terms:
        said.append("terms " + ", ".join(terms[:4]))
    phrases = [p for p in clues.phrases if _contains(flat, p)]
    if phrases:
        said.append("quoted " + "; ".join(f"“{p}”" for p in phrases[:3]))
    names = [n for n in clues.names if name_found(n, flat, squeezed)]
    if names:
        said.append("names " + ", ".join(names[:4]))
    title_share = 0.0
    if clues.title_words:
        page_words = set(_WORD.findall(normalise(page.title)))
        title_share = len(clues.title_words & page_words) / len(clues.title_words)
        if title_share:
            said.append(f"title words {title_share:.0%}")
    relation = date_relation(clues, url)
    if relation == "same-day":
        said.append("dated the citation's day in its URL")
    elif relation == "other-day":
        said.append(f"dated {url_date(url)} in its URL")
    values = {
        # A percent like 24.7% is found by chance far more often than a count like 14,253.
        "figures": float(min(sum(1 for f in found if not f.percent), 4)),
        "percents": float(min(sum(1 for f in found if f.percent), 4)),
        "figure_share": len(found) / len(clues.figures) if clues.figures else 0.0,
        "figures_missing": float(min(len(missing), 4)) if found else 0.0,
        "figures_absent": 1.0 if clues.figures and not found else 0.0,
        "terms": float(min(sum(1.0 if len(t) >= 3 else 0.5 for t in terms), 4)),
        "terms_absent": 1.0 if clues.terms and not terms else 0.0,
        "phrases": float(min(len(phrases), 3)),
        "names": float(min(len(names), 4)),
        "title": title_share,
        "title_absent": 1.0 if clues.title_words and not title_share else 0.0,
        "same_day": 1.0 if relation == "same-day" else 0.0,
        "other_day": 1.0 if relation == "other-day" else 0.0,
    }
    return values, said


def probability(values: dict[str, float], weights: dict[str, float], intercept: float) -> float:
    """The logistic score of feature ``values``."""
    z = intercept + sum(weights[k] * values.get(k, 0.0) for k in weights)
    return 1.0 / (1.0 + math.exp(-z))


def judge_page(clues: Clues, url: str, page: PageText) -> Judgement:
    """Score a captured page against a citation's clues (0–1) with the evidence in words."""
    values, said = features(clues, url, page)
    score = probability(values, WEIGHTS, INTERCEPT)
    return Judgement(round(score, 3), "; ".join(said) or "no evidence", values)
