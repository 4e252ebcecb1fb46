"""`python -m tests.web`: start the local web, archive and IA double and print where they are.

Runs until interrupted (Ctrl-C) or, with `--seconds N`, for N seconds; everything listens on
loopback only. `--no-archive` starts the local web alone (no pywb needed).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from types import FrameType

from tests.web.archive import LocalArchive, PywbMissingError
from tests.web.ia_api import IAServer
from tests.web.local_web import LocalWeb


def _table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.web", description=__doc__)
    parser.add_argument("--no-archive", action="store_true", help="start the local web only")
    parser.add_argument("--seconds", type=float, default=0.0, help="stop after this long")
    args = parser.parse_args(argv)

    began = time.monotonic()
    web = LocalWeb.start()
    archive: LocalArchive | None = None
    ia: IAServer | None = None
    try:
        if not args.no_archive:
            try:
                archive = LocalArchive.start(web)
            except PywbMissingError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            ia = IAServer.start(archive)
        rows = [("case", "expected live", "url")]
        rows += [(c.name, c.expected_live, c.url) for c in web.cases.values()]
        print(_table(rows))
        print()
        print(f"CA bundle for the test-CA host: {web.ca_bundle}")
        print(f"DOI resolver: {web.doi_resolver}  (DOIs: {', '.join(web.dois.values())})")
        if archive is not None and ia is not None:
            print()
            endpoints = [
                ("archive endpoint", "url"),
                ("pywb collection root (TimeGate: root + URL)", archive.root),
                ("pywb CDX", archive.cdx_url),
                ("pywb TimeMap", archive.timemap_url("<URL>")),
                ("pywb record mode", archive.record_root + "<URL>"),
                ("IA availability", ia.available_url),
                ("IA Save Page Now 2", ia.save_url),
                ("IA CDX", ia.cdx_url),
                ("IA replay", ia.web_root),
            ]
            print(_table(endpoints))
            print(f"SPN2 keys: Authorization: LOW {ia.keys[0]}:{ia.keys[1]}")
            print()
            pages = [("archived page", "citation date", "captures", "url")]
            pages += [
                (
                    p.name,
                    p.citation_date,
                    ", ".join(f"{ts} {kind}" for ts, kind in p.captures) or "-",
                    p.url,
                )
                for p in archive.pages.values()
            ]
            print(_table(pages))
        print()
        print(f"started in {time.monotonic() - began:.2f} s; Ctrl-C stops everything.")
        sys.stdout.flush()
        done = threading.Event()

        def _stop(signum: int, frame: FrameType | None) -> None:
            done.set()

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        done.wait(args.seconds if args.seconds > 0 else None)
    finally:
        if ia is not None:
            ia.close()
        if archive is not None:
            archive.close()
        web.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
