"""A story's state, and what readers see: the published version, whatever waits behind it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from fight import FIGHT, add_ready, settings_for, stored_fight
from sqlalchemy import select

from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import Article, Story, StoryMember, utcnow
from gazette.db.reports import latest_article
from gazette.db.states import StoryState, move
from gazette.embedding import MiniLMEmbedder
from gazette.errors import InvalidStoryMove
from gazette.pipeline import run_pipeline
from gazette.publish.stage import publish
from gazette.web import create_app

CLUSTERED, WRITTEN, TAGGED = StoryState.CLUSTERED, StoryState.WRITTEN, StoryState.TAGGED
PUBLISHED, MERGED, UNWRITTEN = StoryState.PUBLISHED, StoryState.MERGED, StoryState.UNWRITTEN
# Written out here rather than read from the module, so that a changed rule fails this test.
EXPECTED_MOVES = {
    (CLUSTERED, CLUSTERED),
    (CLUSTERED, WRITTEN),
    (CLUSTERED, MERGED),
    (WRITTEN, TAGGED),
    (WRITTEN, CLUSTERED),
    (WRITTEN, MERGED),
    (TAGGED, PUBLISHED),
    (TAGGED, CLUSTERED),
    (TAGGED, MERGED),
    (PUBLISHED, CLUSTERED),
    (PUBLISHED, TAGGED),  # an editor's edit or unpublishing
    (PUBLISHED, MERGED),
    (CLUSTERED, UNWRITTEN),  # nothing to write from
    (UNWRITTEN, CLUSTERED),  # a report joins it
    (UNWRITTEN, MERGED),
}


@dataclass
class FakeStory:
    id: int
    state: str


@pytest.mark.parametrize(("start", "to"), list(itertools.product(StoryState, StoryState)))
def test_each_move_between_states_is_made_or_refused(start: StoryState, to: StoryState) -> None:
    story = FakeStory(7, start.value)
    if (start, to) in EXPECTED_MOVES:
        move(story, to)
        assert story.state == to.value
    else:
        with pytest.raises(InvalidStoryMove, match=f"story 7 cannot move from {start} to {to}"):
            move(story, to)
        assert story.state == start.value  # a refused move changes nothing


def held(database: Database) -> Settings:
    settings = settings_for(database.url)
    return settings.model_copy(
        update={"write": settings.write.model_copy(update={"auto_publish": False})}
    )


def the_story(database: Database, document_id: int) -> Story:
    with database.session() as session:
        story_id = session.scalar(
            select(StoryMember.story_id).where(StoryMember.document_id == document_id)
        )
        return session.get(Story, story_id)


def references_shown(client: TestClient, story_id: int) -> int:
    page = client.get(f"/story/{story_id}")
    assert page.status_code == 200, page.text
    return page.text.count('id="ref-')


def test_a_published_story_stays_up_at_its_version_while_a_new_one_waits_for_an_editor(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    client = TestClient(create_app(held(database), database))
    with database.transaction() as session:
        first = [add_ready(session, k, *FIGHT[i], i) for i, k in enumerate("ab")]
    report = run_pipeline(database, held(database), embedder)
    assert report.publish.published == 0 and report.publish.awaiting_review == 1
    story = the_story(database, first[0].id)
    assert story.state == TAGGED and story.published_article_id is None
    assert client.get(f"/story/{story.id}").status_code == 404  # nothing published yet
    assert f"/story/{story.id}/" not in client.get("/").text

    with database.transaction() as session:  # an editor publishes version 1
        row = session.get(Story, story.id)
        publish(row, latest_article(session, story.id), utcnow())
        first_version = row.published_article_id
    assert references_shown(client, story.id) == 2

    # A third outlet reports the fight: version 2 is written and waits; readers keep version 1.
    with database.transaction() as session:
        add_ready(session, "c", *FIGHT[2], 2)
    report = run_pipeline(database, held(database), embedder)
    assert report.write.written == 1 and report.publish.awaiting_review == 1
    with database.session() as session:
        row = session.get(Story, story.id)
        assert row.state == TAGGED and row.published_article_id == first_version
        assert latest_article(session, story.id).version == 2
    assert references_shown(client, story.id) == 2
    assert f"/story/{story.id}/" in client.get("/").text

    # With auto-publish the waiting version goes out on the next pass.
    auto = settings_for(database.url)
    report = run_pipeline(database, auto, embedder)
    assert report.publish.published == 1
    assert references_shown(TestClient(create_app(auto, database)), story.id) == 3
    with database.session() as session:
        newest = latest_article(session, story.id)
        assert session.get(Story, story.id).published_article_id == newest.id
        assert newest.published_at is not None


def test_a_version_rewritten_to_the_same_text_is_published_again_without_an_editor(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    fight = stored_fight(database, embedder)  # auto-published
    story = the_story(database, fight[0].id)
    with database.transaction() as session:
        move(session.get(Story, story.id), CLUSTERED)  # as a changed membership would
    report = run_pipeline(database, held(database), embedder)
    assert report.write.unchanged == 1 and report.publish.published == 1
    with database.session() as session:
        row = session.get(Story, story.id)
        assert row.state == PUBLISHED and row.published_article_id == story.published_article_id
        assert session.scalar(select(Article.version).where(Article.story_id == story.id)) == 1
