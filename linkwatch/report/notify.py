"""Notifications for scheduled runs: the "since last run" changes, sent through Apprise.

:func:`notify_run` sends one short message per notification URL (any URL Apprise
knows: ``mailtos://``, ``slack://``, ``matrixs://``, ``msteams://``, ``json://``…)
when a run has newly failing, newly drifted or recovered citations, or always
with ``always=True``. Sending never raises: a target that cannot be reached is
logged and the run's exit code stays what the run decided.

Notification URLs carry secrets (passwords, tokens in the path or the host), so
they are only ever shown redacted (:func:`redact`), and whatever Apprise and the
HTTP libraries under it log while sending is captured and scrubbed of every part
of the URL that could be secret before it reaches linkwatch's log.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path

from linkwatch.errors import InputError
from linkwatch.report.markdown import diff_items, md_text, run_state
from linkwatch.report.model import DiffEntry, RunDiff, counts_line, diff_runs, summarize
from linkwatch.results import RunResult

logger = logging.getLogger(__name__)

#: Entries listed per kind of change in a message; the reports have them all.
MESSAGE_LIST_LIMIT = 20

#: Schemes whose host part is a server name, not a token, and may be shown.
_HOST_SCHEMES = frozenset(
    {"json", "jsons", "xml", "xmls", "form", "forms", "mailto", "mailtos", "ntfy", "ntfys"}
)

#: Loggers that may print a request URL while Apprise sends.
_CAPTURED_LOGGERS = ("apprise", "urllib3", "requests")

_MASK = "***"


@dataclasses.dataclass(frozen=True, slots=True)
class NotifyOutcome:
    """What happened to one notification URL."""

    target: str
    """The URL, redacted (:func:`redact`)."""
    sent: bool
    reason: str = ""
    """Why it was not sent, scrubbed of secrets."""


def redact(url: str) -> str:
    """``url`` with nothing secret left: the scheme, and the host for webhook and mail schemes.

    ``json://user:s3cret@hooks.example.org/t0ken`` → ``json://hooks.example.org/…``;
    ``slack://T1/B2/C3`` → ``slack://…`` (the "host" of most schemes is a token).
    """
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return "(a notification URL that cannot be read)"
    scheme = parts.scheme.lower() or "?"
    if scheme in _HOST_SCHEMES and host:
        shown = f"{scheme}://{host}" + (f":{port}" if port else "")
        return shown + ("/…" if parts.path.strip("/") or parts.query else "")
    return f"{scheme}://…"


def secrets_of(url: str) -> list[str]:
    """Every part of ``url`` that may be secret (longest first), to scrub from log text."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        return [url] if url else []
    pieces = [parts.username or "", parts.password or "", parts.fragment]
    pieces += [p for p in parts.path.split("/") if p]
    for key, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True):
        pieces += [key, value]
    if parts.scheme.lower() not in _HOST_SCHEMES:
        raw_host = parts.netloc.rpartition("@")[2]
        pieces += [host, raw_host, raw_host.rsplit(":", 1)[0]]
    found: set[str] = set()
    for piece in pieces:
        # Shorter pieces would mask ordinary words; a secret is never that short.
        if len(piece) >= 3:
            found.update({piece, urllib.parse.unquote(piece), urllib.parse.quote(piece, safe="")})
    found.add(url)
    return sorted(found, key=len, reverse=True)


