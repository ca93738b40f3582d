"""Retrying a request that may succeed later: one rule and one loop for every client.

An attempt that fails in a way that may pass raises a `TransientError` (`gazette.errors`),
with the wait the server asked for in `retry_after` when it named one (a Retry-After header).
`retry` and `retry_async` make the attempt again after such an error, up to `Backoff.retries`
times; a success or any other error ends the loop at once. When the retries are spent, the last
transient error is raised with `attempts` set to how often the request was made.

The pause before retry number n (from 0) is `base_seconds * 2**n` times a random factor drawn
from `jitter` (so that clients that failed together do not come back together), and never
longer than `max_seconds`. A wait the server asked for replaces it. When that wait is longer
than `max_seconds`, `cap_requested_wait` decides: cut it to `max_seconds`, or make no further
attempt (the HTTP client's choice: a host that asks for an hour will not answer in this run).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from gazette.errors import TransientError

T = TypeVar("T")


@dataclass(frozen=True)
class Backoff:
    retries: int
    base_seconds: float
    max_seconds: float
    jitter: tuple[float, float] = (0.5, 1.5)
    cap_requested_wait: bool = False

    def refuses(self, requested: float | None) -> bool:
        """Whether the server asked for a wait longer than this policy is willing to make."""
        too_long = requested is not None and requested > self.max_seconds
        return too_long and not self.cap_requested_wait

    def delay(self, retry: int, requested: float | None = None) -> float | None:
        """Seconds to wait before retry number `retry` (0 for the first), given the wait the
        server asked for if any; None when that wait is refused."""
        if requested is not None:
            return None if self.refuses(requested) else min(requested, self.max_seconds)
        low, high = self.jitter
        return min(self.base_seconds * 2**retry * random.uniform(low, high), self.max_seconds)


def retry(attempt: Callable[[int], T], backoff: Backoff) -> T:
    """`attempt(1)`, then `attempt(2)` and on while transient errors allow (see the module)."""
    number = 1
    while True:
        try:
            return attempt(number)
        except TransientError as error:
            wait = _wait_before_next(error, number, backoff)
            if wait is None:
                raise
        time.sleep(wait)
        number += 1


async def retry_async(attempt: Callable[[int], Awaitable[T]], backoff: Backoff) -> T:
    """`retry` for coroutines: the pauses let the other requests of the loop go on."""
    number = 1
    while True:
        try:
            return await attempt(number)
        except TransientError as error:
            wait = _wait_before_next(error, number, backoff)
            if wait is None:
                raise
        await asyncio.sleep(wait)
        number += 1


def _wait_before_next(error: TransientError, attempts: int, backoff: Backoff) -> float | None:
    """The pause before the next attempt, or None when there is to be none; records on `error`
    how often the request was made."""
    error.attempts = attempts
    if attempts > backoff.retries:
        return None
    return backoff.delay(attempts - 1, error.retry_after)
