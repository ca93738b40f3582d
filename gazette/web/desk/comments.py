"""Moderating readers' comments on the desk: `/desk/comments` lists them by status (those
waiting first), and each action is a form that posts to `/desk/comments/ID/ACTION`.

The work is gazette/comments.py's, shared with `gazette comments`; every action lands in the
audit log with the editor's name and address. After an action the browser is sent back to the
list it came from (303), which says what was done.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException

from gazette import comments
from gazette.errors import InputError, NotFound
from gazette.web.auth import Editor, client_address, require_editor
from gazette.web.dependencies import ReadSession, WriteSession
from gazette.web.desk.routes import desk_page
from gazette.web.templating import path_for

PAGE_LENGTH = 50
MAX_PAGE = 100_000
Status = Literal["pending", "visible", "rejected", "all"]
ACTIONS = ("approve", "reject", "block", "delete", "unblock")
DONE = {
    "approved": "Comment {id} is approved: readers see it.",
    "rejected": "Comment {id} is rejected: readers do not see it.",
    "blocked": "Comment {id} is rejected, and its address is blocked: comments from it are "
    "refused.",
    "deleted": "Comment {id} is deleted.",
    "unblocked": "The address of comment {id} is no longer blocked.",
}


def _act(
    session: Session, action: str, comment_id: str, actor: str, address: str
) -> comments.Moderated:
    if action == "approve":
        return comments.approve(session, comment_id, actor, address)
    if action in ("reject", "block"):
        return comments.reject(session, comment_id, actor, action == "block", address)
    if action == "delete":
        return comments.delete(session, comment_id, actor, address)
    return comments.unblock(session, comment_id, actor, address)


router = APIRouter(prefix="/desk/comments", dependencies=[Depends(require_editor)])


@router.get("", name="desk_comments", response_class=HTMLResponse)
def moderation_queue(
    request: Request,
    session: ReadSession,
    staff: Editor,
    status: Status = "pending",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    done: str = "",
    comment: Annotated[int, Query(ge=0, le=2**62)] = 0,
    others: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> Response:
    listed = None if status == "all" else status
    rows = comments.list_comments(session, listed, PAGE_LENGTH + 1, (page - 1) * PAGE_LENGTH)
    notice = None
    if done in DONE and comment:
        notice = DONE[done].format(id=comment)
        if done == "blocked" and others:
            notice += f" {others} more waiting comment{'s' if others > 1 else ''} from it rejected."
    context = {
        "comments": rows[:PAGE_LENGTH],
        "status": status,
        "page": page,
        "more": len(rows) > PAGE_LENGTH,
        "counts": comments.status_counts(session),
        "notice": notice,
    }
    return desk_page(request, staff, "comments.html", context)


@router.post("/{comment_id}/{action}", name="moderate_comment")
def moderate(
    request: Request,
    session: WriteSession,
    staff: Editor,
    comment_id: str,
    action: str,
    status: Annotated[Status, Form()] = "pending",
    page: Annotated[int, Form(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    if action not in ACTIONS:
        raise HTTPException(404, f"There is no moderation action {action[:20]!r}.")
    try:
        done = _act(session, action, comment_id, staff.name, client_address(request))
    except NotFound as exc:
        raise HTTPException(404, f"{str(exc)[:1].upper()}{str(exc)[1:]}.") from exc
    except InputError as exc:
        raise HTTPException(400, f"{str(exc)[:1].upper()}{str(exc)[1:]}.") from exc
    outcome = "blocked" if done.blocked else done.action
    target = (
        f"{path_for(request, 'desk_comments')}?status={status}&page={page}"
        f"&done={outcome}&comment={done.comment_id}&others={done.also_rejected}"
    )
    return RedirectResponse(target, status_code=303)
