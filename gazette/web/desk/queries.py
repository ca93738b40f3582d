"""What the desk's pages show, read from the database as view records. Nothing here writes.

A version waits for review when its story is TAGGED (written and tagged, gazette/db/states.py)
and the version is the story's newest but not the one readers see (`published_article_id`):
with `write.auto_publish` off, every new version waits so. Each list costs three queries however
long it is: the versions, their sources counted, their check decisions counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from gazette.db.models import (
    Article,
    ArticleReference,
    AuditEntry,
    Story,
    StoryMember,
    WriteCheck,
)
from gazette.db.states import StoryState
from gazette.web.desk.views import (
    CHECK_OUTCOMES,
    AuditRow,
    CheckSummary,
    DeskHome,
    MergeSide,
    QueueItem,
    Rewriting,
)

LIVE = aliased(Article)


def _versions() -> Select:
    """Stories with the columns of one of their versions (`Article`) and of the version readers
    see (`LIVE`, when there is one)."""
    return (
        select(
            Story.id,
            Story.slug,
            Story.held_at,
            Story.withdrawn_at,
            Article,
            LIVE.version.label("live_version"),
        )
        .join(Article, Article.story_id == Story.id)
        .outerjoin(LIVE, LIVE.id == Story.published_article_id)
        .where(Story.merged_into_id.is_(None))
    )


def _sources(session: Session, article_ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(ArticleReference.article_id, func.count())
        .where(ArticleReference.article_id.in_(article_ids))
        .group_by(ArticleReference.article_id)
    )
    return dict(rows.all())


def _checks(session: Session, article_ids: list[int]) -> dict[int, CheckSummary]:
    rows = session.execute(
        select(WriteCheck.article_id, WriteCheck.outcome, func.count())
        .where(WriteCheck.article_id.in_(article_ids))
        .group_by(WriteCheck.article_id, WriteCheck.outcome)
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for article_id, outcome, count in rows:
        counts[article_id][outcome] = count
    order = {outcome: rank for rank, outcome in enumerate(CHECK_OUTCOMES)}
    return {
        article_id: CheckSummary(
            tuple(sorted(by_outcome.items(), key=lambda item: order.get(item[0], len(order))))
        )
        for article_id, by_outcome in counts.items()
    }


def _items(session: Session, query: Select) -> list[QueueItem]:
    rows = session.execute(query).all()
    ids = [row.Article.id for row in rows]
    sources = _sources(session, ids) if ids else {}
    checks = _checks(session, ids) if ids else {}
    items = []
    for row in rows:
        article: Article = row.Article
        model_written = article.writer.startswith("llm:")
        items.append(
            QueueItem(
                story_id=row.id,
                slug=row.slug or "story",
                version=article.version,
                headline=article.headline,
                writer=article.writer,
                written_at=article.created_at,
                published_at=article.published_at,
                live_version=row.live_version,
                sources=sources.get(article.id, 0),
                check=checks.get(article.id, CheckSummary(())) if model_written else None,
                held=row.held_at is not None,
                withdrawn=row.withdrawn_at is not None,
                edited_by=article.edited_by,
            )
        )
    return items


def _waiting() -> Select:
    """`_versions()` narrowed to the versions that wait for an editor."""
    newest = (
        select(func.max(Article.version))
        .where(Article.story_id == Story.id)
        .correlate(Story)
        .scalar_subquery()
    )
    return _versions().where(
        Story.state == StoryState.TAGGED.value,
        Article.version == newest,
        or_(Story.published_article_id.is_(None), Story.published_article_id != Article.id),
    )


def waiting_for_review(session: Session, limit: int) -> list[QueueItem]:
    """Versions waiting for an editor, the most recently written first."""
    query = _waiting().order_by(Article.created_at.desc(), Article.id.desc()).limit(limit)
    return _items(session, query)


def waiting_count(session: Session) -> int:
    """How many versions wait for an editor, however many the queue lists."""
    return session.scalar(select(func.count()).select_from(_waiting().subquery())) or 0


def recently_published(session: Session, limit: int) -> list[QueueItem]:
    """The versions readers see, the most recently published first."""
    query = (
        _versions()
        .where(Article.id == Story.published_article_id)
        .order_by(func.coalesce(Article.published_at, Article.created_at).desc(), Article.id.desc())
        .limit(limit)
    )
    return _items(session, query)


def being_rewritten(session: Session, limit: int) -> list[Rewriting]:
    """Unpublished stories whose reports changed (an editor's move, merge or split, or new
    reports), waiting for the pipeline to write them: in neither list until it has."""
    newest = aliased(Article)
    newest_number = (
        select(func.max(Article.version))
        .where(Article.story_id == Story.id)
        .correlate(Story)
        .scalar_subquery()
    )
    rewriting = Story.state.in_([StoryState.CLUSTERED.value, StoryState.WRITTEN.value])
    # A story that was written once and now has nothing to write from would vanish from both
    # lists for good; one never written (a question headline alone) is no editor's business.
    stuck = (Story.state == StoryState.UNWRITTEN.value) & newest.id.is_not(None)
    rows = session.execute(
        select(Story.id, newest.headline, Story.state)
        .outerjoin(newest, (newest.story_id == Story.id) & (newest.version == newest_number))
        .where(
            Story.merged_into_id.is_(None),
            Story.published_article_id.is_(None),
            rewriting | stuck,
        )
        .order_by(Story.id.desc())
        .limit(limit)
    )
    return [
        Rewriting(story_id, headline, state == StoryState.UNWRITTEN.value)
        for story_id, headline, state in rows
    ]


def desk_home(session: Session, limit: int) -> DeskHome:
    waiting = waiting_for_review(session, limit)
    total = len(waiting) if len(waiting) < limit else waiting_count(session)
    return DeskHome(
        waiting, recently_published(session, limit), total, being_rewritten(session, limit)
    )


def audit_entries(session: Session, limit: int, offset: int) -> Sequence[AuditRow]:
    """Entries of the audit log, newest first."""
    rows = session.scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    )
    return [
        AuditRow(row.at, row.actor, row.action, row.target, row.detail, row.address) for row in rows
    ]


def merge_side(session: Session, story_id: int) -> MergeSide:
    """Story `story_id` as a merge's question shows it: two short queries, whatever its size."""
    newest = session.execute(
        select(Article.headline, Article.version)
        .where(Article.story_id == story_id)
        .order_by(Article.version.desc())
        .limit(1)
    ).first()
    reports = session.scalars(
        select(StoryMember.document_id)
        .where(StoryMember.story_id == story_id)
        .order_by(StoryMember.document_id)
    )
    headline, version = newest if newest is not None else (None, None)
    return MergeSide(story_id, headline, version, tuple(reports))
