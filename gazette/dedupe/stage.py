"""The dedupe stage: mark exact duplicates, link syndicated copies to the report they copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gazette.db.models import Document, DocumentStatus
from gazette.dedupe.near import NearDuplicateIndex
from gazette.text import content_hash

# Copies of a wire story appear within days of each other; older documents are not compared.
COPY_WINDOW = timedelta(days=7)


@dataclass
class DedupeReport:
    ready: int = 0
    duplicates: int = 0
    copies: int = 0


def dedupe_pending(session: Session) -> DedupeReport:
    """Classify extracted documents, oldest first, against each other and recent ready ones.

    - the same canonical URL as a ready document, or the same text on the same site: DUPLICATE,
      ignored from now on;
    - a near-copy, including the same text from another outlet (MinHash Jaccard >= 0.6): READY,
      with `copy_of_id` naming the earliest report, so its outlet still shows in the coverage;
    - otherwise READY as an independent report.
    """
    report = DedupeReport()
    pending = list(
        session.scalars(
            select(Document)
            .where(Document.status == DocumentStatus.EXTRACTED)
            .order_by(Document.published_at, Document.id)
        )
    )
    if not pending:
        return report
    since = min(d.published_at for d in pending if d.published_at) - COPY_WINDOW
    index = NearDuplicateIndex()
    known: dict[str, Document] = {}
    for document in session.scalars(
        select(Document).where(
            Document.status == DocumentStatus.READY, Document.published_at >= since
        )
    ):
        index.add(str(document.id), document.text or "")
        known[str(document.id)] = document

    for document in pending:
        document.content_hash = content_hash(document.text or "")
        original = _exact_duplicate_of(session, document)
        if original is not None:
            document.status = DocumentStatus.DUPLICATE
            document.duplicate_of_id = original.id
            report.duplicates += 1
            continue
        matches = index.find(document.text or "")
        if matches:
            earliest = min((known[key] for key, _ in matches), key=_age_order)
            document.copy_of_id = earliest.copy_of_id or earliest.id
            report.copies += 1
        document.status = DocumentStatus.READY
        session.flush()
        index.add(str(document.id), document.text or "")
        known[str(document.id)] = document
        report.ready += 1
    return report


def _age_order(document: Document) -> tuple:
    return (document.published_at, document.id)


def _exact_duplicate_of(session: Session, document: Document) -> Document | None:
    """A ready document with the same canonical URL, or the same text on the same site."""
    return session.scalar(
        select(Document)
        .where(
            Document.status == DocumentStatus.READY,
            Document.id != document.id,
            (Document.canonical_url == document.canonical_url)
            | (
                (Document.content_hash == document.content_hash)
                & (Document.domain == document.domain)
            ),
        )
        .order_by(Document.published_at, Document.id)
        .limit(1)
    )
