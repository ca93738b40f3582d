"""Incremental story clustering: each article joins the most similar active story, or starts one.

Articles arrive in publication order. A story is a candidate for an article only while it is
active: its latest report is within `window` of the article. This keeps the work per article
flat however large the archive grows.

The score of an article against a story has two parts:
- the mean cosine similarity of its embedding to the embeddings of the story's reports (average
  linkage), which is the dot product with the mean vector: one vector per story is enough;
- a bonus of up to FIGURE_BONUS for distinctive figures it shares with the story ("112 votes to
  87", "2.3 billion crowns"): reports of one event repeat its numbers, while two events about the
  same company or person on the same day share names but rarely numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from gazette.figures import distinctive_figures
from gazette.records import Assignment, ClusterItem

FIGURE_BONUS = 0.1
FIGURES_FOR_FULL_BONUS = 3


@dataclass
class ActiveStory:
    story_id: int
    vector_sum: np.ndarray
    size: int
    first_report: datetime
    last_report: datetime
    figures: set[str]

    def score(self, vector: np.ndarray, figures: set[str]) -> tuple[float, float, int]:
        """(score, embedding similarity, number of shared figures)."""
        similarity = float(vector @ self.vector_sum) / self.size
        shared = len(figures & self.figures)
        bonus = FIGURE_BONUS * min(shared, FIGURES_FOR_FULL_BONUS) / FIGURES_FOR_FULL_BONUS
        return similarity + bonus, similarity, shared

    def add(self, vector: np.ndarray, published: datetime, figures: set[str]) -> None:
        self.vector_sum = self.vector_sum + vector
        self.figures |= figures
        self.size += 1
        self.first_report = min(self.first_report, published)
        self.last_report = max(self.last_report, published)


class IncrementalClusterer:
    """Assigns items to stories one at a time; `new_story_id` names each story it starts."""

    def __init__(
        self,
        window: timedelta,
        threshold: float,
        new_story_id: Callable[[], int],
    ) -> None:
        self.window = window
        self.threshold = threshold
        self.new_story_id = new_story_id
        self.stories: dict[int, ActiveStory] = {}
        self.story_of_item: dict[str, int] = {}

    def load_story(
        self,
        story_id: int,
        vectors: np.ndarray,
        texts: list[str],
        first_report: datetime,
        last_report: datetime,
    ) -> None:
        """Make an existing story (from the database) a candidate."""
        figures = set().union(*(distinctive_figures(text) for text in texts))
        self.stories[story_id] = ActiveStory(
            story_id, vectors.sum(axis=0), len(vectors), first_report, last_report, figures
        )

    def remember(self, item_id: str, story_id: int) -> None:
        """Record an earlier item's story, so that copies of it can follow it."""
        self.story_of_item[item_id] = story_id

    def _candidates(self, published: datetime) -> list[ActiveStory]:
        return [
            story
            for story in self.stories.values()
            if story.last_report - self.window <= published <= story.first_report + self.window
            or story.first_report <= published <= story.last_report
        ]

    def assign(self, item: ClusterItem, vector: np.ndarray) -> Assignment:
        figures = distinctive_figures(item.text)
        if item.copy_of is not None and item.copy_of in self.story_of_item:
            story_id = self.story_of_item[item.copy_of]
            story = self.stories.get(story_id)
            if story is not None:
                story.add(vector, item.published, figures)
            self.story_of_item[item.id] = story_id
            return Assignment(item.id, story_id, 1.0, False, f"syndicated copy of {item.copy_of}")
        scored = sorted(
            ((story.score(vector, figures), story) for story in self._candidates(item.published)),
            key=lambda pair: -pair[0][0],
        )
        if scored and scored[0][0][0] >= self.threshold:
            (score, similarity, shared), story = scored[0]
            story.add(vector, item.published, figures)
            reason = (
                f"joined story {story.story_id}: score {score:.2f} (similarity {similarity:.2f} "
                f"to its {story.size - 1} earlier reports, {shared} shared figures)"
            )
            created = False
        else:
            story = ActiveStory(
                self.new_story_id(), vector.copy(), 1, item.published, item.published, figures
            )
            self.stories[story.story_id] = story
            score = 1.0
            if scored:
                (best, _, _), runner = scored[0]
                reason = (
                    f"new story: closest story {runner.story_id} scored {best:.2f}, "
                    f"below the threshold {self.threshold:.2f}"
                )
            else:
                reason = "new story: no active story in the time window"
            created = True
        self.story_of_item[item.id] = story.story_id
        return Assignment(item.id, story.story_id, score, created, reason)

    def forget_before(self, moment: datetime) -> None:
        """Drop stories whose last report is older than the window before `moment`."""
        for story_id in [
            s.story_id for s in self.stories.values() if s.last_report < moment - self.window
        ]:
            del self.stories[story_id]
