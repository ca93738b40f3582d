"""Writing what a batch of polled sources listed: their new documents and their validators.

A poll step reads up to a hundred feeds. Writing each feed's items in a savepoint of its own,
with the ORM, cost more CPU than reading the feeds: a flush, two savepoint statements, an
INSERT compiled afresh (a multi-row VALUES clause is not cached) and a lookup of the validator,
per feed. Here the whole batch is written with two cached statements, executed many times in
one go (`executemany`, which SQLAlchemy sends as a few multi-row statements): the documents'
INSERT ... ON CONFLICT DO NOTHING and the validators' upsert, in one savepoint.

One feed's failure is still that feed's: when the batch's statements fail (a value the
database refuses, such as a URL longer than its column), the savepoint is rolled back and each
feed is written again in a savepoint of its own, as before; the feeds whose writes fail are
marked failed and the others recorded. A failure of the database itself is raised.

Rows are written in URL order, so that two workers inserting overlapping rows take their row
locks in the same order and never deadlock. Within a batch the first feed to list a URL keeps
it, as when the feeds were written one after the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from gazette.db.models import Document, HttpValidator, Source, url_host, utcnow
from gazette.db.upsert import insert_for
from gazette.faults import DATABASE_FAILURES
from gazette.http import FetchOutcome
from gazette.records import FeedEntry
from gazette.report_kinds import report_kind
from gazette.text import html_to_text
from gazette.urls import MAX_URL_LENGTH, canonical_url


@dataclass
class Listing:
    """What one source's poll is to write: its new documents' rows and its validators' rows,
    and what to do to the source once they are written (`succeed`) or refused (`fail`)."""

    source: Source
    documents: list[dict[str, Any]]
    validators: list[dict[str, Any]] = field(default_factory=list)
    succeed: Callable[[], None] = lambda: None
    fail: Callable[[Exception], None] = lambda _exc: None


def document_rows(
    source: Source, entries: list[FeedEntry], outlet: str | None = None
) -> list[dict[str, Any]]:
    """The rows of documents for a source's entries, one per canonical URL (the last entry for
    a URL wins, as it always has). `outlet` is the source's name, once it has one."""
    by_url = {canonical_url(entry.url): entry for entry in entries}
    return [
        {
            "source_id": source.id,
            "url": url,
            "host": url_host(url),  # a column default that reads the row cannot run per row here
            "guid": entry.guid[:MAX_URL_LENGTH] if entry.guid else entry.guid,  # its column's
            "feed_title": entry.title or None,
            "feed_summary": html_to_text(entry.summary) or None,
            "authors": list(entry.authors),
            "published_at": entry.published,
            "outlet": outlet,
            "language": source.language,
            "kind": report_kind(url, entry.title, entry.categories),
        }
        for url, entry in by_url.items()
    ]


def validator_rows(outcomes: list[FetchOutcome]) -> list[dict[str, Any]]:
    """The ETag and Last-Modified the responses carried, to send back on the next poll."""
    rows = []
    for outcome in outcomes:
        page = outcome.page
        if page is None or not (page.etag or page.last_modified):
            continue
        rows.append(
            {
                "url": outcome.request.url,
                "etag": page.etag[:512] if page.etag else None,
                "last_modified": page.last_modified[:64] if page.last_modified else None,
                "updated_at": utcnow(),
            }
        )
    return rows


def record(session: Session, listings: list[Listing]) -> int:
    """Write the listings' rows, in one savepoint for all of them, or else in one each; call
    `succeed` or `fail` for every listing. Returns how many documents were new."""
    try:
        with session.begin_nested():
            new = _write(session, listings)
    except DATABASE_FAILURES:
        raise
    except Exception:  # one listing's value refused: find which, one savepoint each
        new = 0
        for listing in listings:
            try:
                with session.begin_nested():
                    new += _write(session, [listing])
            except DATABASE_FAILURES:
                raise
            except Exception as exc:
                listing.fail(exc)
            else:
                listing.succeed()
        return new
    for listing in listings:
        listing.succeed()
    return new


def _write(session: Session, listings: list[Listing]) -> int:
    """Insert the documents not seen before and upsert the validators; the new documents."""
    documents: dict[str, dict[str, Any]] = {}
    validators: dict[str, dict[str, Any]] = {}
    for listing in listings:
        for row in listing.documents:
            documents.setdefault(row["url"], row)  # the first feed to list a URL keeps it
        for row in listing.validators:
            validators[row["url"]] = row  # the latest answer counts
    bind = session.get_bind()
    if validators:
        upsert = insert_for(bind, HttpValidator.__table__)
        changed = {name: upsert.excluded[name] for name in ("etag", "last_modified", "updated_at")}
        upsert = upsert.on_conflict_do_update(index_elements=["url"], set_=changed)
        session.execute(upsert, [validators[url] for url in sorted(validators)])
    if not documents:
        return 0
    # Another worker may be recording the same URL from another feed at this moment: the
    # insert then waits for it and leaves its row be, rather than failing.
    insert = insert_for(bind, Document.__table__).on_conflict_do_nothing(index_elements=["url"])
    rows = [documents[url] for url in sorted(documents)]
    return len(session.execute(insert.returning(Document.__table__.c.id), rows).all())
