"""The audit log: what each member of the staff did on the desk or from the command line, and
when, kept for an admin to read (`/desk/audit`).

`record` is the one function that writes it. Every staff action calls it in the same
transaction as the change it describes, so the log never tells of a change that was rolled
back, nor misses one that was committed. Entries are never changed or deleted by Gazette.
"""

from __future__ import annotations

import getpass
from enum import StrEnum

from sqlalchemy.orm import Session

from gazette.db.models import AuditEntry, utcnow

ACTOR_LENGTH = 100
TARGET_LENGTH = 200
DETAIL_LENGTH = 2000
ADDRESS_LENGTH = 64


class Action(StrEnum):
    """What an entry tells of. Later desk actions add theirs here."""

    LOGIN = "login"
    LOGIN_FAILED = "login.failed"
    LOGOUT = "logout"
    USER_ADDED = "user.added"
    USER_REMOVED = "user.removed"
    PASSWORD_CHANGED = "user.password"
    # An editor's work on a story (gazette/editing.py).
    STORY_PUBLISHED = "story.published"
    STORY_HELD = "story.held"
    STORY_UNPUBLISHED = "story.unpublished"
    STORY_EDITED = "story.edited"
    STORY_CORRECTED = "story.corrected"
    COMMENT_APPROVED = "comment.approved"
    COMMENT_REJECTED = "comment.rejected"
    COMMENT_DELETED = "comment.deleted"
    ADDRESS_BLOCKED = "comment.blocked"
    ADDRESS_UNBLOCKED = "comment.unblocked"
    SOURCE_ADDED = "source.added"
    SOURCE_PAUSED = "source.paused"
    SOURCE_RESUMED = "source.resumed"
    REPORT_MOVED = "story.report_moved"
    STORY_MERGED = "story.merged"
    STORY_SPLIT = "story.split"
    # An editor's decisions about tags (gazette/tag/decisions.py).
    TAG_RENAMED = "tag.renamed"
    TAG_MERGED = "tag.merged"
    TAG_HIDDEN = "tag.hidden"
    TAG_SHOWN = "tag.shown"
    # An editor's changes to the ad slots (gazette/ads.py).
    AD_SET = "ad.set"
    AD_OFF = "ad.off"
    AD_ON = "ad.on"
    AD_HANDED_BACK = "ad.handed_back"


def record(
    session: Session,
    actor: str,
    action: Action,
    target: str = "",
    detail: str = "",
    address: str | None = None,
) -> AuditEntry:
    """Add an entry to the log. Text that came from a request (a name typed at the login form)
    is cut to the columns' lengths here, so that no caller has to."""
    entry = AuditEntry(
        at=utcnow(),
        actor=actor[:ACTOR_LENGTH],
        action=action.value,
        target=target[:TARGET_LENGTH],
        detail=detail[:DETAIL_LENGTH],
        address=address[:ADDRESS_LENGTH] if address else None,
    )
    session.add(entry)
    return entry


def command_line_actor() -> str:
    """Who ran a command: the system user, as `cli:<name>` (the command line has no login of
    its own: whoever can run it can read the database anyway)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no user name in the environment or the password database
        return "cli"
