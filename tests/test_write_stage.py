"""The write stage over a real database: versions when a story grows, and the language model's
article with the check's decisions stored and shown to the editor."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from fight import FIGHT, add_ready, settings_for, stored_fight
from llmserver import Reply, parrot, scripted_llm
from sqlalchemy import select
from typer.testing import CliRunner

from gazette.cli import app
from gazette.config import LLMSettings, Settings, WriteSettings
from gazette.db import Database
from gazette.db.models import Story, StoryMember
from gazette.embedding import MiniLMEmbedder
from gazette.pipeline import run_pipeline
from gazette.regroup import move_report
from gazette.web import create_app
from gazette.write.stage import article_version

INVENTED = "Marek won in the fifth round in front of 40,000 fans in Brennick."


def story_of(database: Database, document_id: int) -> int:
    with database.session() as session:
        return session.scalar(
            select(StoryMember.story_id).where(StoryMember.document_id == document_id)
        )


def with_llm(database: Database, url: str) -> Settings:
    llm = LLMSettings(url=url, model="scripted-model", retries=0, timeout_seconds=10)
    return settings_for(database.url).model_copy(update={"write": WriteSettings(llm=llm)})


def test_a_new_report_writes_a_new_version_and_the_earlier_one_stays(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    fight = stored_fight(database, embedder)
    story = story_of(database, fight[0].id)
    with database.session() as session:
        first = article_version(session, story)
        assert first.version == 1 and first.change_note is None
        first_sources = {r.document_id for r in first.references}
        first_body = [s.text for s in first.sentences]
    assert first_sources == {d.id for d in fight}

    with database.transaction() as session:
        third = add_ready(session, "c", *FIGHT[2], 2)
    run_pipeline(database, settings_for(database.url), embedder)
    with database.session() as session:
        latest = article_version(session, story)
        assert latest.version == 2
        assert latest.change_note == "New reports from Outlet C."
        assert third.id in {r.document_id for r in latest.references}
        kept = article_version(session, story, version=1)
        assert {r.document_id for r in kept.references} == first_sources
        assert [s.text for s in kept.sentences] == first_body

    page = TestClient(create_app(settings_for(database.url), database)).get(f"/story/{story}")
    assert "Updated: New reports from Outlet C." in page.text

    # nothing new: no third version
    run_pipeline(database, settings_for(database.url), embedder)
    with database.session() as session:
        assert article_version(session, story).version == 2


def test_the_model_writes_through_the_pipeline_and_the_check_is_stored(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    def parrot_with_an_invention(request: dict[str, Any]) -> dict[str, Any]:
        answer = parrot(request)
        answer["body"].append({"text": INVENTED, "facts": [1], "sources": [1, 2]})
        return answer

    with database.transaction() as session:
        fight = [add_ready(session, k, *FIGHT[i], i) for i, k in enumerate("ab")]
    with scripted_llm([Reply(parrot_with_an_invention)]) as (url, log):
        report = run_pipeline(database, with_llm(database, url), embedder)
    assert report.errors() == {} and len(log.requests) == 1
    story = story_of(database, fight[0].id)
    with database.session() as session:
        article = article_version(session, story)
        assert article.writer == "llm:scripted-model"
        assert all("40,000" not in s.text for s in article.sentences)
        invented = next(c for c in article.checks if c.proposed == INVENTED)
        assert invented.outcome in {"replaced", "dropped"}
        assert "figure 40000" in invented.reason and invented.proposed_sources == "1,2"
        parroted = [c for c in article.checks if c.section == "body" and c is not invented]
        assert parroted and {c.outcome for c in parroted} == {"kept"}

    result = CliRunner().invoke(app, ["--database", database.url, "checks", str(story)])
    assert result.exit_code == 0, result.output
    assert "written by llm:scripted-model" in result.output
    assert f"  proposed:  {INVENTED}" in result.output
    assert "figure 40000 not in the source" in result.output


def test_checks_of_a_missing_story_or_version_is_a_clear_error(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    stored_fight(database, embedder)
    runner = CliRunner()
    missing = runner.invoke(app, ["--database", database.url, "checks", "999"])
    assert missing.exit_code == 2 and "no article for story 999" in missing.output
    story = "1"
    no_version = runner.invoke(app, ["--database", database.url, "checks", story, "--version", "7"])
    assert no_version.exit_code == 2 and "no article for version 7 of story 1" in no_version.output
    default = runner.invoke(app, ["--database", database.url, "checks", story])
    assert default.exit_code == 0 and "the default writer" in default.output


def test_a_story_with_nothing_to_write_from_waits_without_an_error(
    database: Database, embedder: MiniLMEmbedder
) -> None:
    """A question headline alone gives no article: the story waits, as no failure and with no
    retry, and is written once a report it can be written from joins it."""
    fight = stored_fight(database, embedder)
    with database.transaction() as session:
        question = add_ready(session, "q", "Who will Marek face next?", "", 3)
    run = CliRunner().invoke(app, ["--database", database.url, "run"])
    assert run.exit_code == 0 and "error" not in run.stderr
    asked = story_of(database, question.id)
    with database.session() as session:
        story = session.get(Story, asked)
        assert (story.state, story.error, story.retry_at) == ("unwritten", None, None)
    status = CliRunner().invoke(app, ["--database", database.url, "status"])
    assert "1 story with nothing to write from yet" in " ".join(status.output.split())
    # `gazette retry` (after an upgrade of the writer) reads it again
    retried = CliRunner().invoke(app, ["--database", database.url, "retry"])
    assert "1 story with nothing to write from, read again" in " ".join(retried.output.split())
    run_pipeline(database, settings_for(database.url), embedder)
    with database.session() as session:
        assert session.get(Story, asked).state == "unwritten"

    with database.transaction() as session:
        move_report(session, fight[1].id, asked, "editor")
    run_pipeline(database, settings_for(database.url), embedder)
    with database.session() as session:
        assert session.get(Story, asked).state == "published"
        assert article_version(session, asked).references
