"""The pieces placed beside a story that are not news reports (opinion, analysis, a review, a
live blog...: gazette/report_kinds.py), read once for every place that lists them: the story
page, the read API, the desk's review page and `gazette story`. They are never the story's
sources, so they are read apart from its reports and never numbered as references."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.db.models import Document, StoryAside


@dataclass(frozen=True)
class AsidePiece:
    """One piece about a story, as readers and editors are shown it."""

    document_id: int
    kind: str  # a ReportKind other than "news"
    writers: tuple[str, ...]  # as the page names them, each once, in its order
    outlet: str
    title: str
    url: str
    published_at: datetime | None
    reason: str  # why the clusterer placed it beside this story (for editors)


def story_asides(session: Session, story_id: int) -> list[AsidePiece]:
    """The pieces placed beside `story_id`, oldest first and undated ones last, in one query."""
    rows = session.execute(
        select(
            Document.id,
            Document.kind,
            Document.authors,
            Document.outlet,
            Document.domain,
            Document.title,
            Document.feed_title,
            Document.canonical_url,
            Document.url,
            Document.published_at,
            StoryAside.reason,
        )
        .join(StoryAside, StoryAside.document_id == Document.id)
        .where(StoryAside.story_id == story_id)
        # Undated pieces last on every database (SQLite and PostgreSQL differ by default).
        .order_by(Document.published_at.asc().nulls_last(), Document.id)
    )
    return [
        AsidePiece(
            document_id=row.id,
            kind=row.kind,
            writers=_writers(row.authors),
            outlet=row.outlet or row.domain or "",
            title=row.title or row.feed_title or "",
            url=row.canonical_url or row.url,
            published_at=row.published_at,
            reason=row.reason,
        )
        for row in rows
    ]


def _writers(authors: list | None) -> tuple[str, ...]:
    """The names a page gave, stripped, blanks dropped, each once (bylines repeat names)."""
    return tuple(dict.fromkeys(a for a in (str(x).strip() for x in authors or []) if a))
