"""Reader comments: checked, stored as plain text, shown escaped."""

from __future__ import annotations

from sqlalchemy.orm import Session

from gazette.config import CommentSettings
from gazette.db.models import Comment, CommentStatus
from gazette.errors import InputError
from gazette.text import collapse_spaces

MAX_NAME_LENGTH = 80


def add_comment(
    session: Session, story_id: int, name: str, body: str, settings: CommentSettings
) -> Comment:
    """Store a comment. The text is kept as typed: escaping happens when it is shown."""
    if not settings.enabled:
        raise InputError("comments are closed on this site")
    body = body.strip()
    if not body:
        raise InputError("the comment is empty")
    if len(body) > settings.max_length:
        raise InputError(f"the comment is longer than {settings.max_length} characters")
    name = collapse_spaces(name)[:MAX_NAME_LENGTH] or "Anonymous"
    status = CommentStatus.PENDING if settings.require_approval else CommentStatus.VISIBLE
    comment = Comment(story_id=story_id, author_name=name, body=body, status=status)
    session.add(comment)
    session.flush()
    return comment
