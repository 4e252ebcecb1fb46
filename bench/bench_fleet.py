"""Benchmark of the worker fleet: one run checked locally, then by 1, 2 and 4 ``linkwatch worker``s.

Starts ``bench/fleet_web.py`` (HOSTS hosts × URLS/HOSTS pages, each answer
delayed, in-flight requests counted per host at the server) and a throw-away
PostgreSQL server (as the tests do), writes a citations file, and runs
``linkwatch check`` on it: once locally on SQLite, then with ``--distributed``
against a fresh database for each number of workers. For each it prints wall
time, CPU time (the coordinating ``check`` plus every worker, from ``wait4``),
CPU per URL, the PostgreSQL server's CPU, and the highest number of requests in
flight to one host seen at the server, which must never exceed ``--per-host``.
The load average before each run is printed too: the machine may be shared.

Usage: .venv/bin/python bench/bench_fleet.py [--urls 20000] [--hosts 400] [--delay 0.05]
       [--per-host 2] [--concurrency 64] [--workers 1,2,4] [--jobs 2] [--shard-size 500]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fleet_web import host_address  # noqa: E402
from linkwatch.records import Citation, write_citations  # noqa: E402
from tests.web.postgres import PostgresServer  # noqa: E402

LINKWATCH = [sys.executable, "-m", "linkwatch"]


def _wait(proc: subprocess.Popen[str]) -> tuple[int, float]:
    """Reap ``proc``; its exit status and CPU seconds (``wait4``: its own and its children's)."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_utime + usage.ru_stime


def _postgres_cpu(server: PostgresServer) -> float:
    """CPU seconds of the PostgreSQL server so far: the postmaster and every reaped backend."""
    pid = int((server.folder / "data" / "postmaster.pid").read_text().split()[0])
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def _web(hosts: int, port: int, delay: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "fleet_web.py"), str(hosts), str(port), str(delay)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def _web_peak(web: subprocess.Popen[str]) -> dict[str, object]:
    web.send_signal(signal.SIGTERM)
    out, _ = web.communicate(timeout=60)
    return dict(json.loads(out.strip().splitlines()[-1]))


def _check(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*LINKWATCH, "check", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    code, cpu = _wait(proc)
    wall = time.perf_counter() - started
    if code not in (0, 1):
        raise SystemExit(f"check failed (exit {code}):\n{err[-2000:]}")
    return wall, cpu, err.strip().splitlines()[-1] if err.strip() else ""


def _print_sizes(db_url: str, urls: int) -> None:
    """Bytes per URL of each table (with its indexes) after a distributed run."""
    import psycopg

    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c"
            " WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace"
            " ORDER BY 2 DESC"
        ).fetchall()
    sizes = {name: round(size / urls) for name, size in rows if size > 16384}
    print(f"  bytes per URL: {json.dumps(sizes)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=20000)
    parser.add_argument("--hosts", type=int, default=400)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--per-host", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--shard-size", type=int, default=500)
    parser.add_argument("--skip-local", action="store_true")
    opts = parser.parse_args()
    port = 18000 + os.getpid() % 1000
    folder = Path(tempfile.mkdtemp(prefix="linkwatch-bench-fleet-"))
    per = opts.urls // opts.hosts
    urls = [
        f"http://{host_address(h)}:{port}/page/{h}/{n}"
        for h in range(opts.hosts)
        for n in range(per)
    ]
    csv = folder / "citations.csv"
    citations = [Citation(id=f"c{i}", url=u, date="2024-01-01") for i, u in enumerate(urls)]
    write_citations(csv, citations)
    common = [
        str(csv),
        "--no-archive",
        "--allow-private",
        "--retries",
        "0",
        "-q",
        "--per-host",
        str(opts.per_host),
        "--host-interval",
        "0",
        "--concurrency",
        str(opts.concurrency),
        "--reports",
        str(folder / "reports"),
    ]
    env = dict(os.environ)
    env.pop("LINKWATCH_DB", None)
    print(
        f"{len(urls)} URLs on {opts.hosts} hosts, {opts.delay * 1000:.0f} ms answers,"
        f" --per-host {opts.per_host}, --concurrency {opts.concurrency}",
        flush=True,
    )
    rows = []
    with PostgresServer.start() as server:
        plan = [] if opts.skip_local else [0]
        plan += [int(w) for w in opts.workers.split(",") if w]
        for workers in plan:
            load = os.getloadavg()
            web = _web(opts.hosts, port, opts.delay)
            pg_before = _postgres_cpu(server)
            fleet: list[subprocess.Popen[str]] = []
            try:
                if workers == 0:
                    label = "local (SQLite)"
                    wall, cpu, summary = _check(
                        [*common, "--db", str(folder / f"local-{time.time_ns()}.db")], env
                    )
                else:
                    label = f"{workers} worker(s) × --jobs {opts.jobs}"
                    db = server.new_database()
                    for _ in range(workers):
                        fleet.append(
                            subprocess.Popen(
                                [*LINKWATCH, "worker", "--jobs", str(opts.jobs), "-q", "--db", db],
                                stderr=subprocess.DEVNULL,
                                text=True,
                            )
                        )
                    wall, cpu, summary = _check(
                        [
                            *common,
                            "--db",
                            db,
                            "--distributed",
                            "--shard-size",
                            str(opts.shard_size),
                        ],
                        env,
                    )
            finally:
                worker_cpu = 0.0
                for proc in fleet:
                    proc.send_signal(signal.SIGTERM)
                for proc in fleet:
                    worker_cpu += _wait(proc)[1]
                peak = _web_peak(web)
            if workers:
                _print_sizes(db, len(urls))
            time.sleep(1.0)  # let the server reap the closed connections' backends
            pg_cpu = _postgres_cpu(server) - pg_before
            total_cpu = cpu + worker_cpu
            row = {
                "run": label,
                "load": f"{load[0]:.1f}",
                "wall_s": round(wall, 1),
                "cpu_s": round(total_cpu, 1),
                "cpu_ms_per_url": round(total_cpu / len(urls) * 1000, 2),
                "coordinator_cpu_s": round(cpu, 1),
                "postgres_cpu_s": round(pg_cpu, 1),
                "max_in_flight_one_host": peak["max_in_flight"],
                "served": peak["served"],
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
            print(f"  {summary}", flush=True)
            if int(str(peak["max_in_flight"])) > opts.per_host:
                raise SystemExit(f"per-host limit broken: {peak}")
    print(
        "| run | load avg | wall | CPU (check + workers) | CPU per URL | of which `check` |"
        " PostgreSQL CPU | max in flight to one host |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(
            f"| {r['run']} | {r['load']} | {r['wall_s']} s | {r['cpu_s']} s |"
            f" {r['cpu_ms_per_url']} ms | {r['coordinator_cpu_s']} s | {r['postgres_cpu_s']} s |"
            f" {r['max_in_flight_one_host']} |"
        )


if __name__ == "__main__":
    main()
