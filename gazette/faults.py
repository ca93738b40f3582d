"""One item's failure is that item's, not the pass's.

A stage works through many items (pages, documents, stories). Whatever goes wrong with one of
them (a page that trips the extractor, a story the writer cannot handle, a bug met only by one
input) is recorded against that item, with its error, how often it failed, and when it may be
tried again; the stage goes on with the next item. Only a failure of the database itself stops a
pass: nothing else could be stored anyway.

Each item's writes happen inside a savepoint, so an item that fails halfway leaves nothing
behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.exc import DisconnectionError, InterfaceError, InternalError, OperationalError
from sqlalchemy.orm import Session

from gazette.db.models import Document, DocumentStatus, Story, utcnow
from gazette.db.states import StoryState, move
from gazette.errors import ExtractionEmpty, describe

log = logging.getLogger("gazette")

# Waits before the next attempt at an item that failed, by the number of failures so far; the
# last one repeats. Short first, for a site that was down for minutes; then daily.
RETRY_DELAYS = (
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
)

# A document that failed this often in a row is given up (status FAILED): with the waits
# above, after about two days of failures. `gazette retry` tries given-up documents again.
MAX_ATTEMPTS = 6

# The database itself failed (locked, gone, out of space): no item can be stored, so the pass
# stops and rolls back, and the next one starts from the same state.
DATABASE_FAILURES = (OperationalError, InterfaceError, InternalError, DisconnectionError)


class Reporting(Protocol):
    """A step's report, which lists the items that failed (gazette/work.py: StepReport)."""

    def failed(self, key: object, message: str, first: bool) -> None: ...


class Failing(Protocol):
    """A row that keeps its own last failure (documents and stories)."""

    error: str | None
    attempts: int
    retry_at: datetime | None


def retry_delay(failures: int) -> timedelta:
    """How long to wait after an item's `failures`-th failure in a row (1 for the first)."""
    return RETRY_DELAYS[min(max(failures, 1), len(RETRY_DELAYS)) - 1]


def due(retry_at: ColumnElement[datetime | None], now: datetime) -> ColumnElement[bool]:
    """SQL condition: an item never failed, or its wait after the last failure is over."""
    return or_(retry_at.is_(None), retry_at <= now)


def record_failure(item: Failing, exc: BaseException, now: datetime) -> str:
    """Count a failure against the item and set when it may be tried again; the message."""
    item.attempts = (item.attempts or 0) + 1
    item.error = describe(exc)
    item.retry_at = now + retry_delay(item.attempts)
    return item.error


# What `clear_failure` sets, by column: for the stages that write a batch's rows by primary key
# in one statement rather than through each object.
CLEARED = {"error": None, "attempts": 0, "retry_at": None}


def clear_failure(item: Failing) -> None:
    item.error, item.attempts, item.retry_at = None, 0, None


def document_failed(report: Reporting, document: Document, now: datetime, exc: Exception) -> None:
    """Record a failure against a document (and in the step's report, by URL). After
    MAX_ATTEMPTS failures, or at once when the page holds no article (trying again cannot help),
    the document is FAILED for good."""
    message = record_failure(document, exc, now)
    report.failed(document.url, message, first=document.attempts == 1)
    if isinstance(exc, ExtractionEmpty) or document.attempts >= MAX_ATTEMPTS:
        document.status = DocumentStatus.FAILED


def story_failed(report: Reporting, story: Story, now: datetime, exc: Exception) -> None:
    """Record a failure against a story (and in the step's report, by id). It keeps waiting in
    its state, to be tried again when its wait is over or its reports change."""
    message = record_failure(story, exc, now)
    report.failed(story.id, message, first=story.attempts == 1)


@contextmanager
def isolated(
    session: Session, on_failure: Callable[[Exception], None], savepoint: bool = True
) -> Iterator[None]:
    """Run one item's work in a savepoint. If it raises anything but a database failure, its
    writes are rolled back and `on_failure` is called with the error instead of raising.

    `savepoint=False` is for work that writes nothing before the last thing that can fail (it
    computes, then assigns): there is nothing to roll back, and a savepoint per item (a flush,
    two statements) would cost more than a light item's work."""
    try:
        if savepoint:
            with session.begin_nested():
                yield
        else:
            yield
    except DATABASE_FAILURES:
        raise
    except Exception as exc:
        # The item's error says what went wrong in one line; the traceback is for a developer.
        log.debug("recorded against the item, the pass goes on", exc_info=exc)
        on_failure(exc)


@dataclass
class Retried:
    documents: int = 0  # waiting for a retry, now due
    given_up: int = 0  # FAILED documents taken up again
    stories: int = 0
    pages: int = 0  # pages of summary-only reports, tried again
    unwritten: int = 0  # stories with nothing to write from, to be read again


def retry_now(session: Session) -> Retried:
    """Make every item that waits for a retry due at once, and take up again the documents
    given up on (`gazette retry`, for when a site is back or a bug is fixed): one whose page was
    never fetched is fetched again, one whose page holds no article is extracted again, and the
    page of every report made from its feed alone is asked for again. A story that had nothing
    to write from is read again too: a newer writer may find something."""
    retried = Retried()
    waiting = (Document.retry_at.is_not(None)) & (Document.status != DocumentStatus.FAILED)
    retried.documents = session.execute(
        update(Document).where(waiting).values(retry_at=None)
    ).rowcount
    for document in session.scalars(
        select(Document).where(Document.status == DocumentStatus.FAILED)
    ):
        fetched = document.raw_html is not None
        document.status = DocumentStatus.FETCHED if fetched else DocumentStatus.DISCOVERED
        document.attempts, document.retry_at = 0, None
        retried.given_up += 1
    retried.stories = session.execute(
        update(Story).where(Story.retry_at.is_not(None)).values(retry_at=None)
    ).rowcount
    for story in session.scalars(select(Story).where(Story.state == StoryState.UNWRITTEN)):
        move(story, StoryState.CLUSTERED)
        retried.unwritten += 1
    never_fetched = Document.summary_only & Document.raw_html.is_(None)
    retried.pages = session.execute(
        update(Document).where(never_fetched).values(page_retry_at=utcnow(), page_attempts=0)
    ).rowcount
    return retried
