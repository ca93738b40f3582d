"""The cluster stage: reports join stories in publication order, one worker at a time."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import ClassVar

from sqlalchemy import Select, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from gazette.cluster.incremental import IncrementalClusterer
from gazette.cluster.signals import profile
from gazette.cluster.story import Member
from gazette.cluster.stream import with_language
from gazette.db.models import (
    Document,
    DocumentStatus,
    Story,
    StoryMember,
    StorySeparation,
    utcnow,
)
from gazette.db.states import StoryState, move
from gazette.embedding import from_bytes
from gazette.faults import clear_failure, document_failed, due, isolated
from gazette.records import ClusterItem
from gazette.work import StageContext, StepReport, claim, generation, serialized, stepped

# Reports assigned in one step (their vectors come from the embed stage, gazette/cluster/embed.py).
ASSIGN_BATCH = 500
# How long a report still on its way (being fetched, extracted...) holds back the clustering of
# reports published after it; past that, it joins in the order it arrives.
SETTLE = timedelta(seconds=30)
KEPT = "cluster"  # the key of the clusterer a worker keeps between steps (StageContext.kept)


@dataclass
class ClusterReport(StepReport):
    assigned: int = 0
    new_stories: int = 0
    NOT_ITEMS: ClassVar[tuple[str, ...]] = ("new_stories",)

    def summary(self) -> str:
        return f"{self.assigned} assigned, {self.new_stories} new stories"


@dataclass
class _Memory:
    """The clusterer a worker keeps between steps, valid while no other worker has clustered
    (the stage's generation in the database is the one it left)."""

    generation: int
    clusterer: IncrementalClusterer


def cluster_step(context: StageContext) -> ClusterReport:
    """Assign a batch of ready reports that have their vectors, in publication order, to
    stories. Reports still on their way that were published earlier (being fetched, extracted,
    or embedded) are waited for (for at most SETTLE), so that stories form in publication order
    however the work is shared out."""
    report = ClusterReport()
    _assign_step(context, report, utcnow())
    return report


def _unclustered(now: datetime) -> Select[tuple[Document]]:
    clustered = select(StoryMember.document_id)
    return select(Document).where(
        Document.status == DocumentStatus.READY,
        Document.id.not_in(clustered),
        due(Document.retry_at, now),
    )


def _assign_step(context: StageContext, report: ClusterReport, now: datetime) -> None:
    """Assign a batch of reports that have their vectors, oldest first, one worker at a time.

    A report the clusterer fails on is recorded against its document, and the reports after it
    wait for the next step: the clusterer may have stopped half-way through it, so its memory is
    not trusted for more, and is read again from the database."""
    settings = context.settings.cluster
    memory: _Memory | None = context.kept.pop(KEPT, None)
    with context.database.transaction() as session:
        serialized(session, "cluster")
        current = generation(session, "cluster")
        waiting = _unclustered(now).where(Document.embedding.is_not(None))
        settled = _settled_before(session, now)
        if settled is not None:
            waiting = waiting.where(Document.published_at < settled)
        order = (Document.published_at, Document.id)
        pending = claim(session, waiting.order_by(*order), ASSIGN_BATCH)
        if not pending:
            if memory is not None:
                context.kept[KEPT] = memory
            return
        if memory is None or memory.generation != current:
            window = timedelta(hours=settings.window_hours)
            memory = _Memory(current, IncrementalClusterer(window, settings.join_threshold, int))
            since = pending[0].published_at - window
            _load_active_stories(session, memory.clusterer, since, settings.language)
        clusterer = memory.clusterer
        clusterer.new_story_id = _story_factory(session)

        assigned: list[Document] = []
        for document in pending:
            decided = _decisions(clusterer)
            with isolated(session, partial(document_failed, report, document, now)):
                _assign(session, clusterer, document, settings.language, report)
                assigned.append(document)
            if not assigned or assigned[-1] is not document:
                # It failed, and its savepoint is rolled back: forget what the clusterer
                # decided while on it too (see the docstring).
                _forget_decisions_since(clusterer, decided)
                break
        session.flush()
        _apply_revisions(session, clusterer)
        refresh_stories(session, {clusterer.story_of_item[str(d.id)] for d in assigned})
        next_generation = stepped(session, "cluster")
    report.more = len(pending) == ASSIGN_BATCH or len(assigned) < len(pending)
    if len(assigned) == len(pending):
        context.kept[KEPT] = _Memory(next_generation, clusterer)


def _settled_before(session: Session, now: datetime) -> datetime | None:
    """The publication time of the earliest report still on its way to being clustered
    (discovered, fetched, extracted, or ready without its vector) that was found less than
    SETTLE ago and is not waiting for a retry: reports published after it wait for it."""
    on_the_way = and_(
        or_(
            Document.status.in_(
                [DocumentStatus.DISCOVERED, DocumentStatus.FETCHED, DocumentStatus.EXTRACTED]
            ),
            (Document.status == DocumentStatus.READY) & Document.embedding.is_(None),
        ),
        Document.id.not_in(select(StoryMember.document_id)),  # not a report already placed
    )
    return session.scalar(
        select(func.min(func.coalesce(Document.published_at, Document.discovered_at))).where(
            on_the_way, Document.discovered_at >= now - SETTLE, due(Document.retry_at, now)
        )
    )


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
        refresh_stories(session, {departure.old_story, departure.new_story})
    for merge in clusterer.merges:
        moved = f"; then with story {merge.absorbed} merged into story {merge.survivor}"
        merge_story(session, merge.absorbed, merge.survivor, merge.reason, moved)
    session.flush()
    for link in clusterer.threads:  # in order: a later link of a story overrides an earlier one
        story = session.get(Story, link.story)
        if story.merged_into_id is None:
            story.thread_id = link.root
            story.thread_reason = link.reason if link.root else None
    session.flush()


def merge_story(
    session: Session, absorbed_id: int, survivor_id: int, reason: str, note: str
) -> None:
    """Fold story `absorbed_id` into `survivor_id`: its reports move, each reason ending with
    `note`; it redirects to the survivor, which takes its place in threads and the stories an
    editor keeps apart from it; the survivor is written again."""
    session.execute(
        update(StoryMember)
        .where(StoryMember.story_id == absorbed_id)
        .values(story_id=survivor_id, reason=StoryMember.reason + note)
    )
    absorbed, survivor = session.get(Story, absorbed_id), session.get(Story, survivor_id)
    move(absorbed, StoryState.MERGED)
    absorbed.merged_into_id = survivor_id
    absorbed.merge_reason = reason
    if survivor.thread_id == absorbed_id:  # it continued the absorbed story: now it is that story
        survivor.thread_id = absorbed.thread_id if absorbed.thread_id != survivor_id else None
        survivor.thread_reason = absorbed.thread_reason if survivor.thread_id else None
    absorbed.thread_id = None
    # Stories that continued the absorbed story now continue the survivor (the clusterer
    # relinks the active ones itself).
    session.execute(
        update(Story)
        .where(Story.thread_id == absorbed_id, Story.id != survivor_id)
        .values(thread_id=survivor_id)
    )
    for other in separated_from(session, absorbed_id):
        separate(session, survivor_id, other)
    session.execute(
        delete(StorySeparation).where(
            or_(StorySeparation.story_id == absorbed_id, StorySeparation.other_id == absorbed_id)
        )
    )
    refresh_stories(session, {survivor_id})


def separated_from(session: Session, story_id: int) -> set[int]:
    """The stories an editor keeps apart from story `story_id`."""
    rows = session.execute(
        select(StorySeparation.story_id, StorySeparation.other_id).where(
            or_(StorySeparation.story_id == story_id, StorySeparation.other_id == story_id)
        )
    )
    return {one if other == story_id else other for one, other in rows}


def separate(session: Session, one: int, other: int) -> bool:
    """Keep stories `one` and `other` apart from now on; False if they already were."""
    if one == other:
        return False
    low, high = sorted((one, other))
    if session.get(StorySeparation, (low, high)) is not None:
        return False
    session.add(StorySeparation(story_id=low, other_id=high, created_at=utcnow()))
    session.flush()
    return True


def refresh_stories(session: Session, story_ids: set[int]) -> None:
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
            StoryMember.pinned,
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
                row[9],
            )
            for row in group
        ]
        clusterer.load_story(story_id, members, thread_id)
    _load_separations(session, clusterer, since)


def _load_separations(session: Session, clusterer: IncrementalClusterer, since: datetime) -> None:
    """The pairs of active stories an editor keeps apart (a pair with a story outside the
    window cannot matter: that story takes no more reports)."""
    one, other = aliased(Story), aliased(Story)
    rows = session.execute(
        select(StorySeparation.story_id, StorySeparation.other_id)
        .join(one, one.id == StorySeparation.story_id)
        .join(other, other.id == StorySeparation.other_id)
        .where(one.last_report_at >= since, other.last_report_at >= since)
    )
    for first, second in rows:
        if first in clusterer.stories and second in clusterer.stories:
            clusterer.keep_apart(first, second)
