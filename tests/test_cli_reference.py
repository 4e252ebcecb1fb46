"""docs/cli.md stays in step with --help: every command and every option is documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.core
import typer.main

from linkwatch.cli import app

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _commands() -> dict[str, Any]:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return dict(group.commands)


def test_every_command_has_a_section_in_the_cli_reference() -> None:
    text = DOC.read_text("utf-8")
    for name in _commands():
        assert f"## `linkwatch {name}`" in text, f"docs/cli.md has no section for {name}"


def test_every_option_of_every_command_is_in_the_cli_reference() -> None:
    text = DOC.read_text("utf-8")
    missing = []
    for name, command in _commands().items():
        for param in command.params:
            if not isinstance(param, typer.core.TyperOption) or param.hidden:
                continue
            longs = [o for o in param.opts if o.startswith("--") and o != "--help"]
            if longs and not any(f"`{o}" in text for o in longs):
                missing.append(f"{name} {longs[0]}")
    assert not missing, f"options missing from docs/cli.md: {', '.join(missing)}"
