"""What the write stage keeps between runs: a story written again in a new process reads its
reports from the database (sentences and vectors) instead of splitting and embedding them."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from fight import FIGHT, settings_for, stored_fight
from sqlalchemy import func, select, update

from gazette.db import Database
from gazette.db.memo import keep, recall, text_key
from gazette.db.models import Memo, Story, utcnow
from gazette.db.states import StoryState, move
from gazette.embedding import MiniLMEmbedder
from gazette.sentences import split_sentences, splits
from gazette.work import StageContext
from gazette.write.memory import (
    KEEP_DAYS,
    StoredEmbedder,
    forget_in_process,
    forget_old,
    keep_splits,
    recall_splits,
)
from gazette.write.stage import article_version, write_step


class CountingEmbedder:
    """The real model, noting every text it is asked to embed."""

    def __init__(self, embedder: MiniLMEmbedder) -> None:
        self.inner = embedder
        self.name = embedder.name
        self.asked: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.asked.extend(texts)
        return self.inner.encode(texts)


@pytest.fixture
def any_database(each_database_url: str) -> Database:
    database = Database(each_database_url)
    database.migrate()
    with database.transaction() as session:
        session.execute(Memo.__table__.delete())
    return database


def test_vectors_come_from_the_database_the_second_time(
    any_database: Database, embedder: MiniLMEmbedder
) -> None:
    texts = [
        "The ferry left Port Calder at dawn.",
        "Storms closed the harbour.",
        "Storms closed the harbour.",
    ]
    first = CountingEmbedder(embedder)
    with any_database.transaction() as session:
        fresh = StoredEmbedder(session, first).encode(texts)
    assert first.asked == texts[:2]

    again = CountingEmbedder(embedder)
    with any_database.transaction() as session:
        stored = StoredEmbedder(session, again).encode(texts[::-1])
    assert again.asked == []
    assert np.array_equal(stored, fresh[::-1])
    assert stored.shape == (3, 384)


def test_a_memo_kept_twice_is_stored_once_and_not_changed(any_database: Database) -> None:
    key = text_key("a report")
    with any_database.transaction() as session:
        keep(session, "test", {key: b"first"})
    with any_database.transaction() as session:
        keep(session, "test", {key: b"second", text_key("another"): b"other"})
    with any_database.session() as session:
        assert recall(session, "test", [key, text_key("another"), text_key("none")]) == {
            key: b"first",
            text_key("another"): b"other",
        }
        assert session.scalar(select(func.count()).select_from(Memo)) == 2


def test_a_story_written_again_in_a_new_process_splits_and_embeds_nothing(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    stored_fight(database, embedder)
    texts = [text for _, text in FIGHT[:2]]
    forget_in_process()  # as in a new process
    with database.session() as session:
        assert recall_splits(session, texts) == []
    assert all(splits.get(text) is not None for text in texts)

    counting = CountingEmbedder(embedder)
    with database.transaction() as session:
        story = session.scalars(select(Story).order_by(Story.id)).first()
        before = [s.text for s in article_version(session, story.id).sentences]
        move(story, StoryState.CLUSTERED)
    report = write_step(StageContext(database, settings_for(database.url), counting))
    with database.session() as session:
        after = [s.text for s in article_version(session, story.id).sentences]
    assert counting.asked == []
    assert report.unchanged >= 1 and report.written == 0
    assert after == before


def test_splits_stored_are_the_splitter_s_own(database: Database) -> None:
    text = "Dr. Vela said the 3.5 km bridge opened. Traffic was light."
    with database.transaction() as session:
        assert recall_splits(session, [text]) == [text]
    with database.transaction() as session:
        keep_splits(session, [text])
    splits.clear()
    with database.session() as session:
        assert recall_splits(session, [text]) == []
    assert (
        list(splits.get(text) or ())
        == split_sentences(text)
        == [
            "Dr. Vela said the 3.5 km bridge opened.",
            "Traffic was light.",
        ]
    )


def test_old_memos_are_deleted_and_recent_ones_kept(database: Database) -> None:
    with database.transaction() as session:
        keep(session, "test", {"old": b"1", "new": b"2"})
        session.execute(
            update(Memo)
            .where(Memo.key == "old")
            .values(created_at=utcnow() - timedelta(days=KEEP_DAYS + 1))
        )
    with database.transaction() as session:
        assert forget_old(session) == 1
    with database.session() as session:
        assert recall(session, "test", ["old", "new"]) == {"new": b"2"}
