"""compare: does the live page still say what the cited version said?

:func:`page_text` turns a fetched body into its main text, :func:`compare_pages`
scores the live page against the cited capture (tiers and figures), and
:func:`changed_since` compares this run's fingerprint with the previous run's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linkwatch.lazy import lazy_exports

if TYPE_CHECKING:
    from linkwatch.compare.drift import (
        DEFAULT_THRESHOLDS,
        Thresholds,
        changed_since,
        compare_pages,
        compare_with_fingerprint,
    )
    from linkwatch.compare.figures import Figure, figures_present, find_figures
    from linkwatch.compare.similarity import (
        cosine,
        hamming,
        jaccard,
        shingles,
        simhash,
        text_simhash,
    )
    from linkwatch.compare.text import (
        PageText,
        decode_body,
        extract_main_text,
        normalise,
        page_text,
        tokens,
    )

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "linkwatch.compare.drift": (
            "DEFAULT_THRESHOLDS",
            "Thresholds",
            "changed_since",
            "compare_pages",
            "compare_with_fingerprint",
        ),
        "linkwatch.compare.figures": ("Figure", "figures_present", "find_figures"),
        "linkwatch.compare.similarity": (
            "cosine",
            "hamming",
            "jaccard",
            "shingles",
            "simhash",
            "text_simhash",
        ),
        "linkwatch.compare.text": (
            "PageText",
            "decode_body",
            "extract_main_text",
            "normalise",
            "page_text",
            "tokens",
        ),
    },
)

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Figure",
    "PageText",
    "Thresholds",
    "changed_since",
    "compare_pages",
    "compare_with_fingerprint",
    "cosine",
    "decode_body",
    "extract_main_text",
    "figures_present",
    "find_figures",
    "hamming",
    "jaccard",
    "normalise",
    "page_text",
    "shingles",
    "simhash",
    "text_simhash",
    "tokens",
]
