"""Reads that several stages share: a story's reports (write, tag) and its newest article
version (write, publish)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from gazette.db.models import Article, Document, StoryMember
from gazette.records import SourceArticle


def story_sources(session: Session, story_id: int) -> list[SourceArticle]:
    """The story's reports, oldest first, with what the writer needs of each."""
    return [source_article(document) for document in story_documents(session, story_id)]


def story_documents(session: Session, story_id: int) -> list[Document]:
    """The story's report rows, oldest first: for a stage that needs more of each report than
    its `SourceArticle` (the tag stage reads their stored embeddings too) in the same read."""
    return list(
        session.scalars(
            select(Document)
            .options(defer(Document.raw_html))  # the gzipped page: only re-extraction reads it
            .join(StoryMember, StoryMember.document_id == Document.id)
            .where(StoryMember.story_id == story_id)
            .order_by(Document.published_at, Document.id)
        )
    )


def source_article(document: Document) -> SourceArticle:
    """What the stages that read a story's reports need of one."""
    return SourceArticle(
        key=str(document.id),
        title=document.title or document.feed_title or "",
        text=document.text or "",
        url=document.canonical_url or document.url,
        outlet=document.outlet or document.domain or "",
        published=document.published_at,
        copy_of=str(document.copy_of_id) if document.copy_of_id else None,
        language=document.language,
        summary_only=document.summary_only,
    )


def latest_article(session: Session, story_id: int) -> Article | None:
    """The newest version of the story's article, published or not."""
    return session.scalar(
        select(Article)
        .where(Article.story_id == story_id)
        .order_by(Article.version.desc())
        .limit(1)
    )
