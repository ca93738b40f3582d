"""The HTTP client every stage uses: many URLs at once, politely, safely, within limits.

`fetch_all(settings, requests)` is the entry point for the (synchronous) stages: it runs one
asyncio loop for the batch and returns one `FetchOutcome` per request, in order; a request
never raises (`kept.py` keeps a client and its loop for batch after batch). Per request:

- http(s) only (file:// only below the folder of a local source); robots.txt obeyed;
- at most `max_connections` requests in flight, `per_host_connections` per host, and
  `per_host_delay_seconds` between two requests to a host (longer if robots.txt asks);
- redirects followed by hand, at most `max_redirects`, each hop a new checked connection;
- conditional requests (If-None-Match, If-Modified-Since): a 304 is reported, nothing parsed;
- timeouts to connect, between reads, and for the whole response;
- the body read raw and decompressed here, under `max_bytes`: a gzip bomb stops at the limit;
- retries after 429, 5xx and connection errors (the `TransientError`s), with exponential backoff
  and jitter, or after the server's Retry-After when it is not longer than
  `max_retry_delay_seconds` (`gazette.retry`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from gazette.config import FetchSettings
from gazette.errors import (
    BadHTTPStatus,
    ConnectionFailed,
    FetchError,
    FetchTimedOut,
    RedirectLimitExceeded,
    TransientHTTPStatus,
    describe,
)
from gazette.http.body import finish_short, read_body
from gazette.http.local import read_local_file
from gazette.http.messages import FetchOutcome, FetchRequest
from gazette.http.mirror import DirectoryTransport
from gazette.http.network import GuardedBackend, GuardedTransport, Resolver, system_resolver
from gazette.http.politeness import HostGates, RobotsRules, SharedPoliteness
from gazette.http.safety import AddressPolicy, check_scheme
from gazette.records import FetchedPage
from gazette.retry import Backoff, retry_async
from gazette.times import parse_retry_after

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
RETRY_STATUSES = {429, 500, 502, 503, 504}


def make_client(settings: FetchSettings, resolver: Resolver = system_resolver) -> httpx.AsyncClient:
    """The HTTP client: its connection pool checks every address it connects to (or, with a
    mirror, answers from the folder). Made inside the event loop that will use it."""
    if settings.mirror_dir is not None:
        transport: httpx.AsyncBaseTransport = DirectoryTransport(settings.mirror_dir)
    else:
        backend = GuardedBackend(AddressPolicy(settings.allow_networks), resolver)
        transport = GuardedTransport(backend, settings.max_connections)
    return _CookieClient(
        transport=transport,
        follow_redirects=False,
        timeout=httpx.Timeout(settings.timeout_seconds, connect=settings.connect_timeout_seconds),
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
    )


class _SetCookiesOnly(httpx.Cookies):
    """httpx's cookies, read from a response only when it sets some. httpx hands every
    response to the standard library's CookieJar through adapters it builds first (a urllib
    Request of the request, an email Message of every header), about a tenth of the client's
    CPU time for a page; for a response with no Set-Cookie header the jar would find nothing."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers or "set-cookie2" in response.headers:
            super().extract_cookies(response)


class _CookieClient(httpx.AsyncClient):
    """httpx's client, its cookies kept in `_SetCookiesOnly` (httpx reads and writes them only
    through the `cookies` property)."""

    def __init__(self, **kwargs: Any) -> None:
        self._kept_cookies = _SetCookiesOnly(kwargs.pop("cookies", None))
        super().__init__(**kwargs)

    @property  # type: ignore[override]
    def cookies(self) -> httpx.Cookies:
        return self._kept_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._kept_cookies = _SetCookiesOnly(cookies)


