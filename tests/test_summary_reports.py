"""Items whose page cannot be had become reports from their feed's title and summary; the page
replaces the summary when it arrives."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

from fight import FIGHT, START
from sqlalchemy import select
from webserver import send, serve

from gazette.config import load_settings
from gazette.db import Database
from gazette.db.models import Document, DocumentStatus, StoryMember, utcnow
from gazette.db.reports import story_sources
from gazette.embedding import MiniLMEmbedder
from gazette.pipeline import run_pipeline
from gazette.sources import add_source

# No retries, so that a page down is a page down; timeouts far above what the local server
# needs, so that a machine busy with other work does not turn a page that is there into one
# that is not (the test is about the pages' answers, not about time).
CONFIG = (
    "[fetch]\n"
    'allow_networks = ["127.0.0.0/8"]\n'
    "per_host_delay_seconds = 0\nper_host_connections = 8\nretries = 0\n"
    "timeout_seconds = 20\nconnect_timeout_seconds = 10\ntotal_timeout_seconds = 40\n"
)
PAYWALL = (
    "<html><head><title>Subscribe</title></head><body><nav>Home Sport World</nav>"
    "<p>Subscribe to read.</p></body></html>"
)


def rss(items: list[tuple[str, str, str, int]]) -> bytes:
    """Items as (link, title, description, hour)."""
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><description>{summary}</description>"
        f"<pubDate>{format_datetime(START + timedelta(hours=hour))}</pubDate></item>"
        for link, title, summary, hour in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{body}</channel></rss>'.encode()


def page(i: int) -> bytes:
    title, text = FIGHT[i]
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in text.rstrip(".").split(". "))
    html = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    return f"{html}{paragraphs}</article></body></html>".encode()


def standfirst(i: int) -> str:
    return FIGHT[i][1].split(". ")[0] + "."


def test_pages_that_cannot_be_had_make_reports_from_the_feed_until_they_arrive(
    tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    paywalled = {"open": False}

    def locked_page(i: int):  # type: ignore[no-untyped-def]
        def route(handler) -> None:  # type: ignore[no-untyped-def]
            if paywalled["open"]:
                send(handler, 200, page(i), Content_Type="text/html")
            else:
                send(handler, 403, b"Forbidden")

        return route

    def open_feed(handler) -> None:  # type: ignore[no-untyped-def]
        items = [(f"{base}/open/{i}", FIGHT[i][0], "", i) for i in (0, 1)]
        send(handler, 200, rss(items), Content_Type="application/rss+xml")

    def paywalled_feed(handler) -> None:  # type: ignore[no-untyped-def]
        items = [
            (f"{base}/locked/2", FIGHT[2][0], standfirst(2), 2),  # down for now
            (f"{base}/paywall/3", FIGHT[3][0], standfirst(3), 3),  # no article on the page
            (f"{base}/locked/9", "", "", 4),  # no title: nothing to make a report of
        ]
        send(handler, 200, rss(items), Content_Type="application/rss+xml")

    routes = {
        "/open.xml": open_feed,
        "/paywalled.xml": paywalled_feed,
        "/open/0": lambda h: send(h, 200, page(0), Content_Type="text/html"),
        "/open/1": lambda h: send(h, 200, page(1), Content_Type="text/html"),
        "/locked/2": locked_page(2),
        "/paywall/3": lambda h: send(h, 200, PAYWALL.encode(), Content_Type="text/html"),
        "/locked/9": lambda h: send(h, 403, b"Forbidden"),
    }
    config = tmp_path / "gazette.toml"
    config.write_text(f'database_url = "sqlite:///{tmp_path / "gazette.db"}"\n' + CONFIG)
    settings = load_settings(config)
    database = Database(settings.database_url)
    database.migrate()
    with serve(routes) as (base, _log):
        with database.transaction() as session:
            add_source(session, f"{base}/open.xml")
            add_source(session, f"{base}/paywalled.xml")
        report = run_pipeline(database, settings, embedder)

        with database.session() as session:
            documents = session.scalars(select(Document))
            failed = {d.url: d.page_error for d in documents if d.page_error}
        assert report.fetch.from_feed == 1 and report.extract.from_feed == 1, failed
        assert list(report.errors()) == [f"fetch {base}/locked/9"]  # only the untitled item
        with database.session() as session:
            locked = session.scalar(select(Document).where(Document.url == f"{base}/locked/2"))
            walled = session.scalar(select(Document).where(Document.url == f"{base}/paywall/3"))
            for thin in (locked, walled):
                assert thin.summary_only and thin.status == DocumentStatus.READY
                assert thin.text == thin.feed_summary
            assert "HTTP 403" in locked.page_error and locked.page_retry_at > utcnow()
            assert walled.page_retry_at is None  # its page is there but holds no article
            stories = {row.story_id for row in session.scalars(select(StoryMember))}
            assert len(stories) == 1  # the reports from the feed joined the fight story

        # The page comes back; once its next try is due, it replaces the summary.
        paywalled["open"] = True
        with database.transaction() as session:
            session.get(Document, locked.id).page_retry_at = utcnow() - timedelta(seconds=1)
        report = run_pipeline(database, settings, embedder)
    assert report.fetch.fetched == 1 and report.extract.extracted == 1
    # The report gets its vector again, and its story is written again from the full text.
    assert report.embed.embedded == 1 and report.cluster.assigned == 0
    assert report.write.written + report.write.unchanged == 1
    with database.session() as session:
        full = session.get(Document, locked.id)
        assert not full.summary_only and full.page_retry_at is None
        assert full.text.startswith(FIGHT[2][1].split(". ")[0]) and len(full.text) > len(
            standfirst(2)
        )
        assert full.embedding is not None
        assert session.get(StoryMember, full.id) is not None
        sources = story_sources(session, session.get(StoryMember, full.id).story_id)
        assert [s.text for s in sources if s.key == str(full.id)] == [full.text]
        assert [s.key for s in sources if s.summary_only] == [str(walled.id)]
