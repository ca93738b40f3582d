"""The fetch stage: download the page of every discovered document, in one concurrent batch."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.config import FetchSettings
from gazette.db.models import Document, DocumentStatus, utcnow
from gazette.errors import FetchError
from gazette.faults import clear_failure, document_failed, due, isolated
from gazette.http import FetchOutcome, FetchRequest, fetch_all
from gazette.records import FetchedPage
from gazette.urls import local_root

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
SNIFFED_TYPES = ("", "application/octet-stream", "binary/octet-stream")


@dataclass
class FetchReport:
    fetched: int = 0
    errors: dict[str, str] = field(default_factory=dict)


def check_web_page(page: FetchedPage) -> None:
    """Raise FetchError unless the response is (or, untyped, looks like) an HTML page."""
    kind = page.content_type.split(";")[0].strip().lower()
    if kind in PAGE_TYPES:
        return
    if kind in SNIFFED_TYPES and page.body.lstrip()[:1] == b"<":
        return
    raise FetchError(f"{page.url}: not a web page (content type {kind or 'missing'})")


def fetch_pending(session: Session, settings: FetchSettings) -> FetchReport:
    """Download discovered documents that are due. A page that fails is tried again on a later
    pass after a growing wait, and given up after a few failures (gazette/faults.py)."""
    report = FetchReport()
    now = utcnow()
    pending = list(
        session.scalars(
            select(Document)
            .where(Document.status == DocumentStatus.DISCOVERED, due(Document.retry_at, now))
            .order_by(Document.id)
        )
    )
    requests = [
        FetchRequest(d.url, file_root=local_root(d.source.url) if d.source else None)
        for d in pending
    ]
    for document, outcome in zip(pending, fetch_all(settings, requests), strict=True):
        with isolated(session, partial(document_failed, report.errors, document, now)):
            _store_page(document, outcome, now)
            report.fetched += 1
    session.flush()
    return report


def _store_page(document: Document, outcome: FetchOutcome, now: datetime) -> None:
    if outcome.error is not None:
        raise outcome.error
    assert outcome.page is not None  # pages are fetched without validators
    check_web_page(outcome.page)
    document.raw_html = gzip.compress(outcome.page.body)
    document.content_type = outcome.page.content_type[:255] or None
    document.fetched_at = now
    document.status = DocumentStatus.FETCHED
    clear_failure(document)
