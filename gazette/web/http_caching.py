"""HTTP as browsers, feed readers, crawlers and caches expect it, for every route at once.

`ConditionalResponses` is ASGI middleware that gives every GET route:

- HEAD: the same status and headers as GET, without the body (FastAPI routes answer HEAD with
  405 by themselves);
- an ETag (a hash of the body, weak: the body may travel gzipped) and a 304 answer, without a
  body, to a request whose `If-None-Match` names it; `If-Modified-Since` is answered the same
  way when the route says when its content last changed (`Last-Modified`) and the request sends
  no `If-None-Match`, which takes precedence;
- a `Cache-Control` suited to the route (`POLICIES`, by route name) when the route sets none:
  public pages may be kept briefly by any cache, feeds and sitemaps longer; any other route
  (the desk, metrics) is private and checked every time. A page that shows a form carries the
  reader's token, and `csrf.FormCookie`, outside this middleware, makes it private. Error
  answers are never stored.

Bodies are small rendered pages, so the middleware holds a response whole before it answers.
"""

from __future__ import annotations

import hashlib
from email.utils import parsedate_to_datetime

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE = "public, max-age=60"
FEED = "public, max-age=300"
SITEMAP = "public, max-age=3600"
STATIC_TEXT = "public, max-age=86400"
API = "public, max-age=60"
PRIVATE = "private, no-cache"
ERROR = "no-store"

POLICIES: dict[str, str] = {
    "home": PAGE,
    "tag": PAGE,
    "story": PAGE,  # private once its comment form is rendered (csrf.FormCookie)
    "search": PAGE,
    "feed": FEED,
    "atom_feed": FEED,
    "json_feed": FEED,
    "tag_feed": FEED,
    "tag_atom_feed": FEED,
    "tag_json_feed": FEED,
    "sitemap": SITEMAP,
    "sitemap_part": SITEMAP,
    "news_sitemap": FEED,
    "robots": STATIC_TEXT,
    "ads_txt": STATIC_TEXT,
    "api_stories": API,
    "api_story": API,
    "api_tags": API,
    "api_search": API,
    "api_sources": API,
    "api_openapi": SITEMAP,
    "api_docs": SITEMAP,
    "health": "no-store",
}
# What a 304 repeats of the 200 it stands for (RFC 9110, 15.4.5).
KEPT_ON_304 = (
    "cache-control",
    "content-location",
    "date",
    "etag",
    "expires",
    "vary",
    "last-modified",
)


def etag_of(body: bytes) -> str:
    return f'W/"{hashlib.sha256(body).hexdigest()[:24]}"'


def _tags(header: str) -> set[str]:
    """The entity tags of an If-None-Match header, compared weakly (without `W/`)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def not_modified(request: Headers, response: MutableHeaders) -> bool:
    """Whether the client's copy, as its conditional headers describe it, is still current."""
    etag = response.get("etag")
    if (wanted := request.get("if-none-match")) is not None:
        tags = _tags(wanted)
        return etag is not None and ("*" in tags or etag.removeprefix("W/") in tags)
    since, changed = request.get("if-modified-since"), response.get("last-modified")
    if since is None or changed is None:
        return False
    try:
        return parsedate_to_datetime(changed) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):  # a malformed date is ignored (RFC 9110, 13.1.3)
        return False


def _route_name(scope: Scope) -> str | None:
    route = scope.get("route")
    return getattr(route, "name", None)


class ConditionalResponses:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        start: Message = {}
        chunks: list[bytes] = []

        async def hold(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, hold)
        if not start:  # the app answered nothing (a client that went away)
            return
        body = b"".join(chunks)
        headers = MutableHeaders(scope=start)
        status = start["status"]
        if status >= 400:
            headers.setdefault("Cache-Control", ERROR)
        elif status == 200:
            headers.setdefault("Cache-Control", POLICIES.get(_route_name(scope) or "", PRIVATE))
            headers.setdefault("ETag", etag_of(body))
            if not_modified(Headers(scope=scope), headers):
                kept = [(k, v) for k, v in start["headers"] if k.decode().lower() in KEPT_ON_304]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
        await send(start)
        await send({"type": "http.response.body", "body": b"" if head else body})
