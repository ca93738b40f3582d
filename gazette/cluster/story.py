"""An active story as the clusterer holds it: its reports and the running sums that score them.

A story keeps the sum of its reports' embeddings and lexical profiles, and the squared length of
each sum, so that how well a report fits it (average linkage over its reports) and how well its
own reports fit together (its cohesion) cost one dot product each, however many reports it has.
`two_events` asks whether its reports are in fact two events (see `communities`).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np

from gazette.cluster.communities import Bipartition, share_across, split_in_two
from gazette.cluster.evidence import Evidence, Remaining, conflict_share, weigh
from gazette.cluster.signals import Profile, add_into, dense_rows, dot, weighted_within

# A story whose reports fall into two groups with hardly any nearest neighbours in common, and few
# names, holds two events (see `communities`). Each report's SPLIT_NEIGHBOURS nearest count, and
# the groups must share less than SPLIT_SEPARATION of what they share within. Asked from
# SPLIT_FROM reports, where two groups can each hold a report and all its neighbours (smaller
# neighbourhoods cut single events apart on the storyset), up to SPLIT_UP_TO (it costs a pass over
# every pair of reports). A group of fewer than SPLIT_MIN_PART is not an event: outliers leave one
# by one.
SPLIT_NEIGHBOURS = 5
SPLIT_SEPARATION = 0.25
SPLIT_FROM = 2 * (SPLIT_NEIGHBOURS + 1)
SPLIT_UP_TO = 96
SPLIT_MIN_PART = 3
# Two reports are as close, for the split, as their embeddings and their names in equal parts.
SPLIT_NAMES_WEIGHT = 0.5
# Two events have participants of their own (the other challenger, the other player arrested):
# across the cut, the names the story's reports use (weighted within it) must match less than
# this share of how they match inside each group. On ECB+, the cuts of two events of one kind
# share a fifth (median 0.20), while one event reported in two stages on one day (an actress at
# one clinic, then at another) keeps its names on both sides (median 0.36), however far apart
# its reports' neighbourhoods fall; so does one event told in two ways by two sets of outlets.
SPLIT_NAMES_SHARED = 0.3

# Every change to any story takes the next number: see `ActiveStory.version`.
_versions = itertools.count()


@dataclass
class Member:
    item_id: str
    vector: np.ndarray
    profile: Profile
    published: datetime
    language: str = "en"
    # Placed by an editor: the clusterer never moves it out of its story (gazette/regroup.py).
    pinned: bool = False


@dataclass
class ActiveStory:
    story_id: int
    members: list[Member] = field(default_factory=list)
    # The language of its first report: a story never mixes languages (see gazette.language).
    language: str | None = None
    # Whether its first report is in the Latin alphabet, which the embedding model reads.
    latin: bool = True
    # The first story of the thread this story continues, if it continues one.
    thread: int | None = None
    vector_sum: np.ndarray | None = None
    word_sum: dict[str, float] = field(default_factory=dict)
    name_sum: dict[str, float] = field(default_factory=dict)
    vocabulary: Counter[str] = field(default_factory=Counter)
    salient: Counter[str] = field(default_factory=Counter)
    first_report: datetime | None = None
    last_report: datetime | None = None
    # |sum|^2 of the embedding, word and name sums, and how many reports have words and names.
    squares: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    with_words: int = 0
    with_names: int = 0
    # How many of its reports an editor placed (`Member.pinned`).
    pinned: int = 0
    # Cohesion and core names of the whole story, computed on demand and forgotten on `add`.
    _cached: dict[str, object] = field(default_factory=dict, repr=False)
    # Counts over its reports that other modules keep (see `coverage.story_terms`): `add` only
    # appends a report, so such a count is extended from the reports it has not yet counted
    # rather than forgotten; a story rebuilt from reports is a new object with none.
    tallies: dict[str, object] = field(default_factory=dict, repr=False)
    # A number no other state of any story has had: what is computed from a story's reports
    # (its coverage's figures, see `coverage`) can be kept as long as it stays the same.
    version: int = field(default_factory=_versions.__next__, repr=False)

    @property
    def size(self) -> int:
        return len(self.members)

    def add(self, member: Member) -> None:
        """Add a report, keeping |sum|^2 current: |S + v|^2 = |S|^2 + 2 v.S + |v|^2."""
        profile = member.profile
        if not self.members:
            self.language, self.latin = member.language, profile.latin
        if self.vector_sum is None:
            self.vector_sum = member.vector.copy()
            self.squares = list(_own(profile))
        else:
            linked, own = self._links(member.vector, profile), _own(profile)
            for k in range(3):
                self.squares[k] += 2 * linked[k] + own[k]
            self.vector_sum = self.vector_sum + member.vector
        self._cached.clear()  # after `_links`, which may hand back what scoring the report found
        self.version = next(_versions)
        self.with_words += bool(profile.words)
        self.with_names += bool(profile.names)
        self.pinned += member.pinned
        self.members.append(member)
        add_into(self.word_sum, member.profile.words)
        add_into(self.name_sum, member.profile.names)
        self.vocabulary.update(member.profile.vocabulary)
        self.salient.update(member.profile.salient)
        self.first_report = min(self.first_report or member.published, member.published)
        self.last_report = max(self.last_report or member.published, member.published)

    @classmethod
    def of(cls, story_id: int, members: list[Member], thread: int | None = None) -> ActiveStory:
        story = cls(story_id, thread=thread)
        for member in members:
            story.add(member)
        return story

    def cohesion(self, without: Member | None = None) -> float | None:
        """The mean score between two of the story's reports (None for a single report),
        optionally leaving one member out.

        With unit vectors the sum of pairwise dot products is |sum|^2 - n, and leaving out v
        turns |sum|^2 into |sum|^2 - 2 v.sum + |v|^2: no pass over the members is needed.
        """
        if without is None:
            if "cohesion" not in self._cached:
                self._cached["cohesion"] = self._cohesion(None)
            return self._cached["cohesion"]  # type: ignore[return-value]
        return self._cohesion(without)

    def _cohesion(self, without: Member | None) -> float | None:
        n = self.size - (without is not None)
        if n < 2:
            return None
        squares = list(self.squares)
        counts = [float(self.size), float(self.with_words), float(self.with_names)]
        if without is not None:
            own = _own(without.profile)
            linked = self._links(without.vector, without.profile)
            for k in range(3):
                squares[k] = squares[k] - 2 * linked[k] + own[k]
                counts[k] -= own[k]
        # Each report adds its own |v|^2 (1, or 0 for an empty profile) to |sum|^2.
        pairs = n * (n - 1)
        embedding, words, names = [(squares[k] - counts[k]) / pairs for k in range(3)]
        return self._evidence(embedding, words, names, 0.0, [], bool(self.name_sum)).score

    def _evidence(
        self,
        embedding: float,
        words: float,
        names: float,
        conflict: float,
        shared: list[str],
        has_names: bool,
        common_names: int = 0,
    ) -> Evidence:
        """`evidence.weigh`, without the embedding where the model does not read the script."""
        if not self.latin:
            embedding = words
        return weigh(embedding, words, names, conflict, shared, has_names, common_names)

    def core_names(self, without: Member | None = None) -> set[str]:
        """Salient names that at least half of the story's reports share (less `without`)."""
        if without is None:
            if "core" not in self._cached:
                self._cached["core"] = set(self._used_by_half(self.size))
            return self._cached["core"]  # type: ignore[return-value]
        # Asked for every member in turn (is it an outlier?): only names that half of the other
        # reports use, counting the member's own use, can be core names of the rest.
        if "core_candidates" not in self._cached:
            self._cached["core_candidates"] = self._used_by_half(self.size - 1)
        candidates: dict[str, int] = self._cached["core_candidates"]  # type: ignore[assignment]
        own, needed = without.profile.salient, _half(self.size - 1)
        return {name for name, count in candidates.items() if count - (name in own) >= needed}

    def _used_by_half(self, reports: int) -> dict[str, int]:
        """The salient names used by at least half of `reports` reports, with their counts."""
        needed = _half(reports)
        return {name: count for name, count in self.salient.items() if count >= needed}

    def evidence(
        self, vector: np.ndarray, profile: Profile, without: Member | None = None
    ) -> Evidence:
        """How well one report fits this story; `without` leaves that member out of the story
        (to ask whether a member still fits the rest)."""
        n = self.size
        own = (0.0, 0.0, 0.0)
        vocabulary_counts = self.vocabulary
        if without is not None:
            n -= 1
            own = _own(profile)
            vocabulary_counts = Remaining(self.vocabulary, without.profile.vocabulary)
        linked = self._links(vector, profile)
        embedding = (linked[0] - own[0]) / n
        words = (linked[1] - own[1]) / n
        names = (linked[2] - own[2]) / n
        conflict = conflict_share(
            profile.salient, vocabulary_counts, self.core_names(without), profile.vocabulary
        )
        shared = sorted(
            profile.salient & self.salient.keys(), key=lambda name: -self.salient[name]
        )[:5]
        has_names = bool(profile.names) and bool(self.name_sum)
        if without is None:
            common = len(profile.names.keys() & self.name_sum.keys())
        else:  # names the other reports use: more in the sum than the member's own weight
            own = without.profile.names
            common = sum(1 for n in profile.names if self.name_sum.get(n, 0.0) > own[n] + 1e-9)
        return self._evidence(embedding, words, names, conflict, shared, has_names, common)

    def _links(self, vector: np.ndarray, profile: Profile) -> tuple[float, float, float]:
        """The dot products of a report's embedding, words and names with the story's sums.
        The last report's are remembered until the story changes: joining a story uses the
        products that scoring the report against it computed, and so does the cohesion of the
        rest when a member is asked whether it still fits."""
        known = self._cached.get("links")
        if known is not None and known[0] is profile and known[1] is vector:  # type: ignore[index]
            return known[2]  # type: ignore[index]
        linked = (
            float(vector @ self.vector_sum),
            dot(profile.words, self.word_sum),
            dot(profile.names, self.name_sum),
        )
        self._cached["links"] = (profile, vector, linked)
        return linked

    def evidence_against(self, other: ActiveStory) -> Evidence:
        """How well two stories fit together: average linkage over all pairs of reports."""
        pairs = self.size * other.size
        embedding = float(self.vector_sum @ other.vector_sum) / pairs
        words = dot(self.word_sum, other.word_sum) / pairs
        names = dot(self.name_sum, other.name_sum) / pairs
        mine, theirs = self.core_names(), other.core_names()
        conflict = conflict_share(mine, other.vocabulary, theirs, self.vocabulary)
        has_names = bool(self.name_sum) and bool(other.name_sum)
        shared = sorted(mine & theirs)[:5]
        common = len(self.name_sum.keys() & other.name_sum.keys())
        return self._evidence(embedding, words, names, conflict, shared, has_names, common)


