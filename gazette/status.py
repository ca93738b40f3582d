"""What an operator needs to know at a glance (`gazette status`, the metrics): the work waiting
at each stage, what waits for a retry or was given up, the workers alive, the sources that
fail, and the last errors. Read from the database only, so it tells the same on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from gazette.db.models import (
    Document,
    DocumentStatus,
    Source,
    StageStat,
    Story,
    StoryMember,
    WorkerBeat,
)
from gazette.db.models import utcnow as now_utc
from gazette.db.states import StoryState
from gazette.db.upsert import insert_for
from gazette.work import StepReport

# A worker not heard from for this long is taken for dead.
ALIVE_WITHIN = timedelta(minutes=2)
# How often a worker renews its sign of life.
BEAT_EVERY = timedelta(seconds=10)
RECENT_ERRORS = 10
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class StageBacklog:
    stage: str
    waiting: int  # ready for the stage now
    retrying: int  # failed, waiting for their next attempt


@dataclass(frozen=True)
class FailingItem:
    what: str  # "document", "story" or "source"
    key: str  # URL or id
    error: str
    attempts: int
    retry_at: datetime | None


@dataclass(frozen=True)
class WorkerView:
    name: str
    engine: str
    started_at: datetime
    seen_at: datetime
    steps: int


@dataclass
class Status:
    backlog: list[StageBacklog]
    awaiting_review: int
    published: int
    unwritten: int  # stories whose reports give nothing to write from yet
    given_up: int  # documents FAILED for good
    summary_only: int  # reports made from their feed alone
    pages_retrying: int  # of which the page will be asked for again
    workers: list[WorkerView]
    failing_sources: list[FailingItem] = field(default_factory=list)
    recent_errors: list[FailingItem] = field(default_factory=list)
    # Tasks queued on the Celery broker, by queue kind (filled in when Celery workers live).
    queues: dict[str, int] | None = None

    @property
    def problems(self) -> int:
        """Sources failing and items waiting for a retry or given up: what an alert keys on."""
        retrying = sum(stage.retrying for stage in self.backlog)
        return len(self.failing_sources) + retrying + self.given_up


def read_status(session: Session, now: datetime | None = None) -> Status:
    now = now or now_utc()
    return Status(
        backlog=_backlog(session, now),
        awaiting_review=_count(session, Story, Story.state == StoryState.TAGGED),
        unwritten=_count(session, Story, Story.state == StoryState.UNWRITTEN),
        published=_count(
            session, Story, Story.published_article_id.is_not(None), Story.merged_into_id.is_(None)
        ),
        given_up=_count(session, Document, Document.status == DocumentStatus.FAILED),
        summary_only=_count(session, Document, Document.summary_only),
        pages_retrying=_count(session, Document, Document.page_retry_at.is_not(None)),
        workers=[
            WorkerView(w.name, w.engine, w.started_at, w.seen_at, w.steps)
            for w in session.scalars(
                select(WorkerBeat)
                .where(WorkerBeat.seen_at >= now - ALIVE_WITHIN)
                .order_by(WorkerBeat.name)
            )
        ],
        failing_sources=[
            FailingItem("source", s.url, s.last_error or "", s.consecutive_failures, s.next_poll_at)
            for s in session.scalars(
                select(Source)
                .where(Source.enabled, Source.consecutive_failures > 0)
                .order_by(Source.consecutive_failures.desc(), Source.id)
            )
        ],
        recent_errors=_recent_errors(session),
    )


def _count(session: Session, model: type, *conditions: ColumnElement[bool]) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def _backlog(session: Session, now: datetime) -> list[StageBacklog]:
    due = [Source.enabled, (Source.next_poll_at.is_(None)) | (Source.next_poll_at <= now)]
    rows = [StageBacklog("sources", _count(session, Source, *due), 0)]
    waiting_docs = {
        "fetch": Document.status == DocumentStatus.DISCOVERED,
        "extract": Document.status == DocumentStatus.FETCHED,
        "dedupe": Document.status == DocumentStatus.EXTRACTED,
        "embed": and_(Document.status == DocumentStatus.READY, Document.embedding.is_(None)),
        "cluster": and_(
            Document.status == DocumentStatus.READY,
            Document.id.not_in(select(StoryMember.document_id)),
        ),
    }
    for stage, condition in waiting_docs.items():
        rows.append(_split_by_retry(session, stage, Document, condition, now))
    waiting_stories = {
        "write": Story.state == StoryState.CLUSTERED,
        "tag": Story.state == StoryState.WRITTEN,
    }
    for stage, condition in waiting_stories.items():
        live = and_(condition, Story.merged_into_id.is_(None))
        rows.append(_split_by_retry(session, stage, Story, live, now))
    return rows


def _split_by_retry(
    session: Session, stage: str, model: type, condition: ColumnElement[bool], now: datetime
) -> StageBacklog:
    retrying = and_(condition, model.retry_at.is_not(None), model.retry_at > now)
    total = _count(session, model, condition)
    later = _count(session, model, retrying)
    return StageBacklog(stage, total - later, later)


def _recent_errors(session: Session) -> list[FailingItem]:
    documents = session.scalars(
        select(Document)
        .where(Document.error.is_not(None))
        .order_by(Document.retry_at.desc().nulls_last(), Document.id.desc())
        .limit(RECENT_ERRORS)
    )
    stories = session.scalars(
        select(Story)
        .where(Story.error.is_not(None))
        .order_by(Story.retry_at.desc().nulls_last(), Story.id.desc())
        .limit(RECENT_ERRORS)
    )
    found = [
        FailingItem("document", d.url, d.error or "", d.attempts, d.retry_at) for d in documents
    ]
    found += [
        FailingItem("story", str(s.id), s.error or "", s.attempts, s.retry_at) for s in stories
    ]
    found.sort(key=lambda item: item.retry_at or EPOCH, reverse=True)
    return found[:RECENT_ERRORS]


def beat(session: Session, name: str, engine: str, steps: int, now: datetime | None = None) -> None:
    """Renew a worker's sign of life (its steps that found work so far)."""
    now = now or now_utc()
    row = session.get(WorkerBeat, name)
    if row is None:
        session.add(WorkerBeat(name=name, engine=engine, started_at=now, seen_at=now, steps=steps))
    else:
        row.seen_at, row.steps = now, steps


def farewell(session: Session, name: str) -> None:
    """A worker that stops says so: it leaves the list at once."""
    row = session.get(WorkerBeat, name)
    if row is not None:
        session.delete(row)


def record_step(session: Session, stage: str, report: StepReport, seconds: float) -> None:
    """Add a step that found work to its stage's running totals (the metrics). One statement,
    so that two workers counting their first steps at once both count."""
    step = {"steps": 1, "items": report.processed(), "errors": len(report.errors)}
    new = insert_for(session.get_bind(), StageStat).values(
        stage=stage, **step, seconds=seconds, updated_at=now_utc()
    )
    added = {name: getattr(StageStat, name) + new.excluded[name] for name in step}
    session.execute(
        new.on_conflict_do_update(
            index_elements=[StageStat.stage],
            set_={
                **added,
                "seconds": StageStat.seconds + new.excluded.seconds,
                "updated_at": new.excluded.updated_at,
            },
        )
    )


def stage_totals(session: Session) -> list[StageStat]:
    return list(session.scalars(select(StageStat).order_by(StageStat.stage)))
