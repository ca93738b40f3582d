"""Stages shared out between processes: the embed stage claims its batches (a crash mid-batch
leaves nothing half done, and the batch is embedded once even when two steps race for it), and a
worker given some stages runs those and no others."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from fight import BANK, FIGHT, add_ready, settings_for
from helpers import assert_one_line_error
from sqlalchemy import func, select
from typer.testing import CliRunner

from gazette.cli import app
from gazette.cluster.embed import EmbedReport, embed_step, waiting_for_vectors
from gazette.cluster.stage import cluster_step
from gazette.db import Database
from gazette.db.models import Document, DocumentStatus, StoryMember, utcnow
from gazette.embedding import MiniLMEmbedder, from_bytes, to_bytes
from gazette.pipeline import STAGES
from gazette.work import StageContext, claim
from gazette.worker import Worker, stages_named

runner = CliRunner()


class Killed(BaseException):
    """Stands for the process dying in the middle of the model's work (as SIGKILL would,
    nothing after it runs in the step)."""


class DiesInTheModel:
    def encode(self, texts: list[str]) -> np.ndarray:
        raise Killed


class WaitsInTheModel:
    """The real model, entered and then held until released: a step caught mid-batch."""

    def __init__(self, model: MiniLMEmbedder) -> None:
        self.model, self.entered, self.release = model, threading.Event(), threading.Event()

    def encode(self, texts: list[str]) -> np.ndarray:
        self.entered.set()
        assert self.release.wait(60)
        return self.model.encode(texts)


def three_ready(database: Database) -> list[int]:
    with database.transaction() as session:
        return [add_ready(session, k, *FIGHT[i], i).id for i, k in enumerate("abc")]


def vectors(database: Database) -> dict[int, np.ndarray]:
    with database.session() as session:
        rows = session.execute(select(Document.id, Document.embedding)).all()
    return {row.id: from_bytes(row.embedding) for row in rows if row.embedding is not None}


@pytest.fixture
def database(each_database_url: str) -> Iterator[Database]:
    database = Database(each_database_url)
    database.migrate()
    yield database
    database.dispose()


def test_a_step_killed_in_the_model_leaves_its_batch_to_the_next(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    ids = three_ready(database)
    settings = settings_for(database.url)
    with pytest.raises(Killed):
        embed_step(StageContext(database, settings, DiesInTheModel()))
    assert vectors(database) == {}
    # Nothing of the dead step holds its reports: another claim takes all of them at once.
    with database.transaction() as session:
        assert len(claim(session, waiting_for_vectors(utcnow()), 10)) == 3

    report = embed_step(StageContext(database, settings, embedder))
    assert report.embedded == 3 and not report.more and not report.errors
    stored = vectors(database)
    assert sorted(stored) == sorted(ids)
    assert all(np.linalg.norm(v) > 0.99 for v in stored.values())  # unit vectors, one each
    assert len({v.tobytes() for v in stored.values()}) == 3
    # A step with nothing waiting does nothing, and changes nothing.
    again = embed_step(StageContext(database, settings, embedder))
    assert not again.did_something()
    assert {k: v.tobytes() for k, v in vectors(database).items()} == {
        k: v.tobytes() for k, v in stored.items()
    }


def test_two_steps_at_once_embed_each_report_once(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    three_ready(database)
    settings = settings_for(database.url)
    held = WaitsInTheModel(embedder)
    first: list[EmbedReport] = []
    racing = threading.Thread(
        target=lambda: first.append(embed_step(StageContext(database, settings, held)))
    )
    racing.start()
    try:
        assert held.entered.wait(60)
        second = embed_step(StageContext(database, settings, embedder))
    finally:
        held.release.set()
        racing.join(60)
    # PostgreSQL: the second step passes over the rows the first holds. SQLite: both embed the
    # batch, and only the first to store it counts it. Either way each report is stored once.
    assert first[0].embedded + second.embedded == 3
    if database.engine.dialect.name == "postgresql":
        assert second.embedded == 0
    assert len(vectors(database)) == 3


def test_clustering_assigns_only_reports_that_have_their_vectors(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    three_ready(database)
    settings = settings_for(database.url)
    context = StageContext(database, settings, embedder)
    assert cluster_step(context).assigned == 0  # nothing embedded yet: the model is not its job
    assert vectors(database) == {}
    embed_step(context)
    assert cluster_step(context).assigned == 3
    with database.session() as session:
        assert len(set(session.scalars(select(StoryMember.story_id)))) == 1


def test_an_earlier_report_waiting_for_its_vector_holds_back_later_ones(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    """Under load a report may wait minutes for the model; clustering the later reports without
    it would form stories in another order than one pass does (two events of one company made
    one). A report held in our own workers that long is waited for; a page that a remote server
    has not given for as long is not."""
    earliest, *later = three_ready(database)
    with database.transaction() as session:
        for document in session.scalars(select(Document).where(Document.id.in_(later))):
            document.embedding = to_bytes(embedder.encode([document.title])[0])
        waiting = session.get(Document, earliest)
        waiting.discovered_at = utcnow() - timedelta(minutes=3)
        waiting.extracted_at = utcnow() - timedelta(minutes=2)
    context = StageContext(database, settings_for(database.url), embedder)
    assert cluster_step(context).assigned == 0

    with database.transaction() as session:
        waiting = session.get(Document, earliest)
        waiting.status, waiting.extracted_at = DocumentStatus.DISCOVERED, None
        waiting.discovered_at = utcnow() - timedelta(minutes=2)
    assert cluster_step(context).assigned == 2


def test_a_worker_given_the_ingestion_stages_runs_those_alone(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    three_ready(database)
    with database.transaction() as session:
        extracted = Document(
            url="https://outlet-q.example/bank",
            canonical_url="https://outlet-q.example/bank",
            status=DocumentStatus.EXTRACTED,
            title=BANK[0],
            text=BANK[1],
            domain="outlet-q.example",
            published_at=utcnow(),
            language="en",
        )
        session.add(extracted)
    settings = settings_for(database.url)
    ingestion = Worker(
        database, settings, embedder, stages=stages_named("dedupe, fetch,sources,extract")
    )
    assert [stage.name for stage in ingestion.stages] == ["sources", "fetch", "extract", "dedupe"]
    assert ingestion.round()
    with database.session() as session:
        assert session.get(Document, extracted.id).status == DocumentStatus.READY
        assert session.scalar(select(func.count()).select_from(StoryMember)) == 0
    assert vectors(database) == {}  # neither embedded nor clustered

    rest = Worker(database, settings, embedder, stages=stages_named("embed,cluster"))
    while rest.round():
        pass
    assert len(vectors(database)) == 4
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(StoryMember)) == 4


def test_stage_names_are_checked() -> None:
    assert [stage.name for stage in stages_named(",".join(s.name for s in STAGES))] == [
        stage.name for stage in STAGES
    ]
    for bad in ("fetch,clustering", "", " , ", "Fetch"):
        with pytest.raises(Exception, match="--stages takes names of sources, fetch"):
            stages_named(bad)


def test_the_worker_command_refuses_a_stage_it_does_not_know(workdir: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["worker", "--stages", "fetch,embedding"])
    assert_one_line_error(result, "--stages", "unknown: embedding")
    celery = runner.invoke(app, ["worker", "--engine", "celery", "--stages", "fetch"])
    assert_one_line_error(celery, "--stages", "--queues")
