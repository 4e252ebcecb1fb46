"""Time extraction on a large generated report: ``python bench/bench_extract.py [MB] [--format F]``.

The report repeats paragraphs in the seed's styles (author–date parentheses, year-less dates,
glosses, URLs) and ends with notes, so the cost per megabyte is that of a real report.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from linkwatch.extract import Format, extract_file

# About the seed's density: roughly one citation per 400 characters of prose.
PARAGRAPH = (
    "Labor transfers reached a record 3.17 million person-times (人次) in {year} before leveling "
    "off at above 3.03 million person-times in the following year, according to figures that "
    "the regional government published in its annual statistical communiqué (Central Asian "
    "Survey, November 30, 2023). The 14th Five-Year Plan (2021 to 2025) mandates that not just one "
    "person per household but every person who is able to work is to realize employment, and "
    "county governments must analyze the reasons for any decline in a household's income "
    "(XUAR Government, December 14, 2021; Tianshan, January {day}). Such systems operating in "
    "Uzbekistan (until 2021) and in the Production and Construction Corps (XPCC) share several "
    "core features with those described in earlier research on coercive labor mobilization "
    "(Journal of Human Trafficking, 2023). The underlying data are available online at "
    "https://example.org/data/{n}.csv for readers who wish to check the figures themselves.\n\n"
)
HTML_PARAGRAPH = (
    '<p>Labor transfers reached a record (<a href="https://example.org/{n}">Xinhua, October 27, '
    "2023</a>; CPCS, May 19, 2023). The plan (2021 to 2025) continues "
    "(Tianshan, January {day}).</p>\n"
)
NOTES = (
    "Notes\n\n[1] Zenz, A. (2023). Title. Communist and Post-Communist Studies, 56(2), 1–32. "
    "https://doi.org/10.1525/cpcs.2023.1822939 (free download at https://papers.ssrn.com/x)\n"
)


def generate(path: Path, megabytes: float, fmt: Format) -> int:
    """Write a report of about ``megabytes`` MB to ``path``; returns its size in bytes."""
    target = int(megabytes * 1_000_000)
    template = HTML_PARAGRAPH if fmt is Format.HTML else PARAGRAPH
    size = 0
    with path.open("w", encoding="utf-8") as fh:
        if fmt is Format.HTML:
            fh.write("<html><body><article>\n")
        else:
            fh.write("A large report\n\nBackground\n\n")
        n = 0
        while size < target:
            chunk = "".join(
                template.format(year=2021 + i % 3, day=1 + i % 28, n=n + i) for i in range(200)
            )
            fh.write(chunk)
            size += len(chunk.encode("utf-8"))
            n += 200
        fh.write("</article></body></html>\n" if fmt is Format.HTML else NOTES)
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("megabytes", type=float, nargs="?", default=50.0)
    parser.add_argument("--format", choices=["text", "html"], default="text")
    args = parser.parse_args(argv)
    fmt = Format(args.format)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("report.html" if fmt is Format.HTML else "report.txt")
        size = generate(path, args.megabytes, fmt)
        start = time.perf_counter()
        extraction = extract_file(path, fmt=fmt)
        elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.format}: {size / 1e6:.1f} MB, {len(extraction.citations)} records, "
        f"{elapsed:.2f} s ({size / 1e6 / elapsed:.1f} MB/s), peak RSS {peak:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
