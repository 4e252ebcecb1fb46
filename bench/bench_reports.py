"""Time the report writers and report.html in Chromium: ``python bench/bench_reports.py [N]``.

A synthetic :class:`~linkwatch.results.RunResult` of N citations (default 100,000) from a fixed
random seed: 300 reports, 1,200 hosts, verdicts mixed as in a back catalogue (most healthy, a
few per cent lost, drifted, at risk…), titles, reasons and captures of realistic length. Each
report file is written by ``write_reports`` in a child process of its own: wall and CPU time of
the writing alone, and the child's peak RSS (``wait4``; the ``build`` row is the run alone).
Then report.html is opened in headless Chromium (tests/report/cdp.py): the time from
navigation start until the table is drawn, the time a verdict filter takes, and the browser's
memory (the PSS of its processes: shared pages counted once).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linkwatch.records import Citation  # noqa: E402
from linkwatch.report.writer import FILE_NAMES, ReportFormat, write_reports  # noqa: E402
from linkwatch.results import (  # noqa: E402
    ArchiveResult,
    Capture,
    ChangeResult,
    CitationResult,
    Fingerprint,
    LiveResult,
    RunResult,
)
from linkwatch.status import ArchiveStatus, ChangeStatus, LiveStatus, Verdict  # noqa: E402
from linkwatch.verdict import ACTIONS  # noqa: E402

# Verdict, live status, archive status, change status, weight.
MIX = (
    (Verdict.HEALTHY, LiveStatus.OK, ArchiveStatus.ARCHIVED, ChangeStatus.UNCHANGED, 780),
    (Verdict.AT_RISK, LiveStatus.OK, ArchiveStatus.NOT_ARCHIVED, ChangeStatus.UNKNOWN, 80),
    (Verdict.DRIFTED, LiveStatus.OK, ArchiveStatus.ARCHIVED, ChangeStatus.CHANGED, 40),
    (Verdict.LOST, LiveStatus.NOT_FOUND, ArchiveStatus.NOT_ARCHIVED, None, 30),
    (Verdict.PRESERVED_ONLY, LiveStatus.GONE, ArchiveStatus.ARCHIVED, None, 30),
    (Verdict.UNVERIFIABLE, LiveStatus.FORBIDDEN, ArchiveStatus.LOOKUP_FAILED, None, 30),
    (Verdict.UNLINKED, None, None, None, 10),
)
OUTLETS = (
    "Xinhua", "People’s Daily", "Global Times", "Reuters", "Tianshan", "Xinjiang Daily",
    "Radio Free Asia", "Caixin", "Sixth Tone", "World Bank", "Human Rights Watch", "CPCS",
)  # fmt: skip
WORDS = (
    "labour", "transfer", "poverty", "alleviation", "vocational", "training", "county",
    "government", "notice", "employment", "surplus", "rural", "workers", "policy",
    "implementation", "plan", "village", "cadre", "statistics",
)  # fmt: skip


def synthetic_run(n: int, seed: int = 15) -> RunResult:
    """A run of ``n`` citations over 300 reports and 1,200 hosts, the same for the same seed."""
    rng = random.Random(seed)
    weights = [m[-1] for m in MIX]
    results = []
    for i in range(n):
        verdict, live, archive, change, _w = rng.choices(MIX, weights)[0]
        host = f"www.site{rng.randrange(1200)}.example.cn"
        url = "" if live is None else f"http://{host}/{rng.randrange(10**6)}/{i}.html"
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))).capitalize()
        ts = f"2023{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}120000"
        citation = Citation(
            id=f"c{i}",
            report=f"reports/brief-{i % 300:03d}.html",
            source=rng.choice(OUTLETS),
            date="2023-10-27",
            url=url,
            title=title,
            location=f"note {i % 120 + 1}",
        )
        results.append(
            CitationResult(
                citation=citation,
                verdict=verdict,
                action=ACTIONS[verdict],
                live=None
                if live is None
                else LiveResult(
                    url=url,
                    status=live,
                    reason="" if live is LiveStatus.OK else f"GET {rng.choice((403, 404, 410))}",
                    http_status={LiveStatus.OK: 200, LiveStatus.GONE: 410}.get(live, 404),
                    final_url=url,
                    checked_at="2026-12-01T03:17:05Z",
                    fingerprint=Fingerprint(title=title, words=rng.randint(200, 3000)),
                ),
                archive=None
                if archive is None
                else ArchiveResult(
                    status=archive,
                    target_date="2023-10-27",
                    capture=Capture(
                        archive="ia",
                        url=f"https://web.archive.org/web/{ts}/{url}",
                        original=url,
                        timestamp=ts,
                        http_status=200,
                    )
                    if archive is ArchiveStatus.ARCHIVED
                    else None,
                    archives=("ia",),
                ),
                change=None
                if change is None
                else ChangeResult(
                    status=change,
                    similarity=round(rng.uniform(0.2, 0.6), 3)
                    if change is ChangeStatus.CHANGED
                    else 0.99,
                ),
            )
        )
    return RunResult(
        run_id="20261201T031700Z",
        started_at="2026-12-01T03:17:00Z",
        finished_at="2026-12-01T04:02:11Z",
        citations_file="catalogue.csv",
        results=tuple(results),
    )


def child(n: int, fmt: str, out: Path) -> None:
    """Build the run and write one format (or none, for ``build``); print timings as JSON."""
    started, cpu0 = time.perf_counter(), time.process_time()
    run = synthetic_run(n)
    built, cpu1 = time.perf_counter() - started, time.process_time()
    if fmt != "build":
        write_reports(run, out, formats=[ReportFormat(fmt)], update_latest=False)
    figures = {
        "build_s": built,
        "write_s": time.perf_counter() - started - built,
        "build_cpu_s": cpu1 - cpu0,
        "cpu_s": time.process_time() - cpu1,
    }
    print(json.dumps(figures))


def measure(n: int, fmt: str, out: Path) -> dict[str, float]:
    """Run :func:`child` in a process of its own; its figures and peak RSS in MB."""
    proc = subprocess.Popen(
        [sys.executable, __file__, str(n), "--child", fmt, "--out", str(out)],
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    text = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"{fmt}: the child failed")
    figures: dict[str, float] = json.loads(text)
    figures["peak_mb"] = usage.ru_maxrss / 1024
    return figures


def _tree_pss_mb(pid: int) -> float:
    """The summed PSS of ``pid`` and its descendants (shared pages counted once), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def browser(path: Path, profile: Path) -> dict[str, float]:
    """Open ``path`` in headless Chromium: load and filter times (ms) and memory (MB)."""
    from tests.report.cdp import chromium_path, open_page

    chromium = chromium_path()
    if chromium is None:
        raise SystemExit("Chromium is not installed")
    with open_page(chromium, "about:blank", profile) as page:
        page.send("Page.navigate", url=path.as_uri())
        page.wait_for(
            "location.protocol === 'file:' && document.readyState === 'complete'", timeout=600
        )
        # The table is drawn once data-rendered-ms is set (this report.html), or at the load
        # event (report.html that draws its table in the markup).
        loaded = page.evaluate(
            "(() => { const t = document.getElementById('citations');"
            " const r = t && t.getAttribute('data-rendered-ms');"
            " const n = performance.getEntriesByType('navigation')[0];"
            " return [r === null ? null : Number(r), n.loadEventEnd]; })()"
        )
        filter_ms = page.evaluate(
            "(() => { const s = document.getElementById('f-verdict');"
            " const t0 = performance.now(); s.value = 'lost';"
            " s.dispatchEvent(new Event('change'));"
            " const shown = document.getElementById('shown').textContent;"
            " return [performance.now() - t0, shown]; })()"
        )
        page.send("Performance.enable")
        heap = {m["name"]: m["value"] for m in page.send("Performance.getMetrics")["metrics"]}
        rss = _tree_pss_mb(_chromium_pid(profile))
    table_ms = loaded[0] if loaded[0] is not None else loaded[1]
    return {
        "table_ms": table_ms,
        "load_event_ms": loaded[1],
        "filter_ms": filter_ms[0],
        "shown": filter_ms[1],
        "js_heap_mb": heap.get("JSHeapUsedSize", 0) / 2**20,
        "rss_mb": rss,
    }


