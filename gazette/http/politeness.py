"""Being a good guest: per-host limits and pauses, and robots.txt (protego).

robots.txt is read once per host and run, and a `Fetcher` that lives for many runs (a worker's)
keeps the answers it read for ROBOTS_TTL. As search engines do: a missing file (4xx) allows
everything; a server error or an unreachable file (5xx, network) disallows the host for this
run, since the site may be in trouble (429 counts as such); a Crawl-delay lengthens the pause
between requests, up to a configured ceiling.

Within one fetch the limits are kept here, in memory. Across fetches, workers and machines they
travel in `SharedPoliteness`: when the next request to each host may start, and the robots.txt
answers already read. The fetch stage loads it from the database before a fetch and stores it
after (gazette/fetch/hosts.py), while it holds the hosts, so that no two workers fetch from one
host at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from protego import Protego

from gazette.errors import FetchBlocked, FetchError

# How long a robots.txt answer is trusted, by every worker (in the database) and by a kept client.
ROBOTS_TTL = timedelta(hours=24)

# How many robots.txt files are kept parsed, by their text (`_rules`).
PARSED_ROBOTS = 1024

# (status, body) of a robots.txt request; raises FetchError when it could not be made.
RobotsDownload = Callable[[str], Awaitable[tuple[int, bytes]]]


@dataclass
class SharedPoliteness:
    """What the per-host limits and robots.txt carry into a fetch and out of it, so that they
    hold across fetches and workers. Times are wall-clock seconds (`time.time()`), which the
    processes of every machine share."""

    # host -> no request to it may start before then (in: from other fetches; out: updated)
    next_request_at: dict[str, float] = field(default_factory=dict)
    # origin -> (status, body) of its robots.txt (in: read before; out: with the ones read now)
    robots: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    # the origins of `robots` that this fetch read, for the caller to keep
    robots_read: set[str] = field(default_factory=set)


class HostGate:
    """At most `connections` requests at once to one host, `delay` seconds apart, none before
    `not_before` (a wall-clock time another fetch left)."""

    def __init__(
        self,
        connections: int,
        delay: float,
        not_before: float = 0.0,
        on_schedule: Callable[[float], None] | None = None,
    ) -> None:
        self.semaphore = asyncio.Semaphore(connections)
        self.delay = delay
        self._next_start = not_before
        self._schedule = asyncio.Lock()
        self._on_schedule = on_schedule

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        async with self.semaphore:
            async with self._schedule:
                wait = self._next_start - time.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start = time.time() + self.delay
                if self._on_schedule is not None:
                    self._on_schedule(self._next_start)
            yield


class HostGates:
    def __init__(
        self, connections: int, delay: float, shared: SharedPoliteness | None = None
    ) -> None:
        self.connections, self.delay = connections, delay
        self.shared = shared
        self._gates: dict[str, HostGate] = {}

    def for_host(self, host: str) -> HostGate:
        if host not in self._gates:
            shared = self.shared
            if shared is None:
                gate = HostGate(self.connections, self.delay)
            else:

                def remember(next_start: float, host: str = host) -> None:
                    shared.next_request_at[host] = next_start

                not_before = shared.next_request_at.get(host, 0.0)
                gate = HostGate(self.connections, self.delay, not_before, remember)
            self._gates[host] = gate
        return self._gates[host]


class RobotsRules:
    """robots.txt of every host met in a run, fetched once each (not at all when `shared`
    already holds its answer)."""

    def __init__(
        self,
        download: RobotsDownload,
        user_agent: str,
        gates: HostGates,
        max_delay: float,
        shared: SharedPoliteness | None = None,
    ):
        self.download = download
        self.user_agent = user_agent
        self.gates = gates
        self.max_delay = max_delay
        self.shared = shared
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
        known = self.shared.robots.get(origin) if self.shared is not None else None
        if known is not None:
            status, body = known
        else:
            try:
                status, body = await self.download(f"{origin}/robots.txt")
            except FetchError as exc:
                return f"robots.txt could not be read ({exc}); the host is skipped for this run"
            if self.shared is not None and status < 500 and status != 429:
                # a definite answer, worth sharing; trouble is asked about again next time
                self.shared.robots[origin] = (status, body)
                self.shared.robots_read.add(origin)
        if 400 <= status < 500 and status != 429:
            return _rules(b"")
        if status >= 500 or status == 429:
            return f"robots.txt answered HTTP {status}; the host is skipped for this run"
        return _rules(body)


@lru_cache(maxsize=PARSED_ROBOTS)
def _rules(body: bytes) -> Protego:
    """The rules of a robots.txt file, parsed once for every fetch that meets the same text: a
    worker's fetches start from the answers kept for a day (`SharedPoliteness.robots`), and
    parsing a host's file again for each batch of a hundred requests cost more than checking
    them. A Protego object is only read once parsed (it keeps which rules match an agent)."""
    return Protego.parse(body.decode("utf-8", errors="replace"))
