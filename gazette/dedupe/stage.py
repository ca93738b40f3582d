"""The dedupe stage: mark exact duplicates, link syndicated copies to the report they copy."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import ClassVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from gazette.db.models import Document, DocumentStatus, utcnow
from gazette.dedupe.near import NearDuplicateIndex, from_bytes, signature, to_bytes
from gazette.faults import clear_failure, document_failed, due, isolated
from gazette.report_kinds import ReportKind
from gazette.text import content_hash
from gazette.work import StageContext, StepReport, claim, serialized

# Copies of a wire story appear within days of each other; older documents are not compared.
COPY_WINDOW = timedelta(days=7)
# Bound for the number of values in one SQL IN (...) list.
IN_CHUNK = 500
# Documents classified in one step (each step reads the recent ready ones again).
BATCH = 500


@dataclass
class DedupeReport(StepReport):
    ready: int = 0
    duplicates: int = 0
    copies: int = 0
    aside: int = 0  # not news reports (opinion, analysis...): kept, never clustered
    NOT_ITEMS: ClassVar[tuple[str, ...]] = ("copies",)

    def summary(self) -> str:
        aside = f", {self.aside} set aside as opinion or other non-news" if self.aside else ""
        return (
            f"{self.ready} unique, {self.copies} syndicated copies, {self.duplicates} duplicates"
            + aside
        )


def dedupe_step(context: StageContext) -> DedupeReport:
    """Classify a batch of extracted documents, oldest first, against each other and recent
    ready ones. One worker at a time (the first of several copies is the original):

    - the same canonical URL as a ready document, or the same text on the same site:
      DUPLICATE, ignored from now on;
    - a near-copy, including the same text from another outlet (MinHash Jaccard >= 0.6): READY,
      with `copy_of_id` naming the earliest report, so its outlet still shows in the coverage;
    - otherwise READY as an independent report.
    """
    report = DedupeReport()
    now = utcnow()
    with context.database.transaction() as session:
        serialized(session, "dedupe")
        waiting = select(Document).where(
            Document.status == DocumentStatus.EXTRACTED, due(Document.retry_at, now)
        )
        pending = claim(session, waiting.order_by(Document.published_at, Document.id), BATCH)
        if not pending:
            return report
        for document in pending:
            document.content_hash = content_hash(document.text or "")
        by_url, by_text = _ready_twins(session, pending)
        index, known = _recent_copies_index(session, pending)
        for document in pending:
            with isolated(session, partial(document_failed, report, document, now)):
                _classify(document, by_url, by_text, index, known, report)
    report.more = len(pending) == BATCH
    return report


def _classify(
    document: Document,
    by_url: dict[str | None, Document],
    by_text: dict[tuple[str | None, str | None], Document],
    index: NearDuplicateIndex,
    known: dict[str, Document],
    report: DedupeReport,
) -> None:
    """One document against the ready ones and those classified before it in this pass; the
    lookups learn it only once it is classified, so a failure leaves them as they were.
    Opinion and other pieces that are not news reports are set aside before any comparison:
    they are never the original a news report is counted as a copy of."""
    if document.kind != ReportKind.NEWS:
        document.status = DocumentStatus.ASIDE
        report.aside += 1
        clear_failure(document)
        return
    original = by_url.get(document.canonical_url) or by_text.get(
        (document.content_hash, document.domain)
    )
    if original is not None:
        document.status = DocumentStatus.DUPLICATE
        document.duplicate_of_id = original.id
        report.duplicates += 1
        return
    minhash = signature(document.text or "")
    document.minhash = to_bytes(minhash)
    matches = index.find(minhash)
    if matches:
        earliest = min((known[key] for key, _ in matches), key=_age_order)
        document.copy_of_id = earliest.copy_of_id or earliest.id
        report.copies += 1
    document.status = DocumentStatus.READY
    index.add(str(document.id), minhash)
    known[str(document.id)] = document
    by_url.setdefault(document.canonical_url, document)
    by_text.setdefault((document.content_hash, document.domain), document)
    report.ready += 1
    clear_failure(document)


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), IN_CHUNK):
        yield items[start : start + IN_CHUNK]


def _ready_twins(
    session: Session, pending: list[Document]
) -> tuple[dict[str | None, Document], dict[tuple[str | None, str | None], Document]]:
    """Ready documents sharing a canonical URL or a text hash with a pending one, by both keys."""
    found: dict[int, Document] = {}
    urls = (d.canonical_url for d in pending if d.canonical_url)
    for chunk in _chunks(urls):
        for doc in session.scalars(_ready().where(Document.canonical_url.in_(chunk))):
            found[doc.id] = doc
    for chunk in _chunks(d.content_hash for d in pending if d.content_hash):
        for doc in session.scalars(_ready().where(Document.content_hash.in_(chunk))):
            found[doc.id] = doc
    by_url: dict[str | None, Document] = {}
    by_text: dict[tuple[str | None, str | None], Document] = {}
    for doc in sorted(found.values(), key=_age_order):
        by_url.setdefault(doc.canonical_url, doc)
        by_text.setdefault((doc.content_hash, doc.domain), doc)
    return by_url, by_text


def _recent_copies_index(
    session: Session, pending: list[Document]
) -> tuple[NearDuplicateIndex, dict[str, Document]]:
    """The near-duplicate index of ready documents published within the window."""
    since = min(d.published_at for d in pending if d.published_at) - COPY_WINDOW
    index = NearDuplicateIndex()
    known: dict[str, Document] = {}
    for document in session.scalars(_ready().where(Document.published_at >= since)):
        if document.minhash is None:  # stored before signatures were kept
            document.minhash = to_bytes(signature(document.text or ""))
        index.add(str(document.id), from_bytes(document.minhash))
        known[str(document.id)] = document
    return index, known


def _ready() -> Select[tuple[Document]]:
    return select(Document).where(Document.status == DocumentStatus.READY)


def _age_order(document: Document) -> tuple:
    return (document.published_at, document.id)
