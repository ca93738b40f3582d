"""The sources on the desk (`/desk/sources`): the list with each source's health, adding one
(its kind given, or found by fetching it, from the demo's mirrored outlets), pausing and
resuming; the audit log; only web addresses; logins and tokens required; text shown as text."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from conftest import demo_settings
from fastapi.testclient import TestClient
from forms import token_in
from sqlalchemy import select
from staff import browser, logged_in

from gazette.config import Settings
from gazette.db import Database
from gazette.db.models import AuditEntry, Source, utcnow
from gazette.sources import add_source

FEED = "https://brenmouthbeacon.example/feed.xml"  # served from demo/site by the mirror


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return demo_settings(sqlite_url)


@pytest.fixture
def editor(settings: Settings, database: Database) -> TestClient:
    return logged_in(settings, database)


def rows(page: str) -> dict[str, str]:
    """Each source's row as a reader sees it, by the source's id."""
    found = re.findall(r'<tr id="source-(\d+)">(.*?)</tr>', page, re.S)
    return {
        number: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
        for number, row in found
    }


def add(client: TestClient, **fields: str):  # type: ignore[no-untyped-def]
    token = token_in(client.get("/desk/sources").text)
    data = {"location": "", "kind": "auto", "name": "", "interval": "", **fields}
    return client.post("/desk/sources", data={**data, "csrf_token": token})


def sources(database: Database) -> list[tuple[str, str, bool]]:
    with database.session() as session:
        return [
            (s.url, s.kind, s.enabled) for s in session.scalars(select(Source).order_by(Source.id))
        ]


def logged(database: Database) -> list[tuple[str, str, str]]:
    with database.session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.actor, e.action, e.target) for e in entries if e.action.startswith("source.")]


def test_the_list_shows_each_sources_health(editor: TestClient, database: Database) -> None:
    now = utcnow()
    with database.transaction() as session:
        healthy = add_source(session, "https://a.example/feed.xml", name="Alpha")
        healthy.last_fetched_at = healthy.last_success_at = now - timedelta(minutes=5)
        healthy.items_seen = 42
        failing = add_source(session, "https://b.example/feed.xml")
        failing.last_fetched_at = failing.last_error_at = now
        failing.consecutive_failures = 3
        failing.last_error = "https://b.example/feed.xml: HTTP 500"
        paused = add_source(session, "https://c.example/feed.xml", interval_minutes=90)
        paused.enabled = False
        add_source(session, "https://d.example/sitemap.xml", kind="sitemap")
    shown = rows(editor.get("/desk/sources").text)
    assert "Alpha" in shown["1"] and "healthy" in shown["1"] and "42" in shown["1"]
    assert "https://a.example/feed.xml" in shown["1"]
    assert "failing (3 in a row)" in shown["2"] and "HTTP 500" in shown["2"]
    assert "paused" in shown["3"] and "every 90 min" in shown["3"] and "Resume" in shown["3"]
    assert "not read yet" in shown["4"] and "never" in shown["4"] and "sitemap" in shown["4"]


def test_a_source_is_added_with_its_kind(editor: TestClient, database: Database) -> None:
    response = add(
        editor, location="https://news.example/rss", kind="feed", name="News", interval="15"
    )
    assert response.status_code == 303
    assert "Source 1 is added" in editor.get(response.headers["location"]).text
    assert sources(database) == [("https://news.example/rss", "feed", True)]
    with database.session() as session:
        source = session.get(Source, 1)
        assert source.name == "News" and source.interval_minutes == 15
    assert logged(database) == [("ann", "source.added", "source 1")]


def test_auto_finds_what_the_address_serves(editor: TestClient, database: Database) -> None:
    assert add(editor, location=FEED).status_code == 303
    assert sources(database) == [(FEED, "feed", True)]
    missing = add(editor, location="https://brenmouthbeacon.example/no-such-feed.xml")
    assert missing.status_code == 400
    assert "The source was not added:" in missing.text and "404" in missing.text
    assert len(sources(database)) == 1


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"location": ""}, "give the address"),
        ({"location": "/etc/passwd", "kind": "feed"}, "must be a web address"),
        ({"location": "file:///etc/passwd", "kind": "feed"}, "must be a web address"),
        ({"location": "javascript:alert(1)", "kind": "feed"}, "must be a web address"),
        ({"location": "https://x.example/" + "a" * 3000}, "longer than 2048"),
        ({"location": "https://x.example/f", "kind": "podcast"}, "the kind must be one of"),
        ({"location": "https://x.example/f", "kind": "feed", "interval": "-5"}, "interval"),
        ({"location": "https://x.example/f", "kind": "feed", "interval": "nan"}, "interval"),
        ({"location": "https://x.example/f", "kind": "feed", "interval": "soon"}, "interval"),
        ({"location": "https://x.example/f", "kind": "feed", "name": "n" * 301}, "name is longer"),
    ],
)
def test_a_bad_form_is_refused_with_what_is_wrong(
    editor: TestClient, database: Database, fields: dict[str, str], problem: str
) -> None:
    response = add(editor, **fields)
    assert response.status_code == 400
    assert problem in response.text
    assert sources(database) == [] and logged(database) == []
    assert "a" * 2049 not in response.text


def test_a_source_followed_already_is_refused(editor: TestClient, database: Database) -> None:
    assert add(editor, location="https://news.example/rss", kind="feed").status_code == 303
    again = add(editor, location="https://news.example/rss", kind="feed")
    assert again.status_code == 400 and "source already added (id 1)" in again.text


def test_pause_and_resume(editor: TestClient, database: Database) -> None:
    with database.transaction() as session:
        add_source(session, "https://a.example/feed.xml")
    page = editor.get("/desk/sources").text
    token = token_in(page)
    paused = editor.post("/desk/sources/1/pause", data={"csrf_token": token})
    assert paused.status_code == 303
    assert "Source 1 is paused" in editor.get(paused.headers["location"]).text
    assert sources(database) == [("https://a.example/feed.xml", "feed", False)]
    assert editor.post("/desk/sources/1/resume", data={"csrf_token": token}).status_code == 303
    assert sources(database)[0][2] is True
    assert [a[1] for a in logged(database)] == ["source.paused", "source.resumed"]
    for path in (
        "/desk/sources/9/pause",
        "/desk/sources/x/resume",
        "/desk/sources/" + "9" * 30 + "/pause",
    ):
        assert editor.post(path, data={"csrf_token": token}).status_code == 404


def test_sources_need_a_login_and_a_token(
    settings: Settings, database: Database, editor: TestClient
) -> None:
    with database.transaction() as session:
        add_source(session, "https://a.example/feed.xml")
    anonymous = browser(settings, database)
    assert anonymous.get("/desk/sources").headers["location"] == "/login?next=/desk/sources"
    token = token_in(anonymous.get("/login").text)
    assert anonymous.post("/desk/sources/1/pause", data={"csrf_token": token}).status_code == 401
    data = {"location": "https://evil.example/feed", "kind": "feed", "csrf_token": token}
    assert anonymous.post("/desk/sources", data=data).status_code == 401
    assert editor.post("/desk/sources/1/pause", data={}).status_code == 403  # no token
    good = token_in(editor.get("/desk/sources").text)
    foreign = editor.post(
        "/desk/sources/1/pause",
        data={"csrf_token": good},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    assert sources(database) == [("https://a.example/feed.xml", "feed", True)]


def test_names_errors_and_addresses_are_shown_as_text(
    editor: TestClient, database: Database
) -> None:
    markup = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    with database.transaction() as session:
        source = add_source(session, "https://a.example/feed.xml?q=<b>", name=markup)
        source.last_error = markup
        source.consecutive_failures = 1
    refused = add(editor, location='https://x.example/"><script>alert(2)</script>', kind="podcast")
    for page in (editor.get("/desk/sources").text, refused.text):
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>" not in page
    assert markup in rows(editor.get("/desk/sources").text)["1"]


def test_the_list_writes_its_times_as_every_page_of_the_site_does(
    editor: TestClient, database: Database
) -> None:
    """Times as "07 Dec 2026, 09:47 UTC", not "2026-12-07 09:47 UTC" (and "UTC" on each)."""
    read, succeeded = (
        datetime(2026, 12, 7, 9, 47, 30, tzinfo=UTC),
        datetime(2026, 12, 6, 8, 5, tzinfo=UTC),
    )
    with database.transaction() as session:
        failing = add_source(session, "https://b.example/feed.xml")
        failing.last_fetched_at = failing.last_error_at = read
        failing.last_success_at = succeeded
        failing.consecutive_failures, failing.last_error = 1, "HTTP 500"
    shown = rows(editor.get("/desk/sources").text)["1"]
    assert "07 Dec 2026, 09:47 UTC last success 06 Dec 2026, 08:05 UTC" in shown
    assert "HTTP 500 ( 07 Dec 2026, 09:47 UTC )" in shown
    assert "2026-12" not in shown
