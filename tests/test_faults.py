"""One bad page or story is recorded against itself; the rest of the pass goes on."""

from __future__ import annotations

import gzip
from datetime import timedelta

import numpy as np
import pytest
from fight import BANK, FIGHT, add_ready, settings_for
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError

from gazette.cluster import embedding_text
from gazette.db import Database
from gazette.db.models import Document, DocumentStatus, Story, StoryMember, utcnow
from gazette.db.states import StoryState
from gazette.embedding import MiniLMEmbedder, to_bytes
from gazette.faults import MAX_ATTEMPTS, RETRY_DELAYS, isolated, retry_delay
from gazette.pipeline import run_pipeline

PAGE = (
    "<html><head><title>Quillon Bank raises savings rates</title></head><body><article>"
    "<h1>Quillon Bank raises savings rates</h1>"
    + "".join(f"<p>{sentence}.</p>" for sentence in BANK[1].split(". "))
    + "</article></body></html>"
)


def fetched(session, key: str, body: bytes) -> Document:  # type: ignore[no-untyped-def]
    document = Document(
        url=f"https://outlet-{key}.example/{key}",
        status=DocumentStatus.FETCHED,
        raw_html=body,
        content_type="text/html; charset=utf-8",
        published_at=utcnow() - timedelta(hours=1),
    )
    session.add(document)
    session.flush()
    return document


def test_retry_delays_grow_then_stay_daily() -> None:
    assert [retry_delay(n) for n in range(1, 7)] == [
        *RETRY_DELAYS,
        RETRY_DELAYS[-1],
        RETRY_DELAYS[-1],
    ]
    assert RETRY_DELAYS[0] == timedelta(minutes=15) and RETRY_DELAYS[-1] == timedelta(days=1)