def scrub(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every one of ``secrets`` (in any letter case) replaced by ``***``."""
    wanted = [re.escape(s) for s in sorted(set(secrets), key=len, reverse=True) if s]
    if not wanted:
        return text
    return re.compile("|".join(wanted), re.IGNORECASE).sub(_MASK, text)


def check_targets(urls: Sequence[str], what: str = "--notify") -> None:
    """Raise :class:`InputError` for the first URL Apprise cannot send to (named redacted)."""
    if not urls:
        return
    import apprise

    for i, url in enumerate(urls, 1):
        if apprise.Apprise.instantiate(url) is None:
            raise InputError(
                f"{what}: notification URL {i} ({redact(url)}) is not one Apprise can send to"
                " (see https://github.com/caronc/apprise/wiki for the URL of each service)"
            )


def has_changes(diff: RunDiff) -> bool:
    """True when something was newly failing, newly drifted or recovered."""
    return bool(diff.newly_failing or diff.newly_changed or diff.recovered)


def _entries(title: str, entries: tuple[DiffEntry, ...]) -> list[str]:
    if not entries:
        return []
    # Plain URLs, not Markdown links: some services show the message as text.
    items = diff_items(entries, MESSAGE_LIST_LIMIT, "the report lists all", links=False)
    return [f"**{title} ({len(entries)})**", "", *items, ""]


def message(run: RunResult, diff: RunDiff, folder: Path | None = None) -> tuple[str, str]:
    """The title and Markdown body of a run's notification."""
    trusted = run.complete and not run.inconclusive
    parts = [
        f"{len(diff.newly_failing)} newly failing",
        f"{len(diff.newly_changed)} newly drifted",
        f"{len(diff.recovered)} recovered",
    ]
    title = "linkwatch: " + (", ".join(parts) if trusted else run_state(run).split(":")[0])
    lines = [f"Run {md_text(run.run_id)}: {md_text(run_state(run))}."]
    if diff.previous_run_id is not None:
        lines[0] += f" Compared with run {md_text(diff.previous_run_id)}."
    lines.append("")
    if trusted:
        lines += _entries("Newly failing", diff.newly_failing)
        lines += _entries("Newly drifted", diff.newly_changed)
        lines += _entries("Recovered", diff.recovered)
        if not has_changes(diff):
            lines += ["Nothing changed since the last run.", ""]
    lines.append(f"Now: {counts_line(summarize(run).verdicts)}.")
    if folder is not None:
        lines.append(f"Reports: {md_text(str(folder))}")
    return title, "\n".join(lines)


class _Capture(logging.Handler):
    """Keeps the records of the libraries that send, to be scrubbed before anyone sees them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _captured() -> Iterator[_Capture]:
    """Route the sending libraries' logs to a :class:`_Capture` only, then restore them."""
    capture = _Capture()
    saved = []
    for name in _CAPTURED_LOGGERS:
        log = logging.getLogger(name)
        saved.append((log, log.handlers[:], log.propagate, log.level))
        log.handlers[:] = [capture]
        log.propagate = False
        log.setLevel(logging.DEBUG)
    try:
        yield capture
    finally:
        for log, handlers, propagate, level in saved:
            log.handlers[:] = handlers
            log.propagate = propagate
            log.setLevel(level)


def send(url: str, title: str, body: str) -> NotifyOutcome:
    """Send one notification to ``url``; never raises."""
    import apprise

    target = redact(url)
    secrets = secrets_of(url)
    sent = False
    with _captured() as capture:
        try:
            sender = apprise.Apprise()
            if sender.add(url):
                sent = bool(
                    sender.notify(body=body, title=title, body_format=apprise.NotifyFormat.MARKDOWN)
                )
        except Exception as exc:  # a plugin's own bug must not cost the run its exit code
            capture.records.append(
                logging.LogRecord("apprise", logging.ERROR, "", 0, repr(exc), None, None)
            )
    problems = []
    for record in capture.records:
        text = scrub(record.getMessage(), secrets)
        logger.debug("notify: %s: %s", target, text)
        if record.levelno >= logging.WARNING:
            problems.append(text)
    reason = "" if sent else ("; ".join(problems) or "Apprise could not send it")
    return NotifyOutcome(target=target, sent=sent, reason=reason)


def notify_run(
    urls: Sequence[str],
    run: RunResult,
    previous: RunResult | None,
    *,
    always: bool = False,
    folder: Path | None = None,
) -> list[NotifyOutcome]:
    """Send ``run``'s changes since ``previous`` to every URL in ``urls``; the outcome of each.

    Nothing is sent (an empty list comes back) unless something was newly failing,
    newly drifted or recovered, or ``always`` is set. The changes of an interrupted
    or inconclusive run are not trusted: such a run is announced only with
    ``always``, by its state alone. Failures are logged as warnings, never raised.
    """
    if not urls:
        return []
    diff = diff_runs(run, previous)
    trusted = run.complete and not run.inconclusive
    if not always and not (trusted and has_changes(diff)):
        why = "nothing changed since the last run" if trusted else "the run was not conclusive"
        logger.info("notify: nothing sent: %s", why)
        return []
    title, body = message(run, diff, folder)
    outcomes = []
    for url in urls:
        outcome = send(url, title, body)
        if outcome.sent:
            logger.info("notify: sent to %s", outcome.target)
        else:
            logger.warning("notify: could not send to %s: %s", outcome.target, outcome.reason)
        outcomes.append(outcome)
    return outcomes
