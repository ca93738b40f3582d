"""A pass killed with SIGKILL at any point loses at most the batch in flight: the next pass
picks up where it stopped and ends in the state of a clean run, with nothing twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import DEMO, DemoRun
from helpers import grouping, pipeline_counts
from sqlalchemy import func, select

from gazette.db import Database
from gazette.db.models import Article, Document, StoryMember
from gazette.sources import add_source


def start_run(database: Database) -> subprocess.Popen[bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GAZETTE_")}
    command = ["--config", str(DEMO / "gazette.toml"), "--database", database.url, "run"]
    return subprocess.Popen(
        [sys.executable, "-m", "gazette", *command],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def progress(database: Database) -> tuple[int, int, int]:
    """Documents past extraction, reports in stories, article versions."""
    with database.session() as session:
        return (
            session.scalar(select(func.count()).where(Document.extracted_at.is_not(None))) or 0,
            session.scalar(select(func.count()).select_from(StoryMember)) or 0,
            session.scalar(select(func.count()).select_from(Article)) or 0,
        )


def test_passes_killed_at_random_moments_end_in_the_state_of_a_clean_run(
    tmp_path: Path, demo: DemoRun
) -> None:
    database = Database(f"sqlite:///{tmp_path / 'gazette.db'}")
    database.migrate()
    with database.transaction() as session:
        for feed in (DEMO / "sources.txt").read_text().split():
            add_source(session, feed)
    chance = random.Random(20261206)
    seen = []
    # Each pass is killed later than the one before, somewhere between starting and finishing
    # (a whole pass takes about half a minute, most of it the model's), so that the kills fall
    # in different stages.
    for earliest, latest in ((1, 5), (5, 15), (15, 25), (25, 40)):
        process = start_run(database)
        time.sleep(chance.uniform(earliest, latest))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        seen.append(progress(database))
    finished = start_run(database)
    assert finished.wait(timeout=600) == 0, finished.stderr.read().decode()  # type: ignore[union-attr]

    assert len(set(seen)) > 1, f"every kill came at the same point: {seen}"
    with database.session() as session, demo.database.session() as clean:
        assert {frozenset(urls) for urls in grouping(session).values()} == {
            frozenset(urls) for urls in grouping(clean).values()
        }
        after, expected = pipeline_counts(session), pipeline_counts(clean)
    after.pop("workers"), expected.pop("workers")
    # The metrics' running totals: a step killed after committing its work and before adding
    # itself to them is not counted, and a clean pass counts steps its own way.
    after.pop("stage_stats"), expected.pop("stage_stats")
    assert after == expected  # nothing missing, nothing twice (versions, references, tags...)
    database.dispose()