def _half(reports: int) -> int:
    """At least half of `reports`, and at least one."""
    return max(1, (reports + 1) // 2)


def _own(profile: Profile) -> tuple[float, float, float]:
    """What a report adds to |sum|^2 by itself: |v|^2 of its unit embedding and profiles (0 for
    an empty profile)."""
    return (1.0, float(bool(profile.words)), float(bool(profile.names)))


def two_events(members: list[Member], latin: bool) -> Bipartition | None:
    """The two events `members` hold, if they fall into two groups that share few nearest
    neighbours, by the similarity of every pair of reports: their embeddings ("what": their words
    where the model cannot read the script) and their names ("who") in equal parts, and that
    share few names (SPLIT_NAMES_SHARED; where no two reports share a name, the neighbours
    decide alone). Names are weighted by how few of these reports use them
    (`signals.weighted_within`): the company or the champion that every report names cannot tell
    two groups of them apart."""
    if not SPLIT_FROM <= len(members) <= SPLIT_UP_TO:
        return None
    similarity, names_similarity = split_similarity(members, latin)
    parts = split_in_two(similarity, SPLIT_NEIGHBOURS, SPLIT_MIN_PART)
    if parts is None or parts.separation >= SPLIT_SEPARATION:
        return None
    names_shared = share_across(names_similarity, parts.first, parts.second)
    if names_shared is not None and names_shared >= SPLIT_NAMES_SHARED:
        return None
    return replace(parts, names_shared=names_shared)


def events_in(
    members: list[Member],
    latin: bool,
    split: Callable[[list[Member], bool], Bipartition | None] = two_events,
) -> list[list[int]]:
    """The events `members` fall into: `split` (`two_events`, or a memory of its answers) asked
    again of each part until no part splits. Each event is a list of positions in `members`, in
    their order; one event when the reports do not split (or are too few for the question)."""
    pending, events = [list(range(len(members)))], []
    while pending:
        group = pending.pop()
        parts = split([members[i] for i in group], latin)
        if parts is None:
            events.append(group)
        else:
            pending += [[group[i] for i in parts.first], [group[i] for i in parts.second]]
    return sorted(events)


def split_similarity(members: list[Member], latin: bool) -> tuple[np.ndarray, np.ndarray]:
    """The similarity of every pair of `members` that `two_events` cuts by (embeddings, or words
    where the model cannot read the script, and names weighted within the story, SPLIT_NAMES_WEIGHT
    of it), and the names' part alone."""
    names = weighted_within(dense_rows([member.profile.names for member in members]))
    if latin:
        vectors = np.stack([member.vector for member in members])
    else:
        vectors = dense_rows([member.profile.words for member in members])
    names_similarity = names @ names.T
    similarity = (1 - SPLIT_NAMES_WEIGHT) * (vectors @ vectors.T) + (
        SPLIT_NAMES_WEIGHT * names_similarity
    )
    return similarity, names_similarity
