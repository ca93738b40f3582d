"""Two workers reading feeds that list one URL, at once, on PostgreSQL: the URL becomes one
document, and the worker that comes second waits for it instead of failing its whole listing
(whose new items would then wait for the source's next poll)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from helpers import waits_for_a_lock
from sqlalchemy import select

from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import Document, Source
from gazette.sources import add_source
from gazette.sources.poll import PollReport, poll_step
from gazette.work import StageContext

LINKS = [f"https://outlet.example/news/{slug}" for slug in ("crane", "ferry", "strike")]


def feed(links: list[str]) -> str:
    items = "".join(f"<item><title>{link}</title><link>{link}</link></item>" for link in links)
    channel = f"<channel><title>Outlet</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'


def test_a_url_another_worker_is_recording_meanwhile_is_left_to_it(
    each_database_url: str, tmp_path: Path
) -> None:
    if not each_database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: two inserts never race there")
    database = Database(each_database_url)
    database.migrate()
    (tmp_path / "feed.xml").write_text(feed(LINKS))
    with database.transaction() as session:
        add_source(session, str(tmp_path / "feed.xml"))
    context = StageContext(database, Settings(database_url=each_database_url), None)

    found: list[PollReport] = []
    with database.transaction() as other_worker:
        # Another worker has recorded the ferry story from another feed, not yet committed.
        other_worker.add(Document(url=LINKS[1], canonical_url=LINKS[1]))
        other_worker.flush()
        polling = threading.Thread(target=lambda: found.append(poll_step(context)))
        polling.start()
        assert waits_for_a_lock(database, seconds=120)
    polling.join(60)

    assert found[0].new_documents == 2 and not found[0].errors
    with database.session() as session:
        assert sorted(session.scalars(select(Document.url))) == sorted(LINKS)
        (source,) = session.scalars(select(Source))
        assert source.last_error is None and source.consecutive_failures == 0
    database.dispose()
