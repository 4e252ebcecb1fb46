"""The ``linkwatch`` command line: a thin layer over the library.

This is the only module that imports typer or prints. Library errors
(:class:`linkwatch.errors.LinkwatchError`) become a one-line message on stderr
and the exit code the error names.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from linkwatch import __version__
from linkwatch.archives.config import ArchiveOptions
from linkwatch.errors import ExitCode, LinkwatchError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="linkwatch",
    help="Keep a report's cited sources verifiable.",
    context_settings=CONTEXT_SETTINGS,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _die(message: str, code: ExitCode = ExitCode.USAGE) -> NoReturn:
    """Print ``linkwatch: error: message`` on stderr and exit with ``code``."""
    typer.echo(f"linkwatch: error: {message}", err=True)
    raise typer.Exit(int(code))


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"linkwatch {__version__}")
        raise typer.Exit(int(ExitCode.OK))


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """Keep a report's cited sources verifiable.

    Example: linkwatch extract report.txt -o citations.csv
    """


# -- extract ---------------------------------------------------------------------------------


@app.command("extract")
def extract_command(
    reports: Annotated[
        list[Path],
        typer.Argument(
            help="Report files (text, HTML, Markdown, Word .docx or PDF).", show_default=False
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="The citations file to write or merge into.")
    ] = Path("citations.csv"),
    published: Annotated[
        str | None,
        typer.Option("--published", help="Publication date YYYY-MM-DD (dates year-less ones)."),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="auto, text, html, markdown, docx or pdf.")
    ] = "auto",
) -> None:
    """Parse reports into citation records (citations.csv), keeping hand-edited values.

    Re-running into an existing file merges: edited values are kept, new citations
    added, vanished ones kept and flagged "removed".

    Example: linkwatch extract ../shared/seed/report.txt -o citations.csv
    """
    from linkwatch.extract import Format, extract_to_csv, parse_published

    try:
        try:
            chosen = Format(fmt.lower())
        except ValueError:
            _die(f"--format {fmt!r}: choose auto, text, html, markdown, docx or pdf")
        date = parse_published(published) if published is not None else None
        summary = extract_to_csv(reports, output, published=date, fmt=chosen)
    except LinkwatchError as exc:
        _die(str(exc), exc.exit_code)
    for extraction in summary.extractions:
        kinds: dict[str, int] = {}
        for c in extraction.citations:
            kinds[c.kind] = kinds.get(c.kind, 0) + 1
        urls = sum(1 for c in extraction.citations if c.url)
        counts = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        typer.echo(
            f"{extraction.report}: {len(extraction.citations)} citations ({counts or 'none'}), "
            f"{urls} with a URL; published {extraction.published or 'unknown'}"
            f" ({extraction.published_from or 'no date found'})"
        )
    merge = summary.merge
    typer.echo(
        f"wrote {summary.output}: {merge.added} new, {merge.kept} kept, {merge.removed} removed"
    )


def _citations_from(path: Path) -> Path:
    """The citations file to read for ``path``: a report is extracted first (merged into the
    citations.csv beside it); a summary line goes to stderr."""
    from linkwatch.extract import citations_input

    try:
        given = citations_input(path)
    except LinkwatchError as exc:
        _die(str(exc), exc.exit_code)
    if given.extracted is not None:
        merge = given.extracted.merge
        found = sum(len(e.citations) for e in given.extracted.extractions)
        typer.echo(
            f"extract: {path.name}: {found} citations into {given.citations}"
            f" ({merge.added} new, {merge.kept} kept, {merge.removed} removed)",
            err=True,
        )
    return given.citations


# -- preserve: archive and robustify ---------------------------------------------------------


def _split_words(values: list[str] | None) -> list[str]:
    return [w.strip() for v in values or [] for w in v.split(",") if w.strip()]


@app.command("archive")
def archive_command(
    citations: Annotated[
        Path | None,
        typer.Argument(
            help="The checked citations file, or its report (default: config, or citations.csv)."
        ),
    ] = None,
    only: Annotated[
        str | None,
        typer.Option(
            "--only", help="Verdicts to preserve (default at-risk,drifted; all: every source)."
        ),
    ] = None,
    ids: Annotated[
        list[str] | None, typer.Option("--ids", help="Also preserve these citation ids.")
    ] = None,
    to: Annotated[
        str | None,
        typer.Option("--to", help="wayback, warc or a --record-archive name (wayback,warc)."),
    ] = None,
    warc: Annotated[Path | None, typer.Option("--warc", help="Folder for WARC copies.")] = None,
    wacz: Annotated[bool, typer.Option("--wacz", help="Also write archive.wacz.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be requested; request nothing.")
    ] = False,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow loopback and private addresses.")
    ] = False,
    db: Annotated[
        str | None,
        typer.Option("--db", help="The store: a file (default beside it) or postgresql:// URL."),
    ] = None,
    wayback_url: Annotated[
        str | None,
        typer.Option(
            "--wayback-url", help="Base URL of the Wayback Machine (https://web.archive.org)."
        ),
    ] = None,
    record_archive: Annotated[
        list[str] | None,
        typer.Option("--record-archive", help="NAME=URL: a pywb record/ root."),
    ] = None,
    if_not_archived_within: Annotated[
        str | None,
        typer.Option("--if-not-archived-within", help="Reuse a capture this recent (30d)."),
    ] = None,
    poll_interval: Annotated[
        float | None,
        typer.Option("--poll-interval", help="Seconds between Save Page Now job polls (6)."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="linkwatch.toml or pyproject.toml to use.")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="Only problems: print nothing when all is well.")
    ] = False,
    verbose: Annotated[
        int, typer.Option("-v", "--verbose", count=True, help="More detail on stderr (-vv).")
    ] = 0,
) -> None:
    """Ask archives to capture what the latest check found at risk; write the links back.

    Keys for Save Page Now come from LINKWATCH_IA_ACCESS_KEY and LINKWATCH_IA_SECRET_KEY
    (anonymous when unset); they are never printed or stored. Options not given are
    taken from the [archive] table of linkwatch.toml or [tool.linkwatch] (see --config).

    Example: linkwatch archive citations.csv --to wayback,warc --warc warc/ --dry-run
    """
    from linkwatch.check import CheckOptions
    from linkwatch.config import ArchiveCommandSettings, RunSettings, load_config
    from linkwatch.preserve.run import Archiver, outcome_exit, outcome_lines, plan_lines
    from linkwatch.preserve.settings import parse_record_archive
    from linkwatch.preserve.spn import keys_from_env
    from linkwatch.status import Verdict
    from linkwatch.store.db import Store, citations_scope, default_db_path

    if quiet and verbose:
        _die("-q/--quiet and -v/--verbose cannot be used together")
    _setup_logging(-1 if quiet else verbose)
    given: dict[str, Any] = {}
    if to is not None:
        given["archive.to"] = tuple(_split_words([to]))
    if only is not None:
        words = _split_words([only])
        try:
            given["archive.only"] = (
                tuple(Verdict) if words == ["all"] else tuple(Verdict(v) for v in words)
            )
        except ValueError:
            known = ", ".join(v.value for v in Verdict)
            _die(f"--only: {only!r} is not a list of verdicts ({known}) or all")
    if warc is not None:
        given["archive.warc"] = warc
    if wacz:
        given["archive.wacz"] = True
    if allow_private:
        given["archive.allow_private"] = True
    if wayback_url is not None:
        given["archive.wayback_url"] = wayback_url
    if if_not_archived_within is not None:
        given["archive.if_not_archived_within"] = if_not_archived_within
    if poll_interval is not None:
        given["archive.poll_interval"] = poll_interval
    try:
        if record_archive:
            given["archive.record_archives"] = dict(
                parse_record_archive(spec) for spec in record_archive
            )
        loaded = load_config(config, citations=citations)
        settings = loaded.build(ArchiveCommandSettings, given).archive
        if warc is not None and "warc" not in settings.to:
            _die("--warc was given but --to does not include warc")
        run_settings = loaded.build(RunSettings, {"citations": citations})
        source = run_settings.citations or Path("citations.csv")
        store_path = _db_given(db) or loaded.build(CheckOptions).db or default_db_path(source)
        options = settings.options(
            ids=tuple(_split_words(ids)), dry_run=dry_run, keys=keys_from_env()
        )
        if not source.is_file():
            _die(f"{source}: no such citations file")
        if db is None:
            source = _citations_from(source)
            store_path = _db_given(None) or loaded.build(CheckOptions).db or default_db_path(source)
        with Store(store_path, scope=citations_scope(source)) as store:
            archiver = Archiver(store, options, citations_file=source)
            outcome = asyncio.run(archiver.run())
    except LinkwatchError as exc:
        _die(str(exc), exc.exit_code)
    lines = plan_lines(outcome.plan, outcome.idle) if dry_run else outcome_lines(outcome)
    code = ExitCode.OK if dry_run else outcome_exit(outcome)
    if not quiet or code != ExitCode.OK:
        for line in lines:
            typer.echo(line)
    raise typer.Exit(int(code))


@app.command("robustify")
def robustify_command(
    report: Annotated[Path, typer.Argument(help="The published report (.html or .md).")],
    citations: Annotated[
        Path, typer.Option("--citations", help="The citations file with archive_url.")
    ] = Path("citations.csv"),
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Output file (default REPORT.robust.EXT).")
    ] = None,
    db: Annotated[
        str | None,
        typer.Option("--db", help="The store: a file (default beside it) or postgresql:// URL."),
    ] = None,
) -> None:
    """Write a copy of a report whose citation links carry Robust Links to their captures.

    Example: linkwatch robustify report.html --citations citations.csv -o report.robust.html
    """
    from linkwatch.preserve.ledger import Ledger
    from linkwatch.preserve.robust import robustify_file, versions_for
    from linkwatch.records import read_citations
    from linkwatch.store.db import Store, default_db_path

    out = output or report.with_name(f"{report.stem}.robust{report.suffix}")
    if out.resolve() == report.resolve():
        _die(f"-o {out}: would overwrite the report itself; choose another file")
    try:
        records = read_citations(citations)
        stored: dict[str, tuple[str, str]] = {}
        db_path = _db_given(db) or default_db_path(citations)
        if not isinstance(db_path, Path) or db_path.exists():
            with Store(db_path, lock=False) as store:
                links = Ledger(store).links(str(citations.resolve()))
            stored = {cid: (k.archive_url, k.version_date) for cid, k in links.items()}
        count = robustify_file(report, out, versions_for(records, stored))
    except LinkwatchError as exc:
        _die(str(exc), exc.exit_code)
    typer.echo(f"robustify: {count} link(s) given Robust Links attributes; wrote {out}")


# -- check -----------------------------------------------------------------------------------


@app.command("check")
def check_command(
    ctx: typer.Context,
    citations: Annotated[
        Path | None,
        typer.Argument(
            help="The citations file to check, or a report (any format) to extract into the"
            " citations.csv beside it first (default: config, or citations.csv)."
        ),
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", help="Requests at once, over all hosts.")
    ] = 32,
    per_host: Annotated[int, typer.Option("--per-host", help="Requests at once to one host.")] = 2,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="Processes to share the live check by host (default 1; 0: one per core,"
            " at most 4, 1 for small runs).",
        ),
    ] = 1,
    host_interval: Annotated[
        float,
        typer.Option("--host-interval", help="Seconds between request starts to one host."),
    ] = 0.5,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Total deadline per request, seconds.")
    ] = 20.0,
    retries: Annotated[
        int, typer.Option("--retries", help="Retries after a timeout, reset, 5xx or 429.")
    ] = 2,
    patience: Annotated[
        float,
        typer.Option("--patience", help="Seconds one URL may take, waits and retries included."),
    ] = 60.0,
    max_age: Annotated[
        str | None,
        typer.Option("--max-age", help="Skip URLs checked ok more recently (e.g. 12h, 3d)."),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help="Regular expression of URLs not to fetch (repeatable)."),
    ] = None,
    ca_bundle: Annotated[
        Path | None, typer.Option("--ca-bundle", help="PEM file of extra CAs to trust.")
    ] = None,
    allow_private: Annotated[
        bool,
        typer.Option("--allow-private", help="Allow loopback and private-network addresses."),
    ] = False,
    confirm_now: Annotated[
        bool, typer.Option("--confirm-now", help="Call failing URLs dead without waiting.")
    ] = False,
    confirm_runs: Annotated[
        int, typer.Option("--confirm-runs", help="Failed runs before a URL is confirmed dead.")
    ] = 3,
    confirm_days: Annotated[
        float, typer.Option("--confirm-days", help="Minimum days between counted failed runs.")
    ] = 3.0,
    canary: Annotated[
        str | None,
        typer.Option("--canary", help="A URL that must answer, or the run is inconclusive."),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="The database: a file (default .linkwatch.db beside the citations)"
            " or a postgresql:// URL (also LINKWATCH_DB).",
        ),
    ] = None,
    distributed: Annotated[
        bool,
        typer.Option(
            "--distributed",
            help="Hand the live and archive checks to `linkwatch worker` processes"
            " (needs a postgresql:// --db).",
        ),
    ] = False,
    shard_size: Annotated[
        int,
        typer.Option("--shard-size", help="With --distributed: URLs per job (whole hosts)."),
    ] = 500,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the run's results as JSON on stdout.")
    ] = False,
    user_agent: Annotated[
        str | None, typer.Option("--user-agent", help="The User-Agent header to send.")
    ] = None,
    archive: Annotated[
        list[str] | None,
        typer.Option(
            "--archive",
            help="NAME=URL: also ask this Memento archive (TimeGate = URL + page URL); repeatable.",
        ),
    ] = None,
    archive_only: Annotated[
        bool,
        typer.Option(
            "--archive-only", help="Ask only the --archive archives, not the Internet Archive."
        ),
    ] = False,
    no_archive: Annotated[
        bool, typer.Option("--no-archive", help="Skip web archives: live check only.")
    ] = False,
    archive_window: Annotated[
        int | None,
        typer.Option(
            "--archive-window", help="Days around the citation date a capture may be (14)."
        ),
    ] = None,
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on", help="Verdicts that make the exit code 1 (default lost,drifted; none)."
        ),
    ] = None,
    reports: Annotated[
        Path | None,
        typer.Option("--reports", help="Folder for REPORTS/RUN-ID/ (default reports/ beside)."),
    ] = None,
    notify: Annotated[
        list[str] | None,
        typer.Option(
            "--notify",
            envvar="LINKWATCH_NOTIFY",
            help="Apprise URL told of new failures, drift and recoveries (repeatable).",
        ),
    ] = None,
    notify_always: Annotated[
        bool, typer.Option("--notify-always", help="Notify after every run, changed or not.")
    ] = False,
    config: Annotated[
        Path | None, typer.Option("--config", help="linkwatch.toml or pyproject.toml to use.")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="Only warnings and errors on stderr.")
    ] = False,
    verbose: Annotated[
        int, typer.Option("-v", "--verbose", count=True, help="More detail on stderr (-vv).")
    ] = 0,
) -> None:
    """Check every cited URL live and in web archives, remember the results, judge each citation.

    Writes report.md, report.html, results.json and results.csv to
    REPORTS/RUN-ID/ and points REPORTS/latest there. Options not given are taken
    from linkwatch.toml or [tool.linkwatch] (see --config).

    Exit codes: 0 nothing wrong, 1 a verdict in --fail-on (default lost, drifted),
    2 usage or input error, 3 inconclusive (the network looks down, or the run
    was interrupted by SIGINT/SIGTERM: its reports are still written, marked incomplete).

    Given a report (text, HTML, Markdown, .docx, PDF) instead of a citations file, it is
    extracted first into the citations.csv beside it (merged as extract merges), so
    "linkwatch check draft.docx" is the whole pre-publication audit.

    Example: linkwatch check citations.csv --per-host 2 --max-age 12h --fail-on lost,drifted
    """
    import dataclasses

    from linkwatch.check import CheckOptions, exit_code_for, run_check
    from linkwatch.live.options import LiveOptions

    if quiet and verbose:
        _die("-q/--quiet and -v/--verbose cannot be used together")
    if confirm_now and (confirm_runs != 3 or confirm_days != 3.0):
        _die("--confirm-now cannot be combined with --confirm-runs or --confirm-days")
    archive_options = _archive_options(archive or [], archive_only, no_archive, archive_window)
    live = LiveOptions(
        concurrency=concurrency,
        per_host=per_host,
        workers=workers,
        host_interval=host_interval,
        timeout=timeout,
        retries=retries,
        patience=patience,
        ca_bundle=ca_bundle,
        allow_private=allow_private,
        canary=canary or "",
    )
    if user_agent is not None:
        live = dataclasses.replace(live, user_agent=user_agent)
    options = CheckOptions(
        live=live,
        db=_db_given(db),
        max_age=max_age or "",
        exclude=tuple(exclude or ()),
        confirm_runs=confirm_runs,
        confirm_days=confirm_days,
        confirm_now=confirm_now,
        archives=archive_options,
        distributed=distributed,
        shard_size=shard_size,
    )
    try:
        settings, options = _check_settings(ctx, citations, config, options, fail_on, reports)
        if notify or notify_always:
            settings = dataclasses.replace(
                settings,
                notify=tuple(notify) if notify else settings.notify,
                notify_always=notify_always or settings.notify_always,
            )
        _check_notify_targets(settings.notify)
    except LinkwatchError as exc:
        _die(str(exc), exc.exit_code)
    verbosity = -1 if quiet else verbose or settings.verbosity
    _setup_logging(verbosity)
    citations = _citations_from(settings.citations or Path("citations.csv"))
    progress = _CheckProgress() if sys.stderr.isatty() and not json_out and verbosity >= 0 else None
    try:
        if progress is not None:
            with progress:
                run = run_check(citations, options, progress=progress.update, handle_signals=True)
        else:
            run = run_check(citations, options, handle_signals=True)
        previous, folder = _write_check_reports(run, options, citations, settings)
    except LinkwatchError as exc:
        _die(str(exc), exc.exit_code)
    code = exit_code_for(run, frozenset(settings.fail_on))
    if json_out:
        from linkwatch.report.writer import ReportFormat, render_chunks

        for chunk in render_chunks(ReportFormat.JSON, run, previous):
            sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
    from linkwatch.report.model import summarize

    # The counts the reports made (summarize keeps those of the run it was last given).
    verdicts = {v.value: n for v, n in summarize(run).verdicts.items() if n}
    counts = ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())) or "no citations"
    summary = f"check: run {run.run_id}: {len(run.results)} citations: {counts}"
    # One line whatever happened, so cron mails (and logs) carry the reason with the counts.
    if not run.complete:
        summary += "; interrupted: the reports are marked incomplete"
    if run.inconclusive:
        summary += f"; inconclusive: {run.inconclusive_reason}"
    if run.internal_errors:
        summary += (
            f"; {run.internal_errors} URL(s) hit an internal error and were left not-checked"
            " (tracebacks with -v)"
        )
    if verbosity >= 0 or code != ExitCode.OK or run.internal_errors:
        typer.echo(f"{summary}; reports in {folder}", err=True)
    if settings.notify:
        from linkwatch.report.notify import notify_run

        # Logged, never raised: a notification that fails leaves the exit code as it is.
        notify_run(settings.notify, run, previous, always=settings.notify_always, folder=folder)
    raise typer.Exit(int(code))


def _check_notify_targets(urls: tuple[str, ...]) -> None:
    """Refuse, before anything is fetched, a notification URL Apprise cannot send to."""
    if urls:
        from linkwatch.report.notify import check_targets

        check_targets(urls)


#: ``check`` parameters and the option fields they set (``table.field`` for nested options).
_CHECK_FIELDS: dict[str, str] = {
    "concurrency": "live.concurrency",
    "per_host": "live.per_host",
    "workers": "live.workers",
    "host_interval": "live.host_interval",
    "timeout": "live.timeout",
    "retries": "live.retries",
    "patience": "live.patience",
    "ca_bundle": "live.ca_bundle",
    "allow_private": "live.allow_private",
    "canary": "live.canary",
    "user_agent": "live.user_agent",
    "db": "db",
    "max_age": "max_age",
    "exclude": "exclude",
    "confirm_runs": "confirm_runs",
    "confirm_days": "confirm_days",
    "confirm_now": "confirm_now",
    "no_archive": "archives.enabled",
    "archive_window": "archives.window_days",
    "archive": "archives.archives",
    "archive_only": "archives.archives",
    "distributed": "distributed",
    "shard_size": "shard_size",
}


def _check_settings(
    ctx: typer.Context,
    citations: Path | None,
    config_path: Path | None,
    cli_options: object,
    fail_on: list[str] | None,
    reports: Path | None,
) -> tuple[Any, Any]:
    """The run settings and check options: defaults, then the config file, then the command line.

    Only options given on the command line override the file; the rest keep the
    file's value (or the default).
    """
    from linkwatch.archives.config import ArchiveOptions as Archives
    from linkwatch.check import CheckOptions
    from linkwatch.config import RunSettings, load_config
    from linkwatch.report.model import parse_verdicts

    config = load_config(config_path, citations=citations)
    given: dict[str, Any] = {}
    for param, path in _CHECK_FIELDS.items():
        source = ctx.get_parameter_source(param)
        if getattr(source, "name", "") != "COMMANDLINE":
            continue
        value: Any = cli_options
        for part in path.split("."):
            value = getattr(value, part)
        given[path] = value
    if "db" not in given and _db_given(None) is not None:
        given["db"] = _db_given(None)
    if "archives.archives" in given and not ctx.params.get("archive_only"):
        base = config.build(CheckOptions).archives.archives
        defaults = Archives().archives
        added = [a for a in given["archives.archives"] if a not in defaults and a not in base]
        given["archives.archives"] = (*base, *added)
    options = config.build(CheckOptions, given)
    options.validate()
    settings = config.build(
        RunSettings,
        {
            "citations": citations,
            "reports": reports,
            "fail_on": tuple(sorted(parse_verdicts(fail_on))) if fail_on else None,
        },
    )
    return settings, options


def _write_check_reports(
    run: Any, options: Any, citations: Path, settings: Any
) -> tuple[Any, Path]:
    """Write the run's four report files; returns the previous run compared with and the folder."""
    from linkwatch.report.history import previous_run
    from linkwatch.report.writer import write_reports
    from linkwatch.store.db import Store, citations_scope, default_db_path

    store_at = options.db or default_db_path(citations)
    with Store(store_at, lock=False, scope=citations_scope(citations)) as store:
        previous = previous_run(store, run.run_id)
    folder = settings.reports or Path(citations).resolve().parent / "reports"
    return previous, write_reports(run, folder, previous)


