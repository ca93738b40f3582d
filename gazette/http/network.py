"""The connection layer: httpx over an httpcore pool whose network backend checks addresses.

httpx 0.28 builds its transport's connection pool itself; `GuardedTransport` replaces that pool
with one that uses `GuardedBackend`, which resolves the host, checks every address against the
`AddressPolicy`, and connects to a checked address. TLS still verifies the certificate against
the host name (httpcore passes the URL's host for SNI and verification, not the address).

`LinearPool` is httpcore's pool with a cheaper way of handing connections to requests: httpcore
1.0's own gives one idle connection to every request queued in the same pass, so all but one of
them fail, start again and pass over every connection again; with twenty connections that was
about a third of the client's CPU time (three and a half passes a request), and polling every
idle socket on each pass a fifth more. It overrides a private method of httpcore, which is
pinned for that (pyproject.toml).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpcore
import httpx
from httpcore._async.interfaces import AsyncConnectionInterface

from gazette.errors import FetchBlocked, FetchError
from gazette.http.safety import AddressPolicy

Resolver = Callable[[str, int], Awaitable[list[str]]]

# How often a pool checks all its idle connections for expiry (`LinearPool`).
SWEEP_SECONDS = 1.0
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


class LinearPool(httpcore.AsyncConnectionPool):
    """httpcore's connection pool (HTTP/1.1), handing each idle connection to one request only.

    httpcore calls `_assign_requests_to_connections` whenever a request arrives or a response is
    closed. Its own version hands an idle connection to every request queued at that moment,
    although an HTTP/1.1 connection serves one at a time; the others find it taken, raise
    ConnectionNotAvailable inside the pool, and ask again. It also polls the socket of every
    idle connection on every call, to close those the server has closed. Here a connection
    promised to a request (one the pool's requests still hold) is not offered again; the
    connection handed to a request is always checked first, and all idle ones at most every
    SWEEP_SECONDS. The rest is httpcore's: closed connections dropped, expired idle ones closed,
    a new connection while there is room, else an idle one of another origin replaced.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._next_sweep = 0.0

    def _assign_requests_to_connections(self) -> list[AsyncConnectionInterface]:
        now = time.monotonic()
        sweep = now >= self._next_sweep
        if sweep:
            self._next_sweep = now + SWEEP_SECONDS
        promised = {r.connection for r in self._requests if r.connection is not None}
        closing: list[AsyncConnectionInterface] = []
        kept: list[AsyncConnectionInterface] = []
        idle: list[AsyncConnectionInterface] = []  # free to serve a queued request
        for connection in self._connections:
            if connection.is_closed():
                continue
            if connection in promised or not connection.is_idle():
                kept.append(connection)
            elif sweep and connection.has_expired():  # keep-alive over, or closed by the server
                closing.append(connection)
            else:
                kept.append(connection)
                idle.append(connection)
        while len(idle) > self._max_keepalive_connections:
            surplus = idle.pop(0)
            kept.remove(surplus)
            closing.append(surplus)
        for request in self._requests:
            if not request.is_queued():
                continue
            origin = request.request.url.origin
            reuse = _take_idle(idle, origin, kept, closing)
            if reuse is not None:
                request.assign_to_connection(reuse)
                continue
            if len(kept) >= self._max_connections:
                if not idle:
                    continue  # waits for a connection to come free
                replaced = idle.pop(0)
                kept.remove(replaced)
                closing.append(replaced)
            connection = self.create_connection(origin)
            kept.append(connection)
            request.assign_to_connection(connection)
        self._connections = kept
        return closing


def _take_idle(
    idle: list[AsyncConnectionInterface],
    origin: httpcore.Origin,
    kept: list[AsyncConnectionInterface],
    closing: list[AsyncConnectionInterface],
) -> AsyncConnectionInterface | None:
    """An idle connection to `origin` that has not expired, taken out of `idle`; the expired
    ones met on the way move from `kept` to `closing`."""
    for connection in [c for c in idle if c.can_handle_request(origin) and c.is_available()]:
        idle.remove(connection)
        if not connection.has_expired():
            return connection
        kept.remove(connection)
        closing.append(connection)
    return None


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
        self._pool = LinearPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=kept,
            max_keepalive_connections=kept,
            keepalive_expiry=5.0,
            http1=True,
            http2=False,
            network_backend=backend,
        )
