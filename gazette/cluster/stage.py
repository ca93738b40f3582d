"""The cluster stage, and the same algorithm over a plain list of items (`gazette cluster`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.cluster.incremental import IncrementalClusterer
from gazette.config import ClusterSettings
from gazette.db.models import Document, DocumentStatus, Story, StoryMember, StoryState, utcnow
from gazette.embedding import Embedder, from_bytes, to_bytes
from gazette.records import Assignment, ClusterItem


def embedding_text(title: str, text: str, lead_words: int) -> str:
    """What the clusterer compares: the title and the first words of the text (the lead)."""
    lead = " ".join(text.split()[:lead_words])
    title = title.strip()
    if not title:
        return lead
    return f"{title}. {lead}" if lead else title


def cluster_items(
    items: Iterable[ClusterItem], embedder: Embedder, settings: ClusterSettings
) -> list[Assignment]:
    """Cluster items as a live stream would: in publication order (ties in the order given),
    each decided on arrival."""
    ordered = sorted(items, key=lambda item: item.published)
    vectors = embedder.encode(
        [embedding_text(i.title, i.text, settings.lead_words) for i in ordered]
    )
    clusterer = IncrementalClusterer(
        timedelta(hours=settings.window_hours),
        settings.join_threshold,
        itertools.count(1).__next__,
    )
    return [clusterer.assign(item, vector) for item, vector in zip(ordered, vectors, strict=True)]


@dataclass
class ClusterReport:
    assigned: int = 0
    new_stories: int = 0


def cluster_pending(
    session: Session, embedder: Embedder, settings: ClusterSettings
) -> ClusterReport:
    """Assign every ready document without a story, oldest first, to a story."""
    report = ClusterReport()
    clustered = select(StoryMember.document_id)
    pending = list(
        session.scalars(
            select(Document)
            .where(Document.status == DocumentStatus.READY, Document.id.not_in(clustered))
            .order_by(Document.published_at, Document.id)
        )
    )
    if not pending:
        return report
    _embed_missing(pending, embedder, settings)

    window = timedelta(hours=settings.window_hours)
    clusterer = IncrementalClusterer(window, settings.join_threshold, _story_factory(session))
    _load_active_stories(session, clusterer, since=pending[0].published_at - window)

    for document in pending:
        item = ClusterItem(
            id=str(document.id),
            title=document.title or "",
            text=document.text or "",
            published=document.published_at,
            copy_of=str(document.copy_of_id) if document.copy_of_id else None,
        )
        assignment = clusterer.assign(item, from_bytes(document.embedding))
        story = session.get(Story, assignment.story_id)
        if assignment.created:
            story.first_report_at = story.last_report_at = document.published_at
            report.new_stories += 1
        story.first_report_at = min(story.first_report_at, document.published_at)
        story.last_report_at = max(story.last_report_at, document.published_at)
        story.state, story.updated_at = StoryState.CLUSTERED, utcnow()
        session.add(
            StoryMember(
                document_id=document.id,
                story_id=story.id,
                similarity=assignment.similarity,
                reason=assignment.reason,
            )
        )
        report.assigned += 1
    session.flush()
    return report


def _embed_missing(
    documents: list[Document], embedder: Embedder, settings: ClusterSettings
) -> None:
    missing = [d for d in documents if d.embedding is None]
    texts = [embedding_text(d.title or "", d.text or "", settings.lead_words) for d in missing]
    for document, vector in zip(missing, embedder.encode(texts), strict=True):
        document.embedding = to_bytes(vector)


def _story_factory(session: Session) -> Callable[[], int]:
    """New stories get their database id at once, so the clusterer can name them."""

    def new_story_id() -> int:
        now = utcnow()
        story = Story(first_report_at=now, last_report_at=now)
        session.add(story)
        session.flush()
        return story.id

    return new_story_id


def _load_active_stories(
    session: Session, clusterer: IncrementalClusterer, since: datetime
) -> None:
    """Stories with a report inside the window become candidates, with their members' vectors."""
    rows = session.execute(
        select(
            Story.id,
            Story.first_report_at,
            Story.last_report_at,
            Document.id,
            Document.embedding,
            Document.text,
        )
        .join(StoryMember, StoryMember.story_id == Story.id)
        .join(Document, Document.id == StoryMember.document_id)
        .where(Story.last_report_at >= since, Story.merged_into_id.is_(None))
        .order_by(Story.id)
    )
    for story_id, group in itertools.groupby(rows, key=lambda row: row[0]):
        members = list(group)
        vectors = np.stack([from_bytes(row[4]) for row in members])
        texts = [row[5] or "" for row in members]
        clusterer.load_story(story_id, vectors, texts, members[0][1], members[0][2])
        for row in members:
            clusterer.remember(str(row[3]), story_id)
