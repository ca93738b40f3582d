"""A client kept for batch after batch: a worker keeps one `Fetcher` for its life and a pass
for its length, so that the HTTP client, its TLS context and its connection pool are made once.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from gazette.config import FetchSettings
from gazette.http.client import AsyncFetcher, make_client
from gazette.http.messages import FetchOutcome, FetchRequest
from gazette.http.network import Resolver, system_resolver
from gazette.http.politeness import ROBOTS_TTL, SharedPoliteness


class Fetcher:
    """One HTTP client, and the event loop it lives in, for batch after batch: a worker keeps
    one for its life and a pass for its length (`kept_fetcher`), so that the client, its TLS
    context and its pool are made once and connections stay open from one batch to the next.
    Politeness is still each batch's own, as `shared` brings it from the database; a batch
    without it (the sources stage's) starts from the robots.txt answers this Fetcher read in
    the last ROBOTS_TTL, rather than reading each host's again."""

    def __init__(self, settings: FetchSettings, resolver: Resolver = system_resolver) -> None:
        self.settings, self.resolver = settings, resolver
        self.closed = False
        self._runner = asyncio.Runner()
        self._client: httpx.AsyncClient | None = None
        # origin -> (when it was read, on the monotonic clock; status; body)
        self._robots: dict[str, tuple[float, int, bytes]] = {}

    def fetch_all(
        self, requests: list[FetchRequest], shared: SharedPoliteness | None = None
    ) -> list[FetchOutcome]:
        """As the module's `fetch_all`, with the kept client."""
        if self.closed:
            raise RuntimeError("this Fetcher is closed")
        if not requests:
            return []
        polite = shared if shared is not None else SharedPoliteness(robots=self._known_robots())

        async def run() -> list[FetchOutcome]:
            if self._client is None:
                self._client = make_client(self.settings, self.resolver)
            fetcher = AsyncFetcher(self.settings, self.resolver, polite, self._client)
            return await fetcher.fetch_all(requests)

        try:
            outcomes = self._runner.run(run())
        except BaseException:
            # Stopped half-way (a signal): the batch's tasks are cancelled with the loop, and
            # the next batch gets a new client.
            self._client = None
            self.close()
            raise
        read_at = time.monotonic()
        for origin in polite.robots_read:
            self._robots[origin] = (read_at, *polite.robots[origin])
        return outcomes

    def _known_robots(self) -> dict[str, tuple[int, bytes]]:
        """The robots.txt answers this Fetcher read within ROBOTS_TTL (older ones forgotten)."""
        oldest = time.monotonic() - ROBOTS_TTL.total_seconds()
        self._robots = {o: known for o, known in self._robots.items() if known[0] >= oldest}
        return {origin: (status, body) for origin, (_, status, body) in self._robots.items()}

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            if self._client is not None:
                self._runner.run(self._client.aclose())
        except Exception:  # closing connections that are already broken
            pass
        finally:
            self._runner.close()


KEPT = "http"  # the key of a step's Fetcher in StageContext.kept


def kept_fetcher(kept: dict[str, Any], settings: FetchSettings) -> Fetcher:
    """The Fetcher kept in `kept` (a StageContext's), made on first use or after a failure."""
    fetcher = kept.get(KEPT)
    if not isinstance(fetcher, Fetcher) or fetcher.closed:
        fetcher = kept[KEPT] = Fetcher(settings)
    return fetcher
