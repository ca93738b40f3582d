"""What the public pages show, read from what the pipeline stored, as view records. Nothing
here writes.

Readers see a story when a version of its article is published (the story's
`published_article_id`) and the story was not merged into another; they see that version,
whatever newer one waits for an editor. A list of stories costs the same few queries however
long it is: the stories and their published versions in one, their tags in one, their source
counts in one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from gazette.db.models import (
    AdSlot,
    Article,
    Comment,
    CommentStatus,
    Document,
    Sentence,
    Story,
    StoryMember,
    StoryTag,
    Tag,
)
from gazette.web.public.ads import sanitise_ad
from gazette.web.public.views import (
    AdView,
    CommentView,
    Coverage,
    QuoteView,
    ReferenceView,
    SentenceView,
    StoryCard,
    StoryView,
    TagLink,
)

MERGE_HOPS = 32  # a merged story's address follows at most this many merges


def _visible_cards() -> Select:
    """The columns of a card, for every story readers can see, joined to its published version."""
    return (
        select(
            Story.id,
            Story.slug,
            Story.first_report_at,
            Article.headline,
            Article.summary,
            Article.version,
            Article.published_at,
            Article.created_at,
        )
        .join_from(Story, Article, Article.id == Story.published_article_id)
        .where(Story.merged_into_id.is_(None))
    )


def _tags(session: Session, story_ids: list[int]) -> dict[int, tuple[TagLink, ...]]:
    rows = session.execute(
        select(StoryTag.story_id, Tag.name, Tag.slug, Tag.kind)
        .join(Tag, Tag.id == StoryTag.tag_id)
        .where(StoryTag.story_id.in_(story_ids))
        .order_by(StoryTag.story_id, StoryTag.rank)
    )
    tags: dict[int, list[TagLink]] = defaultdict(list)
    for story_id, name, slug, kind in rows:
        tags[story_id].append(TagLink(name, slug, kind))
    return {story_id: tuple(links) for story_id, links in tags.items()}


def _independent_counts(session: Session, story_ids: list[int]) -> dict[int, int]:
    """Reports per story that are not syndicated copies of another report."""
    rows = session.execute(
        select(StoryMember.story_id, func.count())
        .join(Document, Document.id == StoryMember.document_id)
        .where(StoryMember.story_id.in_(story_ids), Document.copy_of_id.is_(None))
        .group_by(StoryMember.story_id)
    )
    return dict(rows.all())


def _cards(session: Session, query: Select) -> list[StoryCard]:
    """The cards of the stories `query` (from `_visible_cards`) finds, in its order."""
    rows = session.execute(query).all()
    if not rows:
        return []
    ids = [row.id for row in rows]
    tags = _tags(session, ids)
    counts = _independent_counts(session, ids)
    return [
        StoryCard(
            id=row.id,
            slug=row.slug or "story",
            headline=row.headline,
            summary=row.summary,
            published_at=row.first_report_at,
            updated_at=(row.published_at or row.created_at) if row.version > 1 else None,
            sources=counts.get(row.id, 1),
            tags=tags.get(row.id, ()),
        )
        for row in rows
    ]


def latest_stories(session: Session, limit: int, offset: int = 0) -> list[StoryCard]:
    return _cards(
        session,
        _visible_cards()
        .order_by(Story.last_report_at.desc(), Story.id.desc())
        .limit(limit)
        .offset(offset),
    )


def tag_stories(session: Session, slug: str, limit: int) -> tuple[TagLink, list[StoryCard]] | None:
    tag = session.execute(select(Tag.id, Tag.name, Tag.slug, Tag.kind).where(Tag.slug == slug))
    found = tag.first()
    if found is None:
        return None
    cards = _cards(
        session,
        _visible_cards()
        .join(StoryTag, StoryTag.story_id == Story.id)
        .where(StoryTag.tag_id == found.id)
        .order_by(Story.last_report_at.desc(), Story.id.desc())
        .limit(limit),
    )
    return TagLink(found.name, found.slug, found.kind), cards


def _thread_cards(session: Session, story: Story) -> list[StoryCard]:
    """The other visible stories of this story's thread, oldest first."""
    root = story.thread_id or story.id
    if root != story.id:  # a thread's first story may since have joined an older thread
        root = session.scalar(select(Story.thread_id).where(Story.id == root)) or root
    return _cards(
        session,
        _visible_cards()
        .where(or_(Story.thread_id == root, Story.id == root), Story.id != story.id)
        .order_by(Story.first_report_at, Story.id),
    )


