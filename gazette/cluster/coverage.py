"""The coverage level: the stories of one developing topic, linked into one thread.

A story is one event, what an article is written about. Readers (and Google News) also follow
the developing topic around it: a game's launch, its reviews, its patch and its film adaptation;
a bankruptcy filing and the reactions to it. Those are separate stories, and the thread that
links them is their coverage ("All coverage" on the site, `stories.thread_id`).

Two coverages (a story alone is one) are one when:

- their reports read alike, by average linkage over every pair of their reports' embeddings
  (COVERAGE_SIMILARITY). Over the whole coverage rather than its closest story: one review of
  a game is far from its patch notes, while the coverage as a whole is close to both;
- they share a key term: one that at least half of one side's reports use and KEY_SHARE of the
  other's. A report's key terms are its salient names; a headline written in title case has no
  names to trust (see `signals.profile`), so there its rare words stand in for them
  ("Titanfall", "Sbarro", "Spritz"). Two topics of one field (two games' review roundups, a
  carmaker's recall and another's) read alike to the embedding but name different things;
- where the reports do have names (full text, a standfirst, a headline written like a
  sentence), the two also tell the same kind of happening as closely as two reports of one
  story do (their "what", embedding and words, at least the stream's typical cohesion times
  WHAT_RATIO). A shared name there says only that the same company or person is involved, and a
  company's fine does not continue its takeover bid, nor its data breach a warehouse fire
  (the storyset's labelled follow-ups); a title-case headline gives nothing to tell those
  apart, and there the key term and the embedding decide alone.

A coverage is asked when one of its stories starts or is reviewed, and every COVERAGE_EVERY
reports all active coverages are asked again, since both sides of a pair change as reports come.
The later-rooted of two joined coverages moves into the earlier, so that a thread is named by
its first story. These are pure functions of the active stories; `incremental` calls them and
records the links.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from gazette.cluster.signals import dot, rarity
from gazette.cluster.story import ActiveStory

# The constants were chosen on the even half of the UCI headline stream's gold stories and
# checked on the odd half, with the storyset's labelled follow-ups (bench/cluster_quality.py,
# docs/clustering.md "Threads: the coverage level").
# Mean cosine over every pair of reports of two coverages (the embeddings of title and lead)
# from which they may be one developing topic.
COVERAGE_SIMILARITY = 0.3
# A key term is shared when half of one side's reports use it and this share of the other's.
KEY_SHARE = 0.1
# Where a report has no salient names, its words at least this rare (8 less the Zipf frequency:
# "titanfall" 5.4, "bitcoin" 3.8, "review" 2.9, "china" 2.9, "us" 2.0) stand in for them.
KEY_RARITY = 2.5
# Where the reports have names, the "what" two coverages must share, as a share of the stream's
# typical cohesion (what two reports of one story score).
WHAT_RATIO = 1.0
# The stories nearest by embedding to a coverage whose coverages are compared in full.
COVERAGE_SHORTLIST = 8
# A coverage joined with another is compared again with its neighbours, at most this many times.
COVERAGE_JOINS = 3
# Every this many reports, every active coverage is asked again (see `incremental`).
COVERAGE_EVERY = 32


def key_terms(salient: Iterable[str], words: Iterable[str], language: str) -> frozenset[str]:
    """A report's key terms: its salient names, or where it has none, its rare words."""
    names = frozenset(salient)
    if names:
        return names
    return frozenset(word for word in words if rarity(word, language) >= KEY_RARITY)


@dataclass
class Coverage:
    """The active stories of one thread, as one group of reports. Its figures are computed
    once: a coverage is asked about while no report arrives, and made anew when it changes."""

    root: int
    stories: list[ActiveStory] = field(default_factory=list)

    @cached_property
    def size(self) -> int:
        return sum(story.size for story in self.stories)

    @cached_property
    def vector_sum(self) -> np.ndarray:
        return sum((story.vector_sum for story in self.stories), start=np.zeros(1))

    @cached_property
    def term_counts(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for story in self.stories:
            counts.update(story_terms(story))
        return counts

    @cached_property
    def named(self) -> bool:
        """Whether most of its reports have salient names (full text, or a headline written
        like a sentence), rather than a title-case headline alone."""
        with_names = sum(bool(m.profile.salient) for s in self.stories for m in s.members)
        return with_names * 2 >= self.size


def story_terms(story: ActiveStory) -> Counter[str]:
    """How many of the story's reports use each key term (kept with the story's other figures
    computed on demand, which it forgets when it changes)."""
    cached = story._cached.get("key_terms")
    if cached is None:
        cached = Counter()
        for member in story.members:
            profile = member.profile
            cached.update(key_terms(profile.salient, profile.words, member.language))
        story._cached["key_terms"] = cached
    return cached  # type: ignore[return-value]


@dataclass(frozen=True)
class CoverageMatch:
    """How well a story fits a coverage, and why."""

    root: int
    similarity: float
    shared: tuple[str, ...]
    what: float = 1.0
    what_needed: float = 0.0

    @property
    def linked(self) -> bool:
        return (
            self.similarity >= COVERAGE_SIMILARITY
            and bool(self.shared)
            and self.what >= self.what_needed
        )

    def describe(self) -> str:
        shared = ", ".join(self.shared) or "none"
        what = f", what {self.what:.2f} (needed {self.what_needed:.2f})" if self.what_needed else ""
        return (
            f"coverage similarity {self.similarity:.2f} (needed {COVERAGE_SIMILARITY:.2f})"
            f"{what}; shared key terms: {shared}"
        )


def match(mine: Coverage, other: Coverage, typical: float = 0.0) -> CoverageMatch:
    """How well coverage `mine` fits `other`: the mean cosine over every pair of their reports,
    the key terms that half of `mine`'s reports and KEY_SHARE of `other`'s use, and where
    `mine`'s reports have names, their "what" against WHAT_RATIO times `typical` (the stream's
    typical cohesion). Each test is made only if the ones before it pass (the clusterer asks
    often): a match that fails one has nothing after it."""
    size, other_size = mine.size, other.size
    pairs = size * other_size
    similarity = float(mine.vector_sum @ other.vector_sum) / pairs
    if similarity < COVERAGE_SIMILARITY:
        return CoverageMatch(other.root, similarity, ())
    own, theirs = mine.term_counts, other.term_counts
    needed, other_needed = max(1, (size + 1) // 2), KEY_SHARE * other_size
    shared = sorted(t for t, n in own.items() if n >= needed and theirs[t] >= other_needed)
    if not shared or not mine.named:
        return CoverageMatch(other.root, similarity, tuple(shared[:5]))
    # The words' part of "what", story by story: no coverage-wide sum of words is built.
    words = sum(dot(a.word_sum, b.word_sum) for a in mine.stories for b in other.stories)
    what = 0.5 * similarity + 0.5 * words / pairs
    return CoverageMatch(other.root, similarity, tuple(shared[:5]), what, WHAT_RATIO * typical)


def best_coverage(
    mine: Coverage, others: Iterable[Coverage], typical: float = 0.0
) -> CoverageMatch | None:
    """The coverage of `others` that `mine` fits best among those it links to, if any."""
    found = [m for m in (match(mine, other, typical) for other in others) if m.linked]
    return max(found, key=lambda m: m.similarity, default=None)


def coverages_of(stories: Iterable[ActiveStory]) -> dict[int, Coverage]:
    """The coverages of the active `stories`, by the story that started each (its root)."""
    groups: dict[int, Coverage] = {}
    for story in stories:
        root = story.thread or story.story_id
        groups.setdefault(root, Coverage(root)).stories.append(story)
    return groups
