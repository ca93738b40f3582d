"""A bounded memory of what a function returned, that can also be told answers worked out before.

`functools.lru_cache` cannot be handed a value: a write stage that stores what it read of a
report (`gazette.write.memory`) must be able to put that reading back into the function that
would otherwise work it out again in a new process. `remembered` is that cache: the newest
`size` answers are kept, `add` hands one in, and `cache_clear` empties it as `lru_cache`'s does.
Answers must not be changed by callers (they are shared): functions return tuples or frozen
records.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import update_wrapper
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Remembered(Generic[P, R]):
    """A function with a memory of its answers, keyed by its positional arguments."""

    def __init__(self, function: Callable[P, R], size: int) -> None:
        self.function = function
        self.size = size
        self._known: OrderedDict[Hashable, R] = OrderedDict()
        self._lock = threading.Lock()
        update_wrapper(self, function)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if kwargs:
            return self.function(*args, **kwargs)
        key = args[0] if len(args) == 1 else args
        with self._lock:
            found = self._known.get(key, _MISSING)
            if found is not _MISSING:
                self._known.move_to_end(key)
                return found  # type: ignore[return-value]
        answer = self.function(*args)
        self.add(key, answer)
        return answer

    def known(self, key: Hashable) -> R | None:
        """The remembered answer for these arguments (one argument: itself), or None."""
        with self._lock:
            return self._known.get(key)

    def add(self, key: Hashable, answer: R) -> None:
        """Remember an answer worked out elsewhere (read back from the database)."""
        with self._lock:
            self._known[key] = answer
            self._known.move_to_end(key)
            while len(self._known) > self.size:
                self._known.popitem(last=False)

    def cache_clear(self) -> None:
        with self._lock:
            self._known.clear()


_MISSING = object()


def remembered(size: int) -> Callable[[Callable[P, R]], Remembered[P, R]]:
    """Decorate a function of hashable positional arguments with a memory of `size` answers."""

    def decorate(function: Callable[P, R]) -> Remembered[P, R]:
        return Remembered(function, size)

    return decorate
