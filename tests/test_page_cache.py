"""Rendered pages kept in memory: served again without the database while nothing changed, and
rendered afresh once a story is published, updated or corrected or a comment is posted (the
site's generation, gazette/db/site_generation.py); several server processes by default."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx
import pytest
from conftest import DemoRun, demo_settings
from fastapi.testclient import TestClient
from forms import token_in
from newsroom import START, Version, add_story
from pydantic import SecretStr
from sqlalchemy import event, select, update

from gazette.cli.site import default_workers, settings_json
from gazette.config import Settings
from gazette.db import Database, site_generation
from gazette.db.models import AdSlot, Article, Document, Story
from gazette.db.states import StoryState
from gazette.publish.stage import publish
from gazette.web import create_app


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


@pytest.fixture
def story(database: Database) -> int:
    with database.transaction() as session:
        return add_story(session, "ferry", [Version("Ferry strike begins", START)]).id


@pytest.fixture
def site(database: Database, sqlite_url: str) -> TestClient:
    return TestClient(create_app(demo_settings(sqlite_url), database))


def test_a_page_seen_before_is_served_without_the_database(
    site: TestClient, database: Database, story: int
) -> None:
    for path in ("/", f"/story/{story}/story-ferry", "/tag/ilse-varga", f"/thread/{story}"):
        first = site.get(path)
        with statements(database) as seen:
            again = site.get(path)
        assert again.status_code == first.status_code == 200
        assert seen == [], path
        assert again.text == first.text  # the same reader: the same form token too
    with statements(database) as seen:
        assert site.get("/?page=1").status_code == 200  # another address is another page
    assert seen


def test_staff_pages_are_never_kept_or_served_from_the_cache(
    site: TestClient, database: Database, story: int
) -> None:
    path = f"/story/{story}/story-ferry"
    site.get(path)  # kept for readers
    site.cookies.set("gazette_session", "an editor's login")
    for _ in range(2):
        with statements(database) as seen:
            assert site.get(path).status_code == 200
        assert seen  # rendered for them each time


def test_readers_arriving_together_wait_for_one_rendering(
    database: Database, sqlite_url: str, story: int
) -> None:
    app = create_app(demo_settings(sqlite_url), database)
    path = f"/story/{story}/story-ferry"

    async def readers(count: int) -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://site") as client:
            return await asyncio.gather(*(client.get(path) for _ in range(count)))

    def change_the_site(ad: str) -> None:
        with database.transaction() as session:
            session.add(AdSlot(name=ad, placement="sidebar", html=f"<p>Advertisement: {ad}.</p>"))

    assert asyncio.run(readers(1))[0].status_code == 200  # the app reads its cookie key once
    change_the_site("Tea")
    with statements(database) as one:
        assert "Advertisement: Tea." in asyncio.run(readers(1))[0].text
    change_the_site("Coffee")
    with statements(database) as many:
        pages = asyncio.run(readers(12))
    assert all(p.status_code == 200 and "Advertisement: Coffee." in p.text for p in pages)
    assert len({token_in(p.text) for p in pages}) == 12  # each reader's own token
    assert len(many) == len(one)  # one rendering for the twelve


def test_each_reader_gets_a_form_token_of_their_own(
    database: Database, sqlite_url: str, story: int
) -> None:
    app = create_app(demo_settings(sqlite_url), database)
    path = f"/story/{story}/story-ferry"
    readers = [TestClient(app) for _ in range(2)]
    pages = [reader.get(path) for reader in readers]
    tokens = [token_in(page.text) for page in pages]
    assert tokens[0] != tokens[1]
    assert all("set-cookie" in page.headers for page in pages)  # each its own cookie
    assert all(page.headers["cache-control"] == "private, no-cache" for page in pages)
    assert pages[0].text.replace(tokens[0], "") == pages[1].text.replace(tokens[1], "")
    for reader, token in zip(readers, tokens, strict=True):
        posted = reader.post(
            f"/story/{story}/comments",
            data={"body": "Thanks.", "csrf_token": token},
            follow_redirects=False,
        )
        assert posted.status_code == 303
    stranger = TestClient(app).post(
        f"/story/{story}/comments",
        data={"body": "Thanks.", "csrf_token": tokens[0]},
        follow_redirects=False,
    )
    assert stranger.status_code == 403  # a token is good for its own reader only


def test_pages_change_when_the_site_does(site: TestClient, database: Database, story: int) -> None:
    path = f"/story/{story}/story-ferry"
    assert "Ferry strike begins" in site.get(path).text
    assert "Ferry strike begins" in site.get("/").text
    # a new version published by the pipeline
    with database.transaction() as session:
        row = session.get(Story, story)
        row.state = StoryState.TAGGED.value  # rewritten and tagged, as the stages leave it
        article = Article(
            story_id=story,
            version=2,
            headline="Ferry strike ends",
            summary="Talks ended the strike.",
            writer="extractive",
            word_count=4,
            change_note="New reports.",
        )
        session.add(article)
        session.flush()
        publish(row, article, START + timedelta(days=1))
    assert "Ferry strike ends" in site.get(path).text
    assert "Ferry strike ends" in site.get("/").text
    # a correction made with a bulk statement, as an editor's tool might
    with database.transaction() as session:
        session.execute(
            update(Article)
            .where(Article.story_id == story)
            .values(change_note="Corrected: a date.")
        )
    assert "Corrected: a date." in site.get(path).text
    # a reader's comment
    token = token_in(site.get(path).text)
    site.post(f"/story/{story}/comments", data={"body": "Good news at last.", "csrf_token": token})
    assert "Good news at last." in site.get(path).text
    # the publisher's ads
    with database.transaction() as session:
        session.add(AdSlot(name="top", placement="header", html="<p>Advertisement: Tea.</p>"))
    assert "Advertisement: Tea." in site.get(path).text


def test_only_what_pages_show_moves_the_generation(database: Database, story: int) -> None:
    def now() -> int:
        return site_generation.current(database.engine)

    before = now()
    with database.transaction() as session:  # fetching and extracting change documents
        session.execute(update(Document).values(title="Fetched again"))
        session.scalar(select(Story.id))
    assert now() == before
    with pytest.raises(RuntimeError), database.transaction() as session:
        session.get(Story, story).slug = "rolled-back"  # type: ignore[union-attr]
        session.flush()
        raise RuntimeError("the step failed")
    assert now() == before  # nothing was committed
    with database.transaction() as session:
        session.get(Story, story).slug = "renamed"  # type: ignore[union-attr]
    assert now() == before + 1


def test_every_commit_counts_on_each_database(each_database_url: str) -> None:
    database = Database(each_database_url)
    database.migrate()
    try:
        start = site_generation.current(database.engine)
        for number in range(3):
            with database.transaction() as session:
                add_story(session, f"g{number}-{start}", [Version("A story", START)])
        assert site_generation.current(database.engine) == start + 3
    finally:
        database.dispose()


def test_production_serves_with_several_processes(demo: DemoRun) -> None:
    production = demo.settings.site.model_copy(update={"mode": "production"})
    development = demo.settings.site.model_copy(update={"mode": "development"})
    assert default_workers(demo.settings.model_copy(update={"site": production})) >= 2
    assert default_workers(demo.settings.model_copy(update={"site": development})) == 1
    # the worker processes get the very settings, secrets included
    secret = demo.settings.desk.model_copy(update={"secret_key": SecretStr("s" * 40)})
    settings = demo.settings.model_copy(update={"desk": secret})
    assert Settings.model_validate_json(settings_json(settings)) == settings


def test_gazette_serve_answers_from_its_workers(own_demo: DemoRun) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "gazette", "--database", own_demo.database.url, "serve"]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"],
        env={k: v for k, v in os.environ.items() if not k.startswith("GAZETTE_")},
        cwd=os.path.dirname(own_demo.database.url.removeprefix("sqlite:///")),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    home = response.read().decode()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.5)
        story = re.search(r'href="(/story/\d+/[^"]+)"', home).group(1)  # type: ignore[union-attr]
        for _ in range(4):  # whichever worker answers
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{story}", timeout=5) as response:
                assert response.status == 200 and b'<script type="application/ld+json">' in (
                    response.read()
                )
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "with 2 worker processes" in output
