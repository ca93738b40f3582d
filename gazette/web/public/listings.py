"""Read queries behind the site's listings for machines and for search: the addresses of the
sitemaps, the stories of the news sitemap, and the cards of a page of search results. Like
`queries.py`, nothing here writes, and readers' visibility rules are the same: a story is listed
when a version of it is published and it was not merged into another."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from gazette.db.models import Article, Story, StoryTag, Tag
from gazette.db.search import Hit, search
from gazette.web.public import queries
from gazette.web.public.views import StoryCard


@dataclass(frozen=True)
class StoryLink:
    id: int
    slug: str
    headline: str
    published_at: datetime  # when readers first saw the story
    changed_at: datetime  # when the version readers see was published


@dataclass(frozen=True)
class TagPage:
    slug: str
    changed_at: datetime | None


@dataclass(frozen=True)
class Found:
    card: StoryCard
    hit: Hit


def _visible() -> tuple:
    return (Story.published_article_id.is_not(None), Story.merged_into_id.is_(None))


def _changed():  # type: ignore[no-untyped-def]
    return func.coalesce(Article.published_at, Article.created_at)


def story_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Story).where(*_visible())) or 0


def story_links(
    session: Session, limit: int, offset: int = 0, since: datetime | None = None
) -> list[StoryLink]:
    """Visible stories by id (newest first when `since` is given: those first published
    then or later)."""
    query = (
        select(Story.id, Story.slug, Article.headline, Story.published_at, _changed())
        .join(Article, Article.id == Story.published_article_id)
        .where(*_visible())
    )
    if since is not None:
        query = query.where(Story.published_at >= since).order_by(Story.published_at.desc())
    else:
        query = query.order_by(Story.id)
    rows = session.execute(query.limit(limit).offset(offset)).all()
    return [
        StoryLink(id, slug or "story", headline, published or changed, changed)
        for id, slug, headline, published, changed in rows
    ]


def _tags_in_use():  # type: ignore[no-untyped-def]
    return exists().where(
        StoryTag.tag_id == Tag.id,
        StoryTag.story_id == Story.id,
        *_visible(),
    )


def tag_page_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Tag).where(_tags_in_use())) or 0


def tag_pages(session: Session, limit: int, offset: int = 0) -> list[TagPage]:
    """Tags that at least one visible story carries, by id, with their newest story's change."""
    changed = (
        select(func.max(_changed()))
        .select_from(StoryTag)
        .join(Story, Story.id == StoryTag.story_id)
        .join(Article, Article.id == Story.published_article_id)
        .where(StoryTag.tag_id == Tag.id, *_visible())
        .scalar_subquery()
    )
    rows = session.execute(
        select(Tag.slug, changed).where(_tags_in_use()).order_by(Tag.id).limit(limit).offset(offset)
    )
    return [TagPage(slug, moment) for slug, moment in rows]


def search_page(
    session: Session, query: str, limit: int, offset: int
) -> tuple[tuple[str, ...], int, list[Found]]:
    """A page of search results as cards in rank order, the terms searched for, and how many
    stories match in all."""
    results = search(session, query, limit, offset)
    ids = [hit.story_id for hit in results.hits]
    if not ids:
        return results.query, results.total, []
    # The same cards as every list of the site, in one query for the whole page.
    cards = {
        card.id: card
        for card in queries._cards(session, queries._visible_cards().where(Story.id.in_(ids)))
    }
    found = [Found(cards[hit.story_id], hit) for hit in results.hits if hit.story_id in cards]
    return results.query, results.total, found
