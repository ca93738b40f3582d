"""HTTP on every public page: HEAD, ETag and Last-Modified with 304 answers, Cache-Control
suited to the page, gzip, 404 for what never existed, and empty pages that speak to readers."""

from __future__ import annotations

import logging

import pytest
from conftest import demo_settings
from fastapi.testclient import TestClient
from newsroom import add_published_stories

from gazette.db import Database
from gazette.web import create_app
from gazette.web.public.routes import EMPTY_SITE


@pytest.fixture
def client(database: Database) -> TestClient:
    return TestClient(create_app(demo_settings(database.url), database))


@pytest.fixture
def ids(database: Database) -> list[int]:
    return add_published_stories(database, 3)


def public_paths(ids: list[int]) -> list[str]:
    return [
        "/",
        "/?page=2",
        f"/story/{ids[0]}/story-0",
        "/tag/port-calder",
        "/search?q=event",
        "/feed.xml",
        "/atom.xml",
        "/feed.json",
        "/tag/port-calder/feed.json",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/robots.txt",
        "/api/stories",
        f"/api/stories/{ids[0]}",
        "/api/tags",
        "/api/search?q=event",
        "/api/docs",
        "/api/openapi.json",
        "/healthz",
        "/static/site.css",
    ]


def test_head_answers_wherever_get_does(client: TestClient, ids: list[int]) -> None:
    for path in public_paths(ids):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.headers["content-length"] == str(len(got.content)), path
        assert head.headers["etag"] == got.headers["etag"], path
    assert client.head("/no-such-page").status_code == 404
    assert client.head(f"/story/{ids[0]}", follow_redirects=False).status_code == 308
    assert client.head("/logout").status_code == 405  # a POST route


def test_an_unchanged_page_is_answered_304(client: TestClient, ids: list[int]) -> None:
    for path in public_paths(ids):
        first = client.get(path)
        etag = first.headers["etag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.content == b"" and again.headers["etag"] == etag, path
        assert again.headers["cache-control"] == first.headers["cache-control"], path
        assert "content-type" not in again.headers
        listed = client.get(path, headers={"If-None-Match": f'"other", {etag}'})
        assert listed.status_code == 304, path
        stale = client.get(path, headers={"If-None-Match": '"something-else"'})
        assert stale.status_code == 200 and stale.content == first.content, path


def test_a_changed_page_gets_a_new_etag(client: TestClient, database: Database) -> None:
    add_published_stories(database, 1)
    etag = client.get("/").headers["etag"]
    add_published_stories(database, 1)
    changed = client.get("/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_feeds_answer_if_modified_since(client: TestClient, ids: list[int]) -> None:
    changed = client.get("/feed.xml").headers["last-modified"]
    assert changed.endswith(" GMT")
    assert client.get("/feed.xml", headers={"If-Modified-Since": changed}).status_code == 304
    later = "Fri, 01 Jan 2100 00:00:00 GMT"
    assert client.get("/feed.xml", headers={"If-Modified-Since": later}).status_code == 304
    earlier = "Thu, 01 Jan 2015 00:00:00 GMT"
    assert client.get("/feed.xml", headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get("/feed.xml", headers={"If-Modified-Since": "yesterday"}).status_code == 200
    # If-None-Match decides when both are sent (RFC 9110, 13.2.2)
    both = {"If-Modified-Since": later, "If-None-Match": '"not-this-one"'}
    assert client.get("/feed.xml", headers=both).status_code == 200


def test_each_page_says_how_long_it_may_be_kept(client: TestClient, ids: list[int]) -> None:
    def caching(path: str) -> str:
        return client.get(path).headers["cache-control"]

    assert caching("/") == caching("/tag/port-calder") == "public, max-age=60"
    assert caching("/search?q=event") == "public, max-age=60"
    assert caching("/feed.xml") == caching("/tag/port-calder/atom.xml") == "public, max-age=300"
    assert caching("/sitemap.xml") == "public, max-age=3600"
    assert caching("/api/stories") == "public, max-age=60"
    story = client.get(f"/story/{ids[0]}/story-0")  # its comment form carries a token
    assert story.headers["cache-control"] == "private, no-cache"
    assert "Cookie" in story.headers["vary"]
    assert "public" not in caching("/login")  # a form, and the desk's
    assert caching("/no-such-page") == "no-store"
    assert caching("/api/stories/999999") == "no-store"


def test_pages_are_compressed_for_clients_that_accept_gzip(
    client: TestClient, ids: list[int]
) -> None:
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    packed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert "Accept-Encoding" in packed.headers["vary"]
    # the client decodes the body; the length on the wire is the compressed one
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
    assert packed.content == plain.content  # the same page, decoded
    assert packed.headers["etag"] == plain.headers["etag"]
    again = client.get(
        "/", headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["etag"]}
    )
    assert again.status_code == 304


def test_what_never_existed_is_not_found(client: TestClient, ids: list[int]) -> None:
    for path in [
        "/story/999999/anything",
        "/story/999999",
        "/story/12abc/x",
        "/tag/no-such-tag",
        "/tag/no-such-tag/feed.xml",
        "/sitemaps/stories-9.xml",
        "/no/such/page",
        "/api/stories/999999",
        "/api/nothing",
    ]:
        assert client.get(path).status_code == 404, path


def test_an_empty_site_says_so_plainly(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        home = client.get("/")
    assert home.status_code == 200
    assert "No stories have been published yet." in home.text
    assert "gazette" not in home.text.split("<main>")[1].split("</main>")[0].lower()
    assert EMPTY_SITE in caplog.text  # the operator's hint goes to the log


def test_a_page_past_the_last_says_there_are_no_more(client: TestClient, ids: list[int]) -> None:
    page = client.get("/?page=2")
    assert page.status_code == 200
    main = page.text.split("<main>")[1].split("</main>")[0]
    assert "No more stories." in main and 'href="/"' in main
    assert "published yet" not in main and "gazette" not in main.lower()


def test_a_nul_in_an_address_is_refused_plainly(each_database_url: str) -> None:
    """PostgreSQL refuses a NUL in any string: an address that holds one is a clear 400 for the
    reader on either database, before any query (gazette/web/request_guard.py)."""
    database = Database(each_database_url)
    database.migrate()
    client = TestClient(create_app(demo_settings(each_database_url), database))
    for path in (
        "/tag/a%00b",
        "/tag/a%00b/feed.xml",
        "/tag/a%00/feed.json",
        "/api/stories?tag=%00",
        "/search?q=a%00b",
        "/api/search?q=%00",
    ):
        answer = client.get(path)
        assert answer.status_code == 400, path
        assert "NUL character" in answer.text, path
    database.dispose()
