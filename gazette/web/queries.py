"""What the pages show, read from what the pipeline stored. Nothing here writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from gazette.db.models import (
    AdSlot,
    Article,
    Comment,
    CommentStatus,
    Document,
    Story,
    StoryMember,
    StoryTag,
    Tag,
)
from gazette.urls import domain_of


@dataclass(frozen=True)
class TagLink:
    name: str
    slug: str
    kind: str


@dataclass
class StoryCard:
    id: int
    slug: str
    headline: str
    summary: str
    published_at: datetime
    updated_at: datetime
    sources: int
    tags: list[TagLink]

    @property
    def path(self) -> str:
        return f"/story/{self.id}/{self.slug}"


@dataclass(frozen=True)
class SentenceView:
    text: str
    citations: tuple[int, ...]
    kind: str


@dataclass(frozen=True)
class ReferenceView:
    number: int
    outlet: str
    title: str
    url: str
    published_at: datetime | None

    @property
    def domain(self) -> str:
        return domain_of(self.url)


@dataclass(frozen=True)
class Coverage:
    independent_sources: int
    reports: int
    outlets: list[tuple[str, str]]  # (name, domain)
    first_report: datetime
    latest_report: datetime


@dataclass
class StoryView:
    card: StoryCard
    version: int
    change_note: str | None
    summary: list[SentenceView]
    paragraphs: list[list[SentenceView]]
    references: list[ReferenceView]
    quote: tuple[str, str, int] | None  # text, speaker, reference number
    coverage: Coverage
    related: list[StoryCard] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    # Stories of the same thread (separate events of one ongoing subject), oldest first.
    earlier: list[StoryCard] = field(default_factory=list)
    later: list[StoryCard] = field(default_factory=list)


def _published_article(session: Session, story: Story) -> Article | None:
    """The version readers see: the last one published, even while a newer one waits."""
    if story.published_article_id is None:
        return None
    return session.get(Article, story.published_article_id)


def _tags(session: Session, story_ids: list[int]) -> dict[int, list[TagLink]]:
    rows = session.execute(
        select(StoryTag.story_id, Tag.name, Tag.slug, Tag.kind)
        .join(Tag, Tag.id == StoryTag.tag_id)
        .where(StoryTag.story_id.in_(story_ids))
        .order_by(StoryTag.story_id, StoryTag.rank)
    )
    tags: dict[int, list[TagLink]] = defaultdict(list)
    for story_id, name, slug, kind in rows:
        tags[story_id].append(TagLink(name, slug, kind))
    return tags


def _independent_counts(session: Session, story_ids: list[int]) -> dict[int, int]:
    """Reports per story that are not syndicated copies of another report."""
    rows = session.execute(
        select(StoryMember.story_id, func.count())
        .join(Document, Document.id == StoryMember.document_id)
        .where(StoryMember.story_id.in_(story_ids), Document.copy_of_id.is_(None))
        .group_by(StoryMember.story_id)
    )
    return dict(rows.all())


def _cards(session: Session, stories: list[Story]) -> list[StoryCard]:
    ids = [s.id for s in stories]
    tags = _tags(session, ids)
    counts = _independent_counts(session, ids)
    cards = []
    for story in stories:
        article = _published_article(session, story)
        if article is None:
            continue
        cards.append(
            StoryCard(
                id=story.id,
                slug=story.slug or "story",
                headline=article.headline,
                summary=article.summary,
                published_at=story.published_at or article.created_at,
                updated_at=article.published_at or article.created_at,
                sources=counts.get(story.id, 1),
                tags=tags.get(story.id, []),
            )
        )
    return cards


def _published() -> Select:
    """Stories readers can see: a version is published, and the story was not merged away."""
    return select(Story).where(
        Story.published_article_id.is_not(None), Story.merged_into_id.is_(None)
    )


def latest_stories(session: Session, limit: int, offset: int = 0) -> list[StoryCard]:
    stories = session.scalars(
        _published()
        .order_by(Story.last_report_at.desc(), Story.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return _cards(session, list(stories))


def tag_stories(session: Session, slug: str, limit: int) -> tuple[TagLink, list[StoryCard]] | None:
    tag = session.scalar(select(Tag).where(Tag.slug == slug))
    if tag is None:
        return None
    stories = session.scalars(
        _published()
        .join(StoryTag, StoryTag.story_id == Story.id)
        .where(StoryTag.tag_id == tag.id)
        .order_by(Story.last_report_at.desc())
        .limit(limit)
    )
    return TagLink(tag.name, tag.slug, tag.kind), _cards(session, list(stories))


def thread_stories(session: Session, story: Story) -> list[Story]:
    """The other published stories of this story's thread, oldest first."""
    root = story.thread_id or story.id
    if root != story.id:  # a thread's first story may since have joined an older thread
        root = session.scalar(select(Story.thread_id).where(Story.id == root)) or root
    return list(
        session.scalars(
            _published()
            .where(or_(Story.thread_id == root, Story.id == root), Story.id != story.id)
            .order_by(Story.first_report_at, Story.id)
        )
    )


