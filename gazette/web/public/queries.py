"""What the public pages show, read from what the pipeline stored, as view records. Nothing
here writes.

Readers see a story when a version of its article is published (the story's
`published_article_id`) and the story was not merged into another; they see that version,
whatever newer one waits for an editor. A list of stories costs the same few queries however
long it is: the stories and their published versions in one, their tags in one, their source
counts in one.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from datetime import timedelta
from difflib import SequenceMatcher
from typing import Any

from sqlalchemy import ScalarSelect, Select, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from gazette.ads import sanitise_ad
from gazette.db.asides import story_asides
from gazette.db.models import (
    AdSlot,
    Article,
    Document,
    Sentence,
    Story,
    StoryMember,
    StoryTag,
    Tag,
)
from gazette.web.public.views import (
    AdView,
    Coverage,
    OpinionLink,
    QuoteView,
    ReferenceView,
    ReportLink,
    SentenceChange,
    SentenceView,
    StoryCard,
    StoryView,
    TagLink,
    VersionsView,
    VersionView,
    WireGroup,
)

MERGE_HOPS = 32  # a merged story's address follows at most this many merges
LEAD_WINDOW = timedelta(hours=48)  # the home page's lead is among the stories of these hours
SECTIONS = 7  # topics in the header
RELATED_KINDS = ("person", "organisation")
DEFAULT_LANGUAGE = "en"
SAME_EVENT = timedelta(hours=72)  # stories in two languages this close are one event's


def _first_published_version() -> ScalarSelect:
    """The story's first version readers saw: an update is a version after it (an earlier one
    that an editor changed before publishing, or never approved, was never seen)."""
    earlier = aliased(Article)
    return (
        select(func.min(earlier.version))
        .where(earlier.story_id == Story.id, earlier.published_at.is_not(None))
        .correlate(Story)
        .scalar_subquery()
    )


def _visible_cards() -> Select:
    """The columns of a card, for every story readers can see, joined to its published version."""
    return (
        select(
            Story.id,
            Story.slug,
            Story.first_report_at,
            Story.last_report_at,
            Article.headline,
            Article.summary,
            Article.version,
            Article.published_at,
            Article.created_at,
            _first_published_version().label("first_version"),
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
            latest_report_at=row.last_report_at,
            updated_at=(
                (row.published_at or row.created_at)
                if row.version > (row.first_version or row.version)
                else None
            ),
            sources=counts.get(row.id, 1),
            tags=tags.get(row.id, ()),
        )
        for row in rows
    ]


def latest_stories(
    session: Session, limit: int, offset: int = 0, besides: Collection[int] = ()
) -> list[StoryCard]:
    """The stories with the latest reports, newest first, but those of `besides`."""
    return _cards(
        session,
        _visible_cards()
        .where(Story.id.not_in(besides))
        .order_by(Story.last_report_at.desc(), Story.id.desc())
        .limit(limit)
        .offset(offset),
    )


def lead_story(session: Session) -> StoryCard | None:
    """The home page's lead: of the stories reported in the `LEAD_WINDOW` before the latest
    report, the one the most independent sources cover (the newest of equals). The window
    counts back from the latest report, not from now, so that a quiet day still has a lead."""
    visible = (
        Story.published_article_id.is_not(None),
        Story.merged_into_id.is_(None),
    )
    newest = session.scalar(select(func.max(Story.last_report_at)).where(*visible))
    if newest is None:
        return None
    independent = (
        select(func.count())
        .select_from(StoryMember)
        .join(Document, Document.id == StoryMember.document_id)
        .where(StoryMember.story_id == Story.id, Document.copy_of_id.is_(None))
        .correlate(Story)
        .scalar_subquery()
    )
    best = session.scalar(
        select(Story.id)
        .where(*visible, Story.last_report_at >= newest - LEAD_WINDOW)
        .order_by(independent.desc(), Story.last_report_at.desc(), Story.id.desc())
        .limit(1)
    )
    return _cards(session, _visible_cards().where(Story.id == best))[0]


def tag_stories(
    session: Session, slug: str, limit: int, offset: int = 0
) -> tuple[TagLink, list[StoryCard], int] | None:
    """The tag, one page of its visible stories (latest reports first), and how many it has."""
    tag = session.execute(select(Tag.id, Tag.name, Tag.slug, Tag.kind).where(Tag.slug == slug))
    found = tag.first()
    if found is None:
        return None
    tagged = (
        _visible_cards()
        .join(StoryTag, StoryTag.story_id == Story.id)
        .where(StoryTag.tag_id == found.id)
    )
    total = session.scalar(select(func.count()).select_from(tagged.subquery())) or 0
    cards = _cards(
        session,
        tagged.order_by(Story.last_report_at.desc(), Story.id.desc()).limit(limit).offset(offset),
    )
    return TagLink(found.name, found.slug, found.kind), cards, total


def topic_sections(session: Session, limit: int = SECTIONS) -> list[TagLink]:
    """The topics with the most visible stories, for the header's sections, in name order."""
    stories = func.count(StoryTag.story_id).label("stories")
    rows = session.execute(
        select(Tag.name, Tag.slug, Tag.kind, stories)
        .join(StoryTag, StoryTag.tag_id == Tag.id)
        .join(Story, Story.id == StoryTag.story_id)
        .where(
            Tag.kind == "topic",
            Story.published_article_id.is_not(None),
            Story.merged_into_id.is_(None),
        )
        .group_by(Tag.id, Tag.name, Tag.slug, Tag.kind)
        .order_by(stories.desc(), Tag.name)
        .limit(limit)
    ).all()
    return sorted((TagLink(r.name, r.slug, r.kind) for r in rows), key=lambda t: t.name)


