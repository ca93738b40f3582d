"""Reads that several stages share: a story's reports (write, tag) and its newest article
version (write, publish)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.db.models import Article, Document, StoryMember
from gazette.records import SourceArticle


def story_sources(session: Session, story_id: int) -> list[SourceArticle]:
    """The story's reports, oldest first, with what the writer needs of each."""
    documents = session.scalars(
        select(Document)
        .join(StoryMember, StoryMember.document_id == Document.id)
        .where(StoryMember.story_id == story_id)
        .order_by(Document.published_at, Document.id)
    )
    return [
        SourceArticle(
            key=str(d.id),
            title=d.title or d.feed_title or "",
            text=d.text or "",
            url=d.canonical_url or d.url,
            outlet=d.outlet or d.domain or "",
            published=d.published_at,
            copy_of=str(d.copy_of_id) if d.copy_of_id else None,
            language=d.language,
            summary_only=d.summary_only,
        )
        for d in documents
    ]


def latest_article(session: Session, story_id: int) -> Article | None:
    """The newest version of the story's article, published or not."""
    return session.scalar(
        select(Article)
        .where(Article.story_id == story_id)
        .order_by(Article.version.desc())
        .limit(1)
    )