def _setup_logging(verbosity: int) -> None:
    """Logs go to stderr only: warnings with -q, then info, then debug with -v/-vv."""
    import logging

    level = {-1: logging.WARNING, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("linkwatch: %(levelname)s: %(message)s"))
    root = logging.getLogger("linkwatch")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def _archive_options(specs: list[str], only: bool, off: bool, window: int | None) -> ArchiveOptions:
    """The archive options of ``check``; conflicting or malformed options end the command."""
    import dataclasses

    from linkwatch.archives.config import parse_archive_option

    if off:
        given = [
            name
            for name, used in (
                ("--archive", bool(specs)),
                ("--archive-only", only),
                ("--archive-window", window is not None),
            )
            if used
        ]
        if given:
            _die(f"--no-archive cannot be combined with {', '.join(given)}")
        return ArchiveOptions(enabled=False)
    if only and not specs:
        _die("--archive-only needs at least one --archive NAME=URL")
    if window is not None and window < 0:
        _die(f"--archive-window: {window} is negative")
    try:
        added = tuple(parse_archive_option(spec) for spec in specs)
    except LinkwatchError as exc:
        _die(str(exc), exc.exit_code)
    options = ArchiveOptions()
    archives = added if only else options.archives + added
    names = [a.name for a in archives]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate is not None:
        _die(f"--archive: the name {duplicate!r} is used twice")
    if window is not None:
        options = dataclasses.replace(options, window_days=window)
    return dataclasses.replace(options, archives=archives)


