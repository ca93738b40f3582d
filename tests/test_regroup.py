"""Fixing the clustering by hand (gazette/regroup.py), on SQLite and PostgreSQL: each operation,
the pipeline keeping the editor's decision on later runs where the clusterer alone decides
otherwise, new reports still joining, the stories rewritten, the audit log, the command line."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from conftest import POSTGRES_URL
from fight import BANK, FIGHT, FIGHT_MORE, add_ready, members, settings_for
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from gazette import regroup
from gazette.cli import app
from gazette.config import WriteSettings
from gazette.db import Database
from gazette.db.models import (
    Article,
    ArticleReference,
    AuditEntry,
    Document,
    DocumentStatus,
    StageState,
    Story,
    StoryMember,
    StorySeparation,
)
from gazette.db.states import StoryState
from gazette.embedding import MiniLMEmbedder
from gazette.errors import InputError, NotFound
from gazette.pipeline import run_pipeline
from gazette.web.desk.queries import waiting_for_review
from gazette.worker import Worker

EDITOR = "ann"


@contextmanager
def own_postgres(request: pytest.FixtureRequest) -> Iterator[Database]:
    """An empty, migrated PostgreSQL schema made for one test alone (the session's schema is
    shared by every test)."""
    request.getfixturevalue("postgres_url")  # skips (or fails in CI) without PostgreSQL
    schema = f"gazette_regroup_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    database = Database(f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}")
    database.migrate()
    try:
        yield database
    finally:
        database.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Database]:
    """An empty, migrated database of the test's own: a SQLite file, then a PostgreSQL schema."""
    if request.param == "postgresql":
        with own_postgres(request) as database:
            yield database
        return
    database = Database(sqlite_url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def postgres(request: pytest.FixtureRequest) -> Iterator[Database]:
    with own_postgres(request) as database:
        yield database


def story_of(session: Session, document_id: int) -> int:
    return session.scalar(
        select(StoryMember.story_id).where(StoryMember.document_id == document_id)
    )


def run(database: Database, embedder: MiniLMEmbedder, **write: object) -> None:
    settings = settings_for(database.url)
    if write:
        settings = settings.model_copy(update={"write": WriteSettings(**write)})
    report = run_pipeline(database, settings, embedder)
    assert not report.cluster.errors and not report.write.errors


def fight_story(database: Database, embedder: MiniLMEmbedder, count: int) -> tuple[int, list[int]]:
    """`count` reports of the fight, clustered and published as one story by a run."""
    with database.transaction() as session:
        documents = [add_ready(session, f"f{i}", *FIGHT[i], i) for i in range(count)]
    run(database, embedder)
    ids = [d.id for d in documents]
    with database.session() as session:
        stories = {story_of(session, d) for d in ids}
    assert len(stories) == 1
    return stories.pop(), ids


def add_more(database: Database, keys: list[int], hours: float = 5) -> list[int]:
    with database.transaction() as session:
        return [add_ready(session, f"m{i}", *FIGHT_MORE[i], hours + i / 10).id for i in keys]


def audit_rows(database: Database) -> list[AuditEntry]:
    with database.session() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def cluster_generation(database: Database) -> int:
    with database.session() as session:
        return session.get(StageState, "cluster").generation


def references(session: Session, story_id: int) -> set[int]:
    """The reports cited by the newest version of the story's article."""
    newest = session.scalar(
        select(Article.id)
        .where(Article.story_id == story_id)
        .order_by(Article.version.desc())
        .limit(1)
    )
    return set(
        session.scalars(
            select(ArticleReference.document_id).where(ArticleReference.article_id == newest)
        )
    )


def split_by_hand(database: Database, story_id: int, leaving: list[int]) -> int:
    """What a split would be without the editor's decision stored: the rows moved, no more."""
    with database.transaction() as session:
        times = session.execute(
            select(func.min(Document.published_at), func.max(Document.published_at)).where(
                Document.id.in_(leaving)
            )
        ).one()
        story = Story(first_report_at=times[0], last_report_at=times[1])
        session.add(story)
        session.flush()
        for report in leaving:
            session.get(StoryMember, report).story_id = story.id
        return story.id


# The split ------------------------------------------------------------------------------------


def test_a_split_is_kept_on_later_runs_and_new_reports_still_join(
    fresh: Database, embedder: MiniLMEmbedder, tmp_path: pytest.TempPathFactory
) -> None:
    """Without the decision stored, the next reports of the event bring the two halves back
    together; with it, they never merge again, and the new reports join one of them."""
    control = Database(f"sqlite:///{tmp_path}/control.db")
    control.migrate()
    control_story, control_ids = fight_story(control, embedder, 4)
    control_new = split_by_hand(control, control_story, control_ids[2:])
    add_more(control, [0, 1, 2, 3])
    run(control, embedder)
    with control.session() as session:
        assert story_of(session, control_ids[0]) == story_of(session, control_ids[2])
        assert session.get(Story, control_new).merged_into_id is not None

    story_id, ids = fight_story(fresh, embedder, 4)
    before = cluster_generation(fresh)
    with fresh.transaction() as session:
        outcome = regroup.split_story(session, story_id, ids[2:], EDITOR, "192.0.2.7")
    assert outcome.changed
    new_id = outcome.story_id
    assert outcome.rewritten == (story_id, new_id)
    assert cluster_generation(fresh) == before + 1  # a worker's clusterer reads the stories again
    with fresh.session() as session:
        assert members(session, story_id) == set(ids[:2])
        assert members(session, new_id) == set(ids[2:])
        pair = session.scalar(select(StorySeparation))
        assert (pair.story_id, pair.other_id) == (story_id, new_id)
        assert all(session.get(StoryMember, report).pinned for report in ids)
        moved = session.get(StoryMember, ids[2])
        assert moved.reason.endswith(
            f"; then split from story {story_id} into story {new_id} by ann"
        )
        for story in (story_id, new_id):
            assert session.get(Story, story).state == StoryState.CLUSTERED
    [entry] = audit_rows(fresh)
    assert (entry.actor, entry.action, entry.target) == (EDITOR, "story.split", f"story {story_id}")
    assert entry.detail == f"reports {ids[2]}, {ids[3]} split off into the new story {new_id}"
    assert entry.address == "192.0.2.7"

    run(fresh, embedder)  # both stories are written again, each from its own reports
    with fresh.session() as session:
        assert references(session, story_id) == set(ids[:2])
        assert references(session, new_id) == set(ids[2:])
        assert session.get(Story, new_id).state == StoryState.PUBLISHED

    later = add_more(fresh, [0, 1, 2, 3])
    run(fresh, embedder)
    with fresh.session() as session:
        first, second = members(session, story_id), members(session, new_id)
        assert set(ids[:2]) <= first and set(ids[2:]) <= second
        assert first | second == set(ids) | set(later)  # the new reports joined, no new story
        assert session.get(Story, new_id).merged_into_id is None
        assert session.get(Story, story_id).merged_into_id is None

    # The same split asked again changes nothing and logs nothing.
    with fresh.transaction() as session:
        again = regroup.split_story(session, story_id, ids[2:], EDITOR)
    assert not again.changed and again.story_id == new_id
    assert len(audit_rows(fresh)) == 1


def test_a_split_is_refused_when_it_names_no_report_all_of_them_or_another_storys(
    fresh: Database, embedder: MiniLMEmbedder
) -> None:
    story_id, ids = fight_story(fresh, embedder, 3)
    with fresh.transaction() as session:
        bank = add_ready(session, "bank", *BANK, 1)
    cases: list[tuple[Callable[[Session], object], type[Exception], str]] = [
        (lambda s: regroup.split_story(s, story_id, [], EDITOR), InputError, "choose the reports"),
        (lambda s: regroup.split_story(s, story_id, ids, EDITOR), InputError, "leave at least one"),
        (lambda s: regroup.split_story(s, 10**30, ids, EDITOR), NotFound, "there is no story"),
        (lambda s: regroup.split_story(s, story_id, [ids[0], bank.id], EDITOR), InputError,
         f"report {bank.id} is in no story yet"),
        (lambda s: regroup.split_story(s, story_id, [10**30], EDITOR), NotFound, "no report"),
    ]  # fmt: skip
    for operation, error, message in cases:
        with pytest.raises(error, match=message), fresh.transaction() as session:
            operation(session)
    with fresh.session() as session:
        assert members(session, story_id) == set(ids)
        assert session.scalar(select(func.count()).select_from(StorySeparation)) == 0
    assert audit_rows(fresh) == []


# Moving a report ------------------------------------------------------------------------------


def test_a_report_moved_out_is_never_put_back(fresh: Database, embedder: MiniLMEmbedder) -> None:
    story_id, ids = fight_story(fresh, embedder, 3)
    with fresh.transaction() as session:
        outcome = regroup.move_report(session, ids[2], None, EDITOR)
    new_id = outcome.story_id
    assert outcome.changed and new_id != story_id
    assert outcome.message == f"report {ids[2]} moved from story {story_id} to a new story {new_id}"
    with fresh.session() as session:
        assert members(session, new_id) == {ids[2]}
        assert session.get(StoryMember, ids[2]).pinned
        assert not session.get(StoryMember, ids[0]).pinned
        new_story = session.get(Story, new_id)
        assert new_story.first_report_at == session.get(Document, ids[2]).published_at
    with fresh.transaction() as session:  # alone in a story already: nothing to move
        alone = regroup.move_report(session, ids[2], None, EDITOR)
    assert not alone.changed and alone.story_id == new_id

    later = add_more(fresh, [0, 1, 2])
    run(fresh, embedder)
    with fresh.session() as session:
        assert members(session, new_id) & set(ids) == {ids[2]}
        assert set(ids[:2]) <= members(session, story_id)
        assert members(session, story_id) | members(session, new_id) == set(ids) | set(later)
    [entry] = audit_rows(fresh)
    assert (entry.action, entry.target) == ("story.report_moved", f"report {ids[2]}")
    assert entry.detail == f"from story {story_id} to a new story {new_id}"

    with fresh.transaction() as session:  # moving it to where it is: nothing more to do
        again = regroup.move_report(session, ids[2], new_id, EDITOR)
    assert not again.changed and len(audit_rows(fresh)) == 1


def test_a_report_an_editor_placed_is_never_moved_by_the_clusterer(
    fresh: Database, embedder: MiniLMEmbedder, tmp_path: pytest.TempPathFactory
) -> None:
    """A bank report placed in the fight story stays there when the story grows to a review at
    which the clusterer would release it (as it does a report nobody placed)."""
    outcomes = {}
    control = Database(f"sqlite:///{tmp_path}/control.db")
    control.migrate()
    for database, placed in ((control, False), (fresh, True)):
        story_id, _ = fight_story(database, embedder, 2)
        with database.transaction() as session:
            bank = add_ready(session, "bank", *BANK, 1)
        run(database, embedder)
        with database.transaction() as session:
            bank_story = story_of(session, bank.id)
            assert bank_story != story_id
            if placed:
                regroup.move_report(session, bank.id, story_id, EDITOR)
            else:
                session.get(StoryMember, bank.id).story_id = story_id
        with database.transaction() as session:
            add_ready(session, "f2", *FIGHT[2], 2)
            add_ready(session, "f3", *FIGHT[3], 3)
        run(database, embedder)  # four reports of the fight and the bank's: a review
        with database.session() as session:
            outcomes[placed] = story_of(session, bank.id) == story_id
            if placed:  # its old story, left empty, leads to the fight story
                old = session.get(Story, bank_story)
                assert old.merged_into_id == story_id and old.state == StoryState.MERGED
    assert outcomes == {False: False, True: True}


def test_moving_a_report_is_refused_with_a_reason(
    fresh: Database, embedder: MiniLMEmbedder
) -> None:
    story_id, ids = fight_story(fresh, embedder, 2)
    with fresh.transaction() as session:
        moved = regroup.move_report(session, ids[1], None, EDITOR)
        merged = regroup.merge_stories(session, moved.story_id, story_id, EDITOR)
    assert merged.changed
    with fresh.transaction() as session:
        opinion = add_ready(session, "opinion", *FIGHT[3], 3)
        opinion.status, opinion.kind = DocumentStatus.ASIDE, "opinion"
    cases = [
        (ids[0], moved.story_id, InputError, f"story {moved.story_id} was merged into story"),
        (opinion.id, story_id, InputError, r"is not a news report \(opinion\): it is never put"),
        (ids[0], 10**25, NotFound, f"there is no story {10**25}"),
        (10**25, story_id, NotFound, "there is no report"),
    ]
    for report, target, error, message in cases:
        with pytest.raises(error, match=message), fresh.transaction() as session:
            regroup.move_report(session, report, target, EDITOR)


# Merging --------------------------------------------------------------------------------------


def test_a_merge_is_kept_and_the_merged_page_leads_to_the_survivor(
    fresh: Database, embedder: MiniLMEmbedder
) -> None:
    from fastapi.testclient import TestClient

    from gazette.web import create_app

    story_id, ids = fight_story(fresh, embedder, 2)
    with fresh.transaction() as session:
        bank = add_ready(session, "bank", *BANK, 1)
    run(fresh, embedder)
    with fresh.session() as session:
        bank_story = story_of(session, bank.id)
    with fresh.transaction() as session:
        outcome = regroup.merge_stories(session, bank_story, story_id, EDITOR)
    assert outcome.changed and outcome.story_id == story_id
    with fresh.session() as session:
        absorbed = session.get(Story, bank_story)
        assert absorbed.state == StoryState.MERGED and absorbed.merged_into_id == story_id
        assert absorbed.merge_reason == f"merged into story {story_id} by ann"
        assert members(session, story_id) == {*ids, bank.id}
        assert all(session.get(StoryMember, r).pinned for r in (*ids, bank.id))

    more = add_more(fresh, [0, 1])  # the story reaches four: a review, and the bank stays
    run(fresh, embedder)
    with fresh.session() as session:
        assert members(session, story_id) == {*ids, bank.id, *more}
        assert references(session, story_id) >= {bank.id}

    client = TestClient(create_app(settings_for(fresh.url), fresh))
    old = client.get(f"/story/{bank_story}", follow_redirects=False)
    assert old.status_code == 308 and old.headers["location"].startswith(f"/story/{story_id}/")

    with fresh.transaction() as session:
        again = regroup.merge_stories(session, bank_story, story_id, EDITOR)
    assert not again.changed
    entries = audit_rows(fresh)
    assert [(e.action, e.target) for e in entries] == [("story.merged", f"story {bank_story}")]
    with pytest.raises(InputError, match="into itself"), fresh.transaction() as session:
        regroup.merge_stories(session, story_id, story_id, EDITOR)


def test_merging_two_stories_an_editor_kept_apart_ends_that_decision(
    fresh: Database, embedder: MiniLMEmbedder
) -> None:
    story_id, ids = fight_story(fresh, embedder, 3)
    with fresh.transaction() as session:
        split = regroup.split_story(session, story_id, [ids[2]], EDITOR)
        regroup.merge_stories(session, split.story_id, story_id, EDITOR)
    with fresh.session() as session:
        assert session.scalar(select(func.count()).select_from(StorySeparation)) == 0
        assert members(session, story_id) == set(ids)


# The desk's queue and the worker --------------------------------------------------------------


def test_without_auto_publish_the_regrouped_stories_wait_for_an_editor(
    fresh: Database, embedder: MiniLMEmbedder
) -> None:
    story_id, ids = fight_story(fresh, embedder, 4)
    with fresh.session() as session:
        published = session.get(Story, story_id).published_article_id
    with fresh.transaction() as session:
        new_id = regroup.split_story(session, story_id, ids[2:], EDITOR).story_id
    run(fresh, embedder, auto_publish=False)
    with fresh.session() as session:
        for story in (story_id, new_id):
            assert session.get(Story, story).state == StoryState.TAGGED
        assert session.get(Story, story_id).published_article_id == published  # readers' text
        waiting = {item.story_id for item in waiting_for_review(session, 10)}
        assert waiting == {story_id, new_id}


def test_a_running_worker_learns_the_decision_before_its_next_report(
    fresh: Database, embedder: MiniLMEmbedder
) -> None:
    """The worker keeps its clusterer between steps; a split made meanwhile is not undone by
    what it remembered."""
    with fresh.transaction() as session:
        ids = [add_ready(session, f"f{i}", *FIGHT[i], i).id for i in range(4)]
    worker = Worker(fresh, settings_for(fresh.url), embedder)
    while worker.round():
        pass
    assert "cluster" in worker.context.kept
    with fresh.session() as session:
        story_id = story_of(session, ids[0])
    with fresh.transaction() as session:
        new_id = regroup.split_story(session, story_id, ids[2:], EDITOR).story_id
    later = add_more(fresh, [0, 1, 2, 3])
    while worker.round():
        pass
    with fresh.session() as session:
        first, second = members(session, story_id), members(session, new_id)
        assert set(ids[:2]) <= first and set(ids[2:]) <= second
        assert first | second == set(ids) | set(later)
        assert session.get(Story, new_id).merged_into_id is None


# The command line -----------------------------------------------------------------------------


def test_the_command_line_moves_merges_and_splits(
    fresh: Database, embedder: MiniLMEmbedder
) -> None:
    story_id, ids = fight_story(fresh, embedder, 4)
    runner = CliRunner()

    def gazette(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["--database", fresh.url, "stories", *args])
        return result.exit_code, result.output

    code, said = gazette("split", str(story_id), "--reports", f"{ids[2]}, {ids[3]}")
    assert code == 0, said
    with fresh.session() as session:
        new_id = story_of(session, ids[2])
    assert said.startswith(f"2 reports split off story {story_id} into the new story {new_id}")
    assert f"stories {story_id}, {new_id} will be written again" in said
    told = runner.invoke(app, ["--database", fresh.url, "story", str(new_id)])
    assert f"kept apart by an editor from story {story_id}\n" in told.output

    code, said = gazette("move", str(ids[3]), "--to", str(story_id))
    assert code == 0 and f"moved from story {new_id} to story {story_id}" in said
    code, said = gazette("move", str(ids[3]), "--to", str(story_id))
    assert code == 0 and said.startswith("nothing to do: ")
    code, said = gazette("merge", str(new_id), str(story_id))
    assert code == 0 and f"story {new_id} merged into story {story_id}" in said
    with fresh.session() as session:
        assert members(session, story_id) == set(ids)

    refusals = [
        (("move", str(ids[0])), "give either --to STORY or --new"),
        (("move", str(ids[0]), "--to", "5", "--new"), "give either --to STORY or --new"),
        (("move", str(ids[0]), "--to", str(10**30)), f"there is no story {10**30}"),
        (("merge", str(story_id), str(story_id)), "into itself"),
        (("split", str(story_id), "--reports", "3;4"), "not '3;4'"),
        (("split", str(new_id), "--reports", str(ids[0])), f"was merged into story {story_id}"),
    ]
    for args, message in refusals:
        code, said = gazette(*args)
        assert code == 2, (args, said)
        assert message in " ".join(said.split()), (args, said)
    actions = [entry.action for entry in audit_rows(fresh)]
    assert actions == ["story.split", "story.report_moved", "story.merged"]
    assert all(entry.actor.startswith("cli") for entry in audit_rows(fresh))

    told = runner.invoke(app, ["--database", fresh.url, "story", str(story_id)])
    assert told.exit_code == 0
    assert told.output.count("(placed by an editor)") == 4
    assert "kept apart" not in told.output  # the merge ended the split's separation


def test_an_editor_waits_for_a_cluster_step_in_flight(postgres: Database) -> None:
    """An editor's change takes the cluster stage's lock: while a step holds it, the change
    waits (here: gives up after half a second) and nothing of it is stored. (On SQLite, one
    writer at a time: the write lock already serializes them.)"""
    from sqlalchemy.exc import OperationalError

    from gazette.work import serialized

    with postgres.transaction() as session:
        documents = [add_ready(session, f"d{i}", *FIGHT[i], i) for i in range(3)]
        story = Story(
            first_report_at=documents[0].published_at, last_report_at=documents[-1].published_at
        )
        session.add(story)
        session.flush()
        for document in documents:
            session.add(
                StoryMember(document_id=document.id, story_id=story.id, similarity=1, reason="x")
            )
    with postgres.session() as step:
        serialized(step, "cluster")  # a cluster step in flight
        with pytest.raises(OperationalError), postgres.transaction() as session:
            session.execute(text("SET LOCAL lock_timeout = '500ms'"))
            regroup.split_story(session, story.id, [documents[2].id], EDITOR)
    with postgres.session() as session:
        assert members(session, story.id) == {d.id for d in documents}
    with postgres.transaction() as session:  # the step done, the change goes through
        assert regroup.split_story(session, story.id, [documents[2].id], EDITOR).changed
