"""The HTTP client's policy, which every network stage follows: UA, guard, TLS, timeouts, pools.

This module owns it: :class:`ClientConfig` (User-Agent, timeouts, connections per
host, private addresses), :class:`AddressGuard` (only public addresses, checked on
the address a name resolves to, where the connection is made), :func:`resolve`,
:func:`make_ssl_context` (certifi's roots plus ``--ca-bundle``). Two engines carry it
out, each in a module of its own, and no stage builds a client of its own:

- :mod:`linkwatch.client_httpx`: ``httpx.AsyncClient`` (:func:`make_client`), for
  archive lookups, Memento and Save Page Now;
- :mod:`linkwatch.client_aiohttp`: :class:`~linkwatch.client_aiohttp.PageClient`,
  for the live check's page fetches (why: ``docs/design.md``).

:func:`make_client` imports the httpx engine when first called, so the live check,
which never needs it, does not pay for importing httpx (``docs/benchmarks.md``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import socket
import ssl
import typing
from collections.abc import Callable, Coroutine, Iterable
from pathlib import Path

import certifi

from linkwatch import __version__
from linkwatch.errors import BlockedAddressError, InputError

if typing.TYPE_CHECKING:
    import httpx

#: Where site owners can read what linkwatch is and why it visits.
CONTACT_URL = "https://pypi.org/project/linkwatch/"

#: Browser-compatible (sites that wall off non-browsers accept it) yet naming linkwatch.
DEFAULT_USER_AGENT = f"Mozilla/5.0 (compatible; linkwatch/{__version__}; +{CONTACT_URL})"


@dataclasses.dataclass(frozen=True, slots=True)
class ClientConfig:
    """How the client connects; the defaults suit a polite link check."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 20.0
    """Read/write timeout, seconds; callers add a total deadline per request."""
    connect_timeout: float = 10.0
    ca_bundle: Path | None = None
    """A PEM file of extra CAs to trust (a private CA), on top of the usual roots."""
    allow_private: bool = False
    """Let the client connect to loopback and private addresses."""
    allowed_networks: tuple[str, ...] = ()
    """Networks (CIDR) let through even when private, e.g. one local service."""
    http2: bool = True
    connections_per_host: int = 4
    max_idle_pools: int = 256
    """Idle per-host pools kept open; older idle ones are closed."""


class NameNotResolved(OSError):
    """A host name that does not resolve."""


def is_public_address(address: str) -> bool:
    """Whether ``address`` (an IP literal) is a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def make_ssl_context(ca_bundle: Path | None = None) -> ssl.SSLContext:
    """A verifying TLS context: the certifi roots plus ``ca_bundle`` if given.

    Raises :class:`InputError` naming the file when the bundle cannot be loaded.
    """
    context = ssl.create_default_context(cafile=certifi.where())
    if ca_bundle is not None:
        try:
            context.load_verify_locations(cafile=str(ca_bundle))
        except (OSError, ssl.SSLError) as exc:
            raise InputError(f"{ca_bundle}: not a readable PEM CA bundle ({exc})") from exc
    return context


class AddressGuard:
    """The policy on where a connection may go, shared by both engines of the client."""

    def __init__(self, allow_private: bool, allowed_networks: tuple[str, ...] = ()) -> None:
        self.allow_private = allow_private
        self._allowed = [ipaddress.ip_network(n, strict=False) for n in allowed_networks]

    def permitted(self, address: str) -> bool:
        """Whether a connection to ``address`` (an IP literal) is allowed."""
        if self.allow_private or is_public_address(address):
            return True
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        return any(ip in network for network in self._allowed)

    def check(self, host: str, addresses: Iterable[str]) -> None:
        """Raise :class:`BlockedAddressError` when ``host`` resolved to a refused address."""
        if self.allow_private:
            return
        for address in addresses:
            if not self.permitted(address):
                raise BlockedAddressError(
                    f"{host} resolves to {address}, a non-public address"
                    " (allow it with --allow-private)"
                )


async def resolve(host: str, port: int, timeout: float | None) -> list[str]:
    """The addresses ``host`` resolves to, IPv4 first.

    Raises :class:`NameNotResolved` when it does not resolve and ``TimeoutError`` when
    the lookup takes longer than ``timeout``; each engine reports them its own way.
    """
    literal = host.strip("[]")
    try:
        ipaddress.ip_address(literal.split("%", 1)[0])
    except ValueError:
        pass
    else:
        return [literal]
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout
        )
    except TimeoutError as exc:
        raise TimeoutError(f"DNS lookup of {host} timed out") from exc
    except (socket.gaierror, UnicodeError) as exc:
        raise NameNotResolved(f"{host}: {exc}") from exc
    ordered = sorted(infos, key=lambda info: info[0] != socket.AF_INET)
    return list(dict.fromkeys(str(info[4][0]) for info in ordered))


def make_client(config: ClientConfig | None = None) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` with per-host pools, the guard, the UA and timeouts.

    Redirects are not followed unless a request asks (``follow_redirects=True``);
    every hop still passes the address guard. Raises :class:`InputError` for an
    unreadable CA bundle. (:func:`linkwatch.client_httpx.make_client`.)
    """
    # Imported here so that importing the policy does not import httpx.
    from linkwatch import client_httpx

    return client_httpx.make_client(config)


T = typing.TypeVar("T")


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    """uvloop's event loop when it is installed (extra ``fast``), else asyncio's own."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop
    # uvloop is optional, so its types are not always there to check against.
    return typing.cast(Callable[[], asyncio.AbstractEventLoop], uvloop.new_event_loop)


def run_async(main: Coroutine[typing.Any, typing.Any, T]) -> T:
    """Run ``main`` to completion on a new loop from :func:`event_loop_factory`; its result."""
    results: list[T] = []

    async def keep(result: typing.Awaitable[T]) -> None:
        results.append(await result)

    # The task's own result stays None: when the Runner restores the SIGINT handler it
    # gets back, CPython formats that handler (and the finished task in it) into an
    # error message, and a whole run's results would be written out as text there.
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        runner.run(keep(main))
    return results[0]