class _CheckProgress:
    """A rich progress bar on the terminal: URLs done, alive/failing counts, rate, ETA."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("checking"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[alive]} alive, {task.fields[failing]} failing"),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = self._progress.add_task("check", total=None, alive=0, failing=0, rate="")
        self._alive = 0
        self._failing = 0

    def __enter__(self) -> _CheckProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def update(self, live: object, done: int, total: int) -> None:
        from linkwatch.results import LiveResult
        from linkwatch.status import ALIVE_LIVE, FAILING_LIVE

        if isinstance(live, LiveResult):
            if live.status in ALIVE_LIVE:
                self._alive += 1
            elif live.status in FAILING_LIVE:
                self._failing += 1
        task = self._progress.tasks[0]
        rate = f"{task.speed:.1f} URLs/s" if task.speed else ""
        self._progress.update(
            self._task,
            completed=done,
            total=total,
            alive=self._alive,
            failing=self._failing,
            rate=rate,
        )


# -- reports: report and runs ---------------------------------------------------------------


def _db_given(db: str | None) -> Any:
    """The store named by --db, else by LINKWATCH_DB: a path, a postgresql:// URL, or None."""
    import os

    from linkwatch.store.db import db_target

    value = db or os.environ.get("LINKWATCH_DB", "")
    return db_target(value) if value else None


