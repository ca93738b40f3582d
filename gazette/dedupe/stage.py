"""The dedupe stage: mark exact duplicates, link syndicated copies to the report they copy.

A worker keeps the near-duplicate index of recent ready reports between its steps
(`StageContext.kept`) rather than reading it from the database at every step, which cost more
than the classifying itself once the window held thousands of reports. Before each step the
kept index is checked against the database: when another worker has deduped since (the stage's
generation, gazette/work.py), or the number of ready reports in its window is not the one it
holds (a summary-only report whose page arrives leaves the ready state, to be classified again),
it is brought up to date from a scan of the window's ready reports and what changed in each
(`_Ready`): only the reports it lacks, or that were classified again, are read whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, ClassVar

from datasketch import MinHash
from sqlalchemy import ColumnElement, Row, Select, func, select, update
from sqlalchemy.orm import Session, defer

from gazette.db.models import Document, DocumentStatus, utcnow
from gazette.dedupe.near import (
    UNCOMPARED,
    NearDuplicateIndex,
    comparable,
    from_bytes,
    to_bytes,
    words_signature,
)
from gazette.faults import CLEARED, document_failed, due, isolated
from gazette.report_kinds import ReportKind
from gazette.text import matching_words, words_hash
from gazette.work import StageContext, StepReport, claim, generation, serialized, stepped

# Copies of a wire story appear within days of each other; older documents are not compared.
COPY_WINDOW = timedelta(days=7)
# Bound for the number of values in one SQL IN (...) list.
IN_CHUNK = 500
# Documents classified in one step.
BATCH = 500
# The key of the index a worker keeps between steps (StageContext.kept), and how far its window
# may trail the current one before the reports that fell out of it are dropped.
KEPT = "dedupe"
PRUNE_AFTER = timedelta(days=1)


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


@dataclass(frozen=True)
class _Ready:
    """What classifying needs of a ready report: its age, and the report it copies; and when
    its text was extracted, which changes when it is classified again with a new text."""

    id: int
    published_at: datetime | None
    copy_of_id: int | None
    extracted_at: datetime | None = None

    def order(self) -> tuple:
        return (self.published_at, self.id)


@dataclass
class _Memory:
    """The near-duplicate index of the ready reports published since `since`, as the stage's
    `generation` left them."""

    generation: int
    since: datetime
    index: NearDuplicateIndex = field(default_factory=NearDuplicateIndex)
    ready: dict[str, _Ready] = field(default_factory=dict)

    def add(self, report: _Ready, minhash: MinHash) -> None:
        self.index.add(str(report.id), minhash)
        self.ready[str(report.id)] = report

    def forget(self, keys: Iterable[str]) -> None:
        for key in list(keys):
            self.index.remove(key)
            self.ready.pop(key, None)

    def load(self, session: Session, since: datetime, until: datetime | None = None) -> None:
        """Add the ready reports published from `since` (until `until`)."""
        self._read(session, _in_window(since, until))
        self.since = min(self.since, since)

    def refresh(self, session: Session) -> None:
        """Bring the index up to date with the database's ready reports in its window: forget
        those that left the ready state or changed, read those it lacks."""
        columns = (Document.id, Document.published_at, Document.copy_of_id, Document.extracted_at)
        rows = session.execute(select(*columns).where(_indexed(), _in_window(self.since)))
        current = {str(row.id): _Ready(*row) for row in rows}
        self.forget(key for key, ready in self.ready.items() if current.get(key) != ready)
        for chunk in _chunks(key for key in current if key not in self.ready):
            self._read(session, Document.id.in_([int(key) for key in chunk]))

    def _read(self, session: Session, where: ColumnElement[bool]) -> None:
        """Add the ready reports that match `where`."""
        # Signatures are stored at classification; a report stored before they were kept
        # gets its signature now.
        for document in session.scalars(_ready().where(where, Document.minhash.is_(None))):
            document.minhash = _stored_signature(matching_words(document.text or ""))
        session.flush()
        columns = select(
            Document.id,
            Document.published_at,
            Document.copy_of_id,
            Document.extracted_at,
            Document.minhash,
        )
        for row in session.execute(columns.where(_indexed(), where)):
            ready = _Ready(row.id, row.published_at, row.copy_of_id, row.extracted_at)
            self.add(ready, from_bytes(row.minhash))


def dedupe_step(context: StageContext) -> DedupeReport:
    """Classify a batch of extracted documents, oldest first, against each other and recent
    ready ones. One worker at a time (the first of several copies is the original):

    - the same canonical URL as a ready document, or the same text on the same site:
      DUPLICATE, ignored from now on;
    - a near-copy, including the same text from another outlet (MinHash Jaccard >= 0.6): READY,
      with `copy_of_id` naming the earliest report, so its outlet still shows in the coverage;
    - otherwise READY as an independent report.

    A text of fewer than MIN_COMPARED_WORDS words (gazette/dedupe/near.py) is compared by its
    URL only: it is never a duplicate or a copy by its text, nor the original of one.
    """
    report = DedupeReport()
    now = utcnow()
    # Taken out while the step runs: a step that fails leaves no half-updated index behind.
    memory: _Memory | None = context.kept.pop(KEPT, None)
    with context.database.transaction() as session:
        serialized(session, "dedupe")
        current = generation(session, "dedupe")
        waiting = select(Document).where(
            Document.status == DocumentStatus.EXTRACTED, due(Document.retry_at, now)
        )
        # The stored page (tens of kilobytes gzipped on a real news page) and the vector are
        # never read here: left in the database rather than sent for every claimed row.
        waiting = waiting.options(defer(Document.raw_html), defer(Document.embedding))
        pending = claim(session, waiting.order_by(Document.published_at, Document.id), BATCH)
        if not pending:
            if memory is not None:
                context.kept[KEPT] = memory
            return report
        # What each document becomes is collected by column and written by primary key in
        # one statement executed many times: the unit of work's flush of each changed row
        # cost more CPU than the statement itself.
        # Each text's words, read once for its hash and its signature.
        words = {d.id: matching_words(d.text or "") for d in pending}
        changes = {d.id: {"id": d.id, "content_hash": words_hash(words[d.id])} for d in pending}
        dates = [d.published_at for d in pending if d.published_at]
        since = min(dates, default=now) - COPY_WINDOW
        memory = _recall(session, memory, current, since)
        memory.forget(key for d in pending if (key := str(d.id)) in memory.ready)
        hashes = [changes[d.id]["content_hash"] for d in pending if comparable(words[d.id])]
        by_url, by_text = _ready_twins(session, pending, hashes)
        step = _Step(memory, since, by_url, by_text)
        for document in pending:
            # Nothing is written before the last thing that can fail: no savepoint needed.
            on_failure = partial(document_failed, report, document, now)
            with isolated(session, on_failure, savepoint=False):
                known = changes[document.id]
                known |= _classify(document, known, words[document.id], step, report)
        # Rows that set the same columns go together: one executemany each (rows are locked).
        session.execute(update(Document), sorted(changes.values(), key=sorted))
        next_generation = stepped(session, "dedupe")
    memory.generation = next_generation
    _prune(memory, since)
    context.kept[KEPT] = memory
    report.more = len(pending) == BATCH
    return report


def _recall(session: Session, memory: _Memory | None, current: int, since: datetime) -> _Memory:
    """The kept index, brought up to date for a step whose window starts at `since`: read
    whole the first time; afterwards refreshed when another worker has deduped since it was
    kept, or when it holds a report that is no longer ready."""
    if memory is None:
        memory = _Memory(current, since)
        memory.load(session, since)
        return memory
    if since < memory.since:  # a report published earlier than any before: widen the window
        memory.load(session, since, until=memory.since)
    if memory.generation != current:
        memory.refresh(session)
    else:
        in_window = (_indexed(), _in_window(memory.since))
        count = session.scalar(select(func.count(Document.id)).where(*in_window))
        if count != len(memory.ready):
            memory.refresh(session)
    memory.generation = current
    return memory


def _prune(memory: _Memory, since: datetime) -> None:
    """Drop the reports that no later step compares with: older than the window once it has
    moved on by PRUNE_AFTER, and those with no date (only ever compared within their step)."""
    old = [k for k, r in memory.ready.items() if r.published_at is None]
    if since - memory.since > PRUNE_AFTER:
        old += [k for k, r in memory.ready.items() if r.published_at and r.published_at < since]
        memory.since = since
    memory.forget(old)


@dataclass
class _Step:
    """What one step classifies against: the kept index (of which only the reports in this
    step's window count, and those classified in this step) and the exact twins."""

    memory: _Memory
    since: datetime
    by_url: dict[str | None, _Ready]
    by_text: dict[tuple[str | None, str | None], _Ready]
    classified: set[str] = field(default_factory=set)

    def originals(self, minhash: MinHash) -> list[_Ready]:
        found = []
        for key, _ in self.memory.index.find(minhash):
            ready = self.memory.ready[key]
            if key in self.classified or (ready.published_at and ready.published_at >= self.since):
                found.append(ready)
        return found


def _classify(
    document: Document, known: dict[str, Any], words: list[str], step: _Step, report: DedupeReport
) -> dict[str, Any]:
    """One document against the ready ones and those classified before it in this step: its
    new values by column (`known` holds its content hash, `words` its text's matching_words).
    All that can fail comes first; then the lookups learn the outcome. Opinion and other pieces
    that are not news reports are set aside before any comparison: they are never the original
    a news report is counted as a copy of."""
    if document.kind != ReportKind.NEWS:
        report.aside += 1
        return {"status": DocumentStatus.ASIDE} | CLEARED
    by_text = comparable(words)
    text_key = (known["content_hash"], document.domain)
    original = step.by_url.get(document.canonical_url)
    if original is None and by_text:
        original = step.by_text.get(text_key)
    if original is not None:
        report.duplicates += 1
        return {"status": DocumentStatus.DUPLICATE, "duplicate_of_id": original.id}
    minhash = words_signature(words) if by_text else None
    stored = to_bytes(minhash) if minhash is not None else UNCOMPARED
    matches = step.originals(minhash) if minhash is not None else []
    copy_of = None
    if matches:
        earliest = min(matches, key=_Ready.order)
        copy_of = earliest.copy_of_id or earliest.id
    ready = _Ready(document.id, document.published_at, copy_of, document.extracted_at)
    step.by_url.setdefault(document.canonical_url, ready)
    if minhash is not None:
        step.memory.add(ready, minhash)
        step.classified.add(str(document.id))
        step.by_text.setdefault(text_key, ready)
    report.ready += 1
    report.copies += copy_of is not None
    return {"status": DocumentStatus.READY, "minhash": stored, "copy_of_id": copy_of} | CLEARED


def _stored_signature(words: list[str]) -> bytes:
    """The signature stored for a text whose matching_words are `words`."""
    return to_bytes(words_signature(words)) if comparable(words) else UNCOMPARED


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), IN_CHUNK):
        yield items[start : start + IN_CHUNK]