def related_stories(
    session: Session, story_id: int, limit: int = 5, besides: Collection[int] = ()
) -> list[StoryCard]:
    """Visible stories sharing the most people, organisations and places with this one (other
    than `besides`, shown elsewhere on the page), most shared first."""
    entity_tags = (
        select(StoryTag.tag_id)
        .join(Tag, Tag.id == StoryTag.tag_id)
        .where(StoryTag.story_id == story_id, Tag.kind != "topic")
    )
    shared = func.count(StoryTag.tag_id).label("shared")
    ranked = (
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
        .subquery()
    )
    return _cards(
        session,
        _visible_cards()
        .join(ranked, ranked.c.story_id == Story.id)
        .order_by(ranked.c.shared.desc(), Story.id.desc()),
    )


def _coverage(session: Session, story: Story) -> Coverage:
    documents = session.execute(
        select(Document.outlet, Document.domain, Document.copy_of_id)
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
    for _ in range(MERGE_HOPS):
        merged_into = session.scalar(select(Story.merged_into_id).where(Story.id == story_id))
        if merged_into is None:
            return story_id
        story_id = merged_into
    return story_id


def _text(article: Article) -> tuple[list[SentenceView], list[list[SentenceView]]]:
    """The summary's sentences, and the body's sentences paragraph by paragraph."""
    summary: list[SentenceView] = []
    paragraphs: dict[int, list[SentenceView]] = defaultdict(list)
    for sentence in article.sentences:
        view = SentenceView(
            sentence.text, tuple(c.reference_number for c in sentence.citations), sentence.kind
        )
        if sentence.section == "summary":
            summary.append(view)
        else:
            paragraphs[sentence.paragraph].append(view)
    return summary, [paragraphs[k] for k in sorted(paragraphs)]


def _comments(session: Session, story_id: int) -> list[CommentView]:
    rows = session.execute(
        select(Comment.author_name, Comment.body, Comment.created_at)
        .where(Comment.story_id == story_id, Comment.status == CommentStatus.VISIBLE)
        .order_by(Comment.created_at, Comment.id)
    )
    return [CommentView(author, body, posted_at) for author, body, posted_at in rows]


def story_view(session: Session, story_id: int) -> StoryView | None:
    """The story readers see at `story_id`, following merges to the story that survived; None
    when there is no such story or nothing of it is published."""
    found = session.execute(
        select(Story, Article)
        .join_from(Story, Article, Article.id == Story.published_article_id)
        .where(Story.id == surviving_story_id(session, story_id), Story.merged_into_id.is_(None))
        .options(
            selectinload(Article.sentences).selectinload(Sentence.citations),
            selectinload(Article.references),
        )
    ).first()
    if found is None:
        return None
    story, article = found
    card = _cards(session, _visible_cards().where(Story.id == story.id))[0]
    summary, paragraphs = _text(article)
    quote = None
    if article.quote_text and article.quote_speaker and article.quote_reference:
        quote = QuoteView(article.quote_text, article.quote_speaker, article.quote_reference)
    thread = _thread_cards(session, story)
    return StoryView(
        card=card,
        version=article.version,
        change_note=article.change_note,
        summary=summary,
        paragraphs=paragraphs,
        references=[
            ReferenceView(r.number, r.outlet, r.title, r.url, r.published_at)
            for r in article.references
        ],
        quote=quote,
        coverage=_coverage(session, story),
        brief=article.brief,
        related=related_stories(session, story.id, besides=[card.id for card in thread]),
        comments=_comments(session, story.id),
        earlier=[c for c in thread if c.published_at < story.first_report_at],
        later=[c for c in thread if c.published_at >= story.first_report_at],
    )


def ad_slots(session: Session) -> dict[str, Sequence[AdView]]:
    """The enabled ad slots by placement, their markup sanitised."""
    slots: dict[str, list[AdView]] = defaultdict(list)
    rows = session.execute(
        select(AdSlot.name, AdSlot.placement, AdSlot.html).where(AdSlot.enabled).order_by(AdSlot.id)
    )
    for name, placement, html in rows:
        slots[placement].append(AdView(name, placement, sanitise_ad(html or "")))
    return dict(slots)
