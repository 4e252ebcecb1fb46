"""Figures in a citation's context, and whether a page still states them.

A figure is a number a reader could check: one with a decimal point, thousands
separators, a scale word (million, 万, 亿) or a percent, or a plain integer of three
or more digits that is not a year. Values are compared as numbers, so ``1,606`` ~
``1606``, ``3.05 million`` ~ ``3,050,000`` ~ ``305万``, ``10.9 percent`` ~ ``10.9%``.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from decimal import Decimal, InvalidOperation

_SCALES: dict[str, Decimal] = {
    "thousand": Decimal(1_000),
    "million": Decimal(1_000_000),
    "millions": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "billion": Decimal(1_000_000_000),
    "billions": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
    "trillion": Decimal(1_000_000_000_000),
    "千": Decimal(1_000),
    "万": Decimal(10_000),
    "萬": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "億": Decimal(100_000_000),
}

_FIGURE = re.compile(
    r"(?<![A-Za-z0-9.])"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>thousand|millions?|billions?|trillion|mn|bn|千|万|萬|亿|億)(?![a-z]))?"
    r"(?:\s*(?P<pct>per\s?cent|pct|%|％))?",
    re.IGNORECASE,
)
_PERCENT_ZH = re.compile(r"百分之\s*(?P<num>\d+(?:\.\d+)?)")


@dataclasses.dataclass(frozen=True, slots=True)
class Figure:
    """A figure as written and as a value."""

    text: str
    value: Decimal
    percent: bool


def _is_figure(num: str, scale: str | None, pct: bool) -> bool:
    if scale or pct or "." in num or "," in num:
        return True
    if len(num) < 3:
        return False
    value = int(num)
    return not (1900 <= value <= 2100 and len(num) == 4)


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order of appearance (duplicates kept once)."""
    text = unicodedata.normalize("NFKC", text)
    out: list[Figure] = []
    seen: set[tuple[Decimal, bool]] = set()

    def add(raw: str, num: str, scale: str | None, pct: bool) -> None:
        try:
            value = Decimal(num.replace(",", ""))
        except InvalidOperation:
            return
        if scale:
            value *= _SCALES[scale.lower()]
        key = (value.normalize(), pct)
        if key not in seen:
            seen.add(key)
            out.append(Figure(text=raw.strip(), value=value.normalize(), percent=pct))

    for m in _FIGURE.finditer(text):
        num, scale, pct = m.group("num"), m.group("scale"), bool(m.group("pct"))
        if _is_figure(num, scale, pct):
            add(m.group(0), num, scale, pct)
    for m in _PERCENT_ZH.finditer(text):
        add(m.group(0), m.group("num"), None, True)
    return out


def figures_present(wanted: list[Figure], text: str) -> tuple[list[Figure], list[Figure]]:
    """Split ``wanted`` into the figures ``text`` states (by value) and those it does not."""
    available = {(f.value, f.percent) for f in find_figures(text)}
    found = [f for f in wanted if (f.value, f.percent) in available]
    missing = [f for f in wanted if (f.value, f.percent) not in available]
    return found, missing
