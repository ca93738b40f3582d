"""The production database: the same pipeline on PostgreSQL gives the same result."""

from __future__ import annotations

from conftest import DemoRun, run_demo
from helpers import grouping, row_counts

from gazette.db import Database
from gazette.pipeline import run_pipeline


def test_demo_on_postgres_matches_sqlite(postgres_url: str, demo: DemoRun, embedder) -> None:
    run = run_demo(postgres_url, embedder)
    assert run.report.errors() == {}
    assert Database(postgres_url).is_current()
    with run.database.session() as pg, demo.database.session() as lite:
        assert {frozenset(u) for u in grouping(pg).values()} == {
            frozenset(u) for u in grouping(lite).values()
        }
        pg_counts, lite_counts = row_counts(pg), row_counts(lite)
    pg_counts.pop("comments"), lite_counts.pop("comments")  # the web tests post comments
    assert pg_counts == lite_counts
    again = run_pipeline(run.database, run.settings, embedder)
    assert again.sources.new_documents == 0 and again.write.written == 0
    run.database.dispose()
