"""The cluster stage, and the same algorithm over a plain list of items (`gazette cluster`)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from gazette.cluster.incremental import IncrementalClusterer
from gazette.cluster.signals import Profile, profile
from gazette.cluster.story import Member
from gazette.config import ClusterSettings
from gazette.db.models import Document, DocumentStatus, Story, StoryMember, utcnow
from gazette.db.states import StoryState, move
from gazette.embedding import Embedder, from_bytes, to_bytes
from gazette.faults import clear_failure, document_failed, due, isolated
from gazette.language import language_of
from gazette.records import Assignment, ClusterItem
from gazette.text import strip_dateline


def embedding_text(title: str, text: str, lead_words: int) -> str:
    """What the clusterer compares: the title and the first words of the text (the lead), without
    a dateline (see gazette.cluster.signals.profile)."""
    lead = " ".join(strip_dateline(text).split()[:lead_words])
    title = title.strip()
    if not title:
        return lead
    return f"{title}. {lead}" if lead else title


def cluster_items(
    items: Iterable[ClusterItem],
    embedder: Embedder,
    settings: ClusterSettings,
    threshold: float | None = None,
) -> list[Assignment]:
    """Cluster items as a live stream would: in publication order (ties in the order given),
    each decided on arrival, with later merges and departures applied to the final answer."""
    ordered = [with_language(item, settings.language) for item in items]
    ordered.sort(key=lambda item: item.published)
    vectors = embedder.encode(
        [embedding_text(i.title, i.text, settings.lead_words) for i in ordered]
    )
    profiles = [profile(item.title, item.text, item.language) for item in ordered]
    return assign_stream(ordered, vectors, profiles, settings, threshold)


def with_language(item: ClusterItem, default: str) -> ClusterItem:
    """The item with its language settled: declared, else detected, else `default`."""
    return replace(item, language=language_of(item.language, item.title, item.text, default))


def assign_stream(
    ordered: list[ClusterItem],
    vectors: np.ndarray,
    profiles: list[Profile],
    settings: ClusterSettings,
    threshold: float | None = None,
) -> list[Assignment]:
    """The decisions for items already in publication order, with their features computed."""
    clusterer = IncrementalClusterer(
        timedelta(hours=settings.window_hours),
        settings.join_threshold if threshold is None else threshold,
        itertools.count(1).__next__,
    )
    decisions = [
        clusterer.assign(item, vector, item_profile)
        for item, vector, item_profile in zip(ordered, vectors, profiles, strict=True)
    ]
    roots = clusterer.thread_roots()
    return [_final(clusterer, decision, roots) for decision in decisions]


def _final(
    clusterer: IncrementalClusterer, decision: Assignment, roots: dict[int, int]
) -> Assignment:
    """The decision as it stands after the stream: a merged or departed item says where it went,
    and every item says the thread its story ended in."""
    story_id = clusterer.story_of_item[decision.item_id]
    final = replace(decision, thread=roots.get(story_id))
    if story_id == decision.story_id:
        return final
    return replace(
        final,
        story_id=story_id,
        reason=f"{decision.reason}; now in story {story_id} after a merge or departure",
    )


@dataclass
class ClusterReport:
    assigned: int = 0
    new_stories: int = 0
    errors: dict[str, str] = field(default_factory=dict)


def cluster_pending(
    session: Session, embedder: Embedder, settings: ClusterSettings
) -> ClusterReport:
    """Assign every ready document without a story, oldest first, to a story.

    A report the clusterer fails on is recorded against its document, and the reports after it
    wait for the next pass: the clusterer may have stopped half-way through it, so its memory of
    the stories is not trusted for more."""
    report = ClusterReport()
    now = utcnow()
    clustered = select(StoryMember.document_id)
    pending = list(
        session.scalars(
            select(Document)
            .where(
                Document.status == DocumentStatus.READY,
                Document.id.not_in(clustered),
                due(Document.retry_at, now),
            )
            .order_by(Document.published_at, Document.id)
        )
    )
    pending = _embedded(session, pending, embedder, settings, report, now)
    if not pending:
        return report

    window = timedelta(hours=settings.window_hours)
    clusterer = IncrementalClusterer(window, settings.join_threshold, _story_factory(session))
    _load_active_stories(session, clusterer, pending[0].published_at - window, settings.language)

    assigned: list[Document] = []
    for document in pending:
        decided = _decisions(clusterer)
        with isolated(session, partial(document_failed, report.errors, document, now)):
            _assign(session, clusterer, document, settings.language, report)
            assigned.append(document)
        if not assigned or assigned[-1] is not document:
            # It failed, and its savepoint is rolled back: forget what the clusterer decided
            # while on it too (see the docstring).
            _forget_decisions_since(clusterer, decided)
            break
    session.flush()
    _apply_revisions(session, clusterer)
    _refresh_stories(session, {clusterer.story_of_item[str(d.id)] for d in assigned})
    return report


def _assign(
    session: Session,
    clusterer: IncrementalClusterer,
    document: Document,
    default_language: str,
    report: ClusterReport,
) -> None:
    item = ClusterItem(
        id=str(document.id),
        title=document.title or "",
        text=document.text or "",
        published=document.published_at,
        copy_of=str(document.copy_of_id) if document.copy_of_id else None,
        language=document.language,
    )
    item = with_language(item, default_language)
    document.language = item.language  # settled once, for the next runs' active stories
    assignment = clusterer.assign(
        item, from_bytes(document.embedding), profile(item.title, item.text, item.language)
    )
    if assignment.created:
        report.new_stories += 1
    session.add(
        StoryMember(
            document_id=document.id,
            story_id=assignment.story_id,
            similarity=assignment.similarity,
            reason=assignment.reason,
        )
    )
    report.assigned += 1


def _decisions(clusterer: IncrementalClusterer) -> tuple[int, int, int]:
    return len(clusterer.departures), len(clusterer.merges), len(clusterer.threads)


def _forget_decisions_since(clusterer: IncrementalClusterer, mark: tuple[int, int, int]) -> None:
    del clusterer.departures[mark[0] :], clusterer.merges[mark[1] :], clusterer.threads[mark[2] :]


def _apply_revisions(session: Session, clusterer: IncrementalClusterer) -> None:
    """Store the clusterer's merges (the absorbed story redirects to the survivor), departures
    (the report moves to its new story) and thread links, each with its reason. A report's
    reason grows with every move, so that it tells how the report came to be where it is."""
    for departure in clusterer.departures:
        member = session.get(StoryMember, int(departure.item_id))
        member.story_id = departure.new_story
        member.reason = f"{member.reason}; then {departure.reason}"
        _refresh_stories(session, {departure.old_story, departure.new_story})
    for merge in clusterer.merges:
        moved = f"; then with story {merge.absorbed} merged into story {merge.survivor}"
        session.execute(
            update(StoryMember)
            .where(StoryMember.story_id == merge.absorbed)
            .values(story_id=merge.survivor, reason=StoryMember.reason + moved)
        )
        absorbed = session.get(Story, merge.absorbed)
        move(absorbed, StoryState.MERGED)
        absorbed.merged_into_id = merge.survivor
        absorbed.merge_reason = merge.reason
        absorbed.thread_id = None
        # Stories outside the window that continued the absorbed story now continue the survivor
        # (the clusterer relinks the active ones itself, below).
        session.execute(
            update(Story).where(Story.thread_id == merge.absorbed).values(thread_id=merge.survivor)
        )
        _refresh_stories(session, {merge.survivor})
    session.flush()
    for link in clusterer.threads:  # in order: a later link of a story overrides an earlier one
        story = session.get(Story, link.story)
        if story.merged_into_id is None:
            story.thread_id = link.root
            story.thread_reason = link.reason if link.root else None
    session.flush()


def _refresh_stories(session: Session, story_ids: set[int]) -> None:
    """Stories whose membership changed get their report times again and must be rewritten
    (readers keep seeing their published version meanwhile)."""
    for story_id in story_ids:
        story = session.get(Story, story_id)
        if story is None or story.merged_into_id is not None:
            continue
        first, last = session.execute(
            select(func.min(Document.published_at), func.max(Document.published_at))
            .join(StoryMember, StoryMember.document_id == Document.id)
            .where(StoryMember.story_id == story_id)
        ).one()
        if first is not None:
            story.first_report_at, story.last_report_at = first, last
        move(story, StoryState.CLUSTERED)
        story.updated_at = utcnow()
        clear_failure(story)  # new reports: a story that could not be written is tried at once
    session.flush()


def _embedded(
    session: Session,
    documents: list[Document],
    embedder: Embedder,
    settings: ClusterSettings,
    report: ClusterReport,
    now: datetime,
) -> list[Document]:
    """The documents with their vectors, computed in one batch for those without; if the batch
    fails, one by one, so that a text the model fails on is recorded against its document alone
    (and left out of this pass)."""
    missing = [d for d in documents if d.embedding is None]
    texts = [embedding_text(d.title or "", d.text or "", settings.lead_words) for d in missing]
    try:
        vectors = embedder.encode(texts) if texts else []
    except Exception:  # one text may be at fault: find which, one by one
        for document, text in zip(missing, texts, strict=True):
            with isolated(session, partial(document_failed, report.errors, document, now)):
                document.embedding = to_bytes(embedder.encode([text])[0])
    else:
        for document, vector in zip(missing, vectors, strict=True):
            document.embedding = to_bytes(vector)
    return [d for d in documents if d.embedding is not None]


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
    session: Session, clusterer: IncrementalClusterer, since: datetime, default_language: str
) -> None:
    """Stories with a report inside the window become candidates, with their members' vectors."""
    rows = session.execute(
        select(
            Story.id,
            Story.thread_id,
            Story.last_report_at,
            Document.id,
            Document.embedding,
            Document.text,
            Document.title,
            Document.published_at,
            Document.language,
        )
        .join(StoryMember, StoryMember.story_id == Story.id)
        .join(Document, Document.id == StoryMember.document_id)
        .where(Story.last_report_at >= since, Story.merged_into_id.is_(None))
        .order_by(Story.id)
    )
    for (story_id, thread_id), group in itertools.groupby(rows, key=lambda row: (row[0], row[1])):
        members = [
            Member(
                str(row[3]),
                from_bytes(row[4]),
                profile(row[6] or "", row[5] or "", row[8] or default_language),
                row[7],
                row[8] or default_language,
            )
            for row in group
        ]
        clusterer.load_story(story_id, members, thread_id)
