"""Archive configuration from the command line, and the archived not-found judgement."""

from __future__ import annotations

import pytest

from linkwatch.archives.config import ArchiveKind, make_archive, parse_archive_option
from linkwatch.archives.verify import not_found_reason
from linkwatch.compare.text import PageText
from linkwatch.errors import ConfigError


def test_archive_option_adds_a_memento_archive() -> None:
    archive = parse_archive_option("local=http://127.0.0.1:8080/lw/")
    assert (archive.name, archive.kind, archive.timegate) == (
        "local",
        ArchiveKind.MEMENTO,
        "http://127.0.0.1:8080/lw/",
    )
    assert archive.replay_root == "http://127.0.0.1:8080/lw/"


@pytest.mark.parametrize("value", ["local", "=http://x/", "local=", "local=ftp://x/"])
def test_malformed_archive_option_is_a_config_error_naming_it(value: str) -> None:
    with pytest.raises(ConfigError, match="--archive"):
        parse_archive_option(value)


def test_unknown_archive_kind_is_rejected() -> None:
    with pytest.raises(ConfigError, match="unknown archive kind 'gopher'"):
        make_archive("x", "gopher", "http://x.test/")


def test_chinese_not_found_title_is_a_soft_404() -> None:
    page = PageText(title="您访问的页面不存在", text="返回首页")
    assert "页面不存在" in not_found_reason(page)


def test_english_not_found_heading_is_a_soft_404() -> None:
    page = PageText(title="Example", text="x" * 500, headings=("Page Not Found",))
    assert "heading" in not_found_reason(page)


def test_an_article_that_mentions_404_in_passing_is_not_a_soft_404() -> None:
    page = PageText(title="Labor transfers in 2023", text="... 404 ... " + "text " * 200)
    assert not_found_reason(page) == ""
