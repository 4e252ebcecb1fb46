"""A small Chrome DevTools Protocol driver for headless Chromium, over a WebSocket."""

from __future__ import annotations

import contextlib
import itertools
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1280,1400",
)


def chromium_path() -> str | None:
    """The Chromium binary, or ``None`` when it is not installed."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


class Page:
    """One page target, attached with a flat session."""

    def __init__(self, ws: ClientConnection, session_id: str) -> None:
        self._ws = ws
        self._session = session_id
        self._ids = itertools.count(1000)
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call ``method`` on the page and return its result (raises on a protocol error)."""
        return _call(self._ws, next(self._ids), method, params, self._session, self.events)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (returned by value)."""
        answer = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in answer:
            raise AssertionError(f"page raised: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15.0) -> None:
        """Poll until ``expression`` is truthy in the page."""
        deadline = time.monotonic() + timeout
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {expression}")
            time.sleep(0.05)


def _call(
    ws: ClientConnection,
    msg_id: int,
    method: str,
    params: dict[str, Any],
    session: str | None,
    events: list[dict[str, Any]],
) -> dict[str, Any]:
    message: dict[str, Any] = {"id": msg_id, "method": method, "params": params}
    if session:
        message["sessionId"] = session
    ws.send(json.dumps(message))
    while True:
        reply = json.loads(ws.recv(timeout=30))
        if reply.get("id") == msg_id:
            if "error" in reply:
                raise AssertionError(f"{method}: {reply['error']}")
            result: dict[str, Any] = reply.get("result", {})
            return result
        events.append(reply)


@contextlib.contextmanager
def open_page(chromium: str, url: str, profile: Path) -> Iterator[Page]:
    """Start headless Chromium with a fresh profile, open ``url``, and stop it afterwards."""
    proc = subprocess.Popen(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("Chromium did not open its DevTools port")
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        with connect(f"ws://127.0.0.1:{port}{path}", max_size=64 << 20) as ws:
            events: list[dict[str, Any]] = []
            target = _call(ws, 1, "Target.createTarget", {"url": "about:blank"}, None, events)
            attached = _call(
                ws,
                2,
                "Target.attachToTarget",
                {"targetId": target["targetId"], "flatten": True},
                None,
                events,
            )
            page = Page(ws, attached["sessionId"])
            page.send("Page.enable")
            page.send("Runtime.enable")
            page.send("Page.navigate", url=url)
            page.wait_for("document.readyState === 'complete' && !!document.body")
            yield page
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
