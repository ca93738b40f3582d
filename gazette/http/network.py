"""The connection layer: httpx over an httpcore pool whose network backend checks addresses.

httpx 0.28 builds its transport's connection pool itself; `GuardedTransport` replaces that pool
with one that uses `GuardedBackend`, which resolves the host, checks every address against the
`AddressPolicy`, and connects to a checked address. TLS still verifies the certificate against
the host name (httpcore passes the URL's host for SNI and verification, not the address).
The pool is `pool.IndexedPool`, httpcore's with a cheaper way of handing connections out.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Awaitable, Callable, Iterable

import httpcore
import httpx

from gazette.errors import FetchBlocked, FetchError
from gazette.http.pool import IndexedPool
from gazette.http.safety import AddressPolicy

Resolver = Callable[[str, int], Awaitable[list[str]]]

# How long a host's addresses are used before it is looked up again, and for how many hosts
# (`GuardedBackend`).
RESOLVED_SECONDS = 60.0
RESOLVED_HOSTS = 4096
# Connections a client's pool keeps open, over all hosts (`GuardedTransport`).
KEPT_CONNECTIONS = 100


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (an address is its own answer: the
    system resolver is asked from a thread, which costs more than the connection)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve host {host!r}: {exc.strerror}") from exc
    except UnicodeError as exc:  # a label empty or longer than 63 characters
        raise FetchError(f"cannot resolve host {host!r}: not a valid host name ({exc})") from exc
    return sorted({str(info[4][0]) for info in infos})


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connections only to addresses the policy allows. A host's answer is kept for
    RESOLVED_SECONDS, for the connections opened to it meanwhile (a client opens many to one
    host); every connection checks the addresses it is about to use, kept or not."""

    def __init__(
        self,
        policy: AddressPolicy,
        resolver: Resolver = system_resolver,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.policy = policy
        self.resolver = resolver
        self.inner = inner or httpcore.AnyIOBackend()
        self._resolved: dict[tuple[str, int], tuple[float, list[str]]] = {}

    async def _addresses(self, host: str, port: int) -> list[str]:
        now = time.monotonic()
        kept = self._resolved.get((host, port))
        if kept is not None and kept[0] > now:
            return kept[1]
        addresses = await self.resolver(host, port)
        if len(self._resolved) >= RESOLVED_HOSTS:  # the oldest answers go first
            for key in list(self._resolved)[: RESOLVED_HOSTS // 2]:
                del self._resolved[key]
        self._resolved[(host, port)] = (now + RESOLVED_SECONDS, addresses)
        return addresses

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[object] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._addresses(host, port)
        self.policy.check(host, addresses)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: object = None
    ) -> httpcore.AsyncNetworkStream:
        raise FetchBlocked("connections to local sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport, connecting only through a `GuardedBackend`. Its pool keeps up to
    `kept` connections open (at least `max_connections`): the client's callers limit the
    requests in flight themselves, and a pool no larger than that would close a connection to
    one host to open one to the next, when a batch spans more hosts than requests in flight."""

    def __init__(
        self, backend: GuardedBackend, max_connections: int, kept: int = KEPT_CONNECTIONS
    ) -> None:
        super().__init__(trust_env=False)
        kept = max(max_connections, kept)
        self._pool = IndexedPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=kept,
            max_keepalive_connections=kept,
            keepalive_expiry=5.0,
            http1=True,
            http2=False,
            network_backend=backend,
        )
