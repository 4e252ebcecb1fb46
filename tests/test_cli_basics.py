"""The command line answers --version and -h/--help on every command."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from linkwatch import __version__
from linkwatch.cli import app
from linkwatch.errors import ExitCode

runner = CliRunner()


def test_version_prints_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == ExitCode.OK
    assert result.output.strip() == f"linkwatch {__version__}"


def test_python_dash_m_runs_the_cli() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "linkwatch", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.startswith("linkwatch ")


def test_every_command_has_help_with_an_example() -> None:
    for name, command in _commands().items():
        result = runner.invoke(app, [name, "-h"])
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"{name} --help shows no example"
        assert command is not None


def _commands() -> dict[str, object]:
    import typer.main

    group = typer.main.get_command(app)
    return dict(getattr(group, "commands", {}))
