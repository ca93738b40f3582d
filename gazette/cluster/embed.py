"""The embed stage: give ready reports their vectors, so that clustering only assigns.

Embedding is the dearest work of the pipeline (tens of milliseconds a report), and unlike
clustering it does not depend on order: it is a stage of its own, between dedupe and cluster,
which any number of workers can share (the cpu queue with Celery). Clustering, which must run
one worker at a time, then spends its turn on assigning alone.

How a batch is claimed without holding SQLite's single write lock while the model works:

- PostgreSQL: the batch's rows are locked (`FOR UPDATE SKIP LOCKED`) in a transaction that stays
  open while the model works, and the vectors are stored in it. Other workers skip those rows;
  a worker that dies lets go of them at once, so the next step embeds them (a lease would keep
  them waiting until it ran out).
- SQLite: the batch is read, embedded with no transaction open, and each vector is stored
  unless another process stored one first. The vectors are the same whoever computes them, so a
  batch embedded twice (two workers at once, a crash before the commit) ends in the same state.

A report already in a story whose text changed (its page replaced the feed's summary) gets its
vector again; its story is written again, and every worker's clusterer forgets what it kept
(the cluster stage's generation moves on).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from gazette.cluster.stage import KEPT, refresh_stories, vectors_of
from gazette.cluster.stream import embedding_text
from gazette.db import Database
from gazette.db.models import Document, DocumentStatus, StoryMember, utcnow
from gazette.embedding import to_bytes
from gazette.faults import document_failed, due
from gazette.text import how_many
from gazette.work import StageContext, StepReport, claim, generation, serialized, stepped

# Reports given their vectors in one step: about five seconds of the model on one core.
EMBED_BATCH = 64


@dataclass
class EmbedReport(StepReport):
    embedded: int = 0

    def summary(self) -> str:
        return f"{how_many(self.embedded, 'report')} embedded"


def waiting_for_vectors(now: datetime) -> Select[tuple[Document]]:
    """Ready reports with no vector, oldest first (the order clustering will want them in)."""
    return (
        select(Document)
        .where(
            Document.status == DocumentStatus.READY,
            Document.embedding.is_(None),
            due(Document.retry_at, now),
        )
        .order_by(Document.published_at, Document.id)
    )


def embed_step(context: StageContext) -> EmbedReport:
    """Vectors for one batch of ready reports (see the module's docstring for the claim)."""
    report = EmbedReport()
    now = utcnow()
    database = context.database
    if _holds_claims(database):
        with database.transaction() as session:
            rows = claim(session, waiting_for_vectors(now), EMBED_BATCH)
            vectors = vectors_of(context.embedder, _texts(context, rows))
            _store(context, session, rows, vectors, report, now)
    else:
        with database.session() as session:
            rows = list(session.scalars(waiting_for_vectors(now).limit(EMBED_BATCH)))
            texts = _texts(context, rows)
        vectors = vectors_of(context.embedder, texts)
        with database.transaction() as session:
            fresh = [session.get(Document, row.id) for row in rows]
            _store(context, session, fresh, vectors, report, now)
    report.more = len(rows) == EMBED_BATCH
    return report


def _holds_claims(database: Database) -> bool:
    """Whether row locks can be the claim: PostgreSQL's, which do not stop other writers."""
    return database.engine.dialect.name == "postgresql"


def _texts(context: StageContext, rows: list[Document]) -> list[str]:
    words = context.settings.cluster.lead_words
    return [embedding_text(d.title or "", d.text or "", words) for d in rows]


def _store(
    context: StageContext,
    session: Session,
    documents: list[Document | None],
    vectors: list[np.ndarray | Exception],
    report: EmbedReport,
    now: datetime,
) -> None:
    """Store the vectors of the documents still waiting for one; a text the model failed on is
    that document's failure alone."""
    rewritten = set()
    for document, vector in zip(documents, vectors, strict=True):
        if document is None or document.embedding is not None:
            continue  # removed, or embedded by another process meanwhile
        if isinstance(vector, Exception):
            document_failed(report, document, now, vector)
            continue
        document.embedding = to_bytes(vector)
        report.embedded += 1
        member = session.get(StoryMember, document.id)
        if member is not None:
            rewritten.add(member.story_id)
    if rewritten:
        # Under the cluster stage's lock: its generation moves on, so that no worker's
        # clusterer goes on with the reports' old vectors.
        serialized(session, "cluster")
        generation(session, "cluster")
        refresh_stories(session, rewritten)
        stepped(session, "cluster")
        context.kept.pop(KEPT, None)
