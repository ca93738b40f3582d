"""The ad slots on the desk: `/desk/ads` lists every slot with its placement, whether readers
see it, what they see (the markup cleaned as the pages clean it) and whose markup it is (the
config's or an editor's), with the forms to set a slot's markup, switch it off or on, and hand
it back to the config.

These are `gazette ads set | off | on | reset`, through the same functions (gazette/ads.py,
which also holds the rule between the config and the desk), against the config the web app
read, and each change is written to the audit log. A refusal (markup too long, markup the
slot has already, markup replaced since the page showed it, a slot the config does not name
handed back, a slot switched off that is off already, no such slot) shows the page again with
the reason and the markup typed, with the refusal's own status (400, 404) as /desk/tags
answers. After a change the browser is sent back to the list (303), which says what was done.

Each markup form sends back the `fingerprint` of the markup its page showed, so that an editor
who saves a page drawn before another editor's change does not undo it unseen. A slot's
forms are addressed with its name quoted, and the route takes a name with a `/` in it: a slot
made by hand may have any name, and the page shows and manages it like the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from gazette import ads
from gazette.config import Settings
from gazette.errors import GazetteError, NotFound
from gazette.web.auth import Editor, Staff, client_address, require_editor
from gazette.web.dependencies import AppSettings, ReadSession
from gazette.web.desk.routes import desk_page
from gazette.web.templating import path_for

ACTIONS = ("set", "off", "on", "reset")
ERROR_LENGTH = 500
DONE = {
    "off": "Ad slot {slot} is off: no page shows it.",
    "on": "Ad slot {slot} is on again.",
    "reset": "Ad slot {slot} follows the config again.",
}
NEW_MARKUP = {  # after "set", by what the slot shows (SlotEntry.shows)
    ads.SHOWS: "Ad slot {slot} shows its new markup.",
    ads.EMPTY: "Ad slot {slot} has its new markup, which shows readers nothing.",
    ads.OFF: "Ad slot {slot} has its new markup; it is off, so no page shows it until it is "
    "switched on.",
    ads.NOWHERE: "Ad slot {slot} has its new markup; no page has its placement.",
}
KEPT = " Runs leave it so until it is handed back to the config."

router = APIRouter(prefix="/desk/ads", dependencies=[Depends(require_editor)])


@dataclass(frozen=True)
class SlotView:
    """A slot as the page shows it: the entry, its markup as readers get it, the address its
    forms post to (`<address>/set`, `/off`, ...) and the fingerprint of its markup."""

    entry: ads.SlotEntry
    shown: Markup
    address: str
    seen: str


def _page(
    request: Request,
    session: Session,
    staff: Staff,
    settings: Settings,
    status: int = 200,
    **context: Any,
) -> Response:
    listing = path_for(request, "desk_ads")
    slots = [
        SlotView(
            entry,
            ads.sanitise_ad(entry.html),
            f"{listing}/{quote(entry.name, safe='')}",
            ads.fingerprint(entry.html),
        )
        for entry in ads.list_slots(session, settings.ads)
    ]
    context = {
        "slots": slots,
        "development": settings.site.mode == "development",
        "markup_length": ads.MARKUP_LENGTH,
        "places": ads.PLACES,
        "typed_slot": "",
        "typed_html": "",
        **context,
    }
    return desk_page(request, staff, "ads.html", context, status)


@router.get("", name="desk_ads", response_class=HTMLResponse)
def ads_page(
    request: Request,
    session: ReadSession,
    staff: Editor,
    settings: AppSettings,
    done: Annotated[str, Query(max_length=10)] = "",
    slot: Annotated[str, Query(max_length=ads.NAME_LENGTH)] = "",
) -> Response:
    notice = _notice(session, settings, slot, done) if slot else None
    return _page(request, session, staff, settings, notice=notice)


def _notice(session: Session, settings: Settings, name: str, done: str) -> str | None:
    """What the page says was done, when the slot is as that would say: a link made elsewhere
    cannot make the page tell an editor of a change nobody made."""
    if done not in (*DONE, "set"):
        return None
    try:
        entry = ads.slot_entry(session, name, settings.ads)
    except NotFound:
        return None
    as_said = {
        "set": entry.edited_by is not None,
        "off": not entry.enabled,
        "on": entry.enabled,
        "reset": entry.follows_config,
    }[done]
    if not as_said:
        return None
    if done != "set":
        return DONE[done].format(slot=name)
    return NEW_MARKUP[entry.shows].format(slot=name) + (KEPT if entry.in_config else "")


def _change(
    session: Session,
    settings: Settings,
    name: str,
    action: str,
    html: str,
    seen: str | None,
    actor: str,
    address: str | None,
) -> None:
    if action == "set":
        ads.set_markup(session, name, html, settings.ads, actor, address, seen)
    elif action == "reset":
        ads.hand_back(session, name, settings.ads, actor, address)
    else:
        ads.switch(session, name, action == "on", settings.ads, actor, address)


@router.post("/{slot:path}/{action}", name="change_ad")
def change(
    request: Request,
    staff: Editor,
    settings: AppSettings,
    slot: str,
    action: str,
    # Any length (the request guard's): ads.py says if too long. An emptied box empties the
    # slot; FastAPI reads an empty field as a missing one, so the two cannot be told apart.
    html: Annotated[str, Form()] = "",
    seen: Annotated[str | None, Form()] = None,  # the page's ads.fingerprint of the markup
) -> Response:
    if action not in ACTIONS:
        raise HTTPException(404, f"There is no ad slot action {action[:20]!r}.")
    database = request.app.state.database
    try:
        with database.transaction() as session:
            address = client_address(request)
            _change(session, settings, slot, action, html, seen, staff.name, address)
    except GazetteError as exc:
        message = str(exc)[:ERROR_LENGTH]
        status = exc.http_status if exc.http_status < 500 else 400
        typed = {"typed_slot": slot, "typed_html": html} if action == "set" else {}
        refused = ads.shown_name(slot)
        with database.session() as session:
            return _page(
                request, session, staff, settings, status, error=message, refused=refused, **typed
            )
    query = urlencode({"done": action, "slot": slot})
    target = f"{path_for(request, 'desk_ads')}?{query}#slot-{quote(slot)}"
    return RedirectResponse(target, status_code=303)
