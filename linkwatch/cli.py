"""The ``linkwatch`` command line: a thin layer over the library.

This is the only module that imports typer or prints. Library errors
(:class:`linkwatch.errors.LinkwatchError`) become a one-line message on stderr
and the exit code the error names.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from linkwatch import __version__
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


# -- preserve: archive and robustify ---------------------------------------------------------


def _split_words(values: list[str] | None) -> list[str]:
    return [w.strip() for v in values or [] for w in v.split(",") if w.strip()]


@app.command("archive")
def archive_command(
    citations: Annotated[Path, typer.Argument(help="The citations file checked before.")] = Path(
        "citations.csv"
    ),
    only: Annotated[
        str | None,
        typer.Option("--only", help="Verdicts to preserve (default at-risk,drifted)."),
    ] = None,
    ids: Annotated[
        list[str] | None, typer.Option("--ids", help="Also preserve these citation ids.")
    ] = None,
    to: Annotated[
        str,
        typer.Option("--to", help="wayback, warc, or a --record-archive name."),
    ] = "wayback,warc",
    warc: Annotated[Path | None, typer.Option("--warc", help="Folder for WARC copies.")] = None,
    wacz: Annotated[bool, typer.Option("--wacz", help="Also write archive.wacz.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be requested; request nothing.")
    ] = False,
    allow_private: Annotated[
        bool, typer.Option("--allow-private", help="Allow loopback and private addresses.")
    ] = False,
    db: Annotated[
        Path | None, typer.Option("--db", help="The store (default beside the file).")
    ] = None,
    wayback_url: Annotated[
        str, typer.Option("--wayback-url", help="Base URL of the Wayback Machine.")
    ] = "https://web.archive.org",
    record_archive: Annotated[
        list[str] | None,
        typer.Option("--record-archive", help="NAME=URL: a pywb record/ root."),
    ] = None,
    if_not_archived_within: Annotated[
        str,
        typer.Option("--if-not-archived-within", help="Reuse a capture this recent (30d)."),
    ] = "30d",
) -> None:
    """Ask archives to capture what the latest check found at risk; write the links back.

    Keys for Save Page Now come from LINKWATCH_IA_ACCESS_KEY and LINKWATCH_IA_SECRET_KEY
    (anonymous when unset); they are never printed or stored.

    Example: linkwatch archive citations.csv --to wayback,warc --warc warc/ --dry-run
    """
    from linkwatch.preserve.record import RecordTarget
    from linkwatch.preserve.run import (
        DEFAULT_VERDICTS,
        ArchiveOptions,
        Archiver,
        outcome_exit,
        outcome_lines,
        plan_lines,
    )
    from linkwatch.preserve.spn import SpnOptions, keys_from_env
    from linkwatch.status import Verdict
    from linkwatch.store.db import Store, default_db_path

    targets = tuple(dict.fromkeys(_split_words([to])))
    if not targets:
        _die("--to: name at least one target")
    if warc is not None and "warc" not in targets:
        _die("--warc was given but --to does not include warc")
    if wacz and "warc" not in targets:
        _die("--wacz needs warc in --to")
    verdicts = DEFAULT_VERDICTS
    if only is not None:
        try:
            verdicts = frozenset(Verdict(v) for v in _split_words([only]))
        except ValueError:
            words = ", ".join(v.value for v in Verdict)
            _die(f"--only: {only!r} is not a list of verdicts ({words})")
    records = []
    for spec in record_archive or []:
        name, sep, url = spec.partition("=")
        if not sep or not name or not url.startswith(("http://", "https://")):
            _die(f"--record-archive: {spec!r} is not NAME=http(s)://URL")
        if name in ("wayback", "warc"):
            _die(f"--record-archive: {name!r} is a built-in target name")
        records.append(RecordTarget(name, url))
    try:
        keys = keys_from_env()
        options = ArchiveOptions(
            targets=targets,
            verdicts=verdicts,
            ids=tuple(_split_words(ids)),
            warc_dir=warc,
            wacz=wacz,
            dry_run=dry_run,
            allow_private=allow_private,
            spn=SpnOptions(
                endpoint=wayback_url, keys=keys, if_not_archived_within=if_not_archived_within
            ),
            record_targets=tuple(records),
        )
        if not citations.is_file():
            _die(f"{citations}: no such citations file")
        with Store(db or default_db_path(citations)) as store:
            archiver = Archiver(store, options, citations_file=citations)
            outcome = asyncio.run(archiver.run())
    except LinkwatchError as exc:
        _die(str(exc), exc.exit_code)
    lines = plan_lines(outcome.plan) if dry_run else outcome_lines(outcome)
    for line in lines:
        typer.echo(line)
    raise typer.Exit(int(ExitCode.OK if dry_run else outcome_exit(outcome)))


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
        Path | None, typer.Option("--db", help="The store (default beside the file).")
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
        db_path = db or default_db_path(citations)
        if db_path.exists():
            with Store(db_path, lock=False) as store:
                links = Ledger(store).links(str(citations.resolve()))
            stored = {cid: (k.archive_url, k.version_date) for cid, k in links.items()}
        count = robustify_file(report, out, versions_for(records, stored))
    except LinkwatchError as exc:
        _die(str(exc), exc.exit_code)
    typer.echo(f"robustify: {count} link(s) given Robust Links attributes; wrote {out}")


def main() -> None:
    """Entry point of the ``linkwatch`` console script."""
    try:
        app()
    except LinkwatchError as exc:
        typer.echo(f"linkwatch: error: {exc}", err=True)
        sys.exit(int(exc.exit_code))
