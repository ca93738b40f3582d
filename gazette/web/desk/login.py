"""Logging in and out of the desk: `/login` (a form) and `/logout` (POST only).

A desk form sent without a good login, or refused for its token after the login ended, is
answered by the login page, with what was typed in the form; a script (a client that sends the
token in the `X-CSRF-Token` header, or asks for JSON) is answered in JSON instead, 401 with the
code `login_needed` or `login_ended` (gazette/web/csrf.py for the refusals in JSON).

A login is checked in three steps: a short transaction that applies the login limits and
records the try (gazette/web/login_limits.py), the password check outside any transaction (it
takes a quarter of a second, and must not hold the database meanwhile), and a short transaction
that records the outcome and, on success, replaces any login the browser had with a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import unquote, urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.routing import Match

from gazette import accounts, audit
from gazette.db.models import User, utcnow
from gazette.web import login_limits
from gazette.web.auth import (
    DEFAULT_NEXT,
    LoginNeeded,
    client_address,
    current_staff,
    end_expired_sessions,
    end_session,
    safe_next,
    session_cookie,
    session_token,
    start_session,
)
from gazette.web.csrf import (
    TokenRefused,
    answers_in_json,
    is_this_site,
    refusal_in_json,
    said_to_be_this_site,
)
from gazette.web.dependencies import AppSettings
from gazette.web.error_pages import http_error, json_error
from gazette.web.templating import path_for, render

ANONYMOUS = "(anonymous)"
WRONG = "Wrong name or password."
LOGGED_OUT = "You are logged out."
LOGIN_ENDED = (
    "Your login ended before this form was sent, so nothing was saved. Log in again to go back "
    "to the page; what you typed is below, to copy into its form again."
)
# The correction form's note is its field `text`, which on a sentence's form is the sentence.
CORRECTION_NOTE = "Correction for readers"
# The fields of the desk's forms that hold what an editor typed (not the hidden ones), named
# as the login page shows them when a form comes in after the login ended.
TYPED_FIELDS = {
    "headline": "Headline",
    "text": "Text",
    "correction": CORRECTION_NOTE,
    "reason": "Reason",
    "name": "Name",
    "location": "Address",
    "html": "Ad markup",
}


router = APIRouter()


@dataclass(frozen=True)
class TypedField:
    """A field of a form that was not saved, with what was typed in it."""

    label: str
    value: str


def _login_page(
    request: Request,
    next_path: str,
    name: str = "",
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
    typed: list[TypedField] | None = None,
) -> Response:
    context = {
        "next_path": next_path,
        "name": name,
        "error": error,
        "notice": notice,
        "typed": typed or [],
    }
    response = render(request, "desk/login.html", context, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/login", name="login")
def login_form(
    request: Request,
    next_path: Annotated[str, Query(alias="next")] = "",
    left: str = "",
) -> Response:
    notice = LOGGED_OUT if left == "1" else None
    return _login_page(request, safe_next(next_path), notice=notice)


@router.post("/login", name="log_in")
def log_in(
    request: Request,
    settings: AppSettings,
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "",
) -> Response:
    target = safe_next(next_path)
    typed = accounts.normalise_name(name)[: login_limits.NAME_LENGTH]
    address = client_address(request)
    database = request.app.state.database
    now = utcnow()
    user, attempt = None, 0
    with database.transaction() as session:
        refused = login_limits.refusal(session, typed, address, now, settings.desk)
        if refused is None:
            attempt = login_limits.record_try(session, typed, address, now)
            user = accounts.find_user(session, typed)
    if refused is not None:
        response = _login_page(request, target, typed, refused.message, status=429)
        response.headers["Retry-After"] = str(refused.retry_after_seconds)
        return response
    right = accounts.password_is_right(user, password)
    with database.transaction() as session:
        found = session.get(User, user.id) if right and user is not None else None
        if found is None:
            target_name = f"user {typed}" if typed else "no name"
            audit.record(session, ANONYMOUS, audit.Action.LOGIN_FAILED, target_name, WRONG, address)
        else:
            login_limits.record_success(session, attempt)
            accounts.logged_in(found, password, now)
            if (old := session_token(request)) is not None:
                end_session(session, old)
            end_expired_sessions(session, now, settings.desk)
            token = start_session(session, found, address, now)
            audit.record(session, found.name, audit.Action.LOGIN, f"user {found.name}", "", address)
    if found is None:
        return _login_page(request, target, typed, WRONG, status=401)
    response = RedirectResponse(target, status_code=303)
    response.headers.append("Set-Cookie", session_cookie(request, token))
    return response


@router.post("/logout", name="logout")
def log_out(request: Request) -> Response:
    """End the browser's login, whatever state it is in, and forget its cookie."""
    staff = current_staff(request)
    token = session_token(request)
    with request.app.state.database.transaction() as session:
        if token is not None:
            end_session(session, token)
        if staff is not None:
            address = client_address(request)
            audit.record(
                session, staff.name, audit.Action.LOGOUT, f"user {staff.name}", "", address
            )
    response = RedirectResponse(f"{path_for(request, 'login')}?left=1", status_code=303)
    response.headers.append("Set-Cookie", session_cookie(request, None))
    return response


