"""report.html in real headless Chromium: rows, sorting, filtering, and no injected script runs."""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from linkwatch.report.writer import write_reports

from .cdp import Page, chromium_path, open_page
from .samples import HOSTILE_TITLE, every_verdict_run

CHROMIUM = chromium_path()

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Chromium is not installed (scripts/test.sh installs Debian's chromium)",
)

ROW_IDS = "Array.from(document.querySelectorAll('#citations tbody tr')).map(r => r.dataset.id)"
VISIBLE_IDS = (
    "Array.from(document.querySelectorAll('#citations tbody tr'))"
    ".filter(r => !r.hidden && r.offsetParent !== null).map(r => r.dataset.id)"
)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    assert CHROMIUM is not None, "Chromium is required in CI (scripts/test.sh installs it)"
    base = tmp_path_factory.mktemp("browser")
    folder = write_reports(every_verdict_run(), base / "reports")
    with open_page(CHROMIUM, (folder / "report.html").as_uri(), base / "profile") as p:
        yield p


def _click(page: Page, selector: str) -> None:
    page.evaluate(f"document.querySelector({json.dumps(selector)}).click()")


def _choose(page: Page, select_id: str, value: str) -> None:
    page.evaluate(
        f"(() => {{ const s = document.getElementById({json.dumps(select_id)});"
        f" s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); }})()"
    )


def test_table_renders_every_citation(page: Page) -> None:
    assert page.evaluate(ROW_IDS) == [f"c{i}" for i in range(1, 9)]
    assert page.evaluate(VISIBLE_IDS) == [f"c{i}" for i in range(1, 9)]
    assert page.evaluate("document.getElementById('shown').textContent") == (
        "8 of 8 citations shown"
    )
    assert page.evaluate("document.querySelectorAll('svg rect').length") > 7


def test_injected_script_did_not_run_and_shows_as_text(page: Page) -> None:
    assert page.evaluate("typeof window.__lw_pwned") == "undefined"
    assert HOSTILE_TITLE in page.evaluate("document.body.innerText")
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    dialogs = [e for e in page.events if e.get("method") == "Page.javascriptDialogOpening"]
    assert dialogs == []


def test_sorting_by_verdict_then_reversed(page: Page) -> None:
    _click(page, "#citations thead button[data-col='0']")
    assert page.evaluate(ROW_IDS) == ["c1", "c2", "c3", "c8", "c4", "c5", "c6", "c7"]
    assert page.evaluate("document.querySelector('thead th').getAttribute('aria-sort')") == (
        "ascending"
    )
    _click(page, "#citations thead button[data-col='0']")
    assert page.evaluate(ROW_IDS) == ["c7", "c6", "c5", "c4", "c3", "c8", "c2", "c1"]


def test_sorting_by_host(page: Page) -> None:
    _click(page, "#citations thead button[data-col='3']")
    hosts = page.evaluate(
        "Array.from(document.querySelectorAll('#citations tbody tr')).map(r => r.dataset.host)"
    )
    assert hosts == sorted(hosts)
    assert hosts[0] == ""


def test_filtering_by_verdict_source_and_host(page: Page) -> None:
    _choose(page, "f-verdict", "at-risk")
    assert sorted(page.evaluate(VISIBLE_IDS)) == ["c3", "c8"]
    assert page.evaluate("document.getElementById('shown').textContent") == (
        "2 of 8 citations shown"
    )
    _choose(page, "f-host", "quotes.example")
    assert page.evaluate(VISIBLE_IDS) == ["c3"]
    _click(page, "#f-clear")
    _choose(page, "f-source", "People's Daily")
    assert page.evaluate(VISIBLE_IDS) == ["c2"]
    _click(page, "#f-clear")
    assert len(page.evaluate(VISIBLE_IDS)) == 8


def test_screenshot_is_saved(page: Page, tmp_path: Path) -> None:
    _click(page, "#f-clear")
    shot = base64.b64decode(
        page.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
    )
    assert shot.startswith(b"\x89PNG\r\n\x1a\n") and len(shot) > 20_000
    out = tmp_path / "report.png"
    out.write_bytes(shot)
    keep = os.environ.get("LINKWATCH_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(out, Path(keep) / "report.png")
