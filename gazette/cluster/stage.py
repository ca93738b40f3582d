"""The cluster stage: reports join stories in publication order, one worker at a time."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import ClassVar

import numpy as np
from sqlalchemy import Select, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from gazette.cluster.evidence import TIME_GRACE_HOURS
from gazette.cluster.incremental import IncrementalClusterer
from gazette.cluster.signals import profile
from gazette.cluster.story import Member
from gazette.cluster.stream import embedding_text, with_language
from gazette.db.models import (
    Document,
    DocumentStatus,
    Story,
    StoryAside,
    StoryMember,
    StorySeparation,
    utcnow,
)
from gazette.db.states import StoryState, move
from gazette.embedding import Embedder, from_bytes, to_bytes
from gazette.faults import clear_failure, document_failed, due, isolated
from gazette.records import ClusterItem
from gazette.text import how_many
from gazette.work import StageContext, StepReport, claim, generation, serialized, stepped

# Reports assigned in one step (their vectors come from the embed stage, gazette/cluster/embed.py).
ASSIGN_BATCH = 500
# Pieces that are not news reports (opinion, analysis...) placed beside their stories in one step,
# and when one placed beside no story is looked at again: once the reports of the burst that
# follows it are in (evidence.TIME_GRACE_HOURS, the hours in which one event's reports come).
ASIDE_BATCH = 64
ASIDE_SECOND_LOOK = timedelta(hours=TIME_GRACE_HOURS)
# How long a report still on its way holds back the clustering of reports published after it,
# counted from the last step it made; past that, it joins in the order it arrives. A page not
# yet fetched waits on a remote server, which may hang (SETTLE). A report fetched, extracted or
# waiting for its vector waits only on our own workers, which either finish it or record its
# failure, but slowly under load (the model loading in a new worker, a backlog of embedding):
# stories would form in another order than one pass forms them if it were given up on sooner.
SETTLE = timedelta(seconds=30)
SETTLE_LOCAL = timedelta(minutes=5)
KEPT = "cluster"  # the key of the clusterer a worker keeps between steps (StageContext.kept)


@dataclass
class ClusterReport(StepReport):
    assigned: int = 0
    new_stories: int = 0
    asides: int = 0  # opinion and other pieces placed beside a story (or beside none)
    NOT_ITEMS: ClassVar[tuple[str, ...]] = ("new_stories",)

    def summary(self) -> str:
        asides = f", {how_many(self.asides, 'aside')} placed" if self.asides else ""
        new_stories = how_many(self.new_stories, "new story", "new stories")
        return f"{self.assigned} assigned, {new_stories}{asides}"


@dataclass
class _Memory:
    """The clusterer a worker keeps between steps, valid while no other worker has clustered
    (the stage's generation in the database is the one it left)."""

    generation: int
    clusterer: IncrementalClusterer


def cluster_step(context: StageContext) -> ClusterReport:
    """Assign a batch of ready reports that have their vectors, in publication order, to
    stories, then place a batch of asides. Reports still on their way that were published
    earlier (being fetched, extracted, or embedded) are waited for (for at most SETTLE or
    SETTLE_LOCAL), so that stories form in publication order however the work is shared out."""
    report = ClusterReport()
    now = utcnow()
    _assign_step(context, report, now)
    report.asides = _asides_step(context, report, now)
    report.more = report.more or report.asides == ASIDE_BATCH
    return report


def _unclustered(now: datetime) -> Select[tuple[Document]]:
    clustered = select(StoryMember.document_id)
    return select(Document).where(
        Document.status == DocumentStatus.READY,
        Document.id.not_in(clustered),
        due(Document.retry_at, now),
    )


def vectors_of(embedder: Embedder, texts: list[str]) -> list[np.ndarray | Exception]:
    """One vector per text, in one batch; if the batch fails, one by one, so that a text the
    model fails on is that report's failure alone."""
    try:
        return list(embedder.encode(texts))
    except Exception:
        found: list[np.ndarray | Exception] = []
        for text in texts:
            try:
                found.append(embedder.encode([text])[0])
            except Exception as exc:
                found.append(exc)
        return found


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
            memory.clusterer.covers_from = pending[0].published_at
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
        # The coverages that took reports in this step are asked again, as the next reports of
        # the stream would have them asked: a step's last stories join their topic now, not
        # some reports later. Then the active coverages are rebuilt from their stories. Not
        # after a failed report: the clusterer may still hold what its savepoint rolled back.
        if len(assigned) == len(pending):
            clusterer.review_coverages()
            clusterer.regroup_coverages()
        session.flush()
        _apply_revisions(session, clusterer)
        refresh_stories(session, {clusterer.story_of_item[str(d.id)] for d in assigned})
        next_generation = stepped(session, "cluster")
    report.more = len(pending) == ASSIGN_BATCH or len(assigned) < len(pending)
    if len(assigned) == len(pending):
        context.kept[KEPT] = _Memory(next_generation, clusterer)


def _asides_step(context: StageContext, report: ClusterReport, now: datetime) -> int:
    """Place a batch of pieces that are not news reports (status ASIDE: opinion, analysis, a
    review...) beside the story each is about, for the story page's "Opinion on this story".
    They are never a story's reports: `IncrementalClusterer.story_about` scores them against the
    active stories and adds them to none.

    A piece is looked at once the reports published before it are in their stories (the story
    it comments on is then there to be found). One placed beside no story is looked at once
    more after the reports of the hours that follow it (ASIDE_SECOND_LOOK) are in too: a live
    page or a column can come before the first report of its event. Then it stays where it is
    (`StoryAside.final`)."""
    settings = context.settings.cluster
    with context.database.session() as session:
        horizon = session.scalar(
            _unclustered(now).with_only_columns(func.min(Document.published_at))
        )
        first = select(Document).where(
            Document.status == DocumentStatus.ASIDE,
            Document.id.not_in(select(StoryAside.document_id)),
            Document.published_at.is_not(None),
            due(Document.retry_at, now),
        )
        looked = now - ASIDE_SECOND_LOOK
        again = (
            select(Document)
            .join(StoryAside, StoryAside.document_id == Document.id)
            .where(
                Document.status == DocumentStatus.ASIDE,
                StoryAside.final.is_(False),
                Document.published_at <= looked,
                due(Document.retry_at, now),
            )
        )
        if horizon is not None:
            first = first.where(Document.published_at < horizon)
            again = again.where(Document.published_at < horizon - ASIDE_SECOND_LOOK)
        order = (Document.published_at, Document.id)
        rows = session.scalars(first.order_by(*order).limit(ASIDE_BATCH)).all()
        rows += session.scalars(again.order_by(*order).limit(ASIDE_BATCH - len(rows))).all()
        texts = [
            embedding_text(d.title or "", d.text or "", settings.lead_words)
            for d in rows
            if d.embedding is None
        ]
    if not rows:
        return 0
    computed = iter(vectors_of(context.embedder, texts) if texts else [])
    vectors = [from_bytes(d.embedding) if d.embedding else next(computed) for d in rows]
    with context.database.transaction() as session:
        serialized(session, "cluster")  # the stories stay as they are while pieces are placed
        clusterer = _active_stories_at(context, session, min(row.published_at for row in rows))
        for row, vector in zip(rows, vectors, strict=True):
            document = session.get(Document, row.id)
            if document is None:
                continue
            if isinstance(vector, Exception):
                document_failed(report, document, now, vector)
                continue
            document.embedding = to_bytes(vector)
            _place_aside(session, clusterer, document, vector, settings.language, now)
            clear_failure(document)
    return len(rows)


def _active_stories_at(
    context: StageContext, session: Session, earliest: datetime
) -> IncrementalClusterer:
    """A clusterer holding the stories active at `earliest` and since, to read, not to change:
    the one the worker keeps when it is current (no other worker has clustered since) and holds
    every story active that early, else one loaded from the database (the work of loading and
    profiling every active report, saved on most steps)."""
    settings = context.settings.cluster
    window = timedelta(hours=settings.window_hours)
    memory: _Memory | None = context.kept.get(KEPT)
    if memory is not None and memory.generation == generation(session, "cluster"):
        covers_from = memory.clusterer.covers_from
        if covers_from is not None and covers_from <= earliest:
            return memory.clusterer
    clusterer = IncrementalClusterer(window, settings.join_threshold, int)
    _load_active_stories(session, clusterer, earliest - window, settings.language)
    return clusterer


def _place_aside(
    session: Session,
    clusterer: IncrementalClusterer,
    document: Document,
    vector: np.ndarray,
    default_language: str,
    now: datetime,
) -> None:
    """Find the story `document` (set aside) is about and record it: a first look, or the
    second and last look of a piece the first placed beside no story."""
    item = with_language(
        ClusterItem(
            id=str(document.id),
            title=document.title or "",
            text=document.text or "",
            published=document.published_at,
            language=document.language,
        ),
        default_language,
    )
    story_id, score, reason = clusterer.story_about(
        item, vector, profile(item.title, item.text, item.language or default_language)
    )
    aside = session.get(StoryAside, document.id)
    if aside is None:
        final = story_id is not None
        session.add(
            StoryAside(
                document_id=document.id, story_id=story_id, score=score, reason=reason, final=final
            )
        )
        return
    aside.story_id, aside.score, aside.final, aside.decided_at = story_id, score, True, now
    aside.reason = f"{aside.reason}; looked at again later: {reason}"


def _settled_before(session: Session, now: datetime) -> datetime | None:
    """The publication time of the earliest report still on its way to being clustered that
    made its last step less than SETTLE (not yet fetched) or SETTLE_LOCAL (fetched, extracted,
    ready without its vector) ago and is not waiting for a retry: reports published after it
    wait for it."""
    not_fetched = and_(
        Document.status == DocumentStatus.DISCOVERED, Document.discovered_at >= now - SETTLE
    )
    last_step = func.coalesce(Document.extracted_at, Document.fetched_at, Document.discovered_at)
    in_our_hands = and_(
        or_(
            Document.status.in_([DocumentStatus.FETCHED, DocumentStatus.EXTRACTED]),
            (Document.status == DocumentStatus.READY) & Document.embedding.is_(None),
        ),
        last_step >= now - SETTLE_LOCAL,
    )
    return session.scalar(
        select(func.min(func.coalesce(Document.published_at, Document.discovered_at))).where(
            or_(not_fetched, in_our_hands),
            Document.id.not_in(select(StoryMember.document_id)),  # not a report already placed
            due(Document.retry_at, now),
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
    reason grows with every move, so that it tells how the report came to be where it is.
    Stored, they are forgotten: a worker keeps its clusterer for the next step, which must not
    store them again (a step whose transaction fails drops the clusterer altogether)."""
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
        if link.root is not None:
            # A thread joined to an earlier one (one coverage): its stories the clusterer no
            # longer holds follow, so that every story of a thread names its first story.
            session.execute(
                update(Story)
                .where(Story.thread_id == link.story, Story.id != link.root)
                .values(thread_id=link.root)
            )
    session.flush()
    _forget_decisions_since(clusterer, (0, 0, 0))


def merge_story(
    session: Session, absorbed_id: int, survivor_id: int, reason: str, note: str
) -> None:
    """Fold story `absorbed_id` into `survivor_id`: its reports move, each reason ending with
    `note`, and the opinion pieces listed beside it go along; it redirects to the survivor, which
    takes its place in threads and the stories an editor keeps apart from it; the survivor is
    written again."""
    session.execute(
        update(StoryMember)
        .where(StoryMember.story_id == absorbed_id)
        .values(story_id=survivor_id, reason=StoryMember.reason + note)
    )
    session.execute(
        update(StoryAside).where(StoryAside.story_id == absorbed_id).values(story_id=survivor_id)
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
