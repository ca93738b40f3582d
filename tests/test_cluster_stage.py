"""The cluster stage over a real database: revisions are stored, and pages follow them."""

from __future__ import annotations

from datetime import UTC, timedelta

from fastapi.testclient import TestClient
from fight import (
    BANK,
    DEFENCE,
    FIGHT,
    FIGHT_MORE,
    START,
    add_ready,
    members,
    settings_for,
    stored_fight,
)
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from gazette.cli import app
from gazette.cluster import embed_step, embedding_text
from gazette.cluster.stage import cluster_step
from gazette.db import Database
from gazette.db.models import Document, DocumentStatus, Story, StoryAside, StoryMember
from gazette.db.states import StoryState
from gazette.embedding import MiniLMEmbedder, to_bytes
from gazette.pipeline import run_pipeline
from gazette.web import create_app
from gazette.work import StageContext


def story_of(session: Session, document: Document) -> int | None:
    """The story a stored report is in."""
    return session.scalar(
        select(StoryMember.story_id).where(StoryMember.document_id == document.id)
    )


def test_two_stories_of_one_event_merge_and_the_old_page_redirects(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    """...and the merge is explained: on the absorbed story, on each report it brought, and by
    `gazette story` for either number."""
    # A first run that demanded too much split one event into two stories (both published).
    with database.transaction() as session:
        first = [add_ready(session, k, *FIGHT[i], i) for i, k in enumerate("ab")]
    strict = settings_for(database.url, join_threshold=1.9)
    run_pipeline(database, strict, embedder)
    with database.session() as session:
        split = {story_of(session, d) for d in first}
    assert len(split) == 2
    older, younger = sorted(split)

    # A third report arrives: the story it joins is reviewed, and the two become one.
    with database.transaction() as session:
        third = add_ready(session, "c", *FIGHT[2], 2)
    report = run_pipeline(database, settings_for(database.url), embedder)
    assert report.cluster.assigned == 1 and report.cluster.new_stories == 0
    with database.session() as session:
        absorbed = session.get(Story, younger)
        assert absorbed.state == StoryState.MERGED and absorbed.merged_into_id == older
        assert members(session, older) == {first[0].id, first[1].id, third.id}
        assert members(session, younger) == set()
        survivor = session.get(Story, older)
        assert survivor.state == StoryState.PUBLISHED
        assert survivor.last_report_at.replace(tzinfo=UTC) == START + timedelta(hours=2)
        assert absorbed.merge_reason.startswith("one event: score ")
        note = f"; then with story {younger} merged into story {older}"
        reasons = session.scalars(select(StoryMember.reason).where(StoryMember.story_id == older))
        assert sum(reason.endswith(note) for reason in reasons) == 1  # the younger's one report

    told = CliRunner().invoke(app, ["--database", database.url, "story", str(younger)])
    assert told.exit_code == 0, told.output
    assert told.output.startswith(f"story {younger} was merged into story {older}: one event")
    assert f"story {older} (published), 3 reports" in told.output
    assert told.output.count("why: ") == 3
    assert f"story {younger} merged into it: one event: score" in told.output

    client = TestClient(create_app(settings_for(database.url), database))
    old_link = client.get(f"/story/{younger}", follow_redirects=False)
    assert old_link.status_code == 308
    assert old_link.headers["location"].startswith(f"/story/{older}/")
    assert f"/story/{younger}/" not in client.get("/").text

    # Nothing is pending any more: a second run changes nothing.
    again = run_pipeline(database, settings_for(database.url), embedder)
    assert again.cluster.assigned == 0
    with database.session() as session:
        assert members(session, older) == {first[0].id, first[1].id, third.id}


def test_a_worker_that_keeps_its_clusterer_stores_each_merge_once(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    """A long-running worker keeps its clusterer between steps: the revisions of one step are
    stored by that step alone, not again by the next (which found the absorbed story merged
    already and stopped the worker)."""
    with database.transaction() as session:
        first = [add_ready(session, k, *FIGHT[i], i) for i, k in enumerate("ab")]
    run_pipeline(database, settings_for(database.url, join_threshold=1.9), embedder)
    context = StageContext(database, settings_for(database.url), embedder)
    with database.transaction() as session:
        add_ready(session, "c", *FIGHT[2], 2)
    embed_step(context)
    assert cluster_step(context).assigned == 1
    with database.session() as session:
        (merged,) = session.scalars(select(Story).where(Story.state == StoryState.MERGED))
        reasons_after_merge = sorted(session.scalars(select(StoryMember.reason)))

    with database.transaction() as session:
        add_ready(session, "d", *BANK, 3)
    embed_step(context)
    later = cluster_step(context)
    assert later.assigned == 1 and not later.errors
    with database.session() as session:
        assert session.get(Story, merged.id).merged_into_id == merged.merged_into_id
        reasons = sorted(session.scalars(select(StoryMember.reason)))
    assert len(reasons) == len(first) + 2
    assert set(reasons_after_merge) <= set(reasons)  # no reason told a second time


def test_a_report_that_no_longer_fits_moves_to_a_story_of_its_own(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    fight = stored_fight(database, embedder)
    with database.transaction() as session:
        story_id = story_of(session, fight[0])
        # A mistake of an earlier version, stored: an unrelated report inside the fight story.
        stray = add_ready(session, "x", *BANK, 1)
        stray.embedding = to_bytes(embedder.encode([embedding_text(*BANK, 120)])[0])
        session.add(
            StoryMember(document_id=stray.id, story_id=story_id, similarity=0.5, reason="forced")
        )
        fight.append(add_ready(session, "c", *FIGHT[2], 2))
    run_pipeline(database, settings_for(database.url), embedder)  # the story reaches four

    with database.session() as session:
        assert members(session, story_id) == {d.id for d in fight}
        moved = session.scalar(select(StoryMember).where(StoryMember.document_id == stray.id))
        assert moved.story_id != story_id
        assert moved.reason.startswith(f"forced; then left story {story_id}: score ")
        assert members(session, moved.story_id) == {stray.id}
        # the new story's times are its report's, not the moment it was made
        new_story = session.get(Story, moved.story_id)
        assert new_story.first_report_at == new_story.last_report_at == stray.published_at


def test_a_story_of_two_events_splits_and_stays_split(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    """A story stored by an earlier version holds two title defences of one champion. When it
    grows to a review it splits: the other fight's reports move to one new story, whose times
    are theirs. When the first fight's story grows to its next review in a later run, the two
    stay apart."""
    first, second = FIGHT + FIGHT_MORE[:2], DEFENCE[:5]
    with database.transaction() as session:
        documents = [add_ready(session, f"p{i}", *report, i) for i, report in enumerate(first)]
        documents += [
            add_ready(session, f"r{i}", *report, 6 + i) for i, report in enumerate(second)
        ]
        vectors = embedder.encode([embedding_text(d.title, d.text, 120) for d in documents])
        story = Story(first_report_at=START, last_report_at=START + timedelta(hours=10))
        session.add(story)
        session.flush()
        for document, vector in zip(documents, vectors, strict=True):
            document.embedding = to_bytes(vector)
            session.add(
                StoryMember(document_id=document.id, story_id=story.id, similarity=0.5, reason="x")
            )
        story_id = story.id
        pell, ruud = documents[: len(first)], documents[len(first) :]
        ruud.append(add_ready(session, "r5", *DEFENCE[5], 11))
    run_pipeline(database, settings_for(database.url), embedder)  # the story reaches twelve

    with database.session() as session:
        assert members(session, story_id) == {d.id for d in pell}
        moved = session.scalar(select(StoryMember).where(StoryMember.document_id == ruud[0].id))
        assert moved.reason.startswith(f"x; then split from story {story_id}: its 12 reports")
        assert members(session, moved.story_id) == {d.id for d in ruud}
        split = session.get(Story, moved.story_id)
        assert split.first_report_at.replace(tzinfo=UTC) == START + timedelta(hours=6)
        assert split.last_report_at.replace(tzinfo=UTC) == START + timedelta(hours=11)
        split_id = split.id

    with database.transaction() as session:
        late = [add_ready(session, f"p-late{i}", *FIGHT_MORE[i], 12) for i in (2, 3)]
    run_pipeline(database, settings_for(database.url), embedder)  # eight: reviewed again
    with database.session() as session:
        assert members(session, story_id) == {d.id for d in pell + late}
        assert members(session, split_id) == {d.id for d in ruud}


def test_a_report_stored_in_the_wrong_one_of_two_stories_of_a_day_moves_to_the_other(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    """Two stories stored by an earlier version, two title defences of one champion on one day,
    the first holding a report of the second fight. When the first grows to a review, their
    reports are regrouped: the stray report moves into the other existing story, which takes its
    time, and its reason says why; neither story is merged or renumbered."""
    with database.transaction() as session:
        pell = [add_ready(session, f"p{i}", *r, i) for i, r in enumerate(FIGHT + FIGHT_MORE[:2])]
        stray = add_ready(session, "r0", *DEFENCE[0], 6)
        ruud = [add_ready(session, f"r{i}", *DEFENCE[i], 6 + i) for i in range(1, 5)]
        story_ids = []
        for documents in ([*pell, stray], ruud):
            vectors = embedder.encode([embedding_text(d.title, d.text, 120) for d in documents])
            times = [d.published_at for d in documents]
            story = Story(first_report_at=min(times), last_report_at=max(times))
            session.add(story)
            session.flush()
            for document, vector in zip(documents, vectors, strict=True):
                document.embedding = to_bytes(vector)
                session.add(
                    StoryMember(
                        document_id=document.id, story_id=story.id, similarity=0.5, reason="x"
                    )
                )
            story_ids.append(story.id)
        pell.append(add_ready(session, "p6", *FIGHT_MORE[2], 11))
    first, second = story_ids
    run_pipeline(database, settings_for(database.url), embedder)  # the first reaches eight

    with database.session() as session:
        assert members(session, first) == {d.id for d in pell}
        assert members(session, second) == {d.id for d in [stray, *ruud]}
        moved = session.scalar(select(StoryMember).where(StoryMember.document_id == stray.id))
        assert moved.reason == (
            f"x; then regrouped: the 12 reports of stories {first} and {second} fell into "
            "2 events of 7, 5"
        )
        other = session.get(Story, second)
        assert other.merged_into_id is None
        assert other.first_report_at.replace(tzinfo=UTC) == START + timedelta(hours=6)
        assert session.get(Story, first).last_report_at.replace(tzinfo=UTC) == START + timedelta(
            hours=11
        )


REMATCH = [
    (
        "Marek and Pell agree to a rematch in Brennick",
        "Ivo Marek and Dario Pell will meet again in Brennick in March, promoters said on "
        "Monday. Pell asked for the rematch after losing in seven rounds; Marek agreed to a "
        "purse of 12 million. Marek said the second fight would end sooner.",
    ),
    (
        "Pell gets his rematch with Marek",
        "Dario Pell will get a second shot at Ivo Marek's heavyweight title: the two signed on "
        "Monday for a rematch in Brennick in March. Pell said he had learned from his defeat; "
        "Marek called the 12 million purse fair.",
    ),
]


def test_a_follow_up_is_its_own_story_and_the_pages_link_the_thread(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    fight = stored_fight(database, embedder)
    with database.transaction() as session:
        rematch = [add_ready(session, k, *REMATCH[i], 48 + i) for i, k in enumerate("cd")]
    run_pipeline(database, settings_for(database.url), embedder)

    with database.session() as session:
        first = story_of(session, fight[0])
        later = story_of(session, rematch[0])
        assert first != later
        assert members(session, later) == {d.id for d in rematch}
        assert session.get(Story, later).thread_id == first
        assert session.get(Story, later).thread_reason.startswith(f"continues story {first}: ")
        assert session.get(Story, first).thread_id is None

    client = TestClient(create_app(settings_for(database.url), database))
    later_page = client.get(f"/story/{later}").text
    first_page = client.get(f"/story/{first}").text
    earlier_section = later_page.split("Earlier in this story", 1)[1].split("</section>", 1)[0]
    assert f'href="/story/{first}/' in earlier_section
    later_section = first_page.split("Later in this story", 1)[1].split("</section>", 1)[0]
    assert f'href="/story/{later}/' in later_section


def test_an_opinion_is_placed_with_the_worker_s_stories_as_with_the_database_s(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    """A worker that keeps the clusterer between steps places a piece set aside by the stories
    it keeps; a fresh one by the stories it reads: the same story either way, and the piece is
    never among the story's reports."""
    with database.transaction() as session:
        fight = [add_ready(session, k, *FIGHT[i], i) for i, k in enumerate("abc")]
        add_ready(session, "d", *BANK, 1)
    worker = StageContext(database, settings_for(database.url), embedder)
    embed_step(worker)
    cluster_step(worker)
    assert "cluster" in worker.kept  # the worker keeps its clusterer for the next step

    placed = {}
    fresh = StageContext(database, worker.settings, embedder)  # a new worker: nothing kept
    for key, context in (("kept", worker), ("fresh", fresh)):
        with database.transaction() as session:
            column = add_ready(session, f"op-{key}", *OPINION, 5)
            column.status, column.kind = DocumentStatus.ASIDE, "opinion"
        report = cluster_step(context)
        assert report.asides == 1 and report.errors == {}
        with database.session() as session:
            placed[key] = session.get(StoryAside, column.id).story_id
            assert session.get(StoryMember, column.id) is None
    with database.session() as session:
        fight_story = session.get(StoryMember, fight[0].id).story_id
    assert placed == {"kept": fight_story, "fresh": fight_story}


OPINION = (
    "Opinion | Pell deserved better from the Brennick referee",
    "Ivo Marek kept his heavyweight title against Dario Pell in Brennick, but in my view the "
    "referee stopped the seventh round too early. Pell should get his rematch with Marek.",
)


# Title-case headlines (no names to trust) of a game's launch, and of its patch a day later.
LAUNCH = [
    "Quasarfall Launch Day Brings Long Queues And Server Trouble",
    "Quasarfall Servers Buckle On Launch Day",
    "Players Queue For Hours As Quasarfall Launches",
]
PATCH = ["Quasarfall Gets First Patch After Rocky Launch", "Quasarfall Patch Fixes Server Queues"]


def test_the_coverages_rebuilt_at_the_end_of_a_step_are_stored(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    """At the end of a step the active coverages are rebuilt from their stories (average
    linkage, `coverage.regroup`): the patch a day after the launch is likelier one topic with
    it than not, though below the bar of a join that is never undone (its first headline
    alone, and both together), and the database keeps it in the launch's thread with the
    regroup's reason."""
    with database.transaction() as session:
        launch = [add_ready(session, f"l{i}", t, "", i / 10) for i, t in enumerate(LAUNCH)]
        patch = [add_ready(session, f"p{i}", t, "", 30 + i / 10) for i, t in enumerate(PATCH)]
    run_pipeline(database, settings_for(database.url), embedder)

    with database.session() as session:
        first = story_of(session, launch[0])
        later = story_of(session, patch[0])
        assert members(session, first) == {d.id for d in launch}
        assert members(session, later) == {d.id for d in patch}
        assert session.get(Story, first).thread_id is None
        assert session.get(Story, later).thread_id == first
        assert session.get(Story, later).thread_reason.startswith("coverage regrouped: ")