def related_stories(
    session: Session, story_id: int, limit: int = 5, besides: Collection[int] = ()
) -> list[StoryCard]:
    """Published stories sharing the most people, organisations and places with this one
    (other than `besides`, shown elsewhere on the page)."""
    entity_tags = (
        select(StoryTag.tag_id)
        .join(Tag, Tag.id == StoryTag.tag_id)
        .where(StoryTag.story_id == story_id, Tag.kind != "topic")
    )
    shared = func.count(StoryTag.tag_id).label("shared")
    rows = session.execute(
        select(StoryTag.story_id, shared)
        .join(Story, Story.id == StoryTag.story_id)
        .where(
            StoryTag.tag_id.in_(entity_tags),
            StoryTag.story_id != story_id,
            StoryTag.story_id.not_in(besides),
            Story.published_article_id.is_not(None),
            Story.merged_into_id.is_(None),
        )
        .group_by(StoryTag.story_id)
        .order_by(shared.desc(), StoryTag.story_id.desc())
        .limit(limit)
    ).all()
    stories = [session.get(Story, row[0]) for row in rows]
    return _cards(session, [s for s in stories if s is not None])


def _coverage(session: Session, story: Story) -> Coverage:
    documents = session.scalars(
        select(Document)
        .join(StoryMember, StoryMember.document_id == Document.id)
        .where(StoryMember.story_id == story.id)
        .order_by(Document.published_at)
    ).all()
    outlets = list(dict.fromkeys((d.outlet or d.domain or "", d.domain or "") for d in documents))
    return Coverage(
        independent_sources=sum(1 for d in documents if d.copy_of_id is None),
        reports=len(documents),
        outlets=outlets,
        first_report=story.first_report_at,
        latest_report=story.last_report_at,
    )


def surviving_story_id(session: Session, story_id: int) -> int:
    """The story a merged story was folded into (following chains), or the story itself: old
    links to a merged story keep working."""
    for _ in range(32):
        merged_into = session.scalar(select(Story.merged_into_id).where(Story.id == story_id))
        if merged_into is None:
            return story_id
        story_id = merged_into
    return story_id


def story_view(session: Session, story_id: int) -> StoryView | None:
    """The published story, following merges to the story that survived."""
    story = session.get(Story, surviving_story_id(session, story_id))
    if story is None:
        return None
    article = _published_article(session, story)
    if article is None:
        return None
    card = _cards(session, [story])[0]
    summary, paragraphs = [], defaultdict(list)
    for sentence in article.sentences:
        view = SentenceView(
            sentence.text, tuple(c.reference_number for c in sentence.citations), sentence.kind
        )
        if sentence.section == "summary":
            summary.append(view)
        else:
            paragraphs[sentence.paragraph].append(view)
    quote = None
    if article.quote_text and article.quote_speaker and article.quote_reference:
        quote = (article.quote_text, article.quote_speaker, article.quote_reference)
    comments = session.scalars(
        select(Comment)
        .where(Comment.story_id == story.id, Comment.status == CommentStatus.VISIBLE)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    thread = thread_stories(session, story)
    return StoryView(
        card=card,
        version=article.version,
        change_note=article.change_note,
        summary=summary,
        paragraphs=[paragraphs[k] for k in sorted(paragraphs)],
        references=[
            ReferenceView(r.number, r.outlet, r.title, r.url, r.published_at)
            for r in article.references
        ],
        quote=quote,
        coverage=_coverage(session, story),
        related=related_stories(session, story.id, besides=[s.id for s in thread]),
        comments=list(comments),
        earlier=_cards(session, [s for s in thread if s.first_report_at < story.first_report_at]),
        later=_cards(session, [s for s in thread if s.first_report_at >= story.first_report_at]),
    )


def ad_slots(session: Session) -> dict[str, list[AdSlot]]:
    slots: dict[str, list[AdSlot]] = defaultdict(list)
    for slot in session.scalars(select(AdSlot).where(AdSlot.enabled).order_by(AdSlot.id)):
        slots[slot.placement].append(slot)
    return slots
