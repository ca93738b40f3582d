"""Rendered reader pages kept in memory, served again until the site changes.

A reader's page (home, story, tag, thread, versions) costs a dozen queries and a template; the
same page is asked for again and again between two changes of the site. `PageCache`, an ASGI
middleware, keeps each page a route marked cacheable (`mark_cacheable`), keyed by its path and
query, with the site's generation read *before* it was rendered (gazette/db/site_generation.py).
A request for a kept page reads the generation again (one primary-key lookup) and gets the kept
bytes when it has not moved; any change moves it and empties the cache at once. A change made
while a page renders cannot be lost: the page is kept under the older generation. Readers who
ask for a page while it is being rendered wait for that rendering instead of starting their
own, so that a change does not send every reader of a popular page to the database at once.

What differs between readers is the form token of the comment form (gazette/web/csrf.py): the
page is kept with a placeholder in its place and each reader gets their own token, exactly as
the route would have given it; `FormCookie` then adds the reader's cookie and private caching
headers as usual. Staff logged in to the desk are never served from the cache, nor is anything
but a GET of a page answered 200. Each worker process keeps its own pages.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gazette.db import normalise_url, site_generation
from gazette.web import csrf
from gazette.web.auth import SESSION_COOKIE

logger = logging.getLogger(__name__)

MAX_PAGES = 2000  # any query string makes a new key: the oldest pages go first
SKIPPED_PREFIXES = ("/static/", "/desk", "/api/", "/login", "/logout", "/metrics", "/healthz")
CACHEABLE = "page_cache"  # what a route leaves in `scope["state"]`
TOKEN_PLACEHOLDER = b"\x00gazette-form-token\x00"
KEPT_HEADERS_LEFT_OUT = (b"content-length", b"set-cookie")


def mark_cacheable(request: Request) -> None:
    """Let the cache keep this page: it shows nothing but what the database and the URL say."""
    request.scope.setdefault("state", {})[CACHEABLE] = True


@dataclass(frozen=True)
class _Page:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    has_form: bool
    route: Any  # the route that rendered it, which middleware outside may ask the scope for


class _Generation:
    """Reads the site's generation on a database connection of the cache's own, kept open and
    shared under a lock, with a statement written once: building the query and checking a
    connection out of the app's pool (with its liveness ping) would cost several times the
    lookup itself, on every request."""

    def __init__(self, database_url: str) -> None:
        url = normalise_url(database_url)
        # One connection, used from whichever thread serves the request, under the lock.
        threads = {"check_same_thread": False} if url.startswith("sqlite") else {}
        self.engine = create_engine(url, poolclass=StaticPool, connect_args=threads)
        self.lock = threading.Lock()
        self.connection: Any = None  # the driver's own connection, in autocommit

    def _connect(self) -> Any:
        connection = self.engine.raw_connection().driver_connection
        if self.engine.dialect.name == "sqlite":
            connection.isolation_level = None  # each read sees the latest commit
        else:
            connection.autocommit = True  # no transaction left open between requests
        return connection

    def read(self) -> int:
        with self.lock:
            if self.connection is None:
                self.connection = self._connect()
            try:
                cursor = self.connection.cursor()
                cursor.execute(site_generation.CURRENT_SQL)
                row = cursor.fetchone()
                cursor.close()
            except Exception:
                self.connection = None  # connect again next time
                self.engine.dispose()
                raise
            return row[0] if row else 0


class PageCache:
    """ASGI middleware: the kept pages, checked against the site's generation."""

    def __init__(self, app: ASGIApp, database_url: str, max_pages: int = MAX_PAGES) -> None:
        self.app = app
        self.max_pages = max_pages
        self.generation_source = _Generation(database_url)
        self.generation = -1
        self.pages: OrderedDict[str, _Page] = OrderedDict()
        # The pages being rendered now, by key and generation, for the requests that wait.
        self.rendering: dict[tuple[str, int], asyncio.Event] = {}
        self.lock = threading.Lock()

    def _usable(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "GET":
            return False
        if scope["path"].startswith(SKIPPED_PREFIXES):
            return False
        return SESSION_COOKIE not in Request(scope).cookies

    def _current(self) -> int:
        """The generation now; the kept pages are dropped when it moved."""
        generation = self.generation_source.read()
        with self.lock:
            if generation != self.generation:
                self.pages.clear()
                self.generation = generation
        return generation

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._usable(scope):
            await self.app(scope, receive, send)
            return
        key = scope["path"] + "?" + scope["query_string"].decode("latin-1")
        try:
            generation = self._current()
        except Exception:
            # Without the generation nothing can be served from the cache or kept in it; the
            # route may still answer (an error page needs no database).
            logger.warning("page cache: cannot read the site's generation", exc_info=True)
            await self.app(scope, receive, send)
            return
        page = self._kept(key)
        if page is None and (rendering := self.rendering.get((key, generation))) is not None:
            # Another request of this process renders this very page: wait for it rather than
            # render it again (after a change, every reader of a popular page arrives at once).
            await rendering.wait()
            page = self._kept(key)
        if page is not None:
            await self._replay(scope, send, page)
            return
        done = self.rendering.setdefault((key, generation), asyncio.Event())
        try:
            await self._render_and_keep(scope, receive, send, key, generation)
        finally:
            done.set()
            if self.rendering.get((key, generation)) is done:
                del self.rendering[(key, generation)]

    def _kept(self, key: str) -> _Page | None:
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    async def _replay(self, scope: Scope, send: Send, page: _Page) -> None:
        scope["route"] = page.route  # as routing would have left it (http_caching's policies)
        body = page.body
        if page.has_form:
            token = csrf.form_token(Request(scope)).encode()
            body = body.replace(TOKEN_PLACEHOLDER, token)
        headers = [*page.headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": page.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _render_and_keep(
        self, scope: Scope, receive: Receive, send: Send, key: str, generation: int
    ) -> None:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        state = scope.get("state", {})
        if start.get("status") != 200 or not state.get(CACHEABLE):
            return
        body = b"".join(chunks)
        has_form = bool(state.get(csrf.RENDERED))
        if has_form:
            token = csrf.form_token(Request(scope)).encode()
            body = body.replace(token, TOKEN_PLACEHOLDER)
        headers = [
            (name, value)
            for name, value in start.get("headers", [])
            if name.lower() not in KEPT_HEADERS_LEFT_OUT
        ]
        with self.lock:
            if generation != self.generation:
                return  # the site changed while this page was rendered
            self.pages[key] = _Page(start["status"], headers, body, has_form, scope.get("route"))
            while len(self.pages) > self.max_pages:
                self.pages.popitem(last=False)
