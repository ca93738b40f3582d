"""The coverage level: the stories of one developing topic, linked into one thread.

A story is one event, what an article is written about. Readers (and Google News) also follow
the developing topic around it: a game's launch, its reviews, its patch and its film adaptation;
a bankruptcy filing and the reactions to it. Those are separate stories, and the thread that
links them is their coverage ("All coverage" on the site, `stories.thread_id`).

Two coverages (a story alone is one) are one when the probability that they are one topic
reaches JOIN_PROBABILITY. It is a logistic regression over what the coverage level measures of
the pair (`PairSignals`), with weights fitted offline on labelled pairs and kept here as
constants (`bench/coverage_weights.py` refits them), not at run time:

- how alike their reports read: the mean cosine over every pair of their reports' embeddings
  (over the whole coverage rather than its closest story: one review of a game is far from its
  patch notes, while the coverage as a whole is close to both), and that mean less the
  stream's typical cohesion; and their closest pair of stories. Below SIMILARITY_FLOOR nothing
  more is measured;
- the key terms they share: one that at least half of one side's reports use and KEY_SHARE of
  the other's, whichever side holds the half. A report's key terms are its salient names; a
  headline written in title case has no names to trust (see `signals.profile`), so there its
  rare words stand in for them ("Titanfall", "Sbarro", "Spritz");
- whether one side is a lone headline (one report, no text) that reads as close to the other
  as two reports of one story do (the stream's typical cohesion): its few words often name
  nothing of its topic;
- their sizes, and the hours between their spans of reports (a topic's stories come close
  together; two of one field weeks apart are seldom one).

Where the reports have names and text beyond the title (full text, a standfirst), the two must
also tell the same kind of happening as closely as two reports of one story do (their "what",
embedding and words, at least the stream's typical cohesion times WHAT_RATIO). A shared name
there says only that the same company or person is involved, and a company's fine does not
continue its takeover bid, nor its data breach a warehouse fire (the storyset's labelled
follow-ups). The weights were fitted on headlines, which carry no such test; a headline alone
says too little of the kind of happening to tell those apart (on the UCI stream its "what"
scores pairs of one topic and of two the same).

A coverage is asked when one of its stories starts or is reviewed, and every COVERAGE_EVERY
reports all active coverages that took reports since are asked again (and at the end of a
batch), since both sides of a pair change as reports come. The later-rooted of two joined
coverages moves into the earlier, so that a thread is named by its first story.

Joined one question at a time, a coverage only grows. So before the clusterer lets stories go
and at the end of a batch, the active coverages are rebuilt from their stories (`regroup`):
agglomerative average linkage by the same probability, from REGROUP_PROBABILITY. These are pure
functions of the active stories; `incremental` calls them and records the links.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from operator import mul
from typing import NamedTuple

import numpy as np

from gazette.cluster.signals import dot, rarity
from gazette.cluster.story import ActiveStory

# The constants were chosen on the even half of the UCI headline stream's gold stories and
# checked on the odd half and on other orders, with the storyset's labelled follow-ups
# (bench/cluster_quality.py, docs/clustering.md "Threads: the coverage level").
# Below this mean cosine over every pair of their reports two coverages are not measured further:
# the join probability was fitted on pairs above it (and the clusterer asks often).
SIMILARITY_FLOOR = 0.3
# The join probability: a logistic regression's weights over `PairSignals.vector` and its bias,
# and the probability from which two coverages are one topic. Fitted on the questions asked on
# the even half of the UCI headline stream's gold stories in orders 0 to 4, the probability
# chosen there by coverage BCubed F1 (`python bench/coverage_weights.py`, 2026-12-07); the odd
# half and orders 10 to 14 are held out.
JOIN_WEIGHTS = (1.715, -0.663, 6.755, 0.554, 0.287, 0.319, -0.34, -0.018, -4.379)
JOIN_BIAS = -2.247
JOIN_PROBABILITY = 0.75
# A key term is shared when half of one side's reports use it and this share of the other's.
KEY_SHARE = 0.1
# Where a report has no salient names, its words at least this rare (8 less the Zipf frequency:
# "titanfall" 5.4, "bitcoin" 3.8, "review" 2.9, "china" 2.9, "us" 2.0) stand in for them.
KEY_RARITY = 2.5
# Where the reports have names, the "what" two coverages must share, as a share of the stream's
# typical cohesion (what two reports of one story score).
WHAT_RATIO = 1.0
# The stories nearest by embedding to a coverage, outside it, whose coverages are compared in
# full (a coverage of many stories is nearest to its own).
COVERAGE_SHORTLIST = 8
# A coverage joined with another is compared again with its neighbours, at most this many times.
COVERAGE_JOINS = 3
# Every this many reports, every active coverage is asked again (see `incremental`).
COVERAGE_EVERY = 32
# A regroup rebuilds the active coverages from their stories (see `regroup`), joining two groups
# of headlines while they are more likely one topic than not. Any probability from 0.3 to 0.55
# gives the same coverage figures on `uci-even` in orders 0 to 4 (bench/cluster_quality.py).
# It was chosen on headlines: where either side has names and text (a standfirst, a lead, a
# body), the bar stays JOIN_PROBABILITY (the real feeds of one day lose 0.009 at this bar, pairs
# of loosely related stories of one outlet, and 0.001 at the join's).
REGROUP_PROBABILITY = 0.5


def key_terms(salient: Iterable[str], words: Iterable[str], language: str) -> frozenset[str]:
    """A report's key terms: its salient names, or where it has none, its rare words."""
    names = frozenset(salient)
    if names:
        return names
    return frozenset(word for word in words if rarity(word, language) >= KEY_RARITY)


