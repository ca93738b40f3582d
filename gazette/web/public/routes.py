"""The readers' pages: the latest stories (led by the most-covered one), a story, its versions,
its thread's timeline, a tag, and posting a comment.

Every page a GET renders from the database alone is marked cacheable (gazette/web/page_cache.py)
and carries its canonical address (`site.base_url` and the page's path), from which the
OpenGraph, Twitter card and JSON-LD tags of a story are made."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from gazette.config import Settings
from gazette.db.engine import fits_in_id
from gazette.errors import CommentRefused
from gazette.web.comments import HONEYPOT, comment_page, draft, take_comment
from gazette.web.dependencies import AppSettings, ReadSession, WriteSession
from gazette.web.page_cache import mark_cacheable
from gazette.web.public import corrections, queries, seo
from gazette.web.public.feeds import moved_tag, names_a_tag
from gazette.web.public.views import StoryCard, StoryView
from gazette.web.templating import path_for, render

MAX_ID_DIGITS = 18  # longer is no id (gazette.db.engine.fits_in_id), without reading it
MAX_PAGE = 100_000  # further pages are a 400, not an offset past what a database takes

EMPTY_SITE = (
    "The site has no published story yet: add sources with `gazette sources add` and run "
    "`gazette run` (or `gazette worker`)."
)

log = logging.getLogger(__name__)
router = APIRouter()


def _page(
    request: Request, session: Session, name: str, context: Mapping[str, Any], status: int = 200
) -> Response:
    """A public page: the template `name` of this folder, with the site's ad slots and the
    topic sections of the header. A page answered 200 to a GET may be kept by the cache."""
    if request.method == "GET" and status == 200:
        mark_cacheable(request)
    return render(request, f"public/{name}", {**context, **queries.page_frame(session)}, status)


def _canonical(request: Request, settings: Settings, path: str, page: int = 1) -> str:
    """The page's address on the public site: the address search engines should index."""
    query = f"?page={page}" if page > 1 else ""
    return settings.site.base_url.rstrip("/") + path + query


def _story_path(request: Request, card: StoryCard) -> str:
    return path_for(request, "story", story_id=card.id, slug=card.slug)


def _story_number(raw: str) -> int:
    """The story id in an address; anything but a plain number a database can hold is a 404
    (`isdigit` alone would take "²", which `int` refuses)."""
    if (
        not (raw.isascii() and raw.isdigit())
        or len(raw) > MAX_ID_DIGITS
        or not fits_in_id(int(raw))
    ):
        raise HTTPException(404, f"There is no story with the id {raw[:MAX_ID_DIGITS]!r}.")
    return int(raw)


def _no_story(raw: str) -> HTTPException:
    return HTTPException(404, f"There is no published story {raw}.")


def _withdrawn_or_missing(request: Request, session: Session, number: int, raw: str) -> Response:
    """A story an editor withdrew says so (410); any other unpublished story is not there."""
    when = corrections.withdrawn_at(session, queries.surviving_story_id(session, number))
    if when is None:
        raise _no_story(raw)
    return corrections.withdrawn_page(request, number, when)


