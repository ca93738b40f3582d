"""The tags on the desk: `/desk/tags` lists the tags (searchable, by kind) with their number of
stories, and per tag the forms to rename it, merge it into another, hide it or show it again.

These are `gazette tags rename | merge | hide | show`, through the same functions
(gazette/tag/decisions.py), which write the audit log. A rename, a merge and a hide are asked
twice: the first post tries the decision in a transaction that is rolled back, and the page
says what it would do (how many stories would move or lose the tag) with a button that posts it
again, confirmed. A refusal (an unknown tag, a cycle...) shows the page again with the reason
and what was typed. After a decision the browser is sent back to the list it came from (303),
which says what was done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from gazette.errors import GazetteError, NotFound
from gazette.tag import decisions
from gazette.text import how_many
from gazette.web.auth import Editor, Staff, client_address, require_editor
from gazette.web.dependencies import ReadSession
from gazette.web.desk import questions
from gazette.web.desk.questions import NotConfirmed, Question
from gazette.web.desk.routes import desk_page
from gazette.web.templating import path_for

ACTIONS = ("rename", "merge", "hide", "show")
CONFIRMED = ("rename", "merge", "hide")  # asked twice; showing a tag again is its own undo
SEARCH_LENGTH = 100
ERROR_LENGTH = 500
DONE = {
    "renamed": "Tag {tag} is renamed: readers see its new name and kind.",
    "merged": "Tag {tag} is merged into {into}: {count} moved, and stories tagged later "
    "get {into} instead. Its page redirects there.",
    "hidden": "Tag {tag} is hidden: {count} lost it, and no story gets it again.",
    "shown": "Tag {tag} is shown again: stories get it as they are next tagged.",
}

# What a tag's state is after each decision (a renamed tag shown again is still renamed).
STATES_AFTER = {"renamed": ("renamed",), "hidden": ("hidden",), "shown": ("plain", "renamed")}

router = APIRouter(prefix="/desk/tags", dependencies=[Depends(require_editor)])


@dataclass(frozen=True)
class Typed:
    """What an editor posted for one tag, shown again with a question or a refusal."""

    slug: str = ""
    action: str = ""
    name: str = ""
    kind: str = ""
    into: str = ""


def _listing(q: str, kind: str) -> dict[str, str]:
    """The list's search, as query parameters (only those given)."""
    return {key: value for key, value in (("q", q), ("kind", kind)) if value}


def _page(
    request: Request,
    session: Session,
    staff: Staff,
    q: str = "",
    kind: str = "",
    status: int = 200,
    **context: Any,
) -> Response:
    wanted_kind = kind if kind in decisions.KINDS else None
    tags = decisions.list_tags(session, wanted_kind, q or None, decisions.DEFAULT_LIMIT + 1)
    context = {
        "tags": tags[: decisions.DEFAULT_LIMIT],
        "more": len(tags) > decisions.DEFAULT_LIMIT,
        "kinds": decisions.KINDS,
        "q": q,
        "kind": wanted_kind or "",
        "listing": _listing(q, wanted_kind or ""),
        "typed": Typed(),
        **context,
    }
    return desk_page(request, staff, "tags.html", context, status)


