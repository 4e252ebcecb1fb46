"""linkwatch.toml and [tool.linkwatch]: found, validated key by key, overridden by options."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkwatch.archives.config import ArchiveConfig, ArchiveKind, ArchiveOptions
from linkwatch.config import RunSettings, find_config, load_config
from linkwatch.errors import ConfigError, ExitCode
from linkwatch.live.options import LiveOptions
from linkwatch.status import Verdict


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_values_from_file_fill_the_options(tmp_path: Path) -> None:
    cfg = _write(
        tmp_path / "linkwatch.toml",
        'per-host = 1\nhost_interval = 2\nuser-agent = "lw-test"\n'
        'fail-on = ["lost", "at-risk"]\nreports = "out/reports"\n',
    )
    config = load_config(cfg)
    live = config.build(LiveOptions)
    assert (live.per_host, live.host_interval, live.user_agent) == (1, 2.0, "lw-test")
    assert live.concurrency == LiveOptions().concurrency
    settings = config.build(RunSettings)
    assert settings.fail_on == (Verdict.LOST, Verdict.AT_RISK)
    assert settings.reports == tmp_path / "out" / "reports"


def test_command_line_overrides_file_which_overrides_defaults(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path / "linkwatch.toml", "per-host = 1\ntimeout = 5\n"))
    live = config.build(LiveOptions, {"timeout": 9.0, "retries": None})
    assert live.timeout == 9.0
    assert live.per_host == 1
    assert live.retries == LiveOptions().retries


def test_unknown_key_is_an_error_naming_it(tmp_path: Path) -> None:
    cfg = _write(tmp_path / "linkwatch.toml", "per-hots = 1\n")
    with pytest.raises(ConfigError, match=r"linkwatch.toml: unknown key 'per-hots'") as info:
        load_config(cfg)
    assert info.value.exit_code is ExitCode.USAGE


def test_wrong_type_is_an_error_naming_key_and_expected_type(tmp_path: Path) -> None:
    cfg = _write(tmp_path / "linkwatch.toml", 'concurrency = "many"\n')
    with pytest.raises(ConfigError, match=r"concurrency: expected an integer, got 'many'"):
        load_config(cfg)
    cfg.write_text("allow-private = 1\n")
    with pytest.raises(ConfigError, match=r"allow-private: expected true or false"):
        load_config(cfg)


def test_unknown_verdict_in_fail_on_is_an_error(tmp_path: Path) -> None:
    cfg = _write(tmp_path / "linkwatch.toml", 'fail-on = ["lost", "dead"]\n')
    with pytest.raises(ConfigError, match=r"fail-on\[1\]: expected one of lost, drifted"):
        load_config(cfg)


def test_archives_are_listed_as_tables(tmp_path: Path) -> None:
    cfg = _write(
        tmp_path / "linkwatch.toml",
        '[[archives]]\nname = "pywb"\nkind = "memento"\ntimegate = "http://127.0.0.1:1/lw/"\n'
        "lookups-per-minute = 120\n",
    )
    options = load_config(cfg).build(ArchiveOptions)
    assert options.archives == (
        ArchiveConfig(
            name="pywb",
            kind=ArchiveKind.MEMENTO,
            timegate="http://127.0.0.1:1/lw/",
            lookups_per_minute=120.0,
        ),
    )


def test_unknown_key_inside_an_archive_table_is_named(tmp_path: Path) -> None:
    cfg = _write(
        tmp_path / "linkwatch.toml",
        '[[archives]]\nname = "x"\nkind = "memento"\ntimegate = "http://a/"\nsecret = "k"\n',
    )
    with pytest.raises(ConfigError, match=r"archives\[0\]: unknown key 'secret'"):
        load_config(cfg)


def test_missing_required_archive_key_is_named(tmp_path: Path) -> None:
    cfg = _write(tmp_path / "linkwatch.toml", '[[archives]]\nname = "x"\nkind = "memento"\n')
    with pytest.raises(ConfigError, match=r"archives\[0\]: missing key timegate"):
        load_config(cfg)


def test_pyproject_tool_table_is_read(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool.linkwatch]\nretries = 4\n')
    config = load_config(citations=tmp_path / "citations.csv", cwd=tmp_path)
    assert config.where == "[tool.linkwatch]"
    assert config.build(LiveOptions).retries == 4


def test_pyproject_error_names_the_tool_table(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[tool.linkwatch]\nbogus = 1\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml \[tool.linkwatch\]: unknown key"):
        load_config(citations=tmp_path / "citations.csv")


def test_pyproject_without_a_linkwatch_table_is_not_a_config(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(tmp_path / "citations.csv", cwd=tmp_path) is None
    assert load_config(citations=tmp_path / "citations.csv", cwd=tmp_path).path is None


def test_file_beside_citations_comes_before_working_directory(tmp_path: Path) -> None:
    beside = _write(tmp_path / "report" / "linkwatch.toml", "retries = 1\n")
    _write(tmp_path / "cwd" / "linkwatch.toml", "retries = 3\n")
    found = find_config(tmp_path / "report" / "citations.csv", cwd=tmp_path / "cwd")
    assert found == beside.resolve()
    assert find_config(None, cwd=tmp_path / "cwd") == (tmp_path / "cwd" / "linkwatch.toml")


def test_linkwatch_toml_comes_before_pyproject(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[tool.linkwatch]\nretries = 4\n")
    toml = _write(tmp_path / "linkwatch.toml", "retries = 1\n")
    assert find_config(None, cwd=tmp_path) == toml.resolve()


def test_explicit_config_that_is_missing_or_broken_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope.toml: no such config file"):
        load_config(tmp_path / "nope.toml")
    bad = _write(tmp_path / "bad.toml", "retries = \n")
    with pytest.raises(ConfigError, match=r"bad.toml: not valid TOML"):
        load_config(bad)
    no_table = _write(tmp_path / "pyproject.toml", "[project]\n")
    with pytest.raises(ConfigError, match=r"has no \[tool.linkwatch\] table"):
        load_config(no_table)


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    config = load_config(citations=tmp_path / "c.csv", cwd=tmp_path)
    assert config.build(LiveOptions) == LiveOptions()
    assert config.build(RunSettings) == RunSettings()
