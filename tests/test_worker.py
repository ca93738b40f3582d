"""The long-running worker: new items reach their published story while it runs; it stops
cleanly on a signal, and at once on a second one, handing its work back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from email.utils import format_datetime
from pathlib import Path

from deployment import wait_for
from fight import FIGHT, START
from sqlalchemy import func, select
from webserver import send, serve

from gazette.config import load_settings
from gazette.db import Database
from gazette.db.models import ArticleReference, Source, Story, WorkerBeat
from gazette.embedding import MiniLMEmbedder
from gazette.sources import add_source
from gazette.worker import Worker

CONFIG = (
    "[fetch]\n"
    'allow_networks = ["127.0.0.0/8"]\n'
    "per_host_delay_seconds = 0\nper_host_connections = 8\n"
    "timeout_seconds = 5\nconnect_timeout_seconds = 1\ntotal_timeout_seconds = 60\n"
    "retries = 0\n"
)
POLL_EVERY = 0.01  # minutes: the feed is read again about every second


def feed(base: str, count: int) -> bytes:
    items = "".join(
        f"<item><title>{FIGHT[i][0]}</title><link>{base}/fight/{i}</link>"
        f"<pubDate>{format_datetime(START.replace(hour=8 + i))}</pubDate></item>"
        for i in range(count)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def page(i: int) -> bytes:
    title, text = FIGHT[i]
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in text.rstrip(".").split(". "))
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>".encode()  # noqa: E501


def published_references(database: Database) -> list[int]:
    """How many references the published version of each story has."""
    with database.session() as session:
        return list(
            session.scalars(
                select(func.count(ArticleReference.id))
                .join(Story, Story.published_article_id == ArticleReference.article_id)
                .group_by(Story.id)
            )
        )


def test_a_new_item_reaches_its_published_story_while_the_worker_runs(
    tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    shown = {"items": 2}
    routes = {
        "/feed.xml": lambda h: send(h, 200, feed(base, shown["items"]), Content_Type="text/xml"),
        **{f"/fight/{i}": (lambda h, i=i: send(h, 200, page(i))) for i in range(4)},
    }
    config = tmp_path / "gazette.toml"
    config.write_text(f'database_url = "sqlite:///{tmp_path / "gazette.db"}"\n' + CONFIG)
    settings = load_settings(config)
    database = Database(settings.database_url)
    database.migrate()
    lines: list[str] = []
    with serve(routes) as (base, _log):
        with database.transaction() as session:
            add_source(session, f"{base}/feed.xml", interval_minutes=POLL_EVERY)
        worker = Worker(
            database,
            settings,
            embedder,
            progress=lambda stage, report: lines.append(f"{stage.name}: {report.summary()}"),
            idle_seconds=0.2,
        )
        thread = threading.Thread(target=worker.run)
        thread.start()
        try:
            wait_for(lambda: published_references(database) == [2], 120, "the first story")
            shown["items"] = 3  # a third outlet's report appears in the feed
            wait_for(lambda: published_references(database) == [3], 120, "the update")
        finally:
            worker.stop()
            thread.join(timeout=60)
    assert not thread.is_alive()
    assert "publish: 1 published, 0 awaiting review" in lines
    assert any(line.startswith("fetch: 1 pages") for line in lines)  # the new report alone


def workers_signed_in(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(WorkerBeat))


def start_worker(folder: Path, *args: str) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GAZETTE_")}
    return subprocess.Popen(
        [sys.executable, "-m", "gazette", "worker", *args],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_the_worker_stops_after_the_step_in_flight_on_sigterm(tmp_path: Path) -> None:
    (tmp_path / "gazette.toml").write_text(CONFIG)
    database = Database(f"sqlite:///{tmp_path / 'gazette.db'}")
    database.migrate()
    process = start_worker(tmp_path)
    wait_for(lambda: workers_signed_in(database) > 0, 60, "the worker to start")  # then idle
    process.send_signal(signal.SIGTERM)
    output, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors
    assert "worker started" in output and "stopped" in output


def test_a_second_signal_stops_the_worker_at_once_and_hands_its_sources_back(
    tmp_path: Path,
) -> None:
    def hanging(handler) -> None:  # type: ignore[no-untyped-def]
        time.sleep(30)
        send(handler, 200, b"<rss/>")

    (tmp_path / "gazette.toml").write_text(CONFIG)
    database = Database(f"sqlite:///{tmp_path / 'gazette.db'}")
    database.migrate()
    with serve({"/feed.xml": hanging}) as (base, log):
        with database.transaction() as session:
            add_source(session, f"{base}/feed.xml")
        process = start_worker(tmp_path)
        wait_for(lambda: log.count("/feed.xml") == 1, 60, "the worker to poll the feed")
        with database.session() as session:
            assert session.scalar(select(Source.lease_until)) is not None  # the poll holds it
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)  # finish the step in flight: it hangs...
        time.sleep(1)
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)  # ...so stop at once
        output, errors = process.communicate(timeout=20)
    assert time.monotonic() - started < 15
    assert process.returncode == 0, errors
    assert "stopped at once" in output
    with database.session() as session:
        source = session.scalars(select(Source)).one()
        assert source.lease_until is None and source.last_fetched_at is None


def test_a_process_settles_what_it_loaded_once() -> None:
    """settle_process takes the objects a process has loaded out of the collector's sight, once:
    a second call freezes nothing more, and a cycle made afterwards is still collected."""
    code = (
        "import gc, weakref\n"
        "from gazette.work import settle_process\n"
        "settle_process()\n"
        "frozen = gc.get_freeze_count()\n"
        "assert frozen > 10_000, frozen\n"
        "class Node: pass\n"
        "a, b = Node(), Node()\n"
        "a.other, b.other = b, a\n"
        "gone = weakref.ref(a)\n"
        "del a, b\n"
        "settle_process()\n"
        "assert gc.get_freeze_count() == frozen, (gc.get_freeze_count(), frozen)\n"
        "gc.collect()\n"
        "assert gone() is None\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
