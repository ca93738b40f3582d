"""The desk's pages, for editors and admins only: every route of this router needs a login
(`require_editor`, gazette/web/auth.py), and the audit log an admin's.

The review page, editing, corrections, moderation and the desk's other pages join this router
(or a module of their own beside it, included in `gazette/web/desk/__init__.py`) and extend
`desk/layout.html`, whose nav lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from gazette.web.auth import Admin, Editor, Staff, require_editor
from gazette.web.dependencies import ReadSession
from gazette.web.desk import queries
from gazette.web.templating import render

QUEUE_LENGTH = 100  # versions listed in each of the home page's lists
AUDIT_PAGE_LENGTH = 50
MAX_PAGE = 100_000

router = APIRouter(prefix="/desk", dependencies=[Depends(require_editor)])


def desk_page(
    request: Request, staff: Staff, name: str, context: Mapping[str, Any], status: int = 200
) -> Response:
    """A desk page: the template `name` of this folder, with who is logged in, and never kept
    by a browser or a cache (it shows what only the staff may see)."""
    response = render(request, f"desk/{name}", {**context, "staff": staff}, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("", name="desk_home", response_class=HTMLResponse)
def home(request: Request, session: ReadSession, staff: Editor) -> Response:
    """The queue: versions waiting for review, then those readers see, newest first."""
    desk = queries.desk_home(session, QUEUE_LENGTH)
    return desk_page(request, staff, "home.html", {"desk": desk})


@router.get("/audit", name="desk_audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    session: ReadSession,
    staff: Admin,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    entries = queries.audit_entries(session, AUDIT_PAGE_LENGTH + 1, (page - 1) * AUDIT_PAGE_LENGTH)
    context = {
        "entries": entries[:AUDIT_PAGE_LENGTH],
        "page": page,
        "more": len(entries) > AUDIT_PAGE_LENGTH,
    }
    return desk_page(request, staff, "audit.html", context)
