"""linkwatch archive reads linkwatch.toml / [tool.linkwatch] like check; the command line wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.errors import ExitCode
from linkwatch.records import read_citations
from linkwatch.status import Verdict
from tests.preserve.runs import result, store_run
from tests.web import IAServer, LocalArchive, LocalWeb

runner = CliRunner()


def _two(local_web: LocalWeb, tmp_path: Path) -> tuple[Path, str, str]:
    at_risk = local_web.url("ok-html")
    healthy = local_web.url("ok-pdf")
    citations, _ = store_run(
        tmp_path,
        [result("c1", at_risk, Verdict.AT_RISK), result("c2", healthy, Verdict.HEALTHY)],
    )
    return citations, at_risk, healthy


def test_archive_takes_targets_verdicts_and_allow_private_from_linkwatch_toml(
    local_web: LocalWeb, tmp_path: Path
) -> None:
    citations, at_risk, healthy = _two(local_web, tmp_path)
    (tmp_path / "linkwatch.toml").write_text(
        '[archive]\nto = ["warc"]\nonly = ["healthy"]\nallow-private = true\n'
    )
    out = runner.invoke(app, ["archive", str(citations), "--dry-run"])
    assert out.exit_code == ExitCode.OK, out.output
    assert any(
        line.startswith(f"would request: warc {healthy} ") for line in out.output.splitlines()
    )
    assert at_risk not in out.output

    # Options given on the command line override the file.
    out = runner.invoke(
        app, ["archive", str(citations), "--dry-run", "--to", "wayback", "--only", "at-risk"]
    )
    assert out.exit_code == ExitCode.OK, out.output
    lines = out.output.splitlines()
    assert any(line.startswith(f"would request: wayback {at_risk} ") for line in lines)
    assert healthy not in out.output


def test_record_archives_from_the_config_file_are_targets(
    local_web: LocalWeb, local_archive: LocalArchive, tmp_path: Path
) -> None:
    citations, at_risk, _ = _two(local_web, tmp_path)
    (tmp_path / "linkwatch.toml").write_text(
        '[archive]\nto = ["lwrec"]\n\n[archive.record-archives]\n'
        f'lwrec = "{local_archive.record_root}"\n'
    )
    out = runner.invoke(app, ["archive", str(citations), "--dry-run"])
    assert out.exit_code == ExitCode.OK, out.output
    assert f"would request: lwrec {at_risk} " in out.output


def test_wayback_endpoint_poll_interval_and_window_come_from_tool_linkwatch(
    ia_api: IAServer, local_web: LocalWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINKWATCH_IA_ACCESS_KEY", ia_api.keys[0])
    monkeypatch.setenv("LINKWATCH_IA_SECRET_KEY", ia_api.keys[1])
    url = f"{local_web.url('ok-html')}?archive-config-test=1"
    citations, _ = store_run(tmp_path, [result("c1", url, Verdict.AT_RISK)])
    config = tmp_path / "elsewhere" / "pyproject.toml"
    config.parent.mkdir()
    config.write_text(
        "[project]\nname = 'report'\n\n[tool.linkwatch.archive]\n"
        f'to = ["wayback"]\nwayback-url = "{ia_api.base_url}"\npoll-interval = 0.05\n'
        'if-not-archived-within = "3h"\nallow-private = true\n'
    )
    ia_api.clear_requests()
    out = runner.invoke(app, ["archive", str(citations), "--config", str(config)])
    assert out.exit_code == ExitCode.OK, out.output
    assert [f.get("if_not_archived_within") for f in ia_api.save_forms()] == ["3h"]
    assert [f.get("url") for f in ia_api.save_forms()] == [url]
    (c1,) = read_citations(citations)
    assert c1.archive_url.startswith(ia_api.web_root)

    # --if-not-archived-within on the command line overrides the file's value.
    other = f"{local_web.url('ok-html')}?archive-config-test=2"
    citations, _ = store_run(tmp_path / "elsewhere", [result("c9", other, Verdict.AT_RISK)])
    ia_api.clear_requests()
    out = runner.invoke(
        app,
        ["archive", str(citations), "--config", str(config), "--if-not-archived-within", "90m"],
    )
    assert out.exit_code == ExitCode.OK, out.output
    assert [f.get("if_not_archived_within") for f in ia_api.save_forms()] == ["90m"]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[archive]\ntooo = ["warc"]\n', "tooo"),
        ("frobnicate = 1\n", "frobnicate"),
        ('[archive]\npoll-interval = "soon"\n', "poll-interval"),
        ('[archive]\nto = ["nowhere"]\n', "unknown target 'nowhere'"),
        ('[archive]\nif-not-archived-within = "a while"\n', "--if-not-archived-within"),
    ],
)
def test_a_bad_archive_setting_exits_2_naming_it(
    local_web: LocalWeb, tmp_path: Path, text: str, named: str
) -> None:
    citations, _, _ = _two(local_web, tmp_path)
    (tmp_path / "linkwatch.toml").write_text(text)
    out = runner.invoke(app, ["archive", str(citations), "--dry-run"])
    assert out.exit_code == ExitCode.USAGE, out.output
    assert named in out.output
