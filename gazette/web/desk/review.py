"""The review page of a story (/desk/story/{id}) and the editor's actions on it: publish, hold,
unpublish, edit the headline or a sentence, correct. Every action is a POST with the form's
token (gazette/web/csrf.py), done by `gazette/editing.py` (which the command line shares) and
answered by a redirect back to the page; a refused action shows the page again with the reason
and what the editor typed.

An action runs in a savepoint of the request's one transaction: a refusal rolls back whatever
it had begun, and the page is then read in the same session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from gazette import editing
from gazette.errors import GazetteError
from gazette.web.auth import Editor, Staff, client_address, require_editor
from gazette.web.dependencies import ReadSession, WriteSession
from gazette.web.desk.review_queries import review_page
from gazette.web.desk.routes import desk_page
from gazette.web.public.queries import surviving_story_id
from gazette.web.templating import path_for

MAX_ID_DIGITS = 18  # below 2**63, the largest integer SQLite and PostgreSQL store
MAX_VERSION = 1_000_000
# What a redirect after a done action tells the page to say.
DONE = {
    "published": "Published: readers see this version now (any hold has ended).",
    "held": "Held: new versions wait for an editor, even with auto-publish on.",
    "unpublished": "Unpublished: the story's page tells readers it was withdrawn.",
    "edited": "Saved as a new version; it waits here until you publish it.",
    "corrected": "Corrected: the new version and its correction are published.",
    "noted": "The correction is published with the story.",
}

router = APIRouter(prefix="/desk/story", dependencies=[Depends(require_editor)])


def _story_id(raw: str) -> int:
    """The story number of an address; anything but a plain number a database holds is a 404."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_ID_DIGITS:
        raise HTTPException(404, f"There is no story {raw[:MAX_ID_DIGITS]!r}.")
    return int(raw)


@dataclass(frozen=True)
class KeptEdit:
    """What an editor typed into a version a newer one replaced before it was saved. It is
    shown apart from the new version's forms, for the editor to apply again by hand: placed
    in the form of the same sentence number, it would stand against a sentence that may now
    say something else."""

    version: int  # the version the editor's page showed
    what: str  # "S3", "the headline"
    text: str
    correction: str
    replaced: str | None  # what that sentence or headline said in `version`


def _kept_edit(session: Session, story_id: int, seen: int, draft: dict[str, Any]) -> KeptEdit:
    """`draft` (a refused edit's fields), as typed for v`seen` of the story."""
    old = editing.version(session, story_id, seen)
    position = draft.get("draft_position")
    if position is None:
        what, text = "the headline", draft.get("draft_headline", "")
        replaced = old.headline if old else None
    else:
        what, text = f"S{position}", draft.get("draft_text", "")
        sentences = old.sentences if old else []
        replaced = next((s.text for s in sentences if s.position == position), None)
    return KeptEdit(seen, what, text, draft.get("draft_correction", ""), replaced)


def _show(
    request: Request,
    session: Session,
    staff: Staff,
    story_id: int,
    version: int | None = None,
    status: int = 200,
    **context: Any,
) -> Response:
    page = review_page(session, story_id, version)
    if page is None:
        which = f"version {version} of story {story_id}" if version else f"story {story_id}"
        raise HTTPException(404, f"There is no {which} on the desk.")
    seen = context.pop("draft_version", None)
    if seen is not None and seen != page.version:  # a newer version came: kept apart
        kept = _kept_edit(session, story_id, seen, context)
        context = {k: v for k, v in context.items() if not k.startswith("draft_")}
        context["kept"] = kept
    return desk_page(request, staff, "review.html", {"page": page, **context}, status)


@router.get("/{story_id}", name="desk_review", response_class=HTMLResponse)
def review(
    request: Request,
    session: ReadSession,
    staff: Editor,
    story_id: str,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
    done: str = "",
) -> Response:
    number = _story_id(story_id)
    survivor = surviving_story_id(session, number)
    if survivor != number:  # merged: its page is the story's it joined, as for readers
        return RedirectResponse(path_for(request, "desk_review", story_id=survivor), 303)
    return _show(request, session, staff, number, version, notice=DONE.get(done))