def test_a_page_that_breaks_extraction_is_recorded_and_the_others_go_on(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    with database.transaction() as session:
        broken = fetched(session, "broken", b"stored body that is not gzip")  # corrupt storage
        good = fetched(session, "good", gzip.compress(PAGE.encode()))
    started = utcnow()
    report = run_pipeline(database, settings_for(database.url), embedder)

    assert report.extract.extracted == 1
    error = report.errors()[f"extract {broken.url}"]
    assert error.startswith("unexpected BadGzipFile at gazette/extract/stage.py:")
    with database.session() as session:
        row = session.get(Document, broken.id)
        assert row.status == DocumentStatus.FETCHED and row.attempts == 1 and row.error == error
        assert started + RETRY_DELAYS[0] <= row.retry_at <= utcnow() + RETRY_DELAYS[0]
        # the good page went all the way to a published story in the same pass
        assert session.get(Document, good.id).status == DocumentStatus.READY
        story = session.scalar(
            select(StoryMember.story_id).where(StoryMember.document_id == good.id)
        )
        assert session.get(Story, story).state == StoryState.PUBLISHED

    # Before its wait is over the page is left alone, so the next pass reports nothing new.
    assert run_pipeline(database, settings_for(database.url), embedder).errors() == {}
    # Once due, it is tried again; after MAX_ATTEMPTS failures it is given up.
    for attempt in range(2, MAX_ATTEMPTS + 1):
        with database.transaction() as session:
            session.get(Document, broken.id).retry_at = utcnow() - timedelta(seconds=1)
        assert (
            f"extract {broken.url}" in run_pipeline(database, settings_for(database.url)).errors()
        )
        with database.session() as session:
            assert session.get(Document, broken.id).attempts == attempt
    with database.session() as session:
        assert session.get(Document, broken.id).status == DocumentStatus.FAILED


class FailsOnBank:
    """The real model, except that it fails on the bank story's text, as a model can on an input
    nobody foresaw (the MiniLM tokenizer raises TypeError on a lone surrogate, for one)."""

    def __init__(self, model: MiniLMEmbedder) -> None:
        self.model, self.name = model, model.name

    def encode(self, texts: list[str]) -> np.ndarray:
        if any("Quillon" in text for text in texts):
            raise RuntimeError("the model failed on this text")
        return self.model.encode(texts)


def test_a_report_the_model_fails_on_is_recorded_and_the_others_go_on(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    with database.transaction() as session:
        fight = [add_ready(session, k, *FIGHT[i], i) for i, k in enumerate("ab")]
        bank = add_ready(session, "q", *BANK, 3)
    report = run_pipeline(database, settings_for(database.url), FailsOnBank(embedder))
    assert report.cluster.assigned == 2 and report.publish.published == 1
    assert list(report.errors()) == [f"embed {bank.url}"]
    error = report.errors()[f"embed {bank.url}"]
    assert error.startswith("unexpected RuntimeError at gazette/cluster/")
    assert error.endswith(": the model failed on this text")
    with database.session() as session:
        assert session.get(Document, bank.id).attempts == 1
        assert set(session.scalars(select(StoryMember.document_id))) == {d.id for d in fight}


def test_a_story_that_breaks_the_writer_is_recorded_and_the_others_are_written(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    with database.transaction() as session:
        fight = [add_ready(session, k, *FIGHT[i], i) for i, k in enumerate("ab")]
        bank = add_ready(session, "q", *BANK, 3)
        for document in (*fight, bank):  # clustering needs no model: the vectors are stored
            text = embedding_text(document.title, document.text, 120)
            document.embedding = to_bytes(embedder.encode([text])[0])
    settings = settings_for(database.url)
    report = run_pipeline(database, settings, FailsOnBank(embedder))

    bank_story = story_of(database, bank.id)
    assert list(report.write.errors) == [bank_story]
    error = report.write.errors[bank_story]
    assert error.startswith("unexpected RuntimeError at gazette/write/")
    assert error.endswith(": the model failed on this text")
    assert report.write.written == 1 and report.publish.published == 1  # the fight story
    with database.session() as session:
        story = session.get(Story, bank_story)
        assert story.state == StoryState.CLUSTERED and story.attempts == 1
        assert story.error == error and story.published_article_id is None
        assert session.get(Story, story_of(database, fight[0].id)).state == StoryState.PUBLISHED

    # Not due yet: the next pass leaves it alone, so it fails on nothing and reports nothing.
    assert run_pipeline(database, settings, FailsOnBank(embedder)).errors() == {}
    # A new report clears the wait: the story is written at once, and its failure forgotten.
    with database.transaction() as session:
        add_ready(session, "q2", BANK[0], BANK[1].replace("Thursday", "Thursday morning"), 4)
    report = run_pipeline(database, settings, embedder)
    assert report.errors() == {}
    with database.session() as session:
        story = session.get(Story, bank_story)
        assert story.state == StoryState.PUBLISHED
        assert (story.error, story.attempts, story.retry_at) == (None, 0, None)


def story_of(database: Database, document_id: int) -> int:
    with database.session() as session:
        return session.scalar(
            select(StoryMember.story_id).where(StoryMember.document_id == document_id)
        )


def test_a_report_that_breaks_the_clusterer_waits_and_the_others_are_assigned(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    """The step stops at the broken report and forgets its clusterer (it may be half-way
    through the report); the next step reads the stories again and goes on without it."""
    with database.transaction() as session:
        first = add_ready(session, "a", *FIGHT[0], 0)
        broken = add_ready(session, "b", *FIGHT[1], 1)
        broken.embedding = b"\x00" * 12  # a stored vector of the wrong size
        later = add_ready(session, "c", *FIGHT[2], 2)
    settings = settings_for(database.url)
    report = run_pipeline(database, settings, embedder)
    assert report.cluster.assigned == 2 and report.cluster.new_stories == 1
    assert report.errors()[f"cluster {broken.url}"].startswith("unexpected ValueError at gazette/")
    with database.session() as session:
        assigned = set(session.scalars(select(StoryMember.document_id)))
        assert assigned == {first.id, later.id}
        assert story_of(database, first.id) == story_of(database, later.id)
        assert session.get(Document, broken.id).attempts == 1

    report = run_pipeline(database, settings, embedder)  # the broken one is not due yet
    assert report.cluster.assigned == 0 and report.errors() == {}


def test_an_item_s_writes_are_rolled_back_and_the_pass_keeps_the_others(
    each_database_url: str,
) -> None:
    database = Database(each_database_url)
    database.migrate()
    failures: list[Exception] = []
    try:
        with database.transaction() as session:
            kept = add_ready(session, "kept", *FIGHT[0], 0)
            with isolated(session, failures.append):
                add_ready(session, "lost", *FIGHT[1], 1)
                raise ValueError("this item is broken")
            after = add_ready(session, "after", *FIGHT[2], 2)
        with database.session() as session:
            urls = set(session.scalars(select(Document.url)))
        assert urls == {kept.url, after.url}
        assert [str(f) for f in failures] == ["this item is broken"]
    finally:  # the PostgreSQL schema is the whole test session's
        with database.transaction() as session:
            names = [f"https://outlet-{k}.example/{k}" for k in ("kept", "lost", "after")]
            session.execute(delete(Document).where(Document.url.in_(names)))
        database.dispose()


def test_a_database_failure_is_not_an_item_s_and_stops_the_pass(database: Database) -> None:
    failures: list[Exception] = []
    with (
        pytest.raises(OperationalError),
        database.transaction() as session,
        isolated(session, failures.append),
    ):
        session.execute(select(Document).where(Document.id == 1)).all()
        raise OperationalError("SELECT 1", {}, Exception("disk I/O error"))
    assert failures == []
