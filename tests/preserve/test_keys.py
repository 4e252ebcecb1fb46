"""Internet Archive keys come from the environment and never show in text."""

from __future__ import annotations

import pytest

from linkwatch.archives.polite import retry_after_seconds
from linkwatch.errors import ConfigError
from linkwatch.preserve.spn import IAKeys, SpnOptions, keys_from_env


def test_keys_read_from_both_variables() -> None:
    keys = keys_from_env({"LINKWATCH_IA_ACCESS_KEY": "acc123", "LINKWATCH_IA_SECRET_KEY": "sec456"})
    assert keys is not None
    assert keys.authorization() == "LOW acc123:sec456"


def test_no_variables_means_anonymous() -> None:
    assert keys_from_env({}) is None


def test_one_variable_alone_is_an_error_naming_the_missing_one() -> None:
    with pytest.raises(ConfigError, match="LINKWATCH_IA_SECRET_KEY is not") as info:
        keys_from_env({"LINKWATCH_IA_ACCESS_KEY": "acc123"})
    assert "acc123" not in str(info.value)


def test_repr_and_str_of_keys_and_options_hide_both_halves() -> None:
    keys = IAKeys("acc123", "sec456")
    for text in (repr(keys), str(keys), repr(SpnOptions(keys=keys)), f"{keys}"):
        assert "acc123" not in text
        assert "sec456" not in text


def test_scrub_removes_keys_from_an_echoed_message() -> None:
    keys = IAKeys("acc123", "sec456")
    assert keys.scrub("bad key acc123:sec456") == "bad key ***:***"


def test_limits_follow_authentication() -> None:
    assert SpnOptions().effective_per_minute == 4
    assert SpnOptions().effective_concurrency == 1
    authed = SpnOptions(keys=IAKeys("a", "b"))
    assert authed.effective_per_minute == 12
    assert authed.effective_concurrency == 3


def test_retry_after_reads_seconds_and_dates_and_falls_back() -> None:
    assert retry_after_seconds("7", 60) == 7
    assert retry_after_seconds(None, 60) == 60
    assert retry_after_seconds("garbage", 60) == 60
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", 60) == 0