class AsyncFetcher:
    """One batch of requests: its limits, its politeness, its robots.txt answers. The client
    is its own unless it is given one, which it leaves open (`Fetcher`)."""

    def __init__(
        self,
        settings: FetchSettings,
        resolver: Resolver = system_resolver,
        shared: SharedPoliteness | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.settings = settings
        self.backoff = Backoff(
            settings.retries, settings.retry_backoff_seconds, settings.max_retry_delay_seconds
        )
        self.own_client = client is None
        self.client = make_client(settings, resolver) if client is None else client
        self.slots = asyncio.Semaphore(settings.max_connections)
        # a mirror is a local folder: politeness protects remote servers, not the disk
        delay = 0.0 if settings.mirror_dir is not None else settings.per_host_delay_seconds
        self.gates = HostGates(settings.per_host_connections, delay, shared)
        self.robots = RobotsRules(
            self._download_robots,
            settings.user_agent,
            self.gates,
            settings.max_crawl_delay_seconds,
            shared,
        )

    async def __aenter__(self) -> AsyncFetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self.own_client:
            await self.client.aclose()

    async def fetch_all(self, requests: list[FetchRequest]) -> list[FetchOutcome]:
        return list(await asyncio.gather(*(self.fetch(r) for r in requests)))

    async def fetch(self, request: FetchRequest) -> FetchOutcome:
        """The request's page or its error; never raises, so that one request that fails in a
        way nobody foresaw is that request's failure, not the whole batch's."""
        try:
            if request.url.partition(":")[0].lower() == "file":  # not urlsplit, which raises
                return FetchOutcome(request, page=read_local_file(request, self.settings.max_bytes))
            return await self._fetch_with_retries(request)
        except FetchError as exc:
            return FetchOutcome(request, error=exc)
        except Exception as exc:
            return FetchOutcome(request, error=FetchError(f"{request.url}: {describe(exc)}"))

    async def _fetch_with_retries(self, request: FetchRequest) -> FetchOutcome:
        try:
            return await retry_async(lambda _attempt: self._attempt(request), self.backoff)
        except (ConnectionFailed, TransientHTTPStatus) as error:
            raise _with_attempts(error, self.backoff) from error

    async def _attempt(self, request: FetchRequest) -> FetchOutcome:
        url = request.url
        headers = {}
        if request.etag:
            headers["If-None-Match"] = request.etag
        if request.last_modified:
            headers["If-Modified-Since"] = request.last_modified
        for _ in range(self.settings.max_redirects + 1):
            check_scheme(url)
            if self.settings.respect_robots_txt and self.settings.mirror_dir is None:
                await self.robots.check(url)
            response = await self._get_in_turn(url, headers)
            if response.location is not None:
                url = urljoin(url, response.location)
                headers = {}  # validators belong to the first URL
                continue
            if response.status == 304:
                return FetchOutcome(request, not_modified=True)
            if response.status in RETRY_STATUSES:
                raise TransientHTTPStatus(url, response.status, retry_after=response.retry_after)
            if response.status >= 400:
                raise BadHTTPStatus(url, response.status)
            return FetchOutcome(request, page=replace(response.page, requested_url=request.url))
        raise RedirectLimitExceeded(
            f"{request.url}: more than {self.settings.max_redirects} redirects"
        )

    async def _get(self, url: str, headers: dict[str, str]) -> _Response:
        try:
            async with self.client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"{url}: redirect without a Location header")
                    await finish_short(response)
                    return _Response(status, location=location)
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                if status >= 300:
                    await finish_short(response)
                    return _Response(status, retry_after=retry_after)
                body = await read_body(url, response, self.settings.max_bytes)
                page = FetchedPage(
                    requested_url=url,
                    url=url,
                    status=status,
                    content_type=response.headers.get("content-type", ""),
                    body=body,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
                return _Response(status, page=page)
        except httpx.TimeoutException as exc:
            raise FetchTimedOut(f"{url}: timed out ({type(exc).__name__})") from exc
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise ConnectionFailed(f"{url}: {type(exc).__name__}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc

    async def _get_in_turn(self, url: str, headers: dict[str, str]) -> _Response:
        """One request, when a connection slot is free and its host's turn has come (the
        politeness gates), with a deadline on the whole response however slowly it drips."""
        async with self.slots, self.gates.for_host(urlsplit(url).hostname or "").turn():
            try:
                # a deadline on this task, not a task of its own as wait_for makes
                async with asyncio.timeout(self.settings.total_timeout_seconds):
                    return await self._get(url, headers)
            except TimeoutError as exc:
                limit = self.settings.total_timeout_seconds
                raise FetchTimedOut(f"{url}: no complete response within {limit:g}s") from exc

    async def _download_robots(self, url: str) -> tuple[int, bytes]:
        for _ in range(self.settings.max_redirects + 1):
            check_scheme(url)
            response = await self._get_in_turn(url, {})
            if response.location is None:
                return response.status, response.page.body if response.page else b""
            url = urljoin(url, response.location)
        raise RedirectLimitExceeded(f"{url}: too many redirects")


@dataclass(frozen=True)
class _Response:
    status: int
    page: FetchedPage | None = None
    location: str | None = None
    retry_after: float | None = None


def _with_attempts(
    error: ConnectionFailed | TransientHTTPStatus, backoff: Backoff
) -> ConnectionFailed | TransientHTTPStatus:
    """The last error of a request, saying how often it was tried and why it stopped."""
    note = f" (after {error.attempts} attempts)" if error.attempts > 1 else ""
    if backoff.refuses(error.retry_after):
        note = " (the server asked to wait longer than fetch.max_retry_delay_seconds; no retry)"
    final: ConnectionFailed | TransientHTTPStatus
    if isinstance(error, TransientHTTPStatus):
        final = TransientHTTPStatus(error.url, error.status, note, error.retry_after)
    else:
        final = ConnectionFailed(f"{error}{note}", retry_after=error.retry_after)
    final.attempts = error.attempts
    return final


def fetch_all(
    settings: FetchSettings,
    requests: list[FetchRequest],
    resolver: Resolver = system_resolver,
    shared: SharedPoliteness | None = None,
) -> list[FetchOutcome]:
    """Fetch a batch of requests concurrently, from synchronous code; outcomes in order.
    `shared` carries the per-host limits and robots.txt answers in and out (politeness.py).
    A client is made for the batch; steps that fetch batch after batch keep a `Fetcher`."""
    if not requests:
        return []

    async def run() -> list[FetchOutcome]:
        async with AsyncFetcher(settings, resolver, shared) as fetcher:
            return await fetcher.fetch_all(requests)

    return asyncio.run(run())