def _chromium_pid(profile: Path) -> int:
    """The browser process started with ``profile`` (its user data dir)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if f"--user-data-dir={profile}".encode() in cmd and not any(
                part.startswith(b"--type=") for part in cmd
            ):
                return int(entry.name)
    return os.getpid()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=100_000, help="citations (100000)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help="folder for the reports (default: a temp dir)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium load")
    parser.add_argument("--html", type=Path, help="only open this report.html in Chromium")
    args = parser.parse_args()
    if args.child:
        child(args.n, args.child, args.out)
        return
    if args.html:
        with tempfile.TemporaryDirectory(prefix="lw-bench-", ignore_cleanup_errors=True) as tmp:
            _print_browser(browser(args.html.resolve(), Path(tmp) / "profile"))
        return
    with tempfile.TemporaryDirectory(prefix="lw-bench-reports-", ignore_cleanup_errors=True) as tmp:
        out = args.out or Path(tmp) / "reports"
        print(f"{args.n} citations; load average {os.getloadavg()[0]:.2f}")
        base = measure(args.n, "build", out)
        print(
            f"  build the run: {base['build_s']:.2f} s (CPU {base['build_cpu_s']:.2f} s),"
            f" peak RSS {base['peak_mb']:.0f} MB"
        )
        for fmt in ReportFormat:
            f = measure(args.n, fmt.value, out)
            size = (out / "20261201T031700Z" / FILE_NAMES[fmt]).stat().st_size
            print(
                f"  {FILE_NAMES[fmt]:<13} {size / 1e6:8.2f} MB  write {f['write_s']:6.2f} s"
                f" (CPU {f['cpu_s']:5.2f} s)"
                f"  peak RSS {f['peak_mb']:5.0f} MB (+{f['peak_mb'] - base['peak_mb']:.0f})"
            )
        if not args.no_browser:
            _print_browser(browser(out / "20261201T031700Z" / "report.html", Path(tmp) / "p"))


def _print_browser(b: dict[str, float]) -> None:
    print(
        f"  Chromium: table drawn at {b['table_ms']:.0f} ms after navigation start"
        f" (load event {b['load_event_ms']:.0f} ms); filter lost {b['filter_ms']:.0f} ms"
        f" ({b['shown']}); JS heap {b['js_heap_mb']:.0f} MB; browser PSS {b['rss_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