class CoverageFigures:
    """What `match` reads of a coverage, computed from its stories in their order: kept by the
    clusterer while none of them changes (`versions`), since a coverage is asked about many
    times between two of its changes. Key terms and names are counted on demand."""

    __slots__ = (
        "_common",
        "_named",
        "_span",
        "_term_counts",
        "size",
        "stories",
        "vector_sum",
        "versions",
    )

    def __init__(self, stories: list[ActiveStory], versions: tuple[int, ...]) -> None:
        self.stories = stories
        self.versions = versions
        self.size = sum(story.size for story in stories)
        self.vector_sum: np.ndarray = sum(
            (story.vector_sum for story in stories), start=np.zeros(1)
        )
        self._term_counts: Counter[str] | None = None
        self._common: list[str] | None = None
        self._named: bool | None = None
        self._span: tuple[datetime, datetime] | None = None

    def span(self) -> tuple[datetime, datetime]:
        """The time of its first report and of its last."""
        if self._span is None:
            self._span = (
                min(s.first_report for s in self.stories if s.first_report is not None),
                max(s.last_report for s in self.stories if s.last_report is not None),
            )
        return self._span

    def term_counts(self) -> Counter[str]:
        if self._term_counts is None:
            self._term_counts = Counter()
            for story in self.stories:
                self._term_counts.update(story_terms(story).terms)
        return self._term_counts

    def common_terms(self) -> list[str]:
        """The key terms that at least half of its reports use, in alphabetical order: those it
        can share with another coverage."""
        if self._common is None:
            needed = max(1, (self.size + 1) // 2)
            self._common = sorted(t for t, n in self.term_counts().items() if n >= needed)
        return self._common

    def named(self) -> bool:
        if self._named is None:
            named = sum(story_terms(story).named for story in self.stories)
            self._named = named * 2 >= self.size
        return self._named


# The figures of the coverages asked about, by root, as a clusterer keeps them.
KnownFigures = dict[int, CoverageFigures]


@dataclass
class Coverage:
    """The active stories of one thread, as one group of reports. Its figures are computed
    once, on demand, or taken from `known` (the clusterer's) if its stories are the same
    stories in the same state as when they were computed there."""

    root: int
    stories: list[ActiveStory] = field(default_factory=list)
    known: KnownFigures | None = field(default=None, repr=False, compare=False)
    _figures: CoverageFigures | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def figures(self) -> CoverageFigures:
        if self._figures is None:
            versions = tuple(story.version for story in self.stories)
            known = self.known.get(self.root) if self.known is not None else None
            if known is None or known.versions != versions:
                known = CoverageFigures(self.stories, versions)
                if self.known is not None:
                    self.known[self.root] = known
            self._figures = known
        return self._figures

    @property
    def size(self) -> int:
        return self.figures.size

    @property
    def vector_sum(self) -> np.ndarray:
        return self.figures.vector_sum

    @property
    def term_counts(self) -> Counter[str]:
        return self.figures.term_counts()

    @property
    def named(self) -> bool:
        """Whether most of its reports have salient names and text beyond their title (a
        standfirst, a lead, a body), rather than a headline alone."""
        return self.figures.named()


@dataclass
class StoryTerms:
    """How many of a story's first `counted` reports use each key term, and have salient names
    and text beyond their title (`Coverage.named`)."""

    counted: int = 0
    terms: Counter[str] = field(default_factory=Counter)
    named: int = 0


def story_terms(story: ActiveStory) -> StoryTerms:
    """The key-term counts of all the story's reports, kept with the story and extended by the
    reports added since they were last asked for (a report's key terms cost a word-frequency
    look-up per word)."""
    tally = story.tallies.get("key_terms")
    if not isinstance(tally, StoryTerms):
        tally = story.tallies["key_terms"] = StoryTerms()
    for member in story.members[tally.counted :]:
        profile = member.profile
        tally.terms.update(key_terms(profile.salient, profile.words, member.language))
        tally.named += bool(profile.salient) and profile.has_text
    tally.counted = story.size
    return tally


@dataclass(frozen=True)
class CoverageMatch:
    """How well a story fits a coverage, and why."""

    root: int
    similarity: float
    shared: tuple[str, ...]
    what: float = 1.0
    what_needed: float = 0.0
    # One side is a lone headline that reads like the other's reports (see `match`).
    lone: bool = False
    # The signals of the pair (`PairSignals`), None where the similarity is below the floor,
    # and how likely the two are one developing topic by them (0 below the floor).
    signals: PairSignals | None = None
    probability: float = 0.0
    # The probability from which the two are one topic: a join's, or a regroup's.
    needed: float = JOIN_PROBABILITY

    @property
    def linked(self) -> bool:
        return self.probability >= self.needed and self.what >= self.what_needed

    def describe(self) -> str:
        shared = ", ".join(self.shared) or ("none; a lone headline" if self.lone else "none")
        what = f", what {self.what:.2f} (needed {self.what_needed:.2f})" if self.what_needed else ""
        return (
            f"one topic with probability {self.probability:.2f} (needed {self.needed:.2f}):"
            f" coverage similarity {self.similarity:.2f}{what}; shared key terms: {shared}"
        )


class PairSignals(NamedTuple):
    """What `match` measures of two coverages, the inputs of the join probability (a tuple:
    one is made for every question over the floor)."""

    similarity: float
    typical: float
    closest: float
    shared: int
    lone: bool
    sizes: tuple[int, int]
    gap_hours: float

    def vector(self) -> tuple[float, ...]:
        """The signals as the numbers `JOIN_WEIGHTS` weigh, in the order of `SIGNAL_NAMES`."""
        small, large = sorted(self.sizes)
        return (
            self.similarity,
            self.similarity - self.typical if self.typical > 0.0 else 0.0,
            self.closest,
            float(self.shared > 0),
            float(min(self.shared, 3)),
            float(self.lone),
            math.log(small),
            math.log(large),
            math.log1p(self.gap_hours / 24.0),
        )

    def probability(self) -> float:
        """The logistic regression's probability that the two are one topic (`JOIN_WEIGHTS`)."""
        score = JOIN_BIAS + sum(map(mul, JOIN_WEIGHTS, self.vector()))
        return 1.0 / (1.0 + math.exp(-score))


SIGNAL_NAMES = (
    "similarity",
    "similarity above typical",
    "closest stories",
    "shares a key term",
    "shared key terms (to 3)",
    "lone headline",
    "log smaller size",
    "log larger size",
    "log1p gap days",
)


def match(
    mine: Coverage, other: Coverage, typical: float = 0.0, needed: float = JOIN_PROBABILITY
) -> CoverageMatch:
    """How well coverage `mine` fits `other`: the probability that they are one topic (linked
    from `needed`: JOIN_PROBABILITY for a join, REGROUP_PROBABILITY for a regroup), from
    their mean cosine over every pair of reports, their closest pair of stories, the key terms
    that half of one's reports and KEY_SHARE of the other's use, whether one is a lone headline,
    their sizes and the time between them (`PairSignals`, `JOIN_WEIGHTS`); and where `mine`'s
    reports have names and text, their "what" against WHAT_RATIO times `typical` (the stream's
    typical cohesion). A pair below SIMILARITY_FLOOR is not measured further (the clusterer
    asks often, and the weights were fitted on pairs above it)."""
    figures, other_figures = mine.figures, other.figures
    size, other_size = figures.size, other_figures.size
    pairs = size * other_size
    similarity = float(figures.vector_sum @ other_figures.vector_sum) / pairs
    if similarity < SIMILARITY_FLOOR:
        return CoverageMatch(other.root, similarity, (), needed=needed)
    shared = shared_terms(figures, other_figures)
    lone = (
        0.0 < typical <= similarity
        and (_lone_headline(mine) or _lone_headline(other))
        and all(story.latin for story in mine.stories + other.stories)
    )
    if len(mine.stories) == 1 and len(other.stories) == 1:
        closest = similarity  # most questions: two stories alone
    else:
        closest = max(
            float(a.vector_sum @ b.vector_sum) / (a.size * b.size)
            for a in mine.stories
            for b in other.stories
        )
    (first, last), (other_first, other_last) = figures.span(), other_figures.span()
    gap = max((other_first - last).total_seconds(), (first - other_last).total_seconds(), 0.0)
    signals = PairSignals(
        similarity, typical, closest, len(shared), lone, (size, other_size), gap / 3600.0
    )
    probability = signals.probability()
    what, what_needed = 1.0, 0.0
    if figures.named() and probability >= needed:
        # The words' part of "what", story by story: no coverage-wide sum of words is built.
        words = sum(dot(a.word_sum, b.word_sum) for a in mine.stories for b in other.stories)
        what, what_needed = 0.5 * similarity + 0.5 * words / pairs, WHAT_RATIO * typical
    shown = tuple(shared[:5])
    return CoverageMatch(
        other.root, similarity, shown, what, what_needed, lone, signals, probability, needed
    )


def shared_terms(figures: CoverageFigures, other: CoverageFigures) -> list[str]:
    """The key terms that half of one side's reports use and KEY_SHARE of the other's, in
    alphabetical order. Either side may hold the half: a broad coverage (a crisis with its gas
    supplies, its markets and its diplomacy) names its topic in fewer than half of its reports,
    and a narrow one within it (the gas supplies) in all of them."""
    mine, theirs = figures.term_counts(), other.term_counts()
    found = {term for term in figures.common_terms() if theirs[term] >= KEY_SHARE * other.size}
    found.update(term for term in other.common_terms() if mine[term] >= KEY_SHARE * figures.size)
    return sorted(found)


def _lone_headline(coverage: Coverage) -> bool:
    """Whether the coverage is one report with no text beyond its title: a few words, which
    often name nothing of its topic ("Elephants can tell who is a threat"), so that it can share
    no key term with the topic's other reports however closely it reads like them."""
    if coverage.size != 1:
        return False
    return not coverage.stories[0].members[0].profile.has_text


def best_coverage(
    mine: Coverage, others: Iterable[Coverage], typical: float = 0.0
) -> CoverageMatch | None:
    """The coverage of `others` that `mine` fits best among those it links to, if any."""
    found = [m for m in (match(mine, other, typical) for other in others) if m.linked]
    return max(found, key=lambda m: m.similarity, default=None)


def coverages_of(
    stories: Iterable[ActiveStory], known: KnownFigures | None = None
) -> dict[int, Coverage]:
    """The coverages of the active `stories`, by the story that started each (its root), their
    figures taken from `known` where their stories have not changed since (see `Coverage`)."""
    grouped: dict[int, list[ActiveStory]] = {}
    for story in stories:
        root = story.thread or story.story_id
        if root in grouped:
            grouped[root].append(story)
        else:
            grouped[root] = [story]
    return {root: Coverage(root, members, known) for root, members in grouped.items()}


def regroup(units: list[Coverage], typical: float = 0.0) -> list[list[int]]:
    """The active coverages rebuilt from `units` (groups of stories that stay together: a
    story with the stories that continue it) by agglomerative average linkage: the two groups
    most likely one topic (`match`, from REGROUP_PROBABILITY) are joined, again and again,
    until no two are. Returns the groups as lists of indices into `units`.

    Joined one question at a time, a coverage can only grow: two topics of one field that a
    shared word once joined ("bankruptcy": two companies' filings) stay joined however their
    stories grow apart after. Rebuilt from its stories, a coverage is what the stories now say.
    Units that the embedding cannot measure (stories in a script the model does not read)
    stay as they are."""
    measured = [index for index, unit in enumerate(units) if any(s.latin for s in unit.stories)]
    groups = {index: [index] for index in range(len(units))}
    if len(measured) < 2:
        return list(groups.values())
    current = {index: units[index] for index in measured}
    sums = np.stack([units[index].vector_sum for index in measured])
    sizes = np.array([units[index].size for index in measured], dtype=float)
    row_of = {index: row for row, index in enumerate(measured)}
    alive = np.ones(len(measured), dtype=bool)
    changes = dict.fromkeys(measured, 0)
    # The pairs that are one topic, most likely first, each with the state of its two sides.
    heap: list[tuple[float, int, int, int, int]] = []

    def consider(index: int, other: int) -> None:
        """Put the pair on the heap if it is one topic. The "what" test reads the side that
        asks, and a join is asked by either side in turn (a new story, then its coverage at
        each review): a side without names asks first, so that the test holds where both sides
        have names, as it does for joins. Where either side has names and text, the bar is the
        join's (see REGROUP_PROBABILITY)."""
        if current[index].stories[0].language != current[other].stories[0].language:
            return  # a coverage never mixes languages, as a story never does
        mine, theirs = sorted((current[index], current[other]), key=lambda c: c.named)
        needed = JOIN_PROBABILITY if theirs.named else REGROUP_PROBABILITY
        found = match(mine, theirs, typical, needed)
        if found.linked:
            heapq.heappush(heap, (-found.probability, index, other, changes[index], changes[other]))

    means = (sums @ sums.T) / np.outer(sizes, sizes)
    for row, other_row in zip(*np.nonzero(np.triu(means >= SIMILARITY_FLOOR, k=1)), strict=True):
        consider(measured[row], measured[other_row])
    while heap:
        _, one, other, one_changes, other_changes = heapq.heappop(heap)
        if (one_changes, other_changes) != (changes.get(one), changes.get(other)):
            continue  # one side has changed (or gone) since the pair was asked about
        first, second = sorted((one, other))
        kept, taken = current[first], current.pop(second)
        current[first] = Coverage(min(kept.root, taken.root), kept.stories + taken.stories)
        groups[first] += groups.pop(second)
        row, gone = row_of[first], row_of[second]
        sums[row] += sums[gone]
        sizes[row] += sizes[gone]
        alive[gone] = False
        del changes[second]
        changes[first] += 1
        means = sums @ sums[row] / (sizes * sizes[row])
        for other_row in np.flatnonzero(alive & (means >= SIMILARITY_FLOOR)):
            if other_row != row:
                consider(first, measured[other_row])
    return list(groups.values())
