"""What the tag stage reads: a story's reports, their texts and stored embeddings in one read,
and a stored vector no model of ours wrote left out rather than failing the story."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fight import START, add_ready
from reports import source
from sqlalchemy import event
from tagged import tags_of

from gazette.cluster.stream import embedding_text
from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import Story, StoryMember
from gazette.db.states import StoryState
from gazette.embedding import MiniLMEmbedder, to_bytes
from gazette.tag.stage import tag_step, tag_story
from gazette.work import StageContext

# A strike in the military sense: its keyword proposes Labour, its meaning does not.
RAID = ("Drone strike hits northern Iraq", "A drone hit a convoy, killing three militants.")


def written_story(database: Database, embedding: bytes | None) -> int:
    """A written story of one report (RAID) with this stored embedding."""
    with database.transaction() as session:
        story = Story(state=StoryState.WRITTEN.value, first_report_at=START, last_report_at=START)
        session.add(story)
        session.flush()
        document = add_ready(session, "a", *RAID, 0)
        document.embedding = embedding
        session.add(
            StoryMember(document_id=document.id, story_id=story.id, similarity=1, reason="")
        )
        return story.id


@contextmanager
def documents_read(database: Database) -> Iterator[list[str]]:
    """The statements run while the block runs that read the documents table."""
    statements: list[str] = []

    def seen(connection: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM documents" in statement:
            statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)


def topics(database: Database, story_id: int) -> set[str]:
    return {name for _, name, kind in tags_of(database, story_id) if kind == "topic"}


def test_one_read_of_the_reports_gives_the_tagger_their_texts_and_embeddings(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    settings = Settings(database_url=database.url)
    text = embedding_text(*RAID, settings.cluster.lead_words)
    story_id = written_story(database, to_bytes(embedder.encode([text])[0]))
    with documents_read(database) as statements:
        report = tag_step(StageContext(database, settings, None))
    assert report.tagged == 1 and report.errors == {}
    assert len(statements) == 1, statements
    assert "Labour" not in topics(database, story_id)  # the embedding was weighed
    database.dispose()


def test_a_stored_vector_of_another_size_is_left_out_not_a_failure(database: Database) -> None:
    settings = Settings(database_url=database.url)
    story_id = written_story(database, b"\x00" * 12)  # three floats: no model of ours
    report = tag_step(StageContext(database, settings, None))
    assert report.tagged == 1 and report.errors == {}
    assert "Labour" in topics(database, story_id)  # the keyword alone, as with none
    with database.session() as session:
        assert session.get(Story, story_id).state == StoryState.TAGGED
    database.dispose()


def story_of(database: Database, reports: list[tuple[str, str, str]]) -> int:
    """A written story of these (outlet key, title, text) reports, with no stored embeddings."""
    with database.transaction() as session:
        story = Story(state=StoryState.WRITTEN.value, first_report_at=START, last_report_at=START)
        session.add(story)
        session.flush()
        for key, title, text in reports:
            document = add_ready(session, key, title, text, 0)
            session.add(
                StoryMember(document_id=document.id, story_id=story.id, similarity=1, reason="")
            )
        return story.id


def test_a_full_name_is_learnt_for_the_next_story_of_the_same_batch(database: Database) -> None:
    first = story_of(
        database,
        [
            (key, "Donald Trump meets Ilse Varga in Geneva", "Donald Trump met Ilse Varga.")
            for key in ("a", "b")
        ],
    )
    second = story_of(
        database,
        [
            (key, "Trump signs the tariff order", "Trump signed the order on Monday.")
            for key in ("c", "d")
        ],
    )
    settings = Settings(database_url=database.url)
    tag_story([source("x", "Outlet", "Warm-up", "The models load before the batch is timed.")])
    report = tag_step(StageContext(database, settings, None))
    assert report.tagged == 2 and report.errors == {} and not report.more  # one batch
    assert ("Donald Trump", "person") in {(n, k) for _, n, k in tags_of(database, first)}
    people = {name for _, name, kind in tags_of(database, second) if kind == "person"}
    assert people == {"Donald Trump"}  # as if the first had been tagged in an earlier batch
    database.dispose()
