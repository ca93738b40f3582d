"""The web application: settings, database, middleware, static files, error pages, and one
router per audience (the readers' site, the JSON API, the newsroom's desk).

Every route of every router is behind `csrf.protect` (a dependency of the whole app): a request
that changes something must come from one of the site's own forms (gazette/web/csrf.py).

Pages are server-rendered with Jinja2 and styled by one static stylesheet: no scripts, fonts or
images from elsewhere, and a Content-Security-Policy that would stop any.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.responses import PlainTextResponse
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware

from gazette.config import Settings
from gazette.db import Database
from gazette.web import api, auth, cookies, csrf, desk, metrics, public
from gazette.web.error_pages import install_error_pages
from gazette.web.http_caching import ConditionalResponses
from gazette.web.page_cache import PageCache
from gazette.web.request_guard import RequestGuard
from gazette.web.security import SecurityHeaders
from gazette.web.static_files import HashedStaticFiles
from gazette.web.templating import build_templates

logger = logging.getLogger(__name__)

# Each audience's templates, named after it in `extends` and `render` ("public/story.html").
TEMPLATE_FOLDERS = {"public": public.TEMPLATES, "desk": desk.TEMPLATES, "api": api.TEMPLATES}


def health() -> str:
    return "ok"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At start: the cookie key, read before any request holds a database session."""
    try:
        await run_in_threadpool(cookies.app_key, app.state)
    except Exception:  # the database may come up later: the first request reads the key then
        logger.warning("could not read the site's cookie key at start", exc_info=True)
    yield


def create_app(settings: Settings, database: Database | None = None) -> FastAPI:
    app = FastAPI(
        title=settings.site.title,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(csrf.protect)],
        lifespan=_lifespan,
    )
    static = HashedStaticFiles()
    app.state.settings = settings
    app.state.database = database or Database(settings.database_url)
    app.state.templates = build_templates(settings, static, TEMPLATE_FOLDERS)
    app.state.templates.env.globals["csrf_field"] = csrf.csrf_field
    app.state.templates.env.globals["feed_links"] = public.feed_links
    # Innermost first: kept pages are served (or rendered and kept); HEAD, ETags and caching
    # see the page as the route made it; the form cookie then makes a page with a form
    # private; gzip compresses what goes out.
    app.add_middleware(PageCache, database_url=app.state.database.url)
    app.add_middleware(ConditionalResponses)
    app.add_middleware(csrf.FormCookie)
    app.add_middleware(RequestGuard)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(GZipMiddleware, minimum_size=500)
    install_error_pages(app)
    csrf.install(app)
    auth.install(app)
    desk.install(app)
    app.mount("/static", static, name="static")
    app.include_router(public.router)
    app.include_router(api.router)
    app.include_router(desk.router)
    app.include_router(metrics.router)
    app.add_api_route("/healthz", health, name="health", response_class=PlainTextResponse)
    return app
