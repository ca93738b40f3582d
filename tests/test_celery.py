"""The Celery engine: the demo through several Celery worker processes (real Redis, real
PostgreSQL) forms the stories of one `gazette run`, and stores each row once."""

from __future__ import annotations

import itertools
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from conftest import DEMO, DemoRun
from deployment import deployment, duplicates, own_schema, settled, wait_for, waiting_counts
from helpers import grouping, latest_articles, pipeline_counts
from slowserver import slow_server
from sqlalchemy import select
from typer.testing import CliRunner

from gazette.cli import app
from gazette.config import load_settings
from gazette.db import Database
from gazette.db.models import ArticleReference, Document, StageState
from gazette.embedding import MiniLMEmbedder
from gazette.pipeline import run_pipeline
from gazette.sources import add_source
from gazette.tasks import celery_config

# The demo's own settings, its mirror named by an absolute path.
DEMO_CONFIG = (
    (DEMO / "gazette.toml")
    .read_text()
    .replace('mirror_dir = "site"', f'mirror_dir = "{DEMO / "site"}"')
)
WORKERS = 2  # processes on the io and cpu queues, beside the one on the serial queue


def add_demo_sources(database: Database) -> None:
    with database.transaction() as session:
        for feed in (DEMO / "sources.txt").read_text().split():
            add_source(session, feed)


def cited_reports(database: Database) -> set[frozenset[str]]:
    """The reports each story's newest version cites, by URL."""
    with database.session() as session:
        found = set()
        for article in latest_articles(session):
            urls = session.scalars(
                select(Document.url)
                .join(ArticleReference, ArticleReference.document_id == Document.id)
                .where(ArticleReference.article_id == article.id)
            )
            found.add(frozenset(urls))
        return found


def comparable_counts(database: Database) -> dict[str, int]:
    """Row counts that do not depend on how the work was shared out in time (article versions
    do: a story written before its last report arrived gets a second version)."""
    with database.session() as session:
        counts = pipeline_counts(session)
    for table in ("articles", "sentences", "citations", "article_references", "write_checks"):
        counts.pop(table)
    counts.pop("stage_states")  # rows of the stages run as tasks
    counts.pop("workers")  # the signs of life of the Celery workers
    counts.pop("memos")  # sentences of every version written
    return counts


def test_the_demo_through_celery_workers_forms_the_stories_of_one_run(
    tmp_path: Path, demo: DemoRun, embedder: MiniLMEmbedder
) -> None:
    with own_schema() as url, deployment(tmp_path, url, DEMO_CONFIG) as running:
        database = Database(url)
        add_demo_sources(database)
        started = time.monotonic()
        running.start_worker("serial", queues="serial", concurrency=1)
        for number in range(WORKERS):
            running.start_worker(f"worker{number}", queues="io,cpu", concurrency=1)
        running.start_scheduler()
        # A bound for a hang, not a speed target (bench/celery_demo.py times it).
        wait_for(
            lambda: settled(database),
            300,
            "the demo to settle",
            lambda: f"{waiting_counts(database)}\n{running.log_tails()}",
        )
        print(f"demo through {WORKERS} + 1 Celery workers: {time.monotonic() - started:.1f} s")
        told = CliRunner().invoke(
            app, ["--config", str(tmp_path / "gazette.toml"), "status", "--json"]
        )
        status = json.loads(told.stdout)
        assert {w["engine"] for w in status["workers"]} == {"celery"}
        assert len(status["workers"]) >= WORKERS + 1  # the prefork children sign in one by one
        assert set(status["queues"]) == {"io", "cpu", "serial"}
        running.stop()

        with database.session() as session, demo.database.session() as reference:
            assert {frozenset(u) for u in grouping(session).values()} == {
                frozenset(u) for u in grouping(reference).values()
            }
            assert duplicates(session) == {"documents": 0, "versions": 0, "memberships": 0}
            assert set(session.scalars(select(StageState.error))) <= {None}
        assert comparable_counts(database) == comparable_counts(demo.database)
        assert cited_reports(database) == cited_reports(demo.database)
        # Nothing was left for a pass to do.
        again = run_pipeline(database, demo_settings_on(url, tmp_path), embedder)
        assert again.fetch.fetched == 0 and again.cluster.assigned == 0
        assert again.write.written == 0 and again.publish.published == 0
        database.dispose()


def demo_settings_on(url: str, folder: Path):  # type: ignore[no-untyped-def]
    return load_settings(folder / "gazette.toml", database_url=url)


def test_each_stage_has_its_queue_and_every_stage_is_swept() -> None:
    config = celery_config(load_settings(DEMO / "gazette.toml"))
    routes = {task: route["queue"] for task, route in config["task_routes"].items()}  # type: ignore[attr-defined]
    assert routes == {
        "gazette.sources": "gazette.io",
        "gazette.fetch": "gazette.io",
        "gazette.extract": "gazette.cpu",
        "gazette.dedupe": "gazette.serial",
        "gazette.embed": "gazette.cpu",
        "gazette.cluster": "gazette.serial",
        "gazette.write": "gazette.cpu",
        "gazette.tag": "gazette.cpu",
        "gazette.publish": "gazette.cpu",
    }
    swept = {entry["task"] for entry in config["beat_schedule"].values()}  # type: ignore[attr-defined]
    assert swept == set(routes)
    assert config["task_acks_late"] and config["task_reject_on_worker_lost"]


POLITE = (
    "[fetch]\n"
    'allow_networks = ["127.0.0.0/8"]\n'
    "per_host_connections = 2\nper_host_delay_seconds = 0.5\n"
    "timeout_seconds = 5\nconnect_timeout_seconds = 2\nretries = 0\n"
)


def test_two_fetching_processes_keep_the_per_host_limits_between_them(tmp_path: Path) -> None:
    """Seen from the server (a process of its own): two processes fetching pages of one host
    never have more than per_host_connections requests in flight between them, start them at
    least per_host_delay_seconds apart, and read robots.txt once."""
    pages = 16
    with own_schema() as url, slow_server(pause=0.6) as (base, log):
        config = tmp_path / "gazette.toml"
        config.write_text(f'database_url = "{url}"\n' + POLITE)
        database = Database(url)
        database.migrate()
        with database.transaction() as session:
            session.add_all(Document(url=f"{base}/p{i}") for i in range(pages))
        fetchers = [
            subprocess.Popen(
                [sys.executable, str(Path(__file__).parent / "fetcher.py"), str(config)],
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        counts = [int(fetcher.communicate(timeout=120)[0].split()[-1]) for fetcher in fetchers]
        seen = log.get("/_log").json()
        with database.session() as session:
            statuses = set(session.scalars(select(Document.status)))
        database.dispose()
    assert sum(counts) == pages and min(counts) > 0, counts  # both fetched, nothing twice
    assert statuses == {"fetched"}
    starts = sorted(at for path, at in seen["arrivals"] if path.startswith("/p"))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # Arrival times at the server carry the scheduling jitter of a loaded machine (a request
    # started on time may be read late, the next one early, by a few tenths of a second at a
    # load of ten on two cores); the pause of half a second leaves room for it, while two
    # requests let through together would still show a gap near zero.
    assert len(starts) == pages and min(gaps) >= 0.1, gaps
    assert statistics.median(gaps) >= 0.45, gaps
    assert seen["most"] <= 2
    assert [path for path, _ in seen["arrivals"]].count("/robots.txt") == 1