def _ready_twins(
    session: Session, pending: list[Document], hashes: list[str]
) -> tuple[dict[str | None, _Ready], dict[tuple[str | None, str | None], _Ready]]:
    """Ready documents sharing a canonical URL with a pending one, or one of the text `hashes`
    (of the pending texts compared by their words), by both keys. Only the columns these need
    are read, not whole documents."""
    columns = select(
        Document.id,
        Document.published_at,
        Document.copy_of_id,
        Document.extracted_at,
        Document.canonical_url,
        Document.content_hash,
        Document.domain,
    ).where(_is_ready())
    found: dict[int, Row[Any]] = {}
    urls = (d.canonical_url for d in pending if d.canonical_url)
    for chunk in _chunks(urls):
        for row in session.execute(columns.where(Document.canonical_url.in_(chunk))):
            found[row.id] = row
    for chunk in _chunks(hashes):
        for row in session.execute(columns.where(Document.content_hash.in_(chunk))):
            found[row.id] = row
    by_url: dict[str | None, _Ready] = {}
    by_text: dict[tuple[str | None, str | None], _Ready] = {}
    for row in sorted(found.values(), key=lambda r: (r.published_at, r.id)):
        ready = _Ready(row.id, row.published_at, row.copy_of_id, row.extracted_at)
        by_url.setdefault(row.canonical_url, ready)
        by_text.setdefault((row.content_hash, row.domain), ready)
    return by_url, by_text


def _is_ready() -> ColumnElement[bool]:
    return Document.status == DocumentStatus.READY


def _in_window(since: datetime, until: datetime | None = None) -> ColumnElement[bool]:
    published = Document.published_at >= since
    return published if until is None else published & (Document.published_at < until)


def _indexed() -> ColumnElement[bool]:
    """Ready reports compared by their text: those kept in the near-duplicate index (or whose
    signature is still to compute)."""
    return _is_ready() & (Document.minhash.is_(None) | (Document.minhash != UNCOMPARED))


def _ready() -> Select[tuple[Document]]:
    return select(Document).where(_is_ready())
