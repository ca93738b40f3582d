"""Readers' comments: taking one in, and moderating them. The site and `gazette comments` both
go through this module.

Taking a comment in (`submit`) applies the defences that need the database, in this order:
comments closed, the address blocked, too many comments from the address lately
(`comments.per_address_limit`), then the comment itself (empty, too long, too many links).
Each refusal is a `CommentRefused` that says what is wrong in words for the reader, with the
HTTP status it deserves and whether the form may offer the text back (never for what looks like
abuse, and never more than the form would take). A comment that passes is shown at once, or
held for a moderator when `comments.require_approval` is on, or when
`comments.hold_first_comments` is on and its address has no approved comment yet.

Addresses are never stored. A comment keeps a keyed hash of its address (HMAC-SHA256 under a
random secret the site makes for itself and keeps in `site_keys`): the same address always
gives the same hash, so that it can be counted and blocked, but the hash cannot be turned back
into the address without the secret, and it means nothing on another site.

Moderating (`approve`, `reject`, `delete`, `unblock`) writes the audit log in the same
transaction as the change. "Reject and block" also rejects every comment of the same address
still waiting, since a moderator who blocks an address wants none of its queue.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gazette import audit
from gazette.config import CommentSettings
from gazette.db.engine import fits_in_id
from gazette.db.models import (
    Article,
    BlockedAddress,
    Comment,
    CommentStatus,
    SiteKey,
    Story,
    utcnow,
)
from gazette.errors import CommentRefused, InputError, NotFound
from gazette.text import collapse_spaces

NAME_LENGTH = 80  # the column's
ANONYMOUS = "Anonymous"
SALT_NAME = "comment-address"
STATUSES = (CommentStatus.PENDING, CommentStatus.VISIBLE, CommentStatus.REJECTED)
LINK = re.compile(r"(?:https?://|www\.)\S*", re.IGNORECASE)
# Control characters but tab and newline: PostgreSQL refuses NUL in text, and none is writing.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Moderated:
    """What one moderation did, for the desk's notice and the command line."""

    comment_id: int
    action: str  # "approved", "rejected", "deleted", "unblocked"
    blocked: bool = False
    also_rejected: int = 0  # other waiting comments of the blocked address

    @property
    def message(self) -> str:
        text = f"comment {self.comment_id} {self.action}"
        if self.blocked:
            text += "; its address is blocked"
            if self.also_rejected:
                plural = "" if self.also_rejected == 1 else "s"
                text += f" and {self.also_rejected} more waiting comment{plural} from it rejected"
        return text


@dataclass(frozen=True)
class CommentRow:
    """A comment as a moderator sees it."""

    id: int
    story_id: int
    story_headline: str | None  # the version readers see; None when none is published
    author: str
    body: str
    status: str
    posted_at: datetime
    address_tag: str | None  # a short, stable label of the address, never the address
    from_address: int  # comments from the same address, this one included
    blocked: bool
    moderated_by: str | None
    moderated_at: datetime | None


def _salt(session: Session) -> bytes:
    """The site's secret for address hashes, made the first time one is needed (two requests
    making it at once agree on the first stored)."""
    row = session.get(SiteKey, SALT_NAME)
    if row is None:
        try:
            with session.begin_nested():
                session.add(SiteKey(name=SALT_NAME, value=secrets.token_urlsafe(48)))
        except IntegrityError:
            pass
        row = session.get(SiteKey, SALT_NAME)
    return row.value.encode()  # type: ignore[union-attr]


def address_hash(session: Session, address: str) -> str:
    """The keyed hash a comment keeps of its sender's address."""
    return hmac.new(_salt(session), address.encode(), hashlib.sha256).hexdigest()


def count_links(text: str) -> int:
    return len(LINK.findall(text))


def clean_name(name: str) -> str:
    return collapse_spaces(CONTROL.sub("", name))


def clean_body(body: str) -> str:
    return CONTROL.sub("", body.replace("\r\n", "\n")).strip()


def is_blocked(session: Session, hashed: str) -> bool:
    return session.get(BlockedAddress, hashed) is not None


