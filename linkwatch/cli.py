"""The ``linkwatch`` command line: a thin layer over the library.

This is the only module that imports typer or prints. Library errors
(:class:`linkwatch.errors.LinkwatchError`) become a one-line message on stderr
and the exit code the error names.
"""

from __future__ import annotations

import sys
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


def main() -> None:
    """Entry point of the ``linkwatch`` console script."""
    try:
        app()
    except LinkwatchError as exc:
        typer.echo(f"linkwatch: error: {exc}", err=True)
        sys.exit(int(exc.exit_code))
