"""Content drift: does the live page still say what the cited capture said?

Tiers (thresholds justified in ``docs/design.md``):

- ``unchanged``: shingle resemblance at or above :attr:`Thresholds.unchanged_jaccard`;
- off-topic (replaced): term cosine below :attr:`Thresholds.off_topic_cosine`, or the
  main text shrank by more than :attr:`Thresholds.off_topic_shrink`; reported as
  ``changed`` with ``off_topic`` set, which the verdict treats like a dead link;
- ``changed`` otherwise: the source was edited, a person should review it.
"""

from __future__ import annotations

import dataclasses

from linkwatch.compare.figures import figures_present, find_figures
from linkwatch.compare.similarity import cosine, hamming, jaccard, shingles, text_simhash
from linkwatch.compare.text import PageText, tokens
from linkwatch.results import ChangeResult, Fingerprint
from linkwatch.status import ChangeStatus


@dataclasses.dataclass(frozen=True, slots=True)
class Thresholds:
    """Where the change tiers begin."""

    unchanged_jaccard: float = 0.85
    off_topic_cosine: float = 0.12
    off_topic_shrink: float = 0.70
    """Fraction of the cited text's words gone from the live text."""
    min_words: int = 20
    """Below this many words in the cited capture, text comparison is not attempted."""
    run_to_run_bits: int = 3
    """SimHash bits that may differ between runs before the text counts as changed."""


DEFAULT_THRESHOLDS = Thresholds()

#: Main text beyond this many characters is not compared (both sides are cut alike), which
#: bounds the memory a run holds for pages waiting on a slow archive.
MAX_COMPARE_CHARS = 50_000


def compare_pages(
    cited: PageText,
    live: PageText,
    context: str = "",
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> ChangeResult:
    """Score the live page against the cited capture; context figures checked in both."""
    wanted = find_figures(context) if context else []
    in_capture, missing_capture = figures_present(wanted, f"{cited.title} {cited.text}")
    in_live, missing_live = figures_present(wanted, f"{live.title} {live.text}")
    base = ChangeResult(
        status=ChangeStatus.UNKNOWN,
        figures_in_capture=tuple(f.text for f in in_capture),
        figures_missing_from_capture=tuple(f.text for f in missing_capture),
        figures_live=tuple(f.text for f in in_live),
        figures_missing_live=tuple(f.text for f in missing_live),
    )
    cited_toks = tokens(cited.text[:MAX_COMPARE_CHARS])
    live_toks = tokens(live.text[:MAX_COMPARE_CHARS])
    if len(cited_toks) < thresholds.min_words:
        return dataclasses.replace(
            base,
            status=ChangeStatus.UNKNOWN,
            reason=f"the capture holds too little text to compare ({len(cited_toks)} words)",
        )
    resemblance = jaccard(shingles(cited_toks), shingles(live_toks))
    cos = cosine(cited_toks, live_toks)
    shrink = 1.0 - len(live_toks) / len(cited_toks)
    if resemblance >= thresholds.unchanged_jaccard:
        return dataclasses.replace(
            base,
            status=ChangeStatus.UNCHANGED,
            reason=f"main text {resemblance:.0%} the same as the capture",
            similarity=round(resemblance, 4),
        )
    if cos < thresholds.off_topic_cosine or shrink > thresholds.off_topic_shrink:
        why = (
            f"main text shrank by {shrink:.0%}"
            if shrink > thresholds.off_topic_shrink
            else f"the live page is about something else (cosine {cos:.2f})"
        )
        return dataclasses.replace(
            base,
            status=ChangeStatus.CHANGED,
            reason=f"replaced: {why}",
            similarity=round(resemblance, 4),
            off_topic=True,
        )
    reason = f"edited: main text {resemblance:.0%} the same as the capture (cosine {cos:.2f})"
    if missing_live and in_capture:
        reason += f"; {len(missing_live)} cited figure(s) no longer on the live page"
    return dataclasses.replace(
        base,
        status=ChangeStatus.CHANGED,
        reason=reason,
        similarity=round(resemblance, 4),
    )


def changed_since(
    previous: Fingerprint | None,
    current: Fingerprint | None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> bool | None:
    """Whether the live page changed since the previous run; None without both fingerprints.

    The same payload digest means unchanged; otherwise a title change or a SimHash
    more than :attr:`Thresholds.run_to_run_bits` bits away means changed, so pages that
    differ only in a timestamp or a counter do not count.
    """
    if previous is None or current is None:
        return None
    if previous.payload_sha1 and previous.payload_sha1 == current.payload_sha1:
        return False
    if previous.title != current.title:
        return True
    if previous.text_simhash and current.text_simhash:
        return hamming(previous.text_simhash, current.text_simhash) > thresholds.run_to_run_bits
    if previous.payload_sha1 and current.payload_sha1:
        return True
    return None


def compare_with_fingerprint(
    cited: PageText,
    live: Fingerprint,
    context: str = "",
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> ChangeResult:
    """Compare the cited capture with a live page known only by its fingerprint.

    Used when the live page's text is not at hand: SimHash distance stands in for
    resemblance and the word counts for shrinkage; figures are checked in the
    capture only.
    """
    wanted = find_figures(context) if context else []
    in_capture, missing_capture = figures_present(wanted, f"{cited.title} {cited.text}")
    base = ChangeResult(
        status=ChangeStatus.UNKNOWN,
        figures_in_capture=tuple(f.text for f in in_capture),
        figures_missing_from_capture=tuple(f.text for f in missing_capture),
    )
    cited_words = len(tokens(cited.text))
    if cited_words < thresholds.min_words or not live.text_simhash:
        return dataclasses.replace(base, reason="not enough text to compare")
    bits = hamming(text_simhash(cited.text), live.text_simhash)
    shrink = 1.0 - live.words / cited_words
    if bits <= thresholds.run_to_run_bits:
        return dataclasses.replace(
            base, status=ChangeStatus.UNCHANGED, reason=f"SimHash {bits} bit(s) from the capture"
        )
    if shrink > thresholds.off_topic_shrink:
        return dataclasses.replace(
            base,
            status=ChangeStatus.CHANGED,
            off_topic=True,
            reason=f"replaced: main text shrank by {shrink:.0%}",
        )
    return dataclasses.replace(
        base, status=ChangeStatus.CHANGED, reason=f"edited: SimHash {bits} bits from the capture"
    )
