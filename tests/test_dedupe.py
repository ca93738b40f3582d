"""Duplicates and syndicated copies, in the near-duplicate index and in the stage."""

from __future__ import annotations

from datetime import UTC, datetime

from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import Document, DocumentStatus
from gazette.dedupe import NearDuplicateIndex, dedupe_step
from gazette.dedupe.near import from_bytes, signature, to_bytes
from gazette.embedding import LazyEmbedder
from gazette.work import StageContext

WIRE = (
    "PORT CALDER (CWS) - The harbour authority approved a new container terminal on Monday, "
    "at a cost of 800 million crowns, the authority said in a statement. The terminal will "
    "double the port's capacity by 2030 and create 400 jobs. Environmental groups said the "
    "dredging needed for the terminal would harm the estuary's seagrass beds. The authority "
    "said it would plant new beds elsewhere in the estuary. Construction starts next spring."
)
EDITED_COPY = WIRE.replace("on Monday, ", "on Monday ").rsplit(" Construction", 1)[0]
INDEPENDENT = (
    "Port Calder will get a second container terminal after the harbour authority voted for the "
    "800 million crown project. Supporters say it brings 400 jobs; green groups fear for the "
    "seagrass in the estuary, which they say dredging will destroy."
)


def test_edited_wire_copies_match_and_independent_reports_do_not() -> None:
    index = NearDuplicateIndex()
    index.add("wire", signature(WIRE))
    matches = index.find(signature(EDITED_COPY))
    assert [key for key, _ in matches] == ["wire"] and matches[0][1] > 0.7
    assert index.find(signature(INDEPENDENT)) == []
    # signatures survive storage unchanged
    assert from_bytes(to_bytes(signature(WIRE))).jaccard(signature(WIRE)) == 1.0


def add(session, url: str, text: str, hour: int, canonical: str | None = None) -> Document:  # type: ignore[no-untyped-def]
    document = Document(
        url=url,
        canonical_url=canonical or url,
        domain=url.split("/")[2],
        title="t",
        text=text,
        status=DocumentStatus.EXTRACTED,
        published_at=datetime(2026, 11, 16, hour, tzinfo=UTC),
    )
    session.add(document)
    session.flush()
    return document


def test_stage_marks_duplicates_and_links_copies_to_the_earliest_report(sqlite_url: str) -> None:
    database = Database(sqlite_url)
    database.migrate()
    with database.transaction() as session:
        original = add(session, "https://a.example/1", WIRE, 8)
        copy = add(session, "https://b.example/1", EDITED_COPY, 9)
        same_page = add(
            session, "https://a.example/1?print=1", WIRE + " ", 10, canonical="https://a.example/1"
        )
        other = add(session, "https://c.example/1", INDEPENDENT, 11)
    report = dedupe_step(StageContext(database, Settings(), LazyEmbedder()))
    assert (report.ready, report.copies, report.duplicates) == (3, 1, 1)
    with database.session() as session:
        assert session.get(Document, original.id).copy_of_id is None
        assert session.get(Document, copy.id).copy_of_id == original.id
        assert session.get(Document, same_page.id).status == DocumentStatus.DUPLICATE
        assert session.get(Document, same_page.id).duplicate_of_id == original.id
        assert session.get(Document, other.id).copy_of_id is None
    # a later run sees what earlier runs classified: the same text from another outlet is a
    # syndicated copy (its outlet counts in the coverage), from the same site a duplicate
    with database.transaction() as session:
        verbatim_elsewhere = add(session, "https://d.example/1", WIRE, 12)
        same_site_again = add(session, "https://a.example/archive/1", WIRE, 13)
    dedupe_step(StageContext(database, Settings(), LazyEmbedder()))
    with database.session() as session:
        verbatim_elsewhere = session.get(Document, verbatim_elsewhere.id)
        assert verbatim_elsewhere.status == DocumentStatus.READY
        assert verbatim_elsewhere.copy_of_id == original.id
        assert session.get(Document, same_site_again.id).status == DocumentStatus.DUPLICATE


def two_workers(sqlite_url: str) -> tuple[Database, StageContext, StageContext]:
    """A migrated database and two workers' contexts, each keeping its own index."""
    database = Database(sqlite_url)
    database.migrate()
    return database, *(StageContext(database, Settings(), LazyEmbedder()) for _ in range(2))


