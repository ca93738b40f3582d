"""How a story came to be, read back from what the cluster stage stored (`gazette story`).

Every clustering decision is kept with its reason: why each report joined (or started) its
story, and then moved if it did ("then left story 12: ..."), why another story was merged into
it, and why it continues a thread. An editor who doubts a story reads them here rather than in
the database, with what editors decided (the reports they placed, the stories they keep apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.cluster.stage import separated_from
from gazette.db.models import Article, Document, Source, Story, StoryMember
from gazette.errors import NotFound


@dataclass(frozen=True)
class Report:
    document_id: int
    outlet: str
    title: str
    url: str
    published: datetime | None
    reason: str
    # Placed by an editor: the clusterer leaves it where it is (gazette/regroup.py).
    pinned: bool = False
    # The report it is a syndicated copy of, if it is one.
    copy_of: int | None = None


@dataclass(frozen=True)
class Absorbed:
    story_id: int
    reason: str


@dataclass(frozen=True)
class StoryHistory:
    story_id: int
    state: str
    headline: str | None
    # Each redirect followed from the number asked for: (story, the one it was merged into, why).
    redirects: list[tuple[int, int, str]]
    reports: list[Report]
    absorbed: list[Absorbed]
    thread_root: int | None
    thread_reason: str | None
    continued_by: list[int]
    # The stories an editor keeps apart from this one.
    kept_apart: list[int]


def story_history(session: Session, story_id: int) -> StoryHistory:
    """The history of story `story_id`, or of the story it was merged into."""
    story = session.get(Story, story_id)
    if story is None:
        raise NotFound(f"there is no story {story_id}")
    redirects = []
    while story.merged_into_id is not None:
        survivor = session.get(Story, story.merged_into_id)
        redirects.append((story.id, survivor.id, story.merge_reason or "no reason was stored"))
        story = survivor
    rows = session.execute(
        select(StoryMember, Document, Source.name)
        .join(Document, Document.id == StoryMember.document_id)
        .outerjoin(Source, Source.id == Document.source_id)
        .where(StoryMember.story_id == story.id)
        .order_by(Document.published_at, Document.id)
    )
    reports = [
        Report(
            document.id,
            document.outlet or source_name or document.domain or "unknown outlet",
            document.title or document.feed_title or "(no title)",
            document.url,
            document.published_at,
            member.reason,
            member.pinned,
            document.copy_of_id,
        )
        for member, document, source_name in rows
    ]
    absorbed = [
        Absorbed(other.id, other.merge_reason or "no reason was stored")
        for other in session.scalars(
            select(Story).where(Story.merged_into_id == story.id).order_by(Story.id)
        )
    ]
    headline = session.scalar(
        select(Article.headline)
        .where(Article.story_id == story.id)
        .order_by(Article.version.desc())
        .limit(1)
    )
    continued_by = list(
        session.scalars(select(Story.id).where(Story.thread_id == story.id).order_by(Story.id))
    )
    return StoryHistory(
        story.id,
        story.state,
        headline,
        redirects,
        reports,
        absorbed,
        story.thread_id,
        story.thread_reason,
        continued_by,
        sorted(separated_from(session, story.id)),
    )
