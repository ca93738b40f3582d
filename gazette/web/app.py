"""The website: home, story, tag pages, the RSS feed, and the comment form.

Server-rendered with Jinja2 and one inline stylesheet: no scripts, fonts or images from
elsewhere. Pages are rendered from `queries` (read-only); posting a comment is the one write.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from fastapi import FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from gazette.config import Settings
from gazette.db import Database
from gazette.errors import InputError
from gazette.publish.feeds import FeedItem, rss_feed
from gazette.sources.registry import list_sources, source_status
from gazette.web import queries
from gazette.web.comments import add_comment

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
MARKER = re.compile(r"\[(\d+)\]")
FEED_LENGTH = 50


def format_time(moment: datetime | None) -> str:
    return moment.strftime("%d %b %Y, %H:%M UTC") if moment else ""


def _citation_link(number: str | int) -> str:
    return f'<sup><a class="cite" href="#ref-{number}" title="Source {number}">[{number}]</a></sup>'


def cited(sentence: queries.SentenceView) -> Markup:
    """The sentence, escaped, with its citation markers as links to the reference list."""
    text = str(escape(sentence.text))
    if sentence.kind == "disagreement":  # markers are inline, after each side
        return Markup(MARKER.sub(lambda m: _citation_link(m.group(1)), text))
    return Markup(text + "".join(_citation_link(n) for n in sentence.citations))


def _story_id(raw: str) -> int:
    if not raw.isdigit():
        raise StarletteHTTPException(404, f"There is no story with the id {raw!r}.")
    return int(raw)


def create_app(settings: Settings, database: Database | None = None) -> FastAPI:
    database = database or Database(settings.database_url)
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.filters["when"] = format_time
    templates.env.filters["cited"] = cited
    templates.env.globals.update(
        site=settings.site, development=settings.site.mode == "development"
    )
    app = FastAPI(title=settings.site.title, docs_url=None, redoc_url=None, openapi_url=None)
    per_page = settings.site.stories_per_page

    def render(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
        with database.session() as session:
            slots = queries.ad_slots(session)
        return templates.TemplateResponse(
            request, name, {**context, "slots": slots}, status_code=status
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = (
            exc.detail
            if exc.status_code != 404 or exc.detail != "Not Found"
            else ("There is no page at this address.")
        )
        return render(
            request, "error.html", {"status": exc.status_code, "message": message}, exc.status_code
        )

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return render(request, "error.html", {"status": 400, "message": problems}, 400)

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request, page: int = 1) -> HTMLResponse:
        page = max(page, 1)
        with database.session() as session:
            stories = queries.latest_stories(session, per_page, (page - 1) * per_page)
        return render(
            request,
            "home.html",
            {"stories": stories, "page": page, "more": len(stories) == per_page},
        )

    @app.get("/story/{story_id}")
    def story_short(story_id: str) -> RedirectResponse:
        with database.session() as session:
            view = queries.story_view(session, _story_id(story_id))
        if view is None:
            raise StarletteHTTPException(404, f"There is no published story {story_id}.")
        return RedirectResponse(view.card.path, status_code=308)

    @app.get("/story/{story_id}/{slug}", response_class=HTMLResponse)
    def story_page(request: Request, story_id: str, slug: str, comment: str = "") -> Response:
        number = _story_id(story_id)
        with database.session() as session:
            view = queries.story_view(session, number)
        if view is None:
            raise StarletteHTTPException(404, f"There is no published story {story_id}.")
        if slug != view.card.slug or view.card.id != number:
            # An old slug, or a story merged into another: the page lives at one address.
            return RedirectResponse(view.card.path, status_code=308)
        return render(request, "story.html", {"story": view, "comment_state": comment})

    @app.post("/story/{story_id}/comments")
    def post_comment(
        request: Request, story_id: str, name: str = Form(""), body: str = Form("")
    ) -> Response:
        number = _story_id(story_id)
        with database.transaction() as session:
            view = queries.story_view(session, number)
            if view is None:
                raise StarletteHTTPException(404, f"There is no published story {story_id}.")
            try:
                comment = add_comment(session, number, name, body, settings.comments)
            except InputError as exc:
                context = {"story": view, "comment_error": str(exc), "draft": (name, body)}
                return render(request, "story.html", context, 400)
        state = "pending" if comment.status == "pending" else "posted"
        return RedirectResponse(f"{view.card.path}?comment={state}#comments", status_code=303)

    @app.get("/tag/{slug}", response_class=HTMLResponse)
    def tag_page(request: Request, slug: str) -> HTMLResponse:
        with database.session() as session:
            found = queries.tag_stories(session, slug, per_page)
        if found is None:
            raise StarletteHTTPException(404, f"There is no tag {slug!r}.")
        tag, stories = found
        return render(request, "tag.html", {"tag": tag, "stories": stories})

    @app.get("/feed.xml")
    def feed() -> Response:
        base = settings.site.base_url.rstrip("/")
        with database.session() as session:
            stories = queries.latest_stories(session, FEED_LENGTH)
        items = [
            FeedItem(
                url=base + card.path,
                title=card.headline,
                summary=card.summary,
                published=card.published_at,
                updated=card.updated_at,
                categories=tuple(tag.name for tag in card.tags),
            )
            for card in stories
        ]
        body = rss_feed(settings.site.title, base + "/", settings.site.description, items)
        return Response(body, media_type="application/rss+xml; charset=utf-8")

    @app.get("/api/sources")
    def api_sources() -> list[dict]:
        """Every source with its settings and health, as `gazette sources list --json` shows."""
        with database.session() as session:
            return [source_status(source) for source in list_sources(session)]

    @app.get("/healthz", response_class=PlainTextResponse)
    def health() -> str:
        return "ok"

    return app
