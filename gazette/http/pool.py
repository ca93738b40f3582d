"""The client's connection pool: httpcore's, with a cheaper way of handing connections out.

httpcore 1.0's pool calls `_assign_requests_to_connections` whenever a request arrives or a
response is closed, and its own version passes over every connection each time: it polls the
socket of every idle one (to close those the server has closed), and hands an idle connection
to every request queued at that moment, although an HTTP/1.1 connection serves one at a time,
so that all but one of those requests fail inside the pool and ask again. With twenty
connections that was about a third of the client's CPU time, and it grows with the number of
connections kept open.

`IndexedPool` keeps its connections by origin. A request gets an idle connection of its origin
that no other request has been promised, checked (keep-alive, closed by the server) before it
is handed out; a new connection while there is room; else an idle one of another origin is
closed to make room, or the request waits. Every SWEEP_SECONDS the whole pool is gone over, to
close what has expired. It overrides one private method of httpcore, which is pinned for that
(pyproject.toml).
"""

from __future__ import annotations

import time
from typing import Any

import httpcore
from httpcore._async.interfaces import AsyncConnectionInterface

# How often the pool goes over all its connections to close those that expired.
SWEEP_SECONDS = 1.0

Connection = AsyncConnectionInterface
OriginKey = tuple[bytes, bytes, int]


def _key(origin: httpcore.Origin) -> OriginKey:
    return (origin.scheme, origin.host, origin.port)


class IndexedPool(httpcore.AsyncConnectionPool):
    """httpcore's connection pool (HTTP/1.1), its connections found by origin, each handed to
    one request at a time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._next_sweep = 0.0
        self._by_origin: dict[OriginKey, list[Connection]] = {}
        self._origin_of: dict[Connection, OriginKey] = {}

    def _assign_requests_to_connections(self) -> list[Connection]:
        closing: list[Connection] = []
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_SECONDS
            self._sweep(closing)
        queued = [request for request in self._requests if request.is_queued()]
        if not queued:
            return closing
        promised = {r.connection for r in self._requests if r.connection is not None}
        for request in queued:
            origin = request.request.url.origin
            connection = self._idle(_key(origin), promised, closing)
            if connection is None:
                if not self._make_room(promised, closing):
                    continue  # waits for a connection to come free
                connection = self.create_connection(origin)
                self._connections.append(connection)
                self._by_origin.setdefault(_key(origin), []).append(connection)
                self._origin_of[connection] = _key(origin)
            promised.add(connection)
            request.assign_to_connection(connection)
        return closing

    def _idle(
        self, key: OriginKey, promised: set[Connection], closing: list[Connection]
    ) -> Connection | None:
        """An idle connection to the origin that nobody was promised and that has not expired;
        the closed and expired ones met on the way leave the pool."""
        for connection in list(self._by_origin.get(key, ())):
            if connection in promised:
                continue
            if connection.is_closed():
                self._drop(connection)
            elif connection.is_available():
                if not connection.has_expired():
                    return connection
                self._drop(connection)
                closing.append(connection)
        return None

    def _make_room(self, promised: set[Connection], closing: list[Connection]) -> bool:
        """Whether a new connection fits, once closed connections are dropped and, if need be,
        the idle connection that has waited longest is closed."""
        if len(self._connections) < self._max_connections:
            return True
        for connection in [c for c in self._connections if c.is_closed()]:
            self._drop(connection)
        if len(self._connections) < self._max_connections:
            return True
        for connection in self._connections:
            if connection not in promised and connection.is_idle():
                self._drop(connection)
                closing.append(connection)
                return True
        return False

    def _sweep(self, closing: list[Connection]) -> None:
        """Drop the closed connections, close the idle ones that expired and those beyond the
        keep-alive limit."""
        promised = {r.connection for r in self._requests if r.connection is not None}
        idle = 0
        for connection in list(self._connections):
            if connection.is_closed():
                self._drop(connection)
            elif connection in promised or not connection.is_idle():
                continue
            elif connection.has_expired() or idle >= self._max_keepalive_connections:
                self._drop(connection)
                closing.append(connection)
            else:
                idle += 1

    def _drop(self, connection: Connection) -> None:
        self._connections.remove(connection)
        key = self._origin_of.pop(connection)
        self._by_origin[key].remove(connection)
        if not self._by_origin[key]:
            del self._by_origin[key]
