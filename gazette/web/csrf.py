"""Protection against cross-site request forgery, for every form of the site by default.

`protect` is a dependency of the whole app (`FastAPI(dependencies=...)`), so it runs before
every route, of every router, that any request reaches. For a request with a method that
changes something (POST, PUT, PATCH, DELETE and any other but GET, HEAD, OPTIONS and TRACE) it
refuses, with a 403 page that repeats nothing the request sent (one exception: a desk form the
browser says is this site's, refused for its token after its login ended, is answered by the
login page with what was typed, for the editor to copy: gazette/web/desk/login.py):

- an `Origin` (or, without one, a `Referer`) that is not this site (`site.base_url`, or the
  address the request came to), and a browser's own `Sec-Fetch-Site: cross-site`;
- a missing or wrong token. The token is a MAC of a secret the browser holds and the site's
  key: for a logged-in editor, the login's token in the session cookie (so a token is good for
  one login only, and logging in again changes it); for a reader, a random value in a signed
  cookie of its own (`gazette_csrf`), set the first time a page shows them a form.

Forms carry the token as a hidden field, `{{ csrf_field() }}` in a template; other clients may
send it in the `X-CSRF-Token` header. A client that does (a script, not a browser's form), or
that asks for JSON (`Accept: application/json`), is refused in JSON rather than with a page:
`{"error": {"status": 403, "message": "...", "code": "csrf_token"}}`, the code
`foreign_origin` or `csrf_token` (`answers_in_json`, `FormRefused`). A page that shows a form
is private to its browser:
`FormCookie` sets the reader's cookie when one was made, marks the response
`Cache-Control: private` so that no shared cache hands one reader's form to another, and adds
`Vary: Cookie`.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from jinja2 import pass_context
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gazette.web.auth import SAFE_METHODS, session_token
from gazette.web.cookies import cookie_header, mac, sign, site_key, unsign
from gazette.web.error_pages import http_error, json_error, prefers_json

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
COOKIE = "gazette_csrf"
COOKIE_PURPOSE = "form cookie"
TOKEN_PURPOSE = "form token"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# What a request leaves in `scope["state"]` for `FormCookie`.
RENDERED = "csrf_rendered"
NEW_COOKIE = "csrf_new_cookie"

FOREIGN = "This form was sent from another site, so it was refused. Nothing was changed."
EXPIRED = (
    "This form was refused: it has expired, or your browser did not keep this site's cookie. "
    "Nothing was changed: go back, reload the page and send it again."
)


def _state(request: Request) -> dict[str, Any]:
    return request.scope.setdefault("state", {})


def _secret(request: Request, make: bool) -> str | None:
    """What the request's token is made from; a new reader's secret when `make` and it has
    none (its cookie is set with the response)."""
    token = session_token(request)
    if token is not None:
        return f"login:{token}"
    key = site_key(request)
    state = _state(request)
    value = unsign(key, COOKIE_PURPOSE, request.cookies.get(COOKIE)) or state.get(NEW_COOKIE)
    if value is None and make:
        value = secrets.token_urlsafe(32)
        state[NEW_COOKIE] = value
    return None if value is None else f"reader:{value}"


def form_token(request: Request) -> str:
    """The token a form on this response must send back."""
    _state(request)[RENDERED] = True
    return mac(site_key(request), TOKEN_PURPOSE, _secret(request, make=True))  # type: ignore[arg-type]


@pass_context
def csrf_field(context: dict[str, Any]) -> Markup:
    """`{{ csrf_field() }}`: the hidden field that carries the token in a form."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        FIELD, form_token(context["request"])
    )


