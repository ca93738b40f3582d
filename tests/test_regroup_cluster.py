"""The clusterer honours editors' decisions (gazette/cluster/incremental.py): each case beside the
same stream without the decision, where the clusterer decides otherwise. And the cluster stage
hands a merged story's "keep apart" decisions to the story it joined."""

from __future__ import annotations

import itertools
from dataclasses import replace

from fight import FIGHT, add_ready, members
from sqlalchemy import select
from test_cluster import (
    BANK_DAY,
    KLITSCHKO_RAHMAN,
    PELL_MORE,
    RUUD,
    START,
    add,
    clusterer,
    item,
    members_of,
    unit,
)

from gazette import regroup
from gazette.cluster.incremental import IncrementalClusterer
from gazette.cluster.signals import profile
from gazette.cluster.stage import separated_from
from gazette.cluster.story import Member
from gazette.db import Database
from gazette.db.models import Story, StoryMember, StorySeparation


def twins(apart: bool) -> IncrementalClusterer:
    """Two one-report stories of one event, as an earlier run left them; kept apart or not."""
    c = clusterer()
    base = unit(1, 0, 0)
    for story_id, key in ((7, "a"), (9, "b")):
        entry = item(key, title="Marek beats Pell", text=KLITSCHKO_RAHMAN)
        c.load_story(story_id, [Member(key, base, profile(entry.title, entry.text), START)])
    if apart:
        c.keep_apart(9, 7)
    return c


def test_stories_kept_apart_never_merge_and_new_reports_still_join() -> None:
    outcomes = {}
    for apart in (False, True):
        c = twins(apart)
        for n, key in enumerate("cdefgh"):
            joined = add(
                c, item(key, 2 + n, title="Marek beats Pell", text=KLITSCHKO_RAHMAN), unit(1, 0, 0)
            )
            assert joined.story_id in (7, 9) and not joined.created
        outcomes[apart] = [(m.absorbed, m.survivor) for m in c.merges]
    assert outcomes == {False: [(9, 7)], True: []}


def test_a_story_merged_into_another_passes_on_what_it_was_kept_apart_from() -> None:
    c = twins(apart=False)
    c.keep_apart(9, 3)
    add(c, item("c", 2, title="Marek beats Pell", text=KLITSCHKO_RAHMAN), unit(1, 0, 0))
    assert [(m.absorbed, m.survivor) for m in c.merges] == [(9, 7)]
    assert c.kept_apart(7, 3) and c.kept_apart(3, 7) and not c.kept_apart(3, 9)


def test_a_report_an_editor_placed_is_no_outlier() -> None:
    """A bank report in the fight story: released at the review of eight reports, unless an
    editor placed it there."""
    outcomes = {}
    for placed in (False, True):
        c = clusterer()
        base = unit(1, 0, 0, 0)
        fight = item("f", title="Marek beats Pell", text=KLITSCHKO_RAHMAN)
        stray = Member("x", unit(0, 0, 0, 1), profile(*BANK_DAY[0]), START, pinned=placed)
        c.load_story(
            5, [*(Member(k, base, profile(fight.title, fight.text), START) for k in "abc"), stray]
        )
        for key in "defg":
            add(c, item(key, 2, title="Marek beats Pell", text=KLITSCHKO_RAHMAN), base)
        outcomes[placed] = c.story_of_item["x"]
    assert outcomes[True] == 5 and outcomes[False] != 5


def test_a_split_that_would_take_a_placed_report_away_does_not_happen() -> None:
    """A story of two title defences splits at twelve reports, unless a report of the later
    fight was placed in it by an editor; a placed report of the first fight does not stop it."""
    moved = {}
    for pinned in (None, "p0", "r0"):
        c = clusterer()
        base = unit(1, 0, 0)
        pell = members_of("p", FIGHT + PELL_MORE[:2], base)
        ruud = members_of("r", RUUD[:5], base)
        mixed = [m for pair in itertools.zip_longest(pell, ruud) for m in pair if m]
        mixed = [replace(m, pinned=m.item_id == pinned) for m in mixed]
        c.load_story(5, mixed)
        add(c, item("r5", 2, *RUUD[5]), base)
        moved[pinned] = sorted(d.item_id for d in c.departures)
    split = ["r0", "r1", "r2", "r3", "r4", "r5"]
    assert moved == {None: split, "p0": split, "r0": []}


def test_merging_a_story_hands_its_separations_to_the_survivor(database: Database) -> None:
    """Split S into S and N; then merge N into a third story X: X is kept apart from S."""
    with database.transaction() as session:
        documents = [add_ready(session, f"d{i}", *FIGHT[i % 4], i) for i in range(5)]
        stories = []
        for group in (documents[:3], documents[3:]):
            story = Story(
                first_report_at=group[0].published_at, last_report_at=group[-1].published_at
            )
            session.add(story)
            session.flush()
            stories.append(story.id)
            for document in group:
                session.add(
                    StoryMember(
                        document_id=document.id, story_id=story.id, similarity=1, reason="x"
                    )
                )
    first, third = stories
    with database.transaction() as session:
        new = regroup.split_story(session, first, [documents[2].id], "ann").story_id
        regroup.merge_stories(session, new, third, "ann")
    with database.session() as session:
        assert separated_from(session, first) == {third}
        assert separated_from(session, new) == set()
        assert members(session, third) == {documents[2].id, documents[3].id, documents[4].id}
        pairs = session.execute(select(StorySeparation.story_id, StorySeparation.other_id)).all()
        assert pairs == [(first, third)]


def test_merging_a_thread_s_first_story_into_its_follow_up_keeps_the_thread(
    database: Database,
) -> None:
    """The follow-up that absorbs the story it continued becomes the thread's first story; a
    later story of the thread continues the follow-up."""
    with database.transaction() as session:
        ids = []
        for i in range(3):
            document = add_ready(session, f"t{i}", *FIGHT[i], 24 * i)
            story = Story(
                first_report_at=document.published_at, last_report_at=document.published_at
            )
            story.thread_id = ids[0] if ids else None
            story.thread_reason = "continues" if ids else None
            session.add(story)
            session.flush()
            session.add(
                StoryMember(document_id=document.id, story_id=story.id, similarity=1, reason="x")
            )
            ids.append(story.id)
    first, follow_up, later = ids
    with database.transaction() as session:
        regroup.merge_stories(session, first, follow_up, "ann")
    with database.session() as session:
        assert session.get(Story, follow_up).thread_id is None
        assert session.get(Story, follow_up).thread_reason is None
        assert session.get(Story, later).thread_id == follow_up
        assert session.get(Story, first).thread_id is None
