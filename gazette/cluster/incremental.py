"""Incremental story clustering: each article joins the most similar active story, or starts one.

Articles arrive in publication order. A story is a candidate for an article only while it is
active: its reports span a time within `window` of the article. This keeps the work per article
flat however large the archive grows.

The score of an article against a story is average linkage over its reports, from these signals
(see `signals` for why each is there): the mean cosine of its embedding to the story's reports,
of its word profile and of its name profile (each the dot product with the story's running sum,
divided by the size), and `conflict`, the share of salient names one side has and the other
never uses. One event needs both the same happening and the same participants, so

    what = 0.5 * embedding + 0.5 * words;   who = names (what, when a side has no names)
    score = sqrt(what * who) - 0.2 * conflict

and past TIME_GRACE_HOURS after the story's last report the score shrinks (see `later_by`).
Only the `SHORTLIST` stories closest by embedding (`table.StoryTable`) are scored in full. An
article joins the best of them if its score, and its "what" alone, reach `threshold` times what
the story's own reports score between themselves (its cohesion), drawn towards the stream's
typical cohesion while the story is small: long articles and headlines score on different
scales, a ratio does not.

Decisions can be revised as evidence arrives. When a story reaches one of REVIEW_SIZES:
- it is compared with the other active stories, and two that now score as one event merge (the
  younger story into the older, whose id survives), unless together they fall into two events;
- a story whose reports fall into two events (two groups with hardly any nearest neighbours in
  common, see `communities`) is split in two; this is also asked at every report of a story of
  SPLIT_FROM to SPLIT_EVERY_UP_TO reports;
- at DEPARTURE_SIZES (from four reports on), a report that no longer fits the rest leaves it
  and starts a story of its own.

Threads link separate stories of one ongoing subject ("recall widened a day later"). A new story
continues the active story that started before it and fits it best, if that one scores at least
THREAD_RATIO times the stream's typical cohesion (below the bar of one event, or the two would
have been one story), its "what" alone too (the same kind of happening: a company's fine does not
continue its takeover bid), and shares a core name with it. The thread is named by its first
story. A story without a thread is asked again at its reviews, as its picture fills in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Container
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import numpy as np

from gazette.cluster.communities import Bipartition, split_in_two
from gazette.cluster.signals import Profile, add_into, dot, sparse_rows
from gazette.cluster.table import StoryTable
from gazette.records import Assignment, ClusterItem

EMBEDDING_WEIGHT = 0.5
WORDS_WEIGHT = 0.5
NAMES_WEIGHT = 0.5
CONFLICT_WEIGHT = 0.2
SHORTLIST = 4
MERGE_SHORTLIST = 4
# The bundled embedding model (all-MiniLM-L6-v2) reads English word pieces: between two texts in
# another script (Devanagari, Arabic, Cyrillic...) its cosine is high whatever they say. Stories
# in such scripts are compared by their words and names alone, and the shortlist by embedding is
# widened for them. Other languages in the Latin alphabet share enough names and word pieces.
WIDE_SHORTLIST = 16
# Two stories merge when they score this much above the join ratio: merging is undone by no
# later step, so it asks for more than joining does.
MERGE_MARGIN = 0.1
# A report leaves its story when it scores this much below the join ratio against the rest.
LEAVE_MARGIN = 0.25
# What two reports of one event score between themselves, until the stream has shown its own:
# the median over stories of at least TYPICAL_FROM_SIZE reports, once there are TYPICAL_FROM.
PRIOR_COHESION = 0.5
TYPICAL_FROM = 5
TYPICAL_FROM_SIZE = 3
# A story is reviewed (merge with another? outliers to release?) when it reaches these sizes:
# often while it is young and its picture changes, rarely later, so the cost stays small.
REVIEW_SIZES = frozenset({2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256})
# Outliers are looked for at fewer of them: it costs a comparison per report.
DEPARTURE_SIZES = frozenset({4, 8, 16, 32, 64, 128, 256})
# A story whose reports fall into two groups with hardly any nearest neighbours in common holds
# two events, and is split (see `communities`). Each report's SPLIT_NEIGHBOURS nearest count, and
# the groups must share less than SPLIT_SEPARATION of what they share within. Looked for from
# SPLIT_FROM reports, where two groups can each hold a report and all its neighbours (smaller
# neighbourhoods cut single events apart on the storyset): at every new report up to
# SPLIT_EVERY_UP_TO, while a second event is young and the story still gathers its reports, then
# at review sizes up to SPLIT_UP_TO (it costs a pass over every pair of reports). A group of
# fewer than SPLIT_MIN_PART is not an event: outliers leave one by one (LEAVE_MARGIN).
SPLIT_NEIGHBOURS = 5
SPLIT_SEPARATION = 0.25
SPLIT_FROM = 2 * (SPLIT_NEIGHBOURS + 1)
SPLIT_EVERY_UP_TO = 24
SPLIT_UP_TO = 96
SPLIT_MIN_PART = 3
# No article joins a story below this score, however loose the story.
MIN_SCORE = 0.12
# A story continues an earlier one (same thread) from this share of the typical cohesion.
THREAD_RATIO = 0.6
# Every this many articles, stories that no later decision can involve are let go, so that memory
# and the work per article stay flat however long the stream runs (see `forget_before`).
FORGET_EVERY = 256
# Reports of one event come in a burst; one that arrives long after a story's last report is
# more likely a follow-up. Past the grace, a score loses up to TIME_WEIGHT of itself over the
# decay, so a report a day late still joins when its evidence is strong.
TIME_GRACE_HOURS = 6.0
TIME_DECAY_HOURS = 24.0
TIME_WEIGHT = 0.7


@dataclass
class Member:
    item_id: str
    vector: np.ndarray
    profile: Profile
    published: datetime
    language: str = "en"


@dataclass
class Evidence:
    """Why an article and a story are (or are not) one event."""

    score: float
    embedding: float
    words: float
    names: float
    conflict: float
    shared_names: list[str]
    what: float = 0.0  # the "same happening" part: embedding and words
    hours_late: float = 0.0

    def describe(self) -> str:
        shared = ", ".join(self.shared_names) or "none"
        late = f"; {self.hours_late:.0f} h after its last report" if self.hours_late else ""
        return (
            f"score {self.score:.2f}: similarity {self.embedding:.2f}, words {self.words:.2f}, "
            f"names {self.names:.2f}, conflict {self.conflict:.2f}; shared names: {shared}{late}"
        )

    @property
    def fit(self) -> float:
        """What is held against a bar to join or merge: the score, but never more than its "what"
        part alone. The geometric mean lets strong names make up for a weak "what"; on headlines
        one shared name ("Trump", "Colombia") is a full names match, and would otherwise carry
        a report about another happening into the story."""
        return min(self.score, self.what)

    def later_by(self, hours: float) -> Evidence:
        """The evidence for a report `hours` after the story's last one (see TIME_WEIGHT)."""
        if hours <= TIME_GRACE_HOURS:
            return self
        late = min(1.0, (hours - TIME_GRACE_HOURS) / TIME_DECAY_HOURS)
        score = self.score * (1.0 - TIME_WEIGHT * late) if self.score > 0 else self.score
        return replace(self, score=score, hours_late=hours)


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
    # Cohesion and core names of the whole story, computed on demand and forgotten on `add`.
    _cached: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def size(self) -> int:
        return len(self.members)

    def add(self, member: Member) -> None:
        """Add a report, keeping |sum|^2 current: |S + v|^2 = |S|^2 + 2 v.S + |v|^2."""
        profile = member.profile
        self._cached.clear()
        if not self.members:
            self.language, self.latin = member.language, profile.latin
        if self.vector_sum is None:
            self.vector_sum = member.vector.copy()
            self.squares = [1.0, 0.0, 0.0]
        else:
            self.squares[0] += 2 * float(member.vector @ self.vector_sum) + 1.0
            self.vector_sum = self.vector_sum + member.vector
        self.squares[1] += 2 * dot(profile.words, self.word_sum) + bool(profile.words)
        self.squares[2] += 2 * dot(profile.names, self.name_sum) + bool(profile.names)
        self.with_words += bool(profile.words)
        self.with_names += bool(profile.names)
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

    def rebuilt_without(self, item_id: str) -> ActiveStory:
        rest = [member for member in self.members if member.item_id != item_id]
        return ActiveStory.of(self.story_id, rest, self.thread)

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
            own = [1.0, float(bool(without.profile.words)), float(bool(without.profile.names))]
            linked = (
                float(without.vector @ self.vector_sum),
                dot(without.profile.words, self.word_sum),
                dot(without.profile.names, self.name_sum),
            )
            squares = [sq - 2 * link + o for sq, link, o in zip(squares, linked, own, strict=True)]
            counts = [c - o for c, o in zip(counts, own, strict=True)]
        # Each report adds its own |v|^2 (1, or 0 for an empty profile) to |sum|^2.
        pairs = n * (n - 1)
        embedding, words, names = ((sq - c) / pairs for sq, c in zip(squares, counts, strict=True))
        return self._evidence(embedding, words, names, 0.0, [], bool(self.name_sum)).score

    def _evidence(
        self,
        embedding: float,
        words: float,
        names: float,
        conflict: float,
        shared: list[str],
        has_names: bool,
    ) -> Evidence:
        """`_evidence`, without the embedding where the model does not read the script."""
        if not self.latin:
            embedding = words
        return _evidence(embedding, words, names, conflict, shared, has_names)

    def core_names(self, without: Member | None = None) -> set[str]:
        """Salient names that at least half of the story's reports share."""
        if without is None:
            if "core" not in self._cached:
                self._cached["core"] = self._core_names(None)
            return self._cached["core"]  # type: ignore[return-value]
        return self._core_names(without)

    def _core_names(self, without: Member | None) -> set[str]:
        own = without.profile.salient if without is not None else frozenset()
        needed = max(1, (self.size - (without is not None) + 1) // 2)
        return {name for name, count in self.salient.items() if count - (name in own) >= needed}

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
            own = (1.0, float(bool(profile.words)), float(bool(profile.names)))
            vocabulary_counts = _Remaining(self.vocabulary, without.profile.vocabulary)
        embedding = (float(vector @ self.vector_sum) - own[0]) / n
        words = (dot(profile.words, self.word_sum) - own[1]) / n
        names = (dot(profile.names, self.name_sum) - own[2]) / n
        conflict = _conflict(
            profile.salient, vocabulary_counts, self.core_names(without), profile.vocabulary
        )
        shared = sorted(
            profile.salient & self.salient.keys(), key=lambda name: -self.salient[name]
        )[:5]
        has_names = bool(profile.names) and bool(self.name_sum)
        return self._evidence(embedding, words, names, conflict, shared, has_names)

    def evidence_against(self, other: ActiveStory) -> Evidence:
        """How well two stories fit together: average linkage over all pairs of reports."""
        pairs = self.size * other.size
        embedding = float(self.vector_sum @ other.vector_sum) / pairs
        words = dot(self.word_sum, other.word_sum) / pairs
        names = dot(self.name_sum, other.name_sum) / pairs
        mine, theirs = self.core_names(), other.core_names()
        conflict = _conflict(mine, other.vocabulary, theirs, self.vocabulary)
        has_names = bool(self.name_sum) and bool(other.name_sum)
        shared = sorted(mine & theirs)[:5]
        return self._evidence(embedding, words, names, conflict, shared, has_names)


def _two_events(members: list[Member], latin: bool) -> Bipartition | None:
    """The two events `members` hold, if they fall into two groups that share few nearest
    neighbours, by the similarity of every pair of reports: their embeddings ("what": their words
    where the model cannot read the script) and their names ("who") in equal parts."""
    if not SPLIT_FROM <= len(members) <= SPLIT_UP_TO:
        return None
    names = sparse_rows([member.profile.names for member in members])
    if latin:
        vectors = np.stack([member.vector for member in members])
        what = vectors @ vectors.T
    else:
        words = sparse_rows([member.profile.words for member in members])
        what = (words @ words.T).toarray()
    similarity = (1 - NAMES_WEIGHT) * what + NAMES_WEIGHT * (names @ names.T).toarray()
    parts = split_in_two(similarity, SPLIT_NEIGHBOURS, SPLIT_MIN_PART)
    return parts if parts is not None and parts.separation < SPLIT_SEPARATION else None


def _hours(moment: datetime, story: ActiveStory) -> float:
    """How long after the story's last report `moment` is (0 if not after it)."""
    return max(0.0, (moment - story.last_report).total_seconds() / 3600)


def _hours_between(one: ActiveStory, other: ActiveStory) -> float:
    """The gap between the time spans of two stories' reports (0 when they overlap)."""
    return max(_hours(one.first_report, other), _hours(other.first_report, one))


class _Remaining:
    """Words of a story's vocabulary that remain when one report's words are taken out."""

    def __init__(self, counts: Counter[str], removed: Container[str]) -> None:
        self.counts, self.removed = counts, removed

    def __contains__(self, word: object) -> bool:
        return self.counts.get(word, 0) > (word in self.removed)


def _conflict(
    names_a: Collection[str],
    vocabulary_b: Container[str],
    names_b: Collection[str],
    vocabulary_a: Container[str],
) -> float:
    """The share of each side's salient names that the other side never uses, averaged over the
    sides that have any."""
    shares = [
        sum(1 for name in names if name not in vocabulary) / len(names)
        for names, vocabulary in ((names_a, vocabulary_b), (names_b, vocabulary_a))
        if names
    ]
    return sum(shares) / len(shares) if shares else 0.0


def _evidence(
    embedding: float,
    words: float,
    names: float,
    conflict: float,
    shared: list[str],
    has_names: bool = True,
) -> Evidence:
    """One event needs both the same happening (embedding and words: "what") and the same
    participants (names: "who"): a geometric mean, so that neither makes up for the other.
    Without names on one side, "what" decides alone."""
    what = max(EMBEDDING_WEIGHT * embedding + WORDS_WEIGHT * words, 0.0)
    who = max(names, 0.0) if has_names else what
    score = what ** (1 - NAMES_WEIGHT) * who**NAMES_WEIGHT - CONFLICT_WEIGHT * conflict
    return Evidence(score, embedding, words, names, conflict, shared, what)


@dataclass(frozen=True)
class Merge:
    """Story `absorbed` turned out to be the same event as `survivor` and was folded into it."""

    absorbed: int
    survivor: int
    reason: str


@dataclass(frozen=True)
class ThreadLink:
    """Story `story` continues the thread that story `root` started (None: no thread now)."""

    story: int
    root: int | None
    reason: str


@dataclass(frozen=True)
class Departure:
    """A report that no longer fitted its story and moved to a new one."""

    item_id: str
    old_story: int
    new_story: int
    reason: str


class IncrementalClusterer:
    """Assigns items to stories one at a time; `new_story_id` names each story it starts.

    `merges` and `departures` record every revision of earlier decisions, in order, so that
    whoever stores the stories can follow them; `threads` every story found to continue another.
    """

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
        self.table = StoryTable()
        self.story_of_item: dict[str, int] = {}
        self.merges: list[Merge] = []
        self.departures: list[Departure] = []
        self.threads: list[ThreadLink] = []
        self._typical: float | None = None
        self._assigned_since_typical = 0
        self._assigned_since_forget = 0
        # The survivor of every merge (a map: `merges` grows long over a long stream), and the
        # threads of the stories let go.
        self._survivor_of: dict[int, int] = {}
        self._forgotten_threads: dict[int, int] = {}

    def typical_cohesion(self) -> float:
        """The median cohesion of the active stories with several reports: how close reports of
        one event are to each other in this stream (long articles score lower than headlines)."""
        if self._typical is None or self._assigned_since_typical >= 20:
            values = sorted(
                c
                for story in self.stories.values()
                if story.size >= TYPICAL_FROM_SIZE and (c := story.cohesion()) is not None
            )
            self._typical = (
                values[len(values) // 2] if len(values) >= TYPICAL_FROM else PRIOR_COHESION
            )
            self._assigned_since_typical = 0
        return self._typical

    def expected_score(self, story: ActiveStory, without: Member | None = None) -> float:
        """What a report of the same event would score against `story` (less `without`): its own
        cohesion, drawn towards the stream's typical cohesion while the story has few reports."""
        typical = self.typical_cohesion()
        own = story.cohesion(without)
        if own is None:
            return typical
        size = story.size - (without is not None)
        return (typical + (size - 1) * own) / size

    def required_score(
        self, story: ActiveStory, ratio: float, without: Member | None = None
    ) -> float:
        return max(MIN_SCORE, ratio * self.expected_score(story, without))

    def load_story(self, story_id: int, members: list[Member], thread: int | None = None) -> None:
        """Make an existing story (from the database) a candidate."""
        for member in members:
            self.story_of_item[member.item_id] = story_id
        self._keep(ActiveStory.of(story_id, members, thread))

    def _keep(self, story: ActiveStory) -> None:
        """Make `story` (new or changed) an active story as it now stands."""
        self.stories[story.story_id] = story
        assert story.vector_sum is not None and story.first_report and story.last_report
        self.table.put(
            story.story_id,
            story.vector_sum,
            story.size,
            story.first_report,
            story.last_report,
            story.language,
        )

    def _drop(self, story_id: int) -> None:
        del self.stories[story_id]
        self.table.remove(story_id)

    def _closest(
        self,
        vector: np.ndarray,
        moment: datetime,
        language: str | None,
        count: int,
        exclude: int | None = None,
        started_before: datetime | None = None,
    ) -> list[ActiveStory]:
        """The `count` active stories closest to `vector` by embedding, of those in `language`
        with reports within the window of `moment`: the only ones worth a full comparison."""
        ids = self.table.closest(
            vector,
            moment,
            self.window.total_seconds(),
            language,
            count,
            exclude=() if exclude is None else (exclude,),
            started_before=started_before,
        )
        return [self.stories[story_id] for story_id in ids]

    def assign(self, item: ClusterItem, vector: np.ndarray, profile: Profile) -> Assignment:
        self._assigned_since_forget += 1
        if self._assigned_since_forget >= FORGET_EVERY:
            self.forget_before(item.published)
            self._assigned_since_forget = 0
        member = Member(item.id, vector, profile, item.published, item.language or "en")
        if item.copy_of is not None and item.copy_of in self.story_of_item:
            story_id = self.story_of_item[item.copy_of]
            if story_id in self.stories:
                self.stories[story_id].add(member)
                self._keep(self.stories[story_id])
            self.story_of_item[item.id] = story_id
            return Assignment(item.id, story_id, 1.0, False, f"syndicated copy of {item.copy_of}")

        self._assigned_since_typical += 1
        scored = []
        shortlist = SHORTLIST if profile.latin else WIDE_SHORTLIST
        for story in self._closest(vector, item.published, member.language, shortlist):
            evidence = story.evidence(vector, profile).later_by(_hours(item.published, story))
            required = self.required_score(story, self.threshold)
            scored.append((evidence.fit / required, evidence, required, story))
        scored.sort(key=lambda entry: -entry[0])
        if scored and scored[0][0] >= 1.0:
            _, evidence, required, story = scored[0]
            reason = (
                f"joined story {story.story_id} of {story.size} reports: "
                f"{evidence.describe()} (needed {required:.2f})"
            )
            score, created = evidence.score, False
        else:
            story = ActiveStory(self.new_story_id())
            if scored:
                _, best, required, runner = scored[0]
                reason = (
                    f"new story: closest story {runner.story_id} {best.describe()}, below the "
                    f"{required:.2f} it needed"
                )
            else:
                reason = "new story: no active story in the time window"
            score, created = 1.0, True
        story.add(member)
        self._keep(story)
        self.story_of_item[item.id] = story.story_id
        assignment = Assignment(item.id, story.story_id, score, created, reason)
        if created:
            self._find_thread(story)
        elif story.size in REVIEW_SIZES:
            survivor = self._split_if_two_events(self._merge_if_one_event(story))
            if survivor.size in DEPARTURE_SIZES:
                self._release_outliers(survivor)
            if survivor.thread is None:
                self._find_thread(survivor)
        elif story.size <= SPLIT_EVERY_UP_TO:
            self._split_if_two_events(story)
        return assignment

    def _find_thread(self, story: ActiveStory) -> None:
        """Link `story` to the thread of the earlier active story it continues, if any."""
        earlier = self._neighbours(story, story.first_report, started_before=story.first_report)
        best = self._best_match(story, [s for s in earlier if s.thread != story.story_id])
        if best is None:
            return
        evidence, parent = best
        needed = THREAD_RATIO * self.typical_cohesion()
        if evidence.fit < needed or not story.core_names() & parent.core_names():
            return
        reason = f"continues story {parent.story_id}: {evidence.describe()} (needed {needed:.2f})"
        self._join_thread(story, parent.thread or parent.story_id, reason)

    def _join_thread(self, story: ActiveStory, root: int | None, reason: str) -> None:
        """Put `story` in the thread `root` started (None: in no thread), with the stories that
        continued `story` itself."""
        story.thread = root
        self.threads.append(ThreadLink(story.story_id, root, reason))
        for other in self.stories.values():
            if other.thread == story.story_id and root != other.story_id:
                other.thread = root or story.story_id
                self.threads.append(ThreadLink(other.story_id, other.thread, reason))

    def _neighbours(
        self, story: ActiveStory, moment: datetime, started_before: datetime | None = None
    ) -> list[ActiveStory]:
        """The other active stories closest to `story` by embedding, active at `moment`."""
        return self._closest(
            story.vector_sum / story.size,
            moment,
            story.language,
            MERGE_SHORTLIST if story.latin else WIDE_SHORTLIST,
            exclude=story.story_id,
            started_before=started_before,
        )

    def _best_match(
        self, story: ActiveStory, others: list[ActiveStory]
    ) -> tuple[Evidence, ActiveStory] | None:
        """The other story of `others` that fits `story` best."""
        best: tuple[Evidence, ActiveStory] | None = None
        for other in others:
            evidence = story.evidence_against(other)
            if best is None or evidence.score > best[0].score:
                best = (evidence, other)
        return best

    def _merge_if_one_event(self, story: ActiveStory) -> ActiveStory:
        """Fold `story` and the best-fitting other active story together if they are one event."""
        best = self._best_match(story, self._neighbours(story, story.last_report))
        if best is None:
            return story
        best = (best[0].later_by(_hours_between(story, best[1])), best[1])
        needed = (
            (self.threshold + MERGE_MARGIN)
            * (self.expected_score(story) + self.expected_score(best[1]))
            / 2
        )
        if best[0].fit < max(MIN_SCORE, needed):
            return story
        evidence, other = best
        if _two_events(story.members + other.members, story.latin) is not None:
            return story  # together they would be split again at once
        survivor, absorbed = sorted((story, other), key=lambda s: s.story_id)
        # Every item mapped to an active story is one of its members (copies included).
        for member in absorbed.members:
            survivor.add(member)
            self.story_of_item[member.item_id] = survivor.story_id
        self._keep(survivor)
        self._drop(absorbed.story_id)
        self._survivor_of[absorbed.story_id] = survivor.story_id
        self.merges.append(
            Merge(absorbed.story_id, survivor.story_id, f"one event: {evidence.describe()}")
        )
        # The survivor takes the absorbed story's place in threads, and its thread if it had none.
        if survivor.thread in (None, absorbed.story_id):
            root = absorbed.thread if absorbed.thread != survivor.story_id else None
            if root != survivor.thread:
                self._join_thread(survivor, root, f"merged with story {absorbed.story_id}")
        for other in self.stories.values():
            if other.thread == absorbed.story_id:
                other.thread = survivor.thread or survivor.story_id
                reason = f"story {absorbed.story_id} merged into {survivor.story_id}"
                self.threads.append(ThreadLink(other.story_id, other.thread, reason))
        return survivor

    def _split_if_two_events(self, story: ActiveStory) -> ActiveStory:
        """Split `story` if its reports fall into two events (see `communities`). The group with
        its earliest report keeps the story's id; the other becomes a new story."""
        parts = _two_events(story.members, story.latin)
        if parts is None:
            return story
        staying = [story.members[i] for i in parts.first]
        leaving = [story.members[i] for i in parts.second]
        if min(m.published for m in leaving) < min(m.published for m in staying):
            staying, leaving = leaving, staying
        rest = ActiveStory.of(story.story_id, staying, story.thread)
        split = ActiveStory.of(self.new_story_id(), leaving)
        self._keep(rest)
        self._keep(split)
        reason = (
            f"split from story {story.story_id}: its {story.size} reports fell into two events "
            f"of {len(staying)} and {len(leaving)} that share few nearest neighbours "
            f"(separation {parts.separation:.2f})"
        )
        for member in leaving:
            self.story_of_item[member.item_id] = split.story_id
            self.departures.append(
                Departure(member.item_id, story.story_id, split.story_id, reason)
            )
        return rest

    def _release_outliers(self, story: ActiveStory) -> None:
        """Reports that no longer fit the rest of their story leave it, each for a new story."""
        ratio = self.threshold - LEAVE_MARGIN
        leaving = []
        for member in story.members:
            evidence = story.evidence(member.vector, member.profile, without=member)
            if evidence.score < self.required_score(story, ratio, without=member):
                leaving.append((member, evidence))
        if not leaving or len(leaving) * 2 >= story.size:
            return  # a story that would lose half its reports is not one with outliers
        for member, evidence in leaving:
            story = story.rebuilt_without(member.item_id)
            alone = ActiveStory(self.new_story_id())
            alone.add(member)
            self._keep(alone)
            self.story_of_item[member.item_id] = alone.story_id
            reason = f"left story {story.story_id}: {evidence.describe()}"
            self.departures.append(
                Departure(member.item_id, story.story_id, alone.story_id, reason)
            )
        self._keep(story)

    def thread_roots(self) -> dict[int, int]:
        """Every story in a thread, those let go included, and the thread's first story (its own
        id for that). A story let go keeps the thread it had; if that thread's first story later
        joined another thread or merged, the link is followed to where it now leads."""
        direct = dict(self._forgotten_threads)
        direct.update({s.story_id: s.thread for s in self.stories.values() if s.thread})
        roots = {}
        for story_id in direct:
            root, seen = story_id, set()
            while root in direct and root not in seen:
                seen.add(root)
                root = self.final_story(direct[root])
            if root != story_id:
                roots[story_id] = root
        return roots | {root: root for root in roots.values()}

    def final_story(self, story_id: int) -> int:
        """The story a (possibly merged) story id now lives on as."""
        while story_id in self._survivor_of:
            story_id = self._survivor_of[story_id]
        return story_id

    def forget_before(self, moment: datetime) -> None:
        """Let go of the stories no decision from `moment` on can involve: their last report is
        older than the window before `moment`, and before the window of the first report of every
        story still active (a story looks for the thread it continues from its first report)."""
        active_since = moment - self.window
        firsts = [s.first_report for s in self.stories.values() if s.last_report >= active_since]
        horizon = min([active_since, *(first - self.window for first in firsts)])
        for story in [s for s in self.stories.values() if s.last_report < horizon]:
            if story.thread:
                self._forgotten_threads[story.story_id] = story.thread
            self._drop(story.story_id)
