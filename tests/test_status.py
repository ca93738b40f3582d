"""`gazette status` tells what waits where and what fails; `gazette retry` takes it up again."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from pathlib import Path

from fight import FIGHT, add_ready, settings_for
from typer.testing import CliRunner

from gazette.cli import app
from gazette.db import Database
from gazette.db.models import Document, DocumentStatus, Source, utcnow
from gazette.embedding import MiniLMEmbedder
from gazette.pipeline import run_pipeline
from gazette.status import read_status
from gazette.worker import Worker

runner = CliRunner()


def status_json(database: Database) -> tuple[int, dict]:
    result = runner.invoke(app, ["--database", database.url, "status", "--json"])
    return result.exit_code, json.loads(result.stdout)


def backlog(found: dict) -> dict[str, tuple[int, int]]:
    return {row["stage"]: (row["waiting"], row["retrying"]) for row in found["backlog"]}


def test_status_shows_the_work_waiting_and_what_fails_and_retry_takes_it_up(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    with database.transaction() as session:
        add_ready(session, "a", *FIGHT[0], 0)
        broken = Document(
            url="https://broken.example/1",
            status=DocumentStatus.FETCHED,
            raw_html=b"not gzip",
            published_at=utcnow() - timedelta(hours=1),
        )
        given_up = Document(
            url="https://gone.example/1", status=DocumentStatus.FAILED, error="HTTP 404"
        )
        session.add_all([broken, given_up])
        session.add(
            Source(url="https://down.example/feed.xml", consecutive_failures=2, last_error="x")
        )
    run_pipeline(database, settings_for(database.url), embedder, all_sources=False)

    code, found = status_json(database)
    assert code == 1  # something fails: an alert can key on it
    assert found["published"] == 1 and found["given_up"] == 1
    stages = backlog(found)
    assert stages["extract"] == (0, 1)  # the broken page waits for its retry
    assert stages["cluster"] == (0, 0) and stages["write"] == (0, 0)
    assert [s["key"] for s in found["failing_sources"]] == ["https://down.example/feed.xml"]
    errors = {e["key"]: e for e in found["recent_errors"]}
    assert errors[broken.url]["error"].startswith("unexpected BadGzipFile")
    assert errors[broken.url]["attempts"] == 1
    assert found["workers"] == []

    told = runner.invoke(app, ["--database", database.url, "retry"])
    assert told.exit_code == 0, told.output
    assert told.stdout.startswith("due now: 1 documents and 0 stories waiting for a retry")
    assert ", 1 documents that had been given up" in told.stdout
    with database.session() as session:
        assert session.get(Document, broken.id).retry_at is None
        revived = session.get(Document, given_up.id)
        assert revived.status == DocumentStatus.DISCOVERED and revived.attempts == 0
    assert backlog(status_json(database)[1])["extract"] == (1, 0)


def test_a_running_worker_is_listed_and_leaves_the_list_when_it_stops(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    worker = Worker(database, settings_for(database.url), embedder, idle_seconds=0.1)
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        for _ in range(100):
            with database.session() as session:
                workers = read_status(session).workers
            if workers:
                break
            time.sleep(0.1)
        assert [w.name for w in workers] == [worker.name] and workers[0].engine == "local"
    finally:
        worker.stop()
        thread.join(timeout=30)
    with database.session() as session:
        assert read_status(session).workers == []


def test_a_quiet_site_has_nothing_to_report(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'gazette.db'}")
    database.migrate()
    code, found = status_json(database)
    assert code == 0
    assert all(row == (0, 0) for row in backlog(found).values())
    human = runner.invoke(app, ["--database", database.url, "status"])
    assert "no worker alive" in human.stdout and "0 stories published" in human.stdout
