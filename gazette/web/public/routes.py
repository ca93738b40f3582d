"""The readers' pages: the latest stories, a story, a tag, and posting a comment."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from gazette.comments import CommentRefused
from gazette.web.comments import HONEYPOT, comment_page, draft, take_comment
from gazette.web.dependencies import AppSettings, ReadSession, WriteSession
from gazette.web.public import corrections, queries
from gazette.web.public.feeds import names_a_tag
from gazette.web.public.views import StoryCard
from gazette.web.templating import path_for, render

MAX_ID_DIGITS = 18  # below 2**63, the largest integer SQLite and PostgreSQL store
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
    """A public page: the template `name` of this folder, with the site's ad slots."""
    ads = queries.ad_slots(session)
    return render(request, f"public/{name}", {**context, "ads": ads}, status)


def _story_path(request: Request, card: StoryCard) -> str:
    return path_for(request, "story", story_id=card.id, slug=card.slug)


def _story_number(raw: str) -> int:
    """The story id in an address; anything but a plain number a database can hold is a 404
    (`isdigit` alone would take "²", which `int` refuses)."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_ID_DIGITS:
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
    page: Annotated[int, Query(le=MAX_PAGE)] = 1,
) -> Response:
    page = max(page, 1)
    per_page = settings.site.stories_per_page
    stories = queries.latest_stories(session, per_page, (page - 1) * per_page)
    if not stories and page == 1:
        log.warning(EMPTY_SITE)  # the operator's hint; readers are told plainly
    context = {"stories": stories, "page": page, "more": len(stories) == per_page}
    return _page(request, session, "home.html", context)


@router.get("/story/{story_id}", name="story_short")
def story_short(request: Request, session: ReadSession, story_id: str) -> RedirectResponse:
    number = _story_number(story_id)
    view = queries.story_view(session, number)
    if view is None:
        return _withdrawn_or_missing(request, session, number, story_id)
    return RedirectResponse(_story_path(request, view.card), status_code=308)


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
    comments = comment_page(session, view.card.id, comments_page, settings.comments)
    context = {
        "story": view,
        "comments": comments,
        "comment_state": comment,
        "corrections": corrections.story_corrections(session, view.card.id),
    }
    return _page(request, session, "story.html", context)


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
        context = {
            "story": view,
            "comments": comment_page(session, view.card.id, 1, settings.comments),
            "corrections": corrections.story_corrections(session, view.card.id),
            "comment_error": str(refused),
            "draft": draft(refused, name, body, settings.comments),
        }
        response = _page(request, session, "story.html", context, refused.status)
        if refused.retry_after is not None:
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    state = "pending" if posted.status == "pending" else "posted"
    location = f"{_story_path(request, view.card)}?comment={state}#comments"
    return RedirectResponse(location, status_code=303)


@router.get("/tag/{slug}", name="tag", response_class=HTMLResponse)
def tag_page(request: Request, session: ReadSession, settings: AppSettings, slug: str) -> Response:
    found = None
    if names_a_tag(slug):
        found = queries.tag_stories(session, slug, settings.site.stories_per_page)
    if found is None:
        raise HTTPException(404, f"There is no tag {slug!r}.")
    tag, stories = found
    return _page(request, session, "tag.html", {"tag": tag, "stories": stories})
