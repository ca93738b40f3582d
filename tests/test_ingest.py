"""Ingestion end to end against a real local server that misbehaves on purpose.

Every misbehaviour must end as a clear error (or warning) in the source's status, the run must
finish within its time limits, and nothing already stored may be lost.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import row_counts
from sqlalchemy import select
from typer.testing import CliRunner
from webserver import gzip_bomb, send, serve

from gazette.cli import app
from gazette.config import load_settings
from gazette.db import Database
from gazette.db.models import Document, Source
from gazette.embedding import LazyEmbedder
from gazette.extract.stage import extract_step
from gazette.fetch.stage import fetch_step
from gazette.pipeline import run_pipeline
from gazette.sources import add_source
from gazette.sources.poll import poll_step
from gazette.web import create_app
from gazette.work import StageContext

runner = CliRunner()


def rss(base: str, count: int, prefix: str = "item") -> bytes:
    items = "".join(
        f"<item><title>{prefix} {i}</title><link>{base}/{prefix}/{i}</link>"
        f"<pubDate>Mon, 16 Nov 2026 {i % 24:02d}:00:00 +0000</pubDate></item>"
        for i in range(count)
    )
    channel = f"<channel><title>{prefix}</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


def article(title: str) -> bytes:
    body = " ".join(
        f"Sentence {n} of the report on {title} says something the other sentences do not."
        for n in range(8)
    )
    head = f"<head><title>{title}</title></head>"
    return (
        f"<html>{head}<body><article><h1>{title}</h1><p>{body}</p></article></body></html>".encode()
    )


def slow(handler) -> None:  # type: ignore[no-untyped-def]
    time.sleep(3)
    send(handler, 200, b"<rss/>")


def endless(handler) -> None:  # type: ignore[no-untyped-def]
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.end_headers()
    while True:
        handler.wfile.write(b"<item>" * 1000)


@pytest.fixture
def local_sites(workdir: Path) -> Path:
    """A folder set up for fetching from this machine's test servers, with short limits."""
    (workdir / "gazette.toml").write_text(
        "[fetch]\n"
        'allow_networks = ["127.0.0.0/8"]\n'
        "per_host_delay_seconds = 0\nper_host_connections = 8\n"
        "timeout_seconds = 0.5\nconnect_timeout_seconds = 2\ntotal_timeout_seconds = 1.5\n"
        "retries = 1\nretry_backoff_seconds = 0.05\nmax_bytes = 2000000\nmax_items_per_feed = 50\n"
    )
    return workdir