def _store_path(db: str | None, citations: Path | None, config: Path | None) -> Any:
    """The database a reading command opens: --db (or LINKWATCH_DB), else beside the citations."""
    from linkwatch.check import CheckOptions
    from linkwatch.config import RunSettings, load_config
    from linkwatch.store.db import default_db_path

    loaded = load_config(config, citations=citations)
    given = _db_given(db) or loaded.build(CheckOptions).db
    if given is not None:
        return given
    settings = loaded.build(RunSettings, {"citations": citations})
    source = settings.citations or Path("citations.csv")
    path = default_db_path(source)
    if not path.exists():
        _die(f"{path}: no linkwatch database (run linkwatch check first, or give --db)")
    return path


def _reading_scope(citations: Path | None, config: Path | None) -> str:
    """The citations file whose runs a reading command shows in a shared database ("": all)."""
    from linkwatch.config import RunSettings, load_config
    from linkwatch.store.db import citations_scope

    settings = load_config(config, citations=citations).build(RunSettings, {"citations": citations})
    return citations_scope(settings.citations) if settings.citations else ""


@app.command("report")
def report_command(
    run_id: Annotated[
        str | None, typer.Argument(help="The run to render (a unique prefix; default: latest).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="Print one format to stdout: md, html, json or csv."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the --format output here.")
    ] = None,
    reports: Annotated[
        Path | None,
        typer.Option("--reports", help="Without --format: write all four files under here."),
    ] = None,
    citations: Annotated[
        Path | None, typer.Option("--citations", help="Find the database beside this file.")
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="The linkwatch database (file or postgresql:// URL).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="linkwatch.toml or pyproject.toml to use.")
    ] = None,
) -> None:
    """Render a stored run again, without fetching anything.

    With --format, print that one report (or write it with -o); without it, write
    report.md, report.html, results.json and results.csv to REPORTS/RUN-ID/.

    Example: linkwatch report --format md --citations citations.csv
    """
    from linkwatch.config import RunSettings, load_config
    from linkwatch.report.history import load_with_previous
    from linkwatch.report.writer import ReportFormat, render_chunks, write_reports
    from linkwatch.store.db import Store

    chosen: ReportFormat | None = None
    if fmt is not None:
        try:
            chosen = ReportFormat(fmt.lower())
        except ValueError:
            _die(f"--format: {fmt!r} is not one of md, html, json, csv")
    if output is not None and chosen is None:
        _die("-o/--output needs --format (without it all four files go to --reports)")
    if reports is not None and chosen is not None:
        _die("--reports and --format cannot be used together")
    try:
        settings = load_config(config, citations=citations).build(
            RunSettings, {"reports": reports, "citations": citations}
        )
        store_path = _store_path(db, citations, config)
        scope = _reading_scope(citations, config)
        with Store(store_path, lock=False, scope=scope) as store:
            run, previous = load_with_previous(store, run_id)
        if chosen is None:
            beside = store_path if isinstance(store_path, Path) else Path(scope or "x")
            target = settings.reports or beside.resolve().parent / "reports"
            folder = write_reports(run, target, previous, update_latest=False)
            typer.echo(f"report: run {run.run_id} written to {folder}")
            return
        # Written as it is made: a catalogue's results.json is never held whole.
        data = render_chunks(chosen, run, previous)
        if output is not None:
            from linkwatch.fsutil import atomic_write_chunks

            atomic_write_chunks(output, data)
            typer.echo(f"report: run {run.run_id} written to {output}", err=True)
            return
    except LinkwatchError as exc:
        _die(str(exc), exc.exit_code)
    for chunk in data:
        sys.stdout.buffer.write(chunk)
    sys.stdout.flush()