def test_a_worker_keeps_its_index_only_while_it_is_the_databases(sqlite_url: str) -> None:
    """A worker keeps the index of ready reports between steps; another worker's step, or a
    report that leaves the ready state (its page arrives), makes it look at the database again."""
    database, first, second = two_workers(sqlite_url)
    with database.transaction() as session:
        other = add(session, "https://c.example/1", INDEPENDENT, 8)
    assert dedupe_step(first).ready == 1
    # another worker classifies the wire report (while the first's report is read again, so
    # that the number of ready reports is the one the first worker holds): the first sees it
    with database.transaction() as session:
        session.get(Document, other.id).status = DocumentStatus.FETCHED
        wire = add(session, "https://a.example/1", WIRE, 9)
    assert dedupe_step(second).ready == 1
    with database.transaction() as session:
        copy = add(session, "https://b.example/1", EDITED_COPY, 10)
    assert dedupe_step(first).copies == 1
    with database.session() as session:
        assert session.get(Document, copy.id).copy_of_id == wire.id
    # the wire report leaves the ready state (its page is being read again): the first worker
    # no longer links new copies to it, as a worker that reads the database would not
    with database.transaction() as session:
        session.get(Document, wire.id).status = DocumentStatus.FETCHED
        session.get(Document, copy.id).status = DocumentStatus.FETCHED
        later = add(session, "https://d.example/1", WIRE + " Officials said more later.", 11)
    report = dedupe_step(first)
    assert (report.ready, report.copies) == (1, 0)
    with database.session() as session:
        assert session.get(Document, later.id).copy_of_id is None
    # back to ready through the stage: its kept signature is replaced, not duplicated
    with database.transaction() as session:
        session.get(Document, wire.id).status = DocumentStatus.EXTRACTED
    report = dedupe_step(first)
    assert (report.ready, report.copies) == (1, 1)
    with database.session() as session:
        assert session.get(Document, wire.id).copy_of_id == later.id


def test_a_report_another_worker_classified_again_is_compared_by_its_new_text(
    sqlite_url: str,
) -> None:
    """A summary-only report's page arrives and another worker classifies it again, all between
    two steps of the first worker (which holds the signature of its summary): the first worker
    compares later reports with the page's text, not the summary's."""
    database, first, second = two_workers(sqlite_url)
    with database.transaction() as session:
        report = add(session, "https://a.example/1", INDEPENDENT, 8)
        report.extracted_at = datetime(2026, 11, 16, 8, tzinfo=UTC)
    assert dedupe_step(first).ready == 1
    with database.transaction() as session:  # the page came: the wire text, read again
        stored = session.get(Document, report.id)
        stored.text, stored.status = WIRE, DocumentStatus.EXTRACTED
        stored.extracted_at = datetime(2026, 11, 16, 9, tzinfo=UTC)
    assert dedupe_step(second).ready == 1
    with database.transaction() as session:
        copy = add(session, "https://b.example/1", EDITED_COPY, 10)
        rewritten = add(session, "https://c.example/1", INDEPENDENT + " More later.", 11)
    assert dedupe_step(first).copies == 1
    with database.session() as session:
        assert session.get(Document, copy.id).copy_of_id == report.id
        assert session.get(Document, rewritten.id).copy_of_id is None


def test_reports_with_too_few_words_are_never_duplicates_or_copies_by_their_text(
    each_database_url: str,
) -> None:
    """Feed items with no text, or a name for a text ('CM', 'India First'), are about different
    events: they share a content hash or a signature by accident, so only a shared canonical
    URL makes them duplicates. Stored reports without text are not compared with later ones."""
    database = Database(each_database_url)
    database.migrate()
    with database.transaction() as session:
        empty = add(session, "https://a.example/1", "", 8)
        empty_again = add(session, "https://a.example/2", "", 9)
        name = add(session, "https://a.example/3", "India First", 10)
        name_again = add(session, "https://a.example/4", "India First", 11)
        empty_elsewhere = add(session, "https://b.example/1", "", 12)
        same_page = add(session, "https://a.example/1?amp", "", 13, canonical="https://a.example/1")
    report = dedupe_step(StageContext(database, Settings(), LazyEmbedder()))
    assert (report.ready, report.copies, report.duplicates) == (5, 0, 1)
    # a later step, by a worker that reads its index from the database
    with database.transaction() as session:
        later_empty = add(session, "https://c.example/1", "", 14)
    report = dedupe_step(StageContext(database, Settings(), LazyEmbedder()))
    assert (report.ready, report.copies, report.duplicates) == (1, 0, 0)
    with database.session() as session:
        for unique in (empty, empty_again, name, name_again, empty_elsewhere, later_empty):
            stored = session.get(Document, unique.id)
            assert (stored.status, stored.copy_of_id) == (DocumentStatus.READY, None)
        assert session.get(Document, same_page.id).duplicate_of_id == empty.id