@router.get("", name="desk_tags", response_class=HTMLResponse)
def tags_page(
    request: Request,
    session: ReadSession,
    staff: Editor,
    q: Annotated[str, Query(max_length=SEARCH_LENGTH)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
    done: str = "",
    tag: Annotated[str, Query(max_length=decisions.SLUG_LENGTH)] = "",
    into: Annotated[str, Query(max_length=decisions.SLUG_LENGTH)] = "",
    count: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> Response:
    notice = None
    if done in DONE and tag and _decided(session, tag, done, into):
        notice = DONE[done].format(tag=tag, into=into, count=how_many(count, "story", "stories"))
    return _page(request, session, staff, q, kind, notice=notice)


def _decided(session: Session, slug: str, done: str, into: str) -> bool:
    """Whether the tag is as the notice would say: a link made elsewhere cannot make the page
    tell an editor of a decision nobody made."""
    try:
        entry = decisions.tag_entry(session, slug)
    except NotFound:
        return False
    if done == "merged":
        return entry.merged_into == into
    return entry.state in STATES_AFTER[done]


def _decide(session: Session, typed: Typed, actor: str, address: str | None) -> tuple[str, str]:
    """Make the decision; the word for the notice, and what it did in words."""
    if typed.action == "rename":
        entry = decisions.rename(
            session, typed.slug, actor, typed.name or None, typed.kind or None, address
        )
        return "renamed", f"rename {typed.slug} to {entry.name} ({entry.kind})"
    if typed.action == "merge":
        moved = decisions.merge(session, typed.slug, typed.into.strip(), actor, address)
        return "merged", (
            f"merge {typed.slug} into {typed.into.strip()}: "
            f"{how_many(moved, 'story', 'stories')} would move to it, "
            "and its page would redirect there"
        )
    if typed.action == "hide":
        untagged = decisions.hide(session, typed.slug, actor, address)
        stories = how_many(untagged, "story", "stories")
        return "hidden", f"hide {typed.slug}: {stories} would lose it, for good"
    decisions.show(session, typed.slug, actor, address)
    return "shown", f"show {typed.slug} again"


def _question(request: Request, typed: Typed, outcome: str, q: str, in_kind: str) -> Question:
    """What a rename, merge or hide asks first, its form posting the same decision again from
    the same list."""
    listing = _listing(q, in_kind)
    cancel = path_for(request, "desk_tags") + (f"?{urlencode(listing)}" if listing else "")
    return Question(
        title="Confirm",
        text=f"Really {outcome}?",
        action=path_for(request, "decide_tag", slug=typed.slug, action=typed.action),
        button=f"Yes, {typed.action} {typed.slug}",
        cancel=cancel,
        fields={
            "q": q,
            "in_kind": in_kind,
            "name": typed.name,
            "kind": typed.kind,
            "into": typed.into.strip(),
        },
        button_class="approve" if typed.action == "rename" else "danger",
    )


def _count(session: Session, typed: Typed) -> int:
    """Stories moved or untagged, for the notice: the rehearsal's count is the tag's own."""
    if typed.action in ("merge", "hide"):
        return decisions.tag_entry(session, typed.slug).stories
    return 0


@router.post("/{slug}/{action}", name="decide_tag")
def decide(
    request: Request,
    staff: Editor,
    slug: str,
    action: str,
    name: Annotated[str, Form(max_length=1000)] = "",
    kind: Annotated[str, Form(max_length=20)] = "",
    into: Annotated[str, Form(max_length=1000)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
    q: Annotated[str, Form(max_length=SEARCH_LENGTH)] = "",
    in_kind: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    if action not in ACTIONS:
        raise HTTPException(404, f"There is no tag action {action[:20]!r}.")
    typed = Typed(slug[: decisions.SLUG_LENGTH], action, name[:200], kind, into[:100])
    database = request.app.state.database
    confirmed = confirm == questions.CONFIRMED or action not in CONFIRMED
    try:
        with database.transaction() as session:
            count = _count(session, typed)
            done, outcome = _decide(session, typed, staff.name, client_address(request))
            if not confirmed:
                raise NotConfirmed(_question(request, typed, outcome, q, in_kind))
    except NotConfirmed as asked:
        with database.session() as session:
            return _page(request, session, staff, q, in_kind, typed=typed, ask=asked.question)
    except GazetteError as exc:
        message = str(exc)[:ERROR_LENGTH]
        with database.session() as session:
            status = exc.http_status if exc.http_status < 500 else 400
            return _page(request, session, staff, q, in_kind, status, typed=typed, error=message)
    query = {**_listing(q, in_kind), "done": done, "tag": typed.slug, "count": str(count)}
    if action == "merge":
        query["into"] = typed.into.strip()
    target = f"{path_for(request, 'desk_tags')}?{urlencode(query)}"
    return RedirectResponse(target, status_code=303)