def _in_minutes(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def _rate_limit(session: Session, hashed: str, settings: CommentSettings, now: datetime) -> None:
    """CommentRefused (429) when the address has posted its share lately. Comments from one
    address are counted one at a time: SQLite's writers take turns anyway, and on PostgreSQL a
    lock on the address (held until the transaction ends) keeps a burst sent at once from
    being counted all before any is stored."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"comment:{hashed}"}
        )
    window = timedelta(minutes=settings.per_address_window_minutes)
    recent = list(
        session.scalars(
            select(Comment.created_at)
            .where(Comment.address_hash == hashed, Comment.created_at >= now - window)
            .order_by(Comment.created_at.desc())
            .limit(settings.per_address_limit)
        )
    )
    if len(recent) < settings.per_address_limit:
        return
    wait = max(1, math.ceil((recent[-1] + window - now).total_seconds()))
    raise CommentRefused(
        f"you have posted {len(recent)} comments in the last "
        f"{_in_minutes(window.total_seconds())}, the most this site takes from one address; "
        f"please wait {_in_minutes(wait)} and post again",
        status=429,
        retry_after=wait,
    )


def check_text(name: str, body: str, settings: CommentSettings) -> tuple[str, str]:
    """The name and text as stored, or CommentRefused saying what is wrong with them."""
    name, body = clean_name(name), clean_body(body)
    if len(name) > NAME_LENGTH:
        raise CommentRefused(f"the name is longer than {NAME_LENGTH} characters")
    if not body:
        raise CommentRefused("the comment is empty")
    if len(body) > settings.max_length:
        raise CommentRefused(
            f"the comment is {len(body)} characters long; at most {settings.max_length} fit"
        )
    links = count_links(name) + count_links(body)
    if links > settings.max_links:
        allowed = f"at most {settings.max_links}" if settings.max_links else "none"
        raise CommentRefused(f"the comment holds {links} links; {allowed} are allowed")
    return name or ANONYMOUS, body


def submit(
    session: Session,
    story_id: int,
    name: str,
    body: str,
    hashed_address: str,
    settings: CommentSettings,
    now: datetime | None = None,
) -> Comment:
    """Store a reader's comment, shown or held; CommentRefused when it is not taken. The text
    is kept as typed (less control characters): escaping happens when it is shown."""
    now = now or utcnow()
    if not settings.enabled:
        raise CommentRefused("comments are closed on this site", status=403, keep_draft=False)
    if is_blocked(session, hashed_address):
        raise CommentRefused(
            "comments from your address are not accepted on this site", 403, keep_draft=False
        )
    _rate_limit(session, hashed_address, settings, now)
    name, body = check_text(name, body, settings)
    held = settings.require_approval or (
        settings.hold_first_comments and not _has_approved(session, hashed_address)
    )
    comment = Comment(
        story_id=story_id,
        author_name=name,
        body=body,
        status=CommentStatus.PENDING if held else CommentStatus.VISIBLE,
        created_at=now,
        address_hash=hashed_address,
    )
    session.add(comment)
    session.flush()
    return comment


def _has_approved(session: Session, hashed: str) -> bool:
    found = session.scalar(
        select(Comment.id)
        .where(Comment.address_hash == hashed, Comment.status == CommentStatus.VISIBLE)
        .limit(1)
    )
    return found is not None


def comment_number(raw: str | int) -> int:
    """A comment id from a command line or an address; NotFound for anything that cannot be
    one."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or not fits_in_id(int(text)):
        raise NotFound(f"there is no comment {text[:30]!r}")
    return int(text)


def _find(session: Session, comment_id: int | str) -> Comment:
    number = comment_number(comment_id)
    comment = session.get(Comment, number)
    if comment is None:
        raise NotFound(f"there is no comment {number}")
    return comment


def _moderate(comment: Comment, status: str, actor: str, now: datetime) -> None:
    comment.status = status
    comment.moderated_at = now
    comment.moderated_by = actor[: audit.ACTOR_LENGTH]


def _target(comment: Comment) -> str:
    return f"comment {comment.id} on story {comment.story_id}"


def _excerpt(comment: Comment) -> str:
    """What the audit log keeps of a comment: who wrote it and how it began."""
    body = collapse_spaces(comment.body)
    return f"by {comment.author_name}: {body[:200]}{'…' if len(body) > 200 else ''}"


def approve(
    session: Session, comment_id: int | str, actor: str, address: str | None = None
) -> Moderated:
    """Show a comment to readers (one waiting, or one rejected before)."""
    comment = _find(session, comment_id)
    _moderate(comment, CommentStatus.VISIBLE, actor, utcnow())
    audit.record(
        session, actor, audit.Action.COMMENT_APPROVED, _target(comment), _excerpt(comment), address
    )
    return Moderated(comment.id, "approved")


def reject(
    session: Session,
    comment_id: int | str,
    actor: str,
    block: bool = False,
    address: str | None = None,
) -> Moderated:
    """Hide a comment from readers for good (it stays on the desk, for the record); with
    `block`, refuse its address's comments from now on and reject those still waiting."""
    comment = _find(session, comment_id)
    if block and comment.address_hash is None:
        raise InputError(
            f"comment {comment.id} was posted before addresses were kept: it cannot be blocked"
        )
    now = utcnow()
    _moderate(comment, CommentStatus.REJECTED, actor, now)
    audit.record(
        session, actor, audit.Action.COMMENT_REJECTED, _target(comment), _excerpt(comment), address
    )
    if not block:
        return Moderated(comment.id, "rejected")
    assert comment.address_hash is not None
    others = session.execute(
        update(Comment)
        .where(
            Comment.address_hash == comment.address_hash,
            Comment.status == CommentStatus.PENDING,
            Comment.id != comment.id,
        )
        .values(status=CommentStatus.REJECTED, moderated_at=now, moderated_by=comment.moderated_by)
    ).rowcount
    if not is_blocked(session, comment.address_hash):
        session.add(
            BlockedAddress(
                address_hash=comment.address_hash,
                blocked_at=now,
                blocked_by=actor[: audit.ACTOR_LENGTH],
                reason=_target(comment),
            )
        )
    detail = f"address {comment.address_hash[:8]}; {others} more waiting comments rejected"
    audit.record(session, actor, audit.Action.ADDRESS_BLOCKED, _target(comment), detail, address)
    return Moderated(comment.id, "rejected", blocked=True, also_rejected=others)


def delete(
    session: Session, comment_id: int | str, actor: str, address: str | None = None
) -> Moderated:
    """Remove a comment for good; the audit log keeps who wrote it and how it began."""
    comment = _find(session, comment_id)
    audit.record(
        session, actor, audit.Action.COMMENT_DELETED, _target(comment), _excerpt(comment), address
    )
    session.delete(comment)
    session.flush()
    return Moderated(comment.id, "deleted")


def unblock(
    session: Session, comment_id: int | str, actor: str, address: str | None = None
) -> Moderated:
    """Accept comments again from the address of a comment whose address was blocked."""
    comment = _find(session, comment_id)
    blocked = session.get(BlockedAddress, comment.address_hash) if comment.address_hash else None
    if blocked is None:
        raise InputError(f"the address of comment {comment.id} is not blocked")
    session.delete(blocked)
    audit.record(
        session,
        actor,
        audit.Action.ADDRESS_UNBLOCKED,
        _target(comment),
        f"address {comment.address_hash[:8]}",  # type: ignore[index]
        address,
    )
    return Moderated(comment.id, "unblocked")


def check_status(status: str | None) -> str | None:
    """A status to list (None: all of them), or InputError naming the ones there are."""
    if status in (None, "", "all"):
        return None
    if status not in STATUSES:
        raise InputError(f"unknown status {status!r}: use one of {', '.join(STATUSES)} or all")
    return status


def list_comments(
    session: Session, status: str | None, limit: int, offset: int = 0
) -> list[CommentRow]:
    """Comments as moderators see them, in one status (or all: None); waiting ones oldest
    first (the order they came in), others newest first."""
    order = (
        (Comment.created_at, Comment.id)
        if status == CommentStatus.PENDING
        else (Comment.created_at.desc(), Comment.id.desc())
    )
    query = (
        select(Comment, Article.headline)
        .join(Story, Story.id == Comment.story_id)
        .outerjoin(Article, Article.id == Story.published_article_id)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    if status is not None:
        query = query.where(Comment.status == status)
    rows = session.execute(query).all()
    hashes = {row.Comment.address_hash for row in rows} - {None}
    counts: dict[str, int] = {}
    blocked: set[str] = set()
    if hashes:
        counts = dict(
            session.execute(
                select(Comment.address_hash, func.count())
                .where(Comment.address_hash.in_(hashes))
                .group_by(Comment.address_hash)
            ).all()
        )
        blocked = set(
            session.scalars(
                select(BlockedAddress.address_hash).where(BlockedAddress.address_hash.in_(hashes))
            )
        )
    return [
        CommentRow(
            id=row.Comment.id,
            story_id=row.Comment.story_id,
            story_headline=row.headline,
            author=row.Comment.author_name,
            body=row.Comment.body,
            status=row.Comment.status,
            posted_at=row.Comment.created_at,
            address_tag=row.Comment.address_hash[:8] if row.Comment.address_hash else None,
            from_address=counts.get(row.Comment.address_hash, 1),  # type: ignore[arg-type]
            blocked=row.Comment.address_hash in blocked,
            moderated_by=row.Comment.moderated_by,
            moderated_at=row.Comment.moderated_at,
        )
        for row in rows
    ]


def status_counts(session: Session) -> dict[str, int]:
    """How many comments there are in each status (every status named, zeros included)."""
    found = dict(
        session.execute(select(Comment.status, func.count()).group_by(Comment.status)).all()
    )
    return {status: found.get(status, 0) for status in STATUSES}
