"""The extract stage: turn every fetched page into text and metadata."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import select

from gazette.db.models import Document, DocumentStatus, utcnow
from gazette.extract.article import extract_article
from gazette.faults import clear_failure, document_failed, due, isolated
from gazette.text import decode_document
from gazette.times import believable
from gazette.urls import domain_of
from gazette.work import BATCH_ITEMS, Batch, StageContext, StepReport, claim


@dataclass
class ExtractReport(StepReport):
    extracted: int = 0

    def summary(self) -> str:
        return f"{self.extracted} articles"


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
        batch = Batch(claim(session, waiting.order_by(Document.id), BATCH_ITEMS), BATCH_ITEMS)
        for document in batch:
            with isolated(session, partial(document_failed, report, document, now)):
                _extract(document)
                report.extracted += 1
    report.more = batch.more
    return report


def _extract(document: Document) -> None:
    body = gzip.decompress(document.raw_html or b"")
    page = decode_document(body, document.content_type or "")
    article = extract_article(page, document.url)
    document.title = article.title or document.feed_title or ""
    document.text = article.text
    document.canonical_url = article.canonical_url
    document.authors = list(article.authors) or document.authors
    document.published_at = _trusted_time(document, article.published)
    document.language = article.language or document.language  # else the source's hint
    document.image_url = article.image
    document.outlet = article.site_name or document.outlet or domain_of(document.url)
    document.domain = domain_of(article.canonical_url)
    document.extracted_at = utcnow()
    document.status = DocumentStatus.EXTRACTED
    clear_failure(document)


def _trusted_time(document: Document, from_page: datetime | None) -> datetime:
    """The feed's time, else the page's, else when Gazette found it; never in the future."""
    now = utcnow()
    return (
        believable(document.published_at, now)
        or believable(from_page, now)
        or document.discovered_at
    )
