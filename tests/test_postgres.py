"""The production database: the same pipeline on PostgreSQL gives the same result."""

from __future__ import annotations

from conftest import DemoRun, run_demo
from helpers import grouping, pipeline_counts

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
        assert pipeline_counts(pg) == pipeline_counts(lite)
    again = run_pipeline(run.database, run.settings, embedder)
    assert again.sources.new_documents == 0 and again.write.written == 0
    run.database.dispose()


def test_a_serialized_step_waits_for_its_own_deployment_only(postgres_url: str) -> None:
    """The lock that runs one dedupe or cluster step at a time is per schema: a deployment in
    another schema of the same database goes on while this one holds it."""
    from deployment import own_schema
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from gazette.work import serialized

    def tries_while_held(other_url: str) -> bool:
        holder, other = Database(postgres_url), Database(other_url)
        try:
            with holder.session() as held, other.session() as trying:
                serialized(held, "cluster")
                trying.execute(text("SET lock_timeout = '500ms'"))
                try:
                    serialized(trying, "cluster")
                    return True
                except OperationalError:
                    return False
        finally:
            holder.dispose(), other.dispose()

    assert not tries_while_held(postgres_url)
    with own_schema() as elsewhere:
        assert tries_while_held(elsewhere)
