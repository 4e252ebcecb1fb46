"""Wall time of the local web's whole case table, checked at default settings.

Starts the project's local web (``tests/web``: hangs, trickles, resets, 429s,
flaky 5xx, soft 404s, TLS, DOIs…) and checks every case URL in one run with
:class:`~linkwatch.live.LiveOptions` at its defaults, except what loopback needs
(``allow_private``, the test CA bundle and the local DOI resolver). Prints the
wall time, the requests each host received and each case's status; with
``--json FILE`` writes them, and ``--compare FILE`` compares with such a file,
so two versions (before and after a change) can be compared status by status.
``--gaps`` prints every gap of over a second between two requests to one host.
``LINKWATCH_BENCH_PATH`` puts another copy of the ``linkwatch`` package first on
the path (e.g. ``git archive HEAD~3 linkwatch | tar -x -C /tmp/old``).

Usage: .venv/bin/python bench/bench_cases.py [--json out.json] [--compare before.json] [--gaps]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if os.environ.get("LINKWATCH_BENCH_PATH"):
    sys.path.insert(0, os.environ["LINKWATCH_BENCH_PATH"])

from linkwatch.live import LiveOptions, check_live  # noqa: E402
from tests.web.local_web import LocalWeb  # noqa: E402


def _gaps(web: LocalWeb) -> None:
    for name in web.hosts:
        log = sorted(web.requests(name), key=lambda r: r.start)
        for a, b in itertools.pairwise(log):
            if b.start - a.start > 1:
                print(
                    f"  gap {name}: {b.start - a.start:.1f} s before {b.method} {b.path}"
                    f" (at {b.start - log[0].start:.1f} s)"
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path, help="write wall time and statuses here")
    parser.add_argument("--compare", type=Path, help="an earlier --json file to compare with")
    parser.add_argument("--gaps", action="store_true", help="print gaps of over 1 s per host")
    args = parser.parse_args(argv)
    with LocalWeb.start() as web:
        urls = sorted({case.url for case in web.cases.values()})
        options = LiveOptions(
            allow_private=True, ca_bundle=web.ca_bundle, doi_resolver=web.doi_resolver
        )
        began = time.perf_counter()
        run = asyncio.run(check_live(urls, options))
        wall = time.perf_counter() - began
        statuses = {
            name: run.results[case.url].live.status.value for name, case in web.cases.items()
        }
        requests = {name: len(web.requests(name)) for name in web.hosts}
        slowest = sorted(
            ((run.results[c.url].live.elapsed_ms or 0, n) for n, c in web.cases.items()),
            reverse=True,
        )[:5]
        if args.gaps:
            _gaps(web)
    print(f"{len(urls)} URLs, {len(web.cases)} cases, wall {wall:.1f} s")
    print("requests per host:", ", ".join(f"{h} {n}" for h, n in requests.items() if n))
    print("slowest (ms from first start to result):", ", ".join(f"{n} {ms}" for ms, n in slowest))
    for name, status in statuses.items():
        print(f"  {name:32} {status}")
    if args.json:
        document = {"wall": round(wall, 2), "requests": requests, "statuses": statuses}
        args.json.write_text(json.dumps(document, indent=1))
    if args.compare:
        before = json.loads(args.compare.read_text())
        changed = {
            n: (before["statuses"].get(n), s)
            for n, s in statuses.items()
            if before["statuses"].get(n) != s
        }
        print(f"before: wall {before['wall']} s; after: wall {wall:.1f} s")
        print("statuses changed:", changed or "none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
