"""A real PostgreSQL server for the tests: a throw-away cluster on loopback.

``initdb`` makes a cluster in a temporary folder and ``pg_ctl`` starts it on
127.0.0.1 at a free port (its socket in the same folder), with fsync off since
nothing in it must outlive the session. PostgreSQL refuses to run as root, so
under root (as in CI) the folder is given to the ``postgres`` system user the
Debian package creates and every server command runs through ``runuser``.
The binaries come from ``LINKWATCH_PG_BIN`` or the newest ``/usr/lib/postgresql/*/bin``.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from tests.web._http import Closing


class PostgresMissingError(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def server_bin() -> Path:
    """The folder holding initdb and pg_ctl; :class:`PostgresMissingError` when there is none."""
    given = os.environ.get("LINKWATCH_PG_BIN")
    candidates = [Path(given)] if given else []
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in candidates:
        if (folder / "pg_ctl").exists() and (folder / "initdb").exists():
            return folder
    raise PostgresMissingError(
        "PostgreSQL server binaries not found (apt-get install postgresql, or set"
        " LINKWATCH_PG_BIN); scripts/test.sh installs them"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer(Closing):
    """A running cluster; :meth:`new_database` gives each test a database of its own."""

    USER = "linkwatch"

    def __init__(self, folder: Path, port: int, run_as: list[str], bin_dir: Path) -> None:
        self.folder = folder
        self.port = port
        self._run_as = run_as
        self._bin = bin_dir
        self._names = itertools.count(1)

    @classmethod
    def start(cls) -> PostgresServer:
        """initdb and start a cluster; the caller must :meth:`close` it."""
        bin_dir = server_bin()
        folder = Path(tempfile.mkdtemp(prefix="linkwatch-pg-"))
        run_as: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(folder, owner.pw_uid, owner.pw_gid)
            run_as = ["runuser", "-u", "postgres", "--"]
        server = cls(folder, _free_port(), run_as, bin_dir)
        try:
            server._run(
                "initdb",
                "-D",
                str(folder / "data"),
                "-U",
                cls.USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C",
            )
            server.resume()
        except BaseException:
            server.close()
            raise
        return server

    def resume(self) -> None:
        """Start the server (again, after :meth:`halt`) on the same port and data."""
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -F -c max_connections=200"
        data, log = str(self.folder / "data"), str(self.folder / "log")
        self._run("pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start")

    def halt(self) -> None:
        """Stop the server at once, as a crash would (its data stays for :meth:`resume`)."""
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [*self._run_as, str(self._bin / tool), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr}\n{tail}")

    def url(self, database: str = "postgres") -> str:
        """The ``postgresql://`` URL of ``database`` on this server."""
        return f"postgresql://{self.USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        name = f"lw_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def close(self) -> None:
        """Stop the server at once and remove its folder."""
        if (self.folder / "data" / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                self.halt()
        shutil.rmtree(self.folder, ignore_errors=True)
