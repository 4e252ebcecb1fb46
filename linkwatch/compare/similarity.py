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
    # Each shingle joins the tokens zip takes side by side from ``size`` shifted views;
    # the shortest view ends it, after the last whole shingle.
    return frozenset(map(" ".join, zip(*[toks[i:] for i in range(size)], strict=False)))


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


#: Features counted together in byte-wide lanes (a count of up to 255 fits a byte).
_CHUNK = 255
#: Bits of one feature's row: 64 columns, a byte each.
_ROW_BITS = 64 * 8
#: A feature's bits written as "0"/"1" characters become lanes holding 0 or 1.
_BITS_TO_LANES = bytes.maketrans(b"01", b"\x00\x01")
#: The top bit of a 32-bit lane, as the "1" or "0" of the SimHash's binary digits.
_TOP_TO_DIGIT = bytes.maketrans(b"\x80\x00", b"10")
_LANE_ONES = int.from_bytes(b"\x00\x00\x00\x01" * 64, "big")
_LANE_TOPS = int.from_bytes(b"\x80\x00\x00\x00" * 64, "big")
_BLAKE2B_64 = hashlib.blake2b(digest_size=8)


def simhash(features: Iterable[str]) -> int:
    """Charikar's 64-bit SimHash of a feature set; near-duplicate texts differ in few bits.

    Each feature's 64-bit BLAKE2b hash votes on every bit: the bit is set when more
    than half of the features have it set.
    """
    # The votes are counted with a few big-integer operations instead of 64 Python
    # additions per feature: each feature's bits are spread one to a byte (a row of 64
    # byte lanes), the rows of up to 255 features are added by halving, and the column
    # sums are widened to 32-bit lanes and added across chunks. A lane biased by
    # 2**31 - 1 - count // 2 has its top bit set exactly when its count exceeds half.
    copy = _BLAKE2B_64.copy
    digests = []
    for data in map(str.encode, features):
        hashed = copy()
        hashed.update(data)
        digests.append(hashed.digest())
    count = len(digests)
    if not count:
        return 0
    sums = 0
    for start in range(0, count, _CHUNK):
        chunk = digests[start : start + _CHUNK]
        rows = len(chunk)
        bits = format(int.from_bytes(b"".join(chunk), "big"), f"0{rows * 64}b")
        lanes = int.from_bytes(bits.encode("ascii").translate(_BITS_TO_LANES), "big")
        while rows > 1:
            half = rows >> 1
            shift = half * _ROW_BITS
            lanes = (lanes >> shift) + (lanes & ((1 << shift) - 1))
            rows -= half
        wide = lanes.to_bytes(64, "big").decode("latin-1").encode("utf-32-be")
        sums += int.from_bytes(wide, "big")
    biased = sums + (0x7FFFFFFF - count // 2) * _LANE_ONES
    tops = (biased & _LANE_TOPS).to_bytes(256, "big")[::4]
    return int(tops.translate(_TOP_TO_DIGIT), 2)


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