def _shows_a_page(request: Request, path: str) -> bool:
    """Whether a GET of `path` (decoded, as the router reads it) reaches one of the app's routes
    (a page, not a form's POST-only address, which would answer 405)."""
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "root_path": request.scope.get("root_path", ""),
    }
    return any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes)


def _page_of_the_form(request: Request) -> str:
    """The desk page a form posted here belongs to: the nearest address above the form's own
    that is a page (a sentence's form, /desk/story/12/sentence, is on /desk/story/12; a tag's,
    /desk/tags/rsv/merge, on /desk/tags); else the queue."""
    path = request.url.path.rstrip("/")
    while path.startswith(f"{DEFAULT_NEXT}/"):
        if _shows_a_page(request, path):
            return safe_next(path)
        path = path.rsplit("/", 1)[0]
    return DEFAULT_NEXT


def _page_the_form_was_on(request: Request) -> str:
    """Where to return after logging in: the browser's Referer when it is a desk page of this
    site (a refused form's page is drawn at the address it was posted to, which only takes a
    POST), else the page the form belongs to."""
    referer = request.headers.get("referer", "")
    if referer and is_this_site(request, referer):
        parts = urlsplit(referer)
        back = parts.path + (f"?{parts.query}" if parts.query else "")
        desk_page = back.startswith(f"{DEFAULT_NEXT}/") or parts.path == DEFAULT_NEXT
        if desk_page and safe_next(back) == back and _shows_a_page(request, unquote(parts.path)):
            return back
    return _page_of_the_form(request)


async def _typed_fields(request: Request) -> list[TypedField]:
    """What was typed in the form's TYPED_FIELDS; none from a body that is not a form."""
    try:
        form = await request.form()  # read once already, as a rule, by the token's check
    except HTTPException:  # a malformed body: nothing to show
        return []
    position = form.get("position")  # a sentence's form: say which sentence
    labels = dict(TYPED_FIELDS)
    if request.url.path.endswith("/correction"):
        labels["text"] = CORRECTION_NOTE
    elif isinstance(position, str) and position.isdigit():
        labels["text"] = f"Sentence S{int(position)}"
    return [
        TypedField(label, value)
        for field, label in labels.items()
        if isinstance(value := form.get(field), str) and value.strip()
    ]


async def _form_refused_page(request: Request, error: str, status: int) -> Response:
    """The login page as the answer to a desk form that was not done: it says `error`, shows
    what was typed in the form for the editor to copy (nothing typed is carried through the
    login itself), and leads back to the page of the form."""
    typed = await _typed_fields(request)
    back = _page_the_form_was_on(request)
    return _login_page(request, back, error=error, status=status, typed=typed)


def _login_needed_in_json(request: Request) -> Response:
    """A desk request without a good login, told to a script (401): whether the login this
    client had has ended, or it had none, and where to log in."""
    login = path_for(request, "login")
    if session_token(request) is not None:
        code = "login_ended"
        message = (
            f"The login has ended (logged out, idle or too old, or its password changed): log "
            f"in again at {login}. Nothing was changed."
        )
    else:
        code = "login_needed"
        message = (
            f"Log in to the desk first at {login}: only editors can do this. Nothing was changed."
        )
    response = json_error(401, message, code=code)
    response.headers["Cache-Control"] = "no-store"  # as the desk's pages
    return response


async def login_needed(request: Request, exc: Exception) -> Response:
    """The answer to a desk form sent without a good login (401): the login page; JSON to a
    script (and to a request for a desk page that asks for JSON)."""
    assert isinstance(exc, LoginNeeded)
    if answers_in_json(request):
        return _login_needed_in_json(request)
    ended = session_token(request) is not None  # a login this browser had is over
    error = LOGIN_ENDED if ended else str(exc.detail)
    return await _form_refused_page(request, error, exc.status_code)


async def token_refused(request: Request, exc: Exception) -> Response:
    """The answer to a form from this site refused for its token (403, gazette/web/csrf.py):
    for a desk form in a browser that has no login any more (logged out in another tab, or
    the browser was closed), the login page, as for a login that ended by time, since the form
    could only have been drawn for a login; else the site's 403 page (a form drawn for an
    earlier login of a browser logged in again: reloading its page is the way on). Only where
    the browser says the form is this site's: a request that says nothing of its origin (an old
    browser's cross-site post does not) gets the 403 page, which repeats nothing it sent.

    A script is answered in JSON: on the desk without a login, 401 as when the login check
    itself refuses (the token of no login can be right; logging in is what to do first); else
    403, the token refused."""
    assert isinstance(exc, TokenRefused)
    desk_form = request.url.path.startswith(f"{DEFAULT_NEXT}/")
    if answers_in_json(request):
        if desk_form and await run_in_threadpool(current_staff, request) is None:
            return _login_needed_in_json(request)
        return refusal_in_json(exc)
    if (
        not desk_form
        or not said_to_be_this_site(request)
        or await run_in_threadpool(current_staff, request) is not None
    ):
        return http_error(request, exc)
    return await _form_refused_page(request, LOGIN_ENDED, exc.status_code)
