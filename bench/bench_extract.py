"""Time extraction on a large generated report: ``python bench/bench_extract.py [MB] [--format F]``.

The report is written from a fixed random seed in the styles of real reports: paragraphs of
claims, each followed by an author–date parenthesis (one to three sources, full, month,
year-only and year-less dates), glosses and periods that are not citations, bare URLs and, in
HTML, hyperlinked citations; about a tenth of it is a notes section of APA, Chicago and
``Source, date`` references with URLs, DOIs and alternates. Sources, dates and words vary from
paragraph to paragraph, so no cost is hidden by repetition.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import linkwatch.extract.core
import linkwatch.extract.parallel
from linkwatch.extract import Format, extract_file

OUTLETS = (
    "Xinhua",
    "Tianshan",
    "People’s Daily",
    "Global Times",
    "Reuters",
    "Associated Press",
    "Human Rights Watch",
    "Amnesty International",
    "China Brief",
    "Central Asian Survey",
    "Journal of Human Trafficking",
    "Communist and Post-Communist Studies",
    "Newlines Institute",
    "CPCS",
    "XUAR Government",
    "Xinjiang Daily",
    "Xinjiang News",
    "Kashgar Daily",
    "thepaper.cn",
    "Radio Free Asia",
    "The Washington Post",
    "Financial Times",
    "Nikkei Asia",
    "Eurasianet",
    "World Bank",
    "Asian Development Bank",
    "Sixth Tone",
    "Caixin",
    "South China Morning Post",
    "iFeng",
)
PLACES = (
    "Hotan",
    "Kashgar",
    "Aksu",
    "Yarkand",
    "Ili",
    "Turpan",
    "Hami",
    "Korla",
    "Shache",
    "Kuqa",
    "Lop",
    "Guma",
)
BODIES = (
    "Prefecture Government",
    "Human Resources Bureau",
    "Statistics Bureau",
    "County Party Committee",
    "Poverty Alleviation Office",
    "Daily",
    "Propaganda Department",
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SHORT_MONTHS = ("Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
SUBJECTS = (
    "Labor transfers",
    "The county's transfer quota",
    "Surplus laborers",
    "The prefecture",
    "Local officials",
    "Training centers",
    "Village work teams",
    "Rural households",
    "Factory recruiters",
    "The regional plan",
)
VERBS = (
    "reached",
    "exceeded",
    "fell short of",
    "were reported at",
    "rose to",
    "were set at",
    "stayed near",
    "doubled to",
)
OBJECTS = (
    "person-times",
    "laborers placed in other provinces",
    "households lifted out of poverty",
    "trainees in vocational courses",
    "workers employed nearby",
    "yuan in average annual income",
)
CLAUSES = (
    "according to figures the regional government published in its annual communiqué",
    "as the county's work report for the year put it",
    "while officials stressed that every person able to work must realize employment",
    "a figure that local media repeated in several reports",
    "although the method of counting changed during the period",
    "and county governments must analyze the reasons for any decline in income",
    "under a mandate that extends beyond one person per household",
)
GLOSSES = (
    "(人次)",
    "(转移就业)",
    "(XPCC)",
    "(VSETCs)",
    "(2021 to 2025)",
    "(until 2021)",
    "(see below)",
)


def _source(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return f"{rng.choice(PLACES)} {rng.choice(BODIES)}"
    return rng.choice(OUTLETS)


def _date(rng: random.Random) -> str:
    year = rng.randint(2015, 2023)
    month = rng.randrange(12)
    day = rng.randint(1, 28)
    style = rng.random()
    if style < 0.45:
        return f"{MONTHS[month]} {day}, {year}"
    if style < 0.55:
        return f"{rng.choice(SHORT_MONTHS)} {day}, {year}"
    if style < 0.65:
        return f"{MONTHS[month]} {year}"
    if style < 0.78:
        return str(year)
    if style < 0.9:
        return f"{MONTHS[month]} {day}"
    if style < 0.95:
        return f"{day} {MONTHS[month]} {year}"
    return f"{year}-{month + 1:02d}-{day:02d}"


def _claim(rng: random.Random) -> str:
    number = f"{rng.randint(1, 999)}.{rng.randint(0, 99):02d}"
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {number} million {rng.choice(OBJECTS)} "
        f"in {rng.randint(2016, 2023)}, {rng.choice(CLAUSES)}"
    )


def _citation(rng: random.Random, html: bool, n: int) -> str:
    segments = [f"{_source(rng)}, {_date(rng)}" for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
    if html and rng.random() < 0.5:
        href = f"https://news.example.org/{n}/{rng.randint(1, 10**6)}"
        segments[0] = f'<a href="{href}">{segments[0]}</a>'
    return "(" + "; ".join(segments) + ")"


def paragraph(rng: random.Random, html: bool, n: int) -> str:
    """One paragraph of claims with their citations, glosses and perhaps a URL."""
    sentences = []
    for i in range(rng.randint(3, 6)):
        claim = _claim(rng)
        if rng.random() < 0.3:
            claim = claim.replace(" million", f" million {rng.choice(GLOSSES)}", 1)
        cited = rng.random() < 0.6
        sentences.append(f"{claim} {_citation(rng, html, n * 10 + i)}." if cited else f"{claim}.")
    if rng.random() < 0.2:
        url = f"https://data.example.org/{n}/table-{rng.randint(1, 99)}.csv"
        sentences.append(f"The underlying data are online at {url}.")
    text = " ".join(sentences)
    return f"<p>{text}</p>\n" if html else text + "\n\n"


def note(rng: random.Random, n: int) -> str:
    """One numbered note: an APA, Chicago or ``Source, date`` reference with URLs."""
    year = rng.randint(2010, 2023)
    style = rng.random()
    surname = rng.choice(("Zenz", "Byler", "Smith", "Tobin", "Roberts", "Leibold"))
    author = f"{surname}, {rng.choice('ABDJR')}."
    if style < 0.4:
        ref = (
            f"{author} ({year}, {rng.choice(MONTHS)} {rng.randint(1, 28)}). Coercive labor in "
            f"region {n}. {rng.choice(OUTLETS)}, {rng.randint(1, 60)}({rng.randint(1, 6)}), "
            f"{rng.randint(1, 99)}–{rng.randint(100, 200)}. "
            f"https://doi.org/10.{rng.randint(1000, 9999)}/x.{n}"
        )
        if rng.random() < 0.3:
            ref += f" (free download at https://papers.example.org/{n})"
    elif style < 0.7:
        ref = (
            f"{author}, “Transfers and training in county {n},” {rng.choice(OUTLETS)}, "
            f"{_date(rng)}, https://www.example.com/{year}/{n}.html"
        )
    else:
        ref = (
            f"{_source(rng)}, {_date(rng)}, report on quotas {n}, https://gov.example.cn/{n}.html; "
            f"see {rng.choice(OUTLETS)}, {rng.choice(MONTHS)} {rng.randint(1, 28)}, {year}"
        )
    return f"[{n}] {ref}\n"


def generate(path: Path, megabytes: float, fmt: Format, seed: int = 0) -> int:
    """Write a report of about ``megabytes`` MB to ``path``; returns its size in bytes."""
    rng = random.Random(seed)
    html = fmt is Format.HTML
    target = int(megabytes * 1_000_000)
    body_target = target * 9 // 10
    size = 0
    with path.open("w", encoding="utf-8") as fh:

        def write(chunk: str) -> None:
            nonlocal size
            fh.write(chunk)
            size += len(chunk.encode("utf-8"))

        if html:
            write("<html><body><nav><a href='/'>Home</a></nav><article>\n<h1>A large report</h1>\n")
        else:
            write("A large report\n\nBackground\n\n")
        n = 0
        while size < body_target:
            n += 1
            if n % 40 == 0:
                write(f"<h2>Section {n // 40}</h2>\n" if html else f"Section {n // 40}\n\n")
            write(paragraph(rng, html, n))
        write("<h2>Notes</h2>\n<ol>\n" if html else "Notes\n\n")
        n = 0
        while size < target:
            n += 1
            text = note(rng, n)
            write(f"<li>{text[text.index(' ') + 1 :].strip()}</li>\n" if html else text)
        write("</ol></article></body></html>\n" if html else "")
    return path.stat().st_size


def _cpu() -> tuple[float, float]:
    """CPU seconds (user and system) of this process and of its finished workers."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, workers.ru_utime + workers.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("megabytes", type=float, nargs="?", default=50.0)
    parser.add_argument("--format", choices=["text", "html"], default="text")
    processes = parser.add_mutually_exclusive_group()
    processes.add_argument(
        "--one-process",
        action="store_true",
        help="read the report in this process only, however long it is",
    )
    processes.add_argument(
        "--two-processes",
        action="store_true",
        help="fork the worker for a long report even when the machine's load leaves no core idle",
    )
    args = parser.parse_args(argv)
    if args.one_process:
        linkwatch.extract.core.PARALLEL_MIN_CHARS = sys.maxsize
    if args.two_processes:
        linkwatch.extract.parallel.spare_core = lambda: True
    fmt = Format(args.format)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("report.html" if fmt is Format.HTML else "report.txt")
        size = generate(path, args.megabytes, fmt)
        before = _cpu()
        start = time.perf_counter()
        extraction = extract_file(path, fmt=fmt)
        elapsed = time.perf_counter() - start
        cpu = [after - then for after, then in zip(_cpu(), before, strict=True)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    load = os.getloadavg()[0]
    # A worker's figures only when one ran (the children's peak RSS is kept across exec, so
    # it may be an earlier process's).
    worker = f" + worker {cpu[1]:.2f} s" if cpu[1] > 0 else " (one process)"
    worker_rss = f" + worker {worker_peak:.0f} MB" if cpu[1] > 0 else ""
    print(
        f"{args.format}: {size / 1e6:.1f} MB, {len(extraction.citations)} records, "
        f"{elapsed:.2f} s wall ({size / 1e6 / elapsed:.1f} MB/s), CPU {cpu[0]:.2f} s{worker}, "
        f"peak RSS {peak:.0f} MB{worker_rss}, load average {load:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
