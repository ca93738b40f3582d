"""Readers' comments on the site: the page of comments under a story, and taking a comment from
the form, with the defences that belong to the web (gazette/comments.py has the rest).

- The form's token (gazette/web/csrf.py) keeps other sites from posting in a reader's name.
- A honeypot: a field named `website` that the page hides from people (with CSS, and a label
  that says to leave it empty, for screen readers); programs that fill every field fill it,
  and their comment is refused.
- The sender's address, as the login limits count it (an IPv6 /64 network counts as one), is
  hashed at once; only the hash is stored, and the rate limit and blocks use it.
- `maxlength` on the fields, and the same limits checked here whatever a client sends.
- A refused comment is never sent back whole: the form offers back at most what it would take,
  and nothing for what looks like abuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gazette.comments import NAME_LENGTH, address_hash, submit
from gazette.config import CommentSettings
from gazette.db.models import Comment, CommentStatus
from gazette.errors import CommentRefused
from gazette.web.auth import client_address

HONEYPOT = "website"
MAX_PAGE = 100_000


@dataclass(frozen=True)
class CommentView:
    author: str
    body: str
    posted_at: datetime


@dataclass(frozen=True)
class CommentPage:
    """One page of a story's published comments, newest first, and what the form needs."""

    items: list[CommentView]
    page: int
    total: int
    per_page: int
    open: bool  # comments are enabled
    max_length: int
    name_length: int = NAME_LENGTH

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def comment_page(
    session: Session, story_id: int, page: int, settings: CommentSettings
) -> CommentPage:
    visible = (Comment.story_id == story_id, Comment.status == CommentStatus.VISIBLE)
    total = session.scalar(select(func.count()).select_from(Comment).where(*visible)) or 0
    rows = session.execute(
        select(Comment.author_name, Comment.body, Comment.created_at)
        .where(*visible)
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(settings.per_page)
        .offset((page - 1) * settings.per_page)
    )
    items = [CommentView(author, body, posted_at) for author, body, posted_at in rows]
    return CommentPage(items, page, total, settings.per_page, settings.enabled, settings.max_length)


def take_comment(
    request: Request,
    session: Session,
    story_id: int,
    name: str,
    body: str,
    trap: str,
    settings: CommentSettings,
) -> Comment:
    """Store the comment the form sent, or CommentRefused."""
    if trap.strip():
        raise CommentRefused(
            "a hidden field of the form, which only programs fill in, was filled in (by your "
            "browser's autofill, perhaps); your text is below: send it again"
        )
    hashed = address_hash(session, client_address(request))
    return submit(session, story_id, name, body, hashed, settings)


def draft(refused: CommentRefused, name: str, body: str, settings: CommentSettings) -> tuple:
    """What the form offers back after a refusal: never more than it would take."""
    if not refused.keep_draft:
        return ("", "")
    return (name[:NAME_LENGTH], body[: settings.max_length])
