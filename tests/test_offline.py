"""On a machine with no network, the bundled citations.csv ends inconclusive, quickly, nothing dead.

The run happens for real inside a network namespace that has no network at all
(``unshare -rn``: a new user and network namespace with only a loopback that is down).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from linkwatch.errors import ExitCode
from linkwatch.records import read_citations

BUNDLED = Path(__file__).resolve().parents[1] / "citations.csv"


def _unshare_problem() -> str:
    """Why a command cannot be run without a network here, or ``""`` when it can."""
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is not installed"
    probe = subprocess.run(
        ["unshare", "-rn", "true"], capture_output=True, text=True, timeout=30, check=False
    )
    if probe.returncode != 0:
        return f"unshare -rn is not permitted here: {probe.stderr.strip() or probe.returncode}"
    return ""


@pytest.mark.skipif(bool(_unshare_problem()), reason=_unshare_problem() or "unshare available")
def test_bundled_citations_without_network_end_inconclusive_quickly_and_nothing_dead(
    tmp_path: Path,
) -> None:
    citations = tmp_path / "citations.csv"
    shutil.copyfile(BUNDLED, citations)
    assert any(c.url or c.doi for c in read_citations(citations))
    began = time.monotonic()
    done = subprocess.run(
        ["unshare", "-rn", sys.executable, "-m", "linkwatch", "check", str(citations)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    took = time.monotonic() - began
    assert done.returncode == ExitCode.INCONCLUSIVE, done.stderr
    assert "the network looks down" in done.stderr
    assert took < 30, f"an offline run took {took:.1f} s"

    with sqlite3.connect(tmp_path / ".linkwatch.db") as db:
        counted = db.execute(
            "SELECT url, consecutive_failures, counted_failures, failing_since, confirmed_dead"
            " FROM urls WHERE consecutive_failures > 0 OR counted_failures > 0"
            " OR failing_since != '' OR confirmed_dead != 0"
        ).fetchall()
        assert counted == []
        (state,) = db.execute("SELECT COUNT(*) FROM runs").fetchone()
        assert state == 1

    results = json.loads((tmp_path / "reports" / "latest" / "results.json").read_text())
    verdicts = results["summary"]["verdicts"]
    assert verdicts["lost"] == 0 and verdicts["preserved-only"] == 0
    assert results["run"]["inconclusive"] is True
    lives = [r["live"] for r in results["run"]["results"] if r.get("live")]
    assert lives and not any(live.get("confirmed_dead") for live in lives)
