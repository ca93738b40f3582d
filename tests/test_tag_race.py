"""Two workers tagging at once on PostgreSQL: a tag both stories name is made once, and the
worker that comes second waits for it instead of failing its story (which would then wait a
back-off of minutes before it is published)."""

from __future__ import annotations

import threading

import pytest
from fight import START, add_ready
from helpers import waits_for_a_lock
from sqlalchemy import select

from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import Story, StoryMember, StoryTag, Tag
from gazette.db.states import StoryState
from gazette.tag.stage import TagReport, tag_step
from gazette.work import StageContext

REPORTS = [
    (
        "Varga opens the Northgate bridge",
        "Mayor Ilse Varga opened the Northgate bridge in Port Calder on Wednesday. "
        "Ilse Varga said the bridge would carry 20,000 cyclists a day.",
    ),
    (
        "Northgate bridge opens after delay",
        "Port Calder's mayor, Ilse Varga, cut the ribbon on the Northgate bridge. "
        "Varga thanked the builders.",
    ),
]


def written_story(session, reports: list[tuple[str, str]]) -> Story:  # type: ignore[no-untyped-def]
    story = Story(
        state=StoryState.WRITTEN.value, first_report_at=START, last_report_at=START, slug="bridge"
    )
    session.add(story)
    session.flush()
    for number, (title, body) in enumerate(reports):
        document = add_ready(session, str(number), title, body, number)
        session.add(
            StoryMember(document_id=document.id, story_id=story.id, similarity=1, reason="")
        )
    return story


def test_a_tag_made_by_another_worker_meanwhile_is_used_not_made_again(
    each_database_url: str,
) -> None:
    if not each_database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: two inserts never race there")
    database = Database(each_database_url)
    database.migrate()
    with database.transaction() as session:
        story_id = written_story(session, REPORTS).id
    context = StageContext(database, Settings(database_url=each_database_url), None)

    found: list[TagReport] = []
    with database.transaction() as other_worker:
        # Another worker's step has made the tag and not yet committed.
        made = Tag(slug="ilse-varga", name="Ilse Varga", kind="person")
        other_worker.add(made)
        other_worker.flush()
        tagging = threading.Thread(target=lambda: found.append(tag_step(context)))
        tagging.start()
        # The step comes to insert the same tag, and waits for this transaction to end.
        assert waits_for_a_lock(database, seconds=120)
        made_id = made.id
    tagging.join(60)

    assert found[0].tagged == 1 and not found[0].errors
    with database.session() as session:
        story = session.get(Story, story_id)
        assert story.state == StoryState.TAGGED.value and story.error is None
        tags = session.scalars(select(StoryTag.tag_id).where(StoryTag.story_id == story_id))
        assert made_id in set(tags)
        assert session.scalars(select(Tag.id).where(Tag.slug == "ilse-varga")).all() == [made_id]
    database.dispose()