@app.command("runs")
def runs_command(
    citations: Annotated[
        Path | None, typer.Option("--citations", help="Find the database beside this file.")
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="The linkwatch database (file or postgresql:// URL).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="linkwatch.toml or pyproject.toml to use.")
    ] = None,
) -> None:
    """List the stored runs, oldest first, with their state and verdict counts.

    Example: linkwatch runs --citations citations.csv
    """
    from linkwatch.report.model import VERDICT_ORDER
    from linkwatch.store.db import Store

    try:
        scope = _reading_scope(citations, config)
        with Store(_store_path(db, citations, config), lock=False, scope=scope) as store:
            summaries = store.list_runs()
    except LinkwatchError as exc:
        _die(str(exc), exc.exit_code)
    if not summaries:
        typer.echo("no runs stored yet")
        return
    header = ["run", "started", "state", "citations", *(v.value for v in VERDICT_ORDER)]
    table = [header] + [
        [
            s.run_id,
            s.started_at,
            s.state,
            str(s.total),
            *(str(s.verdicts.get(v.value, 0)) for v in VERDICT_ORDER),
        ]
        for s in summaries
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


@app.command("find")
def find_command(
    ctx: typer.Context,
    citations: Annotated[
        Path | None,
        typer.Argument(
            help="The citations file, or its report (default: config, or citations.csv)."
        ),
    ] = None,
    ids: Annotated[
        list[str] | None,
        typer.Option("--ids", help="Only these citation ids (repeatable, or comma-separated)."),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Candidates per citation.")] = 3,
    window: Annotated[
        int, typer.Option("--window", help="Days either side of the citation date.")
    ] = 1,
    archive: Annotated[
        list[str] | None,
        typer.Option("--archive", help="NAME=URL: also ask this archive's index; repeatable."),
    ] = None,
    archive_only: Annotated[
        bool, typer.Option("--archive-only", help="Ask only the --archive archives.")
    ] = False,
    outlets: Annotated[
        Path | None, typer.Option("--outlets", help="TOML file of outlets to add or override.")
    ] = None,
    accept_above: Annotated[
        float | None,
        typer.Option("--accept-above", help="Write the best URL into citations at this score."),
    ] = None,
    accept: Annotated[
        list[str] | None,
        typer.Option("--accept", help="ID:RANK: accept a row of candidates.csv; repeatable."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be queried; ask nothing.")
    ] = False,
    db: Annotated[
        Path | None, typer.Option("--db", help="The database (default .linkwatch.db beside).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="linkwatch.toml or pyproject.toml to use.")
    ] = None,
) -> None:
    """Propose source pages for unlinked citations from web-archive indexes.

    Writes candidates.csv beside the citations file (id, rank, score, url,
    capture_url, capture_date, evidence). Nothing goes into the citations file
    unless --accept-above or --accept asks for it, and a URL given by hand is
    never replaced.

    Example: linkwatch find citations.csv --archive pywb=http://127.0.0.1:8080/lw/ --top 3
    """
    from linkwatch.find.candidates import parse_accept
    from linkwatch.find.run import run_find
    from linkwatch.find.settings import resolve_find

    named = {"top": top, "window": window, "accept_above": accept_above, "outlets": outlets}
    given = {k: v for k, v in named.items() if _on_command_line(ctx, k)}
    try:
        if accept and (dry_run or accept_above is not None):
            _die("--accept cannot be combined with --dry-run or --accept-above")
        picks = [parse_accept(a) for a in accept or []]
        setup = resolve_find(citations, config, given, archive or [], archive_only)
        outcome = run_find(
            _citations_from(setup.citations),
            setup.archives,
            setup.settings,
            setup.registry,
            ids=_split_words(ids),
            dry_run=dry_run,
            picks=picks,
            db=db,
            user_agent=setup.user_agent,
            progress=lambda found: typer.echo(found.verdict(), err=True),
        )
    except LinkwatchError as exc:
        _die(str(exc), exc.exit_code)
    if dry_run:
        for plan in outcome.plans:
            typer.echo(plan.describe())
    for line in (*outcome.notes, *outcome.refused):
        typer.echo(line, err=True)
    typer.echo(outcome.summary(), err=True)
    if outcome.inconclusive:
        raise typer.Exit(int(ExitCode.INCONCLUSIVE))


def _on_command_line(ctx: typer.Context, param: str) -> bool:
    """Whether ``param`` was given on the command line (not a default or the environment)."""
    return getattr(ctx.get_parameter_source(param), "name", "") == "COMMANDLINE"


# -- worker ----------------------------------------------------------------------------------


@app.command("worker")
def worker_command(
    db: Annotated[
        str | None,
        typer.Option("--db", help="The shared postgresql:// database (also LINKWATCH_DB)."),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", help="Jobs (shards) to check at once.")] = 2,
    quiet: Annotated[
        bool, typer.Option("-q", "--quiet", help="Only warnings and errors on stderr.")
    ] = False,
) -> None:
    """Take the jobs of distributed checks (check --distributed) until stopped.

    Runs on any number of machines against one PostgreSQL database; needs nothing
    else. SIGINT/SIGTERM stop it once the jobs in hand are stored. While the
    database cannot be reached it says so and tries again, waiting longer each time.

    Example: linkwatch worker --db postgresql://linkwatch@db.example.org/linkwatch --jobs 2
    """
    from linkwatch.fleet.worker import run_worker

    target = _db_given(db)
    if not isinstance(target, str):
        _die("worker needs a shared database: --db postgresql://… (or LINKWATCH_DB)")
    if jobs < 1:
        _die(f"--jobs: {jobs} must be at least 1")
    _setup_logging(-1 if quiet else 1)
    try:
        run_worker(target, jobs=jobs)
    except LinkwatchError as exc:
        _die(str(exc), exc.exit_code)


def main() -> None:
    """Entry point of the ``linkwatch`` console script."""
    try:
        app()
    except LinkwatchError as exc:
        typer.echo(f"linkwatch: error: {exc}", err=True)
        sys.exit(int(exc.exit_code))
