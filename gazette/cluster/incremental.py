"""Incremental story clustering: each article joins the most similar active story, or starts one.

Articles arrive in publication order. A story is a candidate for an article only while it is
active: its reports span a time within `window` of the article. This keeps the work per article
flat however large the archive grows.

The score of an article against a story (`evidence`) is average linkage over its reports (kept as
running sums, `story`), from these signals (see `signals` for why each is there): the mean cosine
of its embedding to the story's reports, of its word profile and of its name profile (each the dot
product with the story's running sum, divided by the size), and `conflict`, the share of salient
names one side has and the other never uses:

    score = 0.5 * embedding + 0.25 * words + 0.25 * names - 0.2 * conflict**2

(see `evidence.weigh`), and past TIME_GRACE_HOURS after the story's last report the score shrinks
(see `later_by`). Only the `SHORTLIST` stories closest by embedding (`table.StoryTable`) are
scored in full. An article joins the best of them if its score reaches `threshold` times what
the story's own reports score between themselves (its cohesion), drawn towards the stream's
typical cohesion while the story is small: long articles and headlines score on different
scales, a ratio does not. Two floors hold however loose the stream: MIN_SCORE, and MIN_WHAT on
"what" (embedding and words) alone unless the names agree closely (a stream of one field, where
every story is loose, would otherwise let two reports that share a name and a broad subject but
no word of what happened join).

Decisions can be revised as evidence arrives. When a story reaches one of REVIEW_SIZES, and at
every second report of a story of up to SPLIT_EVERY_UP_TO reports:
- it is compared with the active story that fits it best. Two that now score as one event merge
  (the younger story into the older, whose id survives), unless together they fall into two
  events. Two of the same hours whose reports still fit each other are regrouped: their reports
  are pooled and cut into the events they hold (`story.events_in`), which may differ from the two
  stories (a report of one event that had joined the other's story returns to its own; two
  fragments of one event come together); a pool that holds one event merges;
- a story whose reports fall into two events (two groups with hardly any nearest neighbours or
  names in common, see `story.two_events` and `communities`) is split in two;
- at DEPARTURE_SIZES (from four reports on), a report that no longer fits the rest leaves it
  and starts a story of its own.

Threads link separate stories at two levels. A follow-up ("recall widened a day later")
continues the active story that started before it and fits it best, if that one scores at least
THREAD_RATIO times the stream's typical cohesion (time aside: a follow-up comes days later, when
the story's evidence has faded), its "what" alone too (the same kind of happening: a company's
fine does not continue its takeover bid), and shares a core name with it. And a thread is the
story's coverage, its developing topic (a game's launch, reviews and patch): coverages that a
score fitted on labelled pairs (how alike they read, shared key terms, time between) finds one
topic are joined (see `coverage`), when a story starts or is reviewed and every COVERAGE_EVERY
reports; and before stories are let go (`forget_before`) and at the end of a batch, the active
coverages are rebuilt from their stories by average linkage, follow-ups and threads loaded or
rooted in stories let go staying as they are (`regroup_coverages`). The thread is named by its
first story.

Editors have the last word (gazette/regroup.py). A report an editor placed (`Member.pinned`)
never leaves its story: it is no outlier, a split that would take it away does not happen, and
a story holding one is never regrouped; it moves only when its whole story is merged into
another. Two stories an editor keeps apart (`keep_apart`) are never merged or regrouped
together, and the story either of them is merged into keeps the other apart in its turn.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from gazette.cluster.communities import Bipartition
from gazette.cluster.coverage import (
    COVERAGE_EVERY,
    COVERAGE_JOINS,
    COVERAGE_SHORTLIST,
    Coverage,
    KnownFigures,
    best_coverage,
    coverages_of,
    regroup,
)
from gazette.cluster.evidence import TIME_GRACE_HOURS, Evidence
from gazette.cluster.signals import Profile
from gazette.cluster.story import SPLIT_FROM, ActiveStory, Member, events_in, two_events
from gazette.cluster.table import StoryTable
from gazette.records import Assignment, ClusterItem
from gazette.text import how_many

SHORTLIST = 4
# At a review, the stories compared with the one reviewed (a fourth changes no figure and costs a
# tenth more time).
MERGE_SHORTLIST = 3
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
# Two stories of the same hours (their reports no further apart than the time evidence's grace,
# TIME_GRACE_HOURS) whose reports still fit each other, scoring what a member needs to stay in its
# story (the join ratio less LEAVE_MARGIN), are regrouped into the events their pooled reports fall
# into; where the pool holds one event they merge at the join ratio itself, without MERGE_MARGIN,
# once it has the SPLIT_FROM reports on which the split can tell two events (a wrong merge is then
# undone by the next split). Stories further apart in time are left as they are: the split cuts by
# wording, and two events of the same wording days apart (the same two teams, the same score) are
# told apart by their times alone. On ECB+, whose two events of a kind are all in one window, a
# report of one event stuck in the other's story, and fragments of one event, would be the largest
# losses after the rule and its reversal without regrouping (docs/benchmarks.md).
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
# A story is compared with its neighbours and asked whether it holds two events
# (`story.two_events`) at its reviews, and between them at every SPLIT_EVERY-th report up to
# SPLIT_EVERY_UP_TO, while a second event is young and the story still gathers its reports (asked
# at every report, it gives the same figures a fifth slower; asked only up to 24, it lets a story
# of ECB+'s two browser patches grow from 24 reports to 28 unasked and end as one story).
SPLIT_EVERY = 2
SPLIT_EVERY_UP_TO = 32
# No article joins a story below this score, however loose the story.
MIN_SCORE = 0.12
# Nor below this "what" (embedding cosine and shared words, averaged), however loose the stream:
# two reports of one event tell the same happening. In a stream of one field (years of US
# politics in one window) every story is loose, the bar drawn from them sinks, and two reports
# that share "Trump" and a broad subject but no word of what happened would pass it. The floor
# is on the embedding model's scale, so it holds only where the model reads the script; and it
# gives way where the names agree as closely as SAME_PARTICIPANTS, on at least two names:
# two headlines of one event may share no word but its participants ("Tata Sons",
# "Chandrasekaran"), while a field's common names ("Trump", "Senate") among others rarely match
# that closely, and one name alone ("Indian", "Rs") matches fully where it is each side's only one.
MIN_WHAT = 0.26
SAME_PARTICIPANTS = 0.7
SAME_PARTICIPANTS_SHARED = 2
# A story continues an earlier one (same thread) from this share of the typical cohesion.
THREAD_RATIO = 0.75
# Every this many articles, stories that no later decision can involve are let go, so that memory
# and the work per article stay flat however long the stream runs (see `forget_before`).
FORGET_EVERY = 256


def _hours(moment: datetime, story: ActiveStory) -> float:
    """How long after the story's last report `moment` is (0 if not after it)."""
    return max(0.0, (moment - story.last_report).total_seconds() / 3600)


