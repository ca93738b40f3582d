"""What the HTTP client reuses, against real HTTP servers on 127.0.0.1: connections (shared out
one request at a time, kept open across hosts, never one the server has closed), a host's
addresses (still checked for every connection) and robots.txt answers (still obeyed)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
from webserver import send, serve

from gazette.config import FetchSettings
from gazette.errors import FetchBlocked
from gazette.http import FetchRequest, kept_fetcher
from gazette.http.network import GuardedBackend, GuardedTransport
from gazette.http.safety import AddressPolicy

PAGE = b"<html><body><p>fine</p></body></html>"


def client(connections: int) -> tuple[httpx.AsyncClient, list[int]]:
    """A client on the guarded transport, and a list that counts the pool's passes over its
    connections (one each time a request arrives or a response is closed)."""
    backend = GuardedBackend(AddressPolicy(["127.0.0.0/8"]))
    transport = GuardedTransport(backend, connections, kept=connections)
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


def settings(**overrides: object) -> FetchSettings:
    values = {"allow_networks": ["127.0.0.0/8"], "per_host_delay_seconds": 0.0, "retries": 0}
    return FetchSettings(**(values | overrides))


def test_connections_to_several_hosts_stay_open_beyond_the_requests_in_flight() -> None:
    """One request at a time, to three hosts in turn, batch after batch: each host's connection
    stays open for the next batch, though no more than one request is ever in flight."""
    ports: dict[str, set[int]] = {}

    def page(handler) -> None:  # type: ignore[no-untyped-def]
        ports.setdefault(handler.headers["Host"], set()).add(handler.client_address[1])
        send(handler, 200, PAGE, Content_Type="text/html")

    quiet = settings(max_connections=1, respect_robots_txt=False)
    with (
        serve({"/a": page}) as (one, _),
        serve({"/a": page}) as (two, _),
        serve({"/a": page}) as (three, _),
    ):
        fetcher = kept_fetcher({}, quiet)
        for _ in range(3):
            batch = [FetchRequest(f"{base}/a") for base in (one, two, three)]
            assert all(o.page is not None for o in fetcher.fetch_all(batch))
        fetcher.close()
    assert len(ports) == 3 and all(len(seen) == 1 for seen in ports.values())


def test_a_hosts_addresses_are_looked_up_once_and_checked_for_every_connection() -> None:
    """The server closes every connection: each request connects anew, to the address looked up
    the first time; a policy that no longer allows it refuses the next connection."""

    def page_then_hang_up(handler) -> None:  # type: ignore[no-untyped-def]
        send(handler, 200, PAGE, Content_Type="text/html")
        handler.close_connection = True

    lookups: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    async def three_requests(url: str, backend: GuardedBackend) -> list[bytes | Exception]:
        answers: list[bytes | Exception] = []
        async with httpx.AsyncClient(transport=GuardedTransport(backend, 4)) as http:
            for allowed in (True, True, False):
                if not allowed:
                    backend.policy = AddressPolicy()
                try:
                    answers.append((await http.get(url)).content)
                except FetchBlocked as exc:
                    answers.append(exc)
                await asyncio.sleep(0.1)  # the server's close reaches the client
        return answers

    with serve({"/a": page_then_hang_up}) as (base, log):
        url = f"http://news.example:{base.rsplit(':', 1)[1]}/a"
        backend = GuardedBackend(AddressPolicy(["127.0.0.0/8"]), resolve)
        answers = asyncio.run(three_requests(url, backend))
    assert answers[:2] == [PAGE, PAGE] and isinstance(answers[2], FetchBlocked)
    assert lookups == ["news.example"] and log.count("/a") == 2


def test_a_kept_fetcher_reads_robots_txt_once_and_obeys_it_in_later_batches() -> None:
    robots = b"User-agent: *\nDisallow: /private\n"
    routes = {
        "/robots.txt": lambda h: send(h, 200, robots, Content_Type="text/plain"),
        "/private": lambda h: send(h, 200, PAGE, Content_Type="text/html"),
        "/public": lambda h: send(h, 200, PAGE, Content_Type="text/html"),
    }
    with serve(routes) as (base, log):
        fetcher = kept_fetcher({}, settings())
        for _ in range(3):  # three batches without shared politeness (the sources stage's)
            private, public = fetcher.fetch_all(
                [FetchRequest(f"{base}/private"), FetchRequest(f"{base}/public")]
            )
            assert isinstance(private.error, FetchBlocked) and public.page is not None
        fetcher.close()
    assert log.count("/robots.txt") == 1 and log.count("/private") == 0
    assert log.count("/public") == 3


def test_a_robots_txt_that_could_not_be_read_is_asked_for_again_in_the_next_batch() -> None:
    routes = {"/robots.txt": lambda h: send(h, 503), "/page": lambda h: send(h, 200, PAGE)}
    with serve(routes) as (base, log):
        fetcher = kept_fetcher({}, settings())
        for _ in range(2):
            outcome = fetcher.fetch_all([FetchRequest(f"{base}/page")])[0]
            assert isinstance(outcome.error, FetchBlocked)
        fetcher.close()
    assert log.count("/robots.txt") == 2 and log.count("/page") == 0
