"""The active stories as arrays, for the clusterer's hot path.

Every new article asks the same question: which active stories (in its language, with reports
within the time window of it) are closest to it by embedding? Asked of a list of story objects
that is a Python loop and a matrix built anew for every article; here each story is a row of one
matrix (the sum of its reports' embeddings) beside arrays of its size, time span and language,
kept current as stories change, so the question is a few array operations.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import numpy as np


class StoryTable:
    def __init__(self, capacity: int = 64) -> None:
        self.row_of: dict[int, int] = {}
        self.free: list[int] = []
        self.languages: dict[str | None, int] = {}
        self.ids = np.full(capacity, -1, dtype=np.int64)
        self.sums: np.ndarray | None = None  # allocated with the first story: its width
        self.sizes = np.ones(capacity, dtype=np.float32)
        self.first = np.zeros(capacity, dtype=np.float64)
        self.last = np.zeros(capacity, dtype=np.float64)
        self.language = np.full(capacity, -1, dtype=np.int32)

    def put(
        self,
        story_id: int,
        vector_sum: np.ndarray,
        size: int,
        first: datetime,
        last: datetime,
        language: str | None,
    ) -> None:
        """Add a story, or bring its row up to date after it changed."""
        if self.sums is None:
            self.sums = np.zeros((len(self.ids), len(vector_sum)), dtype=np.float32)
        row = self.row_of.get(story_id)
        if row is None:
            row = self.free.pop() if self.free else self._grow()
            self.row_of[story_id] = row
        self.ids[row] = story_id
        self.sums[row] = vector_sum
        self.sizes[row] = size
        self.first[row], self.last[row] = first.timestamp(), last.timestamp()
        self.language[row] = self.languages.setdefault(language, len(self.languages))

    def remove(self, story_id: int) -> None:
        row = self.row_of.pop(story_id, None)
        if row is not None:
            self.ids[row], self.language[row] = -1, -1
            self.free.append(row)

    def closest(
        self,
        vector: np.ndarray,
        moment: datetime,
        window_seconds: float,
        language: str | None,
        count: int,
        exclude: Iterable[int] = (),
        started_before: datetime | None = None,
    ) -> list[int]:
        """Ids of at most `count` stories in `language` whose reports span a time within the
        window of `moment`, closest to `vector` by mean cosine; none of `exclude`."""
        if self.sums is None or language not in self.languages:
            return []
        when = moment.timestamp()
        mask = (
            (self.language == self.languages[language])
            & (self.last - window_seconds <= when)
            & (when <= self.first + window_seconds)
        )
        if started_before is not None:
            mask &= self.first < started_before.timestamp()
        for story_id in exclude:
            if story_id in self.row_of:
                mask[self.row_of[story_id]] = False
        rows = np.flatnonzero(mask)
        if len(rows) > count:
            # Multiplying every row is quicker than copying out the rows asked for first.
            similarity = (self.sums @ vector)[rows] / self.sizes[rows]
            rows = rows[np.argpartition(-similarity, count)[:count]]
        return [int(story_id) for story_id in self.ids[rows]]

    def _grow(self) -> int:
        """A new row at the end, doubling the arrays when they are full."""
        used = len(self.row_of) + len(self.free)
        if used == len(self.ids):
            extra = len(self.ids)
            self.ids = np.concatenate([self.ids, np.full(extra, -1, dtype=np.int64)])
            self.sizes = np.concatenate([self.sizes, np.ones(extra, dtype=np.float32)])
            self.first = np.concatenate([self.first, np.zeros(extra)])
            self.last = np.concatenate([self.last, np.zeros(extra)])
            self.language = np.concatenate([self.language, np.full(extra, -1, dtype=np.int32)])
            assert self.sums is not None
            self.sums = np.concatenate([self.sums, np.zeros_like(self.sums)])
        return used
