"""What the write stage keeps between runs: a story written again in a new process reads its
reports from the database (sentences and vectors) instead of splitting and embedding them."""

from __future__ import annotations

import tomllib
from contextlib import suppress
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from fight import FIGHT, settings_for, stored_fight
from sqlalchemy import func, select, update

from gazette.db import Database
from gazette.db.memo import keep, recall, text_key
from gazette.db.models import Memo, Story, utcnow
from gazette.db.states import StoryState, move
from gazette.embedding import MiniLMEmbedder
from gazette.records import SourceArticle
from gazette.sentences import split_sentences, splits
from gazette.work import StageContext
from gazette.write.compose import printable_sentences, write_article
from gazette.write.facts import claims_of, read_source
from gazette.write.memory import (
    KEEP_DAYS,
    READING_KIND,
    StoredEmbedder,
    forget_in_process,
    forget_old,
    keep_readings,
    keep_splits,
    recall_readings,
    recall_splits,
    stored_readings,
)
from gazette.write.quotes import find_quotes
from gazette.write.stage import article_version, write_step
from gazette.write.verify import check_support

DEMO_EVENTS = Path(__file__).parent.parent / "demo" / "events"


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


def _event_sources(name: str) -> list[SourceArticle]:
    """The reports of one demo event, as the writer reads them."""
    event = tomllib.loads((DEMO_EVENTS / name).read_text())
    return [
        SourceArticle(key=str(i), title=a["title"], text=a["body"], outlet=a["outlet"])
        for i, a in enumerate(event["articles"])
    ]


def _reading_memos(database: Database) -> int:
    with database.session() as session:
        return session.scalar(
            select(func.count()).select_from(Memo).where(Memo.kind == READING_KIND)
        )


def test_a_report_s_reading_read_back_is_the_reading_worked_out(
    any_database: Database, embedder: MiniLMEmbedder
) -> None:
    sources = _event_sources("05-ravel-floods.toml")
    forget_in_process()
    with any_database.transaction() as session, stored_readings(session, sources):
        fresh = write_article(sources, StoredEmbedder(session, embedder))
    assert _reading_memos(any_database) == len(sources)

    forget_in_process()  # as in a new process
    with any_database.transaction() as session:
        assert recall_splits(session, [s.text for s in sources]) == []
        assert recall_readings(session, sources) == []
    # what was handed back is what reading the report again gives, part by part
    for source in sources:
        assert read_source.known(source.text) == read_source.function(source.text)
        assert find_quotes.known(source.text) == find_quotes.function(source.text)
        key = (source.title, source.text, False)
        assert printable_sentences.known(key) == printable_sentences.function(*key)
        for _, text, _ in printable_sentences.function(*key):
            assert claims_of.known(text) == claims_of.function(text)
    with any_database.transaction() as session, stored_readings(session, sources):
        again = write_article(sources, StoredEmbedder(session, embedder))
    assert again == fresh
    assert _reading_memos(any_database) == len(sources)


def test_a_report_whose_text_changed_is_read_again(database: Database) -> None:
    sources = _event_sources("03-northgate-bridge.toml")[:2]
    with database.transaction() as session:
        keep_readings(session, sources)
    changed = replace(sources[1], text=sources[1].text.replace("bridge", "tunnel", 1))
    assert changed.text != sources[1].text
    forget_in_process()
    with database.transaction() as session:
        assert recall_readings(session, [sources[0], changed]) == [changed]
    assert read_source.known(changed.text) is None
    assert read_source.known(sources[0].text) is not None


def test_a_write_that_fails_stores_no_reading(database: Database) -> None:
    sources = _event_sources("03-northgate-bridge.toml")
    with (
        database.transaction() as session,
        suppress(RuntimeError),
        stored_readings(session, sources),
    ):
        raise RuntimeError("the write failed half-way")
    assert _reading_memos(database) == 0


def test_readings_of_other_code_are_not_read(database: Database) -> None:
    """A reading stored by another version of the reading code has another kind: not used."""
    sources = _event_sources("03-northgate-bridge.toml")[:1]
    assert READING_KIND.startswith("reading:") and len(READING_KIND) > len("reading:")
    with database.transaction() as session:
        key = text_key(sources[0].title + "\0" + sources[0].text)
        keep(session, "reading:0000000000000000", {key: b"{}"})
        keep_readings(session, sources)
        forget_in_process()
        assert recall_readings(session, sources) == []


def test_a_reading_read_back_reads_a_glued_title_apart_as_a_fresh_one(
    any_database: Database,
) -> None:
    """A source whose text runs its title into its first sentence: the stored reading must give
    the support check the source read as the writer reads it fresh, title apart."""
    text = (
        "Colts Clinch Playoff Berth With 31-24 Victory Against Jaguars Keiwan Ratliff scored on "
        "a 35-yard interception return last night as the Colts beat the Jaguars. The win "
        "clinched a playoff berth for the Colts, who trailed by seven points at the break."
    )
    source = SourceArticle(key="0", title="Colts clinch a playoff berth", text=text, url="")
    sentence = (
        "Keiwan Ratliff scored on a 35-yard interception return last night as the Colts beat "
        "the Jaguars."
    )
    forget_in_process()
    fresh = check_support(sentence, text)
    assert fresh.supported
    with any_database.transaction() as session:
        keep_readings(session, [source])
    forget_in_process()  # as in a new process
    with any_database.transaction() as session:
        assert recall_readings(session, [source]) == []
    assert read_source.known(text) == read_source.function(text)
    assert check_support(sentence, text) == fresh
