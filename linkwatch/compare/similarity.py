"""Similarity of two texts: shingle resemblance, term cosine, and a 64-bit SimHash fingerprint."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Sequence

from linkwatch.compare.text import tokens

#: Tokens per shingle. Three words keep word order; for Chinese (one token per
#: character) three characters are short enough that a rewording of one word
#: touches only a few shingles.
SHINGLE_SIZE = 3


def shingles(toks: Sequence[str], size: int = SHINGLE_SIZE) -> frozenset[str]:
    """The set of ``size``-token shingles; a text shorter than ``size`` is one shingle."""
    if not toks:
        return frozenset()
    if len(toks) <= size:
        return frozenset({" ".join(toks)})
    return frozenset(" ".join(toks[i : i + size]) for i in range(len(toks) - size + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Resemblance |a ∩ b| / |a ∪ b|; 1.0 for two empty sets."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


#: Function words left out of the cosine: two unrelated English pages share "the",
#: "and" and "of" so often that they would otherwise score well above the off-topic line.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "which",
        "who",
        "not",
        "but",
        "their",
        "they",
        "we",
        "you",
        "our",
        "your",
        "all",
        "any",
        "can",
        "more",
        "than",
        "also",
        "been",
        "into",
        "its",
        "over",
        "such",
        "these",
        "those",
        "there",
        "here",
        "的",
        "了",
        "和",
        "是",
        "在",
        "与",
        "及",
        "等",
        "年",
        "月",
        "日",
    ]
)


def cosine(a: Sequence[str], b: Sequence[str]) -> float:
    """Cosine of the term-frequency vectors of two token lists, function words left out.

    0.0 when either has no content words.
    """
    ca = Counter(t for t in a if t not in STOPWORDS)
    cb = Counter(t for t in b if t not in STOPWORDS)
    if not ca or not cb:
        return 0.0
    dot = sum(n * cb[t] for t, n in ca.items() if t in cb)
    norm = math.sqrt(sum(n * n for n in ca.values())) * math.sqrt(sum(n * n for n in cb.values()))
    return dot / norm


def _hash64(feature: str) -> int:
    return int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "big")


def simhash(features: Iterable[str]) -> int:
    """Charikar's 64-bit SimHash of a feature set; near-duplicate texts differ in few bits."""
    blake2b = hashlib.blake2b
    # Each feature's hash as 64 "0"/"1" characters, most significant bit first;
    # column i of that table is counted with one C-level slice and count, instead
    # of 64 Python additions per feature.
    table = "".join(
        [
            format(
                int.from_bytes(blake2b(f.encode("utf-8"), digest_size=8).digest(), "big"), "064b"
            )
            for f in features
        ]
    )
    count = len(table) // 64
    if not count:
        return 0
    value = 0
    for column in range(64):
        if 2 * table[column::64].count("1") > count:
            value |= 1 << (63 - column)
    return value


def text_simhash(text: str) -> str:
    """The SimHash of a text's shingles as 16 hex digits (the form stored in fingerprints)."""
    return tokens_simhash(tokens(text))


def tokens_simhash(toks: Sequence[str]) -> str:
    """:func:`text_simhash` of text already split by :func:`~linkwatch.compare.text.tokens`."""
    return f"{simhash(shingles(toks)):016x}"


def hamming(a: str, b: str) -> int:
    """Bits that differ between two SimHash hex strings; 64 when either is missing or malformed."""
    try:
        return bin(int(a, 16) ^ int(b, 16)).count("1")
    except ValueError:
        return 64