def _hours_between(one: ActiveStory, other: ActiveStory) -> float:
    """The gap between the time spans of two stories' reports (0 when they overlap)."""
    return max(_hours(one.first_report, other), _hours(other.first_report, one))


def _too_little_in_common(evidence: Evidence, story: ActiveStory) -> bool:
    """Whether `evidence` against `story` is below the "what" of any one event (MIN_WHAT),
    without the same participants to make up for it."""
    same_participants = (
        evidence.names >= SAME_PARTICIPANTS and evidence.common_names >= SAME_PARTICIPANTS_SHARED
    )
    return story.latin and evidence.what < MIN_WHAT and not same_participants


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
    """A report that moved from its story to another: a new one (it no longer fitted, or its
    story was split), or one of the events its story was regrouped into."""

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
        self._assigned_since_coverages = 0
        # The links a regroup of the coverages keeps (story: the story it stays with): a
        # follow-up with the story it continues, a story loaded with a thread (from the
        # database, which does not say whether a follow-up or a coverage made it), and a story
        # in a thread whose first story was let go.
        self._fixed: dict[int, int] = {}
        # The stories that took a report since the coverages were last all asked.
        self._grown: set[int] = set()
        # The figures of the coverages asked about, by root (see `coverage.Coverage`).
        self._coverage_figures: KnownFigures = {}
        # The survivor of every merge (a map: `merges` grows long over a long stream), and the
        # threads of the stories let go.
        self._survivor_of: dict[int, int] = {}
        self._forgotten_threads: dict[int, int] = {}
        # Sets of reports found to be one event, until the next `forget_before` (see `_two_events`).
        self._one_event: set[tuple[bool, tuple[str, ...]]] = set()
        # The stories an editor keeps apart from each story (both ways), see `keep_apart`.
        self._apart: dict[int, set[int]] = {}
        # From when on it holds every story active at a moment (None: from the first story it
        # was given): whoever loads stories sets it, `forget_before` moves it on.
        self.covers_from: datetime | None = None

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
        if thread is not None:
            self._fixed[story_id] = thread

    def keep_apart(self, one: int, other: int) -> None:
        """Never merge (nor regroup) stories `one` and `other`: an editor separated them."""
        if one != other:
            self._apart.setdefault(one, set()).add(other)
            self._apart.setdefault(other, set()).add(one)

    def kept_apart(self, one: int, other: int) -> bool:
        return other in self._apart.get(one, ())

    def _edited(self, story: ActiveStory) -> bool:
        """Whether an editor decided anything about `story`: such a story is never regrouped."""
        return story.pinned > 0 or bool(self._apart.get(story.story_id))

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
        exclude: Iterable[int] = (),
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
            exclude=exclude,
            started_before=started_before,
        )
        return [self.stories[story_id] for story_id in ids]

    def assign(self, item: ClusterItem, vector: np.ndarray, profile: Profile) -> Assignment:
        self._assigned_since_forget += 1
        if self._assigned_since_forget >= FORGET_EVERY:
            self.forget_before(item.published)
            self._assigned_since_forget = 0
        self._assigned_since_coverages += 1
        if self._assigned_since_coverages >= COVERAGE_EVERY:
            self.review_coverages()
            self._assigned_since_coverages = 0
        member = Member(item.id, vector, profile, item.published, item.language or "en")
        if item.copy_of is not None and item.copy_of in self.story_of_item:
            story_id = self.story_of_item[item.copy_of]
            if story_id in self.stories:
                self.stories[story_id].add(member)
                self._keep(self.stories[story_id])
            self.story_of_item[item.id] = story_id
            return Assignment(item.id, story_id, 1.0, False, f"syndicated copy of {item.copy_of}")

        self._assigned_since_typical += 1
        scored = self._scored(item, member.language, vector, profile)
        if scored and scored[0][0] >= 1.0 and not _too_little_in_common(scored[0][1], scored[0][3]):
            _, evidence, required, story = scored[0]
            reason = (
                f"joined story {story.story_id} of {how_many(story.size, 'report')}: "
                f"{evidence.describe()} (needed {required:.2f})"
            )
            score, created = evidence.score, False
        else:
            story = ActiveStory(self.new_story_id())
            if scored:
                _, best, required, runner = scored[0]
                short_of = (
                    f"; what {best.what:.2f}, below the {MIN_WHAT:.2f} of any one event"
                    if _too_little_in_common(best, runner)
                    else f", below the {required:.2f} it needed"
                )
                reason = f"new story: closest story {runner.story_id} {best.describe()}{short_of}"
            else:
                reason = "new story: no active story in the time window"
            score, created = 1.0, True
        story.add(member)
        self._keep(story)
        self.story_of_item[item.id] = story.story_id
        self._grown.add(story.story_id)
        assignment = Assignment(item.id, story.story_id, score, created, reason)
        if created:
            self._continue_thread(story)
            self._find_thread(story)
        elif story.size in REVIEW_SIZES:
            survivor = self._split_if_two_events(self._merge_or_regroup(story))
            if survivor.size in DEPARTURE_SIZES:
                self._release_outliers(survivor)
            if survivor.thread is None:
                self._continue_thread(survivor)
            self._find_thread(survivor)
        elif story.size <= SPLIT_EVERY_UP_TO and story.size % SPLIT_EVERY == 0:
            self._split_if_two_events(self._merge_or_regroup(story))
        return assignment

    def _scored(
        self,
        item: ClusterItem,
        language: str,
        vector: np.ndarray,
        profile: Profile,
        late: bool = True,
    ) -> list[tuple[float, Evidence, float, ActiveStory]]:
        """The shortlisted stories for `item`, best first, each as (score over the score it
        needs, evidence, the score it needs, story); `late` False leaves time out."""
        scored = []
        shortlist = SHORTLIST if profile.latin else WIDE_SHORTLIST
        for story in self._closest(vector, item.published, language, shortlist):
            evidence = story.evidence(vector, profile)
            if late:
                evidence = evidence.later_by(_hours(item.published, story))
            required = self.required_score(story, self.threshold)
            scored.append((evidence.score / required, evidence, required, story))
        scored.sort(key=lambda entry: -entry[0])
        return scored

    def story_about(
        self, item: ClusterItem, vector: np.ndarray, profile: Profile
    ) -> tuple[int | None, float, str]:
        """The active story a piece that is not a news report (an opinion, an analysis...) is
        about, by the same evidence and bar as a report joining it, without adding it: such a
        piece is listed beside its story, never one of its reports (see `report_kinds`). Time
        is left out: commentary often follows its event by days, within the window. Returns the
        story (None: no story of its time fits), the score and the reason in words."""
        scored = self._scored(item, item.language or "en", vector, profile, late=False)
        if not scored:
            return None, 0.0, "about no story: no active story in the time window"
        ratio, evidence, required, story = scored[0]
        if ratio >= 1.0 and not _too_little_in_common(evidence, story):
            reason = f"about story {story.story_id}: {evidence.describe()} (needed {required:.2f})"
            return story.story_id, evidence.score, reason
        reason = (
            f"about no story: closest story {story.story_id} {evidence.describe()}, "
            f"below the {required:.2f} a report needs"
        )
        return None, evidence.score, reason

    def _continue_thread(self, story: ActiveStory) -> None:
        """Link `story` to the thread of the earlier active story it continues, if any: the
        same kind of happening (its "what") with the same core names, as a follow-up is."""
        if story.thread is not None:
            return
        earlier = self._neighbours(story, story.first_report, started_before=story.first_report)
        best = self._best_match(story, [s for s in earlier if s.thread != story.story_id])
        if best is None:
            return
        evidence, parent = best
        needed = THREAD_RATIO * self.typical_cohesion()
        too_weak = min(evidence.score, evidence.what) < needed
        if too_weak or not story.core_names() & parent.core_names():
            return
        reason = f"continues story {parent.story_id}: {evidence.describe()} (needed {needed:.2f})"
        self._fixed[story.story_id] = parent.story_id
        self._join_thread(story, parent.thread or parent.story_id, reason)

    def _find_thread(self, story: ActiveStory, groups: dict[int, Coverage] | None = None) -> None:
        """Join the coverage `story` is in (its thread, or the stories that continue it) with
        the nearby coverage it belongs to, if any (see `coverage`), and the joined coverage with
        the next, up to COVERAGE_JOINS times: the later-rooted of two moves into the earlier, so
        a thread is always named by its first story. `groups` are the active coverages, if
        known (`coverage.coverages_of`); they are kept current."""
        if not story.latin:
            return  # the embedding does not read the script: no measure of the coverage
        if groups is None:
            groups = self._current_coverages()
        for _ in range(COVERAGE_JOINS):
            own = story.thread or story.story_id
            mine = groups.get(own)
            if mine is None or all(other is not story for other in mine.stories):
                return  # merged or let go on its review: no longer a coverage of its own
            nearby = self._closest(
                mine.vector_sum / mine.size,
                story.first_report,
                story.language,
                COVERAGE_SHORTLIST,
                exclude=[other.story_id for other in mine.stories],
            )
            roots = {other.thread or other.story_id for other in nearby} - {own}
            others = [groups[root] for root in roots if root in groups]
            found = best_coverage(mine, others, self.typical_cohesion())
            if found is None:
                return
            first, later = sorted((own, found.root))
            reason = f"continues story {first}: {found.describe()}"
            moved = groups.pop(later)
            stories = groups[first].stories + moved.stories
            groups[first] = Coverage(first, stories, self._coverage_figures)
            self._move_coverage(moved.stories, later, first, reason)

    def review_coverages(self) -> None:
        """Ask every active coverage that took reports since the last time again whether it
        belongs with a neighbour: both change as reports come, and a story is asked only when
        it starts and at its reviews. (One that took none would give the same answer.)"""
        groups = self._current_coverages()
        grown, self._grown = self._grown, set()
        for root in sorted(groups):
            if root in groups and any(story.story_id in grown for story in groups[root].stories):
                largest = max(groups[root].stories, key=lambda story: story.size)
                self._find_thread(largest, groups)

    def regroup_coverages(self) -> None:
        """Rebuild the active coverages from their stories (`coverage.regroup`): joined one
        question at a time, two topics that once joined stay joined. What already holds stays:
        a follow-up with the story it continues, a thread loaded from the database, and a
        story's link to a thread whose first story was let go (the regroup cannot measure it).
        Each coverage is named by its earliest story, so a thread keeps its id while that
        story stays in it."""
        for story in self.stories.values():
            if story.thread is not None and story.thread not in self.stories:
                self._fixed.setdefault(story.story_id, story.thread)  # as `forget_before` does
        units = self._coverage_units()
        stories = [[self.stories[n] for n in unit if n in self.stories] for unit in units]
        found = regroup(
            [Coverage(min(unit), members) for unit, members in zip(units, stories, strict=True)],
            self.typical_cohesion(),
        )
        for group in found:
            nodes = [node for index in group for node in units[index]]
            members = [story for index in group for story in stories[index]]
            self._name_coverage(min(nodes), nodes, members)

    def _coverage_units(self) -> list[list[int]]:
        """The groups a regroup keeps together: active stories (by id) joined through the
        links of `_fixed`, with the first stories of the threads let go that those lead to.
        Each group is a list of ids in increasing order."""
        parent: dict[int, int] = {}

        def find(node: int) -> int:
            parent.setdefault(node, node)
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            return node

        def union(one: int, other: int) -> None:
            parent[find(one)] = find(other)

        for story in self.stories.values():
            find(story.story_id)
        # A story that let-go stories name as their thread's first keeps its thread: the
        # database moved them with it when it joined that thread, and they cannot be moved back.
        named = {self.final_story(first) for first in self._forgotten_threads.values()}
        for story in self.stories.values():
            if story.story_id in named and story.thread is not None:
                union(story.story_id, self._root_now(story.thread))
        for story_id, target in self._fixed.items():
            story_id = self.final_story(story_id)
            if story_id in self.stories:
                union(story_id, self._root_now(target))
        units: dict[int, list[int]] = {}
        for node in sorted(parent):
            units.setdefault(find(node), []).append(node)
        return list(units.values())

    def _root_now(self, story_id: int) -> int:
        """Where the thread of a story that may have been merged or let go now leads."""
        seen: set[int] = set()
        story_id = self.final_story(story_id)
        while story_id in self._forgotten_threads and story_id not in seen:
            seen.add(story_id)
            story_id = self.final_story(self._forgotten_threads[story_id])
        return story_id

    def _name_coverage(self, root: int, nodes: list[int], members: list[ActiveStory]) -> None:
        """Make `members` (active stories) and the threads of the let-go first stories among
        `nodes` one coverage named by `root`, recording each story whose thread changes."""
        others = len(members) - 1
        reason = (
            "coverage regrouped: one topic with "
            f"{how_many(others, 'other active story', 'other active stories')} "
            "(average linkage over their reports)"
            if others
            else "coverage regrouped: no other active story of its topic"
        )
        for node in nodes:
            if node not in self.stories and node != root:
                self._forgotten_threads[node] = root
                self.threads.append(ThreadLink(node, root, reason))
        for story in members:
            thread = None if story.story_id == root else root
            if story.thread != thread:
                story.thread = thread
                self.threads.append(ThreadLink(story.story_id, thread, reason))

    def _current_coverages(self) -> dict[int, Coverage]:
        """The active coverages (`coverage.coverages_of`), with the figures of those unchanged
        since they were last asked about."""
        return coverages_of(self.stories.values(), self._coverage_figures)

    def _move_coverage(
        self, stories: list[ActiveStory], root: int, new_root: int, reason: str
    ) -> None:
        """Put the stories of the thread `root` started (`stories`, the active ones) in the
        thread `new_root` started; `root` itself too, even if it was let go."""
        for other in stories:
            other.thread = new_root
            self.threads.append(ThreadLink(other.story_id, new_root, reason))
        if root not in self.stories:
            self._forgotten_threads[root] = new_root
            self.threads.append(ThreadLink(root, new_root, reason))

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
            exclude=(story.story_id,),
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

    def _merge_or_regroup(self, story: ActiveStory) -> ActiveStory:
        """Compare `story` with the other active story that fits it best: merge the two if they
        are one event; regroup their reports if they are of the same hours and fall into other
        events than the two stories are (see LEAVE_MARGIN for the bars). Returns the story
        `story` now is."""
        neighbours = self._neighbours(story, story.last_report)
        allowed = [
            other for other in neighbours if not self.kept_apart(story.story_id, other.story_id)
        ]
        best = self._best_match(story, allowed)
        if best is None:
            return story
        apart = _hours_between(story, best[1])
        evidence, other = best[0].later_by(apart), best[1]
        if _too_little_in_common(evidence, story):
            return story
        expected = (self.expected_score(story) + self.expected_score(other)) / 2
        union = story.members + other.members
        judged = len(union) >= SPLIT_FROM and apart <= TIME_GRACE_HOURS
        merge_bar = self.threshold + (0.0 if judged else MERGE_MARGIN)
        bar = self.threshold - LEAVE_MARGIN if judged else merge_bar
        if evidence.score < max(MIN_SCORE, bar * expected):
            return story
        if apart > TIME_GRACE_HOURS:
            if self._two_events(union, story.latin) is not None:
                return story  # together they would be split again at once
            return self._absorb(story, other, f"one event: {evidence.describe()}")
        events = events_in(union, story.latin, self._two_events)
        events = [[union[i] for i in event] for event in events]
        if len(events) > 1:
            if self._edited(story) or self._edited(other):
                return story  # regrouping would move reports an editor placed or separated
            return self._regroup(story, other, events)
        if evidence.score < max(MIN_SCORE, merge_bar * expected):
            return story
        return self._absorb(story, other, f"one event: {evidence.describe()}")

    def _absorb(self, story: ActiveStory, other: ActiveStory, reason: str) -> ActiveStory:
        """Fold the younger of two stories into the older, whose id survives."""
        survivor, absorbed = sorted((story, other), key=lambda s: s.story_id)
        # Every item mapped to an active story is one of its members (copies included).
        for member in absorbed.members:
            survivor.add(member)
            self.story_of_item[member.item_id] = survivor.story_id
        self._keep(survivor)
        self._retire(absorbed, survivor, reason)
        return survivor

    def _retire(self, absorbed: ActiveStory, survivor: ActiveStory, reason: str) -> None:
        """Record that `absorbed`, whose reports are now elsewhere, was merged into `survivor`."""
        self._drop(absorbed.story_id)
        self._survivor_of[absorbed.story_id] = survivor.story_id
        for apart in self._apart.pop(absorbed.story_id, set()):
            self._apart.get(apart, set()).discard(absorbed.story_id)
            self.keep_apart(survivor.story_id, apart)
        self.merges.append(Merge(absorbed.story_id, survivor.story_id, reason))
        # The survivor takes the absorbed story's place in threads, and its thread if it had none.
        if survivor.thread in (None, absorbed.story_id):
            root = absorbed.thread if absorbed.thread != survivor.story_id else None
            if root != survivor.thread:
                self._join_thread(survivor, root, f"merged with story {absorbed.story_id}")
        for other in self.stories.values():
            if other.thread == absorbed.story_id:
                other.thread = survivor.thread or survivor.story_id
                why = f"story {absorbed.story_id} merged into {survivor.story_id}"
                self.threads.append(ThreadLink(other.story_id, other.thread, why))

    def _regroup(
        self, story: ActiveStory, other: ActiveStory, events: list[list[Member]]
    ) -> ActiveStory:
        """Make the reports of `story` and `other` the stories of `events`. An event keeps the id
        of the story most of its reports come from (each id once, the larger share first, the
        older story on a tie), the others get new ids, and a story left without an event is
        merged into the one that took most of its reports. Returns the story `story` now is."""
        before = {s.story_id: s for s in (story, other)}
        owner = {m.item_id: s.story_id for s in before.values() for m in s.members}
        as_sets = {frozenset(m.item_id for m in event) for event in events}
        if as_sets == {frozenset(m.item_id for m in s.members) for s in before.values()}:
            return story
        shares = sorted(
            (
                (sum(owner[m.item_id] == story_id for m in event), -story_id, index)
                for index, event in enumerate(events)
                for story_id in before
            ),
            reverse=True,
        )
        id_of: dict[int, int] = {}
        for count, negative_id, index in shares:
            if count and index not in id_of and -negative_id not in id_of.values():
                id_of[index] = -negative_id
        sizes = ", ".join(str(len(event)) for event in events)
        reason = (
            f"regrouped: the {len(owner)} reports of stories {story.story_id} and "
            f"{other.story_id} fell into {len(events)} events of {sizes}"
        )
        for index, event in enumerate(events):
            kept = id_of.get(index)
            story_id = self.new_story_id() if kept is None else kept
            thread = None if kept is None else before[kept].thread
            self._keep(ActiveStory.of(story_id, event, thread))
            for member in event:
                if owner[member.item_id] != story_id:
                    self.story_of_item[member.item_id] = story_id
                    departure = Departure(member.item_id, owner[member.item_id], story_id, reason)
                    self.departures.append(departure)
        for story_id, left in before.items():
            if story_id not in id_of.values():
                taken = Counter(self.story_of_item[m.item_id] for m in left.members)
                self._retire(left, self.stories[taken.most_common(1)[0][0]], reason)
        return self.stories[self.final_story(story.story_id)]

    def _two_events(self, members: list[Member], latin: bool) -> Bipartition | None:
        """`story.two_events`, not asked again of reports (in the same order) it found to be one
        event: a story just regrouped, or found with its neighbour to be two events, would
        otherwise be asked again at once whether it holds two (the same reports in the same order
        always get the same answer)."""
        key = (latin, tuple(member.item_id for member in members))
        if key in self._one_event:
            return None
        parts = two_events(members, latin)
        if parts is None and len(members) >= SPLIT_FROM:
            self._one_event.add(key)
        return parts

    def _split_if_two_events(self, story: ActiveStory) -> ActiveStory:
        """Split `story` if its reports fall into two events (see `communities`). The group with
        its earliest report keeps the story's id; the other becomes a new story, unless it holds
        a report an editor placed in this story."""
        parts = self._two_events(story.members, story.latin)
        if parts is None:
            return story
        staying = [story.members[i] for i in parts.first]
        leaving = [story.members[i] for i in parts.second]
        if min(m.published for m in leaving) < min(m.published for m in staying):
            staying, leaving = leaving, staying
        if any(m.pinned for m in leaving):
            return story  # an editor placed a report of that group in this story
        rest = ActiveStory.of(story.story_id, staying, story.thread)
        self._keep(rest)
        shared = parts.names_shared
        names = "no names to compare" if shared is None else f"names shared {shared:.2f}"
        reason = (
            f"split from story {story.story_id}: its {story.size} reports fell into two events "
            f"of {len(staying)} and {len(leaving)} that share few nearest neighbours and names "
            f"(separation {parts.separation:.2f}, {names})"
        )
        self._move_to_new_story(leaving, story.story_id, reason)
        return rest

    def _move_to_new_story(self, members: list[Member], old_story: int, reason: str) -> None:
        """Start a story of `members`, which leave story `old_story`: each move is a departure."""
        moved = ActiveStory.of(self.new_story_id(), members)
        self._keep(moved)
        for member in members:
            self.story_of_item[member.item_id] = moved.story_id
            self.departures.append(Departure(member.item_id, old_story, moved.story_id, reason))

    def _release_outliers(self, story: ActiveStory) -> None:
        """Reports that no longer fit the rest of their story leave it, each for a new story."""
        ratio = self.threshold - LEAVE_MARGIN
        leaving = []
        for member in story.members:
            if member.pinned:
                continue  # an editor placed it here
            evidence = story.evidence(member.vector, member.profile, without=member)
            if evidence.score < self.required_score(story, ratio, without=member):
                leaving.append((member, evidence))
        if not leaving or len(leaving) * 2 >= story.size:
            return  # a story that would lose half its reports is not one with outliers
        for member, evidence in leaving:
            reason = f"left story {story.story_id}: {evidence.describe()}"
            self._move_to_new_story([member], story.story_id, reason)
        left = {member.item_id for member, _ in leaving}
        staying = [member for member in story.members if member.item_id not in left]
        self._keep(ActiveStory.of(story.story_id, staying, story.thread))

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
        self._one_event.clear()
        self.covers_from = max(moment, self.covers_from or moment)
        active_since = moment - self.window
        firsts = [s.first_report for s in self.stories.values() if s.last_report >= active_since]
        horizon = min([active_since, *(first - self.window for first in firsts)])
        leaving = [s for s in self.stories.values() if s.last_report < horizon]
        if leaving:
            # Their threads can no longer be rebuilt once they are let go: rebuild them first
            # (a regroup changes no story, so the horizon holds).
            self.regroup_coverages()
        for story in leaving:
            if story.thread:
                self._forgotten_threads[story.story_id] = story.thread
            self._apart.pop(story.story_id, None)
            self._drop(story.story_id)
        gone = {story.story_id for story in leaving}
        for story in self.stories.values():
            if story.thread in gone:
                # Its thread's first story is let go: the link can no longer be measured, and
                # it stays, also once that thread has joined an active one.
                self._fixed.setdefault(story.story_id, story.thread)
        self._fixed = {s: t for s, t in self._fixed.items() if self.final_story(s) in self.stories}
        roots = {story.thread or story.story_id for story in self.stories.values()}
        known = self._coverage_figures
        self._coverage_figures = {root: known[root] for root in roots & known.keys()}
