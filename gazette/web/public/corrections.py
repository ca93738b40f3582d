"""What readers see of the desk's decisions: corrections (the box on a story's page, the list
at /corrections and its feed) and the page of a story an editor withdrew (HTTP 410).

Kept apart from the story page's own queries so that the story page only asks for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.db.models import Article, Correction, Story
from gazette.publish.feeds import Feed, FeedItem, rss_feed
from gazette.web.dependencies import AppSettings, ReadSession
from gazette.web.public import queries
from gazette.web.templating import escaped_path, render

PAGE_LENGTH = 50
FEED_LENGTH = 50
MAX_PAGE = 100_000

router = APIRouter()


@dataclass(frozen=True)
class CorrectionView:
    """A correction as readers see it: no editor's name, the story's current headline."""

    at: datetime
    text: str
    story_id: int
    slug: str
    headline: str  # of the version readers see
    live: bool  # whether readers can open the story (not withdrawn)


def story_corrections(session: Session, story_id: int) -> list[CorrectionView]:
    """The story's corrections, the newest first."""
    return _corrections(session, Correction.story_id == story_id, PAGE_LENGTH, 0)


def withdrawn_at(session: Session, story_id: int) -> datetime | None:
    """When an editor withdrew the story, if it is off the site for that reason."""
    return session.scalar(
        select(Story.withdrawn_at).where(Story.id == story_id, Story.published_article_id.is_(None))
    )


def _corrections(session: Session, where: object, limit: int, offset: int) -> list[CorrectionView]:
    rows = session.execute(
        select(Correction, Story.slug, Article.headline)
        .join(Story, Story.id == Correction.story_id)
        .outerjoin(Article, Article.id == Story.published_article_id)
        .where(where)
        .order_by(Correction.created_at.desc(), Correction.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        CorrectionView(
            c.created_at, c.text, c.story_id, slug or "story", headline or "", headline is not None
        )
        for c, slug, headline in rows
    ]


def withdrawn_page(request: Request, story_id: int, when: datetime) -> Response:
    """What a reader sees at the address of a story an editor unpublished."""
    context = {"story_id": story_id, "withdrawn_at": when}
    return render(request, "public/withdrawn.html", context, 410)


@router.get("/corrections", name="corrections", response_class=HTMLResponse)
def corrections_page(
    request: Request,
    session: ReadSession,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    found = _corrections(session, True, PAGE_LENGTH + 1, (page - 1) * PAGE_LENGTH)
    context = {
        "corrections": found[:PAGE_LENGTH],
        "page": page,
        "more": len(found) > PAGE_LENGTH,
        **queries.page_frame(session),
    }
    return render(request, "public/corrections.html", context)


@router.get("/corrections/feed.xml", name="corrections_feed")
def corrections_feed(request: Request, session: ReadSession, settings: AppSettings) -> Response:
    base = settings.site.base_url.rstrip("/")
    items = []
    for correction in _corrections(session, True, FEED_LENGTH, 0):
        path = escaped_path(
            request.app.url_path_for("story", story_id=correction.story_id, slug=correction.slug)
        )
        items.append(
            FeedItem(
                # Each correction its own entry, though several may concern one story.
                url=f"{base}{path}#correction-{correction.at:%Y%m%dT%H%M%S%f}",
                title=f"Correction: {correction.headline or 'a withdrawn story'}",
                summary=correction.text,
                published=correction.at,
                updated=correction.at,
            )
        )
    feed = Feed(
        title=f"{settings.site.title}: corrections",
        home_url=f"{base}/corrections",
        feed_url=f"{base}{request.app.url_path_for('corrections_feed')}",
        description="Corrections to published stories.",
        items=items,
    )
    body = rss_feed(feed)
    return Response(body, media_type="application/rss+xml; charset=utf-8")