def _thread_root(session: Session, story: Story) -> int:
    root = story.thread_id or story.id
    if root != story.id:  # a thread's first story may since have joined an older thread
        root = session.scalar(select(Story.thread_id).where(Story.id == root)) or root
    return root


def _thread_cards(session: Session, story: Story, besides: int | None = None) -> list[StoryCard]:
    """The visible stories of this story's thread (but `besides`), oldest first."""
    root = _thread_root(session, story)
    return _cards(
        session,
        _visible_cards()
        .where(or_(Story.thread_id == root, Story.id == root), Story.id != besides)
        .order_by(Story.first_report_at, Story.id),
    )


def thread_stories(session: Session, story_id: int) -> list[StoryCard] | None:
    """Every visible story of the thread of `story_id` (following merges), oldest first: the
    "All coverage" timeline. None when that story is not visible."""
    story = session.get(Story, surviving_story_id(session, story_id))
    if story is None or story.published_article_id is None or story.merged_into_id is not None:
        return None
    return _thread_cards(session, story)


def related_stories(
    session: Session, story_id: int, limit: int = 5, besides: Collection[int] = ()
) -> list[StoryCard]:
    """Visible stories sharing the most people and organisations with this one (other than
    `besides`, shown elsewhere on the page), most shared first. Places and topics are left out:
    two events in one city, or two political stories, are not related for that."""
    entity_tags = (
        select(StoryTag.tag_id)
        .join(Tag, Tag.id == StoryTag.tag_id)
        .where(StoryTag.story_id == story_id, Tag.kind.in_(RELATED_KINDS))
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


def _report_link(document: Any) -> ReportLink:
    return ReportLink(
        document.outlet or document.domain or "",
        document.title or document.feed_title or "",
        document.canonical_url or document.url,
    )


def _wire_name(documents: Sequence[Any]) -> str:
    """The byline every report of a group of copies carries (the wire service they credit);
    empty when they share none."""
    bylines = [{str(a).strip() for a in (d.authors or []) if str(a).strip()} for d in documents]
    common = set.intersection(*bylines) if bylines else set()
    return sorted(common)[0] if common else ""


def _wire_groups(documents: Sequence[Any]) -> tuple[WireGroup, ...]:
    """The story's reports that copy another (syndication found by dedupe), grouped under the
    report they copy. The original may belong to another story: it is read then."""
    by_id = {d.id: d for d in documents}
    copies: dict[int, list[Any]] = defaultdict(list)
    for document in documents:
        if document.copy_of_id is not None:
            copies[document.copy_of_id].append(document)
    groups = []
    for original_id, group in copies.items():
        original = by_id.get(original_id)
        if original is None:
            continue  # the copied report is not among this story's reports
        groups.append(
            WireGroup(
                wire=_wire_name([original, *group]),
                original=_report_link(original),
                copies=tuple(_report_link(d) for d in group),
            )
        )
    return tuple(groups)


def _story_documents(session: Session, story_id: int) -> Sequence[Any]:
    return session.execute(
        select(
            Document.id,
            Document.outlet,
            Document.domain,
            Document.copy_of_id,
            Document.title,
            Document.feed_title,
            Document.url,
            Document.canonical_url,
            Document.authors,
            Document.language,
        )
        .join(StoryMember, StoryMember.document_id == Document.id)
        .where(StoryMember.story_id == story_id)
        .order_by(Document.published_at, Document.id)
    ).all()


def _coverage(story: Story, documents: Sequence[Any]) -> Coverage:
    outlets = list(dict.fromkeys((d.outlet or d.domain or "", d.domain or "") for d in documents))
    return Coverage(
        independent_sources=sum(1 for d in documents if d.copy_of_id is None),
        reports=len(documents),
        outlets=outlets,
        first_report=story.first_report_at,
        latest_report=story.last_report_at,
        wire_groups=_wire_groups(documents),
    )


def _language(documents: Sequence[Any]) -> str:
    """The story's language: that of most of its reports (a story never mixes languages)."""
    counts = Counter(d.language for d in documents if d.language)
    return counts.most_common(1)[0][0] if counts else DEFAULT_LANGUAGE


def _languages(session: Session, story_ids: list[int]) -> dict[int, str]:
    rows = session.execute(
        select(StoryMember.story_id, Document.language, func.count())
        .join(Document, Document.id == StoryMember.document_id)
        .where(StoryMember.story_id.in_(story_ids), Document.language.is_not(None))
        .group_by(StoryMember.story_id, Document.language)
        .order_by(func.count().desc())
    )
    languages: dict[int, str] = {}
    for story_id, language, _count in rows:
        languages.setdefault(story_id, language)
    return languages


def _translations(
    session: Session, story: Story, language: str, thread: list[StoryCard]
) -> list[tuple[str, StoryCard]]:
    """The same event in other languages: stories of the thread in another language whose
    reports began within `SAME_EVENT` of this one's, the closest per language."""
    near = [c for c in thread if abs(c.published_at - story.first_report_at) <= SAME_EVENT]
    languages = _languages(session, [c.id for c in near])
    found: dict[str, StoryCard] = {}
    for card in sorted(near, key=lambda c: abs(c.published_at - story.first_report_at)):
        other = languages.get(card.id, DEFAULT_LANGUAGE)
        if other != language:
            found.setdefault(other, card)
    return sorted(found.items())


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


def _references(article: Article) -> list[ReferenceView]:
    return [
        ReferenceView(r.number, r.outlet, r.title, r.url, r.published_at)
        for r in article.references
    ]


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
    thread = _thread_cards(session, story, besides=story.id)
    documents = _story_documents(session, story.id)
    language = _language(documents)
    return StoryView(
        card=card,
        version=article.version,
        change_note=article.change_note,
        summary=summary,
        paragraphs=paragraphs,
        references=_references(article),
        quote=quote,
        coverage=_coverage(story, documents),
        brief=article.brief,
        related=related_stories(session, story.id, besides=[card.id for card in thread]),
        earlier=[c for c in thread if c.published_at < story.first_report_at],
        later=[c for c in thread if c.published_at >= story.first_report_at],
        language=language,
        translations=_translations(session, story, language, thread),
        versions=_published_versions(session, story.id, article.version),
        opinions=_opinions(session, story.id),
    )


def _opinions(session: Session, story_id: int) -> list[OpinionLink]:
    """The pieces placed beside the story that are not news reports (gazette/db/asides.py)."""
    return [
        OpinionLink(
            kind=piece.kind,
            writers=piece.writers,
            outlet=piece.outlet,
            title=piece.title,
            url=piece.url,
            published_at=piece.published_at,
        )
        for piece in story_asides(session, story_id)
    ]


def _published_versions(session: Session, story_id: int, up_to: int) -> int:
    """How many versions up to `up_to` (the one readers see) were ever published."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Article)
            .where(
                Article.story_id == story_id,
                Article.version <= up_to,
                Article.published_at.is_not(None),
            )
        )
        or 1
    )


def _sentence_views(article: Article) -> list[SentenceView]:
    return [
        SentenceView(s.text, tuple(c.reference_number for c in s.citations), s.kind)
        for s in article.sentences
    ]


def _changes(before: list[str], after: list[str]) -> list[SentenceChange]:
    """`after` sentence by sentence, with the sentences of `before` it dropped in their place."""
    changes: list[SentenceChange] = []
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            changes += [SentenceChange(text, "kept") for text in after[b1:b2]]
            continue
        changes += [SentenceChange(text, "removed") for text in before[a1:a2]]
        changes += [SentenceChange(text, "added") for text in after[b1:b2]]
    return changes


def versions_view(session: Session, story_id: int) -> VersionsView | None:
    """The versions of a story readers have seen, newest first, each with its text and the
    sentences it added and removed. Versions never published (drafts an editor held back, or
    newer than the one shown) are not part of the story's public history."""
    view_story = session.execute(
        select(Story.id, Article.version)
        .join_from(Story, Article, Article.id == Story.published_article_id)
        .where(Story.id == surviving_story_id(session, story_id), Story.merged_into_id.is_(None))
    ).first()
    if view_story is None:
        return None
    articles = session.scalars(
        select(Article)
        .where(
            Article.story_id == view_story.id,
            Article.version <= view_story.version,
            Article.published_at.is_not(None),
        )
        .order_by(Article.version)
        .options(
            selectinload(Article.sentences).selectinload(Sentence.citations),
            selectinload(Article.references),
        )
    ).all()
    versions: list[VersionView] = []
    before: Article | None = None
    for article in articles:
        sentences = _sentence_views(article)
        changes = []
        if before is not None:
            changes = _changes([s.text for s in before.sentences], [s.text for s in sentences])
        headline_before = None
        if before is not None and before.headline != article.headline:
            headline_before = before.headline
        versions.append(
            VersionView(
                number=article.version,
                published_at=article.published_at or article.created_at,
                headline=article.headline,
                change_note=article.change_note if before is not None else None,
                sentences=sentences,
                references=_references(article),
                changes=changes,
                headline_before=headline_before,
            )
        )
        before = article
    card = _cards(session, _visible_cards().where(Story.id == view_story.id))[0]
    return VersionsView(card=card, versions=versions[::-1])


def ad_slots(session: Session) -> dict[str, Sequence[AdView]]:
    """The enabled ad slots by placement, their markup sanitised."""
    slots: dict[str, list[AdView]] = defaultdict(list)
    rows = session.execute(
        select(AdSlot.name, AdSlot.placement, AdSlot.html).where(AdSlot.enabled).order_by(AdSlot.id)
    )
    for name, placement, html in rows:
        slots[placement].append(AdView(name, placement, sanitise_ad(html or "")))
    return dict(slots)


def page_frame(session: Session) -> dict[str, Any]:
    """What every reader's page shows around its own content: the ad slots, and the topic
    sections of the header."""
    return {"ads": ad_slots(session), "sections": topic_sections(session)}