def test_misbehaving_sources_each_end_as_a_clear_error(local_sites: Path, embedder) -> None:
    state = {"broken": False}

    def good_feed(handler) -> None:  # type: ignore[no-untyped-def]
        if state["broken"]:
            send(handler, 500, b"down")
        else:
            send(handler, 200, rss(base, 2, "good"), Content_Type="application/rss+xml")

    latin1 = (
        '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel>'
        "<title>Caf\xe9 Nouvelles</title></channel></rss>"
    ).encode("latin-1")
    bomb = gzip_bomb(50_000_000)
    routes = {
        "/good.xml": good_feed,
        "/good/0": lambda h: send(h, 200, article("Harbour crane"), Content_Type="text/html"),
        "/good/1": lambda h: send(h, 200, b"\x89PNG\r\n", Content_Type="image/png"),
        "/slow.xml": slow,
        "/endless.xml": endless,
        "/loop.xml": lambda h: send(h, 301, Location="/loop.xml"),
        "/limited.xml": lambda h: send(h, 429, Retry_After="86400"),
        "/error.xml": lambda h: send(h, 503, b"unavailable"),
        "/invalid.xml": lambda h: send(
            h, 200, b"<rss><channel><item><title>x", Content_Type="application/rss+xml"
        ),
        "/html.xml": lambda h: send(
            h, 200, b"<!DOCTYPE html><html><body>home</body></html>", Content_Type="text/html"
        ),
        "/huge.xml": lambda h: send(h, 200, rss(base, 10_000, "huge"), Content_Type="text/xml"),
        "/bomb.xml": lambda h: send(
            h, 200, bomb, Content_Type="application/rss+xml", Content_Encoding="gzip"
        ),
        "/latin1.xml": lambda h: send(h, 200, latin1, Content_Type="application/rss+xml"),
        "/typed-wrong.xml": lambda h: send(h, 200, rss(base, 1, "typed"), Content_Type="image/gif"),
    }
    with serve(routes) as (base, log):
        settings = load_settings()
        database = Database(settings.database_url)
        database.migrate()
        with database.transaction() as session:
            for path in [p for p in routes if p.endswith(".xml")]:
                add_source(session, f"{base}{path}")

        started = time.monotonic()
        report = run_pipeline(database, settings, embedder, all_sources=True)
        elapsed = time.monotonic() - started

        with database.session() as session:
            status = {s.url.removeprefix(base): s for s in session.query(Source)}
            errors = {url: s.last_error or "" for url, s in status.items()}
            warnings = {url: s.last_warning or "" for url, s in status.items()}
            documents = {d.url.removeprefix(base): d for d in session.query(Document)}

        assert elapsed < 20
        assert (
            "no complete response within" in errors["/slow.xml"]
            or "timed out" in errors["/slow.xml"]
        )
        assert "exceeds fetch.max_bytes" in errors["/endless.xml"]
        assert "more than 5 redirects" in errors["/loop.xml"]
        assert "HTTP 429" in errors["/limited.xml"] and "no retry" in errors["/limited.xml"]
        assert "HTTP 503 (after 2 attempts)" in errors["/error.xml"]
        assert "malformed feed with no usable item" in errors["/invalid.xml"]
        assert "this is an HTML page, not a feed" in errors["/html.xml"]
        assert "exceeds fetch.max_bytes" in errors["/bomb.xml"]
        assert (
            errors["/huge.xml"] == ""
            and "lists 10000 items; the newest 50" in warnings["/huge.xml"]
        )
        assert errors["/latin1.xml"] == "" and status["/latin1.xml"].name == "Café Nouvelles"
        assert errors["/typed-wrong.xml"] == ""  # the content is a feed, whatever the header says
        assert errors["/good.xml"] == "" and status["/good.xml"].items_seen == 2
        for url in errors:
            failing = bool(errors[url])
            assert status[url].consecutive_failures == int(failing), url
        # the page that is not a page failed on its own; the good one went all the way
        # (its feed gave it a title: it is a report from the feed while its page is retried)
        assert "not a web page (content type image/png)" in documents["/good/1"].page_error
        assert documents["/good/1"].summary_only and documents["/good/1"].page_retry_at
        assert documents["/good/0"].status == "ready" and documents["/good/0"].text
        assert report.write.written >= 1
        with database.session() as session:
            before = row_counts(session)

        # the good source breaks; what was stored from it stays
        state["broken"] = True
        again = run_pipeline(database, settings, embedder, all_sources=True)
        with database.session() as session:
            after = row_counts(session)
            good = session.query(Source).filter(Source.url == f"{base}/good.xml").one()
            assert "HTTP 500" in good.last_error and good.consecutive_failures == 1
        assert again.sources.new_documents == 0
        assert {k: v for k, v in after.items() if k != "http_validators"} == {
            k: v for k, v in before.items() if k != "http_validators"
        }
        assert log.count("/robots.txt") >= 1


def test_conditional_polls_and_intervals(local_sites: Path) -> None:
    def feed(handler) -> None:  # type: ignore[no-untyped-def]
        if handler.headers.get("If-None-Match") == '"v1"':
            send(handler, 304)
        else:
            send(
                handler, 200, rss(base, 1, "cond"), Content_Type="application/rss+xml", ETag='"v1"'
            )

    routes = {"/feed.xml": feed, "/cond/0": lambda h: send(h, 200, article("Conditional"))}
    with serve(routes) as (base, log):
        settings = load_settings()
        database = Database(settings.database_url)
        database.migrate()
        with database.transaction() as session:
            add_source(session, f"{base}/feed.xml", interval_minutes=60)
        first = run_pipeline(database, settings, all_sources=False)
        not_due = run_pipeline(database, settings, all_sources=False)
        forced = run_pipeline(database, settings, all_sources=True)
    assert first.sources.sources == 1 and first.sources.new_documents == 1
    assert not_due.sources.sources == 0  # polled less than an hour ago
    assert forced.sources.not_modified == 1 and forced.sources.new_documents == 0
    assert log.count("/feed.xml") == 2
    assert log.hits[-1].headers.get("If-None-Match") == '"v1"'


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_adding_a_site_finds_its_feed(local_sites: Path) -> None:
    home = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head>'
        b"<body>Hi</body></html>"
    )
    routes = {
        "/": lambda h: send(h, 200, home, Content_Type="text/html"),
        "/rss": lambda h: send(h, 200, rss("http://x", 1), Content_Type="application/rss+xml"),
        "/article": lambda h: send(h, 200, article("Lonely page"), Content_Type="text/html"),
    }
    assert invoke("init").exit_code == 0
    with serve(routes) as (base, _):
        site = invoke("sources", "add", f"{base}/")
        feed = invoke("sources", "add", f"{base}/rss")
        page = invoke("sources", "add", f"{base}/article")
        forced_page = invoke("sources", "add", f"{base}/article", "--kind", "page")
    assert site.exit_code == 0 and f"added feed 1: {base}/rss" in site.stdout
    assert feed.exit_code == 2 and "already added" in feed.stderr
    assert page.exit_code == 1 and "--kind page" in page.stderr
    assert forced_page.exit_code == 0 and "added page" in forced_page.stdout


