"""Who is asking: the staff's logins (sessions), and the one place that decides who may see a
page of the desk.

A login is a row of `staff_sessions` named by a random token. The browser holds the token in
the signed session cookie; the database holds only its SHA-256. Every login gets a new token
(nothing a browser brought before it is kept: no session fixation), and it ends at logout,
after `desk.session_idle_minutes` without a request, `desk.session_max_hours` after it began,
or when the user's password changes or the user is removed (gazette/accounts.py).

Routes ask for `Editor` or `Admin` (FastAPI dependencies; the desk's router asks for `Editor`
for all of its routes at once). A reader who is not logged in is sent to the login page (303)
when they asked for a page (unless they asked for JSON), and refused (401) when they sent a
form; an editor is refused (403) what is for admins only. Looking a login up is a short unit of
work of its own, before the route's: a read, and a write at most once a minute to note that the
login is in use.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from gazette.config import DeskSettings
from gazette.db.models import StaffSession, User, UserRole, utcnow
from gazette.web.cookies import cookie_header, sign, site_key, unsign
from gazette.web.error_pages import prefers_json
from gazette.web.templating import path_for

SESSION_COOKIE = "gazette_session"
SESSION_PURPOSE = "staff session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
NOTE_USE_EVERY = timedelta(minutes=1)
DEFAULT_NEXT = "/desk"
MAX_NEXT_LENGTH = 2000
ADDRESS_LENGTH = 64
_NOT_LOOKED_UP = object()


@dataclass(frozen=True)
class Staff:
    """The logged-in member of the staff a request comes from."""

    user_id: int
    name: str
    role: str
    session_id: int

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN


def client_address(request: Request) -> str:
    """The client's address as the login limits count it: an IPv4 address, or the /64 network
    of an IPv6 one (one subscriber is given a whole /64)."""
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:ADDRESS_LENGTH] or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def safe_next(value: str | None) -> str:
    """Where to go after logging in: `value` when it is a path on this site, else the desk.
    Anything a browser could read as another host (`//evil`, `/\\evil`, a scheme, a tab or
    newline it would drop) is refused."""
    if not value or len(value) > MAX_NEXT_LENGTH or not value.startswith("/"):
        return DEFAULT_NEXT
    if value.startswith("//") or "\\" in value:
        return DEFAULT_NEXT
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in value):
        return DEFAULT_NEXT
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return DEFAULT_NEXT
    return value


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_token(request: Request) -> str | None:
    """The token of the request's session cookie, when this site signed it (whether or not the
    login it names is still good)."""
    return unsign(site_key(request), SESSION_PURPOSE, request.cookies.get(SESSION_COOKIE))


def _expired(row: StaffSession, now: datetime, settings: DeskSettings) -> bool:
    idle = now - row.last_seen_at > timedelta(minutes=settings.session_idle_minutes)
    return idle or now - row.created_at > timedelta(hours=settings.session_max_hours)


def end_expired_sessions(session: Session, now: datetime, settings: DeskSettings) -> None:
    session.execute(
        delete(StaffSession).where(
            or_(
                StaffSession.last_seen_at < now - timedelta(minutes=settings.session_idle_minutes),
                StaffSession.created_at < now - timedelta(hours=settings.session_max_hours),
            )
        )
    )


def start_session(session: Session, user: User, address: str, now: datetime) -> str:
    """A new login for `user`; returns its token, for the cookie."""
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        token_hash=_token_hash(token),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        address=address[:ADDRESS_LENGTH],
    )
    session.add(row)
    return token


def end_session(session: Session, token: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == _token_hash(token)))


def _look_up(request: Request, token: str) -> Staff | None:
    database = request.app.state.database
    settings = request.app.state.settings.desk
    now = utcnow()
    with database.session() as session:
        found = session.execute(
            select(StaffSession, User)
            .join(User, User.id == StaffSession.user_id)
            .where(StaffSession.token_hash == _token_hash(token))
        ).first()
    if found is None:
        return None
    row, user = found
    if _expired(row, now, settings):
        with database.transaction() as session:
            session.execute(delete(StaffSession).where(StaffSession.id == row.id))
        return None
    if now - row.last_seen_at > NOTE_USE_EVERY:
        with database.transaction() as session:
            session.execute(
                update(StaffSession).where(StaffSession.id == row.id).values(last_seen_at=now)
            )
    return Staff(user_id=user.id, name=user.name, role=user.role, session_id=row.id)


def current_staff(request: Request) -> Staff | None:
    """The member of the staff logged in on this request's browser, or None (looked up once
    per request)."""
    cached = getattr(request.state, "staff", _NOT_LOOKED_UP)
    if cached is _NOT_LOOKED_UP:
        token = session_token(request)
        cached = _look_up(request, token) if token else None
        request.state.staff = cached
    return cached  # type: ignore[return-value]


def session_cookie(request: Request, token: str | None) -> str:
    """The Set-Cookie value that holds a new login's token, or (None) that ends the cookie."""
    if token is None:
        return cookie_header(request, SESSION_COOKIE, "", expire=True)
    return cookie_header(request, SESSION_COOKIE, sign(site_key(request), SESSION_PURPOSE, token))


class _LoginRequired(Exception):
    """A page of the desk was asked for without a login: answered by `_login_redirect`."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def _login_redirect(request: Request, exc: Exception) -> RedirectResponse:
    assert isinstance(exc, _LoginRequired)
    target = f"{path_for(request, 'login')}?next={quote(exc.next_path, safe='/')}"
    return RedirectResponse(target, status_code=303)


def install(app: FastAPI) -> None:
    """What logins need of the app: a page asked for without one is answered by a redirect to
    the login page, wherever the route that asked is."""
    app.add_exception_handler(_LoginRequired, _login_redirect)


class LoginNeeded(HTTPException):
    """A form of the desk sent without a good login (none, or one that ended): nothing was
    done. The desk answers it with its login page, or in JSON to a script
    (gazette/web/desk/login.py)."""

    def __init__(self) -> None:
        super().__init__(401, "Log in to the desk first: only editors can do this.")


def require_editor(request: Request) -> Staff:
    """The dependency of every desk route: editors and admins pass; anyone else is sent to log
    in (a page) or refused (a form, or a client that asks for JSON, which a redirect to the
    login page would not help)."""
    staff = current_staff(request)
    if staff is not None:
        return staff
    if request.method in SAFE_METHODS and not prefers_json(request):
        query = request.url.query
        raise _LoginRequired(request.url.path + (f"?{query}" if query else ""))
    raise LoginNeeded()


def require_admin(staff: Annotated[Staff, Depends(require_editor)]) -> Staff:
    if not staff.is_admin:
        raise HTTPException(403, "This page is for admins only.")
    return staff


Editor = Annotated[Staff, Depends(require_editor)]
Admin = Annotated[Staff, Depends(require_admin)]
