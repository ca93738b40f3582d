"""Faults under the Celery engine, with real processes, the real Redis and the real PostgreSQL:
a worker killed mid-fetch and mid-write, a source that hangs, a step that fails every time,
Redis and PostgreSQL restarted under the workers. In each case the end state is the one of a
clean run: no document, story, membership or version twice, every report in a story.

Restarting Redis or PostgreSQL cuts off anyone else using them, so those tests carry the
`disruptive` mark: `make test` runs them after the rest of the suite, on their own.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from deployment import (
    deployment,
    duplicates,
    others_on_postgres,
    own_schema,
    redis_down,
    restart_postgres,
    settled,
    wait_for,
)
from fight import BANK, FIGHT, START
from llmserver import Reply, parrot, scripted_llm
from sqlalchemy import func, select, text
from webserver import ServerLog, send, serve

from gazette.config import load_settings
from gazette.db import Database
from gazette.db.models import Document, Source, Story, StoryMember, utcnow
from gazette.db.states import StoryState
from gazette.embedding import MiniLMEmbedder
from gazette.pipeline import run_pipeline
from gazette.sources import add_source

CONFIG = (
    "[fetch]\n"
    'allow_networks = ["127.0.0.0/8"]\n'
    "per_host_delay_seconds = 0\nper_host_connections = 8\n"
    "timeout_seconds = 120\nconnect_timeout_seconds = 2\ntotal_timeout_seconds = 120\n"
    "retries = 0\n"
)
ITEMS = [*FIGHT[:4], BANK]
FEEDS = {"/a.xml": [0, 1, 4], "/b.xml": [2, 3]}
HANG_SECONDS = 300  # a hanging route answers after this long, or when released


def feed(base: str, items: list[int]) -> bytes:
    entries = "".join(
        f"<item><title>{ITEMS[i][0]}</title><link>{base}/item/{i}</link>"
        f"<pubDate>{format_datetime(START + timedelta(hours=i))}</pubDate></item>"
        for i in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{entries}</channel></rss>'.encode()


def page(i: int) -> bytes:
    title, body = ITEMS[i]
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in body.rstrip(".").split(". "))
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{paragraphs}</article></body></html>"
    ).encode()


@dataclass
class Newsroom:
    """The outlets' server, shared by the module's tests (so that URLs are the same in every
    database); a path in `hanging` holds its request until released."""

    base: str
    log: ServerLog
    hanging: dict[str, threading.Event]

    def hang(self, path: str) -> threading.Event:
        self.hanging[path] = threading.Event()
        return self.hanging[path]

    def in_flight(self, path: str, before: int, seconds: float = 120) -> None:
        """Wait until `path` is asked for again (it had `before` requests): the work is on it."""
        wait_for(lambda: self.log.count(path) > before, seconds, f"a request of {path}")

    def release(self) -> None:
        for event in self.hanging.values():
            event.set()
        self.hanging.clear()

    def add_sources(self, database: Database, feeds: list[str] | None = None) -> None:
        with database.transaction() as session:
            for path in feeds or list(FEEDS):
                add_source(session, f"{self.base}{path}")


@pytest.fixture(scope="module")
def newsroom() -> Iterator[Newsroom]:
    hanging: dict[str, threading.Event] = {}

    def held(path: str, respond):  # type: ignore[no-untyped-def]
        def route(handler) -> None:  # type: ignore[no-untyped-def]
            event = hanging.get(path)
            if event is not None:
                event.wait(HANG_SECONDS)
            respond(handler)

        return route

    routes = {
        path: held(path, lambda h, items=items: send(h, 200, feed(room.base, items)))
        for path, items in FEEDS.items()
    }
    routes["/slow.xml"] = held("/slow.xml", lambda h: send(h, 200, feed(room.base, [])))
    for i in range(len(ITEMS)):
        routes[f"/item/{i}"] = held(f"/item/{i}", lambda h, i=i: send(h, 200, page(i)))
    with serve(routes) as (base, log):
        room = Newsroom(base, log, hanging)
        yield room
        room.release()


@dataclass
class Outcome:
    stories: set[frozenset[str]]
    counts: dict[str, int]


def outcome(database: Database) -> Outcome:
    """The stories as sets of report URLs, and the counts a clean run fixes."""
    with database.session() as session:
        stories: dict[int, set[str]] = {}
        for story_id, url in session.execute(
            select(StoryMember.story_id, Document.url).join(Document)
        ):
            stories.setdefault(story_id, set()).add(url)
        assert duplicates(session) == {"documents": 0, "versions": 0, "memberships": 0}
        live = Story.merged_into_id.is_(None)
        counts = {
            "documents": session.scalar(select(func.count()).select_from(Document)),
            "in stories": session.scalar(select(func.count()).select_from(StoryMember)),
            "stories": session.scalar(select(func.count()).select_from(Story).where(live)),
            "published": session.scalar(
                select(func.count())
                .select_from(Story)
                .where(live, Story.state == StoryState.PUBLISHED.value)
            ),
        }
    return Outcome({frozenset(urls) for urls in stories.values()}, counts)


@pytest.fixture(scope="module")
def clean(
    newsroom: Newsroom, tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder
) -> Outcome:
    """A clean run over the same outlets: what every faulty run must end in."""
    folder = tmp_path_factory.mktemp("clean")
    (folder / "gazette.toml").write_text(CONFIG)
    settings = load_settings(folder / "gazette.toml", database_url=f"sqlite:///{folder}/g.db")
    database = Database(settings.database_url)
    database.migrate()
    newsroom.add_sources(database)
    run_pipeline(database, settings, embedder)
    result = outcome(database)
    assert result.counts == {"documents": 5, "in stories": 5, "stories": 2, "published": 2}
    return result


def test_a_worker_killed_mid_fetch_loses_nothing(
    newsroom: Newsroom, clean: Outcome, tmp_path: Path
) -> None:
    gate = newsroom.hang("/item/1")
    before = newsroom.log.count("/item/1")
    with own_schema() as url, deployment(tmp_path, url, CONFIG) as running:
        database = Database(url)
        newsroom.add_sources(database)
        running.start_worker("first")
        running.start_scheduler()
        newsroom.in_flight("/item/1", before)
        running.kill("first")  # SIGKILL, the worker and its pool, mid-fetch
        with database.session() as session:  # its pages are still leased, none stored
            leased = Document.lease_until.is_not(None) & (Document.status == "discovered")
            assert session.scalar(select(func.count()).select_from(Document).where(leased)) == 5
        gate.set()
        running.start_worker("second")
        # The killed step's pages and host are free again once their lease runs out (60 s).
        wait_for(lambda: settled(database), 240, "the work to be taken up again")
        assert outcome(database) == clean
        database.dispose()


def test_a_worker_killed_mid_write_loses_nothing(
    newsroom: Newsroom, clean: Outcome, tmp_path: Path
) -> None:
    script = [Reply(content=parrot, delay=HANG_SECONDS), Reply(content=parrot)]
    with scripted_llm(script) as (llm_url, calls):
        config = CONFIG + (
            f'[write.llm]\nurl = "{llm_url}"\nmodel = "scripted"\ntimeout_seconds = 600\n'
            "retries = 0\n"
        )
        with own_schema() as url, deployment(tmp_path, url, config) as running:
            database = Database(url)
            newsroom.add_sources(database)
            running.start_worker("first")
            running.start_scheduler()
            wait_for(lambda: len(calls.requests) >= 1, 180, "the writer to ask the model")
            running.kill("first")  # SIGKILL mid-write: its transaction is rolled back
            with database.session() as session:
                assert session.scalar(text("SELECT count(*) FROM articles")) == 0
            running.start_worker("second")
            wait_for(lambda: settled(database), 240, "the stories to be written again")
            assert outcome(database) == clean
            with database.session() as session:
                writers = set(session.scalars(text("SELECT DISTINCT writer FROM articles")))
            assert writers == {"llm:scripted"}
            database.dispose()


def test_a_hanging_source_holds_up_nothing_else(
    newsroom: Newsroom, clean: Outcome, tmp_path: Path
) -> None:
    newsroom.hang("/slow.xml")
    before = newsroom.log.count("/slow.xml")
    with own_schema() as url, deployment(tmp_path, url, CONFIG) as running:
        database = Database(url)
        newsroom.add_sources(database, ["/slow.xml"])
        running.start_worker("worker", queues="io,cpu", concurrency=2)
        running.start_worker("serial", queues="serial")
        running.start_scheduler()
        newsroom.in_flight("/slow.xml", before)
        newsroom.add_sources(database)
        wait_for(lambda: settled(database), 120, "the other sources' stories")
        with database.session() as session:
            slow = session.scalars(select(Source).where(Source.url.endswith("/slow.xml"))).one()
            assert slow.last_fetched_at is None and slow.lease_until is not None  # still hangs
        assert outcome(database) == clean
        database.dispose()
    newsroom.release()


def test_an_item_that_fails_every_time_is_retried_with_backoff_and_blocks_nothing_else(
    newsroom: Newsroom, clean: Outcome, tmp_path: Path
) -> None:
    """The bank story's tags can never be stored (a trigger refuses them): its failure is
    recorded against it and retried after the growing waits of gazette/faults.py, while the
    fight story is published; once the cause is gone it is published too."""
    with own_schema() as url, deployment(tmp_path, url, CONFIG) as running:
        database = Database(url)
        with database.transaction() as session:
            for statement in REFUSE_BANK_TAGS:
                session.execute(text(statement))
        newsroom.add_sources(database)
        running.start_worker("worker")
        running.start_scheduler()

        def bank_story() -> Story:
            with database.session() as session:
                return session.scalars(
                    select(Story)
                    .join(StoryMember)
                    .join(Document)
                    .where(Document.url.endswith("/item/4"))
                ).one()

        def published() -> int:
            with database.session() as session:
                return session.scalar(
                    select(func.count()).select_from(Story).where(Story.state == "published")
                )

        wait_for(lambda: bank_story().attempts == 1 and published() == 1, 180, "a first failure")
        first = bank_story()
        assert "bank tags refused" in (first.error or "") and first.state == "written"
        assert first.retry_at > utcnow() + timedelta(minutes=14)
        with database.transaction() as session:  # its wait is over
            session.get(Story, first.id).retry_at = utcnow()
        wait_for(lambda: bank_story().attempts == 2, 60, "a second failure")
        assert bank_story().retry_at > utcnow() + timedelta(minutes=59)  # the wait grew

        with database.transaction() as session:  # the cause is gone, its wait over
            session.execute(text("DROP TRIGGER refuse_bank_tags ON story_tags"))
            session.get(Story, first.id).retry_at = utcnow()
        wait_for(lambda: settled(database), 120, "the bank story to be published")
        assert outcome(database) == clean
        assert bank_story().error is None and bank_story().attempts == 0
        database.dispose()


REFUSE_BANK_TAGS = [
    "CREATE FUNCTION refuse_bank_tags() RETURNS trigger AS $$ BEGIN "
    "IF (SELECT slug FROM tags WHERE id = NEW.tag_id) LIKE '%quillon%' "
    "THEN RAISE EXCEPTION 'bank tags refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER refuse_bank_tags BEFORE INSERT ON story_tags "
    "FOR EACH ROW EXECUTE FUNCTION refuse_bank_tags()",
]


@pytest.mark.disruptive
def test_redis_restarted_while_tasks_are_queued_loses_nothing(
    newsroom: Newsroom, clean: Outcome, tmp_path: Path
) -> None:
    gate = newsroom.hang("/item/3")
    before = newsroom.log.count("/item/3")
    with own_schema() as url, deployment(tmp_path, url, CONFIG) as running:
        database = Database(url)
        newsroom.add_sources(database)
        running.start_worker("worker")
        running.start_scheduler()
        newsroom.in_flight("/item/3", before)
        time.sleep(3)  # the scheduler's sweeps queue up behind the fetch
        with redis_down():
            time.sleep(3)
        gate.set()
        wait_for(lambda: settled(database), 180, "the work to go on")
        assert outcome(database) == clean
        assert "Connection to broker lost" in running.log("worker")
        database.dispose()


@pytest.mark.disruptive
def test_postgres_restarted_under_a_worker_loses_nothing(
    newsroom: Newsroom, clean: Outcome, tmp_path: Path
) -> None:
    if others_on_postgres():
        pytest.skip("someone else is using PostgreSQL: it is not restarted under them")
    gate = newsroom.hang("/item/2")
    before = newsroom.log.count("/item/2")
    with own_schema() as url, deployment(tmp_path, url, CONFIG) as running:
        database = Database(url)
        newsroom.add_sources(database)
        running.start_worker("worker")
        running.start_scheduler()
        newsroom.in_flight("/item/2", before)
        restart_postgres()
        gate.set()
        wait_for(lambda: settled(database), 180, "the work to go on")
        assert outcome(database) == clean
        database.dispose()
