"""The fetch stage: download the pages of discovered documents, a concurrent batch at a time,
from hosts no other worker is fetching from (gazette/fetch/hosts.py)."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from gazette.db.models import Document, DocumentStatus, Source, utcnow
from gazette.errors import FetchError
from gazette.faults import CLEARED, due, isolated
from gazette.fetch.hosts import (
    LEASE,
    claim_by_host,
    host_batch,
    leases_renewed,
    load_shared,
    return_hosts,
    store_shared,
)
from gazette.http import FetchOutcome, FetchRequest, SharedPoliteness, kept_fetcher
from gazette.records import FetchedPage
from gazette.summary_reports import page_unavailable
from gazette.text import how_many
from gazette.urls import local_root
from gazette.work import StageContext, StepReport, claim, return_leases, unleased, worker_name

# Pages downloaded in one step, concurrently (within fetch.max_connections and the per-host
# limits).
FETCH_BATCH = 100

# Pages are stored gzipped at the fastest level: on real news pages (180 KB of HTML on average,
# the extraction-dev pages) level 1 takes a quarter of the time of gzip's default 9 (about
# 6 ms against 20 on a loaded 2-core machine, more than all the rest of an item's ingestion) for
# a fifth more bytes.
PAGE_COMPRESSION = 1

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
SNIFFED_TYPES = ("", "application/octet-stream", "binary/octet-stream")


@dataclass
class FetchReport(StepReport):
    fetched: int = 0
    from_feed: int = 0  # pages that failed, whose items became reports from their feed

    def summary(self) -> str:
        thin = f", {how_many(self.from_feed, 'report')} from feeds alone" if self.from_feed else ""
        return f"{self.fetched} pages{thin}"


def check_web_page(page: FetchedPage) -> None:
    """Raise FetchError unless the response is (or, untyped, looks like) an HTML page."""
    kind = page.content_type.split(";")[0].strip().lower()
    if kind in PAGE_TYPES:
        return
    if kind in SNIFFED_TYPES and page.body.lstrip()[:1] == b"<":
        return
    raise FetchError(f"{page.url}: not a web page (content type {kind or 'missing'})")


def fetch_step(context: StageContext) -> FetchReport:
    """Download a batch of pages that are due, concurrently: those of new documents, and those
    of summary-only reports whose next try has come. No transaction is held while the pages
    download: the documents and their hosts are leased, fetched, then stored. A page that fails
    is tried again later after a growing wait; meanwhile its item is a report from its feed if
    the feed gave a title (gazette/summary_reports.py), else it waits, and is given up after a
    few failures (gazette/faults.py)."""
    settings = context.settings.fetch
    # A mirror is a local folder: politeness protects remote servers, not the disk.
    polite = settings.mirror_dir is None
    now = utcnow()
    hosts: list[str] = []
    left = False  # a host had more pages than one step takes from it
    shared: SharedPoliteness | None = None
    with context.database.transaction() as session:
        new = (Document.status == DocumentStatus.DISCOVERED) & due(Document.retry_at, now)
        thin = Document.summary_only & (Document.page_retry_at <= now)
        waiting = select(Document).where(or_(new, thin), unleased(Document.lease_until, now))
        if polite:
            per_host = host_batch(settings, FETCH_BATCH)
            claimed = claim_by_host(session, waiting, now, worker_name(), FETCH_BATCH, per_host)
            documents, hosts, left = claimed
        else:
            documents = claim(session, waiting.order_by(Document.id), FETCH_BATCH)
        requests = {}
        sources = _source_urls(session, documents)
        for document in documents:
            root = local_root(sources.get(document.source_id) or "")
            requests[document.id] = FetchRequest(document.url, file_root=root)
        # The leases in one statement, not one UPDATE parameter set flushed per document.
        if requests:
            session.execute(
                update(Document)
                .where(Document.id.in_(list(requests)))
                .values(lease_until=now + LEASE)
                .execution_options(synchronize_session=False)
            )
        if polite:
            urls = [request.url for request in requests.values()]
            shared = load_shared(session, settings, hosts, urls, now)
    try:
        with leases_renewed(context.database, list(requests), hosts):
            fetcher = kept_fetcher(context.kept, settings)
            outcomes = fetcher.fetch_all(list(requests.values()), shared=shared)
    except BaseException:  # stopped mid-fetch: the pages go back to whoever steps next
        return_leases(context.database, Document, list(requests))
        return_hosts(context.database, hosts)
        raise

    report = FetchReport(more=len(requests) == FETCH_BATCH or left)
    with context.database.transaction() as session:
        if shared is not None:
            store_shared(session, shared, hosts, utcnow())
        # One query for the batch's documents, not one each.
        found = session.scalars(select(Document).where(Document.id.in_(list(requests))))
        stored = {document.id: document for document in found}
        pages: list[dict[str, Any]] = []
        for document_id, outcome in zip(requests, outcomes, strict=True):
            document = stored.get(document_id)
            if document is None or not _still_wanted(document):
                continue  # removed, or stored by a worker whose lease had run out meanwhile
            # _page_values checks the page and writes nothing: no savepoint needed.
            failed = partial(page_unavailable, report, document, now)
            arrived = False
            with isolated(session, failed, savepoint=False):
                pages.append(_page_values(document_id, outcome, now))
                report.fetched += 1
                arrived = True
            if not arrived:  # page_unavailable changed the document itself
                document.lease_until = None
        # The stored pages by primary key, in one statement executed many times: the unit of
        # work's flush of each changed row cost more CPU than the statement itself.
        if pages:
            session.execute(update(Document), pages)
    return report


def _source_urls(session: Session, documents: list[Document]) -> dict[int, str]:
    """The URL of each document's source, in one query (each document's `source` would be one
    query per source)."""
    ids = sorted({d.source_id for d in documents if d.source_id is not None})
    if not ids:
        return {}
    rows = session.execute(select(Source.id, Source.url).where(Source.id.in_(ids)))
    return {source_id: url for source_id, url in rows}


def _still_wanted(document: Document) -> bool:
    if document.summary_only:
        return document.page_retry_at is not None
    return document.status == DocumentStatus.DISCOVERED


def _page_values(document_id: int, outcome: FetchOutcome, now: datetime) -> dict[str, Any]:
    """The document's new values, by column (with its id), once its page has arrived: stored
    gzipped, to be extracted (a summary-only report's page too); the failure and the lease
    cleared. Raises the fetch's error, or FetchError for what is not a web page."""
    if outcome.error is not None:
        raise outcome.error
    assert outcome.page is not None  # pages are fetched without validators
    check_web_page(outcome.page)
    return {
        "id": document_id,
        "raw_html": gzip.compress(outcome.page.body, compresslevel=PAGE_COMPRESSION),
        "content_type": outcome.page.content_type[:255] or None,
        "fetched_at": now,
        "status": DocumentStatus.FETCHED,
        "page_retry_at": None,
        **CLEARED,
        "lease_until": None,
    }
