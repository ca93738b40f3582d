"""The fetch stage: download the page of every discovered document."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.db.models import Document, DocumentStatus, utcnow
from gazette.errors import FetchError
from gazette.fetch.client import Fetcher
from gazette.sources.poll import local_root

MAX_ATTEMPTS = 3


@dataclass
class FetchReport:
    fetched: int = 0
    errors: dict[str, str] = field(default_factory=dict)


def fetch_pending(session: Session, fetcher: Fetcher) -> FetchReport:
    """Download discovered documents; a failure is retried on later runs, then given up."""
    report = FetchReport()
    pending = session.scalars(
        select(Document).where(Document.status == DocumentStatus.DISCOVERED).order_by(Document.id)
    )
    for document in pending:
        root = local_root(document.source) if document.source else None
        document.attempts += 1
        try:
            page = fetcher.fetch(document.url, file_root=root)
        except FetchError as exc:
            document.error = str(exc)
            if document.attempts >= MAX_ATTEMPTS:
                document.status = DocumentStatus.FAILED
            report.errors[document.url] = str(exc)
            continue
        document.raw_html = gzip.compress(page.body)
        document.content_type = page.content_type[:255] or None
        document.fetched_at = utcnow()
        document.status = DocumentStatus.FETCHED
        document.error = None
        report.fetched += 1
    session.flush()
    return report
