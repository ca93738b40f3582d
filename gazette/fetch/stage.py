"""The fetch stage: download the pages of discovered documents, a concurrent batch at a time."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import select

from gazette.db.models import Document, DocumentStatus, utcnow
from gazette.errors import FetchError
from gazette.faults import clear_failure, document_failed, due, isolated
from gazette.http import FetchOutcome, FetchRequest, fetch_all
from gazette.records import FetchedPage
from gazette.urls import local_root
from gazette.work import LEASE, StageContext, StepReport, claim, return_leases, unleased

# Pages downloaded in one step, concurrently (within fetch.max_connections and the per-host
# limits).
FETCH_BATCH = 100

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
SNIFFED_TYPES = ("", "application/octet-stream", "binary/octet-stream")


@dataclass
class FetchReport(StepReport):
    fetched: int = 0

    def summary(self) -> str:
        return f"{self.fetched} pages"


def check_web_page(page: FetchedPage) -> None:
    """Raise FetchError unless the response is (or, untyped, looks like) an HTML page."""
    kind = page.content_type.split(";")[0].strip().lower()
    if kind in PAGE_TYPES:
        return
    if kind in SNIFFED_TYPES and page.body.lstrip()[:1] == b"<":
        return
    raise FetchError(f"{page.url}: not a web page (content type {kind or 'missing'})")


def fetch_step(context: StageContext) -> FetchReport:
    """Download a batch of discovered documents that are due, concurrently. No transaction is
    held while the pages download: the documents are leased, fetched, then stored. A page that
    fails is tried again on a later pass after a growing wait, and given up after a few
    failures (gazette/faults.py)."""
    now = utcnow()
    with context.database.transaction() as session:
        waiting = select(Document).where(
            Document.status == DocumentStatus.DISCOVERED,
            due(Document.retry_at, now),
            unleased(Document.lease_until, now),
        )
        documents = claim(session, waiting.order_by(Document.id), FETCH_BATCH)
        requests = {}
        for document in documents:
            document.lease_until = now + LEASE
            root = local_root(document.source.url) if document.source else None
            requests[document.id] = FetchRequest(document.url, file_root=root)
    try:
        outcomes = fetch_all(context.settings.fetch, list(requests.values()))
    except BaseException:  # stopped mid-fetch: the pages go back to whoever steps next
        return_leases(context.database, Document, list(requests))
        raise

    report = FetchReport(more=len(requests) == FETCH_BATCH)
    with context.database.transaction() as session:
        for document_id, outcome in zip(requests, outcomes, strict=True):
            document = session.get(Document, document_id)
            if document is None or document.status != DocumentStatus.DISCOVERED:
                continue  # removed, or stored by a worker whose lease had run out meanwhile
            with isolated(session, partial(document_failed, report, document, now)):
                _store_page(document, outcome, now)
                report.fetched += 1
            document.lease_until = None
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
