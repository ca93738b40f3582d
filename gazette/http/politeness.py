"""Being a good guest: per-host limits and pauses, and robots.txt (protego).

robots.txt is read once per host and run. As search engines do: a missing file (4xx) allows
everything; a server error or an unreachable file (5xx, network) disallows the host for this
run, since the site may be in trouble (429 counts as such); a Crawl-delay lengthens the pause
between requests, up to a configured ceiling.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from protego import Protego

from gazette.errors import FetchBlocked, FetchError

# (status, body) of a robots.txt request; raises FetchError when it could not be made.
RobotsDownload = Callable[[str], Awaitable[tuple[int, bytes]]]


class HostGate:
    """At most `connections` requests at once to one host, `delay` seconds apart."""

    def __init__(self, connections: int, delay: float) -> None:
        self.semaphore = asyncio.Semaphore(connections)
        self.delay = delay
        self._next_start = 0.0
        self._schedule = asyncio.Lock()

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        async with self.semaphore:
            async with self._schedule:
                loop = asyncio.get_running_loop()
                wait = self._next_start - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start = loop.time() + self.delay
            yield


class HostGates:
    def __init__(self, connections: int, delay: float) -> None:
        self.connections, self.delay = connections, delay
        self._gates: dict[str, HostGate] = {}

    def for_host(self, host: str) -> HostGate:
        if host not in self._gates:
            self._gates[host] = HostGate(self.connections, self.delay)
        return self._gates[host]


class RobotsRules:
    """robots.txt of every host met in a run, fetched once each."""

    def __init__(
        self, download: RobotsDownload, user_agent: str, gates: HostGates, max_delay: float
    ):
        self.download = download
        self.user_agent = user_agent
        self.gates = gates
        self.max_delay = max_delay
        self._rules: dict[str, Protego | str] = {}  # origin -> rules, or why it is disallowed
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: str) -> None:
        """Raise FetchBlocked if robots.txt forbids `url` to Gazette's user agent."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        rules = await self._load(origin, parts.hostname or "")
        if isinstance(rules, str):
            raise FetchBlocked(f"{url}: {rules}")
        if not rules.can_fetch(url, self.user_agent):
            raise FetchBlocked(f"{url}: disallowed by {origin}/robots.txt")

    async def _load(self, origin: str, host: str) -> Protego | str:
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._rules:
                self._rules[origin] = await self._fetch(origin)
                rules = self._rules[origin]
                if isinstance(rules, Protego):
                    delay = rules.crawl_delay(self.user_agent)
                    gate = self.gates.for_host(host)
                    if delay:
                        gate.delay = max(gate.delay, min(float(delay), self.max_delay))
            return self._rules[origin]

    async def _fetch(self, origin: str) -> Protego | str:
        try:
            status, body = await self.download(f"{origin}/robots.txt")
        except FetchError as exc:
            return f"robots.txt could not be read ({exc}); the host is skipped for this run"
        if 400 <= status < 500 and status != 429:
            return Protego.parse("")
        if status >= 500 or status == 429:
            return f"robots.txt answered HTTP {status}; the host is skipped for this run"
        return Protego.parse(body.decode("utf-8", errors="replace"))
