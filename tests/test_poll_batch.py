"""A poll step writes its whole batch of feeds at once (gazette/sources/record.py): what each
feed lists, and its validators, are stored as when the feeds were written one by one, and a
feed whose rows the database refuses fails alone."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import Document, Source
from gazette.sources import add_source
from gazette.sources.poll import poll_step
from gazette.work import StageContext


def feed(title: str, links: list[str]) -> str:
    items = "".join(
        f"<item><title>{link[-20:]}</title><link>{link}</link></item>" for link in links
    )
    channel = f"<channel><title>{title}</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


def polled(url: str, folder: Path, feeds: dict[str, str]) -> tuple[Database, StageContext]:
    database = Database(url)
    database.migrate()
    with database.transaction() as session:
        for name, text in feeds.items():
            (folder / name).write_text(text)
            add_source(session, str(folder / name))
    return database, StageContext(database, Settings(database_url=url), None)


def test_feeds_of_one_batch_each_keep_their_items(each_database_url: str, tmp_path: Path) -> None:
    shared = "https://wire.example/news/shared"
    feeds = {
        "a.xml": feed("Outlet A", ["https://a.example/news/1", shared]),
        "b.xml": feed("Outlet B", [shared, "https://b.example/news/1"]),
    }
    database, context = polled(each_database_url, tmp_path, feeds)
    report = poll_step(context)

    assert report.sources == 2 and report.new_documents == 3 and not report.errors
    with database.session() as session:
        names = {s.id: s.name for s in session.scalars(select(Source))}
        documents = {d.url: d for d in session.scalars(select(Document))}
        assert sorted(names.values()) == ["Outlet A", "Outlet B"]
        # The first feed of the batch to list the shared URL keeps it, named after its outlet.
        first = min(names)
        assert documents[shared].source_id == first and documents[shared].outlet == names[first]
        assert documents["https://b.example/news/1"].outlet == "Outlet B"
        for source in session.scalars(select(Source)):
            assert source.items_seen == 2 and source.last_success_at is not None
    # Polled again, the same feeds add nothing.
    with database.transaction() as session:
        for source in session.scalars(select(Source)):
            source.next_poll_at = None
    again = poll_step(context)
    assert again.new_documents == 0 and not again.errors
    database.dispose()


def test_a_link_too_long_to_store_is_skipped_and_its_feed_kept(
    each_database_url: str, tmp_path: Path
) -> None:
    too_long = "https://c.example/news/" + "x" * 2100  # longer than documents.url holds
    feeds = {
        "good.xml": feed("Good", ["https://good.example/news/1"]),
        "bad.xml": feed("Bad", ["https://bad.example/news/1", too_long]),
    }
    database, context = polled(each_database_url, tmp_path, feeds)
    report = poll_step(context)

    # The link too long to store is skipped and named in its feed's warning; the feed's other
    # item and the other feed are stored (before, the whole feed failed on the refused row).
    assert report.new_documents == 2 and not report.errors
    with database.session() as session:
        assert sorted(session.scalars(select(Document.url))) == [
            "https://bad.example/news/1",
            "https://good.example/news/1",
        ]
        sources = {Path(s.url).name: s for s in session.scalars(select(Source))}
        assert sources["good.xml"].last_error is None and sources["good.xml"].items_seen == 1
        bad = sources["bad.xml"]
        assert bad.last_error is None and "https://c.example/news/" in (bad.last_warning or "")
    database.dispose()
