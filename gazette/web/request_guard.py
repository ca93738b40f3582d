"""What no request may carry, refused before any route sees it, with a page for the reader:

- a body larger than `MAX_BODY_BYTES` (413): no form of the site takes that much, and a route
  would otherwise hold it all in memory;
- a NUL character in the address, or in a form's fields (400): no page or form of the site
  means one, and PostgreSQL refuses to store or even compare text that holds one, so a NUL
  that reached a query would fail the request instead of finding nothing.

A form's body is read here in full (it is small: see the limit) and handed on to the app
unchanged.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gazette.web.templating import render

MAX_BODY_BYTES = 2_000_000  # a comment of 100,000 characters, percent-encoded, fits
FORM_TYPES = (b"application/x-www-form-urlencoded", b"multipart/form-data")
TOO_LARGE = "What was sent is too large for this site: nothing was changed."
NUL = (
    "The address or the form holds a NUL character, which nothing on this site takes. "
    "Nothing was changed."
)


def _has_nul(scope: Scope) -> bool:
    path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
    return b"\x00" in unquote_to_bytes(path) or b"\x00" in unquote_to_bytes(
        scope.get("query_string", b"").replace(b"+", b" ")
    )


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value
    return b""


class RequestGuard:
    """ASGI middleware that refuses oversized bodies and NUL characters (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _has_nul(scope):
            await self._refuse(scope, send, 400, NUL)
            return
        length = _header(scope, b"content-length")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            await self._refuse(scope, send, 413, TOO_LARGE)
            return
        content_type = _header(scope, b"content-type").lower()
        if not content_type.startswith(FORM_TYPES):
            await self.app(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)  # the client left: let the app see it
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_BODY_BYTES:
                await self._refuse(scope, send, 413, TOO_LARGE)
                return
        encoded = content_type.startswith(FORM_TYPES[0])
        if b"\x00" in body or (encoded and b"%00" in body):
            await self._refuse(scope, send, 400, NUL)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send, status: int, message: str) -> None:
        request = Request(scope)
        response = render(request, "error.html", {"status": status, "message": message}, status)
        await response(scope, self._no_receive, send)

    @staticmethod
    async def _no_receive() -> Message:
        return {"type": "http.disconnect"}
