"""The sources on the desk: `/desk/sources` lists every feed, sitemap and page Gazette follows
with its health, and has forms to add one, pause one and resume it.

These are the operations of `gazette sources add` and `gazette sources update --disable /
--enable`, through the same functions (gazette/sources/registry.py, discover.py), with two
differences that come from who uses them: an editor may add only http(s) addresses (a path
on the server's disk is for its operator), and every change lands in the audit log.

Adding with the kind left to Gazette ("auto") fetches the address once to see what it serves,
as the command does; that fetch happens outside any transaction, so that a slow site never
holds the database.
"""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from gazette import audit
from gazette.errors import GazetteError, InputError, NotFound
from gazette.sources.discover import discover_location
from gazette.sources.registry import (
    SOURCE_KINDS,
    add_source,
    check_settings,
    list_sources,
    source_status,
    update_source,
)
from gazette.text import collapse_spaces
from gazette.web.auth import Editor, Staff, client_address, require_editor
from gazette.web.dependencies import AppSettings, ReadSession, WriteSession
from gazette.web.desk.routes import desk_page
from gazette.web.templating import path_for

KINDS = ("auto", *SOURCE_KINDS)
URL_LENGTH = 2048  # the column's
NAME_LENGTH = 300  # the column's
ERROR_LENGTH = 500  # of a refusal's message shown on the page
ID_DIGITS = 18
DONE = {
    "added": "is added: it is read at the next run.",
    "paused": "is paused: runs no longer read it.",
    "resumed": "is resumed: it is read at the next run that finds it due.",
}

router = APIRouter(prefix="/desk/sources", dependencies=[Depends(require_editor)])


def _health(row: dict[str, Any]) -> tuple[str, str]:
    """A one-word state of a source's health, and its CSS class."""
    if not row["enabled"]:
        return "paused", "paused"
    if row["consecutive_failures"]:
        failures = row["consecutive_failures"]
        return f"failing ({failures} in a row)", "failing"
    if row["last_success"] is None:
        return "not read yet", "pending"
    return "healthy", "healthy"


def _rows(session: Session) -> list[dict[str, Any]]:
    rows = []
    for source in list_sources(session):
        row = source_status(source)
        row["health"], row["health_class"] = _health(row)
        # the times as times, for the page to write as every other page of the site does
        row["fetched_at"], row["success_at"] = source.last_fetched_at, source.last_success_at
        row["error_at"] = source.last_error_at
        rows.append(row)
    return rows


def _page(
    request: Request,
    session: Session,
    staff: Staff,
    notice: str | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "sources": _rows(session),
        "kinds": KINDS,
        "notice": notice,
        "error": error,
        "form": form or {"location": "", "kind": "auto", "name": "", "interval": ""},
    }
    return desk_page(request, staff, "sources.html", context, status)


@router.get("", name="desk_sources", response_class=HTMLResponse)
def sources_page(
    request: Request,
    session: ReadSession,
    staff: Editor,
    done: str = "",
    source: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> Response:
    notice = f"Source {source} {DONE[done]}" if done in DONE and source else None
    return _page(request, session, staff, notice=notice)


def _checked_form(
    location: str, kind: str, name: str, interval: str
) -> tuple[str, str | None, float | None]:
    """The address, name and interval of the add form, or GazetteError saying what is wrong."""
    location = location.strip()
    if not location:
        raise InputError("give the address of a feed, a sitemap, a site or a page")
    if len(location) > URL_LENGTH:
        raise InputError(f"the address is longer than {URL_LENGTH} characters")
    try:
        parts = urlsplit(location)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError("the address must be a web address starting with http:// or https://")
    if kind not in KINDS:
        raise InputError(f"the kind must be one of {', '.join(KINDS)}")
    name = collapse_spaces(name)
    if len(name) > NAME_LENGTH:
        raise InputError(f"the name is longer than {NAME_LENGTH} characters")
    minutes = None
    if interval.strip():
        try:
            minutes = float(interval)
        except ValueError:
            raise InputError("the interval must be a number of minutes") from None
        if not math.isfinite(minutes):
            raise InputError("the interval must be a number of minutes")
    check_settings(minutes, None)
    return location, name or None, minutes


@router.post("", name="add_source")
def add(
    request: Request,
    staff: Editor,
    settings: AppSettings,
    location: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "auto",
    name: Annotated[str, Form()] = "",
    interval: Annotated[str, Form()] = "",
) -> Response:
    """Add a source. Nothing is held open while the address is fetched ("auto")."""
    database = request.app.state.database
    typed = {
        "location": location[:URL_LENGTH],
        "kind": kind if kind in KINDS else "auto",
        "name": name[:NAME_LENGTH],
        "interval": interval[:20],
    }
    try:
        url, label, minutes = _checked_form(location, kind, name, interval)
        targets = [(url, kind)]
        if kind == "auto":
            found = discover_location(settings.fetch, url)
            if not found:
                raise InputError(f"{url} offers no feed or sitemap")
            targets = [(found[0].url, found[0].kind)]
        with database.transaction() as session:
            added = add_source(session, targets[0][0], targets[0][1], label, minutes)
            audit.record(
                session,
                staff.name,
                audit.Action.SOURCE_ADDED,
                f"source {added.id}",
                f"{added.kind} {added.url}",
                client_address(request),
            )
            number = added.id
    except GazetteError as exc:
        message = str(exc)[:ERROR_LENGTH]
        with database.session() as session:
            return _page(request, session, staff, error=message, form=typed, status=400)
    target = f"{path_for(request, 'desk_sources')}?done=added&source={number}"
    return RedirectResponse(target, status_code=303)


def _set_enabled(
    request: Request, session: Session, staff: Staff, source_id: str, enabled: bool
) -> Response:
    if not (source_id.isascii() and source_id.isdigit()) or len(source_id) > ID_DIGITS:
        raise HTTPException(404, f"There is no source {source_id[:ID_DIGITS]!r}.")
    try:
        source = update_source(session, source_id, enabled=enabled)
    except NotFound as exc:
        raise HTTPException(404, f"There is no source {source_id}.") from exc
    action = audit.Action.SOURCE_RESUMED if enabled else audit.Action.SOURCE_PAUSED
    address = client_address(request)
    audit.record(session, staff.name, action, f"source {source.id}", source.url, address)
    done = "resumed" if enabled else "paused"
    target = f"{path_for(request, 'desk_sources')}?done={done}&source={source.id}"
    return RedirectResponse(target, status_code=303)


@router.post("/{source_id}/pause", name="pause_source")
def pause(request: Request, session: WriteSession, staff: Editor, source_id: str) -> Response:
    return _set_enabled(request, session, staff, source_id, enabled=False)


@router.post("/{source_id}/resume", name="resume_source")
def resume(request: Request, session: WriteSession, staff: Editor, source_id: str) -> Response:
    return _set_enabled(request, session, staff, source_id, enabled=True)
