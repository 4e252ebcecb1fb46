"""Time extraction of a long Word and PDF report: ``bench/bench_extract_documents.py [PAGES]``.

The report is bench_extract.py's generated HTML (claims with author–date citations,
hyperlinked citations, bare URLs, a notes section) sized to about ``PAGES`` printed pages;
pandoc turns it into a .docx and headless Chromium prints it to PDF (A4, with Chromium's
running header and footer), as a person would make those files. Each is then extracted
with ``extract_file`` and the wall time, CPU time, records and peak RSS are printed.
Needs pandoc and Chromium (scripts/test.sh installs both).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extract import generate

from linkwatch.extract import Format, extract_file

#: Bytes of generated HTML per printed A4 page in Chromium's default style (measured).
BYTES_PER_PAGE = 5_200
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _pages(pdf: Path) -> int:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    with pdf.open("rb") as fh:
        return sum(1 for _ in PDFPage.create_pages(PDFDocument(PDFParser(fh))))


def _time(path: Path, fmt: Format) -> str:
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    extraction = extract_file(path, fmt=fmt)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    peak = after.ru_maxrss / 1024
    urls = sum(1 for c in extraction.citations if c.url)
    return (
        f"{fmt.value}: {path.stat().st_size / 1e6:.1f} MB, {len(extraction.citations)} records "
        f"({urls} with a URL), {wall:.2f} s wall, CPU {cpu:.2f} s, peak RSS so far {peak:.0f} MB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pages", type=int, nargs="?", default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        html = folder / "report.html"
        generate(html, args.pages * BYTES_PER_PAGE / 1e6, Format.HTML)
        docx, pdf = folder / "report.docx", folder / "report.pdf"
        subprocess.run(["pandoc", str(html), "-o", str(docx)], check=True)
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                f"--user-data-dir={folder / 'chromium'}",
                f"--print-to-pdf={pdf}",
                html.as_uri(),
            ],
            check=True,
            capture_output=True,
        )
        print(f"html: {html.stat().st_size / 1e6:.2f} MB; pdf: {_pages(pdf)} pages")
        print(_time(docx, Format.DOCX))
        print(_time(pdf, Format.PDF))
    return 0


if __name__ == "__main__":
    sys.exit(main())
