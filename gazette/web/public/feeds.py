"""The site's feeds: RSS, Atom and JSON Feed of the latest stories, and of each tag's (topics
are tags). Pages announce theirs with `<link rel="alternate">` (`alternate_feeds`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from email.utils import format_datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from jinja2 import pass_context
from starlette.exceptions import HTTPException

from gazette.config import Settings
from gazette.publish.feeds import Feed, FeedItem, atom_feed, json_feed, rss_feed
from gazette.tag import decisions
from gazette.web.dependencies import AppSettings, ReadSession
from gazette.web.public import queries
from gazette.web.public.views import StoryCard, TagLink
from gazette.web.templating import escaped_path

FEED_LENGTH = 50
MAX_SLUG = 100  # the column's length
# Each format: its media type, its writer, and what readers call it.
FORMATS: dict[str, tuple[str, Callable[[Feed], bytes], str]] = {
    "rss": ("application/rss+xml", rss_feed, "RSS"),
    "atom": ("application/atom+xml", atom_feed, "Atom"),
    "json": ("application/feed+json", json_feed, "JSON Feed"),
}
SITE_ROUTES = {"rss": "feed", "atom": "atom_feed", "json": "json_feed"}
TAG_ROUTES = {"rss": "tag_feed", "atom": "tag_atom_feed", "json": "tag_json_feed"}

router = APIRouter()


def names_a_tag(slug: str) -> bool:
    """Whether `slug` could be a tag's: no NUL, which PostgreSQL refuses in any string (a tag's
    slug is lower-case ASCII words and hyphens; desk-made ones may differ, so no stricter)."""
    return "\x00" not in slug and len(slug) <= MAX_SLUG


def moved_tag(request: Request, session: ReadSession, slug: str, route: str) -> Response | None:
    """A tag an editor hid is gone (404); one they merged has moved for good (301) to the same
    page or feed of the tag it was merged into. None for any other tag."""
    fate = decisions.fate(session, slug)
    if fate is None:
        return None
    if fate.merged_into is None:
        raise HTTPException(404, f"There is no tag {slug!r}.")
    return RedirectResponse(request.url_for(route, slug=fate.merged_into).path, status_code=301)


def absolute_url(request: Request, settings: Settings, name: str, **params: object) -> str:
    """The public address of a route: `site.base_url` and the route's path."""
    return settings.site.base_url.rstrip("/") + escaped_path(
        request.app.url_path_for(name, **params)
    )


def http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


def _items(request: Request, settings: Settings, cards: list[StoryCard]) -> list[FeedItem]:
    return [
        FeedItem(
            url=absolute_url(request, settings, "story", story_id=card.id, slug=card.slug),
            title=card.headline,
            summary=card.summary,
            published=card.published_at,
            updated=card.last_changed,
            categories=tuple(tag.name for tag in card.tags),
        )
        for card in cards
    ]


def _answer(feed: Feed, kind: str) -> Response:
    media_type, write, _ = FORMATS[kind]
    response = Response(write(feed), media_type=f"{media_type}; charset=utf-8")
    if feed.updated is not None:
        response.headers["Last-Modified"] = http_date(feed.updated)
    return response


def _site_feed(request: Request, session: ReadSession, settings: Settings, kind: str) -> Response:
    feed = Feed(
        title=settings.site.title,
        home_url=absolute_url(request, settings, "home"),
        feed_url=absolute_url(request, settings, SITE_ROUTES[kind]),
        description=settings.site.description,
        items=_items(request, settings, queries.latest_stories(session, FEED_LENGTH)),
    )
    return _answer(feed, kind)


def _tag_feed(
    request: Request, session: ReadSession, settings: Settings, slug: str, kind: str
) -> Response:
    if not names_a_tag(slug):
        raise HTTPException(404, f"There is no tag {slug!r}.")
    if (moved := moved_tag(request, session, slug, TAG_ROUTES[kind])) is not None:
        return moved
    found = queries.tag_stories(session, slug, FEED_LENGTH)
    if found is None:
        raise HTTPException(404, f"There is no tag {slug!r}.")
    tag, cards, _total = found
    feed = Feed(
        title=f"{tag.name} · {settings.site.title}",
        home_url=absolute_url(request, settings, "tag", slug=tag.slug),
        feed_url=absolute_url(request, settings, TAG_ROUTES[kind], slug=tag.slug),
        description=f"Stories tagged {tag.name} ({tag.kind}) on {settings.site.title}.",
        items=_items(request, settings, cards),
    )
    return _answer(feed, kind)


@router.get("/feed.xml", name="feed")
def feed(request: Request, session: ReadSession, settings: AppSettings) -> Response:
    return _site_feed(request, session, settings, "rss")


@router.get("/atom.xml", name="atom_feed")
def atom(request: Request, session: ReadSession, settings: AppSettings) -> Response:
    return _site_feed(request, session, settings, "atom")


@router.get("/feed.json", name="json_feed")
def json(request: Request, session: ReadSession, settings: AppSettings) -> Response:
    return _site_feed(request, session, settings, "json")


@router.get("/tag/{slug}/feed.xml", name="tag_feed")
def tag_rss(request: Request, session: ReadSession, settings: AppSettings, slug: str) -> Response:
    return _tag_feed(request, session, settings, slug, "rss")


@router.get("/tag/{slug}/atom.xml", name="tag_atom_feed")
def tag_atom(request: Request, session: ReadSession, settings: AppSettings, slug: str) -> Response:
    return _tag_feed(request, session, settings, slug, "atom")


@router.get("/tag/{slug}/feed.json", name="tag_json_feed")
def tag_json(request: Request, session: ReadSession, settings: AppSettings, slug: str) -> Response:
    return _tag_feed(request, session, settings, slug, "json")


def alternate_feeds(request: Request, title: str, tag: TagLink | None = None) -> list[dict]:
    """The feeds a page announces: the site's, and a tag page's own first. Each is a dict of
    `title`, `type` and `href` (a path) for a `<link rel="alternate">`."""
    found = []
    if tag is not None:
        for kind, (media_type, _, label) in FORMATS.items():
            href = request.url_for(TAG_ROUTES[kind], slug=tag.slug).path
            name = f"{tag.name} · {title} ({label})"
            found.append({"title": name, "type": media_type, "href": href})
    for kind, (media_type, _, label) in FORMATS.items():
        href = request.url_for(SITE_ROUTES[kind]).path
        found.append({"title": f"{title} ({label})", "type": media_type, "href": href})
    return found


@pass_context
def feed_links(context: Mapping[str, Any], tag: TagLink | None = None) -> list[dict]:
    """`{{ feed_links(tag) }}` in a template: `alternate_feeds` of its page."""
    return alternate_feeds(context["request"], context["site"].title, tag)
