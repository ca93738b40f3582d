"""The site's cookies: their signed values and the one way their Set-Cookie header is written.

A signed value is `value.signature`, the signature an HMAC-SHA256 of the value under
the site's key and the value's purpose, so that a value signed for one cookie is worthless in
another and a changed or invented value is refused before anything looks it up.

The key is `desk.secret_key` when the settings give one. Otherwise the site makes a random key
the first time it needs one and keeps it in the database (`site_keys`), where every web process
of the site finds the same; the web app reads it once and keeps it in memory.

Every cookie is HttpOnly (no script reads it; the pages carry none anyway), SameSite=Lax (a
browser sends it with a link followed from another site, never with another site's form or
script), for the whole site, and Secure whenever the site is served over HTTPS: when
`site.base_url` is an https address, or when the request came in over HTTPS. Behind a proxy, the
request's scheme is what the proxy says in X-Forwarded-Proto only if uvicorn trusts that proxy
(`FORWARDED_ALLOW_IPS`, 127.0.0.1 by default); Gazette reads no forwarded header itself, since
any client can send one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading

from fastapi import Request
from sqlalchemy.exc import IntegrityError
from starlette.datastructures import State

from gazette.db import Database
from gazette.db.models import SiteKey

KEY_NAME = "signing"
_lock = threading.Lock()


def _stored_key(database: Database) -> str:
    """The key kept in the database, made now if there is none (two processes making one at
    once agree on the first stored)."""
    with database.session() as session:
        row = session.get(SiteKey, KEY_NAME)
        if row is not None:
            return row.value
    try:
        with database.transaction() as session:
            session.add(SiteKey(name=KEY_NAME, value=secrets.token_urlsafe(48)))
    except IntegrityError:
        pass  # another process stored one first
    with database.session() as session:
        return session.get(SiteKey, KEY_NAME).value  # type: ignore[union-attr]


def site_key(request: Request) -> bytes:
    """The key that signs this site's cookies."""
    return app_key(request.app.state)


def app_key(state: State) -> bytes:
    """The key, read from the settings or the database the first time and kept in the app's
    `state`. A server reads it when it starts (gazette/web/app.py): read by the first requests
    instead, each holding its own session while waiting for the one that reads it, they could
    take every connection of the pool and leave none for that read."""
    key = getattr(state, "signing_key", None)
    if key is None:
        with _lock:
            key = getattr(state, "signing_key", None)
            if key is None:
                configured = state.settings.desk.secret_key.get_secret_value()
                key = (configured or _stored_key(state.database)).encode()
                state.signing_key = key
    return key


def mac(key: bytes, purpose: str, value: str) -> str:
    digest = hmac.new(key, f"{purpose}\n{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(key: bytes, purpose: str, value: str) -> str:
    return f"{value}.{mac(key, purpose, value)}"


def unsign(key: bytes, purpose: str, signed: str | None) -> str | None:
    """The value, when `signed` is a value this site signed for `purpose`; else None."""
    if not signed or "." not in signed or len(signed) > 400:
        return None
    value, _, signature = signed.rpartition(".")
    if not hmac.compare_digest(signature.encode(), mac(key, purpose, value).encode()):
        return None
    return value


def served_over_https(request: Request) -> bool:
    base_url = request.app.state.settings.site.base_url
    return base_url.lower().startswith("https://") or request.url.scheme == "https"


def cookie_header(request: Request, name: str, value: str, *, expire: bool = False) -> str:
    """The Set-Cookie value for the site's cookie `name`; `expire` deletes it. The cookie lasts
    as long as the browser's session: the server decides how long what it names is good for."""
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if expire:
        parts += ["Max-Age=0", "Expires=Thu, 01 Jan 1970 00:00:00 GMT"]
    if served_over_https(request):
        parts.append("Secure")
    return "; ".join(parts)
