"""What the public pages cost the database, and which version and times they show, over
stories written into a database of the test's own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from conftest import demo_settings
from fastapi.testclient import TestClient
from forms import form_token
from newsroom import START, Version, add_published_stories, add_story
from sqlalchemy import event

from gazette.db import Database
from gazette.web import create_app


@pytest.fixture
def site(database: Database, sqlite_url: str) -> TestClient:
    """The site, with a signing key in its settings: the key it would otherwise read from the
    database once, at the first page with a form, would count among that page's queries."""
    settings = demo_settings(sqlite_url, desk={"secret_key": "k" * 32})
    return TestClient(create_app(settings, database))


@contextmanager
def counting(database: Database, what: str) -> Iterator[list[str]]:
    """Records each SQL statement (`before_cursor_execute`) or each connection taken from the
    pool (`checkout`) while the block runs."""
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]) if what == "before_cursor_execute" else what)

    event.listen(database.engine, what, record)
    try:
        yield seen
    finally:
        event.remove(database.engine, what, record)


def statements(site: TestClient, database: Database, path: str) -> int:
    with counting(database, "before_cursor_execute") as seen:
        response = site.get(path)
    assert response.status_code == 200, response.text
    return len(seen)


def test_a_list_costs_the_same_queries_whatever_its_length(
    site: TestClient, database: Database
) -> None:
    few = add_published_stories(database, 3)
    pages = ["/", "/tag/port-calder", "/feed.xml", f"/story/{few[0]}/story-0"]
    before = {path: statements(site, database, path) for path in pages}
    many = add_published_stories(database, 37)
    after = {path: statements(site, database, path) for path in pages}
    assert after == before, (before, after)
    # the lists did grow: 30 cards on the home page, 20 stories later in the thread
    assert site.get("/").text.count('<article class="card">') == 30
    story_page = site.get(f"/story/{few[0]}/story-0").text
    assert story_page.count(f'href="/story/{many[-1]}/') == 1
    assert len(re.findall(r'<li><a href="/story/', story_page)) >= 20
    # the lead (the latest report's time, the lead's id, its card) and the list (stories with
    # their versions, tags, source counts); ad slots; the header's topics
    assert before["/"] <= 11


def test_each_request_opens_one_session_at_most(site: TestClient, database: Database) -> None:
    ids = add_published_stories(database, 4)
    reads = ["/", "/tag/ilse-varga", "/feed.xml", "/api/sources", f"/story/{ids[1]}/story-1"]
    for path in [*reads, f"/story/{ids[1]}", f"/story/{ids[1]}/old-slug"]:
        with counting(database, "checkout") as checkouts:
            assert site.get(path, follow_redirects=False).status_code in (200, 308)
        assert len(checkouts) == 1, path
    token = form_token(site, f"/story/{ids[1]}/story-1")
    for body, status in [("A comment.", 303), ("", 400)]:
        with counting(database, "checkout") as checkouts:
            posted = site.post(
                f"/story/{ids[1]}/comments",
                data={"body": body, "csrf_token": token},
                follow_redirects=False,
            )
        assert posted.status_code == status
        assert len(checkouts) == 1, body
    with counting(database, "checkout") as checkouts:
        assert site.get("/nowhere").status_code == 404
    assert checkouts == []  # error pages need no database


def test_readers_see_the_published_version_and_its_times(
    site: TestClient, database: Database
) -> None:
    first_report = START
    v1, v2 = first_report + timedelta(hours=5), first_report + timedelta(days=1, hours=2)
    with database.transaction() as session:
        updated = add_story(
            session,
            "updated",
            [Version("Bridge opens", v1), Version("Bridge opens to traffic", v2)],
            first_report=first_report,
        ).id
        held = add_story(
            session,
            "held",
            [Version("Strike called", v1), Version("Strike called off", None)],
            first_report=first_report + timedelta(hours=1),
        ).id
        unpublished = add_story(
            session, "draft", [Version("Not yet", None)], first_report=first_report
        ).id

    page = site.get(f"/story/{updated}/story-updated").text
    assert "<h1>Bridge opens to traffic</h1>" in page
    assert f'Published <time datetime="{first_report.isoformat()}">02 Mar 2026, 08:00 UTC' in page
    assert f'Updated <time datetime="{v2.isoformat()}">03 Mar 2026, 10:00 UTC' in page
    assert '<p class="updated">Updated: New reports.</p>' in page

    page = site.get(f"/story/{held}/story-held").text
    assert "<h1>Strike called</h1>" in page and "called off" not in page
    assert "Updated" not in page  # the version readers see is the first

    assert site.get(f"/story/{unpublished}/story-draft").status_code == 404
    home = site.get("/").text
    assert "Bridge opens to traffic" in home and "Strike called</a>" in home
    assert "Not yet" not in home and "called off" not in home
    card = re.search(
        r"Bridge opens to traffic</a></h3>.*?</p>\s*<p class=\"meta\">(.*?)</p>", home, re.S
    )
    latest_report = first_report + timedelta(hours=2)  # the card's time is the list's order
    assert f'Latest report <time datetime="{latest_report.isoformat()}">' in card.group(1)


def test_a_story_first_published_at_a_later_version_is_not_updated(
    site: TestClient, database: Database
) -> None:
    """Readers never saw v1 (an editor edited it before publishing, or the writer's second
    version was the first one approved): the version they see first is no update."""
    with database.transaction() as session:
        story = add_story(
            session, "edited", [Version("Ferry strike", None), Version("Ferry strike ends", START)]
        ).id

    page = site.get(f"/story/{story}/story-edited").text
    assert "<h1>Ferry strike ends</h1>" in page
    assert "Updated" not in page
    assert "Updated" not in site.get("/").text
