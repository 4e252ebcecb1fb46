"""Helpers for archive tests: a checker on the local pywb archive that never really sleeps."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from linkwatch.archives.config import ArchiveConfig, ArchiveKind, ArchiveOptions
from linkwatch.archives.lookup import ArchiveCache, ArchiveChecker
from linkwatch.client import ClientConfig, make_client

T = TypeVar("T")


class Sleeps:
    """An injected sleep that records what would have been waited and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        await asyncio.sleep(0)


def local_config(root: str, **kw: object) -> ArchiveConfig:
    settings: dict[str, object] = {"lookups_per_minute": 6000.0, "replays_per_minute": 6000.0}
    settings.update(kw)
    return ArchiveConfig(name="local", kind=ArchiveKind.MEMENTO, timegate=root, **settings)  # type: ignore[arg-type]


def run_checker(
    archives: tuple[ArchiveConfig, ...],
    body: Callable[[ArchiveChecker], Awaitable[T]],
    *,
    cache: ArchiveCache | None = None,
    sleeps: Sleeps | None = None,
    **options: object,
) -> T:
    """Run ``body`` with a checker over ``archives`` and close its client afterwards."""

    async def main() -> T:
        client = make_client(ClientConfig(allow_private=True, timeout=10.0))
        try:
            checker = ArchiveChecker(
                ArchiveOptions(archives=archives, **options),  # type: ignore[arg-type]
                client,
                cache=cache,
                sleep=sleeps or Sleeps(),
            )
            return await body(checker)
        finally:
            await client.aclose()

    return asyncio.run(main())
