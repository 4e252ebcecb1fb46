"""What importing linkwatch loads: the check command must not pay for stages it does not run."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

PACKAGES = [
    "linkwatch",
    "linkwatch.archives",
    "linkwatch.compare",
    "linkwatch.extract",
    "linkwatch.find",
    "linkwatch.live",
    "linkwatch.preserve",
    "linkwatch.report",
    "linkwatch.store",
]

#: Libraries and stages ``linkwatch check --no-archive`` does not use.
NOT_FOR_CHECK = [
    "httpx",
    "bs4",
    "cdxj_indexer",
    "warcio",
    "pdfminer",
    "apprise",
    # Only for a page that neither declares its charset nor reads as UTF-8.
    "charset_normalizer",
    "linkwatch.archives.lookup",
    "linkwatch.extract.core",
    "linkwatch.find.run",
    "linkwatch.preserve.run",
]


def _loaded_after(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_check_command_loads_only_what_it_uses() -> None:
    loaded = _loaded_after("import linkwatch.cli, linkwatch.check, linkwatch.config")
    assert "aiohttp" in loaded  # the live check's engine is there…
    assert not loaded & set(NOT_FOR_CHECK)  # …and nothing of the other stages


def test_the_version_needs_no_package_metadata() -> None:
    loaded = _loaded_after("import linkwatch; assert linkwatch.__version__")
    assert "importlib.metadata" not in loaded
    assert "aiohttp" not in loaded


@pytest.mark.parametrize("package", PACKAGES)
def test_every_export_of_a_package_resolves(package: str) -> None:
    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, name
        assert name in dir(module)


def test_an_unknown_name_is_an_attribute_error() -> None:
    live = importlib.import_module("linkwatch.live")
    with pytest.raises(AttributeError, match="has no attribute 'nothing_here'"):
        live.nothing_here  # noqa: B018
