"""Session fixtures: the local web, the local pywb archive and the Internet Archive double.

Each is started once per test session on loopback and always torn down (see docs/testing.md).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web import LocalWeb
from tests.web.archive import LocalArchive, PywbMissingError
from tests.web.ia_api import IAServer
from tests.web.memento import MementoArchive
from tests.web.postgres import PostgresMissingError, PostgresServer


@pytest.fixture(scope="session")
def local_web() -> Iterator[LocalWeb]:
    """Every host of the local web, running (`tests.web.LocalWeb`)."""
    web = LocalWeb.start()
    try:
        yield web
    finally:
        web.close()


@pytest.fixture(scope="session")
def local_archive(local_web: LocalWeb) -> Iterator[LocalArchive]:
    """A real pywb collection of the local web's named pages (`tests.web.LocalArchive`)."""
    try:
        archive = LocalArchive.start(local_web)
    except PywbMissingError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield archive
    finally:
        archive.close()


@pytest.fixture(scope="session")
def ia_api(local_archive: LocalArchive) -> Iterator[IAServer]:
    """The Internet Archive API double over the local archive (`tests.web.IAServer`)."""
    server = IAServer.start(local_archive)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def memento_archive(local_archive: LocalArchive) -> Iterator[MementoArchive]:
    """A Memento archive double with other archives' habits (`tests.web.memento`)."""
    double = MementoArchive.start(local_archive)
    try:
        yield double
    finally:
        double.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server on loopback (`tests.web.postgres`); skipped without its binaries."""
    try:
        server = PostgresServer.start()
    except PostgresMissingError as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    """The URL of a new, empty database on the test PostgreSQL server."""
    return postgres.new_database()
