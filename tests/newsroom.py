"""Published stories written straight into a test's own database, as the pipeline leaves them:
as many as a test needs, in shapes the demo does not have (long threads, held versions)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gazette.db import Database
from gazette.db.models import (
    AdSlot,
    Article,
    ArticleReference,
    Citation,
    Document,
    Sentence,
    Story,
    StoryAside,
    StoryMember,
    StoryTag,
    Tag,
)
from gazette.db.states import StoryState

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Version:
    headline: str
    published_at: datetime | None  # None: written, waiting for an editor


def _tag(session: Session, name: str, kind: str) -> Tag:
    slug = name.lower().replace(" ", "-")
    tag = session.scalar(select(Tag).where(Tag.slug == slug))
    if tag is None:
        tag = Tag(slug=slug, name=name, kind=kind)
        session.add(tag)
        session.flush()
    return tag


def _article(session: Session, story: Story, number: int, version: Version) -> Article:
    article = Article(
        story_id=story.id,
        version=number,
        headline=version.headline,
        summary=f"{version.headline}, said two outlets.",
        writer="extractive",
        word_count=12,
        change_note="New reports." if number > 1 else None,
        created_at=version.published_at or START,
        published_at=version.published_at,
    )
    session.add(article)
    session.flush()
    for position, section in enumerate(("summary", "body", "body")):
        sentence = Sentence(
            article_id=article.id,
            section=section,
            position=position,
            paragraph=0,
            kind="fact",
            text=f"Sentence {position} of {version.headline}.",
        )
        sentence.citations = [Citation(reference_number=1), Citation(reference_number=2)]
        session.add(sentence)
    for reference in (1, 2):
        session.add(
            ArticleReference(
                article_id=article.id,
                number=reference,
                url=f"https://outlet{reference}.example/{story.slug}",
                title=f"Report {reference}",
                outlet=f"Outlet {reference}",
            )
        )
    return article


def add_story(
    session: Session,
    key: str,
    versions: list[Version],
    tags: tuple[tuple[str, str], ...] = (("Port Calder", "place"), ("Ilse Varga", "person")),
    first_report: datetime = START,
    thread_of: int | None = None,
) -> Story:
    """A story with two reports (the second a wire copy of the first), the given article
    versions (the last one with a publication time is the one readers see), and tags."""
    story = Story(
        state=StoryState.PUBLISHED.value,
        slug=f"story-{key}",
        first_report_at=first_report,
        last_report_at=first_report + timedelta(hours=2),
        thread_id=thread_of,
    )
    session.add(story)
    session.flush()
    original = None
    for index in range(2):
        document = Document(
            url=f"https://outlet{index + 1}.example/{key}",
            canonical_url=f"https://outlet{index + 1}.example/{key}",
            status="extracted",
            outlet=f"Outlet {index + 1}",
            domain=f"outlet{index + 1}.example",
            published_at=first_report + timedelta(hours=index),
            copy_of_id=original.id if original else None,
        )
        session.add(document)
        session.flush()
        original = original or document
        session.add(
            StoryMember(document_id=document.id, story_id=story.id, similarity=1.0, reason="test")
        )
    articles = [_article(session, story, n, v) for n, v in enumerate(versions, start=1)]
    published = [a for a in articles if a.published_at is not None]
    if published:
        story.published_article_id = published[-1].id
        story.published_at = published[0].published_at
    for rank, (name, kind) in enumerate(tags):
        session.add(StoryTag(story_id=story.id, tag_id=_tag(session, name, kind).id, rank=rank))
    session.flush()
    return story


@dataclass(frozen=True)
class Aside:
    """A piece about a story that is not a news report, as a test places it."""

    kind: str
    title: str
    outlet: str
    writers: tuple[str, ...]
    published_at: datetime | None


def add_asides(session: Session, story: Story, asides: list[Aside]) -> list[int]:
    """Place each piece beside `story` as the cluster stage does (a document set aside, its
    kind and a StoryAside row); returns the documents' ids in the order given."""
    ids = []
    for index, aside in enumerate(asides):
        domain = aside.outlet.lower().replace(" ", "") + ".example"
        url = f"https://{domain}/{aside.kind}/{story.slug}-{index}"
        document = Document(
            url=url,
            canonical_url=url,
            status="aside",
            kind=aside.kind,
            title=aside.title,
            authors=list(aside.writers),
            outlet=aside.outlet,
            domain=domain,
            published_at=aside.published_at,
        )
        session.add(document)
        session.flush()
        session.add(
            StoryAside(
                document_id=document.id,
                story_id=story.id,
                score=0.8,
                reason=f"about story {story.id} (test)",
                final=True,
            )
        )
        ids.append(document.id)
    session.flush()
    return ids


def add_published_stories(database: Database, count: int, thread: bool = True) -> list[int]:
    """`count` published stories sharing their place and person tags; with `thread`, every
    second one continues the thread of the first. Returns their ids, oldest first."""
    ids: list[int] = []
    with database.transaction() as session:
        first = session.scalar(select(func.min(Story.id)))
        existing = session.scalar(select(func.count()).select_from(Story))
        for index in range(existing, existing + count):
            moment = START + timedelta(hours=3 * index)
            threaded = thread and first is not None and index % 2 == 0
            story = add_story(
                session,
                f"{index}",
                [Version(f"Event number {index}", moment + timedelta(hours=1))],
                first_report=moment,
                thread_of=first if threaded else None,
            )
            first = first or story.id
            ids.append(story.id)
    return ids


def add_ad_slot(database: Database, name: str, placement: str, html: str) -> None:
    with database.transaction() as session:
        session.add(AdSlot(name=name, placement=placement, html=html))
