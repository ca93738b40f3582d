"""The extract stage: turn every fetched page into text and metadata."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.db.models import Document, DocumentStatus, utcnow
from gazette.extract.article import extract_article
from gazette.faults import clear_failure, document_failed, due, isolated
from gazette.text import decode_document
from gazette.times import believable
from gazette.urls import domain_of


@dataclass
class ExtractReport:
    extracted: int = 0
    errors: dict[str, str] = field(default_factory=dict)


def extract_pending(session: Session) -> ExtractReport:
    """Extract fetched documents. What the feed said wins for the time; the page for the rest.
    A page with no article on it fails for good; any other failure is tried again on a later
    pass (gazette/faults.py)."""
    report = ExtractReport()
    now = utcnow()
    pending = session.scalars(
        select(Document)
        .where(Document.status == DocumentStatus.FETCHED, due(Document.retry_at, now))
        .order_by(Document.id)
    ).all()
    for document in pending:
        with isolated(session, partial(document_failed, report.errors, document, now)):
            _extract(document)
            report.extracted += 1
    session.flush()
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
