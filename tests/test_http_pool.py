"""The client's connection pool against a real HTTP server on 127.0.0.1: connections are shared
out one request at a time, within the limit, and one the server has closed is not reused."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
from webserver import send, serve

from gazette.http.network import GuardedBackend, GuardedTransport
from gazette.http.safety import AddressPolicy

PAGE = b"<html><body><p>fine</p></body></html>"


def client(connections: int) -> tuple[httpx.AsyncClient, list[int]]:
    """A client on the guarded transport, and a list that counts the pool's passes over its
    connections (one each time a request arrives or a response is closed)."""
    transport = GuardedTransport(GuardedBackend(AddressPolicy(["127.0.0.0/8"])), connections)
    pool = transport._pool
    passes: list[int] = []
    assign: Callable[[], list] = pool._assign_requests_to_connections

    def counted() -> list:
        passes.append(len(pool._requests))
        return assign()

    pool._assign_requests_to_connections = counted  # type: ignore[method-assign]
    return httpx.AsyncClient(transport=transport, timeout=5.0), passes


def test_a_burst_of_requests_takes_each_connection_in_turn() -> None:
    """Forty requests at once over four connections: the server sees at most four connections,
    and the pool hands each connection to one waiting request at a time, so that it passes over
    its connections twice a request (when it arrives, when its response is closed) rather than
    once more for every request that found its connection taken."""
    ports: list[int] = []

    def page(handler) -> None:  # type: ignore[no-untyped-def]
        ports.append(handler.client_address[1])
        time.sleep(0.005)
        send(handler, 200, PAGE, Content_Type="text/html")

    async def burst(base: str) -> tuple[list[httpx.Response], list[int]]:
        http, passes = client(4)
        async with http:
            responses = await asyncio.gather(*(http.get(f"{base}/p{i}") for i in range(40)))
        return responses, passes

    routes = {f"/p{i}": page for i in range(40)}
    with serve(routes) as (base, log):
        responses, passes = asyncio.run(burst(base))
    assert [r.status_code for r in responses] == [200] * 40
    assert all(r.content == PAGE for r in responses)
    assert len(set(ports)) <= 4 and log.most_in_flight <= 4
    assert len(passes) <= 2 * 40


def test_a_connection_the_server_closed_is_not_handed_out_again() -> None:
    """The server closes each connection after its response without saying so: the next
    request gets a new connection, not the dead one (which would fail it)."""

    def page_then_hang_up(handler) -> None:  # type: ignore[no-untyped-def]
        send(handler, 200, PAGE, Content_Type="text/html")
        handler.close_connection = True

    async def one_after_another(base: str) -> list[httpx.Response]:
        http, _ = client(4)
        async with http:
            first = await http.get(f"{base}/a")
            await asyncio.sleep(0.2)  # the server's close reaches the client
            second = await http.get(f"{base}/a")
        return [first, second]

    with serve({"/a": page_then_hang_up}) as (base, log):
        first, second = asyncio.run(one_after_another(base))
    assert first.content == PAGE and second.content == PAGE
    assert log.count("/a") == 2
