"""The extract stage: turn every fetched page into text and metadata."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from gazette.db.models import Document, DocumentStatus, utcnow
from gazette.errors import ExtractionEmpty, InputError
from gazette.extract.article import extract_article
from gazette.faults import CLEARED, document_failed, due, isolated
from gazette.report_kinds import ReportKind
from gazette.summary_reports import page_unavailable
from gazette.text import decode_document, how_many
from gazette.times import trusted_time
from gazette.urls import domain_of
from gazette.work import Batch, StageContext, StepReport

# What the database says of a value it cannot hold (as opposed to its own failures, which stop
# the step: gazette/faults.py).
VALUE_REFUSED = (DataError, IntegrityError)
# The outlet column's length: a page's site name may be longer (PostgreSQL would refuse it, and
# with it the whole batch's update).
OUTLET_CHARS = 300


@dataclass
class ExtractReport(StepReport):
    extracted: int = 0
    from_feed: int = 0  # pages with no article on them, whose items became reports from feeds

    def summary(self) -> str:
        thin = f", {how_many(self.from_feed, 'report')} from feeds alone" if self.from_feed else ""
        return f"{self.extracted} articles{thin}"


def extract_step(context: StageContext) -> ExtractReport:
    """Extract a batch of fetched documents. What the feed said wins for the time; the page for
    the rest. A page with no article on it fails for good; any other failure is tried again on
    a later pass (gazette/faults.py)."""
    now = utcnow()
    report = ExtractReport()
    with context.database.transaction() as session:
        waiting = select(Document).where(
            Document.status == DocumentStatus.FETCHED, due(Document.retry_at, now)
        )
        batch = Batch(session, waiting.order_by(Document.id))
        extracted: list[dict[str, Any]] = []
        for document in batch:
            # _extract computes and writes nothing: no savepoint needed.
            with isolated(session, partial(_failed, report, document, now), savepoint=False):
                extracted.append(_extract(document))
                report.extracted += 1
        if extracted:
            _store(session, extracted, report, now)
    report.more = batch.more
    return report


def _store(
    session: Session, rows: list[dict[str, Any]], report: ExtractReport, now: datetime
) -> None:
    """The batch's articles by primary key, in one statement executed many times (the unit of
    work's flush of each changed row cost more CPU than the statement itself). If the database
    refuses a value (PostgreSQL: a string longer than its column, a NUL character), the rows
    are written one by one and each refused one fails its document alone: one hostile page must
    not stop every later run at this statement."""
    try:
        with session.begin_nested():
            session.execute(update(Document), rows)
        return
    except VALUE_REFUSED:
        pass
    for row in rows:
        try:
            with session.begin_nested():
                session.execute(update(Document), [row])
        except VALUE_REFUSED as exc:
            report.extracted -= 1
            document = session.get(Document, row["id"])
            if document is not None:
                refused = InputError(f"the database cannot hold a value of this page: {exc.orig}")
                document_failed(report, document, now, refused)


def _failed(report: ExtractReport, document: Document, now: datetime, exc: Exception) -> None:
    """A page with no article on it (a paywall, a page of links) is its item's feed report, or
    a failure for good; any other error is tried again later."""
    if isinstance(exc, ExtractionEmpty):
        page_unavailable(report, document, now, exc)
    else:
        document_failed(report, document, now, exc)


def _extract(document: Document) -> dict[str, Any]:
    """The document's new values, by column (with its id), from its page. Everything that can
    fail happens here, and nothing is written: a failure leaves nothing to roll back."""
    body = gzip.decompress(document.raw_html or b"")
    page = decode_document(body, document.content_type or "")
    article = extract_article(page, document.url)
    now = utcnow()
    published = trusted_time(document.published_at, article.published, document.discovered_at, now)
    values: dict[str, Any] = {
        "id": document.id,
        "title": article.title or document.feed_title or "",
        "text": article.text,
        "canonical_url": article.canonical_url,
        "authors": list(article.authors) or document.authors,
        "published_at": published,
        "language": article.language or document.language,  # else the source's hint
        "image_url": article.image,
        "outlet": (article.site_name or document.outlet or domain_of(document.url))[:OUTLET_CHARS],
        "domain": domain_of(article.canonical_url),
        # what the feed said stands; the page may say more
        "kind": article.kind if document.kind == ReportKind.NEWS else document.kind,
        "extracted_at": now,
        "status": DocumentStatus.EXTRACTED,
        **CLEARED,
    }
    if document.summary_only:  # the page replaces the feed's summary; the vector is redone
        values |= {"summary_only": False, "embedding": None, "page_error": None}
        values |= {"page_attempts": 0, "page_retry_at": None}
    return values