def test_update_opml_round_trip_and_the_api(local_sites: Path) -> None:
    opml = b"""<?xml version="1.0"?><opml version="1.0"><head><title>Mine</title></head><body>
    <outline text="Tech"><outline text="A Feed" type="rss" xmlUrl="https://a.example/feed"/></outline>
    <outline text="B" type="rss" xmlUrl="https://b.example/rss.xml"/></body></opml>"""
    (local_sites / "mine.opml").write_bytes(opml)
    assert invoke("init").exit_code == 0
    imported = invoke("sources", "import", "mine.opml")
    assert (
        imported.exit_code == 0 and "imported 2 sources; 0 were already followed" in imported.stdout
    )
    again = invoke("sources", "import", "mine.opml")
    assert "imported 0 sources; 2 were already followed" in again.stdout

    assert (
        invoke(
            "sources", "update", "1", "--interval", "15", "--language", "de", "--disable"
        ).exit_code
        == 0
    )
    bad = invoke("sources", "update", "1", "--language", "German")
    assert bad.exit_code == 2 and "ISO 639" in bad.stderr
    listing = {s["id"]: s for s in json.loads(invoke("sources", "list", "--json").stdout)}
    assert listing[1]["interval_minutes"] == 15 and listing[1]["language"] == "de"
    assert listing[1]["enabled"] is False and listing[1]["name"] == "A Feed"

    exported = invoke("sources", "export")
    assert exported.exit_code == 0
    (local_sites / "out.opml").write_text(exported.stdout)
    (local_sites / "gazette.db").unlink()
    assert invoke("init").exit_code == 0
    assert "imported 2 sources" in invoke("sources", "import", "out.opml").stdout

    broken = local_sites / "broken.opml"
    broken.write_text("<opml><body><outline")
    result = invoke("sources", "import", "broken.opml")
    assert result.exit_code == 2 and "not a readable OPML file" in result.stderr

    settings = load_settings()
    api = TestClient(create_app(settings)).get("/api/sources").json()
    assert {s["url"] for s in api} == {"https://a.example/feed", "https://b.example/rss.xml"}
    assert set(api[0]) >= {"last_success", "last_error", "consecutive_failures", "items_seen"}


def test_items_whose_link_is_not_a_web_address_are_skipped_not_reported(local_sites: Path) -> None:
    """A hostile feed's `javascript:` or unparseable links neither fail the feed nor become
    reports (whose reference would link readers there); the source names them in a warning,
    also those of a sitemap that a sitemap index lists."""
    hostile = rss("https://ok.example", 1, "ok").replace(
        b"</channel>",
        b"<item><title>Click</title><link>javascript:alert(document.domain)</link></item>"
        b"<item><title>Broken</title><link>http://[::1</link></item></channel>",
    )
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>/child.xml</loc></sitemap></sitemapindex>"
    )
    child = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://ok.example/page</loc></url><url><loc>file:///etc/passwd</loc></url>"
        b"</urlset>"
    )
    routes = {
        "/hostile.xml": lambda h: send(h, 200, hostile, Content_Type="application/rss+xml"),
        "/index.xml": lambda h: send(h, 200, index, Content_Type="application/xml"),
        "/child.xml": lambda h: send(h, 200, child, Content_Type="application/xml"),
    }
    with serve(routes) as (base, _log):
        settings = load_settings()
        database = Database(settings.database_url)
        database.migrate()
        with database.transaction() as session:
            add_source(session, f"{base}/hostile.xml")
            add_source(session, f"{base}/index.xml", kind="sitemap")
        poll_step(StageContext(database, settings, LazyEmbedder()))
    with database.session() as session:
        sources = {s.url.removeprefix(base): s for s in session.scalars(select(Source))}
        urls = sorted(session.scalars(select(Document.url)))
    assert urls == ["https://ok.example/ok/0", "https://ok.example/page"]
    assert sources["/hostile.xml"].last_error is None
    assert "javascript:alert(document.domain)" in sources["/hostile.xml"].last_warning
    assert "http://[::1" in sources["/hostile.xml"].last_warning
    assert "file:///etc/passwd" in sources["/index.xml"].last_warning