def _origin(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{scheme}://{parts.hostname}:{port or (443 if scheme == 'https' else 80)}"


def is_this_site(request: Request, url: str) -> bool:
    """Whether `url` (an Origin, or a Referer) is on this site: `site.base_url`'s origin, or
    the one the request came to, default ports written or not. Also the check of where the
    desk's login page leads back to (gazette/web/desk/login.py), so the two never disagree."""
    ours = {_origin(request.app.state.settings.site.base_url), _origin(str(request.base_url))}
    return _origin(url) in ours  # "null" (a sandboxed frame, a file) is no origin


def said_to_be_this_site(request: Request) -> bool:
    """Whether the browser says outright that the request comes from this site (its Origin or
    Referer is this site's, or Sec-Fetch-Site says same-origin), not merely nothing else."""
    said = request.headers.get("origin") or request.headers.get("referer")
    if said:
        return is_this_site(request, said)
    return request.headers.get("sec-fetch-site") == "same-origin"


def from_this_site(request: Request) -> bool:
    """Whether what the browser says of the request's origin is this site (or it says
    nothing, as clients other than browsers do)."""
    origin = request.headers.get("origin")
    if origin is not None:
        return is_this_site(request, origin)
    referer = request.headers.get("referer")
    if referer:
        return is_this_site(request, referer)
    return request.headers.get("sec-fetch-site") != "cross-site"


def answers_in_json(request: Request) -> bool:
    """Whether a refusal is told in JSON: the client sent its token in the `X-CSRF-Token`
    header (a script: a browser's form cannot) or asks for JSON (`Accept`)."""
    return HEADER in request.headers or prefers_json(request)


class FormRefused(HTTPException):
    """A request that changes something refused by `protect` (403): nothing was done. `code`
    and `explained` say why to a client answered in JSON, in its terms (headers, not pages)."""

    code = ""
    explained = ""

    def __init__(self, message: str) -> None:
        super().__init__(403, message)


class ForeignOrigin(FormRefused):
    """Sent from another site, by what the browser says of its origin."""

    code = "foreign_origin"
    explained = (
        "The request came from another site (by its Origin, Referer or Sec-Fetch-Site header), "
        "so it was refused. Nothing was changed."
    )

    def __init__(self) -> None:
        super().__init__(FOREIGN)


class TokenRefused(FormRefused):
    """A form from this site (its origin checked) without this browser's token: drawn for a
    login that is over, or sent after the browser lost its cookie. Refused (403), nothing
    done; a class of its own so that the desk can answer its forms with the login page
    (gazette/web/desk/login.py)."""

    code = "csrf_token"
    explained = (
        f"The CSRF token is missing or wrong. Send, in the {HEADER} header, the token of a form "
        f"on a page shown to this login (without a login, to the client that holds this "
        f"{COOKIE} cookie): it changes with every login. Nothing was changed."
    )

    def __init__(self) -> None:
        super().__init__(EXPIRED)


def refusal_in_json(exc: FormRefused) -> Response:
    """`exc` told to a script: `{"error": {"status": 403, "message": ..., "code": ...}}`."""
    return json_error(exc.status_code, exc.explained, code=exc.code)


def form_refused(request: Request, exc: Exception) -> Response:
    """The answer to a request `protect` refused: JSON to a script, else the 403 page, which
    repeats nothing the request sent."""
    assert isinstance(exc, FormRefused)
    return refusal_in_json(exc) if answers_in_json(request) else http_error(request, exc)


def install(app: FastAPI) -> None:
    """What `protect` needs of the app: its refusals answered by `form_refused` (the desk
    answers a refused token on its forms itself, gazette/web/desk/login.py)."""
    app.add_exception_handler(FormRefused, form_refused)


def _expected_token(request: Request) -> str | None:
    secret = _secret(request, make=False)
    return None if secret is None else mac(site_key(request), TOKEN_PURPOSE, secret)


async def protect(request: Request) -> None:
    """Refuse (403) a request that changes something and did not come from this site's own
    form; let every other through."""
    if request.method in SAFE_METHODS:
        return
    if not from_this_site(request):
        raise ForeignOrigin()
    sent = request.headers.get(HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(FORM_TYPES):
        value = (await request.form()).get(FIELD)
        sent = value if isinstance(value, str) else None
    expected = await run_in_threadpool(_expected_token, request)  # the key may be read once
    if not sent or expected is None or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise TokenRefused()


class FormCookie:
    """ASGI middleware: on a response whose page showed a form, the reader's new cookie (if
    one was made) and the headers that keep the page out of shared caches."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)

        async def send_with_cookie(message: Message) -> None:
            state = scope.get("state", {})
            if message["type"] == "http.response.start" and state.get(RENDERED):
                headers = MutableHeaders(scope=message)
                caching = headers.get("cache-control", "")
                if "no-store" not in caching and "private" not in caching:
                    headers["Cache-Control"] = "private, no-cache"
                headers.add_vary_header("Cookie")
                if (value := state.get(NEW_COOKIE)) is not None:
                    signed = sign(site_key(request), COOKIE_PURPOSE, value)
                    headers.append("Set-Cookie", cookie_header(request, COOKIE, signed))
            await send(message)

        await self.app(scope, receive, send_with_cookie)