@router.get("/", name="home", response_class=HTMLResponse)
def home(
    request: Request,
    session: ReadSession,
    settings: AppSettings,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    per_page = settings.site.stories_per_page
    lead = queries.lead_story(session)
    besides = [lead.id] if lead else []
    stories = queries.latest_stories(session, per_page + 1, (page - 1) * per_page, besides)
    if not stories and lead is None:
        log.warning(EMPTY_SITE)  # the operator's hint; readers are told plainly
    context = {
        "lead": lead if page == 1 else None,
        "stories": stories[:per_page],
        "page": page,
        "more": len(stories) > per_page,
        "canonical": _canonical(request, settings, path_for(request, "home"), page),
    }
    return _page(request, session, "home.html", context)


@router.get("/story/{story_id}", name="story_short")
def story_short(request: Request, session: ReadSession, story_id: str) -> RedirectResponse:
    number = _story_number(story_id)
    view = queries.story_view(session, number)
    if view is None:
        return _withdrawn_or_missing(request, session, number, story_id)
    return RedirectResponse(_story_path(request, view.card), status_code=308)


@router.get("/story/{story_id}/versions", name="story_versions", response_class=HTMLResponse)
def story_versions(
    request: Request, session: ReadSession, settings: AppSettings, story_id: str
) -> Response:
    """Each version readers have seen, what it changed, and its whole text."""
    number = _story_number(story_id)
    view = queries.versions_view(session, number)
    if view is None:
        raise _no_story(story_id)
    path = path_for(request, "story_versions", story_id=view.card.id)
    if view.card.id != number:  # merged into another story
        return RedirectResponse(path, status_code=308)
    context = {
        "view": view,
        "story_path": _story_path(request, view.card),
        "canonical": _canonical(request, settings, path),
    }
    return _page(request, session, "versions.html", context)


@router.get("/thread/{story_id}", name="thread", response_class=HTMLResponse)
def thread(
    request: Request, session: ReadSession, settings: AppSettings, story_id: str
) -> Response:
    """All coverage: every story of the thread a story belongs to, dated, oldest first."""
    number = _story_number(story_id)
    cards = queries.thread_stories(session, number)
    if not cards:
        raise _no_story(story_id)
    first = cards[0]
    path = path_for(request, "thread", story_id=first.id)
    if first.id != number:  # one address per thread: its first story's
        return RedirectResponse(path, status_code=308)
    context = {"cards": cards, "canonical": _canonical(request, settings, path)}
    return _page(request, session, "thread.html", context)


@router.get("/story/{story_id}/{slug}", name="story", response_class=HTMLResponse)
def story(
    request: Request,
    session: ReadSession,
    settings: AppSettings,
    story_id: str,
    slug: str,
    comment: str = "",
    comments_page: Annotated[int, Query(alias="comments", ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    number = _story_number(story_id)
    view = queries.story_view(session, number)
    if view is None:
        return _withdrawn_or_missing(request, session, number, story_id)
    if slug != view.card.slug or view.card.id != number:
        # An old slug, or a story merged into another: the page lives at one address.
        return RedirectResponse(_story_path(request, view.card), status_code=308)
    context = _story_context(request, session, settings, view)
    context.update(
        comments=comment_page(session, view.card.id, comments_page, settings.comments),
        comment_state=comment,
    )
    return _page(request, session, "story.html", context)


def _story_context(
    request: Request, session: Session, settings: Settings, view: StoryView
) -> dict[str, Any]:
    """What every rendering of a story page shows: the story, its corrections, and what search
    engines and link previews read."""
    canonical = _canonical(request, settings, _story_path(request, view.card))
    base = settings.site.base_url.rstrip("/")
    translations = [
        (language, base + _story_path(request, card)) for language, card in view.translations
    ]
    return {
        "story": view,
        "corrections": corrections.story_corrections(session, view.card.id),
        "canonical": canonical,
        "description": seo.short(view.card.summary),
        "hreflang": [(view.language, canonical), *translations] if translations else [],
        "json_ld": seo.json_script(
            seo.news_article(view, canonical, settings.site.title, base + "/")
        ),
    }


@router.post("/story/{story_id}/comments", name="post_comment")
def post_comment(
    request: Request,
    session: WriteSession,
    settings: AppSettings,
    story_id: str,
    name: str = Form(""),
    body: str = Form(""),
    trap: str = Form("", alias=HONEYPOT),
) -> Response:
    number = _story_number(story_id)
    view = queries.story_view(session, number)
    if view is None:
        raise _no_story(story_id)
    try:
        posted = take_comment(request, session, view.card.id, name, body, trap, settings.comments)
    except CommentRefused as refused:
        context = _story_context(request, session, settings, view)
        context.update(
            comments=comment_page(session, view.card.id, 1, settings.comments),
            comment_error=str(refused),
            draft=draft(refused, name, body, settings.comments),
        )
        response = _page(request, session, "story.html", context, refused.status)
        if refused.retry_after is not None:
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    state = "pending" if posted.status == "pending" else "posted"
    location = f"{_story_path(request, view.card)}?comment={state}#comments"
    return RedirectResponse(location, status_code=303)


@router.get("/tag/{slug}", name="tag", response_class=HTMLResponse)
def tag_page(
    request: Request,
    session: ReadSession,
    settings: AppSettings,
    slug: str,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    per_page = settings.site.stories_per_page
    if not names_a_tag(slug):
        raise HTTPException(404, f"There is no tag {slug!r}.")
    if (moved := moved_tag(request, session, slug, "tag")) is not None:
        return moved
    found = queries.tag_stories(session, slug, per_page, (page - 1) * per_page)
    if found is None:
        raise HTTPException(404, f"There is no tag {slug!r}.")
    tag, stories, total = found
    context = {
        "tag": tag,
        "stories": stories,
        "total": total,
        "page": page,
        "more": page * per_page < total,
        "canonical": _canonical(request, settings, path_for(request, "tag", slug=slug), page),
    }
    return _page(request, session, "tag.html", context)
