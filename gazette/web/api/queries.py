"""Read queries of the API. Stories are the public site's (`public/queries.py`: the same
visibility, the same cards); what only the API shows is read here. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from gazette.db.models import Article, Story, StoryTag, Tag
from gazette.web.public import queries
from gazette.web.public.views import StoryCard


@dataclass(frozen=True)
class StoryFilter:
    tag: str | None = None  # a tag's slug
    since: datetime | None = None  # first report at or after
    until: datetime | None = None  # first report before


@dataclass(frozen=True)
class VersionRow:
    version: int
    published_at: datetime | None
    headline: str
    change_note: str | None


@dataclass(frozen=True)
class TagRow:
    name: str
    slug: str
    kind: str
    stories: int


def _filtered(query: Select, where: StoryFilter) -> Select:
    if where.tag is not None:
        query = query.join(StoryTag, StoryTag.story_id == Story.id).join(
            Tag, (Tag.id == StoryTag.tag_id) & (Tag.slug == where.tag)
        )
    if where.since is not None:
        query = query.where(Story.first_report_at >= where.since)
    if where.until is not None:
        query = query.where(Story.first_report_at < where.until)
    return query


def stories(
    session: Session, where: StoryFilter, limit: int, offset: int
) -> tuple[int, list[StoryCard]]:
    """How many visible stories match, and a page of them, latest report first."""
    visible = queries._visible_cards()  # the site's own rule for what readers see
    total = session.scalar(select(func.count()).select_from(_filtered(visible, where).subquery()))
    page = (
        _filtered(visible, where)
        .order_by(Story.last_report_at.desc(), Story.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return total or 0, queries._cards(session, page)


def versions(session: Session, story_id: int) -> list[VersionRow]:
    """The story's published versions, oldest first (a version held for an editor is not)."""
    rows = session.execute(
        select(Article.version, Article.published_at, Article.headline, Article.change_note)
        .where(Article.story_id == story_id, Article.published_at.is_not(None))
        .order_by(Article.version)
    )
    return [VersionRow(*row) for row in rows]


def tags(session: Session, kind: str | None, limit: int, offset: int) -> tuple[int, list[TagRow]]:
    """Tags that visible stories carry, with how many, the most used first."""
    count = func.count(StoryTag.story_id).label("stories")
    used = (
        select(Tag.name, Tag.slug, Tag.kind, count)
        .join(StoryTag, StoryTag.tag_id == Tag.id)
        .join(Story, Story.id == StoryTag.story_id)
        .where(Story.published_article_id.is_not(None), Story.merged_into_id.is_(None))
        .group_by(Tag.id, Tag.name, Tag.slug, Tag.kind)
    )
    if kind is not None:
        used = used.where(Tag.kind == kind)
    total = session.scalar(select(func.count()).select_from(used.subquery()))
    rows = session.execute(used.order_by(count.desc(), Tag.name).limit(limit).offset(offset))
    return total or 0, [TagRow(*row) for row in rows]