def _act(
    request: Request,
    session: Session,
    staff: Staff,
    raw_id: str,
    action: Callable[[Session, int, editing.Actor], object],
    done: str,
    **draft: Any,
) -> Response:
    """Do `action` on the story; back to its page, saying what was done or why not."""
    story_id = _story_id(raw_id)
    actor = editing.Actor(staff.name, client_address(request))
    try:
        with session.begin_nested():
            action(session, story_id, actor)
    except GazetteError as exc:
        if exc.http_status == 404:
            raise HTTPException(404, str(exc)) from exc
        status = exc.http_status if 400 <= exc.http_status < 500 else 409
        return _show(request, session, staff, story_id, None, status, error=str(exc), **draft)
    target = f"{path_for(request, 'desk_review', story_id=story_id)}?done={done}"
    return RedirectResponse(target, status_code=303)


# The version the page showed, sent back by its forms: an action on a version that a newer one
# replaced meanwhile is refused (gazette/editing.py); without it (an older page), none is.
SeenVersion = Annotated[int | None, Form(alias="version", ge=1, le=MAX_VERSION)]


@router.post("/{story_id}/publish", name="desk_publish")
def publish(
    request: Request, session: WriteSession, staff: Editor, story_id: str, seen: SeenVersion = None
) -> Response:
    def action(session: Session, number: int, actor: editing.Actor) -> object:
        return editing.publish(session, number, actor, seen)

    return _act(request, session, staff, story_id, action, "published")


@router.post("/{story_id}/hold", name="desk_hold")
def hold(request: Request, session: WriteSession, staff: Editor, story_id: str) -> Response:
    return _act(request, session, staff, story_id, editing.hold, "held")


@router.post("/{story_id}/unpublish", name="desk_unpublish")
def unpublish(
    request: Request,
    session: WriteSession,
    staff: Editor,
    story_id: str,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    def action(session: Session, number: int, actor: editing.Actor) -> object:
        return editing.unpublish(session, number, actor, reason)

    return _act(request, session, staff, story_id, action, "unpublished")


@router.post("/{story_id}/headline", name="desk_edit_headline")
def edit_headline(
    request: Request,
    session: WriteSession,
    staff: Editor,
    story_id: str,
    headline: Annotated[str, Form(max_length=2000)] = "",
    correction: Annotated[str, Form(max_length=editing.CORRECTION_CHARACTERS)] = "",
    seen: SeenVersion = None,
) -> Response:
    def action(session: Session, number: int, actor: editing.Actor) -> object:
        return editing.edit_headline(session, number, headline, actor, correction, seen)

    done = "corrected" if correction.strip() else "edited"
    draft = {"draft_headline": headline, "draft_correction": correction, "draft_version": seen}
    return _act(request, session, staff, story_id, action, done, **draft)


@router.post("/{story_id}/sentence", name="desk_edit_sentence")
def edit_sentence(
    request: Request,
    session: WriteSession,
    staff: Editor,
    story_id: str,
    position: Annotated[int, Form(ge=0, le=100_000)],
    text: Annotated[str, Form(max_length=10_000)] = "",
    sources: Annotated[list[int] | None, Form()] = None,
    choose: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    correction: Annotated[str, Form(max_length=editing.CORRECTION_CHARACTERS)] = "",
    seen: SeenVersion = None,
) -> Response:
    # The form's boxes say which sources it cites (`choose`); without them, the sentence's own.
    cited = [n for n in sources or [] if 0 < n <= 1000] if choose == "1" else None

    def action(session: Session, number: int, actor: editing.Actor) -> object:
        return editing.edit_sentence(
            session, number, position, text, actor, cited, note == "1", correction, seen
        )

    done = "corrected" if correction.strip() else "edited"
    draft = {
        "draft_position": position,
        "draft_text": text,
        "draft_correction": correction,
        "draft_version": seen,
    }
    return _act(request, session, staff, story_id, action, done, **draft)


@router.post("/{story_id}/correction", name="desk_correct")
def correct(
    request: Request,
    session: WriteSession,
    staff: Editor,
    story_id: str,
    text: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    def action(session: Session, number: int, actor: editing.Actor) -> object:
        return editing.add_correction(session, number, text, actor)

    return _act(request, session, staff, story_id, action, "noted", draft_note=text)
