"""The extract stage: turn every fetched page into text and metadata."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import select

from gazette.db.models import Document, DocumentStatus, utcnow
from gazette.errors import ExtractionEmpty
from gazette.extract.article import extract_article
from gazette.faults import clear_failure, document_failed, due, isolated
from gazette.report_kinds import ReportKind
from gazette.summary_reports import page_unavailable
from gazette.text import decode_document
from gazette.times import trusted_time
from gazette.urls import domain_of
from gazette.work import Batch, StageContext, StepReport


@dataclass
class ExtractReport(StepReport):
    extracted: int = 0
    from_feed: int = 0  # pages with no article on them, whose items became reports from feeds

    def summary(self) -> str:
        thin = f", {self.from_feed} reports from feeds alone" if self.from_feed else ""
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
        for document in batch:
            # _extract computes before it writes: no savepoint needed.
            with isolated(session, partial(_failed, report, document, now), savepoint=False):
                _extract(document)
                report.extracted += 1
    report.more = batch.more
    return report


def _failed(report: ExtractReport, document: Document, now: datetime, exc: Exception) -> None:
    """A page with no article on it (a paywall, a page of links) is its item's feed report, or
    a failure for good; any other error is tried again later."""
    if isinstance(exc, ExtractionEmpty):
        page_unavailable(report, document, now, exc)
    else:
        document_failed(report, document, now, exc)


def _extract(document: Document) -> None:
    """Everything that can fail comes first (decoding, extraction, the time); only then does
    the document learn the outcome, so a failure leaves nothing to roll back (no savepoint)."""
    body = gzip.decompress(document.raw_html or b"")
    page = decode_document(body, document.content_type or "")
    article = extract_article(page, document.url)
    now = utcnow()
    published = trusted_time(document.published_at, article.published, document.discovered_at, now)
    outlet = article.site_name or document.outlet or domain_of(document.url)
    domain = domain_of(article.canonical_url)
    document.title = article.title or document.feed_title or ""
    document.text = article.text
    document.canonical_url = article.canonical_url
    document.authors = list(article.authors) or document.authors
    document.published_at = published
    document.language = article.language or document.language  # else the source's hint
    document.image_url = article.image
    document.outlet, document.domain = outlet, domain
    if document.kind == ReportKind.NEWS:  # what the feed said stands; the page may say more
        document.kind = article.kind
    document.extracted_at = now
    document.status = DocumentStatus.EXTRACTED
    if document.summary_only:  # the page replaces the feed's summary; the vector is redone
        document.summary_only, document.embedding = False, None
        document.page_error, document.page_attempts, document.page_retry_at = None, 0, None
    clear_failure(document)