def test_values_longer_than_their_columns_neither_fail_a_feed_nor_stop_a_run(
    local_sites: Path, each_database_url: str
) -> None:
    """PostgreSQL refuses a string longer than its column where SQLite takes it: a feed's
    400-character title (the source's name, each report's outlet) failed the whole feed, and a
    page's 40-letter `<html lang>` stopped every run at the extract stage's batch update."""
    huge = "q" * 3000

    def feed(handler) -> None:  # type: ignore[no-untyped-def]
        extra = (
            f"<item><title>Guid</title><link>{base}/guid</link><guid>{'g' * 3000}</guid></item>"
            f"<item><title>Long</title><link>{base}/long?{huge}</link></item>"
            f"<item><title>Host</title><link>http://{'h' * 300}.example/</link></item></channel>"
        )
        body = rss(base, 1, "ok").replace(
            b"<title>ok</title>", b"<title>" + b"T" * 400 + b"</title>"
        )
        send(handler, 200, body.replace(b"</channel>", extra.encode()), Content_Type="text/xml")

    page = article("Harbour crane").replace(
        b"<html><head>",
        b'<html lang="'
        + b"x" * 40
        + b'"><head><meta property="og:site_name" content="'
        + b"S" * 400
        + b'"><meta property="og:image" content="https://img.example/'
        + huge.encode()
        + b'.png">',
    )
    routes = {"/feed.xml": feed, "/ok/0": lambda h: send(h, 200, page, Content_Type="text/html")}
    with serve(routes) as (base, _log):
        settings = load_settings(database_url=each_database_url)
        database = Database(settings.database_url)
        database.migrate()
        with database.transaction() as session:
            add_source(session, f"{base}/feed.xml")
        context = StageContext(database, settings, LazyEmbedder())
        poll_step(context)
        fetch_step(context)
        extract_step(context)
    with database.session() as session:
        source = session.scalars(select(Source)).one()
        documents = {d.url.removeprefix(base): d for d in session.scalars(select(Document))}
    assert source.last_error is None and len(source.name) == 300
    assert "2 items" in source.last_warning and "/long?qqq" in source.last_warning
    assert set(documents) == {"/ok/0", "/guid"} and len(documents["/guid"].guid) == 2048
    crane = documents["/ok/0"]
    assert crane.status == "extracted" and crane.title == "Harbour crane"
    assert crane.language is None and len(crane.outlet) == 300 and crane.image_url is None


def test_a_value_the_database_refuses_fails_its_document_alone(each_database_url: str) -> None:
    """The extract stage writes its batch in one statement; where the database refuses a value
    in it (PostgreSQL: longer than its column), each row is written alone and only the refused
    one fails, instead of the whole batch on every later run."""
    from datetime import UTC, datetime

    from gazette.db.models import DocumentStatus
    from gazette.extract.stage import ExtractReport, _store

    database = Database(each_database_url)
    database.migrate()
    now = datetime(2026, 12, 7, tzinfo=UTC)
    with database.transaction() as session:
        documents = [
            Document(
                url=f"https://outlet.example/{n}",
                canonical_url=f"https://outlet.example/{n}",
                status=DocumentStatus.FETCHED,
                title="",
                text="",
                outlet="Outlet",
                domain="outlet.example",
            )
            for n in range(3)
        ]
        session.add_all(documents)
        session.flush()
        rows = [
            {"id": d.id, "title": f"Story {n}", "status": DocumentStatus.EXTRACTED}
            for n, d in enumerate(documents)
        ]
        rows[1]["language"] = "x" * 40  # longer than its column
        report = ExtractReport(extracted=3)
        _store(session, rows, report, now)
    with database.session() as session:
        stored = {d.title: d for d in session.scalars(select(Document))}
    postgres = database.url.startswith("postgresql")
    assert stored["Story 0"].status == stored["Story 2"].status == DocumentStatus.EXTRACTED
    if postgres:
        refused = [d for d in stored.values() if d.status == DocumentStatus.FETCHED]
        assert len(refused) == 1 and "too long" in (refused[0].error or ""), refused[0].error
        assert len(refused[0].error or "") < 300, refused[0].error
        assert report.extracted == 2 and len(report.errors) == 1
    else:  # SQLite holds any length
        assert report.extracted == 3 and not report.errors
